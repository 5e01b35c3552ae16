"""The "回复更多" flow: parts of a long reply kept in the user's FSM data until asked for.

`continuation` is the dispatcher's built-in outer middleware (the outermost): "更多" is
answered from the kept parts without reaching any router, and any other message drops them.
"""

from __future__ import annotations

from typing import Any

from bot.events import Event
from bot.filters import text_of
from bot.fsm import FSMContext
from bot.replies import MORE_COMMAND, TextReply
from bot.types import Data, NextHandler

#: The FSM data key the kept parts live under.
MORE_KEY = "_bot_more"


def asks_for_more(said: str | None) -> bool:
    return said is not None and said.strip().strip("“”\"'‘’") == MORE_COMMAND


async def keep_rest(
    state: FSMContext, parts: list[str], *, data: dict[str, Any] | None = None
) -> None:
    """Remember `parts` (in order) for the next "更多"; an empty list forgets them.

    `data` is the user's FSM data when the caller has just read it (saves a read).
    """
    data = await state.get_data() if data is None else data
    if parts:
        data[MORE_KEY] = parts
    elif MORE_KEY in data:
        del data[MORE_KEY]
    else:
        return
    await state.set_data(data)


async def next_part(state: FSMContext, *, data: dict[str, Any] | None = None) -> TextReply | None:
    """The next kept part, or None when nothing is waiting."""
    data = await state.get_data() if data is None else data
    parts = data.get(MORE_KEY)
    if not isinstance(parts, list) or not parts:
        return None
    await keep_rest(state, [str(part) for part in parts[1:]], data=data)
    return TextReply(str(parts[0]))


async def continuation(handler: NextHandler, event: Event, data: Data) -> Any:
    """Outer middleware: "更多" gets the next kept part; a new question drops the rest."""
    state: FSMContext = data["state"]
    if asks_for_more(text_of(event)):
        kept = await next_part(state)
        if kept is not None:
            return kept
    elif state.may_hold(MORE_KEY):
        await keep_rest(state, [])
    return await handler(event, data)
