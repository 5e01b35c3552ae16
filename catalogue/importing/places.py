"""Towns and villages named in a list: by code, full name, short name or 乡镇名+村名."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Region


class Places:
    """Towns and villages of the county by code, name, short name or 镇+村 name."""

    def __init__(self, regions: list[Region], county_code: str) -> None:
        self.codes = {r.code for r in regions}
        by_code = {r.code: r for r in regions}
        self.names: dict[str, set[str]] = {}
        for region in regions:
            if not region.code.startswith(county_code) or region.level not in ("town", "village"):
                continue
            labels = {region.name, region.short_name}
            parent = by_code.get(region.parent_code or "")
            if region.level == "village" and parent is not None:
                labels |= {
                    p + v
                    for p in (parent.name, parent.short_name)
                    for v in (region.name, region.short_name)
                }
            for label in labels:
                if label:
                    self.names.setdefault(label, set()).add(region.code)

    def resolve(self, text: str) -> tuple[str | None, str]:
        """(code, problem): a code, or a Chinese reason why the place is unknown or ambiguous."""
        if text.isdigit():
            return (
                (text, "")
                if text in self.codes
                else (None, f"区划代码「{text}」不存在，请先导入区划")
            )
        found = self.names.get(text, set())
        if len(found) == 1:
            return next(iter(found)), ""
        if not found:
            return None, f"「{text}」不是本县的乡镇或村（社区），请写区划代码或完整名称"
        listed = "、".join(sorted(found))
        return None, f"「{text}」有多处同名（{listed}），请写区划代码或“乡镇名+村名”"


async def load_places(session: AsyncSession, county_code: str) -> Places:
    """The places of the regions stored in the database."""
    regions = list((await session.scalars(select(Region))).all())
    return Places(regions, county_code)
