"""Importing departments (行使主体) with their GB 11714 and GB 32100 codes."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.checkdigits import (
    ORG_CODE_PATTERN,
    USCC_PATTERN,
    is_valid_org_code,
    is_valid_uscc,
    org_code_check_char,
    org_code_of_uscc,
)
from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.sync import Changes, table_of, write
from catalogue.importing.values import CellError
from catalogue.lists.declarations import DEPARTMENTS
from catalogue.models import Department, Region

# Locally assigned organisation codes start with this letter; see `local_org_code`.
LOCAL_ORG_PREFIX = "Z"


def parse_org_code(text: str) -> str:
    """A GB 11714 code as typed ("00877801-X", lower case); the check character is not enforced."""
    code = re.sub(r"[\s\-－—]", "", text).upper()
    if not ORG_CODE_PATTERN.fullmatch(code):
        raise CellError(f"「{text}」不是组织机构代码，应为8位数字或大写字母加1位校验码（数字或X）")
    return code


def parse_uscc(text: str) -> str:
    """A GB 32100 code as typed; the check character is not enforced (pilot codes fail it)."""
    code = re.sub(r"\s", "", text).upper()
    if not USCC_PATTERN.fullmatch(code):
        raise CellError(
            f"「{text}」不是统一社会信用代码，应为18位数字或大写字母（不含 I、O、Z、S、V）"
        )
    return code


def local_org_code(name: str, taken: set[str]) -> str:
    """A deterministic stand-in organisation code for a department that has none.

    `Z` + 7 digits from the SHA-1 of the name + the GB 11714 check character. Real GB 11714
    codes never start with Z, so these are recognisable; on a collision the next digits win.
    """
    digest = int(hashlib.sha1(name.encode("utf-8")).hexdigest(), 16)
    while True:
        body = f"{LOCAL_ORG_PREFIX}{digest % 10_000_000:07d}"
        code = body + org_code_check_char(body)
        if code not in taken:
            return code
        digest //= 10


def is_local_org_code(code: str) -> bool:
    """Whether an organisation code was assigned by `local_org_code`."""
    return code.startswith(LOCAL_ORG_PREFIX)


SCHEMA = schema_of(DEPARTMENTS, {"org_code": parse_org_code, "uscc": parse_uscc})


def check_codes(row: ParsedRow, report: ImportReport, org_key: str, uscc_key: str) -> None:
    """Warnings for failed check characters, an error when the two codes disagree."""
    org, uscc = row.get(org_key), row.get(uscc_key)
    if uscc and not is_valid_uscc(uscc):
        report.warn(row.row, row.header(uscc_key), f"统一社会信用代码「{uscc}」校验码不符，请核对")
    if org and not is_valid_org_code(org):
        report.warn(row.row, row.header(org_key), f"组织机构代码「{org}」校验码不符，请核对")
    if org and uscc and org_code_of_uscc(uscc) != org:
        report.error(
            row.row,
            row.header(org_key),
            f"组织机构代码「{org}」与统一社会信用代码第9–17位「{org_code_of_uscc(uscc)}」不一致",
        )


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Check codes and regions, then insert or update departments by name."""
    existing = {d.name: d for d in (await session.scalars(select(Department))).all()}
    regions = set((await session.scalars(select(Region.code))).all())
    taken = {d.org_code for d in existing.values() if d.org_code}
    changes = Changes()
    for row in rows:
        check_codes(row, report, "org_code", "uscc")
        region = row.get("region_code") or (
            options.county_code if options.county_code in regions else None
        )
        if region and region not in regions:
            report.error(
                row.row, row.header("region_code"), f"区划「{region}」不存在，请先导入区划"
            )
            continue
        uscc = row.get("uscc")
        org = row.get("org_code") or (org_code_of_uscc(uscc) if uscc else None)
        old = existing.get(row.values["name"])
        if org is None:
            org = (
                old.org_code if old and old.org_code else local_org_code(row.values["name"], taken)
            )
        taken.add(org)
        values: dict[str, Any] = {
            "name": row.values["name"],
            "short_name": row.get("short_name", ""),
            "org_code": org,
            "uscc": uscc,
            "region_code": region,
            "address": row.get("address", ""),
            "phone": row.get("phone", ""),
        }
        if old is None:
            values["is_demo"] = options.demo
        current = None if old is None else {name: getattr(old, name) for name in values}
        changes.add(current, values, old.id if old else None)
    if report.errors:
        return
    report.created, report.updated = len(changes.inserts), len(changes.updates)
    report.unchanged = changes.unchanged
    if not options.dry_run:
        await write(session, table_of(Department), changes)
