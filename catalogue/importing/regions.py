"""Importing regions: the county, its upper regions, towns (9 digits) and villages (12 digits)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport
from catalogue.importing.schema import ParsedRow, schema_of
from catalogue.importing.sync import Changes, table_of, write
from catalogue.importing.values import CellError
from catalogue.lists.declarations import REGIONS
from catalogue.models import Region

LEVELS = {
    "province": "province",
    "省": "province",
    "省级": "province",
    "prefecture": "prefecture",
    "市": "prefecture",
    "地级市": "prefecture",
    "市级": "prefecture",
    "州": "prefecture",
    "county": "county",
    "县": "county",
    "县级": "county",
    "区": "county",
    "town": "town",
    "乡镇": "town",
    "乡": "town",
    "镇": "town",
    "街道": "town",
    "乡镇街道": "town",
    "village": "village",
    "村": "village",
    "社区": "village",
    "村社区": "village",
    "村（社区）": "village",
}
_RANK = {"province": 0, "prefecture": 1, "county": 2, "town": 3, "village": 4}
_LEVEL_NAMES = {
    "province": "省",
    "prefecture": "市",
    "county": "县",
    "town": "乡镇",
    "village": "村",
}
_LENGTH = {"province": 6, "prefecture": 6, "county": 6, "town": 9, "village": 12}


def _code(text: str) -> str:
    if not re.fullmatch(r"\d{6}|\d{9}|\d{12}", text):
        raise CellError(f"「{text}」不是区划代码，应为6位（县及以上）、9位（乡镇）或12位（村）数字")
    if len(text) == 12 and text.endswith("000000"):
        return text[:6]
    return text


def _level(text: str) -> str:
    level = LEVELS.get(text.strip().lower()) or LEVELS.get(text.strip())
    if level is None:
        raise CellError(f"「{text}」不是区划级别，应为 省、市、县、乡镇 或 村")
    return level


SCHEMA = schema_of(REGIONS, {"code": _code, "level": _level, "parent_code": _code})


async def run(
    session: AsyncSession, rows: list[ParsedRow], report: ImportReport, options: ImportOptions
) -> None:
    """Check every region against its level and parent, then insert or update."""
    existing = {region.code: region for region in (await session.scalars(select(Region))).all()}
    in_file = {row.values["code"]: row for row in rows}
    wanted: list[tuple[ParsedRow, dict[str, Any]]] = []
    for row in rows:
        code, level = row.values["code"], row.values["level"]
        if len(code) != _LENGTH[level]:
            report.error(
                row.row,
                row.header("code"),
                f"「{code}」为{len(code)}位，{_LEVEL_NAMES[level]}级区划应为{_LENGTH[level]}位代码",
            )
            continue
        parent = row.get("parent_code")
        if level == "town":
            parent = parent or code[:6]
        elif level == "village":
            parent = parent or code[:9]
        if parent and parent not in in_file and parent not in existing:
            report.error(
                row.row,
                row.header("parent_code"),
                f"上级区划「{parent}」不存在：请先导入上级区划，或把它放在同一个文件里",
            )
            continue
        if level in ("town", "village") and parent != code[: _LENGTH[level] - 3]:
            report.error(
                row.row,
                row.header("parent_code"),
                f"上级代码「{parent}」与区划代码「{code}」的前{_LENGTH[level] - 3}位不一致",
            )
            continue
        wanted.append(
            (
                row,
                {
                    "code": code,
                    "name": row.values["name"],
                    "level": level,
                    "parent_code": parent or None,
                    "short_name": row.get("short_name", ""),
                    "source": row.get("source", ""),
                },
            )
        )
    if report.errors:
        return
    changes = Changes()
    for _row, values in sorted(wanted, key=lambda pair: _RANK[pair[1]["level"]]):
        old = existing.get(values["code"])
        current = None if old is None else {name: getattr(old, name) for name in values}
        outcome = changes.add(current, values, values["code"])
        if outcome == "updated":
            changes.updates[-1].pop("code")
    report.created, report.updated, report.unchanged = (
        len(changes.inserts),
        len(changes.updates),
        changes.unchanged,
    )
    if options.dry_run:
        return
    # parents before children: insert level by level so foreign keys hold on every database
    by_level: dict[str, Changes] = {}
    for insert in changes.inserts:
        by_level.setdefault(insert["level"], Changes()).inserts.append(insert)
    for level in sorted(by_level, key=_RANK.__getitem__):
        await write(session, table_of(Region), by_level[level], key="code")
    await write(session, table_of(Region), Changes(updates=changes.updates), key="code")
