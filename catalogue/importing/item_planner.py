"""Planning an items import: departments, categories, bodies and county codes of every row.

Nothing is written here; every problem goes to the report first (a file with an error changes
nothing).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from catalogue.categories import from_category_text
from catalogue.checkdigits import org_code_of_uscc
from catalogue.codes import BodyCode, ItemCode, Severity, check_item_code
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
        book: CodeBook,
    ) -> None:
        self.report = report
        self.options = options
        self.regions = regions
        self.departments = departments
        self.book = book
        self.department_org: dict[str, str] = {}
        self.new_departments: dict[str, dict[str, Any]] = {}
        self.department_updates: list[dict[str, Any]] = []

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
            uscc = existing.uscc if existing is not None and existing.uscc else None
            uscc = uscc or (counter.most_common(1)[0][0] if counter else None)
            org = org_code_of_uscc(uscc) if uscc else local_org_code(name, taken)
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
