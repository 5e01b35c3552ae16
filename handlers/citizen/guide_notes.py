"""A question about the item just shown that no one field answers (「还要登报吗」 「我给我妈代办
行不」 「执照早都寻不着了咋办」): the guide's own sentences that share its words, so the citizen
reads what the guide says instead of a search for other items."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from catalogue.models import Item
from handlers.citizen.understanding.inventory import inventory
from handlers.citizen.understanding.reading import READER
from handlers.citizen.understanding.scorer import fold
from search.normalise import longest_run
from search.synonyms import SynonymTable

SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
MAX_NOTES = 3
PAIR = 2  # characters in a row said and written alike


def guide_sentences(item: Item) -> list[str]:
    """Every sentence of the guide a question may be about, as a citizen would read it."""
    sentences: list[str] = []
    for requirement in item.requirements:
        name = str(requirement.get("name", "")).strip()
        note = str(requirement.get("note", "")).strip()
        if name:
            sentences.append(f"材料：{name}（{note}）" if note else f"材料：{name}")
    for text in (item.conditions, item.service_content, item.management_requirements):
        sentences += SENTENCE_END.split(text or "")
    sentences += [str(step) for step in item.procedure]
    # 「临时的当天能拿到不」: a time limit's note (临时居民身份证当场办理) is the guide's word on it
    for label, limit in (
        ("法定办结时限", item.legal_time_limit),
        ("承诺办结时限", item.promised_time_limit),
    ):
        if limit and limit.note:
            sentences.append(f"{label}：{limit}")
    if item.fee:
        sentences.append(f"收费：{item.fee}")
    return [s.strip() for s in sentences if s and s.strip()]


# Runs every guide has in many sentences: they tell no sentence from another.
COMMON_PAIRS = frozenset(
    {"办理", "申请", "可以", "需要", "提交", "相关", "材料", "进行", "按照", "规定"}
)


@lru_cache(maxsize=1)
def _synonyms() -> SynonymTable:
    return SynonymTable.default()


def in_formal_terms(words: str) -> str:
    """The words with each colloquial term the search dictionary knows written as the
    catalogue writes it (「社保卡」 → 社会保障卡), longest first from the left."""
    table = _synonyms()
    out: list[str] = []
    start = 0
    while start < len(words):
        for length in table.lengths_from(words[start]):
            entry = table.get(words[start : start + length])
            if entry is not None and not entry.action:
                out.append(entry.formals[0])
                start += length
                break
        else:
            out.append(words[start])
            start += 1
    return "".join(out)


def in_guide_terms(words: str) -> str:
    """The words with each everyday word guides write otherwise in the guides' words
    (「门面最少得多大」 → 营业场所最少得平方米), longest first, as `phrases.json` lists them;
    a word written in several ways becomes each, kept apart by 「|」
    (村上 → 村（社区）|村民委员会)."""
    for spoken, written in inventory().guide_terms:
        words = words.replace(spoken, written)
    return words


@lru_cache(maxsize=256)
def _pairs(words: str) -> frozenset[str]:
    """The two-character runs of the words as said, in the catalogue's terms (相片: 照片) and in
    the guides' (门面: 营业场所); kept for the words of the last messages (a question after a
    list is compared with each entry's guide)."""
    runs: set[str] = set()
    folded = fold(words)
    for said in {
        folded,
        fold(READER.plain(words)),
        in_formal_terms(folded),
        in_guide_terms(folded),
    }:
        runs |= {said[i : i + PAIR] for i in range(len(said) - PAIR + 1)}
    return frozenset(runs - COMMON_PAIRS)


def notes_about(item: Item, words: str, shown: str = "") -> list[str]:
    """At most MAX_NOTES sentences of the guide sharing the most runs with the words, in the
    guide's order, leaving out those the answer `shown` already holds."""
    pairs = _pairs(words)
    if not pairs:
        return []
    scored: list[tuple[int, int, str]] = []
    for order, sentence in enumerate(guide_sentences(item)):
        if sentence.split("：", 1)[-1] in shown:
            continue
        folded = fold(sentence)
        shared = sum(1 for pair in pairs if pair in folded)
        if shared:
            scored.append((-shared, order, sentence))
    best = sorted(scored)[:MAX_NOTES]
    return [sentence for _, _, sentence in sorted(best, key=lambda s: s[1])]


