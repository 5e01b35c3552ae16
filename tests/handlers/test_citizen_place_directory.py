"""What the county's list of places says of a place, asked in words: its code (「华藏寺镇的
代码」), a town's villages (「祁连镇有哪些村」), the county's towns; and an office's codes
(「民政局的组织机构代码」). Expected figures come from the packaged regions file and demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

from handlers.citizen import parsing
from tests.kits import citizen as kit

ROOT = Path(__file__).parents[2]
TOWNS = json.loads((ROOT / "catalogue" / "regions_620623.json").read_text("utf-8"))["towns"]
DEPARTMENTS = json.loads((ROOT / "catalogue" / "demo" / "tianzhu_demo.json").read_text("utf-8"))[
    "departments"
]


def _town(name: str) -> dict:
    return next(t for t in TOWNS if t["name"] == name)


def _numbered_codes(answer: str) -> list[str]:
    return re.findall(r"^\d+\. .+（(\d{9,12})）$", answer, re.M)


def test_directory_questions_are_told_from_other_words():
    asked = parsing.directory_question
    assert asked("松山镇代码是多少") == parsing.DirectoryQuestion("code", "松山镇")
    assert asked("民政局的组织机构代码") == parsing.DirectoryQuestion("code", "民政局", "组织机构")
    assert asked("祁连镇下面都有啥村子") == parsing.DirectoryQuestion("villages", "祁连镇")
    assert asked("天祝县一共有多少个乡镇") == parsing.DirectoryQuestion("towns", "天祝县")
    assert asked("620623100200的代码") is None  # a code, not a name: what it names
    assert asked("代码") is None and asked("有哪些村") is None  # nothing named before it
    assert asked("松山镇扶贫资金") is None


async def test_a_places_code_is_given_with_what_it_lies_in(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_dir_code")
    town = _town("松山镇")
    answer = await user.say("松山镇的区划代码是多少")
    assert f"统计用区划代码是 {town['code']}，下辖{len(town['villages'])}个村" in answer, answer
    assert "扶贫资金和项目】" not in answer  # not its funds, until asked
    assert "【松山镇（含所辖各村） 扶贫资金和项目】" in await user.say("扶贫资金呢")
    seg, *_ = next(v for v in _town("天堂镇")["villages"] if v[2] == "大湾村")
    village = await kit.WeChatUser(http, "o_dir_village").say("天堂镇大湾村编码")
    assert f"天堂镇 大湾村的统计用区划代码是 {_town('天堂镇')['code']}{seg}" in village, village


async def test_a_name_several_places_share_lists_each_code(demo):
    http, _ = demo
    answer = await kit.WeChatUser(http, "o_dir_same").say("大湾村的代码")
    shared = [t["code"] + v[0] for t in TOWNS for v in t["villages"] if v[2] == "大湾村"]
    assert len(shared) > 1 and _numbered_codes(answer) == shared, answer


async def test_a_towns_villages_are_listed_and_a_number_opens_one(demo):
    http, _ = demo
    user = kit.WeChatUser(http, "o_dir_villages")
    town = _town("祁连镇")
    answer = await user.say("祁连镇有哪些村")
    assert _numbered_codes(answer) == [town["code"] + v[0] for v in town["villages"]], answer
    third = town["villages"][2][2]
    assert f"祁连镇 {third}" in await user.say("3")
    one = await kit.WeChatUser(http, "o_dir_village_of").say("朵什镇窑洞湾村有几个村")
    assert "是村（社区），下面不再分村" in one and "属朵什镇" in one, one


async def test_the_countys_towns_and_villages_are_counted(demo):
    http, _ = demo
    proper = [t for t in TOWNS if t["name"].endswith(("镇", "乡"))]
    villages = sum(len(t["villages"]) for t in TOWNS)
    for wording in ("天祝县有多少个乡镇", "咱们县有哪些乡镇", "天祝藏族自治县有几个镇"):
        answer = await kit.WeChatUser(http, f"o_dir_towns_{wording}").say(wording)
        assert f"有{len(proper)}个乡镇" in answer and f"{villages}个村（社区）" in answer, answer
        assert _numbered_codes(answer) == [t["code"] for t in TOWNS], answer
    counted = await kit.WeChatUser(http, "o_dir_count").say("天祝一共有多少个村")
    assert f"{villages}个村（社区）" in counted and "有哪些村" in counted, counted


async def test_an_offices_codes_are_given_with_its_contact(demo):
    http, _ = demo
    civil = next(d for d in DEPARTMENTS if d["name"].endswith("民政局"))
    answer = await kit.WeChatUser(http, "o_dir_office").say("民政局的组织机构代码")
    lines = answer.splitlines()
    assert lines[0] == f"{civil['name']}的组织机构代码：{civil['org_code']}", answer
    assert lines[1] == f"{civil['name']}的统一社会信用代码：{civil['uscc']}", answer
    assert civil["phone"] in answer
    credit = await kit.WeChatUser(http, "o_dir_credit").say("民政局统一社会信用代码是啥")
    assert credit.splitlines()[0].endswith(civil["uscc"]), credit
