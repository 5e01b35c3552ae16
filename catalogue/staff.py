"""The staff registry: accounts, roles, WeCom/openid binding, TOTP second factor and lockout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pyotp
from sqlalchemy import case, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import Department, Role, StaffMember, utcnow
from catalogue.models.base import UTCDateTime

ISSUER = "天祝政务服务网"
# Every role that approves, decides or publishes (a clerk publishes their department's approved
# changes) confirms those steps, and destructive or bulk commands, with a TOTP code (等保三级:
# two factors). Only the read-only auditor has none.
SECOND_FACTOR_ROLES = frozenset(set(Role) - {Role.AUDITOR})
MAX_BAD_CODES = 5
LOCKOUT = timedelta(minutes=15)

ROLE_LABELS = {
    Role.CLERK: "部门经办人",
    Role.REVIEW_OFFICE: "县审改办",
    Role.LEGAL_OFFICE: "县政府法制办",
    Role.FINANCE: "县财政局",
    Role.POVERTY_OFFICE: "县扶贫办",
    Role.APPROVER: "县政府审定人",
    Role.ADMIN: "管理员",
    Role.AUDITOR: "审计员（只读）",
}


class StaffError(ValueError):
    """A registry operation cannot be done; the message says why (in Chinese, for staff)."""


class UnknownStaffError(StaffError):
    """No such staff account."""


class SecondFactorError(StaffError):
    """A TOTP code was not accepted; each subclass carries why as fields (the channels word
    it)."""


class NotEnrolledError(SecondFactorError):
    """The account has no TOTP secret yet: an administrator enrols it."""

    def __init__(self, staff_id: int) -> None:
        super().__init__(f"staff account {staff_id} has no TOTP secret")
        self.staff_id = staff_id


class AccountLockedError(SecondFactorError):
    """Too many bad TOTP codes: the account is locked until `until` (an aware moment)."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"locked until {until.isoformat()}")
        self.until = until


class BadCodeError(SecondFactorError):
    """A wrong or missing TOTP code (counted towards the lockout); `remaining` tries left."""

    def __init__(self, remaining: int) -> None:
        super().__init__(f"wrong code, {remaining} tries left")
        self.remaining = remaining


class ReusedCodeError(SecondFactorError):
    """A correct code that was already accepted once (not counted as a failure)."""

    def __init__(self) -> None:
        super().__init__("code already used")


def parse_role(text: str) -> Role:
    """A role from its identifier (`clerk`) or Chinese label (`县审改办`)."""
    value = text.strip()
    for role in Role:
        if value in (role.value, role.name.lower(), ROLE_LABELS[role]):
            return role
    names = ", ".join(role.value for role in Role)
    raise StaffError(f"unknown role {text!r}; one of: {names}")


def needs_second_factor(role: str) -> bool:
    """Whether the role confirms destructive or bulk commands with a TOTP code."""
    return role in {r.value for r in SECOND_FACTOR_ROLES}


@dataclass(frozen=True, slots=True)
class NewAccount:
    """A created account and, for second-factor roles, the TOTP enrolment URI (shown once)."""

    staff: StaffMember
    totp_uri: str | None


async def find_department(session: AsyncSession, name_or_id: str) -> Department:
    """A department by id, full name or short name."""
    clause = or_(Department.name == name_or_id, Department.short_name == name_or_id)
    if name_or_id.isdigit():
        clause = or_(clause, Department.id == int(name_or_id))
    department = (await session.scalars(select(Department).where(clause).limit(1))).first()
    if department is None:
        raise StaffError(f"no department {name_or_id!r}")
    return department


async def add_staff(
    session: AsyncSession,
    *,
    wecom_user_id: str,
    name: str,
    role: Role,
    department: Department | None = None,
) -> NewAccount:
    """Register a staff member; clerks must belong to a department. The caller commits."""
    if role is Role.CLERK and department is None:
        raise StaffError("a clerk account needs a department")
    existing = await session.scalar(
        select(StaffMember).where(StaffMember.wecom_user_id == wecom_user_id)
    )
    if existing is not None:
        raise StaffError(f"WeCom user {wecom_user_id!r} is already registered")
    secret = pyotp.random_base32() if role in SECOND_FACTOR_ROLES else None
    staff = StaffMember(
        wecom_user_id=wecom_user_id,
        name=name,
        role=role.value,
        department_id=department.id if department else None,
        department=department,
        totp_secret=secret,
        active=True,
        failed_totp=0,
    )
    session.add(staff)
    await session.flush()
    uri = (
        pyotp.TOTP(secret).provisioning_uri(name=wecom_user_id, issuer_name=ISSUER)
        if secret
        else None
    )
    return NewAccount(staff, uri)


async def get_staff(session: AsyncSession, wecom_user_id: str) -> StaffMember:
    """A staff account by WeCom UserID (active or not)."""
    staff = await session.scalar(
        select(StaffMember).where(StaffMember.wecom_user_id == wecom_user_id)
    )
    if staff is None:
        raise UnknownStaffError(f"no staff member {wecom_user_id!r}")
    return staff


async def active_by_wecom(session: AsyncSession, wecom_user_id: str) -> StaffMember | None:
    """The active staff account of a WeCom UserID, if any."""
    return await session.scalar(
        select(StaffMember).where(
            StaffMember.wecom_user_id == wecom_user_id, StaffMember.active.is_(True)
        )
    )


async def active_by_openid_hash(session: AsyncSession, openid_hash: str) -> StaffMember | None:
    """The active staff account bound to an official-account openid (its keyed hash)."""
    return await session.scalar(
        select(StaffMember).where(
            StaffMember.openid_hash == openid_hash, StaffMember.active.is_(True)
        )
    )


