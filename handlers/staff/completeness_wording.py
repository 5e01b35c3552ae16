"""The staff's words for records that fall short of the fields the regulations require:
one shortfall as a line, a record's as a summary, and the refusal of a step it blocks (the
chat, the console, the CLI and the API show the same words)."""

from __future__ import annotations

from collections.abc import Sequence

from catalogue.lists.completeness import Lack, Shortfall
from catalogue.workflow.errors import Gate, IncompleteRecord, IncompleteRecordError

# The step refused, after 不能 (“事项“…”信息不完整，不能提交”).
GATES = {
    Gate.SUBMIT: "提交",
    Gate.PROPOSE_CHANGE: "提出变更",
    Gate.APPROVE: "通过",
    Gate.PUBLISH: "发布",
    Gate.PROPOSE_PUBLICATION: "申请发布",
    Gate.RECORD_CHANGE: "登记变更",
}
# At most this many records of a year are listed in a refusal.
SHOWN_RECORDS = 20


def shortfall_line(shortfall: Shortfall) -> str:
    """「监督方式：未填写（《建设运行办法》第十条（一））」."""
    what = "未填写" if shortfall.missing else f"格式不对，{shortfall.problem}"
    return f"{shortfall.label}：{what}（{shortfall.article}）"


def lack_text(lack: Lack) -> str:
    """A field a record lacks: 「监督方式」, a malformed one 「联系电话（格式不对）」."""
    return f"{lack.label}（格式不对）" if lack.malformed else lack.label


def summary(shortfalls: Sequence[Shortfall]) -> str:
    """Chinese lines for staff: missing fields first, then malformed ones, then the articles
    requiring the missing ones."""
    missing = [s for s in shortfalls if s.missing]
    wrong = [s for s in shortfalls if not s.missing]
    parts = []
    if missing:
        parts.append("缺少：" + "、".join(s.label for s in missing))
    parts += [shortfall_line(s) for s in wrong]
    articles = "、".join(dict.fromkeys(s.article for s in missing))
    if articles:
        parts.append(f"依据：{articles}")
    return "\n".join(parts)


def _record_name(record: IncompleteRecord) -> str:
    return f"事项“{record.name}”" if record.kind == "item" else f"“{record.name}”"


def incomplete(error: IncompleteRecordError) -> str:
    """The refusal of a step blocked by incomplete records."""
    step = GATES[error.gate]
    if error.year is None:
        (record,) = error.records
        return (
            f"{_record_name(record)}信息不完整，不能{step}：\n{summary(record.shortfalls)}\n"
            "请补全后再办理。"
        )
    lines = [
        f"#{r.record_id} {r.name}：{summary(r.shortfalls)}".replace("\n", "；")
        for r in error.records[:SHOWN_RECORDS]
    ]
    count = len(error.records)
    more = f"\n……另有 {count - SHOWN_RECORDS} 条" if count > SHOWN_RECORDS else ""
    return (
        f"{error.year} 年度有 {count} 条记录信息不完整，不能{step}：\n"
        + "\n".join(lines)
        + f"{more}\n请补全后再办理。"
    )
