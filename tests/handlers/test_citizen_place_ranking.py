"""Places ranked by their poverty allocations (「哪个乡镇最多」) or two set beside each other,
checked against sums made here from the demo file itself; wordings other than the
conversation set's."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

from tests.kits import citizen as kit

DEMO = Path(__file__).parents[2] / "catalogue" / "demo" / "tianzhu_demo.json"


def _sums(*, year: int | None, villages: bool, town: str = "") -> dict[str, Decimal]:
    rows = json.loads(DEMO.read_text(encoding="utf-8"))["poverty_allocations"]
    sums: dict[str, Decimal] = {}
    for row in rows:
        code = row["region_code"]
        if row["status"] != "published" or (year is not None and row["year"] != year):
            continue
        if (villages and len(code) != 12) or len(code) < 9 or not code.startswith(town):
            continue
        key = code if villages else code[:9]
        sums[key] = sums.get(key, Decimal(0)) + Decimal(row["amount"])
    return sums


def _listed(answer: str) -> list[Decimal]:
    return [Decimal(m) for m in re.findall(r"^\d+\. .+ ([\d.]+)万元$", answer, re.M)]


async def test_the_towns_are_ranked_by_their_sums_with_their_villages(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_rank_towns").say("16年哪个镇拿的扶贫钱最多")
    sums = sorted(_sums(year=2016, villages=False).values(), reverse=True)
    assert "2016年" in answer and "（含所辖各村）" in answer, answer
    assert _listed(answer) == sums[:10], answer
    assert f"共{len(sums)}个乡镇" in answer and f"{sum(sums):.2f}万元" in answer, answer


async def test_least_other_year_and_villages_asked_next_rank_again(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_rank_again")
    await user.say("扶贫资金各乡镇排个名")
    least = await user.say("那最少的呢")
    every = sorted(_sums(year=None, villages=False).values())
    assert least.splitlines()[1].startswith("最少的是") and _listed(least) == every[:10], least
    year = await user.say("2015年的呢")
    assert _listed(year) == sorted(_sums(year=2015, villages=False).values())[:10], year
    villages = await user.say("村呢")
    assert _listed(villages) == sorted(_sums(year=2015, villages=True).values())[:10], villages
    assert "分到乡镇的资金没有分到各村" in villages


async def test_a_number_after_a_ranking_shows_that_places_rows(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_rank_pick")
    ranking = await user.say("17年哪个村分的扶贫资金最多")
    second = re.search(r"^2\. (\S+) (\S+) ", ranking, re.M)
    assert second is not None, ranking
    rows = await user.say("2")
    assert f"【{second[1]} {second[2]} 扶贫资金和项目】" in rows and "2017年" in rows, rows


async def test_a_towns_villages_after_its_rows(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_rank_town")
    await user.say("打柴沟镇扶贫资金")
    answer = await user.say("这个镇哪个村分得最多")
    villages = _sums(year=None, villages=True, town="620623101")
    assert "打柴沟镇各村" in answer and _listed(answer) == sorted(villages.values(), reverse=True)


async def test_other_rankings_are_not_places(demo):
    http, _ = demo
    people = await kit.WeChatUser(http, "o_rank_people").say("哪个乡镇人最多")
    assert "分配的扶贫资金" not in people, people
    funds = await kit.WeChatUser(http, "o_rank_funds").say("哪个部门的专项资金最多")
    assert "分配的扶贫资金" not in funds and "最多的是" in funds, funds
    own = await kit.WeChatUser(http, "o_rank_place").say("天堂镇扶贫资金")
    assert "【天堂镇（含所辖各村） 扶贫资金和项目】" in own, own


async def test_two_places_said_together_are_set_beside_each_other(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_two_places")
    answer = await user.say("16年天堂镇跟松山镇的扶贫钱哪个多")
    sums = _sums(year=2016, villages=False)
    tiantang, songshan = sums["620623108"], sums["620623107"]
    assert f"天堂镇分配资金{tiantang:.2f}万元，松山镇{songshan:.2f}万元" in answer, answer
    more, less = ("天堂镇", "松山镇") if tiantang > songshan else ("松山镇", "天堂镇")
    assert f"{more}比{less}多{abs(tiantang - songshan):.2f}万元" in answer, answer
    assert answer.count("明细：") == 2, answer
    assert "【松山镇（含所辖各村） 扶贫资金和项目】" in await user.say("项目呢")


async def test_a_number_after_the_fund_list_is_that_fund(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_fund_pick")
    listed = await user.say("2016年的专项资金有哪些")
    third = re.search(r"^3\. (\S+) ([\d.]+)万元", listed, re.M)
    assert third is not None, listed
    picked = await user.say("第三个是啥")
    assert picked.startswith(f"【2016年 {third[1]}】") and f"{third[2]}万元" in picked, picked
    assert "资金分配和使用" in picked or "分配方式" in picked, picked
    lines = re.findall(r"^\d+\. (\S+) ", listed, re.M)
    assert "……更多" not in listed, listed  # every row shown: the last line is the last fund
    last = await user.say("最后一个是什么")
    assert last.startswith(f"【2016年 {lines[-1]}】"), last
    assert f"没有第{len(lines) + 1}项" in await user.say(str(len(lines) + 1))


async def test_where_one_place_stands_among_the_others(demo):
    http, _ = demo
    sums = _sums(year=2016, villages=False)
    ordered = sorted(sums, key=lambda code: (-sums[code], code))
    user = kit.WeChatUser(http, "o_place_stands")
    answer = await user.say("16年天堂镇的扶贫资金在全县排第几")
    rank = ordered.index("620623108") + 1
    assert answer.startswith(f"天堂镇2016年排第{rank}（共{len(sums)}个"), answer
    after = kit.WeChatUser(http, "o_place_stands_after")
    await after.say("2016年松山镇扶贫资金")
    again = await after.say("排第几")
    assert again.startswith(f"松山镇2016年排第{ordered.index('620623107') + 1}"), again


async def test_a_documents_places_ranked(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_document_ranked")
    await user.say("天扶贫发〔2015〕8号")
    rows = [
        a
        for a in json.loads(DEMO.read_text("utf-8"))["poverty_allocations"]
        if a["document_number"] == "天扶贫发〔2015〕8号"
    ]
    least = min(rows, key=lambda a: Decimal(a["amount"]))
    answer = await user.say("最少的是哪个")
    assert "分得最少的是" in answer and f"{least['amount']}万元" in answer.splitlines()[0], answer
    in_a_year = kit.WeChatUser(http, "o_year_ranked")
    assert "【2017年 各村分配的扶贫资金】" in await in_a_year.say("2017年哪个村最多")


async def test_the_two_places_just_shown_one_after_the_other(demo):
    http, _ = demo
    sums = _sums(year=2016, villages=False)
    user = kit.WeChatUser(http, "o_two_shown")
    first = await user.say("华藏寺 2016")  # a town's name without 镇, with a year
    assert first.startswith("【华藏寺镇（含所辖各村） 扶贫资金和项目】"), first
    await user.say("那打柴沟呢")
    both = await user.say("两个一共多少")
    total = sums["620623100"] + sums["620623101"]
    assert f"两地合计{total:.2f}万元" in both and both.startswith("2016年，华藏寺镇"), both
    alone = kit.WeChatUser(http, "o_two_shown_alone")
    await alone.say("天堂镇扶贫资金")
    assert "两地" not in await alone.say("哪个多")  # one place only


async def test_projects_ranked_by_investment_or_households(demo):
    http, _ = demo
    projects = [
        p
        for p in json.loads(DEMO.read_text("utf-8"))["poverty_projects"]
        if p["status"] == "published" and p.get("progress") != "cancelled"
    ]
    biggest = max(projects, key=lambda p: Decimal(p["investment"]))
    answer = await kit.WeChatUser(http, "o_projects_ranked").say("哪个扶贫项目投资最多")
    assert f"投资最多的是：{biggest['name']}" in answer, answer
    in_2016 = [p for p in projects if p["year"] == 2016 and p.get("households_benefited")]
    most = max(in_2016, key=lambda p: p["households_benefited"])
    served = await kit.WeChatUser(http, "o_projects_served").say("16年受益户最多的是哪个项目")
    assert f"受益户数最多的是：{most['name']}" in served, served


async def test_the_other_end_asked_as_a_question_ranks_again(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_rank_which_least")
    await user.say("2017年哪个乡镇扶贫资金最多")
    least = await user.say("最少的是哪个")
    assert _listed(least) == sorted(_sums(year=2017, villages=False).values())[:10], least
