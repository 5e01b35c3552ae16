"""Planning an items import: regions, departments, categories, bodies and codes of every row.

A row belongs to the county's catalogue unless its 所属地区代码 names another region: then it
keeps that region (and its national codes), its department is that region's, and its key code
is numbered in that region's own code space; a 620623 county code is minted only for the
county's own items. Nothing is written here; every problem goes to the report first (a file
with an error changes nothing).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from catalogue.categories import from_category_text
from catalogue.checkdigits import org_code_of_uscc
from catalogue.codes import (
    ITEM_CODE_LENGTH,
    BodyCode,
    ItemCode,
    Severity,
    check_item_code,
    normalize_code_text,
)
from catalogue.importing.departments import local_org_code
from catalogue.importing.item_codes import CodeBook
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow
from catalogue.models import Department
from catalogue.region_directory import RegionDirectory


class ItemPlanner:
    """Works out departments and item rows; records every problem before anything is written."""

    def __init__(
        self,
        report: ImportReport,
        options: ImportOptions,
        regions: RegionDirectory,
        departments: dict[str, Department],
        books: dict[str, CodeBook],
    ) -> None:
        self.report = report
        self.options = options
        self.regions = regions
        self.departments = departments
        self.books = books
        self.retired = {code for book in books.values() for code in book.retired}
        self.department_org: dict[str, str] = {}
        self.department_region: dict[str, str] = {}
        self.new_departments: dict[str, dict[str, Any]] = {}
        self.department_updates: list[dict[str, Any]] = []
        self.new_regions: dict[str, str] = {}  # code → name of other regions first seen here

    def book(self, region: str) -> CodeBook:
        """The code book of one region's catalogue (a new region starts empty)."""
        found = self.books.get(region)
        if found is None:
            found = self.books[region] = CodeBook.build((), ())
            found.retired = self.retired
        return found

    def is_county(self, region: str) -> bool:
        """Whether a row's region is the county itself (its towns and villages included)."""
        return region.startswith(self.options.county_code)

    def region_of_row(self, row: ParsedRow) -> str:
        """The 6-digit region whose catalogue a row belongs to: the county unless another."""
        region = row.get("region_code")
        if not region or self.is_county(region):
            return self.options.county_code
        if region not in self.new_regions and self.regions.region(region) is None:
            self.new_regions[region] = (row.get("region") or region)[:100]
        return str(region)

    def plan_departments(self, rows: list[ParsedRow]) -> None:
        """Regions and organisation codes of departments; a new department takes its most
        common USCC, else the organisation code its written codes carry, else a local one."""
        usccs: dict[str, Counter[str]] = {}
        written: dict[str, Counter[str]] = {}
        for row in rows:
            name = row.values["department"]
            counter = usccs.setdefault(name, Counter())
            if row.get("implementing_body_uscc"):
                counter[row.values["implementing_body_uscc"]] += 1
            code = normalize_code_text(str(row.get("code", "")))
            if len(code) == ITEM_CODE_LENGTH:
                written.setdefault(name, Counter())[code[12:21]] += 1
            self._department_region(row, name)
        taken = {d.org_code for d in self.departments.values() if d.org_code}
        for name, counter in usccs.items():
            existing = self.departments.get(name)
            if existing is not None and existing.org_code:
                self.department_org[name] = existing.org_code
                continue
            uscc = existing.uscc if existing is not None and existing.uscc else None
            uscc = uscc or (counter.most_common(1)[0][0] if counter else None)
            from_codes = written.get(name)
            if uscc:
                org = org_code_of_uscc(uscc)
            elif from_codes:
                org = from_codes.most_common(1)[0][0]
            else:
                org = local_org_code(name, taken)
            taken.add(org)
            self.department_org[name] = org
            if existing is not None:
                # a department known without its organisation code gets the one its items use
                self.department_updates.append({"org_code": org, "uscc": uscc, "_key": existing.id})
            else:
                self.new_departments[name] = {
                    "name": name,
                    "short_name": "",
                    "org_code": org,
                    "uscc": uscc,
                    "region_code": self.department_region[name],
                    "address": "",
                    "phone": "",
                    "is_demo": self.options.demo,
                }

    def _department_region(self, row: ParsedRow, name: str) -> None:
        """A department belongs to one region: the county's are never another region's."""
        region = self.region_of_row(row)
        first = self.department_region.setdefault(name, region)
        existing = self.departments.get(name)
        recorded = (existing.region_code or self.options.county_code) if existing else first
        home = self.options.county_code if self.is_county(recorded) else recorded
        if home != region:
            self.report.error(
                row.row,
                row.header("department"),
                f"实施主体「{name}」属于地区 {home}，本行属于地区 {region}：一个部门只属于一个"
                "地区，另一地区的事项不能归入本县部门，请写明该地区部门的全称",
            )

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

    def expected_org(self, row: ParsedRow) -> str:
        """The organisation code of a row's body: its own USCC's, else its department's."""
        uscc = row.get("implementing_body_uscc")
        return org_code_of_uscc(uscc) if uscc else self.department_org[row.values["department"]]

    def body(self, row: ParsedRow, own_region: str) -> BodyCode | None:
        """Where and by whom: the county (000/000) unless devolved to a town or village;
        another region's row is numbered in that region's space, never the county's."""
        org = self.expected_org(row)
        region = row.get("devolved_region")
        town = village = "000"
        county = self.options.county_code
        if not self.is_county(own_region):
            if region:
                self.report.error(
                    row.row,
                    row.header("devolved_region"),
                    f"「{region}」：下放区划只用于本县事项，本行属于地区 {own_region}",
                )
                return None
            return BodyCode(region=own_region, town=town, village=village, org_code=org)
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

    def given_code(self, row: ParsedRow, category: str, own_region: str) -> ItemCode | None:
        """A code written in the file, checked against the specification, the stores and the
        numbering rules (body, basic code, main item, no skipped numbers)."""
        header = row.header("code")
        county = self.is_county(own_region)
        check = check_item_code(row.values["code"], self.regions if county else None)
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
        if str(code) in self.retired:
            self.report.error(row.row, header, f"编码「{code}」已进入代码废止库，不能再使用")
            return None
        wanted_region = own_region if not county else self.options.county_code
        if code.body.region != wanted_region:
            self.report.error(
                row.row,
                header,
                f"编码的行政区划「{code.body.region}」与本行所属地区「{wanted_region}」不符："
                "本县编码只用于本县事项，另一地区的事项不能使用本县编码",
            )
            return None
        org = self.expected_org(row)
        if code.body.org_code != org:
            self.report.error(
                row.row,
                header,
                f"编码中的组织机构代码「{code.body.org_code}」不是实施主体"
                f"「{row.values['department']}」的组织机构代码「{org}」",
            )
            return None
        numbering = self.book(own_region).given_problem(
            code.basic, row.values["name"], row.get("parent_item", "")
        )
        if numbering is not None:
            self.report.error(row.row, header, numbering)
            return None
        return code

    def code(
        self, row: ParsedRow, category: str, existing: dict[str, Any] | None, own_region: str
    ) -> str | None:
        """The code of a row: written in the file, kept from before, or assigned."""
        book = self.book(own_region)
        if row.get("code"):
            given = self.given_code(row, category, own_region)
            code = str(given) if given else None
        elif existing is not None and existing["category"] == category:
            code = str(existing["code"])
        else:
            body = self.body(row, own_region)
            if body is None:
                return None
            basic = book.basic_for(category, row.values["name"], row.get("parent_item", ""))
            code = str(ItemCode(body, basic))
        if code is None:
            return None
        other = book.claim(code, (row.values["department"], row.values["name"]))
        if other is not None:
            self.report.error(
                row.row,
                row.header("name"),
                f"编码「{code}」已属于「{other[0]}」的事项「{other[1]}」：同一组织机构代码"
                "下同名事项只能有一个，请在「事项编码」列写明编码或改用其他实施主体",
            )
            return None
        return code
