"""The staff's words for typed refusals the registry and the completeness rule raise: what a
staff member reads when a TOTP code is not accepted, or a record falls short."""

from __future__ import annotations

from datetime import UTC, datetime

from catalogue import staff as registry
from catalogue.lists.completeness import Shortfall
from catalogue.workflow.errors import Gate, IncompleteRecord, IncompleteRecordError
from handlers.staff.completeness_wording import SHOWN_RECORDS
from handlers.staff.refusals import explain, second_factor


def test_second_factor_refusals_say_why_and_what_to_do() -> None:
    assert "zwbot staff enrol" in second_factor(registry.NotEnrolledError(3))
    locked = second_factor(registry.AccountLockedError(datetime(2026, 10, 8, 1, 15, tzinfo=UTC)))
    assert "锁定至 09:15（北京时间）" in locked
    assert second_factor(registry.BadCodeError(2)) == "动态码不正确，还可再试 2 次。"
    assert "已使用过" in second_factor(registry.ReusedCodeError())
    assert second_factor(registry.UnknownStaffError("no staff account 9")) == "账号不存在。"


_PHONE = Shortfall("联系电话", "《建设运行办法》第十条（一）", "应为固定电话或手机号")
_WAY = Shortfall("监督方式", "《建设运行办法》第十条（一）")


def test_an_incomplete_record_is_named_with_its_shortfalls() -> None:
    error = IncompleteRecordError(
        Gate.SUBMIT, (IncompleteRecord("item", None, "低保申请", (_WAY, _PHONE)),)
    )
    assert explain(error) == (
        "事项“低保申请”信息不完整，不能提交：\n缺少：监督方式\n"
        "联系电话：格式不对，应为固定电话或手机号（《建设运行办法》第十条（一））\n"
        "依据：《建设运行办法》第十条（一）\n请补全后再办理。"
    )


def test_a_year_lists_its_incomplete_rows_up_to_a_limit() -> None:
    rows = tuple(
        IncompleteRecord("fund", n, f"项目{n}", (_WAY,)) for n in range(1, SHOWN_RECORDS + 3)
    )
    text = explain(IncompleteRecordError(Gate.PROPOSE_PUBLICATION, rows, 2026))
    assert text.startswith(f"2026 年度有 {SHOWN_RECORDS + 2} 条记录信息不完整，不能申请发布：")
    assert "#1 项目1：缺少：监督方式；依据：《建设运行办法》第十条（一）" in text
    assert f"#{SHOWN_RECORDS + 1} " not in text and "……另有 2 条" in text
