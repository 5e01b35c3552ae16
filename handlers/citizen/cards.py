"""Chat answers about items: the card, the answer to one question, lists and retired codes.

Every answer fits one WeChat text (2048 bytes): long parts are shortened and the full
guide is one link away.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from catalogue.categories import CATEGORIES
from catalogue.code_explanation import CodeExplanation
from catalogue.codes import ITEM_SEGMENTS
from catalogue.models import Item, RetiredCode
from catalogue.queries import CodeLookup
from catalogue.workflow.workdays import china_date
from handlers.citizen import texts
from handlers.citizen.fitting import fit
from handlers.citizen.links import item_url
from handlers.citizen.taps import numbered

FIELD_CHARS = 120  # a long address or fee note is cut here in chat; the page has it all
SUSPENSION_CLASSES = {"一": "第一项", "二": "第二项", "三": "第三项", "四": "第四项"}


def shorten(text: str, limit: int = FIELD_CHARS) -> str:
    """One line of at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def requirement_line(number: int, requirement: dict[str, Any]) -> str:
    """「1. 申请书（原件1份，复印件1份）」."""
    copies = []
    if requirement.get("originals"):
        copies.append(f"原件{requirement['originals']}份")
    if requirement.get("copies"):
        copies.append(f"复印件{requirement['copies']}份")
    if requirement.get("required") is False:
        copies.append("非必需")
    if requirement.get("note"):
        copies.append(shorten(str(requirement["note"]), 40))
    detail = f"（{'，'.join(copies)}）" if copies else ""
    return f"{number}. {shorten(str(requirement.get('name', '')), 60)}{detail}"


def department_name(item: Item) -> str:
    """The implementing department's name, or a polite blank."""
    return item.department.name if item.department is not None else "未注明"


def time_limits(item: Item) -> list[str]:
    """The legal and promised time limits that are known."""
    lines = []
    if item.legal_time_limit:
        lines.append(f"法定办结时限：{item.legal_time_limit}")
    if item.promised_time_limit:
        lines.append(f"承诺办结时限：{item.promised_time_limit}")
    return lines


def known(text: str | None) -> bool:
    """Whether a contact field says something (「未公布」 or 「无」 is not a phone)."""
    return bool(text) and any(c.isdigit() for c in str(text))


def phone_of(item: Item) -> str:
    """The item's phone, else its department's; '' when neither is published."""
    if known(item.phone):
        return item.phone
    if item.department is not None and known(item.department.phone):
        return item.department.phone
    return ""


def place_of(item: Item) -> str:
    """The item's place, else its department's address."""
    if item.location:
        return item.location
    return item.department.address if item.department is not None else ""


def where_lines(item: Item) -> list[str]:
    """Place, hours and phones that are known."""
    lines = []
    if place_of(item):
        lines.append(f"办理地点：{shorten(place_of(item))}")
    if item.hours:
        lines.append(f"办公时间：{shorten(item.hours, 60)}")
    if phone_of(item):
        lines.append(f"咨询电话：{shorten(phone_of(item), 60)}")
    if item.supervision_phone:
        lines.append(f"监督电话：{shorten(item.supervision_phone, 60)}")
    return lines


_URL = re.compile(r"https?://[^\s，。；、）)】]+")


def original_link(item: Item) -> str:
    """The item's original guide online, when its data names one (a flow chart's address,
    a contact block's web line, the source it was imported from)."""
    for text in (item.flowchart, item.phone, item.source):
        found = _URL.search(text or "")
        if found:
            return found.group(0)
    return ""


def ask_lines(item: Item) -> list[str]:
    """Whom to ask when the guide leaves something out: the department's place and phone,
    or the county's 12345 line when no phone is published; and the original guide."""
    lines = [f"可以问{department_name(item)}："]
    if place_of(item):
        lines.append(f"办理地点：{shorten(place_of(item))}")
    phone = phone_of(item)
    lines.append(f"咨询电话：{shorten(phone, 60)}" if phone else texts.HOTLINE_LINE)
    link = original_link(item)
    if link:
        lines.append(f"原办事指南：{shorten(link, 200)}")
    return lines


def status_lines(item: Item) -> list[str]:
    """A suspended item says so, under which clause, and why."""
    if item.status != "suspended":
        return []
    clause = SUSPENSION_CLASSES.get(item.suspension_class or "", "")
    reason = shorten(item.suspension_reason or "", 200)
    head = f"⚠ 本事项已暂停办理（依据第十条{clause}）" if clause else "⚠ 本事项已暂停办理"
    return [head + (f"：{reason}" if reason else "。"), "恢复办理后会另行公布。"]


