"""一件事 through the real webhook on the demo catalogue: a life event gets an ordered
checklist of the items that exist, with links; a number opens that item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.demo import load_demo
from catalogue.life_events import add_event, parse_event
from tests.kits import citizen as kit


@asynccontextmanager
async def demo_app(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    engine = create_engine(database_url)
    await migrate.upgrade(engine)
    async with session_factory(engine)() as session:
        await load_demo(session)
        farm = {
            "name": "开农家乐",
            "triggers": ["开农家乐", "搞农家乐"],
            "steps": [
                {"label": "营业执照", "names": ["个体工商户设立登记"]},
                {"label": "卫生许可", "terms": ["公共场所卫生许可"]},
                {"label": "特种行业许可", "terms": ["特种行业许可"]},
            ],
        }
        await add_event(session, parse_event(farm), by="市场监管局")
        await session.commit()
    app = kit.create_app(kit.settings_for(database_url))
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http
    finally:
        await engine.dispose()


@pytest.fixture
async def citizen(sqlite_url: str) -> AsyncIterator[Any]:
    async with demo_app(sqlite_url) as http:
        yield kit.WeChatUser(http, "o_life_events")


async def test_a_birth_said_as_just_born_is_the_birth(citizen: Any) -> None:
    reply = await citizen.say("俺家娃娃刚生下来半个月 得办些啥")
    assert reply.startswith("「孩子出生」一般要办这些事"), reply


async def test_a_birth_gets_its_checklist_and_a_number_opens_the_item(citizen: Any) -> None:
    reply = await citizen.say("孩子出生了要办什么手续")
    assert reply.startswith("「孩子出生」一般要办这些事，按顺序：")
    lines = reply.splitlines()
    assert lines[1].startswith("1. 《出生医学证明》首次签发")
    assert lines[2].strip().startswith(f"{kit.BASE_URL}/items/620623")
    # not in the demo catalogue: not invented, the department to ask instead, in its place
    assert lines[3] == "· 出生登记（上户口）：本县目录暂无此事项，请咨询县公安局（0935-3121410）"
    assert lines[4].startswith("2. 社会保障卡申领（办社保卡）")
    card = await citizen.say("2")
    assert "社会保障卡申领" in card and "一般要办这些事" not in card


async def test_a_step_named_by_its_number_with_a_question_opens_that_steps_answer(
    citizen: Any,
) -> None:
    await citizen.say("孩子出生了要办什么手续")
    second = await citizen.say("第二个要带什么")  # the numbered entry
    assert "【社会保障卡申领】需要的申请材料" in second
    # 第二步 counts every step in order, those no item serves too (上户口)
    assert (await citizen.say("第二步")).startswith("出生登记（上户口）：本县目录暂无此事项")
    # another step of the same checklist, after one of them was opened
    first = await citizen.say("那第一步去哪办")
    assert "出生医学证明" in first.splitlines()[0] and "办理地点" in first


async def test_a_second_situation_going_another_way_adds_its_items_going_that_way(
    citizen: Any,
) -> None:
    # the death's checklist, and the shop he ran closes: its licence's 注销, no shop opened
    reply = await citizen.say("我爸过世了 他开的那个小卖部也不干了 都要办些啥")
    assert reply.startswith("「家人去世」") and "个体工商户注销登记" in reply, reply
    assert "个体工商户设立登记" not in reply and "预包装食品" not in reply, reply


async def test_how_many_papers_or_offices_asks_for_every_step(citizen: Any) -> None:
    shop = await citizen.say("开个农药店得办哪几样手续")
    assert shop.startswith("「开农资店」一般要办这些事"), shop
    bath = await citizen.say("想开个浴池 要跑几个部门")
    assert bath.startswith("「开澡堂、洗浴店」") and "公共场所卫生许可" in bath, bath


async def test_an_age_of_eighty_or_more_beside_another_situation_is_an_old_persons(
    citizen: Any,
) -> None:
    reply = await citizen.say("俺娘九十一岁了 腿脚残疾好几年 都能领啥补贴")
    assert "「家里老人养老」" in reply and "高龄津贴" in reply, reply
    assert "重度残疾人护理补贴" in reply, reply


async def test_plain_descriptions_of_other_events(citizen: Any) -> None:
    shop = await citizen.say("我想开个小卖部卖烟卖酒")
    assert "「开一家卖食品和烟酒的小店」" in shop
    assert "个体工商户设立登记" in shop and "仅销售预包装食品经营者备案信息采集" in shop
    house = await citizen.say("在村里盖房子要办啥")
    assert "乡村建设规划许可证核发" in house
    coop = await citizen.say("想成立合作社")
    assert "动物防疫条件合格证" in coop and "县市场监管局（0935-3121101）" in coop
    # the trigger's words with others between them (开个小超市 holds 开超市)
    for said, name in (
        ("开个小超市要办什么证", "开一家卖食品和烟酒的小店"),
        ("成立种植合作社", "成立农民专业合作社"),
        ("我们几户想办个养牛的合作社", "成立农民专业合作社"),
    ):
        assert f"「{name}」" in await citizen.say(said), said
    # never a power exercised on citizens as a step (宅基地 is in a 监督检查's name)
    assert "监督检查" not in house


async def test_a_name_of_the_events_own_item_is_an_item_question(citizen: Any) -> None:
    for said, name in (("孩子出生证", "《出生医学证明》首次签发"), ("迁户口", "户口迁移审批")):
        reply = await citizen.say(said)
        assert reply.splitlines()[0].endswith(f"【{name}】"), said


async def test_nothing_invented_when_no_item_exists(citizen: Any) -> None:
    reply = await citizen.say("家里老人去世了")
    assert reply.startswith("「家人去世」") and "没有找到" not in reply, reply
    assert "· 注销户口：本县目录暂无此事项，请咨询县公安局（0935-3121410）" in reply
    # the steps some families have are the items that exist, each with its circumstance
    assert "个体工商户注销登记（开过店：注销营业执照）" in reply, reply


async def test_an_item_question_stays_an_item_question(citizen: Any) -> None:
    for question in ("困难残疾人生活补贴", "开网吧要什么材料", "社会保障卡申领"):
        reply = await citizen.say(question)
        assert "一般要办这些事" not in reply, question


async def test_staff_events_and_the_overview(citizen: Any) -> None:
    farm = await citizen.say("搞农家乐要办什么")
    assert farm.startswith("「开农家乐」") and "公共场所卫生许可新办审批（县级）" in farm
    assert "特种行业" not in farm
    overview = await citizen.say("一件事")
    assert "孩子出生" in overview and "开农家乐" in overview


async def test_a_livestock_farm_and_a_street_stall(citizen: Any) -> None:
    farm = await citizen.say("我想办一个养鸡场")
    assert farm.startswith("「办养殖场」") and "动物防疫条件合格证核发" in farm
    stall = await citizen.say("想在街上摆个小吃摊")
    assert stall.startswith("「开饭馆」")


async def test_a_guesthouse(citizen: Any) -> None:
    hotel = await citizen.say("开家宾馆需要什么证")
    assert hotel.startswith("「开旅馆民宿」") and "公共场所卫生许可新办审批（县级）" in hotel
    assert "· 特种行业许可证（旅馆业）：本县目录暂无此事项，请咨询县公安局" in hotel


async def test_a_circumstance_said_with_another_item_asks_about_that_item(citizen: Any) -> None:
    # the trigger only says the citizen's situation; the other words name what is asked
    for said, name in (
        ("失业了社保卡丢了咋补", "社会保障卡补领"),  # the item's keyword, as written
        ("下岗了 失业金在哪领", "失业保险金申领"),  # an item of the event's own steps
        ("刚结婚 结婚证弄丢了咋补", "补领结婚证"),  # search's first answer, said more than a step
        ("开个理发店要卫生证吗", "公共场所卫生许可新办审批"),
    ):
        reply = await citizen.say(said)
        assert "一般要办这些事" not in reply and name in reply, (said, reply)


async def test_a_trigger_followed_by_de_only_says_whose_item_is_asked(citizen: Any) -> None:
    # 「养牛场的防疫证」: the farm's certificate, though it is a step of the farm's checklist
    reply = await citizen.say("养牛场的防疫证")
    assert reply.startswith("（演示数据）【动物防疫条件合格证核发"), reply
    # 的 and only a question (手续) names nothing: the checklist stays
    assert (await citizen.say("开个理发店的手续")).startswith("「开理发店、美容店」")


async def test_a_circumstance_with_only_a_question_or_a_step_stays_the_event(
    citizen: Any,
) -> None:
    for said, name in (
        ("失业了咋办", "失业了"),
        ("亲人去世需要办理哪些事", "家人去世"),  # 办理哪些事 names no item
        ("人走了户口咋销", "家人去世"),  # 户口 is the step 户口注销 as much as 户口迁移审批
        ("开个小超市要办什么证", "开一家卖食品和烟酒的小店"),
        ("开个理发店要办哪些证", "开理发店、美容店"),
    ):
        reply = await citizen.say(said)
        assert reply.startswith(f"「{name}」"), (said, reply)


async def test_a_checklist_keeps_the_words_for_a_person(citizen: Any) -> None:
    await citizen.say("残疾补贴发到哪张卡上了")
    assert "工单号" in await citizen.say("转人工")


async def test_several_steps_named_or_their_order_asked_get_the_checklist(citizen: Any) -> None:
    # two of the event's items said beside the trigger: the checklist, in the event's order
    moving = await citizen.say("搬到天祝了 身份证户口都得弄 按什么顺序")
    assert moving.startswith("「搬家迁户口」"), moving
    assert moving.index("户口迁移审批") < moving.index("居民身份证办理")
    shop = await citizen.say("开个农资店 卖农药卖种子 要啥手续")
    assert shop.startswith("「开农资店」"), shop
    assert "农药经营许可证核发" in shop and "农作物种子经营备案" in shop
    # one document said twice (社保卡 names 申领, the step is 补领) is one item: asked about it
    reply = await citizen.say("失业了社保卡丢了咋补")
    assert "一般要办这些事" not in reply and "社会保障卡补领" in reply, reply


async def test_lost_papers_a_factory_building_and_a_herders_inn(citizen: Any) -> None:
    wallet = await citizen.say("钱包被偷了 身份证和社保卡都没了")
    assert wallet.startswith("「证件丢了（补办身份证、社保卡等）」"), wallet
    assert wallet.index("居民身份证挂失申报") < wallet.index("社会保障卡补领")
    factory = await citizen.say("厂里要建冷库 需要哪些审批")
    assert factory.startswith("「建厂房（企业建设项目）」"), factory
    assert "建筑工程施工许可证核发" in factory
    assert "· 建设用地规划许可：本县目录暂无此事项，请咨询县自然资源局" in factory
    inn = await citizen.say("想开个牧家乐 要办啥")
    assert inn.startswith("「开旅馆民宿」") and "公共场所卫生许可新办审批（县级）" in inn


async def test_a_keyword_said_with_a_de_between_its_words_names_the_item(citizen: Any) -> None:
    # 「护理的补贴」 is the keyword 护理补贴: the question is about that item, not the checklist
    reply = await citizen.say("家里有残疾人 一天离不开人 想问问护理的补贴")
    assert "一般要办这些事" not in reply and "重度残疾人护理补贴" in reply, reply
    # without an item named, the circumstance is the checklist
    assert (await citizen.say("家里有残疾人 要办些啥")).startswith("「家里有残疾人」")


async def test_a_place_beside_a_life_event_says_where_not_which_village(citizen: Any) -> None:
    # 「在哈溪镇开个民宿」: the town is where the guesthouse is, not a question about its funds
    reply = await citizen.say("在哈溪镇开个民宿 要办啥证")
    assert reply.startswith("「开旅馆民宿」"), reply
    # a place with funds or projects asked is still the place
    assert "扶贫资金和项目" in await citizen.say("哈溪镇 扶贫资金")


async def test_one_step_asked_for_beside_the_event_is_that_steps_card(citizen: Any) -> None:
    licence = await citizen.say("准备开个饭店 执照要先弄好")
    assert "【个体工商户设立登记】" in licence and "一般要办这些事" not in licence
    hygiene = await citizen.say("开个民宿要的卫生许可咋办")
    assert "【公共场所卫生许可新办审批（县级）】" in hygiene
    # money asked for, one step paying it; money lacking is a hardship told, not asked
    money = await citizen.say("下岗了 有啥钱能领不")
    assert "【失业保险金申领】" in money
    assert "【失业保险金申领】" not in await citizen.say("失业半年了 手上没钱了")


async def test_a_short_question_after_a_steps_card_is_about_that_card(citizen: Any) -> None:
    await citizen.say("重残护理补贴")
    level = await citizen.say("残疾几级的能领")
    assert "重度残疾人护理补贴" in level.splitlines()[0] and "一般要办这些事" not in level
    await citizen.say("低保")
    assert "一般要办这些事" in await citizen.say("家里有残疾人 有啥补贴")


async def test_a_paper_lost_renewed_or_named_apart_is_not_the_event(citizen: Any) -> None:
    # a way of a paper's life none of the event's items goes: search answers
    lost = await citizen.say("结婚证搬家的时候不知放哪了 找不着了")
    assert "【补领结婚证】" in lost and "一般要办这些事" not in lost
    later = await citizen.say("农村建房的规划许可证还没用上 能延一下吗")
    assert "延期使用" in later.splitlines()[0]
    # the trigger heard spread over another item's keyword (开…网吧 in 开黑网吧)
    unlicensed = await citizen.say("听说有人偷偷开黑网吧")
    assert "一般要办这些事" not in unlicensed and "擅自从事互联网上网服务" in unlicensed


async def test_papers_stolen_in_dialect_and_a_farm_supply_counter(citizen: Any) -> None:
    stolen = await citizen.say("包叫人偷了 身份证和社保卡都没了")
    assert "「证件丢了（补办身份证、社保卡等）」" in stolen
    assert "「开农资店」" in await citizen.say("想在镇上开个种子门市")


async def test_a_licence_asked_beside_a_trade_is_that_trades_own_licence(citizen: Any) -> None:
    # the licence no other event has: the entertainment licence of a KTV, the internet café's
    ktv = await citizen.say("想搞个歌舞厅 许可咋办")
    assert "【设立歌舞娱乐场所《娱乐经营许可证》核发】" in ktv.splitlines()[0]
    cafe = await citizen.say("开个网咖要办什么许可")
    assert "【内资设立互联网上网服务营业场所经营活动终审审批】" in cafe.splitlines()[0]
    # a restaurant's own licence (food) is not in the catalogue; the shared ones are no answer
    assert "一般要办这些事" in await citizen.say("开个餐馆要啥许可")
    # the one step of a house has entries of one name at the county and in towns: a choice
    assert "回复序号" in await citizen.say("村里盖房的许可")


async def test_two_situations_told_in_one_message_get_both_checklists(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_two_events").say("我家孩子刚出生 老人又去世了 要办啥")
    assert "「孩子出生」和「家人去世」一般要办这些事" in answer, answer
    assert answer.index("出生医学证明") < answer.index("注销户口"), answer


async def test_a_second_situation_going_another_way_adds_no_checklist(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_two_events_moved").say("老人去世了 他开的铺子要注销")
    assert "【个体工商户注销登记】" in answer and "开一家" not in answer, answer  # the shop ends
    # 小卖部 tells the shop he had (a step of the death), not a shop to open
    user = kit.WeChatUser(http, "o_two_events_his_shop")
    answer = await user.say("我爸去世了 他开的小卖部咋办")
    assert "【个体工商户注销登记】" in answer and "预包装" not in answer, answer


async def test_a_step_named_as_needed_as_well_gets_the_whole_checklist(citizen: Any) -> None:
    # 还要/也得 + a step: asked beside the others the situation takes, so all of them
    for said, name, step in (
        ("我想在县城开个理发店，听说还要办卫生证？", "开理发店、美容店", "公共场所卫生许可"),
        ("准备开个宾馆 是不是也得办卫生许可", "开旅馆民宿", "公共场所卫生许可"),
    ):
        reply = await citizen.say(said)
        assert reply.startswith(f"「{name}」") and "个体工商户设立登记" in reply, (said, reply)
        assert step in reply, (said, reply)
    # how much longer, or what to bring, is no other paper: asked of the one named
    reply = await citizen.say("开个理发店 卫生许可还要多久")
    assert "一般要办这些事" not in reply and "公共场所卫生许可" in reply, reply


async def test_what_the_shop_sells_said_apart_describes_the_shop(citizen: Any) -> None:
    # 「卖化肥农药」 said as a clause of its own tells the trade; 咋办证 asks for its papers
    reply = await citizen.say("开个农资门市 卖化肥农药 咋办证")
    assert reply.startswith("「开农资店」"), reply
    assert reply.index("个体工商户设立登记") < reply.index("农药经营许可证核发")
    # 卖农药的证 qualifies the paper asked for: that one
    reply = await citizen.say("开个农资店 卖农药的证咋办")
    assert "一般要办这些事" not in reply and "农药经营许可证核发" in reply, reply


async def test_a_shop_taken_over_is_a_shop_opened(citizen: Any) -> None:
    # 盘个店: taking over someone's shop, which then is opened anew
    reply = await citizen.say("在街上盘个小超市 卖零食饮料 要跑哪几个部门")
    assert reply.startswith("「开一家卖食品和烟酒的小店」"), reply


async def test_which_first_after_a_checklist_is_its_first_step(citizen: Any) -> None:
    await citizen.say("开个理发店 都要办啥")
    first = await citizen.say("先办哪个")
    assert first.startswith("（演示数据）【个体工商户设立登记】"), first
    second = await citizen.say("那第二个呢")
    assert "公共场所卫生许可新办审批" in second.splitlines()[0], second
    # still so after one of its steps was opened
    assert "【个体工商户设立登记】" in await citizen.say("先办哪个")
    # a list of alternatives has no order: which one is asked; 头一个 is still entry 1
    await citizen.say("身份证")
    assert "不分先后" in await citizen.say("先办哪个")
    assert "【" in await citizen.say("头一个")
    # nothing listed: what they want to do is asked, not a search for 先
    await citizen.say("你好")
    assert "还没有列出要办的事" in await citizen.say("第一步干啥")


async def test_a_step_a_town_grants_too_is_the_towns_entry_when_the_words_name_it(
    citizen: Any,
) -> None:
    # the county's bureau and the towns each grant 乡村建设规划许可证核发: a village of
    # 华藏寺镇 named, the checklist's step is that town's entry, with where and its phone
    reply = await citizen.say("我们家在岔口驿村 准备在宅基地上盖新房子 要办啥")
    assert reply.startswith("「在村里盖房子」"), reply
    assert "在华藏寺镇人民政府便民服务中心办 0935-3122701" in reply, reply
    assert "620623100000DM62021930XK00006001" in reply, reply
    # no place named: the county's entry, no town's office
    reply = await citizen.say("准备在宅基地上盖新房子 要办啥")
    assert "620623000000DM62013500XK00006001" in reply and "便民服务中心办" not in reply, reply


async def test_which_benefits_a_situation_brings_get_the_checklist(citizen: Any) -> None:
    # 啥补贴: which of them, not one; then a paper asked of both is answered for each
    reply = await citizen.say("我娃是一级肢体残疾 家里是低保户 有啥补贴能领")
    assert reply.startswith("「家里有残疾人」"), reply
    assert "重度残疾人护理补贴" in reply and "困难残疾人生活补贴" in reply, reply
    papers = await citizen.say("两个都要残疾证吗")
    assert papers.count("第二代残疾人证") >= 2 and "一般要办这些事" not in papers, papers


async def test_a_question_after_a_checklist_is_about_the_one_step_every_case_takes(
    citizen: Any,
) -> None:
    # building a house: the planning permit for all; felling trees and grassland for some
    await citizen.say("在村里盖新房子要跑哪些手续")
    reply = await citizen.say("批下来要多长时间")
    assert reply.startswith("（演示数据）【乡村建设规划许可证核发】") and "7个工作日" in reply
    # its phone differs between the county's bureau and the towns granting it: which one
    await citizen.say("在村里盖新房子要跑哪些手续")
    assert "哪一个" in await citizen.say("电话多少")
    # a barber's shop: both steps for all, so which one is asked
    await citizen.say("开个理发店 都要办啥")
    assert "哪一个" in await citizen.say("要几天")


async def test_getting_the_events_own_paper_is_that_item(citizen: Any) -> None:
    # 领结婚证 is 婚姻登记's keyword; 要去扯结婚证 holds 要…结婚 spread out, ending where the
    # paper's name goes on: the registration itself, not the marriage checklist
    assert (await citizen.say("要结婚了要办啥")).startswith("「结婚」")
    for said in ("领结婚证要办啥", "我跟对象要去扯结婚证"):
        reply = await citizen.say(said)
        assert reply.startswith("（演示数据）【中国内地公民婚姻登记】"), (said, reply)


async def test_an_event_said_after_a_list_picks_the_one_entry_it_takes(citizen: Any) -> None:
    # after 网吧's licence, penalty and check, the event 开网吧 takes only the licence
    listed = await citizen.say("网吧")
    assert "回复序号" in listed, listed
    reply = await citizen.say("俺是要开网吧的 选哪一个")
    assert reply.startswith("（演示数据）【内资设立互联网上网服务营业场所经营活动终审审批】"), reply
    # asked as a whole it is still the checklist
    listed = await citizen.say("网吧")
    reply = await citizen.say("开网吧都需要办哪些")
    assert "一般要办这些事" in reply, reply


async def test_a_story_telling_one_steps_circumstances_gets_that_steps_card(citizen: Any) -> None:
    reply = await citizen.say("屋里失火了 房子都烧塌了 有啥救助能申请")
    assert reply.startswith("（演示数据）【临时救助】"), reply
    assert "另外，长期困难的，可申请最低生活保障" in reply
    assert reply.index("另外") < reply.index("完整办事指南")
    # the card stays: what it takes is its own
    assert "急难型救助24小时内先行救助" in await citizen.say("多久能批")
    # asked for all the help there is, the checklist; an urgent question after it is 临时救助's
    listed = await citizen.say("家里遭了灾 能申请的救助都有哪些")
    assert listed.startswith("「家里生活困难（大病、灾祸）」一般要办这些事"), listed
    assert (await citizen.say("太急了 几天能下来")).startswith("（演示数据）【临时救助】")
    # a story telling no one step's circumstances keeps the checklist
    assert "按顺序" in await citizen.say("家里日子过不下去了 能办点啥")


async def test_one_steps_circumstances_told_beside_another_situation_keep_both(
    citizen: Any,
) -> None:
    reply = await citizen.say("闺女二级残疾 得有人伺候 有啥补贴")
    assert reply.startswith("（演示数据）【重度残疾人护理补贴】"), reply
    # the care subsidy's circumstances beside an old person's: both situations' steps
    reply = await citizen.say("我爸八十五了 又是重度残疾 能领哪些补贴")
    assert "高龄津贴" in reply and "重度残疾人护理补贴" in reply and "按顺序" in reply, reply


async def test_a_clause_apart_from_the_situation_asking_another_item_is_that_item(
    citizen: Any,
) -> None:
    reply = await citizen.say("日子过不下去了 离婚在哪办")
    assert reply.startswith("（演示数据）【中国内地公民婚姻登记】"), reply
    # help of any kind asked beside it is the situation's; a step's own word keeps it too
    assert "按顺序" in await citizen.say("娃腿摔坏落下残疾了 有啥补助")
    assert "按顺序" in await citizen.say("孩子出生了 户口咋上")


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        # the elderly's circumstances point at one step of 家里老人养老
        ("俺们老两口无儿无女的 能享受点啥", "【特困人员救助供养】"),
        ("就一个独生女 爸妈都六十多了 有啥政策", "【农村部分计划生育家庭奖励扶助金】"),
        ("爷爷九十多了 能领啥补贴", "【80周岁以上老年人高龄津贴发放】"),
        # none told: the checklist
        ("爸妈岁数大了 有啥政策", "「家里老人养老」"),
        # a birth told as 添了个…, a wedding as 结完婚 or 嫁到, a seed shop as its business
        ("儿媳妇给我们家添了个孙女 要办些啥", "「孩子出生」"),
        ("下个月结完婚 媳妇户口要迁过来 都要办哪些", "「结婚」"),
        ("我从外省嫁到这边了 证还没领 户口也要迁 先办哪个", "「结婚」"),
        ("想在镇上开个卖种子的铺子 先办啥再办啥", "「开农资店」"),
        # each step, one after another
        ("开农药店的手续一条一条给我说说", "「开农资店」"),
    ],
)
async def test_a_story_points_at_its_event_or_at_one_step_of_it(
    citizen: Any, said: str, expected: str
) -> None:
    reply = await citizen.say(said)
    assert expected in reply.splitlines()[0], reply


async def test_a_benefit_of_no_kind_asked_beside_a_story_names_no_item(citizen: Any) -> None:
    # 「有啥补助」 alone leads with an item whose keyword holds 补助 (失业补助): beside a story
    # of something else it votes for nothing, so no card of it is shown
    reply = await citizen.say("孙子考上高中了 有没有啥补助")
    assert "【失业保险金申领】" not in reply, reply


async def test_a_step_pointed_to_still_takes_a_second_situation_told(citizen: Any) -> None:
    # 「九十多了」 points at 高龄津贴, but 残疾 told beside it is a second situation
    reply = await citizen.say("奶奶九十多了 又是肢体残疾 能享受点啥")
    assert reply.startswith("「家里老人养老」和「家里有残疾人」"), reply
    # a child lost: the special help among the old people's steps
    lost = await citizen.say("唯一的女儿前些年不在了 老两口能有啥扶助")
    assert "计划生育家庭特别扶助金" in lost, lost


async def test_falling_ill_is_the_emergency_not_a_house_falling_down(citizen: Any) -> None:
    # 病倒 tells the sudden help (临时救助); 倒了 alone no longer does, only a house's
    reply = await citizen.say("日子本来就过不下去 老汉又病倒了 能申请啥救助")
    assert "【临时救助】" in reply.splitlines()[0], reply


async def test_a_paper_named_short_after_a_checklist_opens_that_step(citizen: Any) -> None:
    # 娱乐…许可证 of 《娱乐经营许可证》: two runs of its name, not the hygiene licence
    await citizen.say("想开个KTV 要办哪些证")
    reply = await citizen.say("娱乐的许可证多久能批")
    assert reply.startswith("（演示数据）【设立歌舞娱乐场所《娱乐经营许可证》核发】"), reply
    # where one lives said before the paper: still the one step, that town's entry
    checklist = await citizen.say("我们在下河东村 打算在宅基地上盖新房子 要办啥")
    assert checklist.startswith("「在村里盖房子」"), checklist
    reply = await citizen.say("打柴沟镇的规划许可证找谁办")
    assert reply.startswith("（演示数据）【乡村建设规划许可证核发】"), reply
    assert "打柴沟镇人民政府便民服务中心" in reply, reply
    # … and with nothing shown before: the town's entry, not the town's poverty funds
    await citizen.say("你好")
    reply = await citizen.say("打柴沟镇的建设规划证找谁办")
    assert reply.startswith("（演示数据）【乡村建设规划许可证核发】"), reply
    assert "打柴沟镇人民政府便民服务中心" in reply, reply


async def test_a_step_whose_office_the_county_lacks_still_names_it(citizen: Any) -> None:
    # no 烟草专卖局 among the demo's departments: the step says whom to ask in words
    reply = await citizen.say("开个小卖部 卖烟卖饮料 要办啥")
    assert "烟草专卖零售许可证：本县目录暂无此事项，请咨询当地烟草专卖局" in reply, reply


async def test_a_step_no_item_serves_asked_alone_says_whom_to_ask(citizen: Any) -> None:
    reply = await citizen.say("老人去世了死亡证明在哪开")
    assert reply.startswith("死亡医学证明：本县目录暂无此事项，请咨询县卫健局"), reply
    assert "回复“家人去世”" in reply and "人工" in reply and "1." not in reply, reply
    reply = await citizen.say("孩子出生了 上户口去哪")  # the step's plain words in brackets
    assert reply.startswith("出生登记（上户口）：") and "县公安局" in reply, reply


async def test_a_clause_asking_one_step_of_the_situation_told_gets_that_step(demo):
    moved = await kit.new_follower(demo, "o_event_step_clause").say("嫁到这边了，户口咋落")
    assert "【户口迁移审批】" in moved and "婚姻登记" in moved, moved  # the others named after
    # a clause telling who they are asks nothing: the benefits the situation calls for
    story = await kit.new_follower(demo, "o_event_step_told").say(
        "娃一级残疾 家里又是低保户 有啥补贴"
    )
    assert "重度残疾人护理补贴" in story and "困难残疾人生活补贴" in story, story


async def test_where_after_a_towns_checklist_is_the_towns_office(demo):
    user = kit.new_follower(demo, "o_event_town_where")
    await user.say("在打柴沟镇老家盖房子要办啥")
    where = await user.say("去哪达办")  # 哪达: where, in the county's speech
    assert "打柴沟镇人民政府便民服务中心" in where and "0935-3151002" in where, where


async def test_a_step_no_item_serves_asked_after_its_checklist_says_whom_to_ask(demo):
    user = kit.new_follower(demo, "o_event_outside_after")
    await user.say("准备在村里盖房子")
    answer = await user.say("宅基地咋申请")  # 宅基地申请: its thing said whole
    assert answer.startswith("宅基地申请：本县目录暂无此事项") and "农业农村局" in answer, answer
    born = await kit.new_follower(demo, "o_event_born_girl").say("俺家添了个丫头 要办啥")
    assert "「孩子出生」" in born and "出生登记（上户口）" in born, born


async def test_a_question_after_the_checklist_is_of_the_step_the_story_named(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_story_step")
    checklist = await user.say("搬家到华藏寺了 户口也得迁过去")
    assert checklist.count("\n1. ") == 1 and "\n2. " in checklist, checklist  # two entries
    materials = await user.say("要带啥")
    assert materials.startswith("（演示数据）【户口迁移审批】需要的申请材料"), materials
    plain = kit.WeChatUser(http, "o_story_none")
    await plain.say("我们家搬到县城住了")
    assert "您问的是哪一个事项的申请材料" in await plain.say("要带啥")  # no step named


async def test_a_step_no_item_serves_said_loosely_after_its_checklist(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_outside_loose")
    assert "「家人去世」" in await user.say("我爸走了，要办啥")
    hukou = await user.say("户口咋销")  # 注销户口, its words apart
    assert hukou.startswith("注销户口：") and "公安局" in hukou, hukou
    proof = await user.say("死亡证明哪达开")  # a trigger of the event that names a step
    assert proof.startswith("死亡医学证明：") and "按顺序" not in proof, proof


@pytest.mark.parametrize(
    ("said", "event"),
    [
        ("开个理法店要办啥", "开理发店、美容店"),  # 理法 typed for 理发
        ("开个小麦部", "开一家卖食品和烟酒的小店"),  # 小麦部 for 小卖部
        ("我想开个饭官", "开饭馆"),
    ],
)
async def test_a_situation_typed_by_its_sound_is_still_the_event(
    citizen: Any, said: str, event: str
) -> None:
    reply = await citizen.say(said)
    assert reply.startswith(f"「{event}」一般要办这些事"), reply


async def test_words_sounding_like_no_situation_are_no_event(citizen: Any) -> None:
    for said in ("低保", "结婚登记", "开个证明"):
        reply = await citizen.say(said)
        assert "一般要办这些事" not in reply, (said, reply)


async def test_a_gas_station_needs_the_licence_and_the_gas_permit_in_order(citizen: Any) -> None:
    reply = await citizen.say("想在乡上开个液化气站 换气罐的 要办哪些")
    assert reply.startswith("「开液化气站（燃气经营）」一般要办这些事"), reply
    assert reply.index("个体工商户设立登记") < reply.index("燃气经营许可证新办")


@pytest.mark.parametrize(
    ("story", "item"),
    [
        ("我妈今年满80了，户口在哈溪镇，有啥待遇，咋申请", "80周岁以上老年人高龄津贴发放"),
        (
            "我们老两口就一个闺女，都是农村户口，今年都满六十了，能领啥钱不",
            "农村部分计划生育家庭奖励扶助金",
        ),
        (
            "我老伴前年没了，唯一的儿子去年出车祸也走了，我今年五十一，听说有失独的补助",
            "计划生育家庭特别扶助金",
        ),
    ],
)
async def test_an_elders_story_points_to_the_benefit_it_tells(
    citizen: Any, story: str, item: str
) -> None:
    reply = await citizen.say(story)
    assert reply.startswith(f"（演示数据）【{item}】"), reply


def test_an_age_told_is_an_elders_only_from_sixty_and_never_a_count():
    from handlers.citizen.parsing import with_elder_age

    assert with_elder_age("俺爸都七十五了 有啥政策") == "七十多了 有啥政策"
    assert with_elder_age("我今年五十一") == "我今年五十一"
    assert with_elder_age("我有80只羊") == "我有80只羊"


async def test_another_thing_told_with_what_to_do_asked_joins_the_checklist(citizen: Any) -> None:
    reply = await citizen.say("厂子倒闭了我失业了，社保卡也弄丢了，现在要办啥")
    assert reply.startswith("「失业了」一般要办这些事"), reply
    assert "1. 社会保障卡补领、换领、换发" in reply and "失业保险金申领" in reply
    # an item asked beside the situation, nothing more, is that item's answer
    reply = await kit.WeChatUser(citizen.http, "o_apart").say("两口子过不下去了 离婚去哪办")
    assert reply.startswith("（演示数据）【中国内地公民婚姻登记】"), reply
