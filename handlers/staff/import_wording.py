"""The words of an import report, as `zwbot import`, the staff chat's 导入 and the console's
upload show it: counts, every problem with its row and column, and which command takes over
from the file (a change request for a published record, 提交 for a draft)."""

from __future__ import annotations

from catalogue.importing.report import Blocked, ImportReport, Refusal, RowProblem
from catalogue.lists.completeness import Lack
from catalogue.lists.declarations import KIND_LABELS
from catalogue.models import PublicationStatus
from handlers.staff.completeness_wording import lack_text

MAX_CODES_SHOWN = 50
# The staff command that files a change of a published record of each list (a list without
# one is told to file a change request).
CHANGE_COMMANDS = {
    "item": "变更",
    "fund": "资金变更",
    "poverty_project": "扶贫变更",
    "poverty_allocation": "扶贫资金变更",
}


def _record(blocked: Blocked) -> str:
    if blocked.kind == "fund":
        return f"专项资金「{blocked.name}」（{blocked.year} 年）"
    if blocked.kind == "poverty_project":
        return f"扶贫项目「{blocked.name}」（{blocked.year} 年）"
    if blocked.kind == "poverty_allocation":
        return f"扶贫资金分配（{blocked.year} 年，{blocked.name}）"
    if blocked.kind == "item":
        return f"事项「{blocked.name}」（{blocked.code}）"
    return f"{KIND_LABELS.get(blocked.kind, '记录')}「{blocked.name}」"


def blocked_text(blocked: Blocked) -> str:
    """Why a row is left to the workflow, and the command that takes over."""
    if blocked.refusal is Refusal.LIVE_ITEM:
        status = PublicationStatus(blocked.status).label
        return (
            f"{_record(blocked)}状态为{status}：导入不能修改已发布的事项，"
            f"请用“{CHANGE_COMMANDS['item']}”命令提出变更申请，经审核后发布"
        )
    if blocked.refusal is Refusal.LIVE_RECORD:
        verb = CHANGE_COMMANDS.get(blocked.kind)
        how = f"请用“{verb} {blocked.record_id}”提出变更" if verb else "请提出变更申请"
        return f"{_record(blocked)}已发布：导入不能修改已发布的记录，{how}，经复核后发布"
    if blocked.refusal is Refusal.NOT_FIRST_LOAD:
        return (
            f"地区 {blocked.code} 的清单已有发布的事项：--publish 只用于首次载入。新事项请不带"
            " --publish 导入为草稿，经“提交”“审核”后发布"
        )
    review = "审核" if blocked.kind == "item" else "复核"
    lacked = "、".join(lack_text(lack) for lack in blocked.fields)
    return f"记录不完整（缺 {lacked}），作为草稿载入，补全后经{review}发布"


def problem_text(problem: RowProblem) -> str:
    """「第3行「事项名称」列：…」: where, and what is wrong."""
    where = f"第{problem.row}行" if problem.row else "文件"
    if problem.column:
        where += f"「{problem.column}」列"
    reason = problem.reason
    return f"{where}：{blocked_text(reason) if isinstance(reason, Blocked) else reason}"


def _problems(problems: list[RowProblem], limit: int, head: str, more: str) -> list[str]:
    if not problems:
        return []
    lines = [head.format(len(problems)), *(f"  {problem_text(p)}" for p in problems[:limit])]
    if len(problems) > limit:
        lines.append(f"  ……另有 {len(problems) - limit} {more}")
    return lines


def report_lines(report: ImportReport, max_problems: int = 200, *, codes: bool = True) -> list[str]:
    """The report in Chinese (`codes`: with the codes of the new records; a channel that
    lists them its own way leaves them out)."""
    head = f"导入「{report.title or report.kind}」"
    if report.source:
        head += f"：{report.source}"
    if report.encoding:
        head += f"（编码 {report.encoding}）"
    lines = [head, f"读取数据行：{report.rows}"]
    if report.errors:
        lines += _problems(
            report.errors, max_problems, "发现 {} 处错误，未导入任何数据：", "处错误未列出"
        )
    else:
        verb = "将" if report.dry_run else "已"
        lines.append(
            f"{verb}新增 {report.created} 条，{verb}更新 {report.updated} 条，"
            f"未变化 {report.unchanged} 条"
            + (f"，{verb}发布 {report.published} 条" if report.published else "")
        )
        if report.dry_run:
            lines.append("试运行（--dry-run）：没有写入数据库。")
        lines += _created_lines(report) if codes else []
        lines += _short_lines(report)
    lines += _problems(
        report.rejected, max_problems, "未导入 {} 行（不是本清单的记录）：", "行未列出"
    )
    lines += _problems(report.warnings, max_problems, "提示 {} 条：", "条提示未列出")
    lines += report.notes
    return lines


def _created_lines(report: ImportReport) -> list[str]:
    if not report.created_codes:
        return []
    verb = "将新增" if report.dry_run else "新增"
    shown = report.created_codes[:MAX_CODES_SHOWN]
    lines = [f"{verb}记录的编码：", *(f"  {code}" for code in shown)]
    if len(report.created_codes) > len(shown):
        lines.append(f"  ……另有 {len(report.created_codes) - len(shown)} 个")
    return lines


def _short_lines(report: ImportReport) -> list[str]:
    if not report.short_of:
        return []
    verb = "将" if report.dry_run else "已"
    head = (
        f"{verb}作为草稿载入（记录不完整，未发布）{report.short_records} 条"
        if report.first_load
        else f"草稿中不完整的 {report.short_records} 条（补全前不能提交或发布）"
    )
    lines = [
        f"{head}；按字段统计缺少的记录数：",
        *(f"  {lack_text(lack)}：{n} 条" for lack, n in report.short_of.most_common()),
    ]
    if Lack("责任事项") in report.short_of and report.first_load:
        lines.append(
            "  责任事项随部门责任清单导入（zwbot import responsibilities）：首次载入可先不带"
            " --publish 导入事项和责任清单，再带 --publish 导入同一事项文件，完整的即发布。"
        )
    lines.append("补全后经“提交”“审核”发布。")
    return lines
