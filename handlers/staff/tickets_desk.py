"""Staff commands for citizens' 人工 tickets and 好差评 cases: list, answer, close; the 差评
ledger, follow-up (回访) and rectification (整改). Each runs through the workflow runner
(audited, exactly once per message); an answer is then sent to the citizen."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import ratings as rating_rules
from catalogue import tickets as ticket_rules
from catalogue.models import Role, StaffMember, utcnow
from catalogue.workflow import runner
from catalogue.workflow.outcome import Outcome
from handlers.staff import parsing, refusals, ticket_wording, wording
from handlers.staff.commands import StaffCommand
from handlers.staff.desk import Desk

LEDGER_LIMIT = 30


def _all_words(args: str) -> bool:
    return any(word in ("全部", "all") for word in parsing.words(args))


async def _tickets(desk: Desk, args: str) -> str:
    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        now = utcnow()
        found = await ticket_rules.unfinished_tickets(session, staff)
        if not found:
            text = "没有待办的人工工单。"
        else:
            names = await ticket_rules.department_names(
                session, {t.department_id for t in found if t.department_id is not None}
            )
            late = sum(ticket_rules.sla(t, now).overdue for t in found if t.state == "open")
            head = f"人工工单 {len(found)} 件" + (f"，其中 {late} 件已超时" if late else "")
            lines = [ticket_wording.ticket_line(t, now, names) for t in found]
            text = (
                f"{head}（1个工作日内答复）：\n"
                + "\n".join(lines)
                + "\n答复：回复 #号 内容；不答复：关闭 #号 理由"
            )
        return Outcome(action="staff.tickets", target="", message=text)

    return await desk.run("工单", op)


async def _answer(desk: Desk, args: str) -> str:
    number, answer = parsing.head_and_rest(args, "工单号和答复内容，例如：回复 #12 您好，……")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        ticket_id = parsing.record_id(number, "工单")
        return await ticket_rules.answer_ticket(session, staff, ticket_id, answer)

    outcome = await runner.run(
        desk.sessions,
        desk.actor,
        f"回复 {args}",
        op,
        key=desk.key,
        render=wording.render,
        explain=refusals.explain,
    )
    if outcome.refused or outcome.replayed:
        return outcome.message
    ticket_id = parsing.record_id(number, "工单")
    if desk.post is None:
        return f"{outcome.message}\n公众号客服消息未配置，答复已保存，尚未发送。"
    delivery = await desk.post.deliver_ticket(ticket_id)
    return f"{outcome.message}\n{delivery.message}"


async def _close(desk: Desk, args: str) -> str:
    number, reason = parsing.head_and_rest(args, "工单号和关闭理由，例如：关闭 #12 重复提问")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        ticket_id = parsing.record_id(number, "工单")
        return await ticket_rules.close_ticket(session, staff, ticket_id, reason)

    return await desk.run(f"关闭 {args}", op)


async def _ledger(desk: Desk, args: str) -> str:
    everything = _all_words(args)

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        department = staff.department_id if staff.role == Role.CLERK else None
        rows = await rating_rules.ledger(
            session, department_id=department, open_only=not everything, limit=LEDGER_LIMIT
        )
        what = "差评台账" if everything else "未办结的差评"
        if not rows:
            text = f"没有{what}。" + ("" if everything else "发送“差评 全部”查看全部台账。")
        else:
            text = (
                f"{what}（最近 {len(rows)} 条）：\n"
                + "\n".join(ticket_wording.ledger_line(row) for row in rows)
                + "\n回访：回访 #号 内容；整改：整改 #号 内容"
            )
        return Outcome(action="staff.ratings", target="", message=text)

    return await desk.run(f"差评 {args}".strip(), op)


async def _follow_up(desk: Desk, args: str) -> str:
    number, text = parsing.head_and_rest(args, "差评编号和回访情况，例如：回访 #5 已电话联系")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        rating_id = parsing.record_id(number, "差评")
        return await rating_rules.follow_up(session, staff, rating_id, text)

    return await desk.run(f"回访 {args}", op)


async def _rectify(desk: Desk, args: str) -> str:
    number, text = parsing.head_and_rest(args, "差评编号和整改情况，例如：整改 #5 已补充说明")

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        rating_id = parsing.record_id(number, "差评")
        return await rating_rules.rectify(session, staff, rating_id, text)

    return await desk.run(f"整改 {args}", op)


TICKET_COMMANDS: tuple[StaffCommand, ...] = (
    StaffCommand(("工单", "tickets"), _tickets),
    StaffCommand(("回复", "answer"), _answer),
    StaffCommand(("关闭", "close"), _close),
    StaffCommand(("差评", "badratings"), _ledger),
    StaffCommand(("回访", "followup"), _follow_up),
    StaffCommand(("整改", "rectify"), _rectify),
)
