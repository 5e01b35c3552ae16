"""The staff commands: each parses its words and runs one workflow operation through the desk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import duties as duty_rules
from catalogue import duty_report
from catalogue import tickets as ticket_rules
from catalogue.lists.declarations import (
    FUNDS,
    POVERTY_ALLOCATIONS,
    POVERTY_PROJECTS,
    ListDeclaration,
)
from catalogue.models import Item, Role, StaffMember, utcnow
from catalogue.staff import needs_second_factor
from catalogue.workflow import fields as item_fields
from catalogue.workflow import lists, notices, permissions, proposals, publishing, review, views
from catalogue.workflow.errors import InvalidInputError, WorkflowError
from catalogue.workflow.lookup import find_request
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.results import RequestInfo
from catalogue.workflow.rules import parse_suspension_reason
from catalogue.workflow.workdays import china_date
from handlers.staff import duty_wording, parsing
from handlers.staff.desk import Desk
from handlers.staff.request_wording import request_line
from handlers.staff.texts import HELP
from handlers.staff.wording import tickets_block

Run = Callable[[Desk, str], Awaitable[str]]
#: What a command would do, when it must be confirmed first (None: run at once).
NeedsConfirmation = Callable[[Desk, str], Awaitable[str | None]]


@dataclass(frozen=True)
class StaffCommand:
    """A command word (and aliases), how it runs and whether it must be confirmed."""

    names: tuple[str, ...]
    run: Run
    confirm: NeedsConfirmation | None = None


def _may(desk: Desk, roles: frozenset[Role]) -> bool:
    # Ask for confirmation only when the role could do it at all; otherwise run the command
    # straight away so that it is refused (and audited) without a pointless confirmation.
    return Role(desk.actor.role) in roles


def _today() -> date:
    return china_date(utcnow())


async def _help(desk: Desk, args: str) -> str:
    return HELP


async def _show(desk: Desk, args: str) -> str:
    word, _ = parsing.head_and_rest(args, "事项编码，例如：查 XK00001000")
    return await desk.run(f"查 {args}", lambda s, m: views.show_item(s, m, parsing.code(word)))


async def _todo(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        requests = await views.pending_requests(session, staff)
        today = _today()
        mine = duty_rules.duties_of(staff, await duty_rules.compute_duties(session, today))
        decided = await notices.decided_since(session, staff, notices.yesterday_start(today))
        duty = ticket_rules.on_duty(staff, desk.duty_staff)
        tickets = await ticket_rules.tickets_waiting_for(session, staff, on_duty=duty)
        parts = []
        if tickets:
            parts.append(await tickets_block(session, tickets))
        if requests:
            lines = (request_line(RequestInfo.of(r)) for r in requests)
            parts.append("【等您办理的申请】\n" + "\n".join(lines))
        if decided:
            lines = (request_line(RequestInfo.of(r)) for r in decided)
            parts.append("【您的申请昨日以来的结果】\n" + "\n".join(lines))
        if mine:
            parts.append(duty_wording.summary(mine, today))
        text = "\n\n".join(parts) if parts else "目前没有等您办理的事项。"
        return Outcome(action="staff.todo", target="", message=text)

    return await desk.run("待办", op)


async def _overdue(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        today = _today()
        mine = duty_rules.duties_of(staff, await duty_rules.compute_duties(session, today))
        late = [duty for duty in mine if duty.overdue(today)]
        text = duty_wording.summary(late, today) if late else "没有逾期的工作。"
        return Outcome(action="staff.overdue", target="", message=text)

    return await desk.run("逾期", op)


async def _report(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        permissions.require(staff, permissions.SUPERVISORS, "查看部门工作通报")
        text = duty_wording.report_text(await duty_report.build(session, _today()))
        return Outcome(action="staff.report", target="", message=text)

    return await desk.run("通报", op)


async def _submit(desk: Desk, args: str) -> str:
    word, _ = parsing.head_and_rest(args, "草稿的编码")
    return await desk.run(f"提交 {args}", lambda s, m: proposals.submit(s, m, parsing.code(word)))


async def _approve(desk: Desk, args: str) -> str:
    word, _ = parsing.head_and_rest(args, "申请号或编码，例如：通过 #12")
    return await desk.run(
        f"通过 {args}", lambda s, m: review.approve(s, m, parsing.request_ref(word))
    )


def _confirms(desk: Desk) -> bool:
    # Every approving, deciding or publishing role confirms with its TOTP code (等保三级);
    # a role that cannot act at all (the auditor) is refused straight away instead.
    return needs_second_factor(desk.actor.role)


def _deciders(target_kind: str) -> frozenset[Role]:
    # Who could decide a request of this kind at all: the others are refused at once.
    if target_kind == "fund":
        return permissions.FUND_MANAGERS
    if target_kind.startswith("poverty"):
        return permissions.POVERTY_MANAGERS
    return permissions.REVIEWERS | permissions.DECIDERS


async def _decision_confirm(desk: Desk, args: str, verb: str) -> str | None:
    """“通过/驳回 #id”: every decision is confirmed with the decider's TOTP code."""
    if not _confirms(desk):
        return None
    word, reason = parsing.head_and_rest(args, "申请号或编码")
    async with desk.sessions() as session:
        try:
            request = await find_request(session, parsing.request_ref(word))
        except WorkflowError:
            return None  # the command itself explains what is wrong
        if not _may(desk, _deciders(request.target_kind)):
            return None
        if verb == "通过" and review.is_destructive(request):
            what = "作废" if request.action == "abolish" else "合并"
            return f"通过 #{request.id}（{what} {request.target_code}）"
        why = f"，理由：{parsing.quote(reason)}" if verb == "驳回" and reason else ""
        return f"{verb} #{request.id}（{request.target_code}{why}）"


