"""The durable job queue for outbound work: a table of the catalogue's database.

Jobs are added in the transaction of what causes them (a publication's notices are queued with
the scan that saw it), so a job exists exactly when its cause was committed. Workers of any
process claim them:

* PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` picks a batch no other worker holds, and the
  claim is committed at once, so many workers on many machines share one queue.
* SQLite (the embedded default): one writer at a time; the claim's `UPDATE … WHERE state =
  'queued'` re-checks every row, so two processes never claim the same job either.

At most once: a claimed job is marked `sending` (committed) right before its request leaves.
A worker that dies with jobs only claimed gives them back when their lease ends (another
worker sends them); one that dies while a request was out leaves that job `sending`: it may
have arrived, so it goes to the dead-letter list (reason "ambiguous"), never sent again.
Order per recipient: a job with a `recipient` (one citizen's reply parts on one account, one
staff member's WeCom messages) is claimed only when every older job of that recipient is
finished, so a recipient's jobs go out one at a time, oldest first — a part waiting for its
retry keeps the later parts behind it. Jobs without one (notices to followers) go in any order.

Nothing is deleted by the queue: `done`, `dead`, `unreached` and `held` rows stay for staff
(`zwbot queue`) until `purge`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from catalogue.models import OutboundJob, utcnow

QUEUED = "queued"
CLAIMED = "claimed"
SENDING = "sending"
DONE = "done"
DEAD = "dead"  # the dead-letter list: could not be sent, or may have arrived
UNREACHED = "unreached"  # WeChat refused for the 48-hour window and no fallback exists
HELD = "held"  # a reply refused for the window or a quota, kept in `held_replies` instead
STATES = (QUEUED, CLAIMED, SENDING, DONE, DEAD, UNREACHED, HELD)
#: States in which a job still holds its recipient's later jobs back.
UNFINISHED = (QUEUED, CLAIMED, SENDING)
FINISHED = (DONE, DEAD, UNREACHED, HELD)
#: How long a claim or a send holds a job before its worker is taken for dead.
LEASE = timedelta(seconds=60)
_CHUNK = 500  # rows per INSERT when many jobs are added at once


@dataclass(frozen=True, slots=True)
class NewJob:
    """A job to add: its handler `kind`, JSON `payload`, an optional `dedup_key`, the account
    it goes out from, and the `recipient` whose jobs keep their order (None: any order)."""

    kind: str
    payload: Mapping[str, Any]
    dedup_key: str | None = None
    account: str = ""
    recipient: str | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed job as a worker sees it."""

    id: int
    kind: str
    account: str
    payload: dict[str, Any]
    attempts: int


