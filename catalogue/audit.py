"""The keyed, hash-chained, append-only audit log: append, verify, export and purge (等保三级).

Each entry's hash is an HMAC-SHA256 under a key that is not in the database (the sessions
carry it, see `catalogue.db.session_factory`), over the previous hash and every field: someone
who can write the tables but does not hold the key cannot edit an entry and recompute the
chain. Entries written before the chain was keyed (`AuditHead.keyed_from`) keep their plain
SHA-256. Cutting the chain's end or emptying the tables is caught against the signed
checkpoints kept outside the database (`catalogue.audit_checkpoints`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.db import AUDIT_KEY
from catalogue.models import AuditEntry, AuditHead, utcnow

GENESIS = "0" * 64
# Sessions made without a key (tests, development tools) sign with this one; production
# settings refuse to start without a real key, and always hand it to the sessions.
DEVELOPMENT_KEY = b"development-only-audit-key"
HEAD_ID = 1
# 等级保护三级: audit records are kept at least six months.
RETENTION = timedelta(days=180)
PURGE_ACTION = "audit.purge"
_BATCH = 1000


class PurgeRefusedError(ValueError):
    """A purge would remove entries younger than the retention period."""


@dataclass(frozen=True, slots=True)
class Record:
    """What happened: who (and in which role), which command on which target, and the result."""

    actor: str
    action: str
    role: str = ""
    target: str = ""
    command: str = ""
    before: Mapping[str, Any] = field(default_factory=dict)
    after: Mapping[str, Any] = field(default_factory=dict)
    result: str = ""


def _plain(value: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-native copy (dates, decimals become strings), as it will be read back."""
    plain: dict[str, Any] = json.loads(json.dumps(dict(value), ensure_ascii=False, default=str))
    return plain


def _moment(at: datetime) -> str:
    # SQLite gives naive datetimes back, PostgreSQL aware ones: hash the UTC wall time.
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def session_key(session: AsyncSession) -> bytes:
    """The audit key the session was made with (the development key when none was given)."""
    key = session.info.get(AUDIT_KEY)
    return key if isinstance(key, bytes) and key else DEVELOPMENT_KEY


def _canonical(entry: AuditEntry) -> bytes:
    body = {
        "seq": entry.seq,
        "at": _moment(entry.at),
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "target": entry.target,
        "command": entry.command,
        "before": entry.before,
        "after": entry.after,
        "result": entry.result,
        "prev": entry.prev_hash,
    }
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return canonical.encode("utf-8")


def compute_hash(entry: AuditEntry, key: bytes | None) -> str:
    """HMAC-SHA256 under `key` over the previous hash and every field, in a canonical form;
    plain SHA-256 when `key` is None (entries written before the chain was keyed)."""
    if key is None:
        return hashlib.sha256(_canonical(entry)).hexdigest()
    return hmac.new(key, _canonical(entry), hashlib.sha256).hexdigest()


def _insert_head(session: AsyncSession) -> Any:
    values = {
        "id": HEAD_ID,
        "seq": 0,
        "last_hash": GENESIS,
        "purged_through": 0,
        "anchor_hash": GENESIS,
        "keyed_from": 1,
    }
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(AuditHead).values(values).on_conflict_do_nothing()
    return sqlite.insert(AuditHead).values(values).on_conflict_do_nothing()


async def _advance_head(session: AsyncSession) -> tuple[int, str]:
    """Take the chain lock (the head row's write lock) and reserve the next sequence number.

    The UPDATE is the serialization point on both databases: PostgreSQL holds the row lock and
    SQLite the database write lock until the caller's transaction ends, so concurrent appends
    queue up and each sees the hash its predecessor committed.
    """
    statement = (
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq + 1)
        .returning(AuditHead.seq, AuditHead.last_hash)
        .execution_options(synchronize_session=False)
    )
    row = (await session.execute(statement)).one_or_none()
    if row is None:
        await session.execute(_insert_head(session))
        row = (await session.execute(statement)).one()
    return int(row[0]), str(row[1])


async def append(session: AsyncSession, record: Record) -> AuditEntry:
    """Append one entry inside the caller's transaction (the caller commits)."""
    seq, prev_hash = await _advance_head(session)
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor=record.actor[:64],
        role=record.role[:20],
        action=record.action[:40],
        target=record.target[:64],
        command=record.command,
        before=_plain(record.before),
        after=_plain(record.after),
        result=record.result[:200],
        prev_hash=prev_hash,
    )
    entry.entry_hash = compute_hash(entry, session_key(session))
    session.add(entry)
    await session.flush()
    await session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(last_hash=entry.entry_hash)
        .execution_options(synchronize_session=False)
    )
    return entry