async def _approve_confirm(desk: Desk, args: str) -> str | None:
    return await _decision_confirm(desk, args, "通过")


async def _reject_confirm(desk: Desk, args: str) -> str | None:
    return await _decision_confirm(desk, args, "驳回")


async def _reject(desk: Desk, args: str) -> str:
    word, reason = parsing.head_and_rest(args, "申请号或编码和理由")
    return await desk.run(
        f"驳回 {args}", lambda s, m: review.reject(s, m, parsing.request_ref(word), reason)
    )


async def _withdraw(desk: Desk, args: str) -> str:
    word, _ = parsing.head_and_rest(args, "要撤回的申请号或编码，例如：撤回 #12")
    return await desk.run(
        f"撤回 {args}", lambda s, m: review.withdraw(s, m, parsing.request_ref(word))
    )


async def _publish(desk: Desk, args: str) -> str:
    words = parsing.words(args)

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        if len(words) == 1 and words[0].lower() in parsing.ALL_WORDS:
            return await publishing.publish(session, staff, None)
        refs = [parsing.request_ref(word) for word in words]
        return await publishing.publish(session, staff, refs)

    return await desk.run(f"发布 {args}", op)


async def _publish_confirm(desk: Desk, args: str) -> str | None:
    publishers = permissions.PUBLISHERS | permissions.FUND_MANAGERS | permissions.POVERTY_MANAGERS
    if not _may(desk, publishers) or not _confirms(desk):
        return None
    refs = parsing.words(args)
    if not refs:
        return None
    if len(refs) == 1 and refs[0].lower() not in parsing.ALL_WORDS:
        if not await _may_publish_one(desk, refs[0]):
            return None
        return f"发布 {parsing.quote(refs[0])}"
    return f"批量发布 {parsing.quote(' '.join(refs))}"


async def _may_publish_one(desk: Desk, ref: str) -> bool:
    """Whether asking for a code makes sense: the request exists and, for a clerk, is their
    department's (otherwise the command runs at once and says why it is refused)."""
    async with desk.sessions() as session:
        try:
            request = await find_request(session, parsing.request_ref(ref))
        except WorkflowError:
            return False
        if Role(desk.actor.role) is not Role.CLERK:
            return True
        staff = await session.get(StaffMember, desk.actor.staff_id)
        item = await session.get(Item, request.target_id) if request.target_kind == "item" else None
        return staff is not None and item is not None and item.department_id == staff.department_id


async def _change(desk: Desk, args: str) -> str:
    code, rest = parsing.head_and_rest(args, "编码和要变更的字段，例如：变更 编码 电话=0935-1")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        given = parsing.assignments(rest)
        changes = []
        for name, raw in given.pairs:
            spec = item_fields.field_spec(name)
            changes.append((spec, parsing.field_value(spec, raw)))
        return await proposals.propose_change(
            session, staff, parsing.code(code), changes, given.change_class
        )

    return await desk.run(f"变更 {args}", op)


async def _suspend(desk: Desk, args: str) -> str:
    code, rest = parsing.head_and_rest(args, "编码、第十条情形和理由")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        marker, reason = parsing.head_and_rest(rest, "第十条情形（一）至（四）和理由")
        return await proposals.propose_suspension(
            session, staff, parsing.code(code), parse_suspension_reason(marker), reason
        )

    return await desk.run(f"暂停 {args}", op)


