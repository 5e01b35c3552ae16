"""好差评: the citizen rates the last answer — a ticket's staff answer just delivered, or the
last item card — on the five national levels (or 评1–评5); one rating per answer."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import Filter, FilterResult
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import ratings as rules
from catalogue.models import Ticket, utcnow
from catalogue.tickets import TicketState
from handlers.citizen import texts
from handlers.citizen.clauses import clauses
from handlers.citizen.common import on_said
from handlers.citizen.conversation import complaint_lines, supervision_phone
from handlers.citizen.filters import Rating as ScoreFilter
from handlers.citizen.filters import said
from handlers.citizen.memory import recall
from handlers.citizen.parsing import level_words, normalize, without_thanks
from handlers.citizen.understanding.inventory import Verdicts, inventory
from handlers.citizen.understanding.scorer import fold
from handlers.guards.privacy import keyed_hash
from handlers.settings import Settings

# FSM data key: the ticket whose answer a rating now is about, and the card shown then.
TICKET_KEY = "ticket_rating"
# 好评 / 差评 said as such: the middle of each side (the national scheme has no bare words).
# 「一般」 「一般般」: neither good nor bad, the middle level (基本满意).
_WORDS = {**rules.BY_WORD, "好评": 5, "差评": 2, "一般": 3, "一般般": 3}


# Degree words said before a level, as the level's own word: 「很满意」 is 非常满意, 「比较满意」
# 满意, 「还算满意」 基本满意, 「不太满意」 不满意 (longest first).
_DEGREES = (
    ("很不", "非常不"),
    ("十分", "非常"),
    ("特别", "非常"),
    ("比较", ""),
    ("还算", "基本"),
    ("不太", "不"),
    ("很", "非常"),
    ("挺", ""),
)


@lru_cache(maxsize=4096)
def level_score(text: str) -> int | None:
    """The score of a level said in words, with a degree word before it or not."""
    words = level_words(without_thanks(text))
    if words in _WORDS:
        return _WORDS[words]
    for degree, meant in _DEGREES:
        if words.startswith(degree) and meant + words[len(degree) :] in rules.BY_WORD:
            return rules.BY_WORD[meant + words[len(degree) :]]
    return None


VERDICT_PARTICLES = "的了啊呀"
# A question about the answer (「有用吗」 「清楚吗」) is no verdict on it.
_ASKED = re.compile(r"(?:吗|么|嘛)[\s?？。!！]*$|[?？]")


# The inventory's judging words as one pattern, with the verdicts it was made from.
_LEVELS: tuple[Verdicts, re.Pattern[str]] | None = None


def _says_a_level(words: str, verdicts: Verdicts) -> bool:
    """Whether any of the verdicts' judging words is in the words (one regular expression
    search instead of a test per word: most messages say none)."""
    global _LEVELS
    if _LEVELS is None or _LEVELS[0] is not verdicts:
        # the five levels' own words too (「这个回答满意」)
        pattern = "|".join(map(re.escape, (*verdicts.levels, *rules.BY_WORD))) or "(?!)"
        _LEVELS = (verdicts, re.compile(pattern))
    return _LEVELS[1].search(words) is not None


def verdict_score(text: str) -> int | None:
    """The score plain words judging the answer give it (「挺有用的」 4, 「讲得很清楚」 5,
    「还行吧」 3, 「说得不清楚」 2, 「完全没用」 1), by the inventory's verdicts; None for
    anything else, and for a word that alone only acknowledges (「好」 「明白」)."""
    verdicts = inventory().verdicts
    global _SCORED
    if _SCORED[0] is not verdicts:
        _SCORED = (verdicts, {})
    scored = _SCORED[1]
    if text not in scored:
        if len(scored) >= SCORED_TEXTS:
            scored.clear()
        scored[text] = _verdict_score(text, verdicts)
    return scored[text]


# Recent texts' verdict scores, with the verdicts they were scored by: the level and the
# verdict filters score every message, a pure function of its text.
_SCORED: tuple[Verdicts | None, dict[str, int | None]] = (None, {})
SCORED_TEXTS = 4096


def _verdict_score(text: str, verdicts: Verdicts | None) -> int | None:
    if verdicts is None or _ASKED.search(normalize(text)):
        return None  # 「有用吗」 asks, it does not judge
    words = level_words(without_thanks(text))
    if not _says_a_level(words, verdicts):
        return None  # no judging word at all (most messages): no readings to try
    score = _one_verdict(words, verdicts)
    if score is not None:
        return score
    # Two judgements one after the other, the same way (「很好很有用」 「清楚 详细」).
    for cut in range(2, len(words) - 1):
        # 「挺好的 有用」: a particle may end the first
        second_words = words[cut:].lstrip(VERDICT_PARTICLES)
        first, second = _one_verdict(words[:cut], verdicts), _one_verdict(second_words, verdicts)
        if first is not None and second is not None and (first >= 4) == (second >= 4):
            return max(first, second) if first >= 4 else min(first, second)
    # 「说的啥啊 一点用没有」: a short remark, then the verdict in a clause of its own;
    # 「嗯 挺好的 满意」 「回答得很好 给你点个赞」: verdicts in clauses of their own, one way
    said_clauses = [c for c in _CLAUSE_BREAK.split(normalize(text)) if c]
    scores = [_clause_score(c, verdicts) for c in said_clauses]
    given = [score for score in scores if score is not None]
    if len(said_clauses) < 2 or scores[-1] is None:
        return None
    remarks = [c for c, score in zip(said_clauses, scores, strict=True) if score is None]
    if any(len(clause) > REMARK for clause in remarks):
        return None
    if len({score >= 4 for score in given}) > 1 or any(score == 3 for score in given[:-1]):
        return None  # 「很好 没用」 judges twice, two ways
    return max(given) if given[-1] >= 4 else min(given)


def _clause_score(clause: str, verdicts: Verdicts) -> int | None:
    """A clause's verdict (「挺好的」) or level (「满意」), if it says one."""
    words = level_words(without_thanks(clause))
    score = _one_verdict(words, verdicts)
    return score if score is not None else level_score(clause)


