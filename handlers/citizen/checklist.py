"""Questions about the life event's checklist just shown.

Whether its steps must be done: all of them (「都要办吗」), or one (「不卖烟行不」 「燃气那个还要
办吗」 「不打井还要取水证吗」). A step every case takes must be; a step with a condition before
its label (「卖烟：烟草专卖零售许可证」) only in that case. And what comes next (「然后呢」
「下一步呢」) after one of its entries was opened. The checklist's numbers stay as shown: 「2」
next still opens its entry 2."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import Filter, FilterResult
from bot.fsm import FSMContext
from bot.router import Router
from catalogue.life_events import ResolvedStep
from handlers.citizen import cards, parsing, texts
from handlers.citizen.common import on_said
from handlers.citizen.filters import said
from handlers.citizen.guide_notes import name_run_of
from handlers.citizen.life_event_choice import (
    CONDITION_MARK,
    one_outside_step_named,
    ruled_out,
)
from handlers.citizen.life_event_steps import resolved_steps
from handlers.citizen.life_events import FIRST_ASKED, ask_line, keep_step_asked, known_events
from handlers.citizen.memory import Memory, recall, remember
from handlers.citizen.understanding import read
from handlers.citizen.understanding.scorer import fold
from handlers.settings import Settings
from search import normalise

# A yes-or-no question (「…吗」 「…行不」 「要不要…」 「不用办吧」) about having to do something.
YES_OR_NO = re.compile(
    "[吗嘛么吧]$|[不没]$|行不|行不行|要不要|用不用|需不需要|得不得|是不是|可不可以|能不能|非得|必须"
)
# How many are left to do (「不卖烟的话要办几个」)
COUNT_ASKED = re.compile("几个|几样|几项|哪些|哪几个|哪几样|多少个|多少样")
HAVING_TO = re.compile("要|得|需要|用|必须|非得|办|行|可以")
# A question of what, where or how (「营业执照要带啥吗」) is not whether.
OTHER_QUESTION = re.compile("啥|什么|哪|几|多少|多久|多长|怎么|咋|网上")
ALL_OF_THEM = re.compile("都|全部|全都|每个|每一个|每一样|所有|这些|这几个|这几样")
NOT_DOING = re.compile(
    "^(?:那|那我|我|我们|俺|咱|要是|如果|我家|我们家)?(?:只|就)?(?:不|没|没有|不打算|不准备|不想)"
)
# Words of such a question that name no step.
_ASKING = re.compile(
    "还|也|都|全部|全都|每个|每一个|所有|这些|这几个|那个|这个|的话|的|要不要|用不用|需不需要|"
    "必须|非得|需要|得|要|用|办|弄|搞|行不行|行不|行|可以|能不能|吗|嘛|么|呢|啊|吧|不|没有|没|"
    "那|我|我们|要是|如果|打算|准备|想"
)
MIN_NAMING = 2  # characters of a step's condition, thing or item said that name it


@dataclass(frozen=True, slots=True)
class Shown:
    """A step of the checklist as it was shown: its number (0 for a 「·」 line) and step."""

    number: int
    step: ResolvedStep

    @property
    def condition(self) -> str:
        """「卖烟」 of 「卖烟：烟草专卖零售许可证」; '' for a step every case takes."""
        before, mark, _ = self.step.label.partition(CONDITION_MARK)
        return before.strip() if mark else ""

    @property
    def thing(self) -> str:
        """The item's name, or what the label says is done."""
        if self.step.item is not None:
            return self.step.item.name
        return self.step.label.partition(CONDITION_MARK)[2] or self.step.label

    @property
    def where(self) -> str:
        """「第2项」 or, for a step no item serves, whom to ask."""
        if self.number:
            return f"第{self.number}项"
        office = self.step.department
        name = (office.short_name or office.name) if office is not None else self.step.office
        return f"本县目录暂无此事项，请咨询{name}" if name else "本县目录暂无此事项"


