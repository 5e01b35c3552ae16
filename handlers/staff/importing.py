"""导入: a staff member names a list, sends an xlsx/csv file, gets the validation report and
drafts. Published records are never changed by an import (use 变更), clerks touch only their
own department's items; the whole file is imported or nothing."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import WeChatApiError
from bot.events import Event
from bot.fsm import FSMContext, State, StatesGroup
from catalogue.lists.completeness import model_of
from catalogue.lists.declarations import FILED
from catalogue.models import PublicationStatus, Role, StaffMember
from catalogue.workflow import permissions
from catalogue.workflow.errors import ForbiddenError, InvalidInputError
from catalogue.workflow.outcome import Outcome
from catalogue.workflow.runner import Operation
from handlers.staff import parsing
from handlers.staff.desk import Desk
from handlers.staff.refusals import ROLE_NAMES
from handlers.staff.texts import IMPORT_NO_FILE, IMPORT_WAIT

if TYPE_CHECKING:
    from catalogue.importing.tables import TableLimits

WAIT_SECONDS = 600.0
CODES_SHOWN = 50  # codes listed in an import's answer; the rest are counted
KIND_WORDS = {
    "事项": "items",
    "items": "items",
    "资金": "funds",
    "专项资金": "funds",
    "funds": "funds",
    "扶贫项目": "poverty-projects",
    "poverty-projects": "poverty-projects",
    "扶贫资金": "poverty-allocations",
    "扶贫分配": "poverty-allocations",
    "poverty-allocations": "poverty-allocations",
}
KIND_LABELS = {
    "items": "事项清单",
    "funds": "专项资金管理清单",
    "poverty-projects": "扶贫项目清单",
    "poverty-allocations": "扶贫资金分配计划",
}
ROLE_KINDS = {
    Role.CLERK: ("items",),
    Role.FINANCE: ("funds",),
    Role.POVERTY_OFFICE: ("poverty-projects", "poverty-allocations"),
    Role.ADMIN: tuple(KIND_LABELS),
}


class StaffImport(StatesGroup):
    """Waiting for the file of an import."""

    waiting = State()


def _kind(role: str, word: str) -> str:
    allowed = ROLE_KINDS.get(Role(role), ())
    if not allowed:
        raise ForbiddenError(f"{ROLE_NAMES[Role(role)]}不能导入清单。")
    if not word:
        return allowed[0]
    kind = KIND_WORDS.get(word.strip().lower())
    if kind is None:
        raise InvalidInputError("导入类型应为：事项、资金、扶贫项目或扶贫资金。")
    if kind not in allowed:
        raise ForbiddenError(f"您的角色不能导入{KIND_LABELS[kind]}。")
    return kind


async def start(desk: Desk, state: FSMContext, args: str) -> str:
    """“导入 [类型]”: wait for the file."""
    words = parsing.words(args)
    try:
        kind = _kind(desk.actor.role, words[0] if words else "")
    except (ForbiddenError, InvalidInputError) as error:
        await desk.audit_event("import.start", f"refused: {error}", f"导入 {args}")
        return str(error)
    await state.set_state(StaffImport.waiting)
    await state.set_data({"staff_import": kind, "staff_import_until": time.time() + WAIT_SECONDS})
    return IMPORT_WAIT.format(kind=KIND_LABELS[kind])


def media_of(event: Event) -> tuple[str, str] | None:
    """The MediaId and file name of a file message, if it is one."""
    media_id = event.raw.get("MediaId", "")
    if event.msg_type not in ("file", "document") or not media_id:
        return None
    return media_id, event.raw.get("FileName", "") or event.raw.get("Title", "")


async def _snapshot(session: AsyncSession, kind: str) -> dict[int, int]:
    model = model_of(FILED[kind])
    rows = await session.execute(select(model.id, model.version))
    return {int(row[0]): int(row[1]) for row in rows}


def _check_touched(staff: StaffMember, kind: str, records: list[Any]) -> None:
    for record in records:
        if record.status not in (
            PublicationStatus.DRAFT.value,
            PublicationStatus.PENDING_REVIEW.value,
        ):
            name = getattr(record, "name", None) or getattr(record, "project_name", "")
            raise ForbiddenError(
                f"导入不能修改已发布的记录（{name}）。已发布内容请用“变更”命令，经审核后发布。"
            )
        if kind == "items" and staff.role == Role.CLERK.value:
            permissions.require_department(staff, record.department_id, "导入")


async def receive(desk: Desk, state: FSMContext, event: Event) -> str:
    """A file arrived: download it, import it as drafts in one transaction, report."""
    media = media_of(event)
    data = await state.get_data()
    waiting = await state.get_state() == StaffImport.waiting.state and time.time() <= float(
        data.get("staff_import_until", 0)
    )
    if media is None:
        return IMPORT_NO_FILE
    media_id, file_name = media
    try:
        kind = str(data["staff_import"]) if waiting else _kind(desk.actor.role, "")
    except (ForbiddenError, InvalidInputError) as error:
        return str(error)
    await state.clear()
    if desk.wecom is None:
        return "本通道无法接收文件，请在企业微信应用中发送。"
    try:
        content, served_name = await desk.wecom.download_media(media_id)
    except WeChatApiError:
        return "文件下载失败，请稍后重新发送。"
    name = Path(served_name or file_name or "upload.xlsx").name
    with tempfile.TemporaryDirectory(prefix="zwbot-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        operation = import_operation(kind, path, desk.import_limits)
        return await desk.run(f"导入 {KIND_LABELS[kind]} {name}", operation)


def _created_codes(kind: str, records: list[Any], before: dict[int, int]) -> list[str]:
    """The codes (items) or numbers (list rows) of the records the import created."""
    fresh = [r for r in records if r.id not in before]
    if kind == "items":
        return [str(r.code) for r in fresh if getattr(r, "code", "")]
    return [f"#{r.id}" for r in fresh]


def import_operation(kind: str, path: Path, limits: TableLimits | None) -> Operation:
    """The workflow operation of one import: the file validated and loaded as drafts in the
    command's transaction, all or nothing, the report (with the codes created) as its answer.
    The chat's 导入 and the console's upload both run it."""
    name = path.name

    async def op(session: AsyncSession, staff: StaffMember) -> Outcome:
        # The importer loads at the first upload, not at a worker's start.
        from catalogue.importing import import_file
        from catalogue.importing.tables import DEFAULT_LIMITS
        from handlers.staff.import_wording import report_lines

        _kind(staff.role, kind)
        before = await _snapshot(session, kind)
        report = await import_file(
            session, kind, path, publish=False, limits=limits or DEFAULT_LIMITS
        )
        report.source = name  # the sender's file name, not the server's temporary path
        text = "\n".join(report_lines(report, max_problems=30, codes=False))
        if not report.ok:
            raise InvalidInputError(text)
        await session.flush()
        after = await _snapshot(session, kind)
        touched = [i for i, version in after.items() if before.get(i) != version]
        model = model_of(FILED[kind])
        records = [await session.get(model, record_id) for record_id in touched]
        found = [r for r in records if r is not None]
        _check_touched(staff, kind, found)
        created = _created_codes(kind, found, before)
        if created:
            shown = "、".join(created[:CODES_SHOWN])
            more = f" 等 {len(created)} 个" if len(created) > CODES_SHOWN else ""
            text += f"\n新建：{shown}{more}"
        drafts = "\n导入内容为草稿：发送“提交 编码”送审。"
        if report.short_records:
            drafts += "不完整的草稿逐条缺哪些内容：发送“我的草稿”。"
        return Outcome(
            action=f"import.{kind}",
            target=name[:64],
            message=text + drafts,
            result=ImportDone(kind, tuple(created), report.created, report.updated),
            after={"created": report.created, "updated": report.updated, "file": name},
        )

    return op


@dataclass(frozen=True, slots=True)
class ImportDone:
    """What an import loaded: its kind, the codes (items) or numbers it created, counts."""

    kind: str
    created_codes: tuple[str, ...]
    created: int
    updated: int
