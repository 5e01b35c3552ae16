"""Which one step of a life event a message asks for, when it asks for one (「开宾馆要的卫生
许可」 「失业了能领点钱不」 「开KTV要办啥许可」), and whether its words ask a paper's other life
(lost, renewed, changed) that none of the event's items goes: pure rules over the event's
resolved steps and the words said beside its trigger."""

from __future__ import annotations

import re
from collections.abc import Iterable

from catalogue.life_events import LifeEvent, ResolvedStep
from catalogue.models import Item
from handlers.citizen.guide_notes import PAPER_ENDS, name_run_of
from handlers.citizen.understanding.reading import READER
from handlers.citizen.understanding.scorer import fold
from search import normalise
from search.direction import NEW, asked, direction_of

MIN_NAMING = 2  # characters of a name or keyword that, said beside the trigger, name an item


WHOLE_NAME = 3  # characters of an item's whole name or keyword that, said, name it
# How the name of a thing one step gets ends (执照, 许可证, 卫生许可, 补贴, 救助): said beside the
# trigger, such a word of exactly one step's item asks for that step (「开宾馆要的卫生许可」).
THING_ENDS = (*PAPER_ENDS, "许可", "补贴", "津贴", "救助", "保险金", "扶助金")


SHORT_HEAD = 4  # characters of a name said before its paper word (「防疫证」: 防疫 + 证)


def paper_said_short(name: str, words: str) -> str:
    """A paper named the short way people name it: a run of the name, then a later run of it
    ending with the paper word, or that word alone (「防疫证」 of 动物防疫条件合格证核发,
    「采伐证」 of 林木采伐许可证核发, 「娱乐许可证」 of 《娱乐经营许可证》); the longest such
    said, or ''."""
    best = ""
    for end in PAPER_ENDS:
        at = words.find(end)
        while at >= MIN_NAMING:
            for start in range(max(0, at - SHORT_HEAD), at - MIN_NAMING + 1):
                said = _head_and_tail(name, words[start : at + 1])
                if said:
                    best = max(best, said, key=len)
                    break
            at = words.find(end, at + 1)
    return best


def _head_and_tail(name: str, words: str) -> str:
    """The words when they are a run of the name (at least MIN_NAMING long) and then a later
    run of it (the last character alone at least); else ''."""
    for cut in range(len(words) - 1, MIN_NAMING - 1, -1):
        found = name.find(words[:cut])
        if found >= 0 and name.find(words[cut:], found + cut) >= 0:
            return words
    return ""


def one_step_named(core: str, steps: list[ResolvedStep]) -> Item | None:
    """The one step item whose name or keywords hold the longest run of the words said beside
    the trigger, when that run names a thing (THING_ENDS) and is at least a third of those words
    (「先得把执照办了」 → 个体工商户设立登记, keyword 办营业执照; 「要的许可证」 of a KTV → the
    娱乐经营许可证, the only step whose name holds 许可证); None when no step or several hold it
    (「开KTV要啥许可」: 许可 is the entertainment licence's and the hygiene licence's)."""
    best, holders, whole = "", set[str](), False
    for step in steps:
        if step.item is None:
            continue
        words = [fold(str(w)) for w in (step.item.name, *step.item.keywords, *step.item.aliases)]
        runs = [name_run_of(word, core) for word in words]
        runs += [paper_said_short(word, core) for word in words]
        run = max(runs, key=len, default="")
        if len(run) < MIN_NAMING or len(run) < len(best):
            continue
        if len(run) > len(best):
            best, holders, whole = run, set(), False
        holders.add(step.item.code)
        whole = whole or (len(run) >= WHOLE_NAME and run in words)
    if len(holders) != 1:
        return None
    # A whole name or keyword said names the item however much else is told (「日子过不下去了
    # 能不能申请个最低生活的那个保障」); a part of one only when it names a thing and is not lost
    # among other words.
    if not whole and (not best.endswith(THING_ENDS) or 3 * len(best) < len(core)):
        return None
    return next(s.item for s in steps if s.item is not None and s.item.code in holders)


# Ways a paper's life goes that no life event is about: losing it, renewing it, voiding it,
# changing what it says, lifting its suspension.
PAPERS_WAYS = frozenset({"replace", "renew", "void", "change", "resume"})


def asks_another_way(
    rest: str, steps: list[ResolvedStep], ways: frozenset[str] | None = PAPERS_WAYS
) -> bool:
    """Whether the words beside the trigger ask for a paper's life going a way (PAPERS_WAYS)
    none of the event's items goes (「办贷款要结婚证 翻遍了屋里也找不着」: 补领, where 结婚's
    steps are registrations; 「建房的许可证 能不能往后延一延」: 延期): search answers them.
    `ways` None: any way but a first application (「他开的铺子要注销」 is no shop opened)."""
    wish = asked(direction_of(normalise(rest))) - {NEW}
    if ways is not None:
        wish &= ways
    if not wish:
        return False
    return not any(
        step.item is not None and wish & direction_of(normalise(step.item.name)) for step in steps
    )


