"""What the bot remembers of one citizen between messages (FSM data under one key)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from pydantic import TypeAdapter, ValidationError

from bot.fsm import FSMContext, State, StatesGroup

_KEY = "citizen"
PAGE_SIZE = 5


class Citizen(StatesGroup):
    """States of a citizen's conversation."""

    # after 「人工」 with nothing to forward (a ticket opened at once, `Memory.ticket`), or a
    # complaint asking for a person: the next text is the question
    describing_problem = State()
    # after 「有人吗」: the next text, if it asks what cannot be served here, becomes a ticket
    person_asked = State()
    # after 「人工」 forwarded a question or complaint: the next text, if it tells more of it
    # rather than asks something new, is added to the ticket
    adding_detail = State()


# States that last one message: the message after the one that set them clears them.
ONE_MESSAGE = frozenset({Citizen.person_asked.state, Citizen.adding_detail.state})


@dataclass
class Memory:
    """The last numbered list (items or places), the last card, and the last unanswered text."""

    list_codes: list[str] = field(default_factory=list)
    list_page: int = 1
    list_query: str = ""
    list_intent: str = ""  # the question asked with the list ("materials"…), answered on choice
    place_codes: list[str] = field(default_factory=list)
    place_purpose: str = ""  # "funds" | "bind"
    place_year: int | None = None
    place_name: str = ""
    numbered: str = ""  # which list numbers refer to: "items" | "places" | "funds"
    card_code: str = ""
    card_before: str = ""  # the card shown before it (「上一个多久」 「前面那个」: that one)
    # What the citizen saw last, so a follow-up is about it: "card" | "list" | "place" | "funds"
    # | "outside" (a matter the catalogue does not hold, named by `outside`) | "department"
    # (an office's contact, `department_id`) | "ranking" (places ranked, `ranked`) | "document"
    # (a poverty document's rows, `document`).
    focus: str = ""
    outside: str = ""
    department_id: int = 0
    place_code: str = ""  # the town or village whose funds were shown last
    place_before: str = ""  # the place shown before it (「大水村呢」 then 「哪个多」: the two)
    place_about: str = ""  # the words its rows were narrowed to (「小额」), "" for all of them
    place_year_shown: int | None = None  # the year its rows were shown of (None: every year)
    # The places ranked last by their allocations (focus "ranking"): "towns" or "villages",
    # the most first or not, within a town's code or the county's (""); 「16年呢」 re-ranks.
    ranked: str = ""
    ranked_most: bool = True
    ranked_within: str = ""
    document: str = ""  # the poverty document number whose rows were shown last
    # The special fund list shown last (focus "funds"): 「2017年呢」 changes only the year.
    fund_year: int | None = None
    fund_departments: list[int] = field(default_factory=list)
    fund_type: str = ""
    fund_topic: str = ""
    fund_competitive: bool = False  # only the funds allocated by competition
    fund_rows: list[int] = field(default_factory=list)  # the rows listed, numbered (ids)
    fund_ranking: str = ""  # 「哪个部门最多」 asked of it: "department:most" …, kept by 「16年呢」
    fallback: int = -1  # the no-match sentence used last, so the next one differs
    unmatched: str = ""
    # A step of the checklist shown that no item serves, whom to ask for it answered last
    # (its office `department_id`, 0 when only named): 「电话多少」 「下一步」 are about it.
    step_asked: str = ""
    # The citizen's open ticket made by 「人工」: what they add goes to it, a repeated 「人工」
    # does not make another (0: none).
    ticket: int = 0

    @property
    def pages(self) -> int:
        """Pages of the last item list."""
        return max(1, -(-len(self.list_codes) // PAGE_SIZE))

    def page_codes(self, page: int | None = None) -> list[str]:
        """Codes shown on a page of the last item list."""
        page = page or self.list_page
        start = (page - 1) * PAGE_SIZE
        return self.list_codes[start : start + PAGE_SIZE]


_MEMORY = TypeAdapter(Memory)
_FIELDS = tuple(f.name for f in fields(Memory))


def stored(memory: Memory) -> dict[str, Any]:
    """The memory as JSON-ready data: `dataclasses.asdict` without its deep walk (the
    fields are strings, numbers and lists of strings; the lists are copied)."""
    data: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(memory, name)
        data[name] = list(value) if isinstance(value, list) else value
    return data


# Memories read, by the FSM data's JSON text they were read from: a message recalls its
# citizen's memory several times (filters and handlers), each a JSON parse and a validation.
_RECALLED: dict[str, Memory] = {}
RECALLED_TEXTS = 4096  # then it starts afresh


_LISTS = tuple(f.name for f in fields(Memory) if f.default_factory is list)


def _copy(memory: Memory) -> Memory:
    """A memory of its own (its lists copied): the caller may change it."""
    copied = object.__new__(Memory)
    values = copied.__dict__
    values.update(memory.__dict__)
    for name in _LISTS:
        values[name] = list(values[name])
    return copied


async def recall(state: FSMContext) -> Memory:
    """The citizen's memory (empty for a new user, or when what was stored is unreadable)."""
    text = state.primed_text
    if text is not None and (known := _RECALLED.get(text)) is not None:
        return _copy(known)
    raw = (await state.get_data()).get(_KEY)
    if not isinstance(raw, dict):
        memory = Memory()
    else:
        try:
            memory = _MEMORY.validate_python(raw)
        except ValidationError:
            memory = Memory()
    if text is not None:
        if len(_RECALLED) >= RECALLED_TEXTS:
            _RECALLED.clear()
        _RECALLED[text] = _copy(memory)
    return memory


async def keep(state: FSMContext, memory: Memory, **changes: Any) -> Memory:
    """Change some fields of a recalled memory and store it, leaving other keys of the FSM
    data (e.g. the bot's 更多 parts) alone. A new card keeps the one before it
    (`card_before`)."""
    new_card = changes.get("card_code")
    if new_card and memory.card_code and new_card != memory.card_code:
        memory.card_before = memory.card_code
    for name, value in changes.items():
        setattr(memory, name, value)
    await state.update_data(**{_KEY: stored(memory)})
    return memory


async def remember(state: FSMContext, **changes: Any) -> Memory:
    """Change some fields and store (a handler that recalled already passes its memory
    to `keep` instead: one read of the FSM data fewer)."""
    return await keep(state, await recall(state), **changes)
