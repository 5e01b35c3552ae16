"""A staff member's own desk in the chat: the import templates (模板), their open requests and
their department's drafts (我的草稿), their department's records and what each lacks (我部门).
The facts come from `catalogue.workflow.records`; this module words them."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import WeChatApiError
from catalogue.models import StaffMember, utcnow
from catalogue.workflow import records
from catalogue.workflow.errors import InvalidInputError
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.workdays import china_date
from handlers.staff import parsing
from handlers.staff.commands import StaffCommand
from handlers.staff.completeness_wording import lack_text
from handlers.staff.desk import Desk
from handlers.staff.request_wording import request_line
from handlers.staff.wording import status_word

LIST_LIMIT = 30  # records listed in one answer; the rest are counted
TEMPLATE_KINDS = {
    "事项": "items",
    "items": "items",
    "责任": "responsibilities",
    "责任清单": "responsibilities",
    "责任事项": "responsibilities",
    "资金": "funds",
    "专项资金": "funds",
    "funds": "funds",
    "扶贫项目": "poverty-projects",
    "扶贫资金": "poverty-allocations",
    "扶贫分配": "poverty-allocations",
    "办件量": "cases",
    "cases": "cases",
}
TEMPLATE_LABELS = {
    "items": "事项清单",
    "responsibilities": "部门责任清单",
    "funds": "专项资金管理清单",
    "poverty-projects": "扶贫项目清单",
    "poverty-allocations": "扶贫资金分配计划",
    "cases": "办件量统计",
}
_TEMPLATE_HINT = "模板类型：" + "、".join(dict.fromkeys(TEMPLATE_KINDS)) + "，例如“模板 事项”。"


def _template_kind(args: str) -> str:
    words = parsing.words(args)
    if not words:
        return "items"
    kind = TEMPLATE_KINDS.get(words[0].strip().lower())
    if kind is None:
        raise InvalidInputError(f"没有「{parsing.quote(words[0])}」模板。{_TEMPLATE_HINT}")
    return kind


def template_fields(kind: str) -> str:
    """The columns of a template, required ones marked *, as one line each kind."""
    # The importer's schemas load at the first 模板, not at a worker's start.
    from catalogue.importing.templates import template_columns

    headers = [column.template_header for column in template_columns(kind)]
    return "、".join(headers)


async def _template(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        kind = _template_kind(args)
        label = TEMPLATE_LABELS[kind]
        fields = f"「{label}」的列（带 * 的必填）：{template_fields(kind)}"
        sent = ""
        if desk.wecom is not None and desk.channel == "wecom":
            name = f"{label}导入模板.xlsx"
            with tempfile.TemporaryDirectory(prefix="zwbot-template-") as folder:
                path = Path(folder) / "template.xlsx"
                from catalogue.importing.templates import write_template_xlsx

                write_template_xlsx(kind, path)
                content = path.read_bytes()
            try:
                await desk.wecom.send_file(desk.event.from_user, content, name)
                sent = f"已发送模板文件「{name}」（第二页是填写说明）。"
            except WeChatApiError:
                sent = "模板文件发送失败，请稍后再试；下面是模板的列。"
        else:
            sent = "本通道不能发送文件（请在企业微信应用中发送“模板”）；下面是模板的列。"
        lines = [sent, fields]
        if kind == "items":
            lines.append(
                "发布前还须齐备各类事项的必填内容（设定依据、办结时限、流程、监督方式、"
                "责任事项等），不完整的记录只能保存为草稿。"
            )
        lines.append("填好后发送“导入”，再发送文件。")
        return Outcome(action="staff.template", target=kind, message="\n".join(lines))

    return await desk.run(f"模板 {args}".strip(), op)


def _record_line(record: records.RecordLine) -> str:
    head = f"{record.name}（{record.ref}）{status_word(record.status)}"
    if record.complete:
        return f"{head}：完整"
    return f"{head}：缺 {'、'.join(lack_text(lack) for lack in record.short)}"


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= LIST_LIMIT:
        return lines
    return [*lines[:LIST_LIMIT], f"……另有 {len(lines) - LIST_LIMIT} 条"]


def drafts_text(result: records.MyDrafts) -> str:
    """我的草稿 in words."""
    parts = []
    if result.requests:
        lines = [request_line(r) for r in result.requests]
        parts.append(f"【我提出、未办结的申请】{len(lines)} 件\n" + "\n".join(_capped(lines)))
    if result.drafts:
        ready = sum(d.complete for d in result.drafts)
        lines = [_record_line(d) for d in result.drafts]
        parts.append(
            f"【{result.department}的草稿】{len(lines)} 条，其中完整可提交 {ready} 条\n"
            + "\n".join(_capped(lines))
            + "\n完整的草稿发送“提交 编码”送审；缺项的请补全后重新“导入”。"
        )
    if not parts:
        return "您没有未办结的申请" + ("，本部门也没有草稿。" if result.department else "。")
    return "\n\n".join(parts)


def department_text(result: records.DepartmentRecords | None) -> str:
    """我部门 in words."""
    if result is None:
        return "您的账号没有登记部门。各部门的情况请发送“通报”查看。"
    if not result.records:
        return f"{result.department}还没有事项或资金记录。"
    counts = "，".join(
        f"{status_word(status)} {n} 条" for status, n in sorted(result.by_status.items())
    )
    short = result.short
    lines = [f"【{result.department}】共 {len(result.records)} 条：{counts}"]
    if short:
        lines.append(f"不完整 {len(short)} 条（补全前不能提交或发布）：")
        lines += _capped([_record_line(r) for r in short])
    else:
        lines.append("全部记录的必填内容齐全。")
    return "\n".join(lines)


async def _my_drafts(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        outcome = await records.my_drafts(session, staff, china_date(utcnow()))
        outcome.message = drafts_text(outcome.result)
        return outcome

    return await desk.run("我的草稿", op)


async def _my_department(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        outcome = await records.department_records(session, staff, china_date(utcnow()))
        outcome.message = department_text(outcome.result)
        return outcome

    return await desk.run("我部门", op)


MY_WORK_COMMANDS: tuple[StaffCommand, ...] = (
    StaffCommand(("模板", "template"), _template),
    StaffCommand(("我的草稿", "草稿", "mydrafts"), _my_drafts),
    StaffCommand(("我部门", "本部门", "mydepartment"), _my_department),
)