@dataclass(frozen=True, slots=True)
class Finding:
    """The first place where the chain is broken."""

    seq: int
    kind: str  # rewritten | removed | inserted | truncated | tail-deleted
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: entry {self.seq}: {self.detail}"


@dataclass(frozen=True, slots=True)
class Verification:
    """How many entries were checked and the first finding, if any."""

    checked: int
    head_seq: int
    finding: Finding | None

    @property
    def intact(self) -> bool:
        """Whether the whole chain verified."""
        return self.finding is None


async def _entries(session: AsyncSession, after_seq: int = -1) -> AsyncIterator[AuditEntry]:
    last = after_seq
    while True:
        batch = (
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > last)
                .order_by(AuditEntry.seq)
                .limit(_BATCH)
            )
        ).all()
        for entry in batch:
            yield entry
        if len(batch) < _BATCH:
            return
        last = batch[-1].seq
        session.expunge_all()


async def _head(session: AsyncSession) -> AuditHead:
    head = await session.get(AuditHead, HEAD_ID, populate_existing=True)
    return head or AuditHead(
        id=HEAD_ID, seq=0, last_hash=GENESIS, purged_through=0, anchor_hash=GENESIS, keyed_from=1
    )


@dataclass(frozen=True, slots=True)
class HeadState:
    """What a checkpoint records of the chain: its head and where it was cut and keyed."""

    seq: int
    last_hash: str
    purged_through: int
    anchor_hash: str
    keyed_from: int


async def head_state(session: AsyncSession) -> HeadState:
    """The chain head as stored (read before a checkpoint is signed)."""
    head = await _head(session)
    return HeadState(
        head.seq, head.last_hash, head.purged_through, head.anchor_hash, head.keyed_from
    )


async def _against_checkpoint(
    session: AsyncSession, head: AuditHead, mark: HeadState
) -> Finding | None:
    """What the database lost or rewrote since the checkpoint `mark` was taken."""
    entries = await session.scalar(select(func.count()).select_from(AuditEntry))
    if mark.seq and head.seq == 0 and not entries:
        return Finding(
            mark.seq,
            "truncated",
            f"the audit tables are empty but the checkpoint records {mark.seq} entries",
        )
    if head.seq < mark.seq:
        return Finding(
            head.seq + 1,
            "tail-deleted",
            f"the chain head moved back from {mark.seq} (checkpoint) to {head.seq}: "
            f"entries {head.seq + 1}–{mark.seq} were deleted",
        )
    if head.keyed_from != mark.keyed_from or head.purged_through < mark.purged_through:
        return Finding(mark.seq, "rewritten", "the chain's start differs from the checkpoint's")
    if mark.seq > head.purged_through:
        at_mark = await session.get(AuditEntry, mark.seq)
        if at_mark is None:
            return Finding(mark.seq, "removed", "the checkpointed entry is missing")
        if at_mark.entry_hash != mark.last_hash:
            return Finding(
                mark.seq,
                "rewritten",
                "the chain up to the checkpoint was rewritten (its hash is not the checkpoint's)",
            )
    elif mark.seq == head.purged_through and mark.seq and head.anchor_hash != mark.last_hash:
        return Finding(mark.seq, "rewritten", "the purge anchor is not the checkpointed hash")
    return None


