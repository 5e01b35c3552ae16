"""Importing power and convenience-service items, keeping national codes, assigning county codes.

Accepts the county template (Chinese headers) and the national/provincial directory format of
`service_items.csv` (English headers). A row is identified by (实施主体, 事项名称).
The organisation code in an item's county code is, in order: characters 9–17 of the row's
implementing-body USCC, the department's own organisation code, or a deterministic local code
(`departments.local_org_code`). Items are exercised by the county itself (town and village
000) unless 下放区划代码 names a town or village of the county.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.categories import from_category_text
from catalogue.checkdigits import org_code_of_uscc
from catalogue.codes import BodyCode, ItemCode, Severity, check_item_code
from catalogue.importing import departments as department_import
from catalogue.importing.item_codes import CodeBook, StoredItem
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import EXPORT_ONLY, Column, ParsedRow, Schema
from catalogue.importing.sync import Changes, table_of, write
from catalogue.importing.values import (
    CellError,
    parse_bool,
    parse_time_limit,
    split_materials,
    split_steps,
)
from catalogue.models import Department, Item, PublicationStatus, Region, RetiredCode, utcnow
from catalogue.region_directory import RegionDirectory, load_region_directory
from catalogue.regions import load_shipped_regions, region_directory, shipped_regions


def _region(text: str) -> str:
    if not (text.isdigit() and len(text) in (9, 12)):
        raise CellError(f"「{text}」应为9位乡镇代码或12位村（社区）代码")
    return text


def _type_code(text: str) -> str:
    if from_category_text(text) is None:
        raise CellError(
            f"「{text}」不是事项类型代码，应为 01–10 或 20（公共服务），或表1的 XK、CF 等"
        )
    return text


SCHEMA = Schema(
    kind="items",
    title="行政权力和便民服务事项",
    columns=(
        Column(
            "code",
            "事项编码",
            ("county_code", "编码"),
            max_length=40,
            note="32位县编码，空则自动赋码",
        ),
        Column("name", "事项名称", ("name",), required=True, max_length=500),
        Column("parent_item", "主项名称", ("parent_item", "主项"), max_length=500),
        Column("sub_item", "子项名称", ("sub_item", "子项"), max_length=500),
        Column("category", "事项类别", ("category", "权力类别", "事项类型", "类别")),
        Column("category_code", "事项类型代码", ("category_code", "类型代码"), parse=_type_code),
        Column(
            "department",
            "实施主体",
            ("department", "行使主体", "实施机关", "责任单位"),
            True,
            None,
            200,
        ),
        Column("undertaking_unit", "承办股室", ("undertaking_unit", "承办机构"), max_length=200),
        Column(
            "implementing_body_uscc",
            "实施主体统一社会信用代码",
            ("implementing_body_uscc", "统一社会信用代码"),
            parse=department_import.parse_uscc,
        ),
        Column("devolved_region", "下放区划代码", ("devolved_region",), parse=_region),
        Column("item_code", "国家基本目录编码", ("item_code",), max_length=64),
        Column("implementation_code", "国家实施编码", ("implementation_code",), max_length=128),
        Column(
            "time_limit_legal",
            "法定办结时限",
            ("time_limit_legal", "法定时限"),
            parse=parse_time_limit,
        ),
        Column(
            "time_limit_promise",
            "承诺办结时限",
            ("time_limit_promise", "承诺时限", "办结时限"),
            parse=parse_time_limit,
        ),
        Column("conditions", "受理条件", ("conditions", "办理条件")),
        Column("requirements", "办理要件", ("requirements", "申请材料"), parse=split_materials),
        Column("basis", "设定依据", ("basis", "法律依据", "实施依据")),
        Column("procedure", "办理流程", ("procedure", "服务流程"), parse=split_steps),
        Column("flowchart", "流程图", ("flowchart",)),
        Column("fee", "收费标准", ("fee", "收费")),
        Column("location", "办理地点", ("location", "地址"), max_length=500),
        Column("hours", "办理时间", ("hours",), max_length=200),
        Column("phone", "咨询电话", ("phone", "电话")),
        Column("supervision_phone", "监督电话", ("supervision_phone",), max_length=200),
        Column("supervision_way", "监督方式", ("supervision_way",)),
        Column("service_content", "服务内容", ("service_content",)),
        Column("management_requirements", "管理要求", ("management_requirements",)),
        Column("classified", "是否涉密", ("classified", "涉密"), parse=parse_bool),
        Column("source", "来源", ("source",), max_length=200),
        Column("source_id", "来源编号", ("id",), max_length=40),
        Column("licence", "许可协议", ("licence", "license"), max_length=40),
        # Bookkeeping of the source directory: the county code replaces them.
        Column("url", "原网址", ("url",), stored=False),
        Column("region", "原地区", ("region",), stored=False),
        Column("region_code", "原地区代码", ("region_code",), stored=False),
        Column("admin_level", "原层级", ("admin_level",), stored=False),
        Column("implementing_level_raw", "原实施层级", ("implementing_level_raw",), stored=False),
        Column("data_year", "数据年份", ("data_year",), stored=False),
        *EXPORT_ONLY,
    ),
    key=("department", "name"),
    one_of=(("category", "category_code"),),
)

# file column → model field(s); a field is written only when its column is in the file
_TEXT_FIELDS = {
    "undertaking_unit": "handling_office",
    "conditions": "conditions",
    "basis": "legal_basis",
    "flowchart": "flowchart",
    "fee": "fee",
    "location": "location",
    "hours": "hours",
    "phone": "phone",
    "supervision_phone": "supervision_phone",
    "supervision_way": "supervision_way",
    "service_content": "service_content",
    "management_requirements": "management_requirements",
    "sub_item": "sub_name",
}
_LIST_FIELDS = {"requirements": "requirements", "procedure": "procedure"}
_OPTIONAL_TEXT = {
    "item_code": "national_item_code",
    "implementation_code": "national_implementation_code",
}
_LIMITS = {"time_limit_legal": "legal_limit", "time_limit_promise": "promised_limit"}
_DEFAULTS: dict[str, Any] = {
    **{field: "" for field in _TEXT_FIELDS.values()},
    **{field: [] for field in _LIST_FIELDS.values()},
    **{field: None for field in _OPTIONAL_TEXT.values()},
    "parent_name": "",
    **{f"{p}_{part}": None for p in _LIMITS.values() for part in ("value", "unit", "note")},
    "classified": False,
    "source": "",
    "aliases": [],
    "keywords": [],
    "parent_id": None,
    "suspension_class": None,
    "suspension_reason": None,
    "suspended_at": None,
    "last_case_on": None,
}


def _region_of(code: str) -> str:
    """The region an item is exercised in: the county, or the town/village it is devolved to."""
    region, town, village = code[0:6], code[6:9], code[9:12]
    if town == "000":
        return region
    return region + town + (village if village != "000" else "")


def _source(row: ParsedRow) -> str:
    text = str(row.get("source", ""))
    if row.get("licence"):
        text += f"（{row.values['licence']}）"
    if row.get("source_id"):
        text += f" #{row.values['source_id']}"
    return text.strip()[:300]


def _fields(row: ParsedRow) -> dict[str, Any]:
    present = row.values
    values: dict[str, Any] = {"name": present["name"]}
    if "parent_item" in present:
        values["parent_name"] = row.get("parent_item", "")
    for column, target in _TEXT_FIELDS.items():
        if column in present:
            values[target] = present[column] or ""
    for column, target in _LIST_FIELDS.items():
        if column in present:
            values[target] = present[column] or []
    for column, target in _OPTIONAL_TEXT.items():
        if column in present:
            values[target] = present[column]
    for column, prefix in _LIMITS.items():
        if column in present:
            value, unit, note = present[column] or (None, None, None)
            values.update(
                {f"{prefix}_value": value, f"{prefix}_unit": unit, f"{prefix}_note": note}
            )
    if "classified" in present:
        values["classified"] = bool(present["classified"])
    if any(key in present for key in ("source", "source_id", "licence")):
        values["source"] = _source(row)
    return values


async def _ensure_county(session: AsyncSession, report: ImportReport, county: str) -> None:
    """Items need their region row: a database without the county gets the shipped regions."""
    if await session.get(Region, county) is not None:
        return
    loaded = await load_shipped_regions(session)
    report.notes.append(
        f"区划表中没有本县，已载入随程序提供的区划 {len(loaded.added)} 条（省、市、县、乡镇、村）。"
    )


class _Planner:
    """Works out departments and item rows; records every problem before anything is written."""

    def __init__(
        self,
        report: ImportReport,
        options: ImportOptions,
        regions: RegionDirectory,
        departments: dict[str, Department],
        book: CodeBook,
    ) -> None:
        self.report = report
        self.options = options
        self.regions = regions
        self.departments = departments
        self.book = book
        self.department_org: dict[str, str] = {}
        self.new_departments: dict[str, dict[str, Any]] = {}

    def plan_departments(self, rows: list[ParsedRow]) -> None:
        """Organisation codes of departments; new departments take their most common USCC."""
        usccs: dict[str, Counter[str]] = {}
        for row in rows:
            counter = usccs.setdefault(row.values["department"], Counter())
            if row.get("implementing_body_uscc"):
                counter[row.values["implementing_body_uscc"]] += 1
        taken = {d.org_code for d in self.departments.values() if d.org_code}
        for name, counter in usccs.items():
            existing = self.departments.get(name)
            if existing is not None and existing.org_code:
                self.department_org[name] = existing.org_code
                continue
            uscc = counter.most_common(1)[0][0] if counter else None
            org = org_code_of_uscc(uscc) if uscc else department_import.local_org_code(name, taken)
            taken.add(org)
            self.department_org[name] = org
            if existing is None:
                self.new_departments[name] = {
                    "name": name,
                    "short_name": "",
                    "org_code": org,
                    "uscc": uscc,
                    "region_code": self.options.county_code,
                    "address": "",
                    "phone": "",
                    "is_demo": self.options.demo,
                }

    def category(self, row: ParsedRow) -> tuple[str, str] | None:
        """(category, kind) of a row; the national type code wins over the category text."""
        for key in ("category_code", "category"):
            text = row.get(key)
            if text:
                found = from_category_text(text)
                if found:
                    return found
        column = "category_code" if row.get("category_code") else "category"
        self.report.error(
            row.row,
            row.header(column),
            f"「{row.get(column, '')}」不是事项类别；应为 行政许可、行政处罚…公共服务，"
            "或类型代码 01–10、20，或表1的 XK、CF、QZ、ZS、GF、CJ、QR、JL、JD、QT",
        )
        return None

    def body(self, row: ParsedRow) -> BodyCode | None:
        """Where and by whom: county (000/000) unless devolved to a town or village."""
        uscc = row.get("implementing_body_uscc")
        org = org_code_of_uscc(uscc) if uscc else self.department_org[row.values["department"]]
        region = row.get("devolved_region")
        town = village = "000"
        county = self.options.county_code
        if region:
            header = row.header("devolved_region")
            if region[:6] != county or (self.regions.town(county, region[6:9]) is None):
                self.report.error(row.row, header, f"「{region}」不是本县的乡镇或村（社区）代码")
                return None
            town = region[6:9]
            if len(region) == 12:
                if self.regions.village(county, town, region[9:12]) is None:
                    self.report.error(row.row, header, f"「{region}」不是本县的村（社区）代码")
                    return None
                village = region[9:12]
        return BodyCode(region=county, town=town, village=village, org_code=org)

    def given_code(self, row: ParsedRow, category: str) -> ItemCode | None:
        """A code written in the file, checked against the specification and the stores."""
        header = row.header("code")
        check = check_item_code(row.values["code"], self.regions)
        for problem in check.problems:
            if problem.severity is Severity.ERROR:
                self.report.error(row.row, header, problem.message)
            else:
                self.report.warn(row.row, header, problem.message)
        code = check.code
        if code is None:
            return None
        if code.basic.category != category:
            self.report.error(
                row.row, header, f"编码类别「{code.basic.category}」与事项类别「{category}」不一致"
            )
            return None
        if str(code) in self.book.retired:
            self.report.error(row.row, header, f"编码「{code}」已进入代码废止库，不能再使用")
            return None
        return code

    def code(self, row: ParsedRow, category: str, existing: dict[str, Any] | None) -> str | None:
        """The county code of a row: written in the file, kept from before, or assigned."""
        if row.get("code"):
            given = self.given_code(row, category)
            code = str(given) if given else None
        elif existing is not None and existing["category"] == category:
            code = str(existing["code"])
        else:
            body = self.body(row)
            if body is None:
                return None
            basic = self.book.basic_for(category, row.values["name"], row.get("parent_item", ""))
            code = str(ItemCode(body, basic))
        if code is None:
            return None
        other = self.book.claim(code, (row.values["department"], row.values["name"]))
        if other is not None:
            self.report.error(
                row.row,
                row.header("name"),
                f"编码「{code}」已属于「{other[0]}」的事项「{other[1]}」：同一组织机构代码"
                "下同名事项只能有一个，请在「事项编码」列写明编码或改用其他实施主体",
            )
            return None
        return code


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Validate every row and its code, then upsert departments and items in one go."""
    items = table_of(Item)
    departments = {d.name: d for d in (await session.scalars(select(Department))).all()}
    names = {d.id: d.name for d in departments.values()}
    stored_rows = [dict(r) for r in (await session.execute(select(items))).mappings()]
    existing = {(names.get(r["department_id"], ""), r["name"]): r for r in stored_rows}
    retired_rows = await session.execute(select(RetiredCode.code, RetiredCode.basic_code))
    retired = [(code, basic) for code, basic in retired_rows]
    book = CodeBook.build(
        (
            StoredItem(
                r["code"],
                r["category"],
                r["main_no"],
                r["sub_no"],
                r["name"],
                r["parent_name"],
                names.get(r["department_id"], ""),
            )
            for r in stored_rows
        ),
        retired,
    )
    directory = await load_region_directory(session)
    if not directory:
        directory = region_directory(shipped_regions())
    planner = _Planner(report, options, directory, departments, book)
    planner.plan_departments(rows)
    planned: list[tuple[ParsedRow, dict[str, Any], dict[str, Any] | None]] = []
    for row in rows:
        found = planner.category(row)
        if found is None:
            continue
        category, kind = found
        old = existing.get((row.values["department"], row.values["name"]))
        code = planner.code(row, category, old)
        if code is None:
            continue
        values = _fields(row)
        values.update(
            kind=kind,
            code=code,
            subject_code=code[:22],
            basic_code=code[23:],
            category=category,
            main_no=int(code[25:30]),
            sub_no=int(code[30:33]),
            region_code=_region_of(code),
        )
        planned.append((row, values, old))
    if report.errors:
        return
    now = utcnow()
    changes = Changes()
    retired_now: list[dict[str, Any]] = []
    for _row, values, old in planned:
        if old is None:
            status = PublicationStatus.PUBLISHED if options.publish else PublicationStatus.DRAFT
            row_values = {**_DEFAULTS, **values, "status": status.value, "is_demo": options.demo}
            row_values["published_at"] = now if options.publish else None
            row_values["department_id"] = None  # filled in after departments are written
            row_values["_department"] = _row.values["department"]
            changes.inserts.append(row_values)
            report.published += options.publish
            continue
        if options.publish and old["status"] in ("draft", "pending_review"):
            values.update(status=PublicationStatus.PUBLISHED.value, published_at=now)
            report.published += 1
        if old["code"] != values["code"] and old["code"] not in book.retired:
            # 编码规范 二(一): a code that stops being used is retired, never reassigned
            retired_now.append(
                {
                    "code": old["code"],
                    "basic_code": old["basic_code"],
                    "name": old["name"],
                    "reason": "abolished",
                    "merged_into": values["code"],
                    "basis": "导入时重新赋码",
                    "retired_at": now,
                    "item_id": old["id"],
                }
            )
            report.warn(
                _row.row,
                _row.header("name"),
                f"编码由「{old['code']}」改为「{values['code']}」，原编码进入代码废止库",
            )
        changes.add(old, values, old["id"])
    report.created, report.updated, report.unchanged = (
        len(changes.inserts),
        len(changes.updates),
        changes.unchanged,
    )
    if planner.new_departments:
        report.notes.append(f"新建实施主体（部门） {len(planner.new_departments)} 个。")
    if options.dry_run:
        return
    await _ensure_county(session, report, options.county_code)
    await write(
        session, table_of(Department), Changes(inserts=list(planner.new_departments.values()))
    )
    result = await session.execute(select(Department.name, Department.id))
    ids = {name: department_id for name, department_id in result}
    for new_row in changes.inserts:
        new_row["department_id"] = ids[new_row.pop("_department")]
    await write(session, items, changes)
    if retired_now:
        await session.execute(insert(table_of(RetiredCode)), retired_now)
    await _link_parents(session)


async def _link_parents(session: AsyncSession) -> None:
    """parent_id of sub items: the main item of the same department named by parent_name."""
    items = table_of(Item)
    rows = (
        await session.execute(
            select(
                items.c.id,
                items.c.department_id,
                items.c.name,
                items.c.parent_name,
                items.c.parent_id,
            )
        )
    ).all()
    mains = {(r.department_id, r.name): r.id for r in rows if not r.parent_name}
    changes = Changes()
    for r in rows:
        wanted = mains.get((r.department_id, r.parent_name)) if r.parent_name else None
        if wanted != r.parent_id and wanted != r.id:
            changes.updates.append({"parent_id": wanted, "_key": r.id})
    if changes.updates:
        await _write_links(session, changes)


async def _write_links(session: AsyncSession, changes: Changes) -> None:
    # parent links are bookkeeping, not a change of the item: no version bump
    items = table_of(Item)
    statement = (
        update(items).where(items.c.id == bindparam("k_id")).values(parent_id=bindparam("v_parent"))
    )
    await session.execute(
        statement, [{"k_id": row["_key"], "v_parent": row["parent_id"]} for row in changes.updates]
    )