def title(item: Item) -> str:
    """「【名称】」, led by the demo mark when it is demonstration data (kept when cut)."""
    return (texts.DEMO_MARK if item.is_demo else "") + f"【{shorten(item.name, 80)}】"


def published_line(item: Item) -> str:
    """The date of the item's last published change, and its version (how fresh it is)."""
    moment = item.updated_at_public
    if moment is None:
        return ""
    line = f"更新日期：{china_date(moment).isoformat()}（第{item.version}版）"
    if item.revision_note:
        line += f"\n最近变更：{shorten(item.revision_note, 60)}"
    return line


def card(item: Item, base_url: str, *, rate: bool = True) -> str:
    """The item card: what it is, who does it, what to bring, how long, where, fee, freshness."""
    head = [title(item), f"编码：{item.code}"]
    category = CATEGORIES.get(item.category, item.category)
    head.append(f"类别：{'便民服务' if item.kind == 'service' else category}")
    head.append(f"实施部门：{department_name(item)}")
    head += status_lines(item)
    tail = [flow_line(item), *time_limits(item)]
    tail.append(f"收费：{shorten(item.fee, 60)}" if item.fee else "收费：请咨询办理窗口")
    tail += where_lines(item)
    tail.append(published_line(item))
    tail.append(f"完整办事指南：{item_url(base_url, item.code)}")
    if rate:
        tail.append(texts.RATE_PROMPT)
    flexible: list[str] = []
    if item.requirements:
        flexible.append("申请材料：")
        flexible += [requirement_line(n, r) for n, r in enumerate(item.requirements, start=1)]
    elif item.kind == "service" and item.service_content:
        flexible.append(f"服务内容：{shorten(item.service_content, 200)}")
    more = f"……共{len(item.requirements)}项材料，全部见下方链接。"
    return fit(head, flexible, tail, more, keep_tail=2 if rate else 1)


MAX_STEP_LABEL = 6  # 「挂失」 「申请」 「制卡」: the words before a step's colon


def flow_line(item: Item) -> str:
    """「办理流程：挂失 → 申请 → 制卡 → 领卡」 from the steps' own labels; '' when the steps
    have none (the procedure answer shows them in full)."""
    labels = [str(step).split("：", 1)[0] for step in item.procedure or [] if "：" in str(step)]
    if not labels or len(labels) != len(item.procedure) or max(map(len, labels)) > MAX_STEP_LABEL:
        return ""
    return "办理流程：" + " → ".join(labels)


def _guide(item: Item, base_url: str) -> str:
    return f"完整办事指南：{item_url(base_url, item.code)}"


NOTES_HEAD = "办事指南里写着："


def with_notes(answer: str, notes: list[str]) -> str:
    """An answer with the guide's sentences about what else was asked, as many as fit."""
    if not notes:
        return answer
    lines = [NOTES_HEAD, *(f"· {shorten(note, 120)}" for note in notes)]
    return fit(answer.splitlines(), lines, [], keep_tail=0)


def notes_answer(item: Item, base_url: str, notes: list[str]) -> str:
    """「还要登报吗」 of the card just shown: what its guide says about it."""
    lines = [f"· {shorten(note, 150)}" for note in notes]
    return fit([title(item), *status_lines(item), NOTES_HEAD], lines, [_guide(item, base_url)])


def _short(item: Item, base_url: str, lines: list[str], hint: str = "") -> str:
    tail = [_guide(item, base_url), hint] if hint else [_guide(item, base_url)]
    return fit([title(item), *status_lines(item), *lines], [], tail, keep_tail=len(tail))


def materials_answer(item: Item, base_url: str) -> str:
    """「要什么材料」."""
    head = [f"{title(item)}需要的申请材料：", *status_lines(item)]
    tail = [_guide(item, base_url), "还想知道办理时限或地点，直接问我。"]
    if not item.requirements:
        lines = ["材料清单暂未公布。", *ask_lines(item)]
        return fit(head + lines, [], tail, keep_tail=2)
    lines = [requirement_line(n, r) for n, r in enumerate(item.requirements, start=1)]
    if item.conditions:
        lines.append(f"办理条件：{shorten(item.conditions, 200)}")
    return fit(head, lines, tail, "……更多材料见下方链接。", keep_tail=2)