# A death told (「我爸上个月去世了」 「奶奶上个月走了」), and what a guide says on one (「去世后停止
# 发放」): a benefit's guide answers what then becomes of it.
DEATH_TOLD = re.compile(
    r"去世|过世|离世|逝世|病故|亡故|死了|人没了|"
    r"(?:爸|妈|爹|娘|爷爷|奶奶|姥姥|姥爷|外婆|外公|老人|老伴|父亲|母亲|老爷子|老太太|老汉)"
    r"[^，,。\s]{0,5}?(?:走了|没了)"
)
DEATH_IN_GUIDE = re.compile(r"去世|死亡|身故|亡故|逝世")


def notes_on_a_death(item: Item, said: str, shown: str = "") -> list[str]:
    """The guide's sentences on a death (at most MAX_NOTES), when the words tell of one and
    the answer `shown` does not hold them yet."""
    if DEATH_TOLD.search(said) is None:
        return []
    told = [s for s in guide_sentences(item) if DEATH_IN_GUIDE.search(s)]
    return [s for s in told if s.split("：", 1)[-1] not in shown][:MAX_NOTES]


PAPER = 3  # characters of a paper's name that, said as written, say it (结婚证, 身份证)
LEFT_OVER = 2  # characters beside the paper that only ask about it (没领, 需, 带)
# How the name of a paper ends (结婚证, 社会保障卡, 户口簿, 申请书, 证明, 执照, 合同…).
PAPER_ENDS = ("证", "卡", "簿", "本", "书", "表", "明", "照", "件", "单", "票", "据", "同", "函")


def name_run_of(name: str, words: str) -> str:
    """The longest run of `name` the words say as written."""
    return longest_run(words, name)


# What a guide says for a paper that is lost (营业执照正、副本：遗失的提交遗失声明).
LOST_MARKS = ("遗失", "丢失", "挂失", "找不到")


def lost_paper_notes(item: Item, said: str) -> list[str]:
    """What the item's materials say to do when a paper it lists, named in the words (at least
    two characters of its name, ending as a paper's name does: 执照), is lost: the paper and its
    note, when the note says (「执照原件找不见了咋办」 on 个体工商户注销登记)."""
    words = fold(said)
    notes = []
    for requirement in item.requirements:
        if not isinstance(requirement, dict):
            continue
        name, note = str(requirement.get("name", "")), str(requirement.get("note", ""))
        run = name_run_of(fold(name), words)
        if len(run) >= 2 and run.endswith(PAPER_ENDS) and any(m in note for m in LOST_MARKS):
            notes.append(f"{name}：{note}")
    return notes


def paper_named(item: Item, words: str) -> dict[str, Any] | None:
    """The item's material the words say (a run of at least PAPER characters of its name,
    ending as a paper's name does: 残疾人证 of 第二代残疾人证), or None."""
    folded = fold(words)
    for requirement in item.requirements:
        if not isinstance(requirement, dict):
            continue
        name = str(requirement.get("name", ""))
        for said in (folded, in_formal_terms(folded)):
            run = name_run_of(fold(name), said)
            if len(run) >= PAPER and run.endswith(PAPER_ENDS):
                return requirement
    return None


def names_its_paper(item: Item, core: str) -> bool:
    """Whether the words name a paper the item's materials list (「要结婚证吗」, 「社保卡要带
    吗」: 社会保障卡), at least PAPER characters of it, with at most LEFT_OVER other characters
    of substance (「结婚证丢了咋补」 says more)."""
    papers = [fold(str(r.get("name", ""))) for r in item.requirements if isinstance(r, dict)]
    for words in (core, in_formal_terms(core)):
        said = max((name_run_of(paper, words) for paper in papers), key=len, default="")
        whole = said.endswith(PAPER_ENDS)  # 残疾人证, not the 残疾人 of 「家里有残疾人」
        if len(said) >= PAPER and whole and len(words.replace(said, "")) <= LEFT_OVER:
            return True
    return False
