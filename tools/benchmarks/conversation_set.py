"""The citizen conversation test set: reading and checking its TOML files.

The set lives in `tests/conversations/` as forty-three parts. Tuning parts (conversation work
may look at them): `tuning.toml` … `tuning24.toml`; the second, third, fourth and the ninth to
the twenty-third were written for a round of tuning and cover some classes only (the weakest);
the fifth and the eighth were held-out parts (`heldout.toml`, `heldout4.toml`) until they were
retired to tuning in the sixth and the eighth round; the sixth and seventh were written blind
before the seventh and eighth round, the ninth and tenth blind during the eleventh, for the
classes weakest on the held-out parts, the eleventh and twelfth blind in the twelfth (plain
speech asking for an item; money, places and codes), the thirteenth and fourteenth blind in the
thirteenth (plain speech, follow-ups, codes, life events; complaints, 人工, lists, life events,
codes and follow-ups), the fifteenth and sixteenth blind in the fourteenth (unusual wordings,
lists, codes, life events, follow-ups, out of the catalogue; binding, what cannot be served,
funds, life events, lists, complaints), the seventeenth blind in the fifteenth (life events,
lists, complaints, funds, follow-ups), the eighteenth blind in the sixteenth (what cannot be
served, poverty, funds, life events, ratings; it arrived after the round's tuning), the
nineteenth blind in the seventeenth (what cannot be served, life events, plain-speech search,
funds, poverty, complaints), the twentieth blind in the eighteenth (follow-ups, binding, lists,
what cannot be served, search, codes), the twenty-first blind in the nineteenth (funds, life
events, out of the catalogue, follow-ups, search), the twenty-second blind in the twenty-first
(codes, what cannot be served, funds, follow-ups, lists), the twenty-third blind in the
twenty-second (life events, poverty, lists, search, ratings), the twenty-fourth blind at the
start of the twenty-fifth (life events, poverty, lists, funds, ratings, follow-ups, codes).
Held-out parts (kept out of tuning): `heldout2.toml`, `heldout3.toml`, `heldout5.toml`,
`heldout6.toml`, `heldout7.toml`, `heldout8.toml`, `heldout9.toml`, `heldout10.toml`,
`heldout11.toml`, `heldout12.toml`, `heldout13.toml`, `heldout14.toml`, `heldout15.toml`,
`heldout16.toml`, `heldout17.toml`, `heldout18.toml`, `heldout19.toml`, `heldout20.toml` and
`heldout21.toml`; the
first written
before the second
round of tuning, the others blind, by people who had read neither the other parts nor the bot's
code, before the sixth, (two) the eighth and (two) the eleventh round (`heldout7`, written
during the tenth, measured once at its end; `heldout8`, measured at the start and the end of
the eleventh; `heldout9`, written during the eleventh, measured once at its end; `heldout10`,
written at the start of the twelfth, measured at its start and its end; `heldout11`,
`heldout12`, `heldout13`, `heldout14`, `heldout15`, `heldout16` and `heldout17`, written at the
start of the thirteenth, the fourteenth, the fifteenth, the sixteenth, the seventeenth, the
eighteenth and the nineteenth; `heldout18` and `heldout19`, written during the twenty-first,
measured on that round's starting code and at its end; `heldout20`, written during the
twenty-second, measured on that round's starting code and at its end; `heldout21`, written at
the start of the twenty-fifth, measured on that round's starting code and at its end).
Each file's header documents the format and the expectation
vocabulary; this module refuses a file that strays from it, so a typo in an expectation cannot
silently make a turn pass.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SET_DIR = Path(__file__).resolve().parents[2] / "tests" / "conversations"
PARTS = (
    "tuning",
    "tuning2",
    "tuning3",
    "tuning4",
    "tuning5",
    "tuning6",
    "tuning7",
    "tuning8",
    "tuning9",
    "tuning10",
    "tuning11",
    "tuning12",
    "tuning13",
    "tuning14",
    "tuning15",
    "tuning16",
    "tuning17",
    "tuning18",
    "tuning19",
    "tuning20",
    "tuning21",
    "tuning22",
    "tuning23",
    "tuning24",
    "heldout2",
    "heldout3",
    "heldout5",
    "heldout6",
    "heldout7",
    "heldout8",
    "heldout9",
    "heldout10",
    "heldout11",
    "heldout12",
    "heldout13",
    "heldout14",
    "heldout15",
    "heldout16",
    "heldout17",
    "heldout18",
    "heldout19",
    "heldout20",
    "heldout21",
)

ACTIONS = ("say", "voice", "click", "event")
EVENTS = ("subscribe", "unsubscribe")
# The expectation vocabulary: key → the Python type its value must have.
VOCABULARY: dict[str, type] = {
    "card": str,
    "found": str,
    "pick": int,
    "stay": str,
    "list": bool,
    "list_contains": list,
    "asks_which": bool,
    "no_card": bool,
    "contains": list,
    "contains_any": list,
    "also_any": list,
    "not_contains": list,
    "ordered": list,
    "amounts": list,
    "no_amounts": list,
    "ticket": bool,
    "not_found": bool,
}


class ConversationSetError(ValueError):
    """A conversation file that does not follow the documented format."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One thing the citizen does (`action` is say, voice, click or event) and what must hold."""

    action: str
    value: str
    expect: dict[str, Any]

    def describe(self) -> str:
        """How the turn reads in a failure report."""
        if self.action == "say":
            return self.value
        return f"[{self.action}] {self.value}"