def _named(core: str, shown: list[Shown]) -> Shown | None:
    """The one step whose condition, label or item the words name by the longest run, when
    that run is at least half of the words."""
    best, holders = "", list[Shown]()
    for entry in shown:
        words = [entry.condition, entry.step.label, entry.thing]
        if entry.step.item is not None:
            words += [str(k) for k in entry.step.item.keywords]
        run = max((name_run_of(fold(w), core) for w in words if w), key=len, default="")
        if len(run) < MIN_NAMING or len(run) < len(best):
            continue
        if len(run) > len(best):
            best, holders = run, []
        holders.append(entry)
    if len(holders) != 1 or 2 * len(best) < len(core):
        return None  # several, or a word of it lost among others (「听说还有个筹建审批」)
    return holders[0]


async def checklist_shown(memory: Memory, session: AsyncSession) -> list[Shown] | None:
    """The steps of the life event whose checklist is the item list remembered, numbered as
    shown (its entries, and the steps no item serves that were shown as whom to ask); None
    when the list remembered is no checklist."""
    if memory.numbered != "items" or not memory.list_query:
        return None
    known = await known_events(session)
    life_event = next((e for e in known.events if e.name == memory.list_query), None)
    if life_event is None:
        return None
    return [
        Shown(memory.list_codes.index(s.item.code) + 1 if s.item else 0, s)
        for s in await resolved_steps(session, life_event)
        if (s.item is not None and s.item.code in memory.list_codes)
        or (s.item is None and (s.department is not None or s.office))
    ]