async def list_staff(
    session: AsyncSession, *, include_inactive: bool = True
) -> Sequence[StaffMember]:
    """Every account, by role then UserID."""
    query = select(StaffMember).order_by(StaffMember.role, StaffMember.wecom_user_id)
    if not include_inactive:
        query = query.where(StaffMember.active.is_(True))
    return (await session.scalars(query)).all()


async def disable_staff(session: AsyncSession, wecom_user_id: str) -> StaffMember:
    """Disable an account (kept for the audit trail; never deleted)."""
    staff = await get_staff(session, wecom_user_id)
    staff.active = False
    await session.flush()
    return staff


async def bind_openid(session: AsyncSession, wecom_user_id: str, openid_hash: str) -> StaffMember:
    """Bind an official-account openid (keyed hash) so the staff router also answers there."""
    staff = await get_staff(session, wecom_user_id)
    other = await session.scalar(
        select(StaffMember).where(
            StaffMember.openid_hash == openid_hash, StaffMember.id != staff.id
        )
    )
    if other is not None:
        raise StaffError(f"that openid is already bound to {other.wecom_user_id!r}")
    staff.openid_hash = openid_hash
    await session.flush()
    return staff


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step (now ±1) whose code `code` is, or None."""
    totp = pyotp.TOTP(secret)
    step = int(now.timestamp()) // totp.interval
    cleaned = code.strip().replace(" ", "")
    if not (cleaned.isdigit() and len(cleaned) == totp.digits):
        return None
    for offset in (0, -1, 1):
        if totp.at(now, counter_offset=offset) == cleaned:
            return step + offset
    return None


def _unlocked(now: datetime) -> Any:
    return or_(StaffMember.locked_until.is_(None), StaffMember.locked_until <= now)


async def check_code(
    session: AsyncSession, staff_id: int, code: str, *, now: datetime | None = None
) -> None:
    """Check a TOTP code (±1 step) of an account; accept each code once; count failures and
    lock after MAX_BAD_CODES.

    Every decision is one conditional UPDATE on the account's row, so codes sent at once over
    several channels and workers are counted exactly (no read-modify-write): an acceptance
    needs a newer step than the last accepted one and an unlocked account; a failure adds one
    to the counter of an unlocked account and locks it when the counter reaches the limit.
    The caller commits even when this raises, so failures are kept.
    """
    now = now or utcnow()
    staff = await session.get(StaffMember, staff_id, populate_existing=True)
    if staff is None:
        raise UnknownStaffError(f"no staff account {staff_id}")
    if not staff.totp_secret:
        raise NotEnrolledError(staff_id)
    if is_locked(staff, now=now):
        assert staff.locked_until is not None
        raise AccountLockedError(_aware(staff.locked_until))
    step = _matching_step(staff.totp_secret, code, now)
    if step is not None:
        accepted = await session.scalar(
            update(StaffMember)
            .where(
                StaffMember.id == staff_id,
                _unlocked(now),
                or_(StaffMember.totp_last_step.is_(None), StaffMember.totp_last_step < step),
            )
            .values(failed_totp=0, locked_until=None, totp_last_step=step)
            .returning(StaffMember.id)
            .execution_options(synchronize_session=False)
        )
        if accepted is not None:
            return
        fresh = await session.get(StaffMember, staff_id, populate_existing=True)
        if fresh is not None and is_locked(fresh, now=now):
            assert fresh.locked_until is not None
            raise AccountLockedError(_aware(fresh.locked_until))
        raise ReusedCodeError()
    reaches = StaffMember.failed_totp + 1 >= MAX_BAD_CODES
    row = (
        await session.execute(
            update(StaffMember)
            .where(StaffMember.id == staff_id, _unlocked(now))
            .values(
                failed_totp=case((reaches, 0), else_=StaffMember.failed_totp + 1),
                locked_until=case(
                    (reaches, literal(now + LOCKOUT, UTCDateTime())),
                    else_=StaffMember.locked_until,
                ),
            )
            .returning(StaffMember.failed_totp, StaffMember.locked_until)
            .execution_options(synchronize_session=False)
        )
    ).one_or_none()
    if row is None or row.locked_until is not None:
        fresh = await session.get(StaffMember, staff_id, populate_existing=True)
        until = fresh.locked_until if fresh is not None else None
        raise AccountLockedError(_aware(until or now + LOCKOUT))
    raise BadCodeError(MAX_BAD_CODES - int(row.failed_totp))


async def enrol(session: AsyncSession, wecom_user_id: str) -> str:
    """A new TOTP secret for the account (lost phone, or a role that now needs one); the
    enrolment URI, shown once. Unlocks the account. The caller commits."""
    staff = await get_staff(session, wecom_user_id)
    if Role(staff.role) not in SECOND_FACTOR_ROLES:
        raise StaffError(f"role {staff.role!r} does not use a second factor")
    staff.totp_secret = pyotp.random_base32()
    staff.totp_last_step = None
    staff.failed_totp = 0
    staff.locked_until = None
    await session.flush()
    return pyotp.TOTP(staff.totp_secret).provisioning_uri(name=wecom_user_id, issuer_name=ISSUER)


async def unlock(session: AsyncSession, wecom_user_id: str) -> StaffMember:
    """Lift a lockout before it expires (an administrator's decision). The caller commits."""
    staff = await get_staff(session, wecom_user_id)
    staff.failed_totp = 0
    staff.locked_until = None
    await session.flush()
    return staff


def is_locked(staff: StaffMember, *, now: datetime | None = None) -> bool:
    """Whether the account is locked out right now."""
    now = now or utcnow()
    return staff.locked_until is not None and _aware(staff.locked_until) > now