def conditions_answer(item: Item, base_url: str) -> str:
    """「需要什么条件 / 谁可以申请」."""
    if item.conditions:
        return _short(item, base_url, [f"办理条件：{shorten(item.conditions, 400)}"])
    # The materials asked for tell who may apply (低保证明: families on 低保).
    named = "、".join(str(r.get("name", "")) for r in item.requirements if r.get("name"))
    known = [f"申请要交的材料：{shorten(named, 200)}。"] if named else []
    # What the item is for usually says whom it serves (为……满1年并已办理失业登记的参保人员).
    if item.service_content:
        known.insert(0, f"服务内容：{shorten(item.service_content, 200)}")
    return _short(item, base_url, ["办理条件暂未单独公布。", *known, *ask_lines(item)])


def time_answer(item: Item, base_url: str) -> str:
    """「多久 / 几天」."""
    lines = time_limits(item) or ["办结时限暂未公布。", *ask_lines(item)]
    return _short(item, base_url, lines, "还想知道要带什么材料，直接问我。")


# Places a guide's steps may send a citizen to besides the window (「在助产机构填写」 「向村委会
# 提出」 「到合作银行网点」).
PLACE_WORDS = ("机构", "医院", "派出所", "村委会", "村民委员会", "居委会", "社区", "网点", "银行")
# A step sending the citizen to the town (「向户籍所在地乡镇提出申请」), not the town's own work
# (「乡镇初审」).
TO_THE_TOWN = re.compile(r"(?:向|到|在)[^，。；]{0,12}(?:乡镇|镇政府|乡政府|便民服务中心)")


def where_answer(item: Item, base_url: str) -> str:
    """「在哪 / 地址」: place, hours and phones, and where the guide's steps say to go."""
    lines = where_lines(item) or ["办理地点暂未公布。", *ask_lines(item)]
    steps = [str(step) for step in item.procedure or []]
    sent = [
        shorten(step, 100)
        for step in steps
        if (_mentions(step, PLACE_WORDS) or TO_THE_TOWN.search(step)) and step not in lines
    ][:2]
    said = ["办事指南写明：", *sent] if sent else []
    # the office within the department that handles it (「哪个股室办」), when published
    office = [f"承办机构：{shorten(item.handling_office)}"] if item.handling_office else []
    return _short(item, base_url, [f"实施部门：{department_name(item)}", *office, *lines, *said])


def hours_answer(item: Item, base_url: str) -> str:
    """「几点上班 / 周末办吗」."""
    if item.hours:
        lines = [f"办公时间：{shorten(item.hours, 200)}"]
        if place_of(item):
            lines.append(f"办理地点：{shorten(place_of(item))}")
        return _short(item, base_url, lines)
    return _short(item, base_url, ["办公时间暂未公布。", *ask_lines(item)])


def phone_answer(item: Item, base_url: str) -> str:
    """「电话多少」: the item's phone, else its department's, and the supervision phone."""
    phone = phone_of(item)
    lines = [f"咨询电话：{shorten(phone, 200)}" if phone else texts.HOTLINE_LINE]
    if phone and not known(item.phone):
        lines[0] += f"（{department_name(item)}）"
    if item.supervision_phone:
        lines.append(f"监督电话：{shorten(item.supervision_phone, 100)}")
    return _short(item, base_url, lines)


FEE_WORDS = ("费", "收取", "缴纳")
SENTENCES = re.compile(r"[^。；;]+[。；;]?")


def fee_answer(item: Item, base_url: str) -> str:
    """「收费吗 / 多少钱」: the fee field, and what else the guide says of costs (「不收费」 for
    the application, 「工本费按国家标准收取」 for the card)."""
    texts_of_costs = (item.management_requirements or "", item.service_content or "")
    costs = [
        shorten(sentence.strip(), 120)
        for text in texts_of_costs
        for sentence in SENTENCES.findall(text)
        if _mentions(sentence, FEE_WORDS)
    ][:2]
    received = benefit_lines(item) if pays_out(item) else []
    if item.fee:
        guide_too = ["办事指南还写明：", *costs] if costs else []
        return _short(item, base_url, [f"收费：{shorten(item.fee, 300)}", *guide_too, *received])
    if costs:
        return _short(item, base_url, ["收费标准：办事指南写明：", *costs, *received])
    if received:
        return _short(item, base_url, received)
    return _short(item, base_url, ["收费标准暂未公布。", *ask_lines(item)])


