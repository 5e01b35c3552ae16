"""The "回复更多" flow: parts of a long reply kept in the user's FSM data until asked for."""

from __future__ import annotations

from bot.fsm import FSMContext
from bot.replies import MORE_COMMAND, TextReply

_KEY = "_bot_more"


def asks_for_more(said: str | None) -> bool:
    return said is not None and said.strip().strip("“”\"'‘’") == MORE_COMMAND


async def keep_rest(state: FSMContext, parts: list[str]) -> None:
    """Remember `parts` (in order) for the next "更多"; an empty list forgets them."""
    data = await state.get_data()
    if parts:
        data[_KEY] = parts
    elif _KEY in data:
        del data[_KEY]
    else:
        return
    await state.set_data(data)


async def next_part(state: FSMContext) -> TextReply | None:
    """The next kept part, or None when nothing is waiting."""
    data = await state.get_data()
    parts = data.get(_KEY)
    if not isinstance(parts, list) or not parts:
        return None
    await keep_rest(state, [str(part) for part in parts[1:]])
    return TextReply(str(parts[0]))
