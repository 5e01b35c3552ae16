"""The channel-agnostic staff router: identity guard, confirmation, import, commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.events import Event
from bot.filters import Command, CommandObject, StateFilter, text_of
from bot.fsm import FSMContext
from bot.router import Router
from bot.types import SkipHandler
from handlers.guards.privacy import openid_hash
from handlers.settings import Settings
from handlers.staff import confirmation, importing
from handlers.staff.bound import BoundOpenids
from handlers.staff.commands import COMMANDS, StaffCommand
from handlers.staff.desk import Desk, Identify, StaffIdentity, by_openid
from handlers.staff.my_work import MY_WORK_COMMANDS
from handlers.staff.texts import UNKNOWN
from handlers.staff.tickets_desk import TICKET_COMMANDS

PREFIXES = ("", "/", "／")


def _handler(spec: StaffCommand) -> Callable[..., Awaitable[str]]:
    async def handle(event: Event, desk: Desk, command: CommandObject, state: FSMContext) -> str:
        if spec.confirm is not None:
            what = await spec.confirm(desk, command.args)
            if what is not None:
                return await confirmation.ask(desk, state, command.command, command.args, what)
        return await spec.run(desk, command.args)

    handle.__name__ = f"staff_{spec.names[-1]}"
    return handle


def staff_router(identify: Identify, *, channel: str = "wecom", catch_all: bool = True) -> Router:
    """Every staff command, for active staff only (others fall through, UNHANDLED).

    `identify` finds the staff account of an event (`by_wecom_user`, `by_openid(...)`);
    `catch_all` answers unknown text with help (on the WeCom app), off where citizens'
    routers must still see the bound staff member's other messages.
    Needs `sessions` in the dispatcher's data; uses `search` (live index) and `wecom`.
    """
    router = Router(name=f"staff-{channel}")
    router.outer_middleware(StaffIdentity(identify, channel))

    @router.text(
        StateFilter(confirmation.StaffConfirm.waiting), Command("确认", "取消", prefixes=PREFIXES)
    )
    async def confirm(event: Event, desk: Desk, state: FSMContext) -> str:
        return await confirmation.answer(desk, state, text_of(event) or "")

    @router.text(Command("导入", "import", prefixes=PREFIXES))
    async def start_import(
        event: Event, desk: Desk, command: CommandObject, state: FSMContext
    ) -> str:
        return await importing.start(desk, state, command.args)

    for spec in (*COMMANDS, *TICKET_COMMANDS, *MY_WORK_COMMANDS):
        router.text.register(_handler(spec), Command(*spec.names, prefixes=PREFIXES))

    @router.unknown()
    async def file_message(event: Event, desk: Desk, state: FSMContext) -> str:
        if importing.media_of(event) is None:
            raise SkipHandler
        return await importing.receive(desk, state, event)

    if catch_all:
        # On the staff app nothing a member sends may reach the strangers' refusal below it.

        async def unknown(event: Event, desk: Desk) -> str:
            return UNKNOWN

        async def quiet(event: Event, desk: Desk) -> None:
            return None

        for observer in (router.text, router.voice, router.image, router.link):
            observer.register(unknown)
        router.unknown.register(quiet)

    return router


def bound_staff_router(settings: Settings) -> Router:
    """The staff router on the citizens' official account: only for openids bound to active
    staff (`zwbot staff bind`); every other message falls through to the citizen routers."""
    return staff_router(
        by_openid(lambda openid: openid_hash(openid, settings), BoundOpenids()),
        channel="wechat",
        catch_all=False,
    )