# Items paying money to the applicant (行政给付, or a benefit by its name): 「多少钱」 asks
# how much is paid as much as what it costs.
_PAID_OUT = re.compile("补贴|补助|津贴|救助|扶助金|抚恤|保险金|养老金|最低生活保障|供养|奖励金")


def pays_out(item: Item) -> bool:
    """Whether the item pays money to the one who applies."""
    return item.category == "GF" or _PAID_OUT.search(item.name) is not None


ONLINE_WORDS = ("网上", "在线", "政务服务网", "网办", "甘快办", "线上", "小程序", "APP")


def _mentions(text: str, words: Sequence[str]) -> bool:
    return any(word in text for word in words)


def online_said(item: Item) -> list[str]:
    """What the guide's procedure, flowchart and requirements say about applying online."""
    steps = [str(step) for step in item.procedure or []]
    steps += [item.flowchart or "", item.management_requirements or ""]
    return [shorten(step, 150) for step in steps if step and _mentions(step, ONLINE_WORDS)]


def online_answer(item: Item, base_url: str) -> str:
    """「网上能办吗」: what the guide says about applying online, else where to go."""
    said = online_said(item)
    if said:
        return _short(item, base_url, ["可以网上申请。办事指南写明：", *said[:2]])
    lines = ["办事指南没有写明可以网上办理，请到窗口办理。"]
    if place_of(item):
        lines.append(f"办理地点：{shorten(place_of(item))}")
    phone = phone_of(item)
    lines.append(f"去之前可以先打电话问：{shorten(phone, 60)}" if phone else texts.HOTLINE_LINE)
    return _short(item, base_url, lines)


def procedure_answer(item: Item, base_url: str) -> str:
    """「怎么办理 / 流程」: the steps, else the whole card."""
    steps = [str(step) for step in item.procedure or [] if step]
    if not steps and item.flowchart and not item.flowchart.startswith("http"):
        steps = [item.flowchart]
    if not steps:
        return card(item, base_url)
    lines = [f"{n}. {shorten(step, 100)}" for n, step in enumerate(steps, start=1)]
    head = [f"{title(item)}办理流程：", *status_lines(item)]
    # 「要啥手续」 「咋弄」: how to go about it is also what to bring; the names say enough.
    named = "、".join(str(r.get("name", "")) for r in item.requirements or [] if r.get("name"))
    bring = f"要带的材料：{shorten(named, 150)}" if named else ""
    tail = [bring, _guide(item, base_url), "材料的份数和说明，直接问我“要什么材料”。"]
    return fit(head, lines, tail, "……完整流程见下方链接。", keep_tail=2)


# An age said in a question (「我爸79岁能领吗」 「我男朋友21岁能登记吗」), and an age the guide
# sets (「年满80周岁以上」 「男年满22周岁、女年满20周岁」), for whom when it says.
AGE_SAID = re.compile(r"(\d{1,3})\s*周?岁")
AGE_SET = re.compile(r"(男|女)?(?:方)?(?:年满|满)(\d{1,3})周岁|(\d{1,3})周岁以上")
MAN = re.compile("男|老公|丈夫|男朋友|对象是男|儿子|爸|爷爷|姥爷|外公|老头")
WOMAN = re.compile("女|老婆|媳妇|妻子|女朋友|闺女|女儿|妈|奶奶|姥姥|外婆|老太")


def age_verdict(item: Item, said: str) -> str:
    """Whether an age said meets the age the guide sets (the man's or the woman's when the
    guide sets one for each and the words say whose); '' when either is not said."""
    asked = AGE_SAID.search(said)
    if asked is None:
        return ""
    age = int(asked.group(1))
    text = " ".join((item.name, item.conditions or "", item.service_content or ""))
    limits = [(m.group(1) or "", int(m.group(2) or m.group(3))) for m in AGE_SET.finditer(text)]
    if not limits:
        return ""
    whose = "男" if MAN.search(said) else "女" if WOMAN.search(said) else ""
    fitting = [n for who, n in limits if not who or who == whose]
    if len(set(fitting)) != 1:
        return ""
    least = fitting[0]
    if age >= least:
        return texts.AGE_MET.format(age=age, least=least)
    return texts.AGE_NOT_MET.format(age=age, least=least)


