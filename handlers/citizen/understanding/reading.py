"""What a message is: its intent, the question asked about an item (aspect), and the rest.

Built once at import from the phrase inventory: a term matcher (the words that carry each
intent and aspect, longest first) and a nearest-example scorer for wordings without a known
term. Small talk must be all the message is; a complaint, 人工, 解绑, progress or booking
request is recognised by its words; an aspect's words are taken out and the rest names the
item (or nothing: a follow-up about what was just shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from handlers.citizen.understanding.inventory import ACT, DATA, TALK, Inventory, inventory
from handlers.citizen.understanding.scorer import NO_CLASS, Model, Scorer, fold
from handlers.citizen.understanding.terms import Found, TermMatcher, without
from search.direction import DETAIL_NAMED, direction_of
from search.normalise import is_hanzi, longest_run
from search.syllables import readings

ITEM = "item"  # any other message: it names an item (search), possibly with an aspect
HELP = "help"
# When several small-talk intents are said together (「好的谢谢」), the first of these wins.
# 「有人吗」 (presence) asks whether a person is there: a greeting that expects one.
TALK_ORDER = (
    "goodbye",
    "thanks",
    "identity",
    "language",
    "offtopic",
    "help",
    "presence",
    "greeting",
    "ack",
)
# Acts said together: the first wins (「窗口工作人员态度差」 is a complaint, not 人工).
ACT_ORDER = (
    "complaint",
    "unbind",
    "bind",
    "progress",
    "booking",
    "personal",
    "human",
    "life_event",
)
# Binding's words that only say a change (「换成上古城村」): binding only with a place said.
CHANGE_WORDS = frozenset({"换成", "改成", "换到", "改到", "改为", "换为"})
PLACE_WORD = re.compile(r"[村镇乡]|\d{6,12}")  # a place named, or its code
CHANGED_INTO = 12  # characters after 改成 that name the place changed to (「打柴沟镇下河东村」)
# A detail of a record said with a change (「把地址改一下」): what is changed, not where.
CHANGED_DETAIL = re.compile(f"(?:{DETAIL_NAMED.pattern}).{{0,4}}?(?:改|换|变更)")
# Acts that, asked where (「去哪交材料」 「在哪个窗口交钱」), ask where the item is handled.
WHERE_TO_GO = ("personal",)
TALK_SCORE = 0.62  # a message this close to a small-talk example is small talk …
TALK_MAX_CHARS = 8  # … when it is this short
ACT_SCORE = 0.6  # a message this close to an act's example, without its words
ACT_TOPIC = 4  # characters of an act's example (办营业执照) that, said alone, are its topic
# Where one clause of a message ends: a space or a mark between words (「看不懂 找个真人」).
CLAUSE_BREAK = re.compile(r"[\s,，.。!！?？;；、~～…]+")
# A telephone number the citizen gives (seven digits or more, an area code first or not).
_PHONE_NUMBER = re.compile(r"\d{3,4}-?\d{7,8}|\d{7,}")
PINYIN_TERM = 2  # characters of a word that may be typed in pinyin (电话 as dianhua)
ACT_MAX_CHARS = 24  # longer messages are acts only by their words (and item names are long)
ACT_OVER_ASPECT = 0.75  # … and this close when a question about an item was heard too
HUMAN_SCORE = 0.6  # 「人工」's words with others: this close to an example of asking for one
ASPECT_SCORE = 0.75  # a short question this close to an aspect's example, without its words
ASPECT_MAX_CHARS = 8
MIN_CORE = 2  # characters left beside the question that may name an item
# 「我想办个」 「俺要申请一个」: the wish to get something, before what it is
APPLY_WISH = re.compile(
    r"^(?:我|俺|咱|我们|俺们)?(?:想|要|准备|打算|想要)(?:去)?(?:办|申请|领|考)(?:个|一个|一下)?"
)
# The classifier backs the nearest example: a message no example is near enough to is still
# that label's when the classifier (trained on every label's examples and words, and on item
# searches as "none") is this sure of it, and one example is at least BACKED_NEAREST near.
# 0.95: in leave-one-out over the inventory, 90% of the examples are classified that surely,
# 93% of them rightly (tools/benchmarks/understanding_generalisation.py).
# Acts whose words are often typed by their sound with the wrong characters (「转人宫」 for 转人工,
# 「头诉」 for 投诉): in a short message, the words said as they sound are the act's.
SOUNDING_ACTS = ("human", "complaint")
SOUNDING_MAX_CHARS = 12
MODEL_SURE = 0.95
BACKED_NEAREST = 0.4
# … or when it is all but certain (NB posteriors run to 1 on long texts: 1e-6 left), with an
# example only a little near. Chosen on the tuning parts: 0.9999 took item names (公积金提取);
# 0.99999 took it again once the bind and unbind terms grew (terms are training text too).
MODEL_CERTAIN = 0.999999
CERTAIN_NEAREST = 0.2


# The last characters of offices' names (派出所, 卫生院, 民政局, 服务站): a word heard by its
# sound does not begin on one of them, after the rest of the name.
OFFICE_ENDS = frozenset("所局站院厅处队")


@lru_cache(maxsize=8)
def _quantities(counted: tuple[str, ...]) -> re.Pattern[str]:
    """A number and the measure word after it, with 个 before them (built once per inventory,
    not per message)."""
    measures = "".join(map(re.escape, counted))
    return re.compile(f"个?[0-9零一二两三四五六七八九十百千万几多来]+[{measures}]")


@dataclass(frozen=True, slots=True)
class Reading:
    """One message understood.

    `intent` is an intent of the inventory or ITEM; `aspect` the question about an item;
    `rest` the message without the words of its intent and aspect; `core` the rest without
    filler words ('' when nothing is left: the message is only its question); `topic`
    'fund' or 'poverty' when the message mentions public money."""

    text: str
    intent: str
    aspect: str | None = None
    rest: str = ""
    core: str = ""
    topic: str | None = None
    score: float = 1.0

    @property
    def is_talk(self) -> bool:
        """Small talk: answered with a sentence, never a card or a list."""
        return self.intent in TALK_ORDER


class Reader:
    """The classifier of messages, built from an inventory."""

    def __init__(self, source: Inventory) -> None:
        self.inventory = source
        terms: dict[str, list[str]] = {}
        for name in (*ACT_ORDER, *TALK_ORDER):
            if name in source.intents:
                terms[f"i:{name}"] = list(source.intents[name].terms)
        for name, entry in source.aspects.items():
            terms[f"a:{name}"] = list(entry.terms)
        for name, entry in source.intents.items():
            if entry.kind == DATA:
                terms[f"d:{name}"] = list(entry.terms)
        self._terms = TermMatcher(terms)
        self._fillers = TermMatcher({"filler": list(source.fillers)})
        # Longest first (the inventory's order): 刚刚 before 刚.
        self._when = re.compile("|".join(map(re.escape, source.when_words)) or "(?!)")
        self._scorer = Scorer(
            {
                **{f"i:{n}": e.examples for n, e in source.intents.items() if e.kind != DATA},
                **{f"a:{n}": e.examples for n, e in source.aspects.items()},
            }
        )
        self._model = Model(
            {
                **{
                    f"i:{n}": (*e.examples, *e.terms)
                    for n, e in source.intents.items()
                    if e.kind != DATA
                },
                **{f"a:{n}": (*e.examples, *e.terms) for n, e in source.aspects.items()},
                NO_CLASS: source.searches,
            }
        )
        self._kind = {name: entry.kind for name, entry in source.intents.items()}
        self._sounds: dict[str, list[tuple[str, str, tuple[str, ...]]]] | None = None
        self._pinyin_terms = [
            term for listed in terms.values() for term in listed if len(term) >= PINYIN_TERM
        ]
        self._typed: dict[str, str] | None = None
        self._sounding = [
            (name, term)
            for name in SOUNDING_ACTS
            if name in source.intents
            for term in source.intents[name].terms
            if len(term) >= 2 and all(is_hanzi(c) for c in term)
        ]
        self._examples = {
            f"i:{name}": tuple(fold(e) for e in entry.examples)
            for name, entry in source.intents.items()
        }

    def guess(self, text: str) -> tuple[str | None, float]:
        """The classifier's label for a text ('i:…', 'a:…' or NO_CLASS) and its probability."""
        return self._model.best(text)

    def says_term(self, text: str, intent: str) -> bool:
        """Whether the text holds one of the intent's own words (not only resembles an
        example of it)."""
        return any(f.label == f"i:{intent}" for f in self._terms.find(fold(text)))

    def mentions(self, text: str, intent: str) -> bool:
        """Whether the text holds one of the intent's terms anywhere, even where the matcher
        gave the words to an earlier intent (「找你们领导」 is a complaint's word and 人工's)."""
        folded = fold(text)
        entry = self.inventory.intents.get(intent)
        return entry is not None and any(term in folded for term in entry.terms)

    def strip_fillers(self, text: str) -> str:
        """The text without filler words ('' when only fillers, or when the text is one
        character: 「申请表去哪领」 leaves 领, which names nothing)."""
        if len(text.replace(" ", "")) < MIN_CORE:
            return ""
        return without(text, self._fillers.find(text)).replace(" ", "")

    def plain(self, text: str, measures: bool = True, quantities: bool = False) -> str:
        """The words that may name an item, said as the catalogue writes them (老头子 →
        老年人), without fillers and (unless `measures` is false) measure words between
        characters (「在地里打口井」 → 打井), and given `quantities` numbers with their measure
        word (「打一眼井」 → 打井): searched when the words as said find nothing.
        A measure word may be part of a word (户口), so both are tried."""
        spoken = fold(text)
        for said, written in self.inventory.colloquial:
            spoken = spoken.replace(said, written)
        kept = self.strip_fillers(spoken)
        if quantities:
            kept = self.without_quantities(kept)  # 「打一眼井」: how many is not what
        return self.without_measures(kept) if measures else kept

    def without_measures(self, text: str) -> str:
        """The text without measure words between characters (「办个营业执照」 → 办营业执照)."""
        measures = set(self.inventory.measure_words)
        kept = [c for i, c in enumerate(text) if not (c in measures and 0 < i < len(text) - 1)]
        return "".join(kept)

    def without_quantities(self, text: str) -> str:
        """The text without a number and the measure word after it, with 个 before them
        (「养几十头牛」 → 养牛, 「盖个两层楼」 → 盖楼): how many does not say what is done."""
        counted = (*self.inventory.measure_words, *self.inventory.counters)
        return _quantities(counted).sub("", text)

    def without_when(self, text: str) -> tuple[str, list[int]]:
        """The text without words of when and how far along (「老人刚走了」 → 老人走了), and
        where each kept character stands in `text`."""
        kept: list[int] = []
        at = 0
        for said in self._when.finditer(text):
            kept += range(at, said.start())
            at = said.end()
        kept += range(at, len(text))
        return "".join(text[i] for i in kept), kept

    def read(self, text: str) -> Reading:
        """Understand one message (already normalised)."""
        # 「需要本人去吗」: 需要 is 要 (a term holding 要 must not leave 需 behind as a word)
        compact = fold(text).replace("需要", "要")
        term = self._typed_in_pinyin(compact)
        if term is not None:
            return self.read(term)  # 「dianhua」 after a card: 电话
        if not compact:
            # Only punctuation (「？」): a request for help.
            return Reading(text, HELP if text.strip() else ITEM)
        found = self._terms.find(compact)
        rest_all = without(compact, found).replace(" ", "")
        core_all = self.strip_fillers(rest_all)
        labels = {f.label for f in found}
        topic = next((f.label[2:] for f in found if f.label.startswith("d:")), None)

        talk = self._talk(found, labels, compact, core_all)
        if talk is not None:
            return Reading(text, talk[0], rest="", core="", score=talk[1])

        act = self._act(found, labels, compact, text)
        if act is not None:
            name, score = act
            kept = [f for f in found if f.label == f"i:{name}"]
            rest = without(compact, kept).replace(" ", "")
            core = self.strip_fillers(rest)
            if name == "human" and len(self.strip_fillers(rest_all)) < MIN_CORE:
                # 「人工服务在哪」 「人工在吗」: beside 人工 only other known words (a question,
                # a greeting), no problem to forward.
                core = ""
            return Reading(text, name, rest=rest, core=core, topic=topic, score=score)

        aspect = self._aspect(found, compact)
        if aspect is not None:
            name, score = aspect
            kept = [
                f
                for f in found
                if f.label.startswith("a:") or (name == "place" and f.label[2:] in WHERE_TO_GO)
            ]
            rest = without(compact, kept).replace(" ", "")
            return Reading(
                text,
                ITEM,
                aspect=name,
                rest=rest,
                core=self.strip_fillers(rest),
                topic=topic,
                score=score,
            )
        if not found and not core_all and len(compact) >= MIN_CORE and self._fillers.find(compact):
            # Only words of speech (「我想问个事」 「请问一下」): what can be asked, no search.
            return Reading(text, HELP, rest="", core="")
        return Reading(text, ITEM, rest=compact, core=self.strip_fillers(compact), topic=topic)

    def _talk(
        self, found: list[Found], labels: set[str], compact: str, core: str
    ) -> tuple[str, float] | None:
        talk_found = [f for f in found if f.label.startswith("i:") and self._is(f, TALK)]
        only_talk = len(talk_found) == len(found)
        if found and only_talk and not core:
            cover: dict[str, int] = {}
            for match in talk_found:
                cover[match.label[2:]] = cover.get(match.label[2:], 0) + len(match.term)
            ranked = sorted(cover, key=lambda n: (-cover[n], TALK_ORDER.index(n)))
            # 「好的谢谢」: thanks outranks the acknowledgement whatever the lengths.
            best = next((n for n in TALK_ORDER if n in cover and n != "ack"), ranked[0])
            return best, 1.0
        if only_talk and len(compact) <= TALK_MAX_CHARS:
            # 「非常感谢」 「是不是机器人」: close to an example though a word is left over.
            label, score = self._best(compact, [f"i:{n}" for n in TALK_ORDER], TALK_SCORE)
            if label is not None:
                return label[2:], score
        return None

    def _best(self, compact: str, labels: list[str], needed: float) -> tuple[str | None, float]:
        """The label (of `labels`) whose example is `needed` near the message, or which the
        classifier is sure of, with an example somewhat near."""
        label, score = self._scorer.best(compact, labels)
        if label is not None and score >= needed:
            return label, score
        guess, sure = self._model.best(compact)
        if guess in labels and sure >= MODEL_SURE:
            near = self._scorer.best(compact, [guess])[1]
            if near >= BACKED_NEAREST or (sure >= MODEL_CERTAIN and near >= CERTAIN_NEAREST):
                return guess, near
        return None, 0.0

    def _act(
        self, found: list[Found], labels: set[str], compact: str, text: str
    ) -> tuple[str, float] | None:
        if "i:human" in labels and self._leads_with_human(found, text, apart=True):
            # 「人工 我家草原补奖今年咋没到账」: the command first, then what to forward, even
            # when the problem is one this account cannot serve (progress) or a complaint.
            return "human", 1.0
        if self._asks_own_money(compact):
            return "personal", 1.0
        acts = [name for name in ACT_ORDER if f"i:{name}" in labels]
        if "complaint" in acts and self._asks_after_complaint(found, compact):
            acts.remove("complaint")
        for name in acts:
            if name == "human" and not self._only_human(found, compact, text):
                continue
            if name == "bind" and not self._binds_a_place(found, compact):
                continue
            changed = "a:place" in labels and CHANGED_DETAIL.search(text) is not None
            if name in WHERE_TO_GO and labels & {"a:place", "a:proxy"} and not changed:
                # 「在哪个窗口交材料」: where to hand them in, a question about a place;
                # 「亲戚帮我去交材料行不」: who may hand them in, a question about the item;
                # not 「帮我把卡上的地址改一下」, where the address is what is changed
                continue
            return name, 1.0
        heard = any(f.label.startswith(("i:", "d:")) and not self._is(f, TALK) for f in found)
        if not heard and len(compact) <= SOUNDING_MAX_CHARS:
            sounding = self._sounds_like(compact)
            if sounding is not None:
                return sounding, 1.0
        # Letters only (「shenfenzheng」): no example is near by its letters' n-grams alone (an
        # item typed in pinyin shares 「eng」 with 「rengong」); acts typed so are found above.
        wish = APPLY_WISH.match(compact)
        if wish is not None and len(self.strip_fillers(compact[wish.end() :])) >= MIN_CORE:
            # 「我想办个营业执照」: what one wants to get, said as one does (an item), however
            # near 「你给我办个…」 (an act of this account) its words come
            return None
        if not heard and len(compact) <= ACT_MAX_CHARS and any(map(is_hanzi, compact)):
            # No act's words: near enough to an example (closer still when a question
            # about an item was heard: 「被要求多交钱」 is a complaint, not about a fee).
            needed = ACT_SCORE if all(self._is(f, TALK) for f in found) else ACT_OVER_ASPECT
            label, score = self._best(
                compact, [f"i:{n}" for n in ACT_ORDER if self._kind.get(n) == ACT], needed
            )
            if label is not None and not self._part_of_example(compact, label):
                return label[2:], score
        return None

    def _binds_a_place(self, found: list[Found], compact: str) -> bool:
        """Whether the words of binding said are binding's own (绑定, 换绑), or words of a
        change (改成, 换到) followed by a place or its code (「改成红大村」), not of a record
        (「证上的名字改成我儿子的」) or a house (「在天堂镇想把自家房子改成民宿」)."""
        changes = [f for f in found if f.label == "i:bind"]
        if any(f.term not in CHANGE_WORDS for f in changes):
            return True
        return any(
            PLACE_WORD.search(compact[f.end : f.end + CHANGED_INTO]) is not None for f in changes
        )

    def _sounds_like(self, compact: str) -> str | None:
        """The act (of SOUNDING_ACTS) one of whose words the message says by its sound,
        written with other characters (each character read by its commonest fuzzy pinyin: a
        rarer reading, 能 as tai, would hear words nobody typed)."""
        index = self._sound_index()
        said = [readings(c)[0] for c in compact]
        for start, sound in enumerate(said):
            if start >= 2 and compact[start] in OFFICE_ENDS:
                continue  # 「派出所要开啥证明」: 所 ends 派出所; 所要 is no 索要
            for name, term, sounds in index.get(sound, ()):
                end = start + len(term)
                typed = compact[start:end]
                if end <= len(compact) and typed != term and tuple(said[start:end]) == sounds:
                    return name
        return None

    def _sounds_all(self, text: str, act: str) -> bool:
        """Whether the whole text is one of the act's words said by its sound."""
        said = tuple(readings(c)[0] for c in text if is_hanzi(c))
        if len(said) != len(text) or not said:
            return False
        return any(
            name == act and sounds == said
            for name, _, sounds in self._sound_index().get(said[0], ())
        )

    def _typed_in_pinyin(self, compact: str) -> str | None:
        """The one word of an intent or a question (「电话」) a message is, typed in pinyin
        without tones (「dianhua」 「cai liao」), or None; item names typed in pinyin are
        search's to read."""
        if not compact.isascii() or not compact.isalpha():
            return None
        if self._typed is None:
            # pinyin's dictionaries load here, at the first letters typed, not at import
            from pypinyin import Style, pinyin

            spelled: dict[str, set[str]] = {}
            for term in self._pinyin_terms:
                if not all(is_hanzi(c) for c in term):
                    continue
                sounds = pinyin(term, style=Style.NORMAL, heteronym=True)
                for spelling in product(*sounds):  # 地址: dizhi and dezhi
                    spelled.setdefault("".join(spelling), set()).add(term)
            # a spelling two words share (「shiyong」: 使用, 试用) names neither
            self._typed = {key: terms.pop() for key, terms in spelled.items() if len(terms) == 1}
        return self._typed.get(compact)

    def _sound_index(self) -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
        """The sounding acts' words by the readings of their first character (built at first
        use: pinyin's dictionaries are loaded then, not at import)."""
        if self._sounds is None:
            self._sounds = {}
            for name, term in self._sounding:
                sounds = tuple(readings(c)[0] for c in term)
                self._sounds.setdefault(sounds[0], []).append((name, term, sounds))
        return self._sounds

    def _asks_after_complaint(self, found: list[Found], compact: str) -> bool:
        """「老伴去世了 我一个人没人管 五保咋申请」: after a complaint's words that also tell one's
        situation (`circumstances` of the inventory), the message asks about an item (a question
        about it, with words naming it between): those words told the circumstance."""
        said = [f for f in found if f.label == "i:complaint"]
        if any(f.term not in self.inventory.circumstances for f in said):
            return False
        last = max(f.end for f in said)
        asked = [f for f in found if f.label.startswith("a:") and f.start >= last]
        if not asked:
            return False
        between = without(compact[last : asked[0].start], [])
        return len(self.strip_fillers(between)) >= MIN_CORE

    def _part_of_example(self, compact: str, label: str) -> bool:
        """Whether the message is only a piece of one of the label's examples (「营业执照」 of
        「营业执照办好了没」), once words of speech are gone (「身份证办理」: 身份证 of 「身份证
        办好了吗」): it says the example's topic, not the act."""
        examples = self._examples[label]
        if compact in examples:
            return False
        plain = self.strip_fillers(compact)
        pieces = {compact, plain} if len(plain) >= MIN_CORE else {compact}
        if any(text != example and text in example for text in pieces for example in examples):
            return True
        # 「新办营业执照」 near 「帮我代办营业执照」: one character beside a run of the example,
        # saying a way of the thing's life (新, 补), says no act, only the example's topic.
        ways = direction_of(compact)
        return bool(ways) and any(
            len(run) >= len(compact) - 1
            and len(run) >= ACT_TOPIC
            and not ways <= direction_of(example)
            for example in examples
            for run in (longest_run(compact, example),)
        )

    def _only_human(self, found: list[Found], compact: str, text: str) -> bool:
        """「人工」 「客服在吗」 「让工作人员回复我」; not 「找工作人员问身份证」, 「人工授精」."""
        if self._leads_with_human(found, text):
            return True
        clauses = CLAUSE_BREAK.split(text.strip())
        asking = len(clauses) > 1 and any(self._asks_only_for_a_person(c) for c in clauses)
        if asking and all(
            self._leaves_a_number(c) or self._asks_only_for_a_person(c) for c in clauses
        ):
            # 「能不能叫个人给我回个电话 我电话138…」: the request and the citizen's own number
            # (电话 there is not a question about an item's phone).
            return True
        others = [f for f in found if f.label != "i:human" and not self._is(f, TALK)]
        if others:
            return False
        if asking:
            return True
        for start, end in self._human_spans(found, compact):
            # 「能不能让工作人员跟我说」 「说不清楚 我要找人」 「麻烦转一下人工」: a long 人工
            # phrase with only words of speech before it, or ending the message, is the command.
            if end - start < 3:
                continue
            before = self.strip_fillers(compact[:start])
            after = self.strip_fillers(compact[end:])
            if not before or not after:
                return True
        rest = self.strip_fillers(without(compact, found).replace(" ", ""))
        if not rest or self._sounds_all(rest, "human"):
            # 「认工客服」: what is left is 人工 typed by its sound.
            return True
        return self._scorer.best(compact, ["i:human"])[1] >= HUMAN_SCORE

    def _leaves_a_number(self, clause: str) -> bool:
        """「我电话13893566781」 「手机号 0935-3121733」: a clause giving the citizen's number
        (seven digits or more) and nothing else but known words."""
        compact = fold(clause)
        if not _PHONE_NUMBER.search(compact):
            return False
        rest = without(compact, self._terms.find(compact)).replace(" ", "")
        return not self.strip_fillers(_PHONE_NUMBER.sub("", rest).strip("-"))

    def _asks_own_money(self, compact: str) -> bool:
        """「俺家今年草原补奖发了多少钱」: whose, then what was received, in that order."""
        owned = [compact.find(word) for word in self.inventory.own_owners if word in compact]
        if not owned:
            return False
        first = min(owned)
        return any(compact.find(word, first) > first for word in self.inventory.own_received)

    def _asks_only_for_a_person(self, clause: str) -> bool:
        """Whether one clause of a longer message says nothing but asking for a person
        (「找个真人跟我说」 「能不能请个工作人员帮我看一下」): the other clauses then only say
        why (「说的啥呀看不懂」 「我老汉不会弄手机」), and what to forward."""
        compact = fold(clause)
        said = [f for f in self._terms.find(compact) if f.label == "i:human"]
        if not said:
            return False
        rest = self.strip_fillers(without(compact, said).replace(" ", ""))
        glue = (*self.inventory.human_before, *self.inventory.human_after)
        glue += self.inventory.human_asking
        for word in sorted(glue, key=len, reverse=True):
            rest = rest.replace(word, "")
        return not rest

    def _leads_with_human(self, found: list[Found], text: str, apart: bool = False) -> bool:
        """「转人工 高龄补贴停发了」 「人工，…」: the message opens with 人工's command, then the
        problem (not 「人工授精补贴」: a short term running on into other words). `apart`:
        only when a space or a punctuation mark follows the command (「工作人员态度差」 is about
        them)."""
        first = found[0] if found else None
        if first is None or first.label != "i:human" or first.start != 0:
            return False
        after = text.lstrip()[len(first.term) : len(first.term) + 1]
        if apart:
            return bool(after) and not after.isalnum()
        return len(first.term) >= 3 or not after or not after.isalnum()

    def _human_spans(self, found: list[Found], compact: str) -> list[tuple[int, int]]:
        """Where 人工's words are said, words said one after the other (「转一下」「人工」, or
        with only words of speech between) making one phrase."""
        spans: list[tuple[int, int]] = []
        for match in sorted((f for f in found if f.label == "i:human"), key=lambda f: f.start):
            end = match.start + len(match.term)
            if spans and not self.strip_fillers(compact[spans[-1][1] : match.start]):
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((match.start, end))
        return [self._joined(compact, start, end) for start, end in spans]

    def _joined(self, compact: str, start: int, end: int) -> tuple[int, int]:
        """A span of 人工's words widened over the words that only say how to talk to the
        person (「跟」人工「沟通」, 客服「人员直接聊」)."""
        said_end, grew = end, True
        while grew:
            grew = False
            for word in self.inventory.human_after:
                if compact.startswith(word, end):
                    end, grew = end + len(word), True
                    break
        if end == said_end:
            return start, end  # 「跟人工授精…」: 跟 alone joins nothing
        for word in self.inventory.human_before:
            if compact.endswith(word, 0, start):
                start -= len(word)
                break
        return start, end

    def _aspect(self, found: list[Found], compact: str) -> tuple[str, float] | None:
        cover: dict[str, int] = {}
        order: list[str] = []
        for match in found:
            if match.label.startswith("a:"):
                name = match.label[2:]
                if name not in cover:
                    order.append(name)
                cover[name] = max(cover.get(name, 0), len(match.term))
        if len(cover) > 1:
            # 「网上怎么办」 「在哪填表」: the examples tell which question it is.
            scores = self._scorer.scores(compact)
            return max(order, key=lambda n: (scores.get(f"a:{n}", 0.0), cover[n])), 1.0
        if cover:
            return order[0], 1.0
        if not found and len(compact) <= ASPECT_MAX_CHARS:
            label, score = self._best(
                compact, [f"a:{n}" for n in self.inventory.aspects], ASPECT_SCORE
            )
            if label is not None:
                return label[2:], score
        return None

    def _is(self, match: Found, kind: str) -> bool:
        return self._kind.get(match.label[2:]) == kind


READER = Reader(inventory())


@lru_cache(maxsize=8192)
def read(text: str) -> Reading:
    """Understand one message with the shipped inventory (which does not change while the
    process runs: the readings of the last 8,192 distinct messages are kept)."""
    return READER.read(text)
