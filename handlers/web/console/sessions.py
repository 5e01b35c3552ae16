"""Console sessions: created when WeCom says who is signing in, promoted by the TOTP code,
ended by sign-out or after `ZWBOT_CONSOLE_IDLE_MINUTES` without a request."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import ConsoleSession, StaffMember, utcnow
from catalogue.staff import is_locked

COOKIE = "__Host-zwbot-console"  # __Host-: Secure, Path=/, no Domain (RFC 6265bis)
STATE_COOKIE = "__Host-zwbot-oauth"
LOGIN_COOKIE = "__Host-zwbot-login"  # the desktop sign-in form's double-submit token
PENDING = "totp"
SIGNED_IN = "ok"
# Longest a session lives however busy it is; the idle limit ends most of them earlier.
MAX_AGE = timedelta(hours=12)
# How long the second factor may wait after WeCom identified the member.
PENDING_AGE = timedelta(minutes=5)


def digest(token: str) -> str:
    """What the table keeps of a cookie's token."""
    return hashlib.sha256(token.encode()).hexdigest()


def same(given: str, expected: str) -> bool:
    """A constant-time comparison of two tokens (CSRF, OAuth state)."""
    return bool(given) and hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True, slots=True)
class Found:
    """A live session and its account, or why there is none."""

    row: ConsoleSession | None
    staff: StaffMember | None
    ended: str = ""  # "idle", "expired", "account": the session was just ended for this


async def start(session: AsyncSession, staff: StaffMember, *, second_factor: bool) -> str:
    """A new session for `staff`; the cookie's token (the caller commits)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    await purge_stale(session, now - MAX_AGE)
    session.add(
        ConsoleSession(
            token_hash=digest(token),
            staff_id=staff.id,
            stage=PENDING if second_factor else SIGNED_IN,
            csrf_token=secrets.token_urlsafe(24),
            created_at=now,
            last_seen=now,
        )
    )
    await session.flush()
    return token


async def promote(session: AsyncSession, row: ConsoleSession) -> str:
    """The second factor passed: a fresh token and CSRF token (no fixation), signed in."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    fresh = ConsoleSession(
        token_hash=digest(token),
        staff_id=row.staff_id,
        stage=SIGNED_IN,
        csrf_token=secrets.token_urlsafe(24),
        created_at=now,
        last_seen=now,
    )
    await session.delete(row)
    session.add(fresh)
    await session.flush()
    return token


def _ended(row: ConsoleSession, staff: StaffMember | None, now: datetime, idle: timedelta) -> str:
    if staff is None or not staff.active or is_locked(staff):
        return "account"
    if row.stage == PENDING and now - row.created_at > PENDING_AGE:
        return "expired"
    if now - row.created_at > MAX_AGE:
        return "expired"
    if now - row.last_seen > idle:
        return "idle"
    return ""


async def find(
    session: AsyncSession, token: str | None, idle: timedelta, *, touch: bool = True
) -> Found:
    """The session of a cookie's token; an idle or expired one, or one whose account was
    disabled or locked, is deleted on the spot. A live one counts this request as activity."""
    if not token or len(token) > 100:
        return Found(None, None)
    row = await session.get(ConsoleSession, digest(token))
    if row is None:
        return Found(None, None)
    staff = await session.get(StaffMember, row.staff_id)
    now = utcnow()
    why = _ended(row, staff, now, idle)
    if why:
        await session.delete(row)
        await session.flush()
        return Found(None, staff, why)
    if touch:
        row.last_seen = now
        await session.flush()
    return Found(row, staff)


async def end(session: AsyncSession, token: str | None) -> None:
    """Sign-out: the session is gone."""
    if token:
        await session.execute(
            delete(ConsoleSession).where(ConsoleSession.token_hash == digest(token))
        )


async def purge_stale(session: AsyncSession, before: datetime) -> int:
    """Forget sessions idle since before `before`."""
    result = await session.execute(
        delete(ConsoleSession)
        .where(ConsoleSession.last_seen < before)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
