"""Public item look-ups never return hidden records and accept every rendering of a code."""

from __future__ import annotations

import pytest

from catalogue import queries
from tests.kits import public_catalogue as seed


@pytest.mark.parametrize(
    "typed",
    [
        seed.NETBAR,
        seed.NETBAR.replace("—", "-"),
        seed.NETBAR.replace("—", ""),
        seed.NETBAR.replace("—", "一"),
        seed.NETBAR.lower(),
        seed.NETBAR.replace("—", "－"),
        seed.NETBAR[-10:],
    ],
)
async def test_item_by_code_accepts_every_rendering(session, seeded, typed):
    item = await queries.item_by_code(session=session, code=typed)
    assert item is not None and item.code == seed.NETBAR


@pytest.mark.parametrize(
    "hidden", [seed.DRAFT, seed.CLASSIFIED, seed.PENDING, seed.ABOLISHED, seed.DRAFT[-10:]]
)
async def test_hidden_items_are_never_returned(session, seeded, hidden):
    assert await queries.item_by_code(session=session, code=hidden) is None
    assert await queries.items_by_codes(session=session, codes=[hidden]) == {}


async def test_suspended_item_stays_public(session, seeded):
    item = await queries.item_by_code(session=session, code=seed.PERFORMANCE)
    assert item is not None and item.status == "suspended" and item.suspension_reason


async def test_look_up_retired_codes(session, seeded):
    abolished = await queries.look_up_code(session=session, text=seed.ABOLISHED)
    assert abolished.item is None and abolished.retired is not None
    assert abolished.retired.reason == "abolished"
    merged = await queries.look_up_code(session=session, text=seed.MERGED_AWAY.replace("—", "-"))
    assert merged.retired is not None and merged.merged_into is not None
    assert merged.merged_into.code == seed.ENTERTAINMENT


async def test_look_up_explains_a_malformed_code(session, seeded):
    lookup = await queries.look_up_code(session=session, text="62062300000001367025X0XK0000100")
    assert not lookup.found and lookup.problems
    assert await queries.item_by_code(session=session, code="x" * 100_000) is None


async def test_a_code_one_or_two_keys_off_finds_the_items_that_close(session, seeded):
    compact = seed.NETBAR.replace("—", "")
    for typed in (compact[:7] + compact[8:], compact[:-1] + "O", compact[:3] + "9" + compact[3:]):
        lookup = await queries.look_up_code(session=session, text=typed)
        assert lookup.problems and [i.code for i in lookup.near] == [seed.NETBAR], typed
    far = await queries.look_up_code(session=session, text=compact[:20] + "XXXX" + compact[24:])
    assert far.near == []
    # a well-formed code names its own item or none: no neighbour is offered for it
    other = await queries.look_up_code(session=session, text=compact[:-1] + "9")
    assert not other.problems and other.near == []
    near_draft = await queries.items_near_code(
        session=session, text=seed.DRAFT.replace("—", "")[:-1]
    )
    assert seed.DRAFT not in [i.code for i in near_draft]  # only public items are offered


async def test_a_part_of_a_code_names_the_items_whose_codes_hold_it(session, seeded):
    compact = seed.NETBAR.replace("—", "")
    # the region's digits left off: one item
    tail = await queries.look_up_code(session=session, text=compact[12:])
    assert tail.problems and [i.code for i in tail.partial] == [seed.NETBAR]
    # the basic code cut short: the main item's code begins with it
    cut = await queries.look_up_code(session=session, text=seed.NETBAR[:-3])
    assert [i.code for i in cut.partial] == [seed.NETBAR]
    # a body's own part (its organisation code and the 0 after it): that body's public items
    body = await queries.look_up_code(session=session, text=compact[12:22])
    codes = {i.code for i in body.partial}
    assert seed.NETBAR in codes and seed.ENTERTAINMENT in codes
    assert seed.DRAFT not in codes and seed.SEED not in codes  # public and that body's only
    # too short to be a part of a code: nothing
    assert (await queries.look_up_code(session=session, text=compact[12:20])).partial == []


async def test_items_page_lists_only_public_items(session, seeded):
    page = await queries.items_page(session=session, department_id=seeded.culture_id)
    names = {i.name for i in page.items}
    assert names == {"互联网上网服务营业场所经营单位设立审批", "娱乐场所经营许可", "营业性演出审批"}
    assert page.total == 3 and page.pages == 1
    second = await queries.items_page(session=session, category="XK", page=2, per_page=2)
    assert second.total == 4 and [i.code for i in second.items] == [seed.PERFORMANCE, seed.SEED]
    assert (await queries.items_page(session=session, page=-5, per_page=10**9)).page == 1
    public = await queries.public_items(session=session)
    assert not {i.name for i in public} & set(seed.HIDDEN_NAMES)
    counts = await queries.category_counts(session=session)
    assert counts == {"XK": 4, "CF": 1, "QT": 1}


async def test_departments_count_public_items(session, seeded):
    summaries = {
        s.department.short_name: s.item_count for s in await queries.departments(session=session)
    }
    assert summaries == {"文旅局": 3, "农牧局": 2, "人社局": 1}
    found = await queries.find_departments(session=session, name="县农牧局")
    assert [d.short_name for d in found] == ["农牧局"]
