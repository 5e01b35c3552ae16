"""Pure rules: 第九条 classes, 第十条 reasons, field classes, permissions and deadline arithmetic
across the National Day and Spring Festival holidays (with adjusted working Saturdays)."""

from __future__ import annotations

from datetime import date

import pytest

from catalogue.models import PublicationStatus, Role, StaffMember
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
    DECIDERS,
    ITEM_LIFECYCLE,
    OPEN_STATES,
    PROPOSERS,
    PUBLISHERS,
    REVIEWERS,
    Action,
    ChangeClass,
    RequestState,
    Step,
    SuspensionReason,
    effective_class,
    needs_decision,
    parse_class,
    parse_suspension_reason,
    request_step,
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


# --- the lifecycle table, without a database ------------------------------------------------


def test_every_action_has_one_transition_with_its_article() -> None:
    assert set(ITEM_LIFECYCLE) == set(Action)
    for action, transition in ITEM_LIFECYCLE.items():
        assert transition.action is action and "条" in transition.article
        assert transition.proposers == PROPOSERS


@pytest.mark.parametrize(
    ("action", "proposable", "becomes"),
    [
        (Action.PUBLISH, {"draft"}, "published"),
        (Action.CHANGE, {"published", "suspended"}, None),
        (Action.SUSPEND, {"published"}, "suspended"),
        (Action.RESUME, {"suspended"}, "published"),
        (Action.ABOLISH, {"published", "suspended"}, "abolished"),
        (Action.MERGE, {"published", "suspended"}, "abolished"),
    ],
)
def test_item_transitions(action: Action, proposable: set[str], becomes: str | None) -> None:
    transition = ITEM_LIFECYCLE[action]
    for status in PublicationStatus:
        assert transition.may_propose(status.value) is (status.value in proposable)
    assert (transition.becomes.value if transition.becomes else None) == becomes
    # A submitted draft waits as 待审核 and is published from there.
    if action is Action.PUBLISH:
        assert transition.while_open is PublicationStatus.PENDING_REVIEW
        assert transition.may_apply("pending_review") and not transition.may_apply("draft")


def _path(action: Action, change_class: ChangeClass | None) -> list[tuple[str, frozenset[Role]]]:
    """The states a request passes through from filing to publication, and who moves it."""
    state, path = RequestState.PENDING_REVIEW.value, []
    follows = needs_decision(action, change_class)
    while state != RequestState.APPROVED.value:
        step = request_step(Step.APPROVE, state, decision_follows=follows)
        assert step is not None
        path.append((step.target.value, step.roles))
        state = step.target.value
    published = request_step(Step.PUBLISH, state)
    assert published is not None
    path.append((published.target.value, published.roles))
    return path


def test_request_paths_follow_article_nine() -> None:
    assert [s for s, _ in _path(Action.CHANGE, ChangeClass.STATIC)] == ["approved", "applied"]
    assert [s for s, _ in _path(Action.CHANGE, ChangeClass.SUBJECT)] == [
        "pending_decision",
        "approved",
        "applied",
    ]
    path = _path(Action.MERGE, None)
    assert path[0][1] == REVIEWERS and path[1][1] == DECIDERS and path[2][1] == PUBLISHERS
    assert [s for s, _ in _path(Action.RESUME, None)] == ["approved", "applied"]


def test_closed_requests_take_no_step_and_only_open_ones_are_withdrawn() -> None:
    for closed in ("rejected", "applied", "withdrawn"):
        for step in Step:
            assert request_step(step, closed) is None
    for state in OPEN_STATES:
        withdrawal = request_step(Step.WITHDRAW, state)
        assert withdrawal is not None and withdrawal.proposer_only
        assert withdrawal.target is RequestState.WITHDRAWN
        assert request_step(Step.REJECT, state) is not None
    assert request_step(Step.PUBLISH, "pending_review") is None
    assert request_step(Step.APPROVE, "approved") is None


def test_the_staff_guide_lists_every_transition_with_its_article() -> None:
    from pathlib import Path

    guide = (Path(__file__).resolve().parents[2] / "docs" / "staff.md").read_text("utf-8")
    rows = [line for line in guide.splitlines() if line.startswith("| `")]
    for transition in ITEM_LIFECYCLE.values():
        row = next((r for r in rows if f"| {transition.action.label} |" in r), None)
        assert row is not None, transition.action
        assert transition.article in row