_CLAUSE_BREAK = re.compile(r"[\s，,。！!？?；;…]+")
REMARK = 4  # characters of an exclamation said before a verdict (「说的啥啊」 「哎呀」)


def _one_verdict(words: str, verdicts: Verdicts) -> int | None:
    words = words.strip()
    named = False
    for opener in verdicts.said_by:
        if words.startswith(opener) and len(words) > len(opener):
            words, named = words[len(opener) :], True
            break
    degree = ""
    if words not in verdicts.levels:
        for word in sorted((*verdicts.strong, *verdicts.mild), key=len, reverse=True):
            if words.startswith(word) and words[len(word) :] in verdicts.levels:
                degree, words = word, words[len(word) :]
                break
    score = verdicts.levels.get(words)
    if score is None and named:
        # 「这个回答满意」 「评价：非常满意」: one of the five levels, said of the answer
        return level_score(words.lstrip(":："))
    if score is None or (words in verdicts.needs_degree and not (degree or named)):
        return None
    if degree in verdicts.strong:
        return 5 if score >= 4 else 1 if score <= 2 else score
    return score


async def _card_shown(state: FSMContext | None) -> bool:
    """Whether the citizen's latest answer is an item card (what a verdict is about)."""
    if state is None:
        return False
    memory = await recall(state)
    return bool(memory.card_code) and memory.focus == "card"


# 「我要评价」 「想给你们打个分」 「怎么评分」: the wish to rate, without a level yet.
_WISH = re.compile(
    r"^(?:我|俺)?(?:要|想|想要|来|给你们?|给这条|怎么|咋|如何|在哪)*"
    r"(?:评价|打分|评分|打个分|评个分|点评|评一下|打一下分)(?:一下|下)?(?:你们?|这个回答|这条答复|刚才的回答|刚才的答复)?"
    r"(?:吧|呢|啊|可以吗|行吗|怎么弄|咋弄)?$"
)


def wishes_to_rate(text: str) -> bool:
    """Whether the message only says the citizen wants to rate (and how)."""
    return bool(_WISH.match(fold(text)))


class Wish(Filter):
    """「我要评价」: how to rate the last answer."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        return text is not None and wishes_to_rate(text)


async def explain(event: Event, state: FSMContext, trace: dict[str, str]) -> str:
    """How to rate the latest answer (or that there is none yet)."""
    memory = await recall(state)
    trace.update(answer="rating-how")
    return texts.RATE_HOW if memory.card_code else texts.RATE_WHAT


class Verdict(Filter):
    """Plain words judging an answer when no item card was just shown (「挺有用的」 after a
    fund or a checklist): thanks for it, not a search of its words."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        return text is not None and verdict_score(text) is not None