def with_age_verdict(answer: str, item: Item, said: str) -> str:
    """The answer with the age verdict under its title, when an age was asked of."""
    verdict = age_verdict(item, said)
    if not verdict:
        return answer
    lines = answer.splitlines()
    return "\n".join([*lines[:1], verdict, *lines[1:]])


def not_mentioned_answer(item: Item, base_url: str, thing: str, notes: list[str]) -> str:
    """「要结婚证吗」 on an item whose guide does not list it: what the guide says nearest to it
    (if anything), that it lists no such thing, and what it does list."""
    named = "、".join(str(r.get("name", "")) for r in item.requirements or [] if r.get("name"))
    lines = [texts.NOT_MENTIONED.format(thing=shorten(thing, 20))]
    if notes:
        lines += [NOTES_HEAD, *(f"· {shorten(note, 120)}" for note in notes)]
    if named:
        lines.append(f"要带的材料：{shorten(named, 150)}")
    return _short(item, base_url, lines)


FORM_WORDS = ("表", "申请书", "登记书", "承诺书")


def forms_answer(item: Item, base_url: str) -> str:
    """「要填什么表」: the forms among the materials, and where to get them."""
    forms = [
        str(r.get("name", ""))
        for r in item.requirements or []
        if _mentions(str(r.get("name", "")), FORM_WORDS)
    ]
    if forms:
        lines = ["需要填写：", *(f"· {shorten(f, 60)}" for f in forms[:6])]
        lines.append("表格可以在办理窗口领取，样表见下方链接。")
        return _short(item, base_url, lines)
    return _short(item, base_url, ["办事指南没有列出要填的表格。", *ask_lines(item)])


_AMOUNT = re.compile(r"\d+(?:\.\d+)?\s*(?:元|万元)")


def benefit_answer(item: Item, base_url: str) -> str:
    """「每个月给多少钱」: the published standard, else who to ask; never the fee line."""
    return _short(item, base_url, benefit_lines(item))


def benefit_lines(item: Item) -> list[str]:
    """The published standard of what the item pays, else that none is published and whom to
    ask."""
    texts_of_item = (
        item.service_content,
        item.conditions,
        item.management_requirements,
        *(str(step) for step in item.procedure or []),
    )
    sentences = [
        sentence
        for text in texts_of_item
        if text
        for sentence in re.split(r"[。；;]", text)
        if _AMOUNT.search(sentence)
    ]
    if sentences:
        return ["公布的发放标准：", *(shorten(s, 150) for s in sentences[:3])]
    lines = ["办事指南没有公布具体发放标准，标准会按上级规定调整。", *ask_lines(item)]
    if item.service_content:
        lines.insert(0, f"服务内容：{shorten(item.service_content, 150)}")
    return lines


# Words of a guide about someone applying for another (委托代理人, 本人或家属, 村、社区代办).
# 本人 alone is any 本人社会保障卡; only where it says who comes or applies.
PROXY_WORDS = (
    "代办",
    "代领",
    "代为",
    "代理",
    "委托",
    "家属",
    "亲属",
    "监护人",
    "本人或",
    "本人到",
    "本人亲自",
    "本人办理",
    "本人申请",
    "本人携带",
)


def proxy_answer(item: Item, base_url: str) -> str:
    """「家里人去办行不行」: what the guide says of applying for someone else (its steps,
    materials and notes), else that it does not say, and whom to ask; what to bring either way."""
    sentences = [str(step) for step in item.procedure or []]
    sentences += [f"材料：{r.get('name', '')}" for r in item.requirements or [] if r.get("name")]
    for text in (item.conditions, item.management_requirements, item.service_content):
        sentences += SENTENCES.findall(text or "")
    said = [shorten(s.strip(), 120) for s in sentences if s.strip() and _mentions(s, PROXY_WORDS)]
    # Applying online needs no one to go (「要本人跑一趟不」).
    online = [shorten(s.strip(), 120) for s in sentences if _mentions(s, ONLINE_WORDS)][:1]
    named = "、".join(str(r.get("name", "")) for r in item.requirements or [] if r.get("name"))
    bring = [f"要带的材料：{shorten(named, 150)}"] if named else []
    if said:
        said += [s for s in online if s not in said]
        return _short(item, base_url, ["办事指南写明：", *said[:3], *bring])
    lines = ["办事指南没有写明能不能由别人代办，去之前请先打电话问清楚。", *ask_lines(item)]
    if online:  # it may be applied for online: no one has to go
        lines += ["办事指南写明：", *online]
    return _short(item, base_url, [*lines, *bring])


