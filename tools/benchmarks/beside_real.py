"""The real 6,318-item file loaded beside the demo as other regions' published catalogues.

This is how issue 12 is checked ("on the demo with the real 6,318-item file loaded beside
it"): an administrator's `zwbot import items service_items.csv --publish
--published-at-source` on the demo database. The file's rows belong to three other regions
(a Sichuan district, Guangdong, Karamay); they are published as their sources published them
(a plain first load would keep them as drafts, leaving nothing that could leak), and the
county's account must answer as if they were not there: `Foreign.leaks` tells what of them a
reply shows (a code, a department, a card or a list entry). Used by `zwbot bench conversations
--beside-real` and by tests/handlers/test_citizen_conversations_beside_real.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import normalize_code_text
from catalogue.importing import import_file
from catalogue.importing.options import published_at_source
from catalogue.importing.report import ImportReport
from catalogue.models import Department, Item
from catalogue.queries.visibility import public_item
from handlers.staff.import_wording import report_lines
from tools.benchmarks.conversation_judge import card_title, item_list, item_named

# Fewer published rows than this means the file is not the real one (or it did not load).
REAL_FILE_MINIMUM = 6000


class BesideRealError(RuntimeError):
    """The file beside the demo did not load as the real catalogue."""


async def import_beside(session: AsyncSession, csv: Path) -> ImportReport:
    """Import `csv` published as its regions published it, in `session` (committed)."""
    if not csv.is_file():
        raise BesideRealError(f"catalogue CSV not found: {csv}")
    report = await import_file(
        session, "items", csv, publish=True, missing_fields=published_at_source()
    )
    if not report.ok or report.published < REAL_FILE_MINIMUM:
        lines = "\n".join(report_lines(report, 10))
        raise BesideRealError(f"{csv} did not load beside the demo:\n{lines}")
    await session.commit()
    return report


# A code as cards and links show it (「编码：620623…」, 「/items/620623…」).
SHOWN_CODE = re.compile(r"(?:编码：|/items/)([0-9A-Za-z—\-]{20,})")


@dataclass(frozen=True)
class Foreign:
    """What the county's account must never show: the codes it may show, the other regions'
    item names no county item shares, their departments."""

    local_codes: frozenset[str]
    local_names: frozenset[str]
    foreign_names: frozenset[str]
    departments: tuple[str, ...]
    other_items: int

    def leaks(self, said: str, reply: str) -> list[str]:
        """What of another region `reply` (to `said`) shows, in words for the bench."""
        # a reply may quote the question back (「1」 is no question to take out)
        shown = reply.replace(said, "") if len(said) >= 4 else reply
        codes = {normalize_code_text(c) for c in SHOWN_CODE.findall(shown)}
        # … but a question that is a piece of a county code the reply shows in full (「XK00009000」)
        # leaves the rest of that code behind: no code of another region
        whole = {normalize_code_text(c) for c in SHOWN_CODE.findall(reply)} & self.local_codes
        codes = {c for c in codes if not any(c in code for code in whole)}
        found = [f"another region's code {c}" for c in sorted(codes - self.local_codes)]
        found += [f"another region's department {d}" for d in self.departments if d in shown]
        # Cards and lists are read from the whole reply: taking the question out of it could
        # cut a card's title (「户口迁移」 out of 【户口迁移审批】), and its numbered materials
        # would then read as a list.
        title = card_title(reply, self.foreign_names)
        if title:
            found.append(f"another region's card 【{title}】")
        # a card's numbered materials are no list (the card is known by any name); an entry
        # is the county's item when a county name fits it as well as any other region's
        # (「草原等级评定(县级)」 also starts with another region's 「草原等级评定」)
        entries = item_list(reply, self.local_names | self.foreign_names).values()
        found += [
            f"another region's item listed: {e}"
            for e in entries
            if len(item_named(e, self.foreign_names) or "")
            > len(item_named(e, self.local_names) or "")
        ]
        return found


async def read_foreign(session: AsyncSession) -> Foreign:
    """The county's public items and everything else, as the county's session sees them."""
    local = (await session.scalars(select(Item.code).where(public_item()))).all()
    local_names = frozenset((await session.scalars(select(Item.name).where(public_item()))).all())
    others = (await session.scalars(select(Item.name).where(~public_item()))).all()
    departments = (
        await session.scalars(select(Department.name).where(~Department.name.like("天祝%")))
    ).all()
    return Foreign(
        local_codes=frozenset(normalize_code_text(code) for code in local),
        local_names=local_names,
        foreign_names=frozenset(others) - local_names,
        departments=tuple(departments),
        other_items=len(others),
    )
