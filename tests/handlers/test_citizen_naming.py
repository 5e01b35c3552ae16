"""What a sentence names when search is unsure: the thing an item is about (procedure words left
out) and the way the words ask (补, 换, 注销). Wordings other than the conversation set's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from catalogue.demo.data import read_demo
from catalogue.models import Item, RetiredCode
from handlers.citizen import cards
from handlers.citizen.searching import (
    Found,
    named_thing,
    says_what_it_does,
    the_way_asked,
    thing_said,
)
from handlers.citizen.typing_slips import as_named, typed_in_pinyin, written_as_named
from search.document import Document, Hit
from tests.kits import citizen as kit


def _found(*scored: tuple[str, float], keywords: tuple[str, ...] = ()) -> list[Found]:
    results = []
    for number, (name, score) in enumerate(scored):
        code = f"X{number:04d}"
        item = Item(code=code, name=name, category="QT", keywords=list(keywords), aliases=[])
        results.append(Found(Hit(Document(code=code, name=name), score, ()), item))
    return results


def test_procedure_words_name_no_thing():
    item = _found(("林木采伐许可证核发", 0.4))[0].item
    assert thing_said(item, "采砂许可证") == 0
    assert thing_said(item, "砍树要林木采伐证") == 4


def test_a_run_shared_only_through_words_of_grammar_names_nothing():
    item = _found(("草原防火期内因生产活动需要在草原上野外用火新办审批", 0.5))[0].item
    # 要在草 is in 需要在草原上, but 要 and 在 begin no word: only 草 is left, too short
    assert thing_said(item, "要在草场上修条路") == 0
    assert thing_said(item, "想在草原上用火") == 5  # 草原上 and 用火


def test_runs_of_the_thing_count_apart():
    item = _found(("户口迁移审批", 0.3))[0].item
    assert thing_said(item, "把户口从兰州迁移过来") == 4
    assert thing_said(item, "户口") == 2


def test_the_only_thing_named_is_the_answer():
    found = _found(("居民身份证办理", 0.6), ("居民身份证挂失申报", 0.45), ("教师资格认定", 0.3))
    named = named_thing(found, "身份证过期了重新办一个", "身份证过期了重新办一个")
    assert named is not None and named.item.name == "居民身份证办理" and named.hit.confident


def test_two_results_naming_the_thing_alike_are_a_choice():
    found = _found(("草原等级评定", 0.45), ("草原植被恢复费征收", 0.4))
    assert named_thing(found, "承包草原的事", "承包草原的事") is None
    found = _found(("居民身份证办理", 0.6), ("居民身份证核验", 0.55))
    assert named_thing(found, "我的身份证啊", "我的身份证啊") is None


def test_two_characters_of_a_thing_are_a_guess():
    found = _found(("80周岁以上老年人高龄津贴发放", 0.5))
    assert named_thing(found, "老年卡", "老年卡") is None


def test_a_weak_lead_names_nothing():
    assert named_thing(_found(("居民身份证办理", 0.2)), "身份证", "身份证") is None


def test_the_way_asked_wins_over_a_neutral_name():
    found = _found(("中国内地公民婚姻登记", 0.6), ("补领结婚证", 0.45))
    way = the_way_asked(found[0], found, "结婚证让娃撕了 想补一个")
    assert way.item.name == "补领结婚证" and way.hit.confident


def test_no_way_asked_keeps_the_choice():
    found = _found(("中国内地公民婚姻登记", 0.6), ("补领结婚证", 0.45))
    assert the_way_asked(found[0], found, "结婚证在哪领").item.name == "中国内地公民婚姻登记"


def test_a_chosen_name_going_another_way_gives_way():
    found = _found(("居民身份证挂失申报", 0.7), ("居民身份证办理", 0.6), ("社会保障卡申领", 0.5))
    way = the_way_asked(found[0], found, "身份证到期了重新办")
    assert way.item.name == "居民身份证办理" and way.hit.confident


def test_a_chosen_name_going_a_way_is_kept():
    found = _found(("个体工商户变更登记", 0.6), ("个体工商户注销登记", 0.5))
    assert the_way_asked(found[0], found, "个体户不干了注销").item.name == "个体工商户变更登记"


def test_a_lead_alone_going_the_way_asked_is_sure():
    found = _found(("补领残疾人证", 0.5), ("残疾人证新办", 0.45))
    way = the_way_asked(found[0], found, "残疾证弄丢了 还能补办不")
    assert way.item.name == "补领残疾人证" and way.hit.confident


def test_two_going_the_way_asked_stay_a_choice():
    found = _found(("补领残疾人证", 0.5), ("补领护照", 0.45))
    way = the_way_asked(found[0], found, "残疾证和护照都弄丢了 还能补办不")
    assert not way.hit.confident


def test_a_keyword_of_what_is_done_is_said_with_a_word_between():
    item = _found(("林木采伐许可证核发", 0.4), keywords=("砍树", "采伐证"))[0].item
    assert says_what_it_does(item, "承包林地上砍了树")  # 砍…树, one character between
    assert says_what_it_does(item, "想砍树")
    assert not says_what_it_does(item, "砍树")  # the keyword alone: search judges it
    assert not says_what_it_does(item, "砍了好多树")  # two characters between
    assert not says_what_it_does(item, "树想砍")  # the thing before the doing
    # 采伐证 begins with no doing: a thing, not what is done
    assert not says_what_it_does(item, "要个采一伐证")


async def test_sentences_naming_an_item_get_its_card(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_naming")
    answer = await user.say("娃娃的身份证马上到期了 想换个新的")
    assert "【居民身份证办理" in answer
    answer = await user.say("闺女的结婚证寻不见了，想补一个")
    assert "【补领结婚证】" in answer
    answer = await kit.WeChatUser(http, "o_naming_guess").say("老年证在哪办")
    assert "您是不是想找" in answer


async def test_guesses_sharing_nothing_with_the_words_are_not_offered(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_naming_nothing").say("去西宁的火车票咋买")
    assert "没有找到" in answer and "您是不是想找" not in answer, answer
    # Two characters of a thing said (退休) are enough to see a sound-alike guess shares none.
    answer = await kit.WeChatUser(http, "o_naming_retire").say("退休了要办什么")
    assert "没有找到" in answer and "您是不是想找" not in answer, answer
    # A synonym heard whose meaning shares only a procedure word (考驾照→驾驶证初次申领 and
    # 失业保险金申领) or a two-character word (医保→医疗保险) names nothing here: a matter
    # handled outside the catalogue is said so, with who handles it.
    for n, words in enumerate(("考驾照去哪报名", "医保报销去哪", "房产证怎么办")):
        answer = await kit.WeChatUser(http, f"o_naming_far_{n}").say(words)
        assert "不在本县政务服务事项目录里" in answer and "您是不是想找" not in answer, answer
    answer = await kit.WeChatUser(http, "o_naming_synonym").say("想砍院子里两棵树")
    assert "林木采伐" in answer, answer


async def test_what_is_done_said_among_other_words_names_its_item(demo):
    http, _ = demo
    # a quantity and a word between the keyword's doing and its thing (打一眼机井: 打井)
    answer = await kit.WeChatUser(http, "o_naming_well").say("想在承包的地里打一眼机井浇庄稼")
    assert answer.startswith("（演示数据）【取水许可证新办审批】"), answer
    answer = await kit.WeChatUser(http, "o_naming_trees").say("林地里想砍一片树 咋弄")
    assert answer.startswith("（演示数据）【林木采伐许可证核发"), answer
    answer = await kit.WeChatUser(http, "o_naming_sand").say("想在河滩挖沙子拉去卖")
    assert answer.startswith("（演示数据）【河道采砂许可】") and "暂停" in answer, answer


async def test_a_licence_named_is_applied_for_not_the_penalty_sharing_its_name(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_naming_licence").say("燃气经营许可证咋申请")
    assert answer.count("【燃气经营许可证新办】") == 1 and "处罚" not in answer, answer
    answer = await kit.WeChatUser(http, "o_naming_penalty").say("没有燃气经营许可证被处罚了")
    assert "对燃气经营者未取得燃气经营许可证" in answer, answer  # asked with its own words


async def test_a_name_two_items_share_said_with_a_particle_between_is_a_choice(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_naming_shared").say("计划生育家庭的扶助金咋领")
    assert "奖励扶助金" in answer and "特别扶助金" in answer and "回复序号" in answer, answer


async def test_after_a_card_a_way_of_its_thing_is_that_items_card(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_naming_way")
    assert "【社会保障卡申领】" in await user.say("社保卡咋申领")
    lost = await user.say("要是弄丢了呢")
    assert "【社会保障卡补领、换领、换发】" in lost, lost
    user = kit.WeChatUser(http, "o_naming_way_other")
    await user.say("社保卡咋申领")
    other = await user.say("结婚证丢了咋补")  # another thing named: a search of its own
    assert "社会保障卡" not in other.splitlines()[0], other


async def test_a_paper_of_the_card_said_lost_gets_what_its_materials_say(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_naming_lost_paper")
    await user.say("个体工商户注销登记")
    answer = await user.say("营业执照的副本丢了")
    assert "营业执照正、副本：遗失的提交遗失声明" in answer, answer


async def test_a_code_asked_what_it_is_gets_the_whole_card(demo):
    http, _ = demo
    code = next(i.code for i in read_demo().items if i.name == "个体工商户注销登记")
    answer = await kit.WeChatUser(http, "o_naming_code_what").say(f"{code} 这是啥事项的编码")
    assert "【个体工商户注销登记】" in answer and "申请材料" in answer, answer


async def test_a_clause_telling_who_the_citizen_is_is_no_part_of_the_question(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_naming_who").say(
        "俺家是低保户，娃娃又残疾，生活补助有没有"
    )
    assert "【困难残疾人生活补贴】" in answer, answer
    itself = await kit.WeChatUser(http, "o_naming_who_itself").say("我们是独女户，有奖励没")
    assert "【农村部分计划生育家庭奖励扶助金】" in itself, itself  # who they are names it


def test_parties_named_in_items_of_every_kind_name_no_thing():
    item = _found(("对植物检疫工作先进单位、个人的奖励", 0.3))[0].item
    assert thing_said(item, "个人所得税") == 0
    assert thing_said(item, "植物检疫") == 4


def test_a_character_typed_for_another_of_its_sound_is_written_as_a_name_writes_it():
    found = _found(("补领结婚证", 0.7), ("中国内地公民婚姻登记", 0.6))
    assert as_named("结昏证丢了咋补", found) == "结婚证丢了咋补"  # between 结 and 证
    assert as_named("我要办个营业直照", _found(("营业执照办理", 0.5))) == "我要办个营业执照"
    # one side alone is a word of its own: 方面 stays, not 草原防火's 防
    assert as_named("草原方面的事", _found(("草原防火审批", 0.5))) == "草原方面的事"


def test_an_item_typed_in_pinyin_is_written_as_a_first_results_words_write_it():
    found = _found(("居民身份证办理", 0.7), keywords=("临时身份证",))
    assert typed_in_pinyin("lin shi shen fen zheng") and not typed_in_pinyin("身份证")
    assert written_as_named("lin shi shen fen zheng", found) == "临时身份证"  # its keyword
    assert written_as_named("shenfenzheng", found) == "身份证"  # a run of its name
    assert written_as_named("jiehun", found) == ""
    # letters among characters: each run of them written alone
    assert written_as_named("linshi身份证咋办", found) == "临时身份证咋办"


async def test_an_abolished_item_asked_for_by_name_is_said_to_be_abolished(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_naming_abolished")
    answer = await user.say("听说网吧以前还要办个筹建审批 现在还用办不")
    assert answer.startswith("「内资设立互联网上网服务营业场所筹建审批」已于2017-03-15取消"), answer
    assert "依据：上位法修改取消筹建审批环节" in answer
    # a run of its name that a public item's name holds too names the public item
    answer = await user.say("上网服务营业场所审批要啥材料")
    assert "取消" not in answer and "经营活动终审审批" in answer, answer


def test_an_abolished_or_merged_item_named_says_what_became_of_it():
    when = datetime(2017, 3, 15, tzinfo=UTC)
    gone = RetiredCode(
        code="X", name="旧备案", reason="abolished", basis="县政府决定", retired_at=when
    )
    assert cards.retired_answer(gone, None, "http://z", named=True).startswith(
        "「旧备案」已于2017-03-15取消，不再办理。依据：县政府决定。"
    )
    into = Item(code="Y", name="新许可", category="XK")
    merged = RetiredCode(code="X", name="旧变更", reason="merged", merged_into="Y", retired_at=when)
    answer = cards.retired_answer(merged, into, "http://z", named=True)
    assert (
        "「旧变更」已于2017-03-15合并，不再单独办理。" in answer and "现在请办理：新许可" in answer
    )


@pytest.mark.parametrize("said", ["打柴沟镇政府电话多少", "打柴沟镇便民服务中心在哪"])
async def test_a_towns_government_asked_for_is_its_contact_not_its_funds(demo, said):
    http, _ = demo
    answer = await kit.WeChatUser(http, f"o_town_office_{len(said)}").say(said)
    assert answer.startswith("天祝藏族自治县打柴沟镇人民政府："), answer
    assert "扶贫资金" not in answer, answer


async def test_another_office_asked_the_same_way_after_an_offices_contact(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_other_office")
    assert "0935-3121205" in await user.say("人社局的电话是多少")
    other = await user.say("那民政局的呢")
    assert other.startswith("天祝藏族自治县民政局：") and "0935-3121306" in other, other
    stranger = kit.WeChatUser(http, "o_other_office_none")
    assert not (await stranger.say("那民政局呢")).startswith("天祝藏族自治县民政局：")
