"""Finding the item or change request a staff command names, and describing their state."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.codes import BASIC_CODE_LENGTH, InvalidCodeError, format_code, normalize_code_text
from catalogue.models import ChangeRequest, Item, PublicationStatus, RetiredCode, StaffMember
from catalogue.workflow import permissions
from catalogue.workflow.errors import InvalidInputError, NotFoundError
from catalogue.workflow.rules import OPEN_STATES, Action, RequestState


def canonical(text: str) -> str:
    """The canonical code of what was typed, or a precise explanation of what is wrong."""
    try:
        return format_code(text)
    except InvalidCodeError as error:
        raise InvalidInputError(f"编码“{text}”有误：{error}") from None


async def find_item(session: AsyncSession, text: str, staff: StaffMember | None = None) -> Item:
    """The item a code names: a full 32-character code, or a basic code held by one item."""
    code = canonical(text)
    if len(normalize_code_text(code)) == BASIC_CODE_LENGTH:
        items = (await session.scalars(select(Item).where(Item.basic_code == code))).all()
        if len(items) > 1:
            listing = "\n".join(f"{item.code} {item.name}" for item in items[:10])
            raise InvalidInputError(
                f"基本编码 {code} 对应多个实施事项，请给出完整编码：\n{listing}"
            )
    else:
        items = (await session.scalars(select(Item).where(Item.code == code))).all()
    if not items:
        retired = await session.get(RetiredCode, code)
        if retired is not None:
            where = f"，已合并入 {retired.merged_into}" if retired.merged_into else ""
            raise NotFoundError(f"编码 {code}（{retired.name}）已作废{where}，编码不再使用。")
        raise NotFoundError(f"没有找到编码为 {code} 的事项。")
    item = items[0]
    if (
        staff is not None
        and not permissions.sees_all_drafts(staff)
        and item.status in (PublicationStatus.DRAFT.value, PublicationStatus.PENDING_REVIEW.value)
        and item.department_id != staff.department_id
    ):
        raise NotFoundError(f"没有找到编码为 {code} 的事项。")
    return item


def parse_request_id(text: str) -> int | None:
    """`#12`, `＃12` or `12` → 12; anything else (a code) → None."""
    core = text.strip().lstrip("#＃")
    if core.isdigit() and len(core) <= 9:
        return int(core)
    return None


async def find_request(session: AsyncSession, text: str) -> ChangeRequest:
    """A change request by `#id`, or the one open request on the item a code names."""
    request_id = parse_request_id(text)
    if request_id is not None:
        request = await session.get(ChangeRequest, request_id)
        if request is None:
            raise NotFoundError(f"没有编号为 #{request_id} 的变更申请。")
        return request
    item = await find_item(session, text)
    request = await open_request(session, "item", item.id)
    if request is None:
        raise NotFoundError(f"事项 {item.code} 没有待处理的变更申请。")
    return request


async def open_request(session: AsyncSession, kind: str, target_id: int) -> ChangeRequest | None:
    """The request still open on a record (at most one at a time), mergers included."""
    request = await session.scalar(
        select(ChangeRequest)
        .where(
            ChangeRequest.target_kind == kind,
            ChangeRequest.target_id == target_id,
            ChangeRequest.state.in_(OPEN_STATES),
        )
        .order_by(ChangeRequest.id.desc())
        .limit(1)
    )
    if request is not None or kind != "item":
        return request
    mergers = await session.scalars(
        select(ChangeRequest).where(
            ChangeRequest.target_kind == "item",
            ChangeRequest.action == Action.MERGE.value,
            ChangeRequest.state.in_(OPEN_STATES),
        )
    )
    for merger in mergers:
        if target_id in merger.payload.get("item_ids", []):
            return merger
    return None


def item_state(item: Item) -> str:
    """One line: name, code, status (with the 第十条 reason when suspended), version."""
    status = PublicationStatus(item.status).label
    if item.status == PublicationStatus.SUSPENDED.value and item.suspension_class:
        status += f"（第十条（{item.suspension_class}））"
    return f"{item.name}（{item.code}）\n状态：{status}，版本 {item.version}"


# Who reviews the fund and poverty lists (财政专项资金 by a second finance reviewer; 扶贫清单
# by the county leading group and the city poverty office, 《扶贫办法》第三条).
_FUND_REVIEW = "待县财政局复核"
_POVERTY_REVIEW = "待登记县扶贫开发领导小组和市扶贫办审核"
_LIST_REVIEW = {
    "fund": _FUND_REVIEW,
    "fund_list": _FUND_REVIEW,
    "budget_year": _FUND_REVIEW,
    "poverty_project": _POVERTY_REVIEW,
    "poverty_allocation": _POVERTY_REVIEW,
    "poverty_year": _POVERTY_REVIEW,
}


def request_line(request: ChangeRequest) -> str:
    """One line describing a change request and where it stands."""
    action = Action(request.action).label
    klass = f"第九条（{request.change_class}）" if request.change_class else ""
    state = RequestState(request.state).label
    if request.state == RequestState.PENDING_REVIEW.value:
        state = _LIST_REVIEW.get(request.target_kind, state)
    due = (
        f"，须于 {request.due_on:%Y-%m-%d} 前办结"
        if request.due_on and request.state in OPEN_STATES
        else ""
    )
    return f"#{request.id} {action}{klass} {request.target_code}：{state}{due}"
