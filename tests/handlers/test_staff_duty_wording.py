"""The staff chat's words for duties: built from the facts `catalogue.duties` returns."""

from __future__ import annotations

from datetime import date

from catalogue.duties import Duty, DutyKind
from catalogue.models import Role
from handlers.staff.duty_wording import NOTHING_DUE, duty_line, duty_title, summary

TODAY = date(2026, 10, 15)
CLERK = frozenset({Role.CLERK})


def test_a_summary_puts_overdue_first_then_due_then_suggestions() -> None:
    resume = Duty(DutyKind.RESUME, date(2026, 10, 14), CLERK, target="X1", request_id=7)
    idle = Duty(
        DutyKind.NO_CASES,
        None,
        CLERK,
        target="X2",
        subject="营业执照",
        last_case_on=date(2022, 5, 1),
    )
    refresh = Duty(
        DutyKind.POVERTY_REFRESH, date(2026, 10, 20), frozenset({Role.POVERTY_OFFICE}), year=2026
    )
    text = summary([idle, refresh, resume], TODAY)
    assert text.index("【已逾期】") < text.index("【待办】") < text.index("【建议】")
    assert "恢复事项 X1（#7，第十二条）（应于 2026-10-14 前完成，已逾期 1 天）" in text
    assert "可申请暂停：营业执照 X2，最近办件 2022-05-01（第十条（二））" in text
    assert "整体更新 2026 年度扶贫清单（第七条，每年年初）（2026-10-20 前）" in text
    assert summary([], TODAY) == NOTHING_DUE


def test_a_guessed_deadline_says_so() -> None:
    duty = Duty(
        DutyKind.POVERTY_UPDATE,
        date(2026, 10, 20),
        frozenset({Role.POVERTY_OFFICE}),
        estimated_year=2026,
        subject="道路硬化",
        request_id=3,
        target_kind="poverty_project",
    )
    assert "按周一至周五估算" in duty_line(duty, TODAY)
    assert "节假日安排尚未导入" in summary([duty], TODAY)
    assert "估算" not in duty_line(Duty(DutyKind.RESUME, date(2026, 10, 20), CLERK), TODAY)


def test_fund_duties_name_the_command_and_what_is_owed() -> None:
    finance = frozenset({Role.FINANCE})
    owed = Duty(
        DutyKind.FUND_COMPETITIVE,
        None,
        finance,
        subject="产业扶持",
        record_id=4,
        owed=("review_results", "allocation"),
    )
    assert (
        duty_title(owed)
        == "竞争性分配资金“产业扶持”须公开评审结果、资金分配（第八条；资金变更 4 …）"
    )
    late = Duty(
        DutyKind.FUND_LIST,
        date(2026, 2, 14),
        finance,
        year=2026,
        original_approved_on=date(2026, 1, 10),
        original_due=date(2026, 1, 30),
    )
    assert "按原登记批准日期 2026-01-10 应于 2026-01-30 前" in duty_title(late)
    review = Duty(
        DutyKind.LIST_REVIEW, None, finance, target="F1", request_id=2, target_kind="fund"
    )
    assert duty_title(review) == "复核专项资金申请 #2 F1（第十八条）"
    poverty = Duty(
        DutyKind.LIST_REVIEW,
        None,
        finance,
        target="P1",
        request_id=2,
        target_kind="poverty_project",
    )
    assert "市扶贫办" in duty_title(poverty)
