"""Keeping the audit log honest from outside the database: verifying against the last signed
checkpoint, taking checkpoints (file + the administrators' WeCom), the server's daily
checkpoint loop, and the start-time check that the database role cannot rewrite audit rows."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.errors import WeChatApiError
from catalogue import audit, audit_checkpoints
from catalogue import staff as registry
from catalogue.models import Role, utcnow
from handlers.jobs.periodic import Periodic
from handlers.settings import Settings

log = logging.getLogger("handlers.jobs.audit_trail")

#: Sends one WeCom text to a member (`WeComClient.send_text`).
SendText = Callable[[str, str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class TrailCheck:
    """The chain verified against the last checkpoint, and what is wrong with the file."""

    result: audit.Verification
    checkpoint: audit_checkpoints.Checkpoint | None
    bad_lines: tuple[int, ...]

    @property
    def intact(self) -> bool:
        """Chain and checkpoint file both in order."""
        return self.result.intact and not self.bad_lines

    def report(self) -> str:
        """Lines for the administrator (English, like the other CLI reports)."""
        lines = []
        if self.result.intact:
            lines.append(
                f"audit chain intact: {self.result.checked} entries, head {self.result.head_seq}"
            )
        else:
            assert self.result.finding is not None
            lines.append(f"audit chain BROKEN — {self.result.finding}")
        if self.checkpoint is None:
            lines.append(
                "WARNING: no checkpoint yet: an emptied or shortened chain cannot be detected "
                "(run `zwbot audit checkpoint`)"
            )
        else:
            lines.append(
                f"checked against the checkpoint of {self.checkpoint.at:%Y-%m-%d %H:%M} UTC "
                f"(head {self.checkpoint.head.seq})"
            )
        if self.bad_lines:
            numbers = ", ".join(str(n) for n in self.bad_lines[:10])
            lines.append(
                f"checkpoint file ALTERED: line(s) {numbers} are not checkpoints signed with the "
                "audit key, or go back in the chain"
            )
        return "\n".join(lines)


async def check(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> TrailCheck:
    """Verify the chain against the last checkpoint of the configured file."""
    found = audit_checkpoints.read(settings.checkpoint_path, settings.audit_key_bytes())
    mark = found.last.head if found.last is not None else None
    async with sessions() as session:
        result = await audit.verify(session, mark)
    return TrailCheck(result, found.last, found.bad_lines)


async def administrators(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    """WeCom UserIDs of the active administrators."""
    async with sessions() as session:
        members = await registry.list_staff(session, include_inactive=False)
    return [m.wecom_user_id for m in members if m.role == Role.ADMIN.value]


async def _tell(
    sessions: async_sessionmaker[AsyncSession], send: SendText | None, message: str
) -> list[str]:
    """Send `message` to every administrator; the ones who could not be reached."""
    if send is None:
        return []
    failed = []
    for user_id in await administrators(sessions):
        try:
            await send(user_id, message)
        except WeChatApiError as error:
            log.warning("audit checkpoint to %s not sent: %s", user_id, error)
            failed.append(user_id)
    return failed


@dataclass(frozen=True, slots=True)
class CheckpointResult:
    """A checkpoint taken (its line), or refused because the chain is broken (the check)."""

    line: str | None
    check: TrailCheck
    unreached: list[str]


async def take_checkpoint(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, send: SendText | None
) -> CheckpointResult:
    """Verify, then append a signed checkpoint line and send it to the administrators.

    A broken chain is never checkpointed (that would bless the damage): the administrators
    get an alarm instead."""
    trail = await check(sessions, settings)
    if not trail.intact:
        unreached = await _tell(
            sessions, send, "【审计日志告警】审计日志校验未通过，未生成检查点：\n" + trail.report()
        )
        return CheckpointResult(None, trail, unreached)
    async with sessions() as session:
        head = await audit.head_state(session)
    line = audit_checkpoints.signed_line(
        audit_checkpoints.Checkpoint(utcnow(), head), settings.audit_key_bytes()
    )
    audit_checkpoints.append(settings.checkpoint_path, line)
    unreached = await _tell(
        sessions, send, f"【审计日志检查点】共 {head.seq} 条，请留存本消息以备核对：\n{line}"
    )
    return CheckpointResult(line, trail, unreached)


class AuditCheckpointer(Periodic):
    """The server's checkpoint loop: one checkpoint whenever the last one is older than
    `ZWBOT_AUDIT_CHECKPOINT_HOURS`; workers share the decision through a lock on the file."""

    interval = 600.0
    # The first look waits past the start (and its burst of work), then every `interval`.
    first_delay = 60.0

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        send: SendText | None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.send = send

    def _due(self) -> bool:
        found = audit_checkpoints.read(
            self.settings.checkpoint_path, self.settings.audit_key_bytes()
        )
        if found.last is None:
            return True
        age = utcnow() - found.last.at
        return age >= timedelta(hours=self.settings.audit_checkpoint_hours)

    async def run(self) -> None:
        """Wait `first_delay`, then tick every `interval` until cancelled."""
        await asyncio.sleep(self.first_delay)
        await super().run()

    async def tick(self) -> None:
        path = self.settings.checkpoint_path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = os.open(f"{path}.lock", os.O_WRONLY | os.O_CREAT, 0o600)
        except OSError as error:
            log.error("audit checkpoint lock %s: %s", path, error)
            return
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another worker is taking it
            if self._due():
                result = await self.take()
                if result.line is None:
                    log.error("audit chain broken, no checkpoint: %s", result.check.report())
        except Exception:
            log.exception("audit checkpoint failed")
        finally:
            os.close(lock)

    async def take(self) -> CheckpointResult:
        """One checkpoint now."""
        return await take_checkpoint(self.sessions, self.settings, self.send)


# --- what the database role may do to the audit tables -------------------------------------

_FORBIDDEN_TABLE = (
    ("audit_entries", "UPDATE"),
    ("audit_entries", "DELETE"),
    ("audit_entries", "TRUNCATE"),
    ("audit_heads", "DELETE"),
    ("audit_heads", "TRUNCATE"),
)
# The head row is the chain's lock: its sequence number and last hash advance with each entry.
_FORBIDDEN_HEAD_COLUMNS = ("purged_through", "anchor_hash", "keyed_from", "id")


async def audit_grant_problems(engine: AsyncEngine) -> list[str]:
    """What the connected PostgreSQL role may do to the audit tables beyond appending
    (empty on SQLite, which has no roles)."""
    if engine.dialect.name != "postgresql":
        return []
    problems: list[str] = []
    async with engine.connect() as connection:
        role = await connection.scalar(text("SELECT current_user"))
        for table, privilege in _FORBIDDEN_TABLE:
            allowed = await connection.scalar(
                text("SELECT has_table_privilege(current_user, :table, :privilege)"),
                {"table": table, "privilege": privilege},
            )
            if allowed:
                problems.append(f"{privilege} on {table}")
        for column in _FORBIDDEN_HEAD_COLUMNS:
            allowed = await connection.scalar(
                text("SELECT has_column_privilege(current_user, 'audit_heads', :column, 'UPDATE')"),
                {"column": column},
            )
            if allowed:
                problems.append(f"UPDATE of audit_heads.{column}")
        owns = await connection.scalar(
            text(
                "SELECT bool_or(pg_has_role(current_user, c.relowner, 'USAGE')) FROM pg_class c "
                "WHERE c.relname IN ('audit_entries', 'audit_heads') AND c.relkind = 'r'"
            )
        )
        if owns:
            problems.append("owns the audit tables (an owner may always rewrite them)")
    return [f"role {role}: {problem}" for problem in problems]


class AuditGrantsError(RuntimeError):
    """Production refuses to serve with a database role that may rewrite the audit log."""


async def enforce_audit_grants(engine: AsyncEngine, settings: Settings) -> list[str]:
    """In production: refuse (or, with `ZWBOT_AUDIT_GRANTS=warn`, log loudly) when the role
    may change or delete audit rows. Returns the problems found."""
    if settings.environment != "production":
        return []
    problems = await audit_grant_problems(engine)
    if not problems:
        return []
    message = (
        "the database role may rewrite the audit log ("
        + "; ".join(problems)
        + "): grant it only INSERT on the audit tables (docs/operations.md)"
    )
    if settings.audit_grants == "refuse":
        raise AuditGrantsError(message)
    log.error("SECURITY WARNING: %s", message)
    return problems