class NthStepAsked(Filter):
    """Right after a life event's checklist (or one of its entries), a step by its place in
    the order, every step counted (「第二步在哪办」: 上户口, though no item serves it): passes
    `step` (as shown) and `aspect`."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        nth = parsing.parse_nth_step(text) if text else None
        if nth is None or state is None or not isinstance(session, AsyncSession):
            return False
        if FIRST_ASKED.match(normalise(text or "")):
            return False  # 「第一步在哪办」: the first step's own answer (FirstStepAsked)
        memory = await recall(state)
        if not _on_the_checklist(memory):
            return False
        shown = await checklist_shown(memory, session)
        number, rest = nth
        if not shown or not 1 <= number <= len(shown):
            return False
        reading = read(rest) if rest else None
        if reading is not None and reading.core:
            return False  # 「第二步的证丢了咋办」 says more than a question about the step
        return {"step": shown[number - 1], "aspect": reading.aspect if reading else None}


async def not_a_step_of_the_checklist(
    event: Event, state: FSMContext, session: AsyncSession
) -> bool:
    """False when, right after a checklist, the words name one of its steps no item serves
    (「注销户口在哪办」 after 家人去世): the checklist's router answers it, so that 「电话多少」
    and 「下一步」 stay about that step."""
    text = said(event)
    if not text:
        return True
    memory = await recall(state)
    if memory.focus != "list":
        return True
    shown = await checklist_shown(memory, session)
    steps = [s.step for s in shown or []]
    return not steps or one_outside_step_named(read(text).core, steps, thing_alone=True) is None


async def _a_case_ruled_out(
    text: str, state: FSMContext, session: AsyncSession
) -> tuple[list[Shown], list[Shown]] | None:
    """Right after a checklist, the steps with a case the words say is not the citizen's
    (「烟酒都不卖」: 卖烟; 「不打井 也不占草原」: two; ruled_out), with the checklist as shown."""
    if not NEGATION_SAID.search(text):
        return None  # no case is said not to be theirs without 不 or 没 (most messages)
    memory = await recall(state)
    if not _on_the_checklist(memory):
        return None
    shown = await checklist_shown(memory, session)
    ruled = [s for s in shown or [] if ruled_out(s.step, text)]
    return (shown or [], ruled) if ruled else None


def _on_the_checklist(memory: Memory) -> bool:
    """Whether the citizen is looking at the checklist, or at one of its entries opened."""
    if memory.focus == "list":
        return True
    return memory.focus == "card" and memory.card_code in memory.list_codes


NEGATION_SAID = re.compile("[不没]")


class StepsNeededAsked(Filter):
    """Right after a life event's checklist, whether its steps must all be done, or one of
    them: passes `shown` (the checklist's steps as numbered) and `step` (the one asked of, or
    None: all), and `not_doing` (「不卖烟行不」: the case is not the citizen's)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        if not text or state is None or not isinstance(session, AsyncSession):
            return False
        flat = normalise(text).rstrip("?？!！。 ")
        told = await _a_case_ruled_out(text, state, session)
        if told is not None:
            # 「烟不卖，只卖饮料零食」: the case told not to be theirs, however it is said
            listed, ruled = told
            return {"shown": listed, "step": ruled[0], "not_doing": True, "also_not": ruled[1:]}
        not_doing = NOT_DOING.search(flat) is not None
        # 「我不卖烟」 「不卖烟的话要办几个」: the case said not to be theirs, a statement or
        # a count of what is left
        counted = not_doing and COUNT_ASKED.search(flat) is not None
        asks = YES_OR_NO.search(flat) is not None and HAVING_TO.search(flat) is not None
        if not (asks or not_doing):
            return False
        if (OTHER_QUESTION.search(flat) and not counted) or read(text).aspect is not None:
            return False
        memory = await recall(state)
        if not _on_the_checklist(memory):
            return False
        shown = await checklist_shown(memory, session)
        if shown is None:
            return False
        core = fold(_ASKING.sub("", COUNT_ASKED.sub("", flat)))
        if not core:
            if ALL_OF_THEM.search(flat) is None:
                return False  # 「要办吗」 alone: which one is not said
            return {"shown": shown, "step": None, "not_doing": False}
        step = _named(core, shown)
        if step is None:
            return False
        return {"shown": shown, "step": step, "not_doing": not_doing}


async def answer(
    event: Event,
    shown: list[Shown],
    step: Shown | None,
    not_doing: bool,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    also_not: list[Shown] | None = None,
) -> str:
    """Which steps every case takes and which only some (with their case), or of the one step
    asked: needed always, or only in its case (not needed when the case is not theirs); a
    step with an item, asked of as the citizen's (「种子也要备案吗」), with its card."""
    trace.update(answer="life-event-steps-needed")
    not_also = also_not or []
    every = [s for s in shown if not s.condition]
    lines = []
    if step is not None and step.step.item is not None and not not_doing:
        item = step.step.item
        await remember(state, card_code=item.code, focus="card")
        needed = CARD_ALWAYS if not step.condition else CARD_ONLY_IF
        card = cards.answer(item, settings.public_base_url, None).splitlines()
        # under its title: whether this one is needed
        card.insert(1, needed.format(case=step.condition, where=step.where))
        return "\n".join(card)
    if step is not None:
        if not step.condition:
            lines.append(ALWAYS.format(thing=step.thing, where=step.where))
        elif not_doing:
            # 「不打井 也不占草原」: each case said not to be theirs
            lines += [NOT_NEEDED.format(thing=s.thing, case=s.condition) for s in [step, *not_also]]
        else:
            lines.append(ONLY_IF.format(thing=step.thing, case=step.condition, where=step.where))
        left = [s for s in shown if s is not step and s not in not_also]
        others = [s for s in left if not s.condition]
        if others:
            lines.append(STILL_NEEDED + "；".join(_entry(s) for s in others) + "。")
        # the other steps some cases take, each with its case (「卖预包装食品的才要办」)
        lines += _only_if_lines(s for s in left if s.condition)
        return "\n".join(lines)
    if every:
        head = ALL_NEEDED if len(every) == len(shown) else EVERY_CASE
        lines.append(head + "；".join(_entry(s) for s in every) + "。")
    lines += _only_if_lines(s for s in shown if s.condition)
    lines.append(PICK)
    return "\n".join(lines)


def _only_if_lines(entries: Iterable[Shown]) -> list[str]:
    return [f"· {ONLY_IF.format(thing=e.thing, case=e.condition, where=e.where)}" for e in entries]


def _entry(shown: Shown) -> str:
    return f"{shown.number}. {shown.thing}" if shown.number else f"{shown.thing}（{shown.where}）"


ALWAYS = "「{thing}」每种情况都要办（{where}）。"
ONLY_IF = "「{thing}」只有{case}的才要办（{where}）。"
NOT_NEEDED = "不{case}的话，「{thing}」就不用办。"
STILL_NEEDED = "其他的照常要办："
CARD_ALWAYS = "这一项每种情况都要办（清单{where}）。"
CARD_ONLY_IF = "只有{case}的才要办这一项（清单{where}）。"
EVERY_CASE = "不一定都要办。这些都要办："
ALL_NEEDED = "都要办："
PICK = "回复序号看办事指南。"


# 「然后呢」 「下一步呢」 「办完这个再办啥」: the step after the entry just opened.
NEXT_ASKED = re.compile(
    "^(?:那|那么|好的?|嗯|行)?[，,]?(?:然后|再然后|下一步|再下一步|接下来|之后|后面|再往后|办完(?:这个|了)?"
    "(?:以后|之后|后)?(?:再|还)?)(?:呢|咋办|干啥|办啥|该办啥|该干啥|要办啥|去哪|怎么办|是啥|做啥)?"
    # 「下一步呢 还有别的吗」: what else, asked after it
    "(?:[，, ]?(?:还有别的|还有啥|还有什么|还要办啥|还要干啥|还有)(?:吗|没|呢|不)?)?$"
)


class NextStepAsked(Filter):
    """Right after opening an entry of a life event's checklist, what comes after it: passes
    `shown` and `after` (the entry's place in `shown`; -1 when only the checklist was shown:
    its first step is next)."""

    async def check(self, event: Event, data: Mapping[str, Any]) -> FilterResult:
        text = said(event)
        state, session = data.get("state"), data.get("session")
        if not text or state is None or not isinstance(session, AsyncSession):
            return False
        if NEXT_ASKED.match(normalise(text).rstrip("?？!！。 ")) is None:
            return False
        memory = await recall(state)
        if not _on_the_checklist(memory):
            return False
        shown = await checklist_shown(memory, session)
        if not shown:
            return False
        if memory.focus == "list":
            # after whom to ask for a step no item serves (「注销户口」 then 「下一步」): the one
            # after it; after the checklist alone, its first
            step = next((i for i, s in enumerate(shown) if s.step.label == memory.step_asked), -1)
            return {"shown": shown, "after": step if memory.step_asked else -1}
        at = next(
            (
                i
                for i, s in enumerate(shown)
                if s.step.item and s.step.item.code == memory.card_code
            ),
            None,
        )
        return {"shown": shown, "after": at} if at is not None else False


async def next_step(
    event: Event,
    shown: list[Shown],
    after: int,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """The step after the one opened: its card (numbered as in the checklist), or whom to ask
    for a step no item serves, with the entry after it; the last says so."""
    trace.update(answer="life-event-next-step")
    following = shown[after + 1 :]
    if not following:
        return "\n".join([LAST_STEP, PICK])
    before = []  # steps no item serves, between the entry opened and the next entry
    for entry in following:
        if entry.step.item is None:
            before.append(NEXT_OUTSIDE.format(thing=entry.thing, where=entry.where))
            continue
        await remember(state, card_code=entry.step.item.code, focus="card")
        card = cards.answer(entry.step.item, settings.public_base_url, None).splitlines()
        # under its title: which entry it is, and what comes before it
        card[1:1] = [NEXT_ENTRY.format(number=entry.number), *before]
        return "\n".join(card)
    return "\n".join([*before, LAST_STEP, PICK])


LAST_STEP = "清单上的事都在这儿了，没有下一步了。"
NEXT_ENTRY = "下一步：清单第{number}项。"
NEXT_OUTSIDE = "这之前还有一步：{thing}（{where}）。"


async def nth_step(
    event: Event,
    step: Shown,
    aspect: str | None,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
    wording: texts.Wording = texts.TIANZHU,
) -> str:
    """「第二步在哪办」: that step's card (the question asked of it), or whom to ask when no
    item serves it; the checklist stays, 「下一步」 goes on from it."""
    trace.update(answer="life-event-nth-step")
    if step.step.item is None:
        await keep_step_asked(state, step.step)
        return ask_line(step.step, wording)
    await remember(state, card_code=step.step.item.code, focus="card")
    return cards.answer(step.step.item, settings.public_base_url, aspect)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher): before small talk, which
    reads 「都要办吗」 alone as a request for help."""
    router = Router(name="citizen-checklist")
    on_said(router, StepsNeededAsked())(answer)
    on_said(router, NextStepAsked())(next_step)
    on_said(router, NthStepAsked())(nth_step)
    return router