async def _resume(desk: Desk, args: str) -> str:
    word, reason = parsing.head_and_rest(args, "要恢复的事项编码")
    return await desk.run(
        f"恢复 {args}",
        lambda s, m: proposals.propose_resumption(s, m, parsing.code(word), reason),
    )


async def _abolish(desk: Desk, args: str) -> str:
    word, basis = parsing.head_and_rest(args, "编码和作废依据")
    return await desk.run(
        f"作废 {args}",
        lambda s, m: proposals.propose_abolition(s, m, parsing.code(word), basis),
    )


async def _abolish_confirm(desk: Desk, args: str) -> str | None:
    if not _may(desk, permissions.PROPOSERS):
        return None
    return f"申请作废 {parsing.quote(args)}"


def _merge_parts(args: str) -> tuple[list[str], str, list[str]]:
    codes: list[str] = []
    words = parsing.words(args)
    while words and parsing.is_code(words[0]):
        codes.append(parsing.code(words.pop(0)))
    name = [word for word in words if not word.startswith("暂停")]
    return codes, " ".join(name), words


async def _merge(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        codes, _, rest = _merge_parts(args)
        choice = parsing.merge_choice(rest)
        name = " ".join(rest)
        return await proposals.propose_merger(session, staff, codes, name, choice)

    return await desk.run(f"合并 {args}", op)


async def _merge_confirm(desk: Desk, args: str) -> str | None:
    if not _may(desk, permissions.PROPOSERS):
        return None
    codes, name, _ = _merge_parts(args)
    return f"申请将 {len(codes)} 个事项合并为“{parsing.quote(name)}”"


async def _budget(desk: Desk, args: str) -> str:
    year, rest = parsing.head_and_rest(args, "年度和批准日期，例如：预算批准 2026 2026-01-10")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        day, tail = parsing.head_and_rest(rest, "批准日期，例如：预算批准 2026 2026-01-10")
        given = parsing.assignments(tail)
        note = given.pop("说明", "理由") or ""
        if given.pairs:
            raise InvalidInputError("预算批准只需年度、日期和（更正时的）说明=…。")
        return await lists.record_budget_approval(
            session, staff, parsing.year(year), parsing.day(day), note
        )

    return await desk.run(f"预算批准 {args}", op)


async def _budget_confirm(desk: Desk, args: str) -> str | None:
    if not _may(desk, permissions.FUND_MANAGERS) or not _confirms(desk):
        return None
    return f"登记预算批准 {parsing.quote(args.strip())}"


async def _fund_publish(desk: Desk, args: str) -> str:
    year, _ = parsing.head_and_rest(args, "年度，例如：资金发布 2026")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        return await lists.propose_fund_list_publication(session, staff, parsing.year(year))

    return await desk.run(f"资金发布 {args}", op)


async def _year_confirm(
    desk: Desk, args: str, managers: frozenset[Role], kind: str, question: str
) -> str | None:
    """Ask before publishing a year's list: `question` with {year} and {count} unpublished."""
    if not _may(desk, managers) or not _confirms(desk):
        return None
    year, _ = parsing.head_and_rest(args, "年度")
    try:
        async with desk.sessions() as session:
            count = await lists.count_unpublished(session, kind, parsing.year(year))
    except WorkflowError:
        return None
    return question.format(year=year, count=count) if count else None


async def _fund_publish_confirm(desk: Desk, args: str) -> str | None:
    question = "申请发布 {year} 年度专项资金管理清单（{count} 个项目）"
    return await _year_confirm(desk, args, permissions.FUND_MANAGERS, "fund", question)


async def _fund_change(desk: Desk, args: str) -> str:
    number, rest = parsing.head_and_rest(args, "项目编号和变更内容")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        given = parsing.assignments(rest)
        note = given.pop("说明", "理由") or ""
        occurred = given.pop("发生", "发生日期", "变更日期")
        when = parsing.day(occurred) if occurred else _today()
        fund_id = parsing.record_id(number, "项目")
        changes = _list_changes(FUNDS, given.pairs)
        return await lists.propose_fund_change(session, staff, fund_id, changes, note, when)

    return await desk.run(f"资金变更 {args}", op)


def _list_changes(
    declaration: ListDeclaration, pairs: Sequence[tuple[str, str]]
) -> lists.ListChanges:
    """`字段=值` pairs of a list change, by the names the list's declaration gives its fields."""
    return dict(lists.list_change(declaration, name, raw) for name, raw in pairs)


async def _poverty_row_change(
    desk: Desk,
    args: str,
    command: str,
    what: str,
    declaration: ListDeclaration,
    propose: Callable[..., Awaitable[Outcome]],
) -> str:
    """扶贫变更 / 扶贫资金变更 N 字段=值 … 说明=… 审定=日期: one row of a poverty list."""
    number, rest = parsing.head_and_rest(args, f"{what}编号和变更内容")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        given = parsing.assignments(rest)
        note = given.pop("说明", "理由") or ""
        decided = given.pop("审定", "审定日期")
        if not decided:
            raise InvalidInputError("请写明调整变更的审定日期：审定=2026-09-30。")
        row_id = parsing.record_id(number, what)
        changes = _list_changes(declaration, given.pairs)
        return await propose(session, staff, row_id, changes, note, parsing.day(decided))

    return await desk.run(f"{command} {args}", op)


async def _poverty_change(desk: Desk, args: str) -> str:
    return await _poverty_row_change(
        desk, args, "扶贫变更", "项目", POVERTY_PROJECTS, lists.propose_poverty_change
    )


async def _allocation_change(desk: Desk, args: str) -> str:
    return await _poverty_row_change(
        desk, args, "扶贫资金变更", "分配", POVERTY_ALLOCATIONS, lists.propose_allocation_change
    )


async def _poverty_review(desk: Desk, args: str) -> str:
    ref, rest = parsing.head_and_rest(args, "申请号和审核机关，例如：扶贫审核 #12 领导小组 …")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        body, tail = parsing.head_and_rest(rest, "审核机关：领导小组 或 市扶贫办")
        reviewing_body = parsing.reviewing_body(body)
        given = parsing.assignments(tail)
        reviewer = given.pop("审核人", "审核") or ""
        day = given.pop("日期", "审核日期")
        document = given.pop("文号", "审核文号") or ""
        if given.pairs:
            names = "、".join(name for name, _ in given.pairs)
            raise InvalidInputError(f"扶贫审核不需要“{names}”：只写 审核人=… 日期=… 文号=…。")
        if not day:
            raise InvalidInputError("请写明审核日期：日期=2026-03-01。")
        return await lists.record_poverty_review(
            session,
            staff,
            parsing.request_ref(ref),
            reviewing_body,
            reviewer,
            parsing.day(day),
            document,
        )

    return await desk.run(f"扶贫审核 {args}", op)


async def _poverty_refresh(desk: Desk, args: str) -> str:
    year, _ = parsing.head_and_rest(args, "年度，例如：扶贫更新 2027")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        return await lists.refresh_poverty_year(session, staff, parsing.year(year))

    return await desk.run(f"扶贫更新 {args}", op)


async def _poverty_refresh_confirm(desk: Desk, args: str) -> str | None:
    question = "申请整体更新发布 {year} 年度扶贫清单（{count} 条）"
    return await _year_confirm(desk, args, permissions.POVERTY_MANAGERS, "poverty", question)


async def _log(desk: Desk, args: str) -> str:
    word, _ = parsing.head_and_rest(args, "事项编码")
    return await desk.run(f"日志 {args}", lambda s, m: views.item_log(s, m, parsing.code(word)))


COMMANDS: tuple[StaffCommand, ...] = (
    StaffCommand(("帮助", "help"), _help),
    StaffCommand(("查", "查看", "cx"), _show),
    StaffCommand(("待办", "todo"), _todo),
    StaffCommand(("逾期", "overdue"), _overdue),
    StaffCommand(("通报", "report"), _report),
    StaffCommand(("提交", "submit"), _submit),
    StaffCommand(("通过", "approve"), _approve, _approve_confirm),
    StaffCommand(("驳回", "reject"), _reject, _reject_confirm),
    StaffCommand(("撤回", "withdraw"), _withdraw),
    StaffCommand(("发布", "publish"), _publish, _publish_confirm),
    StaffCommand(("变更", "change"), _change),
    StaffCommand(("暂停", "suspend"), _suspend),
    StaffCommand(("恢复", "resume"), _resume),
    StaffCommand(("作废", "abolish"), _abolish, _abolish_confirm),
    StaffCommand(("合并", "merge"), _merge, _merge_confirm),
    StaffCommand(("预算批准", "budget"), _budget, _budget_confirm),
    StaffCommand(("资金发布", "fundpublish"), _fund_publish, _fund_publish_confirm),
    StaffCommand(("资金变更", "fundchange"), _fund_change),
    StaffCommand(("扶贫变更", "povertychange"), _poverty_change),
    StaffCommand(("扶贫资金变更", "allocationchange"), _allocation_change),
    StaffCommand(("扶贫审核", "povertyreview"), _poverty_review),
    StaffCommand(("扶贫更新", "povertyrefresh"), _poverty_refresh, _poverty_refresh_confirm),
    StaffCommand(("日志", "log"), _log),
)

BY_NAME = {name: command for command in COMMANDS for name in command.names}
