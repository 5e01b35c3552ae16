"""Pure rules: 第九条 classes, 第十条 reasons, field classes, permissions and deadline arithmetic
across the National Day and Spring Festival holidays (with adjusted working Saturdays)."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.models import Role, StaffMember
from catalogue.workflow import fields, permissions
from catalogue.workflow.errors import (
    AccountDisabled,
    BadClass,
    BadSuspensionReason,
    ForbiddenError,
    InvalidInputError,
    Operation,
    OtherDepartment,
    RoleForbidden,
    SelfApprovalError,
    UnknownField,
)
from catalogue.workflow.rules import (
    Action,
    ChangeClass,
    SuspensionReason,
    effective_class,
    needs_decision,
    parse_class,
    parse_suspension_reason,
)
from catalogue.workflow.workdays import (
    add_days,
    add_working_days,
    china_date,
    is_workday,
    working_days_between,
)


def test_classes_one_two_six_need_the_county_government() -> None:
    assert {c for c in ChangeClass if c.needs_decision} == {
        ChangeClass.BASIS,
        ChangeClass.SUBJECT,
        ChangeClass.OTHER,
    }
    assert needs_decision(Action.CHANGE, ChangeClass.PROCESS) is False
    assert needs_decision(Action.CHANGE, ChangeClass.OTHER) is True
    assert needs_decision(Action.ABOLISH, None) and needs_decision(Action.MERGE, None)
    assert not needs_decision(Action.SUSPEND, None) and not needs_decision(Action.RESUME, None)


@pytest.mark.parametrize("text", ["（三）", "(三)", "三", "3", "第三项"])
def test_class_spellings(text: str) -> None:
    assert parse_class(text) is ChangeClass.PROCESS


def test_bad_class_and_reason_are_explained() -> None:
    with pytest.raises(BadClass):
        parse_class("（七）")
    with pytest.raises(BadSuspensionReason):
        parse_suspension_reason("（五）")
    assert parse_suspension_reason("2") is SuspensionReason.NO_CASES


def test_effective_class_never_skips_the_decision() -> None:
    # A phone change named (四) stays (四); a name change named (四) goes to (一).
    assert effective_class([ChangeClass.STATIC], ChangeClass.STATIC) is ChangeClass.STATIC
    assert effective_class([ChangeClass.BASIS], ChangeClass.STATIC) is ChangeClass.BASIS
    assert effective_class([ChangeClass.STATIC], ChangeClass.OTHER) is ChangeClass.OTHER
    assert effective_class([ChangeClass.PROCESS, ChangeClass.SUBJECT], None) is ChangeClass.SUBJECT
    with pytest.raises(InvalidInputError):
        effective_class([], None)


def test_field_classes_follow_article_nine() -> None:
    assert fields.field_spec("名称").change_class is ChangeClass.BASIS
    assert fields.field_spec("法定时限").change_class is ChangeClass.BASIS
    assert fields.field_spec("部门").change_class is ChangeClass.SUBJECT
    assert fields.field_spec("收费").change_class is ChangeClass.PROCESS
    assert fields.field_spec("电话").change_class is ChangeClass.STATIC
    assert fields.field_spec("责任事项").change_class is ChangeClass.DUTY
    with pytest.raises(UnknownField) as raised:
        fields.field_spec("颜色")
    assert "联系电话" in raised.value.known


def test_time_limits_parse() -> None:
    assert fields.parse_time_limit("20个工作日") == {"value": 20, "unit": "工作日", "note": None}
    assert fields.parse_time_limit("15天（不含公示）") == {
        "value": 15,
        "unit": "日",
        "note": "不含公示",
    }
    with pytest.raises(InvalidInputError):
        fields.parse_time_limit("尽快")


def _staff(role: Role, staff_id: int = 1, department_id: int | None = None) -> StaffMember:
    return StaffMember(
        id=staff_id,
        wecom_user_id="u",
        name="u",
        role=role.value,
        active=True,
        department_id=department_id,
    )


def test_permissions_least_privilege() -> None:
    permissions.require(_staff(Role.CLERK), permissions.PROPOSERS, "提出变更")
    with pytest.raises(RoleForbidden) as raised:
        permissions.require(_staff(Role.AUDITOR), permissions.PROPOSERS, Operation.CHANGE)
    assert raised.value.role == "auditor" and raised.value.operation is Operation.CHANGE
    assert raised.value.allowed == ("clerk", "review", "admin")
    with pytest.raises(ForbiddenError):
        permissions.require(_staff(Role.CLERK), permissions.REVIEWERS, "审核")
    with pytest.raises(ForbiddenError):
        permissions.require(_staff(Role.FINANCE), permissions.POVERTY_MANAGERS, "变更扶贫清单")
    with pytest.raises(OtherDepartment):
        permissions.require_department(_staff(Role.CLERK, department_id=1), 2, "变更")
    permissions.require_department(_staff(Role.REVIEW_OFFICE), 2, "变更")
    with pytest.raises(SelfApprovalError):
        permissions.require_not_proposer(_staff(Role.ADMIN, staff_id=7), 7)
    disabled = _staff(Role.ADMIN)
    disabled.active = False
    with pytest.raises(AccountDisabled):
        permissions.require(disabled, permissions.READERS, "查询")


def test_ten_working_days_across_national_day() -> None:
    # 2026: 10月1日–7日 off, Saturday 10月10日 is an adjusted working day.
    assert not is_workday(date(2026, 10, 5)) and is_workday(date(2026, 10, 10))
    assert add_working_days(date(2026, 9, 30), 10) == date(2026, 10, 20)
    assert add_working_days(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert working_days_between(date(2026, 9, 30), date(2026, 10, 20)) == 10


def test_ten_working_days_across_spring_festival() -> None:
    # 2026: 2月15日–23日 off; Saturdays 2月14日 and 2月28日 are working days.
    assert is_workday(date(2026, 2, 14)) and not is_workday(date(2026, 2, 23))
    assert add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 13), 10) == date(2026, 3, 5)


def test_calendar_days_and_china_date() -> None:
    from datetime import UTC, datetime

    assert add_days(date(2026, 9, 25), 20) == date(2026, 10, 15)  # 20 days count holidays
    assert china_date(datetime(2026, 9, 30, 17, 0, tzinfo=UTC)) == date(2026, 10, 1)
    assert is_workday(date(2031, 1, 6)) and not is_workday(date(2031, 1, 4))  # no data: Mon–Fri