async def add(
    session: AsyncSession, jobs: Iterable[NewJob], *, run_after: datetime | None = None
) -> int:
    """Queue `jobs` in the caller's transaction; a job whose `dedup_key` is already in the
    table is left out. How many statements' rows were offered (not a count of new ones)."""
    now = utcnow()
    rows = [
        {
            "kind": job.kind,
            "account": job.account,
            "dedup_key": job.dedup_key,
            "recipient": job.recipient,
            "payload": dict(job.payload),
            "state": QUEUED,
            "run_after": run_after or now,
            "attempts": 0,
            "worker": "",
            "last_error": "",
            "created_at": now,
        }
        for job in jobs
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    for start in range(0, len(rows), _CHUNK):
        statement = insert(OutboundJob).on_conflict_do_nothing(index_elements=["dedup_key"])
        await session.execute(statement, rows[start : start + _CHUNK])
    return len(rows)


class JobQueue:
    """Claiming and settling jobs; every method commits its own short transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        lease: timedelta = LEASE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.lease = lease
        self.clock = clock

    async def add(self, jobs: Iterable[NewJob], *, run_after: datetime | None = None) -> None:
        """Queue `jobs` in a transaction of their own."""
        async with self.sessions() as session:
            await add(session, jobs, run_after=run_after)
            await session.commit()

    async def claim(
        self,
        worker: str,
        limit: int,
        *,
        kinds: Sequence[str] | None = None,
        paused: Sequence[str] = (),
    ) -> list[Job]:
        """Up to `limit` due jobs, oldest first, held for `worker` for one lease; none of the
        `paused` accounts, and of each recipient only its oldest unfinished job."""
        now = self.clock()
        older = aliased(OutboundJob)
        first_of_recipient = OutboundJob.recipient.is_(None) | ~exists(
            select(older.id).where(
                older.recipient == OutboundJob.recipient,
                older.id < OutboundJob.id,
                older.state.in_(UNFINISHED),
            )
        )
        pick: Select[int] = (
            select(OutboundJob.id)
            .where(OutboundJob.state == QUEUED, OutboundJob.run_after <= now, first_of_recipient)
            .order_by(OutboundJob.run_after, OutboundJob.id)
            .limit(limit)
            # PostgreSQL; SQLite has one writer anyway. A recipient's older job locked by
            # another worker's claim is still unfinished (and seen so): its later ones wait.
            .with_for_update(skip_locked=True, of=OutboundJob)
        )
        if kinds is not None:
            pick = pick.where(OutboundJob.kind.in_(kinds))
        if paused:
            pick = pick.where(OutboundJob.account.not_in(list(paused)))
        async with self.sessions() as session:
            ids = list(await session.scalars(pick))
            if not ids:
                await session.rollback()
                return []
            result = await session.execute(
                update(OutboundJob)
                .where(OutboundJob.id.in_(ids), OutboundJob.state == QUEUED)
                .values(state=CLAIMED, worker=worker, lease_until=now + self.lease)
                .returning(
                    OutboundJob.id,
                    OutboundJob.kind,
                    OutboundJob.account,
                    OutboundJob.payload,
                    OutboundJob.attempts,
                )
                .execution_options(synchronize_session=False)
            )
            jobs = [Job(row[0], row[1], row[2], dict(row[3]), row[4]) for row in result.all()]
            await session.commit()
        jobs.sort(key=lambda job: job.id)
        return jobs

    async def begin(self, jobs: Sequence[Job], worker: str) -> list[Job]:
        """Mark claimed jobs as being sent, in one committed UPDATE before their requests
        leave; those whose claim was lost (the lease ran out, another worker took them) are
        left out of the answer."""
        if not jobs:
            return []
        now = self.clock()
        async with self.sessions() as session:
            result = await session.execute(
                update(OutboundJob)
                .where(
                    OutboundJob.id.in_([job.id for job in jobs]),
                    OutboundJob.state == CLAIMED,
                    OutboundJob.worker == worker,
                )
                .values(
                    state=SENDING,
                    attempts=OutboundJob.attempts + 1,
                    lease_until=now + self.lease,
                )
                .returning(OutboundJob.id)
                .execution_options(synchronize_session=False)
            )
            begun = {row[0] for row in result.all()}
            await session.commit()
        return [job for job in jobs if job.id in begun]

    async def _settle(self, job_id: int, **values: Any) -> None:
        async with self.sessions() as session:
            await session.execute(
                update(OutboundJob)
                .where(OutboundJob.id == job_id)
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def done(self, jobs: Sequence[Job]) -> None:
        """The jobs were sent."""
        if not jobs:
            return
        async with self.sessions() as session:
            await session.execute(
                update(OutboundJob)
                .where(OutboundJob.id.in_([job.id for job in jobs]))
                .values(state=DONE, finished_at=self.clock(), lease_until=None)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def retry(self, job: Job, at: datetime, error: str) -> None:
        """The send surely failed: queue the job again for `at`."""
        await self._settle(
            job.id, state=QUEUED, run_after=at, worker="", lease_until=None, last_error=error
        )

    async def dead(self, job: Job, reason: str, *, state: str = DEAD) -> None:
        """Give the job up (`dead`: the dead-letter list; `unreached`: nobody to send it to)."""
        await self._settle(
            job.id, state=state, finished_at=self.clock(), lease_until=None, last_error=reason
        )

    async def release(self, jobs: Iterable[Job], worker: str) -> None:
        """Give back claimed jobs not begun (a worker stopping)."""
        ids = [job.id for job in jobs]
        if not ids:
            return
        async with self.sessions() as session:
            await session.execute(
                update(OutboundJob)
                .where(
                    OutboundJob.id.in_(ids),
                    OutboundJob.state == CLAIMED,
                    OutboundJob.worker == worker,
                )
                .values(state=QUEUED, worker="", lease_until=None)
                .execution_options(synchronize_session=False)
            )
            await session.commit()

    async def recover(self) -> tuple[int, int]:
        """Jobs of workers taken for dead (lease over): claimed ones are queued again, ones
        being sent go to the dead-letter list as ambiguous. (requeued, given up)."""
        now = self.clock()
        async with self.sessions() as session:
            requeued = await session.execute(
                update(OutboundJob)
                .where(OutboundJob.state == CLAIMED, OutboundJob.lease_until < now)
                .values(state=QUEUED, worker="", lease_until=None)
                .execution_options(synchronize_session=False)
            )
            given_up = await session.execute(
                update(OutboundJob)
                .where(OutboundJob.state == SENDING, OutboundJob.lease_until < now)
                .values(
                    state=DEAD,
                    finished_at=now,
                    lease_until=None,
                    last_error="ambiguous: its worker stopped while sending (may have arrived)",
                )
                .execution_options(synchronize_session=False)
            )
            await session.commit()
        return (
            int(getattr(requeued, "rowcount", 0) or 0),
            int(getattr(given_up, "rowcount", 0) or 0),
        )

    async def counts(self) -> dict[str, int]:
        """Jobs per state (every state present, 0 when none)."""
        async with self.sessions() as session:
            rows = await session.execute(
                select(OutboundJob.state, func.count()).group_by(OutboundJob.state)
            )
            found = {state: int(count) for state, count in rows.all()}
        return {state: found.get(state, 0) for state in STATES}

    async def dead_letters(self, limit: int = 50) -> list[OutboundJob]:
        """The newest given-up jobs, for staff."""
        async with self.sessions() as session:
            rows = await session.scalars(
                select(OutboundJob)
                .where(OutboundJob.state.in_((DEAD, UNREACHED)))
                .order_by(OutboundJob.id.desc())
                .limit(limit)
            )
            return list(rows)

    async def purge(self, before: datetime) -> int:
        """Delete finished jobs (done, dead, unreached, held) older than `before`; how many."""
        async with self.sessions() as session:
            result = await session.execute(
                delete(OutboundJob).where(
                    OutboundJob.state.in_(FINISHED),
                    OutboundJob.finished_at < before,
                )
            )
            await session.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    def due_in(self, seconds: float) -> datetime:
        """The time `seconds` from now on the queue's clock."""
        return self.clock() + timedelta(seconds=seconds)