async def acknowledge(event: Event, trace: dict[str, str]) -> str:
    """A verdict on something that is not rated here: noted, and help offered when bad."""
    score = verdict_score(said(event) or "")
    bad = score is not None and rules.is_bad(score)
    trace.update(answer="verdict-bad" if bad else "verdict")
    return texts.NOT_HELPED if bad else texts.VERDICT_THANKS


class Level(Filter):
    """One of the five levels said in words (「基本满意」, 「非常不满意」, 「很满意」…), or,
    right after an item card, plain words judging it (「挺有用的」); passes `score`."""

    async def __call__(self, event: Event, **data: Any) -> FilterResult:
        text = said(event)
        if not text:
            return False
        score = level_score(text)
        if score is None and (judged := verdict_score(text)) is not None:
            score = judged if await _card_shown(data.get("state")) else None
        return {"score": score} if score is not None else False


async def expect_ticket_rating(state: FSMContext, ticket_id: int) -> None:
    """The ticket's answer is (about to be) the citizen's latest answer: a rating said before
    another card is shown is about it."""
    memory = await recall(state)
    await state.update_data(**{TICKET_KEY: {"ticket": ticket_id, "card": memory.card_code}})


async def _rated_ticket(
    event: Event, session: AsyncSession, state: FSMContext, card_code: str
) -> Ticket | None:
    marker = (await state.get_data()).get(TICKET_KEY)
    if not isinstance(marker, dict) or marker.get("card", "") != card_code:
        return None  # no ticket answer, or a card was shown after it
    ticket_id = marker.get("ticket")
    if not isinstance(ticket_id, int):
        return None
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.openid != event.user_id:
        return None
    return ticket if ticket.state == TicketState.DELIVERED else None


async def rate(
    event: Event,
    score: int,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
    trace: dict[str, str],
) -> str:
    """Keep the rating of the latest answer; a 差评 goes to the responsible department."""
    if not 1 <= score <= 5:
        return texts.RATE_RANGE
    memory = await recall(state)
    ticket = await _rated_ticket(event, session, state, memory.card_code)
    openid_hash = keyed_hash(event.user_id, settings.hash_key.get_secret_value())
    if ticket is not None:
        key = rules.ticket_answer_key(ticket.id)
        code = ticket.item_code
    elif memory.card_code:
        key = rules.item_answer_key(memory.card_code, utcnow())
        code = memory.card_code
    elif rules.is_bad(score) and _tells_why(said(event) or ""):
        # 「差评 办个狗证跑了四趟还没办下来」 with no answer of ours to rate: a complaint about
        # the service, where to make it at once
        trace.update(answer="complaint")
        return "\n".join(complaint_lines(await supervision_phone(session)))
    elif rules.is_bad(score):
        # 「差评」 of an answer that is not rated here (a fund, a checklist): sorry, and help
        trace.update(answer="verdict-bad")
        return texts.NOT_HELPED
    else:
        return texts.RATE_WHAT
    try:
        await rules.record(
            session,
            openid_hash=openid_hash,
            answer_key=key,
            score=score,
            item_code=code,
            ticket_id=ticket.id if ticket is not None else None,
            department_id=ticket.department_id if ticket is not None else None,
        )
    except rules.AlreadyRated as done:
        trace.update(answer="rating-again", code=code)
        return texts.RATED_ALREADY.format(level=rules.level(done.rating.score))
    trace.update(answer="rating-bad" if rules.is_bad(score) else "rating", code=code)
    if rules.is_bad(score):
        return texts.RATED_BAD.format(level=rules.level(score))
    return texts.RATED.format(score=score, level=rules.level(score))


WHY_CHARS = 4  # characters said beside a rating that tell why (「差评 说得不清楚」)


def _tells_why(text: str) -> bool:
    """Whether a rating is said with a clause of why beside it (「差评 说得不清楚」)."""
    return sum(len(c) for c in clauses(normalize(text))[1:]) >= WHY_CHARS


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-ratings")
    on_said(router, Level())(rate)  # before the scores: 「满意」 is 4 here, not 5
    on_said(router, ScoreFilter())(rate)
    on_said(router, Wish())(explain)
    on_said(router, Verdict())(acknowledge)  # after Level, which takes it after a card
    return router