LICENCE_SAID = "许可"
# The paper of a trade, and nothing else said (「开歌厅的证」): its licence. Which papers
# (「开KTV要办啥证」) are all its steps; with more said (「院子里有几棵树要砍」) the other
# words say which paper.
PAPER_ASKED = re.compile(r"(?:的|那个)证")


def _only_asks_its_paper(rest: str) -> bool:
    asked = PAPER_ASKED.search(rest)
    return asked is not None and len(READER.strip_fillers(PAPER_ASKED.sub("", rest))) < MIN_NAMING


# 「卖烟：烟草专卖零售许可证」: a step only some who go through the event take.
CONDITION_MARK = "："


def names_its_paper_short(item: Item, words: str) -> bool:
    """Whether the words name one of the item's papers the short way (健康证 of 从业人员健康
    合格证明)."""
    said = fold(words)
    papers = (str(r.get("name", "")) for r in item.requirements or [] if isinstance(r, dict))
    return any(paper_said_short(fold(paper), said) for paper in papers)


def the_trades_licence(
    rest: str, life_event: LifeEvent, steps: list[ResolvedStep], events: Iterable[LifeEvent]
) -> Item | None:
    """The licence of the trade itself, when a licence is asked for (「开KTV要办啥许可」): the one
    step every such business takes (no condition before its label) that no other event has
    (not the business licence or the hygiene licence many trades share), when its item exists."""
    if LICENCE_SAID not in rest and not _only_asks_its_paper(rest):
        return None
    others = {
        name
        for event in events
        if event.name != life_event.name
        for s in event.steps
        for name in s.names
    }
    raw = {step.label: step for step in life_event.steps}
    own = [
        step.item
        for step in steps
        if step.item is not None
        and step.label in raw
        and CONDITION_MARK not in step.label
        and not set(raw[step.label].names) & others
        and LICENCE_SAID in step.item.name
    ]
    return own[0] if len(own) == 1 else None


def goes_the_way_asked(item: Item, words: str) -> bool:
    """Whether the item goes every way the words ask other than a first application
    (「结婚证弄丢了咋补」 asks 补领, not the event's step 婚姻登记)."""
    wish = asked(direction_of(normalise(words))) - {NEW}
    return not wish or bool(wish & direction_of(normalise(item.name)))


# Money asked for (「失业了能领点钱不」 「失业的钱咋领」; not 「没钱了」 「花光了钱」: a hardship
# told) and how the names of items paying it end.
MONEY_ASKED = re.compile("(?:领|给|拿|发|补|啥|什么|的|点|些)钱")
MONEY_NAMES = ("金", "补贴", "津贴")


def the_money(rest: str, steps: list[ResolvedStep]) -> Item | None:
    """The one step item paying money, when the words beside the trigger ask for money
    (「失业了能领点钱不」 → 失业保险金申领; not 「家里有残疾人能领啥钱」: two allowances)."""
    if MONEY_ASKED.search(rest) is None:
        return None
    paying = {
        step.item.code: step.item
        for step in steps
        if step.item is not None and any(w in step.item.name for w in MONEY_NAMES)
    }
    return next(iter(paying.values())) if len(paying) == 1 else None


OUTSIDE_STEP_NAMING = 4  # characters of a step's label that, said, ask for that step
MIN_STEP_TERM = 3  # characters of one of a step's own words (丧葬费) that, said, name it
MIN_STEP_THING = 3  # characters of a step's thing (宅基地) that, said whole, ask for it
# The doing in a step's label, left off its thing (宅基地申请: 宅基地).
STEP_DOING = re.compile("申请|办理|领取|（[^（）]*）")
LABEL_ALIAS = re.compile(r"（([^（）]{3,})）")


def one_outside_step_named(
    core: str, steps: list[ResolvedStep], thing_alone: bool = False
) -> ResolvedStep | None:
    """The one step no item serves (shown as whom to ask) whose label the words said beside
    the trigger name (「死亡证明在哪开」: 死亡医学证明), when exactly one is; `thing_alone`
    (asked right after the checklist): its thing said whole names it too (宅基地)."""
    named = []
    for step in steps:
        if step.item is not None or (step.department is None and not step.office):
            continue
        label = fold(step.label)
        run = max((name_run_of(label, core), paper_said_short(label, core)), key=len)
        # 「出生登记（上户口）」: the plain words in brackets, said whole, name it too
        plain = [fold(p) for p in LABEL_ALIAS.findall(step.label)]
        # 「宅基地申请」: its thing alone (宅基地), once the doing is left off
        thing = STEP_DOING.sub("", label.rpartition(CONDITION_MARK)[2])
        whole = thing_alone and len(run) >= MIN_STEP_THING and run == thing
        # 「户口咋销」 right after the checklist: every character said is the label's (注销户口)
        scattered = thing_alone and len(core) >= MIN_STEP_THING and set(core) <= set(label)
        # 「丧葬费能领多少」 right after the checklist: one of the step's own words (丧葬费 of
        # 领取丧葬补助金和抚恤金)
        termed = thing_alone and any(
            len(t) >= MIN_STEP_TERM and fold(t) in core for t in step.terms
        )
        said_plainly = any(p in core for p in plain)
        if len(run) >= OUTSIDE_STEP_NAMING or whole or scattered or termed or said_plainly:
            named.append(step)
    return named[0] if len(named) == 1 else None


