"""The staff registry: roles, departments, binding, TOTP codes, replay refusal and lockout."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import staff as registry
from catalogue.models import Department, Role
from handlers.staff import refusals


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
    # A clerk publishes their department's approved changes: a second factor like the others.
    assert account.totp_uri is not None and account.staff.department_id == department.id
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


async def test_totp_accepts_once_counts_failures_and_locks(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        account = await registry.add_staff(
            session, wecom_user_id="chen", name="陈审核", role=Role.REVIEW_OFFICE
        )
        await session.commit()
    staff_id, secret = account.staff.id, account.staff.totp_secret
    assert account.totp_uri is not None and secret

    async def check(code: str, now: datetime) -> None:
        async with sessions() as session:
            try:
                await registry.check_code(session, staff_id, code, now=now)
            finally:
                await session.commit()

    async def state() -> tuple[int, datetime | None]:
        async with sessions() as session:
            staff = await registry.get_staff(session, "chen")
            return staff.failed_totp, staff.locked_until

    now = datetime(2026, 10, 8, 9, 0, 5, tzinfo=UTC)
    code = pyotp.TOTP(secret).at(now)
    await check(code, now)
    # The same code again within its step: refused with its own word, and not a failure.
    with pytest.raises(registry.ReusedCodeError):
        await check(code, now + timedelta(seconds=3))
    assert await state() == (0, None)
    wrong = "000000" if code != "000000" else "111111"
    for left in range(registry.MAX_BAD_CODES - 1, 0, -1):
        with pytest.raises(registry.BadCodeError) as bad:
            await check(wrong, now)
        assert bad.value.remaining == left
    with pytest.raises(registry.AccountLockedError) as locked:
        await check(wrong, now)
    assert locked.value.until == now + registry.LOCKOUT
    later = now + timedelta(minutes=1)
    with pytest.raises(registry.AccountLockedError):  # even the right code while locked
        await check(pyotp.TOTP(secret).at(later), later)
    after = now + registry.LOCKOUT + timedelta(minutes=1)
    await check(pyotp.TOTP(secret).at(after), after)
    failed, locked_until = await state()
    assert failed == 0 and locked_until is None


async def test_concurrent_wrong_codes_all_count_and_lock(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """Eight wrong codes at once (as over /wecom and the bound /wechat from two workers):
    every one is counted, none is lost to a read-modify-write race, the account locks."""
    async with sessions() as session:
        account = await registry.add_staff(
            session, wecom_user_id="guess", name="被猜", role=Role.APPROVER
        )
        await session.commit()
    staff_id = account.staff.id

    async def guess(number: int) -> str:
        async with sessions() as session:
            try:
                await registry.check_code(session, staff_id, f"{number:06d}")
            except registry.StaffError as error:
                await session.commit()
                return type(error).__name__
            await session.commit()
            return "accepted"

    secret = account.staff.totp_secret
    assert secret
    now_code = pyotp.TOTP(secret).now()
    wrongs = [n for n in range(100000, 100100) if f"{n:06d}" != now_code][:8]
    results = await asyncio.gather(*(guess(n) for n in wrongs))
    assert "accepted" not in results
    assert results.count("BadCodeError") == registry.MAX_BAD_CODES - 1
    async with sessions() as session:
        staff = await registry.get_staff(session, "guess")
        assert registry.is_locked(staff)


async def test_enrol_and_unlock(session: AsyncSession) -> None:
    account = await registry.add_staff(session, wecom_user_id="liu", name="刘", role=Role.FINANCE)
    account.staff.locked_until = datetime.now(UTC) + timedelta(minutes=10)
    old = account.staff.totp_secret
    uri = await registry.enrol(session, "liu")
    assert "otpauth://" in uri and account.staff.totp_secret != old
    assert not registry.is_locked(account.staff)
    account.staff.locked_until = datetime.now(UTC) + timedelta(minutes=10)
    await registry.unlock(session, "liu")
    assert not registry.is_locked(account.staff)
    await registry.add_staff(session, wecom_user_id="aud", name="审", role=Role.AUDITOR)
    with pytest.raises(registry.StaffError):
        await registry.enrol(session, "aud")


def test_roles_parse_from_ids_and_labels() -> None:
    assert registry.parse_role("县审改办") is Role.REVIEW_OFFICE
    assert registry.parse_role("clerk") is Role.CLERK
    with pytest.raises(registry.StaffError):
        registry.parse_role("boss")
    assert all(registry.needs_second_factor(role) for role in Role if role is not Role.AUDITOR)
    assert not registry.needs_second_factor("auditor")


async def test_concurrent_wrong_codes_through_the_runner_are_all_counted_and_audited(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    """The path both channels take (`runner.check_second_factor`, its audit entry in the same
    transaction): eight wrong codes at once lock the account and leave eight audit entries."""
    from catalogue import audit
    from catalogue.workflow import runner

    async with sessions() as session:
        account = await registry.add_staff(
            session, wecom_user_id="fin", name="财", role=Role.FINANCE
        )
        await session.commit()
    actor = runner.Actor.of(account.staff)
    secret = account.staff.totp_secret
    assert secret
    current = {pyotp.TOTP(secret).at(datetime.now(UTC), counter_offset=o) for o in (-1, 0, 1)}
    wrongs = [f"{n:06d}" for n in range(200000, 200100) if f"{n:06d}" not in current][:8]
    problems = await asyncio.gather(
        *(
            runner.check_second_factor(sessions, actor, code, explain=refusals.second_factor)
            for code in wrongs
        )
    )
    assert all(problem is not None for problem in problems)
    assert sum("已锁定" in str(problem) for problem in problems) == 8 - (registry.MAX_BAD_CODES - 1)
    async with sessions() as session:
        assert registry.is_locked(await registry.get_staff(session, "fin"))
        result = await audit.verify(session)
        assert result.intact and result.checked == 8