async def verify(session: AsyncSession, checkpoint: HeadState | None = None) -> Verification:
    """Walk the chain from its start (or the last purge) and report the first broken entry;
    with the last `checkpoint`, also what was cut from its end or emptied since."""
    head = await _head(session)
    key = session_key(session)
    if checkpoint is not None:
        problem = await _against_checkpoint(session, head, checkpoint)
        if problem is not None:
            return Verification(0, head.seq, problem)
    expected_seq = head.purged_through + 1
    expected_prev = head.anchor_hash if head.purged_through else GENESIS
    checked = 0
    last_purge: int | None = None

    def found(seq: int, kind: str, detail: str) -> Verification:
        return Verification(checked, head.seq, Finding(seq, kind, detail))

    async for entry in _entries(session):
        if entry.seq <= head.purged_through:
            return found(entry.seq, "inserted", "entry lies in the purged part of the chain")
        if entry.seq > head.seq:
            return found(entry.seq, "inserted", f"entry lies beyond the chain head {head.seq}")
        if entry.seq != expected_seq:
            return found(expected_seq, "removed", f"next entry present is {entry.seq}")
        if compute_hash(entry, key if entry.seq >= head.keyed_from else None) != entry.entry_hash:
            return found(
                entry.seq,
                "rewritten",
                "content does not match its authentication code (edited or re-hashed without "
                "the audit key)",
            )
        if entry.prev_hash != expected_prev and checked == 0 and head.purged_through:
            return found(
                head.purged_through, "removed", "purge anchor does not match: entries deleted"
            )
        if entry.prev_hash != expected_prev:
            return found(
                entry.seq,
                "inserted",
                "entry does not follow its predecessor (it or the one before was replaced)",
            )
        if entry.action == PURGE_ACTION:
            last_purge = int(entry.after.get("purged_through", 0))
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    if expected_seq <= head.seq:
        return found(expected_seq, "removed", f"chain ends before its head {head.seq}")
    if head.seq and expected_prev != head.last_hash:
        return found(head.seq, "rewritten", "last entry does not match the chain head")
    if head.purged_through and last_purge != head.purged_through:
        return found(head.purged_through, "removed", "entries are missing without a recorded purge")
    return Verification(checked, head.seq, None)


def as_dict(entry: AuditEntry) -> dict[str, Any]:
    """One entry as JSON-ready data (hashes included so an export can be checked alone)."""
    return {
        "seq": entry.seq,
        "at": _moment(entry.at) + "Z",
        "actor": entry.actor,
        "role": entry.role,
        "action": entry.action,
        "target": entry.target,
        "command": entry.command,
        "before": entry.before,
        "after": entry.after,
        "result": entry.result,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }


def _start_of(day: date | datetime) -> datetime:
    if isinstance(day, datetime):
        return day if day.tzinfo else day.replace(tzinfo=UTC)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


async def export(session: AsyncSession, since: date | datetime) -> AsyncIterator[dict[str, Any]]:
    """Entries at or after `since` (a UTC date or time), oldest first."""
    first = await session.scalar(
        select(func.min(AuditEntry.seq)).where(AuditEntry.at >= _start_of(since))
    )
    if first is None:
        return
    async for entry in _entries(session, after_seq=first - 1):
        yield as_dict(entry)


async def purge(
    session: AsyncSession, before: date | datetime, *, actor: str, now: datetime | None = None
) -> int:
    """Delete the entries older than `before`; refuses a cut-off within the retention period.

    The purge keeps the chain verifiable: the head remembers the last purged hash, and the
    purge itself is appended as an entry. The caller commits.
    """
    now = now or utcnow()
    cutoff = _start_of(before)
    if cutoff > now - RETENTION:
        raise PurgeRefusedError(
            f"audit entries are kept {RETENTION.days} days: the cut-off must be on or before "
            f"{(now - RETENTION).date().isoformat()}"
        )
    await _advance_head(session)  # lock the chain first, then undo the reserved number below
    await session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(seq=AuditHead.seq - 1)
        .execution_options(synchronize_session=False)
    )
    head = await _head(session)
    younger = await session.scalar(select(func.min(AuditEntry.seq)).where(AuditEntry.at >= cutoff))
    through = (younger - 1) if younger is not None else head.seq
    if through <= head.purged_through:
        return 0
    anchor = await session.get(AuditEntry, through)
    if anchor is None:
        raise PurgeRefusedError(f"entry {through} is missing: verify the chain before purging")
    anchor_hash = anchor.entry_hash
    result = await session.execute(
        delete(AuditEntry)
        .where(AuditEntry.seq <= through)
        .execution_options(synchronize_session=False)
    )
    removed = int(getattr(result, "rowcount", 0) or 0)
    await session.execute(
        update(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .values(purged_through=through, anchor_hash=anchor_hash)
        .execution_options(synchronize_session=False)
    )
    session.expunge_all()
    await append(
        session,
        Record(
            actor=actor,
            action=PURGE_ACTION,
            command=f"purge before {cutoff.date().isoformat()}",
            after={"purged_through": through, "anchor_hash": anchor_hash, "removed": removed},
            result="ok",
        ),
    )
    return removed