# Words of a guide about how a benefit is paid (按月发放至本人社会保障卡, 通过“一卡通”发放).
PAYMENT_WORDS = (
    "发放",
    "按月",
    "按季",
    "按年",
    "一次性",
    "账户",
    "一卡通",
    "社会保障卡",
    "银行",
    "到账",
)


def payment_answer(item: Item, base_url: str) -> str:
    """「钱是咋发的」 「打到哪张卡」: what the guide says of paying it, else whom to ask."""
    sentences = [str(step) for step in item.procedure or []]
    for text in (item.service_content, item.management_requirements):
        sentences += SENTENCES.findall(text or "")
    said = [shorten(s.strip(), 120) for s in sentences if s.strip() and _mentions(s, PAYMENT_WORDS)]
    # 「即时办结，次月起按月发放」: when the first payment comes.
    said += [line for line in time_limits(item) if _mentions(line, PAYMENT_WORDS)]
    if said:
        return _short(item, base_url, ["办事指南写明：", *said[:4]])
    return _short(item, base_url, ["办事指南没有写明怎么发放。", *ask_lines(item)])


def basis_answer(item: Item, base_url: str) -> str:
    """「依据是啥法规」: the item's legal basis (设定依据) as published, else whom to ask."""
    if item.legal_basis:
        return _short(item, base_url, [f"设定依据：{shorten(item.legal_basis, 400)}"])
    return _short(item, base_url, ["设定依据暂未公布。", *ask_lines(item)])


def status_answer(item: Item, base_url: str) -> str:
    """「啥时候能恢复」 「咋停了」: a suspended item's clause and reason (and whom to ask),
    else that it is received as usual, and when."""
    if item.status == "suspended":
        return _short(item, base_url, ask_lines(item))
    lines = ["本事项正常受理，没有暂停。"]
    if item.hours:
        lines.append(f"办公时间：{shorten(item.hours, 200)}")
    return _short(item, base_url, lines)


def code_answer(item: Item, base_url: str) -> str:
    """「编码是多少」."""
    return _short(item, base_url, [f"事项编码：{item.code}", f"实施部门：{department_name(item)}"])


ORG_CODE_START = 13  # the implementing body's organisation code: characters 13–21


def code_meaning_answer(explanation: CodeExplanation, item: Item | None, base_url: str) -> str:
    """「这个编码是什么意思」: each part of the item's code, in words (the department by name)."""
    lines = [f"事项编码 {explanation.canonical or explanation.text} 各段的意思："]
    for part in explanation.segments:
        meaning = part.meaning
        if part.segment.start == ORG_CODE_START and item is not None:
            meaning = f"实施部门{department_name(item)}的组织机构代码"
        lines.append(f"· {part.segment.where} {part.chars}：{part.segment.name}，{meaning}")
    lines.append(texts.CODE_CATEGORIES.format(categories=category_table()))
    if item is None:
        return "\n".join(lines)
    return _short(item, base_url, lines)


def code_rules_answer() -> str:
    """「事项编码是什么意思」: how any item's 32-character code is made up."""
    lines = [texts.CODE_RULES]
    lines += [f"· {segment.where}：{segment.name}" for segment in ITEM_SEGMENTS]
    lines.append(texts.CODE_CATEGORIES.format(categories=category_table()))
    lines.append(texts.CODE_RULES_ASK)
    return "\n".join(lines)


def category_table() -> str:
    """Table 1's letters and names (「XK 行政许可、CF 行政处罚…」)."""
    return "、".join(f"{code} {name}" for code, name in CATEGORIES.items())


def category_meaning_answer(categories: Sequence[str]) -> str:
    """「XK是什么意思」: the power categories said, then the whole of table 1."""
    lines = [texts.CATEGORY_MEANING.format(code=c, name=CATEGORIES[c]) for c in categories]
    lines.append(texts.CODE_CATEGORIES.format(categories=category_table()))
    return "\n".join(lines)


