"""Least privilege: what each staff role may do (等保三级; 谁发布、谁审核、谁负责)."""

from __future__ import annotations

from datetime import timedelta, timezone

from catalogue.models import Role, StaffMember
from catalogue.staff import ROLE_LABELS, is_locked
from catalogue.workflow.errors import ForbiddenError, SelfApprovalError

# Departments propose changes to their own items (第五条、第七条); admins may act for them.
PROPOSERS = frozenset({Role.CLERK, Role.REVIEW_OFFICE, Role.ADMIN})
# 县审改办 and 县政府法制办 review power-list changes (第三条).
REVIEWERS = frozenset({Role.REVIEW_OFFICE, Role.LEGAL_OFFICE, Role.ADMIN})
# 县政府 decides (一)(二)(六) changes, abolitions and mergers (第九条).
DECIDERS = frozenset({Role.APPROVER, Role.ADMIN})
# Who puts approved item changes live: the department, the review office or an admin.
PUBLISHERS = frozenset({Role.CLERK, Role.REVIEW_OFFICE, Role.ADMIN})
FUND_MANAGERS = frozenset({Role.FINANCE, Role.ADMIN})  # 财政专项资金 第七条
POVERTY_MANAGERS = frozenset({Role.POVERTY_OFFICE, Role.ADMIN})  # 扶贫清单 第三条、第四条
IMPORTERS = frozenset({Role.CLERK, Role.FINANCE, Role.POVERTY_OFFICE, Role.ADMIN})
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
# 第二十二条: the county government supervises the departments' work (通报) through the
# review office and the county office (administrators); the auditor may read it.
SUPERVISORS = frozenset({Role.REVIEW_OFFICE, Role.APPROVER, Role.ADMIN, Role.AUDITOR})
# Everyone active may read; the auditor may do nothing else.
READERS = frozenset(Role)

# The staff registry's role labels; in refusals the auditor is plainly "审计员".
ROLE_NAMES = {**ROLE_LABELS, Role.AUDITOR: "审计员"}


def role_of(staff: StaffMember) -> Role:
    """The staff member's role as the enum."""
    return Role(staff.role)


def require(staff: StaffMember, allowed: frozenset[Role], what: str) -> None:
    """Refuse unless the staff member is active and holds one of `allowed`."""
    if not staff.active:
        raise ForbiddenError("您的账号已停用，请联系管理员。")
    role = role_of(staff)
    if role not in allowed:
        names = "、".join(ROLE_NAMES[r] for r in Role if r in allowed and r is not Role.ADMIN)
        raise ForbiddenError(f"{ROLE_NAMES[role]}不能{what}。此操作由{names or '管理员'}办理。")


def require_unlocked(staff: StaffMember) -> None:
    """A TOTP-locked account can do nothing until the lockout ends or an administrator lifts
    it: a stolen phone or a guessing attacker must not still approve or publish."""
    if is_locked(staff):
        assert staff.locked_until is not None
        until = staff.locked_until.astimezone(BEIJING)
        raise ForbiddenError(
            f"动态码错误次数过多，账号已锁定至 {until:%H:%M}（北京时间），"
            "锁定期间不能办理任何操作。"
        )


def require_department(staff: StaffMember, department_id: int | None, what: str) -> None:
    """A clerk acts only on their own department's records."""
    if role_of(staff) is Role.CLERK and staff.department_id != department_id:
        raise ForbiddenError(f"部门经办人只能{what}本部门的事项。")


def sees_all_drafts(staff: StaffMember) -> bool:
    """Whether drafts of every department are visible (everyone but clerks)."""
    return role_of(staff) is not Role.CLERK


def require_not_proposer(staff: StaffMember, proposer_id: int) -> None:
    """谁发布、谁审核: the proposer never approves their own change."""
    if staff.id == proposer_id:
        raise SelfApprovalError("这是您本人提出的变更，不能由您本人审核或审定，请由其他人员办理。")
