"""Questions about the special funds just shown, or about one fund in one message: which
office, which rows, how it performed. Expectations read from the demo file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.kits import citizen as kit

DEMO = json.loads(
    (Path(__file__).parents[2] / "catalogue" / "demo" / "tianzhu_demo.json").read_text("utf-8")
)


def _fund(words: str, year: int) -> dict:
    return next(f for f in DEMO["funds"] if words in f["project_name"] and f["budget_year"] == year)


@pytest.mark.parametrize("asked", ["哪个局的", "是什么局管的"])
async def test_which_office_of_the_fund_just_shown(demo, asked):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_fund_office_{asked}")
    await user.say("天保工程资金2017")
    answer = await user.say(asked)
    assert f"主管部门：{_fund('天然林', 2017)['department']}" in answer, answer


@pytest.mark.parametrize("asked", ["都有哪些", "具体是哪几项"])
async def test_which_rows_after_a_total_lists_them_again(demo, asked):
    http, _ = demo
    user = kit.WeChatUser(http, f"o_fund_rows_{asked}")
    await user.say("2017年部门预算类专项资金一共多少")
    answer = await user.say(asked)
    rows = [
        f["project_name"]
        for f in DEMO["funds"]
        if f["budget_year"] == 2017 and f["fund_type"] == "department_budget"
    ]
    assert rows and all(name in answer for name in rows), answer


async def test_how_a_fund_performed_asked_in_one_message_and_of_another_year(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_fund_performance")
    answer = await user.say("2015年低保资金绩效咋样")
    assert _fund("最低生活保障", 2015)["performance_evaluation"][:20] in answer, answer
    answer = await user.say("2017年的绩效呢")
    assert _fund("最低生活保障", 2017)["performance_evaluation"][:20] in answer, answer


async def test_every_years_total_asked_after_one_year(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_fund_three_years")
    await user.say("低保资金2015年")
    await user.say("2016年")
    answer = await user.say("三年一共多少")
    rows = [f for f in DEMO["funds"] if "最低生活保障" in f["project_name"]]
    total = sum(Decimal(f["budget_amount"]) for f in rows)
    assert f"共{len(rows)}项" in answer and f"{total.normalize():f}" in answer, answer