ANSWERS = {
    "code": code_answer,
    "materials": materials_answer,
    "proxy": proxy_answer,
    "conditions": conditions_answer,
    "time": time_answer,
    "where": where_answer,
    "place": where_answer,
    "hours": hours_answer,
    "phone": phone_answer,
    "fee": fee_answer,
    "online": online_answer,
    "procedure": procedure_answer,
    "forms": forms_answer,
    "benefit": benefit_answer,
    "payment": payment_answer,
    "basis": basis_answer,
    "status": status_answer,
}
ASPECT_NAMES = {
    "code": "事项编码",
    "materials": "申请材料",
    "proxy": "能不能由别人代办",
    "conditions": "办理条件",
    "time": "办理时限",
    "where": "办理地点",
    "place": "办理地点",
    "hours": "办公时间",
    "phone": "咨询电话",
    "fee": "收费",
    "online": "能不能网上办",
    "procedure": "办理流程",
    "forms": "要填的表格",
    "benefit": "发放标准",
    "payment": "怎么发放",
    "basis": "设定依据",
    "status": "是否暂停、何时恢复",
}


def answer(item: Item, base_url: str, intent: str | None) -> str:
    """The card, or the answer to one question about the item."""
    if intent is None or intent not in ANSWERS:
        return card(item, base_url)
    return ANSWERS[intent](item, base_url)


def told_apart(item: Item, names: Sequence[str]) -> str:
    """「（department）」 after an item whose name another entry of the same list shares (the
    county's bureau and two towns each grant 乡村建设规划许可证核发), else nothing."""
    if names.count(item.name) < 2 or item.department is None:
        return ""
    return f"（{item.department.short_name or item.department.name}）"


def paused(item: Item) -> str:
    """「【暂停】」 before a suspended item's name in a list, so no one goes for it unwarned."""
    return "【暂停】" if item.status == "suspended" else ""


def each_entry_answer(entries: Sequence[tuple[int, Item]], aspect: str | None) -> str:
    """One line per entry of a list (by its number there), to tell them apart: what each is
    (no aspect) or its time limit, fee, place, phone, conditions or hours; the numbers still
    open them."""
    what = ASPECT_NAMES.get(aspect or "", "")
    lines = [texts.EACH_ENTRY.format(what=what) if what else texts.EACH_ENTRY_IS]
    for number, item in entries:
        told = _entry_says(item, aspect) or "未公布"
        lines.append(f"{number}. {shorten(item.name, 40)}：{shorten(told, 80)}")
    return fit(lines, [], [texts.LIST_HINT + "。"])


def entries_answer(entries: Sequence[tuple[int, Item]], base_url: str) -> str:
    """「第二个和第三个」 「都要」 after a list: each entry asked, shortly (time limit, place,
    phone, the guide's link), the first led as its card; each number still opens one whole."""
    lines: list[str] = []
    for index, (number, item) in enumerate(entries):
        name = title(item) if index == 0 else f"【{shorten(item.name, 80)}】"
        paused_now = "（已暂停办理）" if item.status == "suspended" else ""
        lines.append(f"{name}（第{number}项）{paused_now}")
        facts = [
            f"{label}：{shorten(told, 40)}"
            for label, told in (
                ("时限", time_limits(item)[-1].partition("：")[2] if time_limits(item) else ""),
                ("地点", _entry_says(item, "place")),
                ("电话", _entry_says(item, "phone")),
            )
            if told
        ]
        if facts:
            lines.append("；".join(facts))
        lines.append(item_url(base_url, item.code))
    return fit(lines, [], [texts.ENTRIES_HINT])


# The aspects whose answer may be one line shared by every entry of a list.
ALIKE_ASPECTS = ("time", "fee", "place", "phone", "hours")


def said_alike(items: Sequence[Item], aspect: str) -> str:
    """When every entry of a list answers the aspect asked alike (the sub-items of 农药经营许可:
    one window), that answer for all of them; '' otherwise."""
    if aspect not in ALIKE_ASPECTS or len(items) < 2:
        return ""
    told = {_entry_says(item, aspect) for item in items}
    if len(told) != 1 or not (answer := told.pop()):
        return ""
    what = ASPECT_NAMES.get(aspect, "")
    return "\n".join(
        (texts.ALIKE.format(count=len(items), what=what, answer=answer), texts.LIST_HINT + "。")
    )


def _entry_says(item: Item, aspect: str | None) -> str:
    if aspect == "time":
        return "；".join(time_limits(item))
    if aspect == "fee":
        return item.fee
    if aspect == "place":
        return place_of(item)
    if aspect == "phone":
        return phone_of(item)
    if aspect == "conditions":
        return item.conditions
    if aspect == "hours":
        return item.hours
    if aspect == "online":
        return texts.ONLINE_YES if online_said(item) else texts.ONLINE_NOT_SAID
    kind = "便民服务" if item.kind == "service" else CATEGORIES.get(item.category, item.category)
    about = item.service_content or item.conditions
    office = item.department.short_name or item.department.name if item.department else ""
    return "，".join(w for w in (kind, office) if w) + (f"；{about}" if about else "")