@dataclass(frozen=True, slots=True)
class Conversation:
    id: str
    kind: str
    turns: tuple[Turn, ...]
    part: str
    note: str = ""


def _turn(where: str, raw: Any) -> Turn:
    if not isinstance(raw, dict):
        raise ConversationSetError(f"{where}: a turn is a table")
    actions = [key for key in ACTIONS if key in raw]
    unknown = set(raw) - set(ACTIONS) - {"expect"}
    if len(actions) != 1 or unknown:
        raise ConversationSetError(
            f"{where}: a turn has exactly one of {', '.join(ACTIONS)} and an optional expect"
            + (f" (unknown: {', '.join(sorted(unknown))})" if unknown else "")
        )
    action = actions[0]
    value = raw[action]
    if not isinstance(value, str) or not value.strip():
        raise ConversationSetError(f"{where}: {action} needs a non-empty string")
    if action == "event" and value not in EVENTS:
        raise ConversationSetError(f"{where}: event is one of {', '.join(EVENTS)}")
    expect = raw.get("expect", {})
    if not isinstance(expect, dict):
        raise ConversationSetError(f"{where}: expect is a table")
    for key, wanted in expect.items():
        kind = VOCABULARY.get(key)
        if kind is None:
            raise ConversationSetError(f"{where}: unknown expectation {key!r}")
        if not isinstance(wanted, kind) or (kind is int and isinstance(wanted, bool)):
            raise ConversationSetError(f"{where}: {key} must be a {kind.__name__}")
        if isinstance(wanted, list) and not all(isinstance(x, str) and x for x in wanted):
            raise ConversationSetError(f"{where}: {key} is a list of non-empty strings")
    return Turn(action, value, dict(expect))


def read_part(path: Path, part: str) -> list[Conversation]:
    """Every conversation of one TOML file, checked against the format."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConversationSetError(f"{path}: {error}") from error
    conversations = []
    for number, raw in enumerate(data.get("conversation", []), start=1):
        where = f"{path.name} conversation {number}"
        ident, kind, turns = raw.get("id"), raw.get("class"), raw.get("turns")
        if not (isinstance(ident, str) and isinstance(kind, str) and ident and kind):
            raise ConversationSetError(f"{where}: id and class are needed")
        if not isinstance(turns, list) or not turns:
            raise ConversationSetError(f"{where} ({ident}): turns is a non-empty list")
        parsed = tuple(_turn(f"{ident} turn {i}", t) for i, t in enumerate(turns, start=1))
        conversations.append(Conversation(ident, kind, parsed, part, str(raw.get("note", ""))))
    return conversations


def load(part: str = "all", folder: Path = SET_DIR) -> list[Conversation]:
    """The conversations of one part (`tuning` … `tuning24`, `heldout2`, `heldout3`,
    `heldout5`, `heldout6`, `heldout7`, `heldout8`, `heldout9`, `heldout10`, `heldout11`,
    `heldout12`, `heldout13`, `heldout14`, `heldout15`, `heldout16`, `heldout17`, `heldout18`,
    `heldout19`, `heldout20`, `heldout21`) or
    `all`; ids are
    unique across the set."""
    if part not in (*PARTS, "all"):
        raise ConversationSetError(f"part is {', '.join(PARTS)} or all, not {part!r}")
    wanted = PARTS if part == "all" else (part,)
    conversations = [c for name in wanted for c in read_part(folder / f"{name}.toml", name)]
    seen: set[str] = set()
    for conversation in conversations:
        if conversation.id in seen:
            raise ConversationSetError(f"conversation id {conversation.id} is used twice")
        seen.add(conversation.id)
    return conversations
