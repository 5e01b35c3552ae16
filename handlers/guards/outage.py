"""What people get while the database is down: a polite "busy" reply, never a crash or a 500.

`OutageGuard` is a bot outer middleware around the citizen and staff routers. A handler's
session is rolled back by its owner when the error passes through, so a staff command that
meets a dead database changes nothing ("fails whole"); the next message after the database
returns works again, because the engine's pool pre-ping replaces dead connections."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.events import Event
from bot.replies import TextReply
from bot.types import Data, NextHandler
from handlers.observability import metrics
from handlers.observability.logs import get_logger

BUSY_TEXT = "系统繁忙，请稍后再试。"
STAFF_BUSY_TEXT = "系统繁忙，请稍后再试。本次操作没有执行，数据未作任何修改。"
log = get_logger(__name__)


def is_database_outage(error: BaseException) -> bool:
    """Whether `error` means the database cannot be reached (not a bug in a query)."""
    if isinstance(error, OperationalError | InterfaceError | DisconnectionError | PoolTimeout):
        return True
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return True
    # asyncpg raises plain socket errors when it cannot connect at all.
    return isinstance(error, OSError | TimeoutError)


class OutageGuard:
    """`router.outer_middleware(OutageGuard())`; staff routers pass `STAFF_BUSY_TEXT`."""

    def __init__(self, text: str = BUSY_TEXT) -> None:
        self.text = text

    async def __call__(self, handler: NextHandler, event: Event, data: Data) -> Any:
        try:
            return await handler(event, data)
        except Exception as error:
            if not is_database_outage(error):
                raise
            metrics.record_error("database")
            log.warning(
                "database unreachable; answered busy",
                kind=str(event.kind),
                openid=event.user_id,
                error=f"{type(error).__name__}: {error}"[:300],
            )
            return TextReply(self.text)
