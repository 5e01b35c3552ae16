"""Life events said by their own names and asked as a whole (全套, 哪些手续), and an item's aspect
asked within an event (材料). Wordings other than the conversation set's."""

from __future__ import annotations

from catalogue.life_events import LifeEvent
from handlers.citizen.life_events import _Known, _said_by, asks_all_steps, step_line
from tests.kits import citizen as kit


def test_an_events_name_parts_say_it():
    event = LifeEvent(name="开歌舞厅、KTV（娱乐场所）", triggers=("开歌厅",), steps=())
    assert _said_by(event)[:3] == ("开歌厅", "开歌舞厅", "KTV")


def test_a_verb_of_setting_up_is_said_with_the_others():
    event = LifeEvent(name="成立农民专业合作社", triggers=("办合作社", "养殖场"), steps=())
    assert set(_said_by(event)) >= {"开合作社", "搞合作社", "弄合作社", "养殖场"}
    assert "办殖场" not in _said_by(event) and "弄殖场" not in _said_by(event)
    known = _Known.of([event])
    assert known.match("我们几户人想弄个合作社") is not None
    assert known.match("养殖场") is not None and known.match("开殖场") is None


def test_a_trigger_heard_spread_out_has_fewer_words_between_than_its_own():
    event = LifeEvent(name="孩子出生", triggers=("生了个",), steps=())
    known = _Known.of([event])
    assert known.match("媳妇生了一个胖小子") is not None  # one word between
    assert known.match("生意赔了 那个店不开了") is None  # 生…了…个: four words between three


def test_words_of_when_leave_a_trigger_said_as_written():
    old_age = LifeEvent(name="家里老人养老", triggers=("家里老人",), steps=())
    death = LifeEvent(name="家人去世", triggers=("老人走了",), steps=())
    for order in ([old_age, death], [death, old_age]):
        found = _Known.of(order).match("家里老人刚走了要办什么手续")
        assert found is not None and found[0].name == "家人去世" and found[1] == "老人刚走了"


def test_words_asking_for_every_step():
    for said in ("全套流程", "要办哪些手续", "都得批哪些审批", "这件事要办些啥"):
        assert asks_all_steps(said), said
    assert not asks_all_steps("要什么材料")


def test_one_after_another_asks_every_step():
    assert asks_all_steps("一样一样给我说下") and asks_all_steps("挨个说说")


def test_du_before_how_or_what_asks_every_step():
    for said in ("户口身份证都咋办", "这几样都需要怎么弄", "都该办啥"):
        assert asks_all_steps(said), said
    assert not asks_all_steps("都在家") and not asks_all_steps("身份证咋办")