def main_item_answer(item: Item, shown: Sequence[Item], pages: int, base_url: str) -> str:
    """A main item (主项), done by its sub-items (子项): what it is, then the first page of its
    sub-items (`shown`) to pick."""
    head = [title(item), *status_lines(item), f"编码：{item.code}"]
    head.append(f"实施部门：{department_name(item)}")
    head.append(texts.SUB_ITEMS)
    lines = []
    for number, sub in enumerate(shown, start=1):
        department = sub.department.short_name or sub.department.name if sub.department else ""
        lines.append(numbered(number, paused(sub) + shorten(sub.name, 60), f"（{department}）"))
    hint = texts.LIST_HINT + (f"，回复“{texts.NEXT_PAGE}”看更多" if pages > 1 else "") + "。"
    return fit(head, lines, [hint, _guide(item, base_url)], keep_tail=2)


def item_list(
    items: Sequence[Item], *, page: int, pages: int, heading: str = "找到以下事项"
) -> str:
    """A numbered list of at most five items with the next steps."""
    where = f"（第{page}/{pages}页）" if pages > 1 else ""
    lines = [f"{heading}{where}："]
    for number, item in enumerate(items, start=1):
        department = item.department.short_name or item.department.name if item.department else ""
        extra = f"（{department}）" if department else ""
        lines.append(numbered(number, paused(item) + shorten(item.name, 60), extra))
    hint = texts.LIST_HINT
    if page < pages:
        hint += f"，回复“{texts.NEXT_PAGE}”看更多"
    return fit(lines, [], [hint + "。"])


def retired_answer(
    retired: RetiredCode, merged_into: Item | None, base_url: str, *, named: bool = False
) -> str:
    """A retired code: abolished, or merged into which item; `named`: asked for by its name,
    not its code."""
    basis = f"依据：{shorten(retired.basis, 100)}。" if retired.basis else ""
    when = retired.retired_at.date().isoformat() if retired.retired_at else ""
    if named and retired.reason in ("abolished", "merged"):
        done = "取消，不再办理" if retired.reason == "abolished" else "合并，不再单独办理"
        head = [f"「{shorten(retired.name, 60)}」已于{when}{done}。{basis}"]
        if merged_into is not None:
            return fit(head, [], [f"现在请办理：{merged_into.name}", _guide(merged_into, base_url)])
        return fit(head, [], ["如有相关问题，请直接说出要办的事，或回复“人工”。"])
    if retired.reason == "recoded":
        lines = [f"该编码已变更为 {retired.merged_into}（{retired.name}，实施主体变更）。"]
        if merged_into is not None:
            lines.append(f"办事指南：{item_url(base_url, merged_into.code)}")
        return "\n".join(lines)
    if retired.reason == "merged":
        lines = [f"编码 {retired.code}（{retired.name}）已于{when}合并，不再使用。{basis}"]
        if merged_into is not None:
            lines += [
                f"现在请办理：{merged_into.name}",
                f"新编码：{merged_into.code}",
                f"办事指南：{item_url(base_url, merged_into.code)}",
                "回复“1”查看详情。",
            ]
        elif retired.merged_into:
            lines.append(f"合并后的编码：{retired.merged_into}")
        return fit(lines[:1], [], lines[1:], keep_tail=len(lines) - 1)
    return fit(
        [f"编码 {retired.code}（{retired.name}）已于{when}作废，该事项不再办理。{basis}"],
        [],
        ["如有相关问题，请直接说出要办的事，或回复“人工”。"],
    )


def code_problem_answer(lookup: CodeLookup) -> str:
    """A code that names nothing: say precisely why, or that it is not published."""
    if lookup.problems:
        problems = "；".join(lookup.problems[:3])
        return fit([f"这个编码不对：{problems}"], [], ["请核对后再发，或直接说出要办的事。"])
    shown = lookup.canonical or lookup.text
    # a well-formed code that names no published item: the one who gave it may be asked
    return fit(
        [f"没有找到编码为 {shown} 的公开事项。"],
        [],
        ["请核对编码，或直接说出要办的事。", texts.OFFER_HUMAN_OR_HOTLINE],
        keep_tail=2,
    )
