"""The staff registry: roles, departments, binding, TOTP codes, replay refusal and lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import staff as registry
from catalogue.models import Department, Role


async def test_clerk_needs_a_department_and_ids_are_unique(session: AsyncSession) -> None:
    with pytest.raises(registry.StaffError):
        await registry.add_staff(session, wecom_user_id="zhang", name="张三", role=Role.CLERK)
    department = Department(name="天祝县民政局", short_name="民政局")
    session.add(department)
    await session.flush()
    found = await registry.find_department(session, "民政局")
    account = await registry.add_staff(
        session, wecom_user_id="zhang", name="张三", role=Role.CLERK, department=found
    )
    assert account.totp_uri is None and account.staff.department_id == department.id
    with pytest.raises(registry.StaffError):
        await registry.add_staff(session, wecom_user_id="zhang", name="张三", role=Role.AUDITOR)
    await session.commit()
    assert [s.wecom_user_id for s in await registry.list_staff(session)] == ["zhang"]


async def test_disable_and_bind(session: AsyncSession) -> None:
    await registry.add_staff(session, wecom_user_id="li", name="李四", role=Role.FINANCE)
    await registry.add_staff(session, wecom_user_id="wang", name="王五", role=Role.AUDITOR)
    await registry.bind_openid(session, "li", "h" * 64)
    with pytest.raises(registry.StaffError):
        await registry.bind_openid(session, "wang", "h" * 64)
    assert (await registry.active_by_openid_hash(session, "h" * 64)) is not None
    await registry.disable_staff(session, "li")
    assert await registry.active_by_wecom(session, "li") is None
    assert await registry.active_by_openid_hash(session, "h" * 64) is None
    with pytest.raises(registry.UnknownStaffError):
        await registry.disable_staff(session, "nobody")


async def test_totp_accepts_once_counts_failures_and_locks(session: AsyncSession) -> None:
    account = await registry.add_staff(
        session, wecom_user_id="chen", name="陈审核", role=Role.REVIEW_OFFICE
    )
    staff = account.staff
    assert account.totp_uri is not None and staff.totp_secret
    now = datetime(2026, 10, 8, 9, 0, 5, tzinfo=UTC)
    code = pyotp.TOTP(staff.totp_secret).at(now)
    registry.check_code(staff, code, now=now)
    with pytest.raises(registry.BadCodeError):  # the same code twice is refused
        registry.check_code(staff, code, now=now)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(registry.MAX_BAD_CODES - 2):
        with pytest.raises(registry.BadCodeError):
            registry.check_code(staff, wrong, now=now)
    with pytest.raises(registry.AccountLockedError):
        registry.check_code(staff, wrong, now=now)
    later = now + timedelta(minutes=1)
    with pytest.raises(registry.AccountLockedError):  # even the right code while locked
        registry.check_code(staff, pyotp.TOTP(staff.totp_secret).at(later), now=later)
    after = now + registry.LOCKOUT + timedelta(minutes=1)
    registry.check_code(staff, pyotp.TOTP(staff.totp_secret).at(after), now=after)
    assert staff.failed_totp == 0 and not registry.is_locked(staff, now=after)


def test_roles_parse_from_ids_and_labels() -> None:
    assert registry.parse_role("县审改办") is Role.REVIEW_OFFICE
    assert registry.parse_role("clerk") is Role.CLERK
    with pytest.raises(registry.StaffError):
        registry.parse_role("boss")
    assert registry.needs_second_factor("admin") and not registry.needs_second_factor("clerk")
