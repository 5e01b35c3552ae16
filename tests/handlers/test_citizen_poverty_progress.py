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
