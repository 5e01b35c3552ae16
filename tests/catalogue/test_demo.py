"""The Tianzhu demo catalogue: its data file and its idempotent loader, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.categories import CATEGORIES
from catalogue.checkdigits import is_valid_org_code, is_valid_uscc, org_code_check_char
from catalogue.codes import check_item_code, parse_item_code
from catalogue.demo import (
    DEMO_FILE,
    DemoConflictError,
    DemoData,
    DemoDataError,
    load_demo,
    read_demo,
)
from catalogue.models import (
    Department,
    FundItem,
    FundType,
    Item,
    PovertyAllocation,
    PovertyProject,
    PowerItem,
    PublicationStatus,
    RetiredCode,
    ServiceItem,
)
from catalogue.numbering import CodeAllocator
from catalogue.region_directory import load_region_directory
from catalogue.regions import load_regions, shipped_regions

DEMO_MODELS: tuple[Any, ...] = (Department, Item, FundItem, PovertyAllocation, PovertyProject)


@pytest.fixture(scope="module")
def demo() -> DemoData:
    return read_demo()


async def _count(session: AsyncSession, model: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def _loaded(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions() as session, session.begin():
        await load_demo(session)


# --- the data file -------------------------------------------------------------------------


def test_file_says_it_is_demo_data_and_where_it_comes_from(demo: DemoData) -> None:
    assert demo.meta.demo is True
    assert "演示数据" in demo.meta.notice
    assert {"item_names", "regions", "departments", "formats"} <= set(demo.meta.provenance)


def test_file_totals_match_its_records(demo: DemoData) -> None:
    totals = demo.meta.totals
    assert totals["departments"] == len(demo.departments) >= 15
    assert totals["items"] == len(demo.items)
    assert 60 <= totals["items"] <= 90
    assert totals["service_items"] == sum(i.kind == "service" for i in demo.items) >= 10
    assert totals["responsibilities"] == sum(len(i.responsibilities) for i in demo.items)
    assert totals["fund_items"] == len(demo.funds)
    assert totals["poverty_allocations"] == len(demo.poverty_allocations)
    assert totals["poverty_projects"] == len(demo.poverty_projects)
    by_year: dict[str, Decimal] = defaultdict(Decimal)
    for fund in demo.funds:
        by_year[str(fund.budget_year)] += fund.budget_amount
    assert {k: Decimal(v) for k, v in totals["fund_budget_by_year"].items()} == by_year


def test_departments_have_valid_demo_codes(demo: DemoData) -> None:
    for department in demo.departments:
        assert is_valid_org_code(department.org_code), department.name
        assert is_valid_uscc(department.uscc), department.name
        assert department.uscc[8:17] == department.org_code
        assert department.org_code.startswith("DM")  # visibly a demo code


def test_every_item_has_a_complete_guide(demo: DemoData) -> None:
    headings = {i.parent_code for i in demo.items if i.parent_code}
    for item in demo.items:
        assert item.name and item.department and item.handling_office, item.code
        assert item.location and item.hours and item.phone.startswith("0935-"), item.code
        assert item.supervision_phone and item.supervision_way and item.fee, item.code
        assert item.procedure and item.flowchart, item.code
        assert item.promised_time_limit, item.code
        if item.kind == "power":
            assert item.legal_basis.startswith("《"), item.code
            assert item.category in CATEGORIES
            assert item.responsibilities, item.code
        else:
            assert item.category == "QT" and item.service_content and item.management_requirements
        applied_for = item.category in ("XK", "GF", "QR") and item.code not in headings
        if applied_for and item.status != PublicationStatus.ABOLISHED:
            assert item.requirements and item.conditions, item.code


def test_item_names_are_real_catalogue_names(demo: DemoData, shared_dir: Path) -> None:
    path = shared_dir / "data" / "service_items.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        names = {row["name"] for row in csv.DictReader(handle)}
    unknown = sorted({i.name for i in demo.items} - names)
    assert unknown == []


def test_poverty_lists_follow_the_real_formats(demo: DemoData) -> None:
    document = re.compile(r"^天扶贫发〔(20\d\d)〕\d+号$")
    approval = re.compile(r"^天\w+发〔(20\d\d)〕\d+号$")
    for allocation in demo.poverty_allocations:
        match = document.match(allocation.document_number)
        assert match and int(match.group(1)) == allocation.year
    for project in demo.poverty_projects:
        match = approval.match(project.approval_number)
        assert match and int(match.group(1)) == project.year, project.name
        assert project.construction_content and project.benefits
        assert project.competent_unit and project.implementing_unit
        if project.changed_on is not None:
            assert project.change_note
    assert {a.year for a in demo.poverty_allocations} == {2015, 2016, 2017}


def test_fund_list_is_published_within_twenty_days(demo: DemoData) -> None:
    assert {f.budget_year for f in demo.funds} == {2015, 2016, 2017}
    for year in (2015, 2016, 2017):
        kinds = {f.fund_type for f in demo.funds if f.budget_year == year}
        assert kinds == {FundType.DEPARTMENT_BUDGET, FundType.TRANSFER_PAYMENT}
    for fund in demo.funds:
        assert fund.budget_approved_on is not None and fund.published_on is not None
        assert timedelta(0) < fund.published_on - fund.budget_approved_on <= timedelta(days=20)
        if fund.competitive:
            assert fund.application_guide and fund.review_results


def test_a_malformed_demo_file_is_refused_with_its_path(tmp_path: Path) -> None:
    raw = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    raw["meta"]["demo"] = False
    broken = tmp_path / "demo.json"
    broken.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DemoDataError, match=r"demo\.json: the demo file does not match"):
        read_demo(broken)
    raw["meta"]["demo"] = True
    raw["items"][0]["responsibilities"] = "NO_SUCH_SET"
    broken.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DemoDataError, match="unknown responsibility set 'NO_SUCH_SET'"):
        read_demo(broken)
    with pytest.raises(DemoDataError, match="cannot read"):
        read_demo(tmp_path / "missing.json")


# --- loading --------------------------------------------------------------------------------


async def test_demo_loads_with_every_record_flagged(
    sessions: async_sessionmaker[AsyncSession], demo: DemoData
) -> None:
    async with sessions() as session, session.begin():
        report = await load_demo(session)
    assert report.tallies["items"].added == len(demo.items)
    assert len(report.regions.added) == 230

    async with sessions() as session:
        totals = demo.meta.totals
        assert await _count(session, Department) == totals["departments"]
        assert await _count(session, PowerItem) == totals["power_items"]
        assert await _count(session, ServiceItem) == totals["service_items"]
        assert await _count(session, RetiredCode) == totals["retired_codes"] == 1
        for model in DEMO_MODELS:
            assert await _count(session, model, model.is_demo.is_(False)) == 0, model
        for status, number in totals["items_by_status"].items():
            assert await _count(session, Item, Item.status == status) == number


async def test_database_sums_equal_the_file_totals(
    sessions: async_sessionmaker[AsyncSession], demo: DemoData
) -> None:
    await _loaded(sessions)
    totals = demo.meta.totals
    async with sessions() as session:
        funds = await session.execute(
            select(FundItem.budget_year, func.sum(FundItem.budget_amount)).group_by(
                FundItem.budget_year
            )
        )
        assert {str(y): Decimal(s) for y, s in funds} == {
            k: Decimal(v) for k, v in totals["fund_budget_by_year"].items()
        }
        typed = await session.execute(
            select(
                FundItem.budget_year, FundItem.fund_type, func.sum(FundItem.budget_amount)
            ).group_by(FundItem.budget_year, FundItem.fund_type)
        )
        assert {f"{y}/{t}": Decimal(s) for y, t, s in typed} == {
            k: Decimal(v) for k, v in totals["fund_budget_by_year_and_type"].items()
        }
        allocations = await session.execute(
            select(PovertyAllocation.year, func.sum(PovertyAllocation.amount)).group_by(
                PovertyAllocation.year
            )
        )
        assert {str(y): Decimal(s) for y, s in allocations} == {
            k: Decimal(v) for k, v in totals["poverty_allocation_by_year"].items()
        }
        investments = await session.execute(
            select(PovertyProject.year, func.sum(PovertyProject.investment)).group_by(
                PovertyProject.year
            )
        )
        assert {str(y): Decimal(s) for y, s in investments} == {
            k: Decimal(v) for k, v in totals["poverty_investment_by_year"].items()
        }


async def test_loading_twice_changes_nothing(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _loaded(sessions)
    async with sessions() as session:
        before = {i.code: (i.version, i.updated_at) for i in await session.scalars(select(Item))}
    async with sessions() as session, session.begin():
        report = await load_demo(session)
    assert report.changed == 0
    assert all(t.added == 0 and t.updated == 0 for t in report.tallies.values())
    async with sessions() as session:
        after = {i.code: (i.version, i.updated_at) for i in await session.scalars(select(Item))}
        assert after == before
        assert {version for version, _ in after.values()} == {1}


async def test_a_changed_demo_record_is_restored_and_reset_reloads(
    sessions: async_sessionmaker[AsyncSession], demo: DemoData
) -> None:
    await _loaded(sessions)
    code = demo.items[0].code
    async with sessions() as session, session.begin():
        item = await session.scalar(select(Item).where(Item.code == code))
        assert item is not None
        item.name = "被改动的名称"
        item.responsibilities = item.responsibilities[:1]
    async with sessions() as session, session.begin():
        report = await load_demo(session)
    assert report.tallies["items"].updated == 1 and report.changed == 1
    async with sessions() as session:
        item = await session.scalar(select(Item).where(Item.code == code))
        assert item is not None and item.name == demo.items[0].name
        assert len(item.responsibilities) == len(demo.items[0].responsibilities)

    async with sessions() as session, session.begin():
        report = await load_demo(session, reset=True)
    assert report.removed > len(demo.items)
    assert report.tallies["items"].added == len(demo.items)
    async with sessions() as session:
        assert await _count(session, Item) == len(demo.items)
        assert await _count(session, RetiredCode) == 1


async def test_every_item_code_validates_against_the_county_regions(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _loaded(sessions)
    async with sessions() as session:
        directory = await load_region_directory(session)
        items = list(await session.scalars(select(Item)))
        for item in items:
            check = check_item_code(item.code, directory)
            assert check.ok and check.problems == (), (item.code, check.problems)
            assert check.code is not None and str(check.code) == item.code
            assert item.department is not None
            assert check.code.body.org_code == item.department.org_code
            assert item.subject_code + "—" + item.basic_code == item.code
            segment = check.code.body.town
            assert item.region_code == ("620623" if segment == "000" else "620623" + segment)


async def test_numbers_are_sequential_and_retired_codes_never_reused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _loaded(sessions)
    async with sessions() as session:
        items = list(await session.scalars(select(Item)))
        retired = list(await session.scalars(select(RetiredCode)))
    mains: dict[str, set[int]] = defaultdict(set)
    subs: dict[tuple[str, int], set[int]] = defaultdict(set)
    for item in items:
        mains[item.category].add(item.main_no)
        if item.sub_no:
            subs[(item.category, item.main_no)].add(item.sub_no)
    for category, numbers in mains.items():
        assert numbers == set(range(1, len(numbers) + 1)), category
    for key, numbers in subs.items():
        assert numbers == set(range(1, len(numbers) + 1)), key
    assert len(subs) >= 2  # at least two main items with sub items

    retired_code = retired[0]
    abolished = [i for i in items if i.status == PublicationStatus.ABOLISHED.value]
    assert [i.code for i in abolished] == [retired_code.code]
    assert retired_code.item_id == abolished[0].id and retired_code.reason == "abolished"
    others = [i for i in items if i.basic_code == retired_code.basic_code]
    assert others == abolished
    allocator = CodeAllocator([i.code for i in items], [retired_code.code])
    category = parse_item_code(retired_code.code).basic.category
    assert allocator.new_main(category).main == len(mains[category]) + 1


async def test_sub_items_and_devolved_items(sessions: async_sessionmaker[AsyncSession]) -> None:
    await _loaded(sessions)
    async with sessions() as session:
        items = {i.code: i for i in await session.scalars(select(Item))}
    by_id = {i.id: i for i in items.values()}
    with_parent = [i for i in items.values() if i.parent_id is not None]
    assert with_parent
    for item in with_parent:
        assert item.parent_id is not None
        parent = by_id[item.parent_id]
        assert parent.sub_no == 0 and parent.main_no == item.main_no
        assert parent.category == item.category and item.parent_name == parent.name
    devolved = [i for i in items.values() if i.region_code != "620623"]
    assert {i.region_code for i in devolved} == {"620623100", "620623101"}
    county_basics = {i.basic_code for i in items.values() if i.region_code == "620623"}
    # The same power exercised by a town keeps the county's basic code (编码规范 二).
    assert all(i.basic_code in county_basics for i in devolved)


async def test_classified_draft_and_suspended_items_are_flagged(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _loaded(sessions)
    async with sessions() as session:
        items = list(await session.scalars(select(Item)))
    classified = [i for i in items if i.classified]
    assert len(classified) == 1 and not classified[0].is_public
    drafts = [i for i in items if i.status == PublicationStatus.DRAFT.value]
    assert drafts and not any(i.is_public or i.published_at for i in drafts)
    suspended = [i for i in items if i.status == PublicationStatus.SUSPENDED.value]
    assert len(suspended) >= 2
    for item in suspended:
        assert item.is_public  # 第十条: suspended items stay public
        assert item.suspension_class in ("一", "二", "三", "四") and item.suspension_reason
        assert f"第十条（{item.suspension_class}）" in item.suspension_reason
        assert item.suspended_at is not None
    public = [i for i in items if i.is_public]
    assert len(public) == len(items) - len(drafts) - len(classified) - 1  # minus the abolished


async def test_same_named_villages_both_have_demo_records(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _loaded(sessions)
    async with sessions() as session:
        projects = list(await session.scalars(select(PovertyProject)))
        allocations = list(await session.scalars(select(PovertyAllocation)))
    project_villages = {v.code: v for p in projects for v in p.villages}
    dawan = {code for code, v in project_villages.items() if v.short_name == "大湾村"}
    assert dawan == {"620623101215", "620623108211"}
    assert {"620623101215", "620623108211"} <= {a.region_code for a in allocations}
    towns = {a.region_code for a in allocations if len(a.region_code) == 9}
    assert len(towns) == 19  # every town and township, not the two enterprise areas


async def test_demo_never_overwrites_real_data(
    sessions: async_sessionmaker[AsyncSession], demo: DemoData
) -> None:
    first = demo.departments[0]
    async with sessions() as session, session.begin():
        session.add(Department(name=first.name, short_name="正式", is_demo=False))
    with pytest.raises(DemoConflictError, match=first.name):
        async with sessions() as session, session.begin():
            await load_demo(session)
    async with sessions() as session:
        assert await _count(session, Item) == 0
        department = await session.scalar(select(Department).where(Department.name == first.name))
        assert department is not None and department.short_name == "正式"


@pytest.mark.parametrize("same_power", [True, False])
async def test_a_real_item_may_share_a_basic_code_only_for_the_same_power(
    sessions: async_sessionmaker[AsyncSession], demo: DemoData, same_power: bool
) -> None:
    first = demo.items[0]
    org = "01385124" + org_code_check_char("01385124")
    subject = f"620623000000{org}0"
    async with sessions() as session, session.begin():
        await load_regions(session, shipped_regions())
        session.add(
            PowerItem(
                code=f"{subject}—{first.code[-10:]}",
                subject_code=subject,
                basic_code=first.code[-10:],
                category=first.category,
                main_no=first.main_no,
                name=first.name if same_power else "正式导入的另一项许可",
            )
        )
    if same_power:
        # The same power exercised by another body keeps the basic code (编码规范 二).
        async with sessions() as session, session.begin():
            await load_demo(session)
        async with sessions() as session:
            assert await _count(session, Item) == len(demo.items) + 1
        return
    with pytest.raises(DemoConflictError, match=first.code[-10:]):
        async with sessions() as session, session.begin():
            await load_demo(session)
    async with sessions() as session:
        assert await _count(session, Item) == 1
