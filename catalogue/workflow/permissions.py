"""Least privilege: what each staff role may do (等保三级; 谁发布、谁审核、谁负责)."""

from __future__ import annotations

from catalogue.models import Role, StaffMember
from catalogue.staff import is_locked
from catalogue.workflow.errors import (
    AccountDisabled,
    AccountLocked,
    Operation,
    OtherDepartment,
    OwnRequest,
    RoleForbidden,
)
from catalogue.workflow.rules import DECIDERS, PROPOSERS, PUBLISHERS, REVIEWERS

__all__ = ["DECIDERS", "PROPOSERS", "PUBLISHERS", "REVIEWERS"]

FUND_MANAGERS = frozenset({Role.FINANCE, Role.ADMIN})  # 财政专项资金 第七条
POVERTY_MANAGERS = frozenset({Role.POVERTY_OFFICE, Role.ADMIN})  # 扶贫清单 第三条、第四条
IMPORTERS = frozenset({Role.CLERK, Role.FINANCE, Role.POVERTY_OFFICE, Role.ADMIN})
# 第二十二条: the county government supervises the departments' work (通报) through the
# review office and the county office (administrators); the auditor may read it.
SUPERVISORS = frozenset({Role.REVIEW_OFFICE, Role.APPROVER, Role.ADMIN, Role.AUDITOR})
# Everyone active may read; the auditor may do nothing else.
READERS = frozenset(Role)


def role_of(staff: StaffMember) -> Role:
    """The staff member's role as the enum."""
    return Role(staff.role)


def require(staff: StaffMember, allowed: frozenset[Role], what: Operation | str) -> None:
    """Refuse unless the staff member is active and holds one of `allowed`."""
    if not staff.active:
        raise AccountDisabled()
    role = role_of(staff)
    if role not in allowed:
        names = tuple(r.value for r in Role if r in allowed)
        raise RoleForbidden(role.value, what, names)


def require_unlocked(staff: StaffMember) -> None:
    """A TOTP-locked account can do nothing until the lockout ends or an administrator lifts
    it: a stolen phone or a guessing attacker must not still approve or publish."""
    if is_locked(staff):
        assert staff.locked_until is not None
        raise AccountLocked(staff.locked_until)


def require_department(
    staff: StaffMember, department_id: int | None, what: Operation | str
) -> None:
    """A clerk acts only on their own department's records."""
    if role_of(staff) is Role.CLERK and staff.department_id != department_id:
        raise OtherDepartment(what)


def sees_all_drafts(staff: StaffMember) -> bool:
    """Whether drafts of every department are visible (everyone but clerks)."""
    return role_of(staff) is not Role.CLERK


def require_not_proposer(staff: StaffMember, proposer_id: int, request_id: int = 0) -> None:
    """谁发布、谁审核: the proposer never approves their own change."""
    if staff.id == proposer_id:
        raise OwnRequest(request_id)
