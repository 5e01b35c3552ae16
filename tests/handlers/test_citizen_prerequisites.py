"""A paper said missing, or which of two first: the item issuing the paper, then the item
that needs it (the order from the items' own materials), through the real webhook on the
demo catalogue."""

from __future__ import annotations

import re

import pytest

from tests.kits import citizen as kit

LINK = re.compile(r"</?a[^>]*>")


def citizen(demo) -> kit.WeChatUser:
    return kit.new_follower(demo, "o_prereq")


def entries(reply: str) -> list[str]:
    """The names of a list's numbered entries, in order."""
    return re.findall(r"^\d+\. (.+?)（", LINK.sub("", reply), flags=re.M)


@pytest.mark.parametrize(
    ("said", "first", "then"),
    [
        ("被厂子裁了 要申请失业保险金 社会保障卡还没领过", "社会保障卡申领", "失业保险金申领"),
        ("想开个网吧 营业执照也没办呢", "个体工商户设立登记", "内资设立互联网上网服务"),
    ],
)
async def test_a_paper_said_missing_puts_the_item_issuing_it_first(demo, said, first, then):
    reply = await citizen(demo).say(said)
    names = entries(reply)
    assert len(names) == 2 and names[0].startswith(first) and names[1].startswith(then), reply


@pytest.mark.parametrize(
    "said",
    [
        "先领失业金还是先办社保卡",
        "开歌厅的话 先办娱乐许可还是先办营业执照呢",
    ],
)
async def test_which_of_two_first_follows_the_paper_one_needs_from_the_other(demo, said):
    names = entries(await citizen(demo).say(said))
    assert len(names) == 2, names
    assert names[0] in ("社会保障卡申领", "个体工商户设立登记"), names


async def test_a_paper_missing_that_no_item_issues_is_no_order(demo):
    # 解除劳动关系证明 is the employer's: no item of the catalogue issues it
    reply = await citizen(demo).say("想领失业金 单位还没给解除劳动关系证明")
    assert "先办第1项" not in reply, reply


async def test_a_choice_from_the_order_is_that_item(demo):
    user = citizen(demo)
    await user.say("想领失业金 社保卡没有")
    card = await user.say("1")
    assert card.startswith("（演示数据）【社会保障卡申领】"), card
