"""The "回复更多" flow: parts of a long reply kept in the user's FSM data until asked for."""

from __future__ import annotations

from typing import Any

from bot.fsm import FSMContext
from bot.replies import MORE_COMMAND, TextReply

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