async def test_hardship_said_plainly_gets_the_aid_in_order(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_hardship").say("老伴得了重病 家里揭不开锅了 有啥救助")
    assert answer.index("临时救助") < answer.index("最低生活保障") < answer.index("特困人员"), (
        answer
    )
    assert "医疗救助" in answer and "0935-3121306" in answer  # not in the demo: ask 民政局


async def test_an_event_said_by_its_own_name_gets_its_checklist(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_event_name").say("我们几个打算开网吧")
    assert "「开网吧」一般要办这些事" in answer, answer


async def test_every_step_asked_beside_a_steps_own_words(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_event_all").say("宅基地上盖两层楼 要办哪些手续")
    assert "「在村里盖房子」" in answer and "乡村建设规划许可" in answer, answer


async def test_an_items_aspect_within_an_event_is_the_items(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_event_aspect").say("打算开网吧 要准备哪些材料")
    assert "需要的申请材料" in answer and "一般要办这些事" not in answer, answer


def test_a_step_shows_the_items_name_first():
    assert step_line("办营业执照（个体工商户设立登记）", "个体工商户设立登记") == (
        "个体工商户设立登记（办营业执照）"
    )
    assert (
        step_line("领养老金", "城乡居民养老保险待遇领取") == "城乡居民养老保险待遇领取（领养老金）"
    )
    assert step_line("农药经营许可", "农药经营许可证核发") == "农药经营许可证核发"


async def test_the_situation_told_first_is_the_event(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_event_first").say(
        "准备结婚了 对象的户口也要迁过来 都办啥"
    )
    assert answer.startswith("「结婚」"), answer
    answer = await kit.WeChatUser(http, "o_event_inside").say("家里老人去世了")
    assert answer.startswith("「家人去世」"), answer


def test_a_name_said_alone_is_left_to_the_items():
    known = _Known.of([LifeEvent(name="开网吧", triggers=("办网吧",), steps=())])
    assert known.match("开网吧") is None
    assert known.match("办网吧") is not None
    assert known.match("我们几个想开网吧") is not None


def test_words_between_a_triggers_characters_keep_the_thing_named_at_its_end_whole():
    shop = LifeEvent(name="小店", triggers=("开个小店",), steps=())
    restaurant = LifeEvent(name="饭馆", triggers=("开个饭店",), steps=())
    for events in ([shop, restaurant], [restaurant, shop]):  # whichever comes first
        heard = _Known.of(events).match("我想在镇上开个小饭店需要办哪些手续")
        assert heard is not None and heard[0] is restaurant


async def test_how_many_is_left_out_when_an_event_is_looked_for(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_event_counted").say("想在村里盖个两层楼")
    assert "「在村里盖房子」" in answer, answer


def test_quantities_leave_what_is_done():
    from handlers.citizen.understanding.reading import READER

    assert READER.without_quantities("打算养几十头牛") == "打算养牛"
    assert READER.without_quantities("想在村里盖个两层楼") == "想在村里盖楼"
    assert READER.without_quantities("身份证") == "身份证"  # 份 here is no measure
    assert READER.without_quantities("2016年资金") == "2016年资金"
    # Counters are read only after a number: 户 of 户口 and 层 of 基层 stay.
    assert READER.without_measures("迁户口") == "迁户口"
    assert READER.without_quantities("基层医疗 三户人家") == "基层医疗 人家"


def test_a_trigger_before_de_only_says_what_kind_of_the_event_after_it():
    farm = LifeEvent(name="办养殖场", triggers=("养牛", "养牛场"), steps=())
    cooperative = LifeEvent(name="成立农民专业合作社", triggers=("办合作社",), steps=())
    known = _Known.of([farm, cooperative])
    found = known.match("我们几户想办个养牛的合作社")
    assert found == (cooperative, "办个养牛的合作社")  # the words said, the kind inside them
    kept = known.match("养牛场的防疫证")  # nothing after 的 says an event: the farm's
    assert kept is not None and kept[0].name == "办养殖场"
    alone = known.match("打算回村养牛")
    assert alone is not None and alone[0].name == "办养殖场"
    inside = known.match("想办个养牛合作社")  # 养牛 inside 办…合作社 said spread out
    assert inside is not None and inside[0].name == "成立农民专业合作社"


async def test_several_papers_lost_together_get_the_lost_papers_checklist(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_lost_papers")
    answer = await user.say("社保卡跟身份证全丢了")
    assert "证件丢了" in answer and "社会保障卡补领" in answer and "居民身份证" in answer, answer
    assert "证件丢了" not in await user.say("钥匙都丢了")


async def test_an_engagement_or_a_marriage_told_in_the_past_is_the_marriage(demo):
    http, _ = demo
    for number, said in enumerate(("闺女订了婚 要办啥手续", "结了婚以后要办哪些")):
        reply = await kit.WeChatUser(http, f"o_married_{number}").say(said)
        assert "「结婚」一般要办这些事" in reply, (said, reply)


async def test_a_hukou_move_is_its_item_a_move_of_house_the_checklist(demo):
    http, _ = demo
    card = await kit.WeChatUser(http, "o_move_from").say("从永登迁户口到华藏寺")
    assert "【户口迁移审批】" in card and "一般要办这些事" not in card, card
    moved = await kit.WeChatUser(http, "o_move_house").say("全家搬到县城了 要办啥")
    assert moved.startswith("「搬家迁户口」一般要办这些事"), moved
