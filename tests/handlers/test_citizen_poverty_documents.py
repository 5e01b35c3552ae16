"""A poverty document asked about and then followed up (「都给了哪些村」), where the money
of a place's rows comes from (「钱从哪来的」), and a neighbour asked by no name (「隔壁村呢」);
a place named as the neighbour, and a place code with a year; checked against the demo file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.kits import citizen as kit

DEMO = json.loads(
    (Path(__file__).parents[2] / "catalogue" / "demo" / "tianzhu_demo.json").read_text("utf-8")
)


def _allocations(number: str) -> list[dict[str, str]]:
    return [a for a in DEMO["poverty_allocations"] if a["document_number"] == number]


async def test_which_places_a_document_went_to_each_with_its_town(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_document_places")
    first = await user.say("天扶贫发2015年21号讲的啥")
    rows = _allocations("天扶贫发〔2015〕21号")
    assert f"分配资金{len(rows)}笔" in first and "分到" not in first, first
    assert "打柴沟镇 大湾村" in first, first  # two towns have a 大湾村
    places = await user.say("钱都分给谁了")
    assert f"分到{len(rows)}个地方：" in places, places
    total = await user.say("总共多少")
    amount = sum(float(a["amount"]) for a in rows)
    assert f"合计{amount:.2f}万元" in total, total


async def test_a_document_follow_up_needs_the_document_just_shown(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_document_gone")
    await user.say("天扶贫发〔2015〕21号")
    await user.say("办身份证")
    assert "分到" not in await user.say("给了哪些村")


async def test_where_the_money_comes_from_is_each_rows_source(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_fund_source")
    plain = await user.say("东大滩乡圈湾村扶贫资金")
    assert "资金来源" not in plain, plain
    source = await user.say("这笔钱从哪儿来的")
    row = next(a for a in DEMO["poverty_allocations"] if a["region_code"] == "620623203201")
    assert "资金来源：" + row["fund_source"][:20] in source, source
    project = await kit.WeChatUser(http, "o_project_source").say("天扶贫发〔2016〕40号资金来源")
    assert "资金来源：财政专项扶贫资金" in project, project


async def test_a_neighbour_asked_by_no_name_asks_for_the_name(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_neighbour")
    await user.say("打柴沟镇大湾村扶贫资金")
    answer = await user.say("那隔壁村分了多少")
    assert "没有写哪些地方挨着打柴沟镇 大湾村" in answer and "打柴沟镇的村有：" in answer, answer
    assert "大湾村" not in answer.splitlines()[1], answer  # the others of its town
    stranger = kit.WeChatUser(http, "o_neighbour_none")
    assert "挨着" not in await stranger.say("隔壁村呢")


async def test_a_neighbour_named_is_that_place_in_the_year_shown(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_neighbour_named")
    await user.say("松山村2015年扶贫资金")
    answer = await user.say("隔壁松山镇呢")
    assert answer.startswith("【松山镇（含所辖各村） 扶贫资金和项目】") and "2015年" in answer, (
        answer
    )


async def test_a_places_code_and_a_year_are_its_rows_of_that_year(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_code_year").say("620623108211 2016")
    assert "【天堂镇 大湾村 扶贫资金和项目】" in answer and "2016年" in answer, answer
    assert "2017年" not in answer, answer


async def test_a_place_named_beside_a_document_number_gets_its_rows(demo):
    http, _ = demo
    rows = _allocations("天扶贫发〔2017〕18号")
    village = next(a for a in rows if a["region_code"] == "620623108211")  # 天堂镇's 大湾村
    answer = await kit.WeChatUser(http, "o_document_place").say("天扶贫发〔2017〕18号大湾村多少")
    assert "分配资金1笔" in answer and f"{village['amount']}万元 天堂镇 大湾村" in answer, answer
    assert len(rows) > 1


async def test_households_benefited_asked_after_a_places_rows_are_summed(demo):
    http, _ = demo
    projects = [
        p
        for p in DEMO["poverty_projects"]
        if p["year"] == 2016 and p["status"] == "published" and p.get("progress") != "cancelled"
    ]
    user = kit.WeChatUser(http, "o_benefits_summed")
    await user.say("2016年全县的扶贫项目")
    answer = await user.say("一共受益多少户")
    households = sum(p.get("households_benefited") or 0 for p in projects)
    assert (
        answer.startswith("2016年") and f"项目{len(projects)}个，受益合计{households}户" in answer
    )