# A case said not to be the citizen's (「开个小卖部，不卖烟」 「烟酒不卖」 「他没吃过低保」): a
# negation right before the condition's doing and thing, or its thing then a negated doing.
NEGATED = "不|没有|没|不再"
CONDITION_DOING = re.compile("^(?:卖|领|吃|开|办|有|做|搞|养|打|占用|占|建|盖|砍|用)过?")
BETWEEN = 4  # characters of other things between the doing and the thing (不卖烟酒: 烟)


def ruled_out(step: ResolvedStep, text: str) -> bool:
    """Whether the text says the step's condition (「卖烟」 of 「卖烟：烟草专卖零售许可证」) is
    not the citizen's case; a step every case takes is never ruled out."""
    condition, mark, _ = step.label.partition(CONDITION_MARK)
    condition = condition.removeprefix("需要")  # 「需要砍树」: 砍树
    doing = CONDITION_DOING.match(condition) if mark else None
    if doing is None or len(condition) == doing.end():
        return False
    said = doing.group(0).removesuffix("过")
    # 「不占草原」 of 占用草原…: the verb's first character may say it
    verb = re.escape(said[0]) + (f"(?:{re.escape(said[1:])})?" if len(said) > 1 else "") + "过?"
    thing = condition[doing.end() :]
    # the thing's first words (井 of 井用水, 草原 of 草原建圈舍)
    things = "|".join(
        re.escape(t) for t in dict.fromkeys((thing, thing[:2], thing[:1], *step.when)) if t
    )
    flat = normalise(text)
    before = f"(?:{NEGATED})(?:再|打算|准备|想)?{verb}[^，,。；;\\s不]{{0,{BETWEEN}}}(?:{things})"
    after = f"(?:{things})[^，,。；;\\s]{{0,{BETWEEN - 1}}}(?:{NEGATED}){verb}"
    return re.search(before, flat) is not None or re.search(after, flat) is not None


def the_step_pointed_to(words: str, steps: Iterable[ResolvedStep]) -> ResolvedStep | None:
    """The one step with an item whose circumstances (the step's `when`) the words tell, when
    exactly one is: 「家里着火了」 of the help hard times get is 临时救助 (急难时), not 低保
    (长期困难); a story telling two steps' circumstances, or none, points to none."""
    told = fold(normalise(words))
    pointed = [
        step
        for step in steps
        if step.item is not None
        and any(fold(normalise(w)) in told for w in step.when)
        and not ruled_out(step, words)  # 「他没开过店」 tells it is not theirs
    ]
    return pointed[0] if len(pointed) == 1 else None


# What a step's label says is done when it is not applying for its item (a death: 告知停发).
NOT_APPLYING = re.compile("告知|停发|注销|变更|交回|退回")


def stops_its_item(step: ResolvedStep) -> bool:
    """Whether what the step's label says is done is not applying for its item (「领高龄津贴：
    告知民政局停发」)."""
    _, mark, action = step.label.partition(CONDITION_MARK)
    return bool(mark) and NOT_APPLYING.search(action) is not None


def other_steps_line(pointed: ResolvedStep, steps: Iterable[ResolvedStep]) -> str:
    """The event's other steps with an item, each with its circumstances (「长期困难的，可申请
    最低生活保障」), in one sentence after the card of the step a story points to; '' when there
    are none."""
    others = []
    shown = pointed.item.code if pointed.item is not None else ""
    for step in steps:
        if step.item is None or step.item.code == shown:
            continue
        condition, _, action = step.label.partition(CONDITION_MARK)
        if stops_its_item(step):
            # 「领高龄津贴：告知民政局停发」: what is done is not applying for it
            others.append(f"{condition}的，{action}（{step.item.name}）")
        elif CONDITION_MARK in step.label:
            others.append(f"{condition}的，可申请{step.item.name}")
        else:
            others.append(f"符合条件的，还可申请{step.item.name}")
    return f"另外，{'；'.join(others)}。" if others else ""
