"""「哪些还没开工」 right after a place's rows: its projects of that progress, checked against
the demo file; and a fund year not yet published falls back to the office's years."""

from __future__ import annotations

import json
from pathlib import Path

from tests.kits import citizen as kit

DEMO = json.loads(
    (Path(__file__).parents[2] / "catalogue" / "demo" / "tianzhu_demo.json").read_text("utf-8")
)


def _projects(year: int, progress: str) -> list[str]:
    return [
        p["name"]
        for p in DEMO["poverty_projects"]
        if p["year"] == year and p["progress"] == progress and p["status"] == "published"
    ]


async def test_the_projects_shown_are_narrowed_by_the_progress_asked(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_progress_county")
    await user.say("2017年扶贫项目清单")
    answer = await user.say("哪些还没开工")
    planned = _projects(2017, "planned")
    assert planned and all(name in answer for name in planned), answer
    assert not any(name in answer for name in _projects(2017, "in_progress")), answer


async def test_a_fund_year_not_published_gives_the_offices_years(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_fund_last_year").say("农牧局去年有啥资金")
    assert "年的还没有公开，下面是已公开的各年" in answer, answer
    years = sorted(
        {f["budget_year"] for f in DEMO["funds"] if f["department"].endswith("农业农村局")}
    )
    assert years and "农业农村局 财政专项资金】" in answer
    assert all(f"{year}年 " in answer for year in years), answer


async def test_what_the_money_went_to_and_how_much_are_of_the_rows_shown(demo):
    http, _ = demo
    project = next(p for p in DEMO["poverty_projects"] if "易地扶贫搬迁" in p["name"])
    user = kit.WeChatUser(http, "o_progress_use")
    await user.say(f"上古城村{project['year']}年扶贫")
    used = await user.say("这钱干啥用了")
    assert project["construction_content"][:20] in used, used
    narrowed = kit.WeChatUser(http, "o_progress_how_much")
    await narrowed.say("易地扶贫搬迁项目在哪")
    how_much = await narrowed.say("多少钱")
    assert f"{project['investment']}万元" in how_much, how_much
    assert "没有找到" not in how_much and "请告诉我您要办什么事" not in how_much, how_much


def _project(words: str) -> dict:
    return next(p for p in DEMO["poverty_projects"] if words in p["name"])


async def test_how_far_a_project_named_by_a_word_has_got_is_its_row(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_project_step")
    homestay = _project("民宿")
    village = homestay["villages"][0]
    await user.say("天堂镇大湾村扶贫")
    answer = await user.say("民宿那个弄到哪一步了")
    assert homestay["name"] in answer, answer
    assert "【实施中】" in answer and "办件进度" not in answer
    others = [p["name"] for p in DEMO["poverty_projects"] if village in p["villages"]]
    assert len(others) > 1 and not any(o in answer for o in others if o != homestay["name"])


async def test_a_change_asked_of_the_rows_shown_gives_its_note(demo):
    http, _ = demo
    road = _project("泉台村")
    for number, question in enumerate(["是不是调过钱", "为啥调"]):
        user = kit.WeChatUser(http, f"o_project_changed_{number}")
        await user.say("毛藏乡泉台村的扶贫项目")
        answer = await user.say(question)
        assert road["change_note"][:12] in answer, (question, answer)
    user = kit.WeChatUser(http, "o_project_money_went")
    dropped = _project("宽沟村")
    await user.say("石门镇宽沟村的暖棚养殖项目现在咋样了")
    answer = await user.say("那钱弄哪去了")
    assert "调整：" in answer and dropped["change_note"][:12] in answer, answer


async def test_which_document_approved_the_rows_shown_keeps_their_topic(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_project_document")
    loans = _project("小额信贷贴息")
    await user.say("2015年扶贫小额信贷贴息花了多少")
    answer = await user.say("这个是哪个文件批的")
    assert loans["approval_number"] in answer and "“小额信贷贴息”" in answer, answer
    assert "华藏寺镇" not in answer


async def test_another_year_after_a_documents_row_of_one_town_is_that_towns(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_document_town_year")
    first = await user.say("天扶贫发〔2015〕8号 哈溪镇分了多少")
    assert "哈溪镇" in first and "华藏寺镇" not in first, first
    answer = await user.say("2016年的呢")
    town = next(
        a
        for a in DEMO["poverty_allocations"]
        if a["year"] == 2016 and a["region_code"] == "620623104"
    )
    assert answer.startswith("【哈溪镇") and town["amount"] in answer, answer


async def test_a_place_asked_after_a_document_is_its_row_of_that_document(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_document_then_town")
    await user.say("天扶贫发〔2015〕8号")
    answer = await user.say("哈溪镇多少")
    row = next(
        a
        for a in DEMO["poverty_allocations"]
        if a["document_number"] == "天扶贫发〔2015〕8号" and a["region_code"] == "620623104"
    )
    assert answer.startswith("【天扶贫发〔2015〕8号】") and row["amount"] in answer, answer
    assert "2015—2017年" not in answer and "华藏寺镇" not in answer


async def test_households_asked_with_the_place_are_summed_at_once(demo):
    http, _ = demo
    active = [
        p
        for p in DEMO["poverty_projects"]
        if p["year"] == 2017 and p["progress"] != "cancelled" and p["status"] == "published"
    ]
    households = sum(p["households_benefited"] for p in active)
    persons = sum(p["persons_benefited"] for p in active)
    answer = await kit.WeChatUser(http, "o_benefits_county").say("2017年扶贫项目受益多少户")
    assert f"项目{len(active)}个，受益合计{households}户{persons}人" in answer, answer
