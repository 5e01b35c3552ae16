"""Followers of a village or town are told when its allocations or projects are published or
change: a periodic scan of the poverty lists queues one notice per follower and place.

The scan reads rows whose `updated_at` moved since its mark and that were ever published
(published, suspended, or abolished after publication: a cancellation is news too), however
they changed — the staff channel, `zwbot import --publish`, another worker. It queues the
notices and moves its mark in one transaction: a mark another scanner moved first rolls it
back, and each notice's `dedup_key` keeps a repeated scan from queuing it twice. Rows changed
in the last `SETTLE` seconds wait for the next round (a transaction still committing is not
skipped). A village's followers and its town's are told; a town's followers once per year
for all its villages that changed. When the county's fund list of a year changes, every
follower of a place (through an account of the deployment's home region) is told once.

Each notice goes out through the official account the place was followed through
(`PlaceFollow.account`, the job's `account`), with a link on that account's public base URL;
a follower of one account is never written to through another.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import queries
from catalogue.models import (
    FundItem,
    NoticeMark,
    OfficialAccount,
    PlaceFollow,
    PovertyAllocation,
    PovertyProject,
    PublicationStatus,
    Region,
    project_villages,
    utcnow,
)
from handlers.accounts.wording import home_wording
from handlers.citizen.amounts import wan
from handlers.citizen.links import fund_chart_url, place_chart_url
from handlers.delivery import queue
from handlers.delivery.queue import NewJob
from handlers.jobs.periodic import Periodic
from handlers.observability.logs import get_logger

log = get_logger(__name__)

MARK = "poverty"
SETTLE = timedelta(seconds=5)
NOTICE = "notice"  # the job kind, sent by `handlers.delivery.notices`
#: Statuses of rows that were public once (a draft's changes are nobody's news).
TOLD_STATUSES = (
    PublicationStatus.PUBLISHED.value,
    PublicationStatus.SUSPENDED.value,
    PublicationStatus.ABOLISHED.value,
)


@dataclass
class Change:
    """What changed for one followed place in one year."""

    allocations: int = 0
    projects: int = 0
    villages: set[str] = field(default_factory=set)


def year_figures(funds: queries.YearFunds | None) -> str:
    """The year's published totals of a place (the numbers its card's chart draws)."""
    if funds is None:
        return ""
    parts = []
    if funds.allocations:
        parts.append(f"分配资金{len(funds.allocations)}笔，合计{wan(funds.allocation_total)}万元")
    if funds.active_projects:
        parts.append(f"项目{len(funds.active_projects)}个，投资合计{wan(funds.project_total)}万元")
    return f"{funds.year}年已公开：{'；'.join(parts)}。" if parts else ""


def notice_text(
    place: str, year: int, change: Change, funds: queries.YearFunds | None = None
) -> tuple[str, str]:
    """The notice's title and description, in plain short Chinese: the year's totals first
    (when `funds` has them), then what changed."""
    title = f"{place} {year}年扶贫资金和项目有更新"
    parts = []
    if change.allocations:
        parts.append(f"资金分配{change.allocations}条")
    if change.projects:
        parts.append(f"项目{change.projects}个")
    where = ""
    if change.villages:
        names = sorted(change.villages)
        where = "涉及" + "、".join(names[:5]) + ("等" if len(names) > 5 else "") + "。"
    description = year_figures(funds) + (
        f"新公开或变更：{'、'.join(parts)}。{where}点开查看详情。回复“取消关注 {place}”不再接收。"
    )
    return title, description


class PlaceNotices(Periodic):
    """The scan, every `interval` seconds in the app (and `zwbot notices scan`)."""

    interval = 30.0

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        public_base_url: str,
        *,
        home_region: str = "",
    ) -> None:
        """`public_base_url` and `home_region`: the default account's (the fund list is the
        home county's: told to followers through accounts of that region only)."""
        self.sessions = sessions
        self.base_url = public_base_url.rstrip("/")
        self.home_region = home_region

    async def _accounts(self, session: AsyncSession) -> dict[str, tuple[str, str]]:
        """Account name → (public base URL, home region), the default ("") included."""
        accounts = {"": (self.base_url, self.home_region)}
        rows = await session.execute(
            select(
                OfficialAccount.name, OfficialAccount.public_base_url, OfficialAccount.home_region
            )
        )
        for name, base_url, region in rows.all():
            accounts[name] = ((base_url or self.base_url).rstrip("/"), region)
        return accounts

    async def tick(self) -> None:
        try:
            await self.scan()
        except Exception:  # one failed round must not end the loop
            log.exception("place notice scan failed")

    async def scan(self, now: datetime | None = None) -> int:
        """One round; how many notices were queued (0 when another scanner moved first)."""
        now = now or utcnow()
        until = now - SETTLE
        async with self.sessions() as session:
            mark = await session.get(NoticeMark, MARK)
            if mark is None:  # the first scan tells nothing of the past
                session.add(NoticeMark(name=MARK, seen_until=now))
                await session.commit()
                return 0
            since = mark.seen_until
            if until <= since:
                return 0
            changes = await self._changes(session, since, until)
            jobs = await self._notices(session, changes, until)
            jobs += await self._fund_list_notices(session, since, until)
            await queue.add(session, jobs)
            moved = await session.execute(
                update(NoticeMark)
                .where(NoticeMark.name == MARK, NoticeMark.seen_until == since)
                .values(seen_until=until)
                .execution_options(synchronize_session=False)
            )
            if int(getattr(moved, "rowcount", 0) or 0) != 1:
                await session.rollback()
                return 0
            await session.commit()
        if jobs:
            log.info("place notices queued", notices=len(jobs), places=len(changes))
        return len(jobs)

    async def _changes(
        self, session: AsyncSession, since: datetime, until: datetime
    ) -> dict[tuple[str, int], Change]:
        """Changed places (each village's town too) and years, with what changed."""
        allocations = await session.execute(
            select(PovertyAllocation.region_code, PovertyAllocation.year, func.count())
            .where(
                PovertyAllocation.updated_at > since,
                PovertyAllocation.updated_at <= until,
                PovertyAllocation.status.in_(TOLD_STATUSES),
                PovertyAllocation.published_at.is_not(None),
            )
            .group_by(PovertyAllocation.region_code, PovertyAllocation.year)
        )
        projects = await session.execute(
            select(project_villages.c.region_code, PovertyProject.year, func.count())
            .join(project_villages, project_villages.c.project_id == PovertyProject.id)
            .where(
                PovertyProject.updated_at > since,
                PovertyProject.updated_at <= until,
                PovertyProject.status.in_(TOLD_STATUSES),
                PovertyProject.published_at.is_not(None),
            )
            .group_by(project_villages.c.region_code, PovertyProject.year)
        )
        counted: list[tuple[str, int, int, int]] = [
            (code, year, count, 0) for code, year, count in allocations.all()
        ]
        counted += [(code, year, 0, count) for code, year, count in projects.all()]
        if not counted:
            return {}
        codes = {code for code, *_ in counted}
        regions = {
            region.code: region
            for region in await session.scalars(select(Region).where(Region.code.in_(codes)))
        }
        changes: dict[tuple[str, int], Change] = defaultdict(Change)
        for code, year, allocated, projected in counted:
            region = regions.get(code)
            targets = [code]
            if region is not None and region.level == "village" and region.parent_code:
                targets.append(region.parent_code)
            for target in targets:
                change = changes[(target, year)]
                change.allocations += allocated
                change.projects += projected
                if target != code and region is not None:
                    change.villages.add(region.short_name or region.name)
        return changes

    async def _notices(
        self, session: AsyncSession, changes: dict[tuple[str, int], Change], until: datetime
    ) -> list[NewJob]:
        if not changes:
            return []
        codes = {code for code, _ in changes}
        names = {
            region.code: region.short_name or region.name
            for region in await session.scalars(select(Region).where(Region.code.in_(codes)))
        }
        followers: dict[str, list[tuple[str, str]]] = defaultdict(list)
        rows = await session.execute(
            select(PlaceFollow.region_code, PlaceFollow.openid, PlaceFollow.account)
            .where(PlaceFollow.region_code.in_(codes))
            .order_by(PlaceFollow.region_code, PlaceFollow.at, PlaceFollow.openid)
        )
        for code, openid, account in rows.all():
            followers[code].append((openid, account))
        accounts = await self._accounts(session)
        stamp = until.strftime("%Y%m%d%H%M%S%f")
        jobs: list[NewJob] = []
        for (code, year), change in sorted(changes.items()):
            place = names.get(code, code)
            if not followers.get(code):
                continue
            published = await queries.region_funds(session=session, region_code=code, year=year)
            figures = published.years[0] if published is not None and published.years else None
            title, description = notice_text(place, year, change, figures)
            for openid, account in followers.get(code, []):
                base_url = accounts.get(account, (self.base_url, ""))[0]
                jobs.append(
                    NewJob(
                        NOTICE,
                        {
                            "openid": openid,
                            "place": place,
                            "year": year,
                            "title": title,
                            "description": description,
                            "url": f"{base_url}/villages/{code}?year={year}",
                            "pic_url": place_chart_url(base_url, code, year),
                        },
                        dedup_key=f"{NOTICE}:{code}:{year}:{stamp}:{openid}",
                        account=account,
                    )
                )
        return jobs

    async def _fund_list_notices(
        self, session: AsyncSession, since: datetime, until: datetime
    ) -> list[NewJob]:
        """The home county's fund list (财政专项资金清单) of a year changed: every follower of
        any place (through an account of that region) is told once per year."""
        changed = await session.execute(
            select(FundItem.budget_year, func.count())
            .where(
                FundItem.updated_at > since,
                FundItem.updated_at <= until,
                FundItem.status.in_(TOLD_STATUSES),
                FundItem.published_at.is_not(None),
            )
            .group_by(FundItem.budget_year)
        )
        years = sorted(changed.all())
        if not years:
            return []
        accounts = await self._accounts(session)
        # The fund list is the home county's: told through the accounts of that region.
        home = {name for name, (_, region) in accounts.items() if region == self.home_region}
        followers = (
            await session.execute(
                select(PlaceFollow.openid, PlaceFollow.account)
                .distinct()
                .where(PlaceFollow.account.in_(home))
                .order_by(PlaceFollow.openid, PlaceFollow.account)
            )
        ).all()
        # named as the home region's accounts name it (天祝县 on the county's deployment)
        place = (await home_wording(session, self.home_region)).place
        stamp = until.strftime("%Y%m%d%H%M%S%f")
        jobs: list[NewJob] = []
        for year, count in years:
            title = f"{place} {year}年财政专项资金清单有更新"
            listed = await queries.fund_list(session=session, year=year)
            figures = (
                f"共{len(listed.rows)}项，合计{wan(listed.total)}万元。" if listed.rows else ""
            )
            description = f"{figures}新公开或变更{count}项。点开查看详情。回复“取消关注”不再接收。"
            for openid, account in followers:
                payload = {
                    "openid": openid,
                    "place": place,
                    "year": year,
                    "title": title,
                    "description": description,
                    "url": f"{accounts[account][0]}/funds?year={year}",
                    "pic_url": fund_chart_url(accounts[account][0], year),
                }
                jobs.append(
                    NewJob(
                        NOTICE,
                        payload,
                        dedup_key=f"{NOTICE}:funds:{year}:{stamp}:{openid}",
                        account=account,
                    )
                )
        return jobs
