"""The published funds' names with the details each publishes, kept per worker until the fund
list changes.

Whether a question names a fund as written with a detail it publishes (「牦牛藏羊那个钱咋申请」
「城乡医疗救助的管理办法」) is asked of every message carrying a detail's word (申请, 办法,
每个 …): many messages. The answer depends only on the published list, so it is read once per
database and region scope and kept while the fund rows' generation stays
(`handlers.db.kept`; another process's publication moves their stamp).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from catalogue.scope import RegionScope, scope_of
from handlers.citizen import fund_details
from handlers.db.kept import KeptUntilChanged

# (project name, the details its published rows answer), one per fund name.
FundNames = tuple[tuple[str, frozenset[str]], ...]


async def _read(session: AsyncSession, scope: RegionScope) -> FundNames:
    published: dict[str, set[str]] = {}
    for row in (await queries.fund_list(session=session)).rows:
        details = published.setdefault(row.project_name, set())
        details.update(d for d in fund_details.DETAIL_LABELS if fund_details.detail_text(row, d))
    return tuple((name, frozenset(details)) for name, details in published.items())


_KEPT: KeptUntilChanged[RegionScope, FundNames] = KeptUntilChanged(("fund_items",), _read)


async def fund_names(session: AsyncSession) -> FundNames:
    """Each published fund's name with the details its rows publish, from this worker's
    cache when the fund list has not changed since."""
    return await _KEPT.get(session, scope_of(session))
