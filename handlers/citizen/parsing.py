"""Reading citizens' words: choices, years, fund topics, phone and region codes, commands.

What a message *is* (small talk, a question about an item …) is the conversation layer's
(`handlers.citizen.understanding`); this module reads the parts of it."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from catalogue.categories import CATEGORIES
from catalogue.models import FundType

MAX_SAID = 500  # longer messages are cut before any parsing: nobody types a guide into chat

_CHINESE_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
_CHOICE = re.compile(
    # 「那第二个呢」 「再看看第三个」: after one entry was opened, another of the same list
    # 「嗯 就那个 第三个吧」: a voice message's fillers before it
    r"^(?:(?:嗯|啊|呃|额|哦|就那个|那个|就是)\s*)*"
    # 「返回 看刚才列表第一个」 「还是看第一个吧」: going back to the list, or to an entry
    r"(?:返回|回到|退回)?\s*(?:那|那么|还有|再|还是)?(?:看看|看一下|看)?"
    # 「刚才列表里第一个呢」 「上面的第二个」: the list just shown, pointed back at
    r"(?:刚才|刚刚|之前|前面|上面)?(?:那个|的)?(?:列表|清单|单子)?(?:里|里面|中|上)?的?"
    r"(?:我要|看看|看一下|看|选|要|打开|点|就)?\s*(?:第\s*)?"
    r"(\d{1,2}|[一二两三四五六七八九十])"
    # 「第二个吧」: 吧 after a number is a particle; 「第二步」: a step of a checklist; 「第二各」:
    # 各 typed for 个
    r"\s*(?:个|各|项|条|号|步)?(?:吧)?"
    # 「第三个是啥」: what that entry is
    r"(?:是啥|是什么|是哪个|是哪一个)?$"
)
_TRAILING = "吗呢啊呀？?！!。，,.、 "  # not 吧: 网吧, 酒吧

HUMAN_WORDS = frozenset({"人工", "人工服务", "转人工", "找人工", "人工客服", "客服", "找客服"})
# As said without the particles at either end (「还有吗」 is 还有).
NEXT_PAGE_WORDS = frozenset(
    {
        "下一页",
        "下页",
        "下一頁",
        "后面",
        "还有",
        # 「有没有别的」 「换一个」 after a list: its other entries, never a search for 别 or 换
        "还有没有",
        "还有没有别的",
        "还有别的",
        "还有别的没",
        "有没有别的",
        "别的",
        "其他的",
        "其它的",
        "还有其他的",
        "有没有其他的",
        "换一个",
        "换一批",
        "换个别的",
        "再来几个",
        "更多",
    }
)
_NUMBER = r"(\d{1,2}|[一二两三四五六七八九十])"
# 「评5」 「一般般吧 评3」 「给5分」 「五分」: the score ends the message.
_RATING = re.compile(
    rf"(?:评分|打分|评|打|给)\s*{_NUMBER}\s*[分星]?(?:吧|了|啦)?$"
    rf"|(?:^|\s|给你们|给你|给您)(?:打个|打)?{_NUMBER}\s*[分星](?:吧|了|啦)?$"
)
# 「满意，谢谢」 「五分 辛苦了」: thanks said after a rating, in a clause of its own.
_THANKS_AFTER = re.compile(
    r"[\s,，。.！!；;]+(?:谢谢|感谢|多谢|谢了|辛苦了|辛苦)[你您们啦了啊呀!！。]*$"
)
_THANKS_BEFORE = re.compile(
    r"^(?:好的|嗯)?(?:谢谢|感谢|多谢|谢了)[你您们啦了啊呀]*[\s,，。.！!；;]+"
)
# 「给个好评」 「就满意吧」: the words of a level said with a verb before or a particle after.
_LEVEL_AROUND = re.compile(
    r"^(?:我的评价是|评价是|评价[:：]?|给你们个|给你个|给您个|给你们|给你|给您|给个|给|打个|打|就|算|评个|评)*"
    r"(.+?)(?:吧|了|啦|的)?$"
)  # verbs one after another too: 「给你打个满分」
# 「五星好评」: stars said with the word for a good rating.
_STARS_PRAISED = re.compile(rf"^{_NUMBER}\s*颗?星\s*(?:好评)?$")
# 「说得很清楚 给你个五星好评」: the clauses of a message; the last may be the rating.
_CLAUSES = re.compile(r"[\s,，。.！!；;]+")
# 「换绑 上古城村」 「改绑到红大村」: binding to another village replaces the old binding.
_BIND = re.compile(r"^(?:重新绑定|换绑|改绑|绑定|綁定)\s*(?:到|成|为)?\s*(.*)$")
# What a place's poverty projects are called: 项目, and 工程 as in their names (人畜饮水工程).
PROJECT_WORDS = ("项目", "工程")
# Words of a question about the village's public money (「我们村今年拨了多少钱」).
_PUBLIC_MONEY = (
    "扶贫",
    "资金",
    *PROJECT_WORDS,
    "钱",
    "拨",
    "分配",
    "补助",
    "分了多少",
    "给了多少",
    "投了多少",
    "文号",
    "文件",
)
# Money a citizen pays (a fee, a charge), not public money a village receives.
_PAID = ("交钱", "交费", "缴费", "缴钱", "交啥费", "交什么费", "收费", "收钱", "罚款", "交多少")
_FUNDS = ("扶贫", "资金", "拨", "分配", "补助", *PROJECT_WORDS)
_MY_VILLAGE = re.compile(
    # 「再看看我村资金」 「帮我查一下我们村的」: asking to see first; 「给我们村拨了多少」
    r"^(?:再|那|帮我|给我|麻烦|给|到|往)?(?:看看|看下|看一下|查查|查下|查一下|查|看)?"
    r"(?:我村|本村|我们村|咱村|俺村|咱们村|俺们村|我们这个村|我们村上|俺们村上|村上|村里"
    # 「2016年我们那分的扶贫钱」: where we live
    r"|我们那里|我们那儿|我们那|俺们那|咱们那"
    # 「我是东大滩乡的」 then 「我们乡17年扶贫资金多少」: the town of the place talked about
    r"|我们乡上|我们镇上|我们乡|我们镇|咱们乡|咱们镇|俺们乡|俺们镇|本乡|本镇|我乡|我镇|咱乡|俺乡)"
    r"(?:的)?(扶贫|资金|项目|扶贫资金|扶贫项目)?"
)
# A span of years (「2015到2017」 「16-17年」): answered with every year's figures.
_YEAR_SPAN = re.compile(
    r"(?<!\d)((?:19|20)\d{2}|\d{2})\s*年?\s*(?:到|至|-|~|～|—|－)\s*((?:19|20)\d{2}|\d{2})"
    r"\s*年?(?:度)?(?!\d)"
)
MAX_SPAN = 30  # years a span may cover (「2016-12」 is a month, not 2016 to 2012)


# Three years or more listed (「15 16 17年」 「2015、2016、2017年」): answered as a span.
_YEAR_LIST = re.compile(
    r"(?<!\d)(?:(?:19|20)\d{2}|\d{2})(?:\s*年?\s*(?:、|，|,|和|及|\s)\s*(?:(?:19|20)\d{2}|\d{2})){2,}"
    r"\s*年(?:度)?(?!\d)"
)


def _year_span(text: str) -> re.Match[str] | None:
    for match in _YEAR_SPAN.finditer(text):
        first, last = (int(y) if len(y) == 4 else 2000 + int(y) for y in match.groups())
        if first < last <= first + MAX_SPAN:
            return match
    for match in _YEAR_LIST.finditer(text):
        years = [int(y) if len(y) == 4 else 2000 + int(y) for y in re.findall(r"\d+", match[0])]
        if years == sorted(set(years)) and years[-1] <= years[0] + MAX_SPAN:
            return match
    return None


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*年?(?:度)?")  # not inside a code
_SHORT_YEAR = re.compile(r"(?<!\d)(\d{2})\s*年(?:度)?")  # 「16年」 is 2016
_RELATIVE_YEARS = {"今年": 0, "去年": 1, "前年": 2}
# Question words around a place's name in a funds question (「大湾村有哪些项目」): not part
# of the name, which is shown back to the citizen when several places share it.
PLACE_QUESTION_WORDS = ("有哪些", "有什么", "有多少", "是多少", "多少", "请问", "查询", "查一下")

FUND_TOPICS = (
    # the plans' own names (《扶贫办法》: 资金分配计划, 项目计划) and the programme an
    # allocation is for (整村推进项目资金): no part of a place's name (「西大滩村整村推进」)
    ("项目计划", "projects"),
    ("分配计划", "funds"),
    ("整村推进", "funds"),
    ("扶贫项目", "projects"),
    ("扶贫资金", "funds"),
    ("扶贫", "funds"),
    ("资金", "funds"),
    ("项目", "projects"),
    ("分配", "funds"),
)
FUND_LIST_WORDS = (
    "财政专项资金",
    "资金管理清单",
    "专项资金",
    "资金清单",
    "财政资金",
    "财政专项",
)  # longest first: 「财政专项资金」 leaves no 「财政」 behind to be read as 财政局
FUND_TYPE_WORDS = (
    ("部门预算", FundType.DEPARTMENT_BUDGET),
    ("转移支付", FundType.TRANSFER_PAYMENT),
)


_PHONE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8}|12345|110|119|120|122)$")
# Statistical codes of the county's towns (9 digits) and villages (12): 620623 is Tianzhu.
_REGION_CODE = re.compile(r"^620623(?:\d{3}|\d{6})$")
# 「…是哪个村」 「…这个代码是什么地方的」 「…代表啥」: asked after the code, what it names.
_CODE_QUESTION = re.compile(
    r"(?:这个|这)?(?:代码|编码|编号)?(?:是|为|指)?的?"
    r"(?:(?:哪个|哪一个|哪里|哪儿|哪|什么|啥)(?:村|镇|乡|社区|地方|单位|乡镇|县)?的?(?:代码|编码)?"
    r"|(?:什么|啥)意思|代表(?:的是)?(?:什么|啥|哪里?))$"
)
# What the code is called, said before it (「村代码620623203201」 「统计代码：620623101」).
# 「村 620623208202」: the kind of place alone, right before the digits, says the same.
_CODE_LABEL = re.compile(
    r"^(?:(?:我们|咱们|俺们|我|俺|咱)?(?:村|镇|乡|社区)?的?(?:行政)?(?:统计|区划)?(?:代码|编码|编号)"
    r"(?:是|为)?[:：]?"
    r"|(?:村|镇|乡|社区)(?=\d))"
)


# A resident identity number (GB 11643): 6-digit region, 8-digit birth date, 3 digits, check.
_ID_NUMBER = re.compile(
    r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])"
)


def has_id_number(said: str) -> bool:
    """Whether a message carries a resident identity number (never looked anything up by)."""
    return _ID_NUMBER.search(normalize(said).replace(" ", "")) is not None


# 「身份证号622301198xxxxxxx」 「证件号：…」: the words giving a number (typed in full, masked or
# cut short), not the identity card asked about.
_ID_NUMBER_SAID = re.compile(
    r"(?:身份证号码|身份证号|身份号码|身份号|证件号码|证件号)[:：是为]?[0-9Xx*＊]*"
)


def without_id_number(said: str) -> str:
    """The message without any resident identity number and the words giving one."""
    text = _ID_NUMBER.sub(" ", normalize(said).replace(" ", ""))
    return _ID_NUMBER_SAID.sub("", text).strip()


def parse_phone(said: str) -> str | None:
    """A telephone number typed alone (mobile, landline with or without area code)."""
    text = strip_particles(normalize(said)).replace(" ", "")
    return text if _PHONE.match(text) else None


# A landline number inside other words (「0935-3121410是哪个单位的电话」), not part of a longer
# run of digits (an item code, a village code).
_LANDLINE_IN_TEXT = re.compile(r"(?<![\dA-Za-z])(?:0\d{2,3}-?\d{7,8}|\d{7,8})(?![\dA-Za-z])")


def phone_in_words(said: str) -> tuple[str, str] | None:
    """A landline number said with other words: the number and the words without it."""
    text = normalize(said).replace(" ", "")
    match = _LANDLINE_IN_TEXT.search(text)
    if match is None:
        return None
    return match.group(), (text[: match.start()] + text[match.end() :])


# The times office hours may be asked of (「周末上班吗」 「国庆放假吗」 「冬天几点下班」).
_TIMES = (
    ("weekend", re.compile("周末|周六|周日|星期六|星期天|星期日|礼拜六|礼拜天|礼拜日|双休")),
    (
        "holiday",
        re.compile(
            "节假日|假期|放假|过年|春节|国庆|十一(?!月)|五一|劳动节|元旦|清明|端午|中秋|过节"
        ),
    ),
    ("noon", re.compile("中午|午休|午饭")),
    ("today", re.compile("今天|今儿|今日")),
    ("tomorrow", re.compile("明天|明儿")),
    ("winter", re.compile("冬天|冬季|冬令")),
    ("summer", re.compile("夏天|夏季|夏令")),
)
_MONTH = re.compile(r"(1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])月份?")
_MONTHS = {
    "十": 10,
    "十一": 11,
    "十二": 12,
    **{c: n for n, c in enumerate("一二三四五六七八九", 1)},
}
WINTER_MONTHS = frozenset({10, 11, 12, 1, 2, 3, 4})  # when afternoons are shorter (data says)


def times_asked(said: str) -> tuple[frozenset[str], str]:
    """The times the words ask office hours of (weekend, holiday, noon, today, tomorrow,
    winter, summer; a month is the season it falls in), and the words without them."""
    text = normalize(said)
    asked = set()
    for name, words in _TIMES:
        if words.search(text):
            asked.add(name)
            text = words.sub(" ", text)
    month = _MONTH.search(text)
    if month is not None:
        number = int(month.group(1)) if month.group(1).isdigit() else _MONTHS[month.group(1)]
        asked.add("winter" if number in WINTER_MONTHS else "summer")
        text = text[: month.start()] + " " + text[month.end() :]
    return frozenset(asked), " ".join(text.split())


# 「华藏寺镇的代码」 「民政局的统一社会信用代码是多少」: the code of what is named, asked for.
_CODE_ASKED = re.compile(
    r"(?:的)?(?P<kind>统一社会信用|社会信用|信用|组织机构|机构|统计用|统计|行政区划|区划|行政)?"
    r"(?:代码|编码|代号)(?:是|为)?(?:多少|啥|什么|几)?(?:号)?$"
)
# 「祁连镇有哪些村」 「天祝县一共有多少个乡镇」 「松山镇下面都有啥村子」: the places within.
_PLACES_WITHIN = re.compile(
    r"(?:一共|总共|共)?(?:有|下辖|辖|管|包括|下面有|底下有|下面|底下)?(?:都|一共|总共)?(?:有)?"
    r"(?:哪些|哪几个|几个|多少个?|啥|什么)(?:行政)?(?P<level>乡镇|乡|镇|村|社区)(?:子|庄|委会)?$"
)


@dataclass(frozen=True, slots=True)
class DirectoryQuestion:
    """What is asked of a place or an office named before it: its `code` (with the `kind` of
    code said, or ""), or the `towns` or `villages` within it; `named` is what comes first."""

    aspect: str
    named: str
    kind: str = ""


def directory_question(said: str) -> DirectoryQuestion | None:
    """「华藏寺镇的代码」 「民政局组织机构代码」 「祁连镇有哪些村」 「天祝有几个乡镇」; else
    None."""
    text = strip_particles(normalize(said)).replace(" ", "")
    code = _CODE_ASKED.search(text)
    if code is not None and code.start() > 0 and not text[: code.start()][-1:].isdigit():
        return DirectoryQuestion("code", text[: code.start()], code.group("kind") or "")
    within = _PLACES_WITHIN.search(text)
    if within is None or within.start() == 0:
        return None
    level = within.group("level")
    aspect = "towns" if level in ("乡镇", "乡", "镇") else "villages"
    return DirectoryQuestion(aspect, text[: within.start()].removesuffix("的"))


_REGION_CODE_IN_TEXT = re.compile(r"(?<!\d)620623(?:\d{6}|\d{3})(?!\d)")


def region_code_in(said: str) -> str | None:
    """A town's or village's statistical code among other words (「我村 620623208202」)."""
    match = _REGION_CODE_IN_TEXT.search(normalize(said).replace(" ", ""))
    return match.group() if match else None


def asks_what_code_names(said: str) -> bool:
    """Whether a code is followed by the question what it names (「…是哪个村」)."""
    text = strip_particles(normalize(said)).replace(" ", "")
    match = _CODE_QUESTION.search(text)
    return match is not None and match.group() != "" and text[: match.start()][-1:].isdigit()


def parse_region_code(said: str) -> str | None:
    """A town's or village's statistical code typed alone (「620623101215」), or after what it
    is called (「村代码620623203201」)."""
    typed = strip_particles(normalize(said)).replace(" ", "")
    text = _CODE_QUESTION.sub("", _CODE_LABEL.sub("", typed))
    if _REGION_CODE.match(text) or _OTHER_REGIONS_CODE.match(text):
        return text
    # the county's or a division's code typed alone, not after a town's or village's label
    return text if text in DIVISION_CODES and not typed.startswith(PLACE_ENDINGS) else None


# The first 10 or 11 digits of a village's code: a code cut short or a digit left off, typed
# alone (7 or 8 digits read as a telephone number).
_PARTIAL_REGION_CODE = re.compile(r"^620623\d{4,5}$")


def parse_partial_region_code(said: str) -> str | None:
    """The first digits of a town's or village's statistical code typed alone (「6206231012」),
    or after what it is called."""
    typed = strip_particles(normalize(said)).replace(" ", "")
    text = _CODE_QUESTION.sub("", _CODE_LABEL.sub("", typed))
    return text if _PARTIAL_REGION_CODE.match(text) else None


# 「编码是什么意思」 「XK代表啥」 「每一位代表什么」 「这个编码怎么看」: what a code's parts mean,
# not the code itself (「编码是多少」).
_MEANING = re.compile(
    r"什么意思|啥意思|是指什么|是指啥|指的是?(?:什么|啥)|代表(?:的是)?(?:什么|啥)|含义|"
    r"(?:怎么|咋|如何)(?:读|看|理解|解释|认)|组成|结构|规则|"
    r"每一?(?:位|段|部分)|各(?:位|段|部分)|(?:前|后|中间)(?:面)?(?:几|[一二三四五六七八九十\d]+)位"
)
# With a code typed, 「…是什么意思」 asks what it names (the item); its parts are asked so.
_PARTS_MEANING = re.compile(
    r"每一?(?:位|段|部分)|各(?:位|段|部分)|(?:前|后|中间)(?:面)?(?:几|[一二三四五六七八九十\d]+)位|"
    r"(?:怎么|咋|如何)(?:读|看|理解|解释)|含义|组成|结构|规则"
)
_CODE_WORD = re.compile("编码|代码|事项编号")
# Codes of other things than an item (a place, an organisation): their own answers.
_OTHER_CODES = re.compile("信用代码|机构代码|区划代码|统计代码|邮编|邮政编码|村代码|镇代码|乡代码")
_CATEGORY_TOKEN = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})(?![A-Za-z0-9])")


def asks_code_meaning(said: str, code_typed: bool = False) -> bool:
    """Whether the words ask what an item code (typed in them, or not) or a part of it means."""
    text = normalize(said)
    if _OTHER_CODES.search(text):
        return False
    if code_typed:
        return _PARTS_MEANING.search(text) is not None
    return _MEANING.search(text) is not None and bool(
        _CODE_WORD.search(text) or categories_named(text)
    )


def categories_named(said: str) -> list[str]:
    """The power categories of table 1 said by their letters (「XK」 「qt」), in order."""
    found = [m.group(1).upper() for m in _CATEGORY_TOKEN.finditer(normalize(said))]
    return [code for code in dict.fromkeys(found) if code in CATEGORIES]


# A town's or village's statistical code of another county (9 or 12 digits: a province's two,
# the county's four, a town's segment 1xx–5xx, a village's 1xx–2xx), or another county's code
# of the same province (620622): said so, never read as an item code.
_OTHER_REGIONS_CODE = re.compile(
    r"^(?!620623)(?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-5])\d{4}[1-5]\d{2}(?:[12]\d{2})?$"
    r"|^(?!620623|620600)62\d{2}(?!00)\d{2}$"
)


# The same message is normalised by a dozen checks (choice, phone, region code, rating…)
# while it is routed: the last texts' forms are kept.
@lru_cache(maxsize=4096)
def normalize(said: str) -> str:
    """NFKC (full-width digits and letters folded), trimmed, inner runs of spaces made one;
    a long run of digits spoken as characters (a code or a phone number by voice: 「六二零六
    二三一零一二一五」) written in digits."""
    text = unicodedata.normalize("NFKC", said[:MAX_SAID])
    text = _SPOKEN_DIGITS.sub(_in_digits, text) if _SPOKEN_DIGIT.search(text) else text
    return " ".join(text.split())


# Digits as speech recognition may write them (幺 and 洞 are how 1 and 0 are read out).
_DIGIT_OF = {c: str(n) for n, c in enumerate("零一二三四五六七八九")} | {
    "〇": "0",
    "洞": "0",
    "幺": "1",
}
_SPOKEN_DIGIT = re.compile("[零〇幺]")  # cheap first test: a spoken run of digits almost
# always holds a zero or a 幺 (codes and phone numbers do), other runs of number words are
# ordinary words
MIN_SPOKEN_DIGITS = 6  # 「一二三」 may be counting; six or more in a row is a number read out
_SPOKEN_DIGITS = re.compile(f"[{''.join(_DIGIT_OF)}]{{{MIN_SPOKEN_DIGITS},}}")


def _in_digits(run: re.Match[str]) -> str:
    return "".join(_DIGIT_OF[c] for c in run.group(0))


def strip_particles(text: str) -> str:
    """Without the question particles and punctuation at either end."""
    return text.strip(_TRAILING).strip()


# 「头一个」 「头个」: the first entry, as people count.
_FIRST = re.compile(r"^(?:我要|看看|看一下|看|选|要|打开|点|就)?\s*头\s*一?\s*(?:个|项|条)(?:吧)?$")


def parse_choice(said: str) -> int | None:
    """A list number: 「3」 「３」 「第3个」 「第三个」 「三」 「头一个」."""
    text = strip_particles(normalize(said))
    if _FIRST.match(text):
        return 1
    match = _CHOICE.match(text)
    if match is None:
        return None
    value = match.group(1)
    return int(value) if value.isdigit() else _CHINESE_DIGITS[value]


# 「最后一个」 「倒数第二个」: an entry counted from the end of the list.
_FROM_END = re.compile(
    r"^(?:我要|看看|看一下|看|选|要|打开|点|就)?\s*(?:(最后|最末)|倒数\s*第?\s*(\d|[一二两三四五六七八九十]))"
    r"\s*(?:那一|那|一)?\s*(?:个|项|条|号)?(?:吧|的)?"
    # 「最后一个是啥」: what that entry is
    r"(?:是啥|是什么|是哪个|是哪一个|呢)?$"
)


# 「第二步在哪办」 「第一步要带啥」: a step of a checklist by its place in the order, with what
# is asked of it.
_NTH_STEP = re.compile(
    r"^(?:那|那么|那我)?(?:第\s*)(\d|[一二两三四五六七八九十])\s*步(?P<rest>.*)$"
)


def parse_nth_step(said: str) -> tuple[int, str] | None:
    """「第二步在哪办」 → (2, 「在哪办」): the step's place in the order and the words after."""
    match = _NTH_STEP.match(strip_particles(normalize(said)))
    if match is None:
        return None
    value = match.group(1)
    return (int(value) if value.isdigit() else _CHINESE_DIGITS[value]), match.group("rest")


def parse_from_end(said: str) -> int | None:
    """An entry counted from the end: 「最后一个」 → 1, 「倒数第二个」 → 2."""
    match = _FROM_END.match(strip_particles(normalize(said)))
    if match is None:
        return None
    if match.group(1):
        return 1
    value = match.group(2)
    return int(value) if value.isdigit() else _CHINESE_DIGITS[value]


# 「第2个和第3个」 「1跟3」: entries of a list named by their numbers, together.
_ENTRY_NUMBER = re.compile(r"第?\s*(\d|[一二两三四五六七八九十])\s*(?:个|项|条|号)?")
_ENTRIES_JOINED = re.compile(
    r"^(?:第?\s*(?:\d|[一二两三四五六七八九十])\s*(?:个|项|条|号)?\s*(?:和|跟|与|同|、|还有|,|，)?\s*){2,}$"
)


# 「我妈今年满80了」 「俺爸都七十五了」 「我今年65」: an elder's age, told of whom.
_ELDER = (
    "我爸|我妈|俺爸|俺妈|我爹|我娘|爸爸|妈妈|父亲|母亲|爷爷|奶奶|姥姥|姥爷|外婆|外公|老伴|老人|"
    "婆婆|公公|老爷子|老太太|老头子|老头|老太婆|我|俺"
)
_AGE_TOLD = re.compile(
    rf"(?:{_ELDER})(?:今年|已经|都|快|刚|刚刚|马上|也|周岁)*(?:满|有|到|过)?"
    r"(?P<age>\d{2,3}|[六七八九]十[一二三四五六七八九]?)(?:多|出头|来)?(?:岁|周岁)?(?:了)?"
    # not a count of things (「我有80只羊」)
    r"(?![\d只头个亩块元万斤匹间套张次年月天号户人])"
)
ELDER_AGE = 60  # an age from which the county's elder benefits may be asked about
_DECADES = "零一二三四五六七八九"


def with_elder_age(text: str) -> str:
    """The text with an elder's age told (「我妈今年满80了」) said the way the life events file
    says it (「八十多了」), when the age is ELDER_AGE or more; the text as it is otherwise."""
    match = _AGE_TOLD.search(normalize(text))
    if match is None:
        return text
    told = match.group("age")
    age = (
        int(told)
        if told.isdigit()
        else 10 * _CHINESE_DIGITS[told[0]] + (_CHINESE_DIGITS[told[2]] if len(told) > 2 else 0)
    )
    if not ELDER_AGE <= age < 120:
        return text
    said = normalize(text)
    return said[: match.start()] + f"{_DECADES[age // 10]}十多了" + said[match.end() :]


# 「草原方面能办的都有啥」 「和农药有关的事项」 「农药的都列一下」: which items there are about
# a thing, the thing said before (or inside) the words of asking for them all.
_TOPIC_LISTED = re.compile(
    r"^(?:请问|请|麻烦)?(?:和|跟|与|关于|有关)?(?P<topic>[\u4e00-\u9fff]{2,6}?)"
    r"(?:方面|相关|有关|这块|这一块|这方面)?的?"
    r"(?:能办的|可以办的|要办的|办的|能办|可以办)?(?:事项|事情|事|业务|手续|项目)?"
    r"(?:都|一共|总共)?(?:有哪些|有哪几个|有哪几项|有啥|有什么|有几个|有几项|列一下|列出来|"
    r"列个单子|都列一下|都说说|都发给我|是哪些)?$"
)
_TOPIC_SAID = re.compile(r"方面|相关|有关|关于|事项|能办|可以办|列")


def listed_topic(said: str) -> str:
    """The thing whose items are asked for all together (「草原方面能办的都有啥」 → 草原), when
    the words say they are about it (方面, 相关, 事项, 能办的, 列一下); '' otherwise."""
    text = "".join(strip_particles(normalize(said)).split())
    if _TOPIC_SAID.search(text) is None:
        return ""
    match = _TOPIC_LISTED.match(text)
    return match.group("topic") if match else ""


def entries_named(words: str) -> list[int]:
    """The list numbers the words name together (「第2个和第3个」 → [2, 3]), when they are
    all they say; [] otherwise."""
    compact = "".join(words.split())
    if not _ENTRIES_JOINED.match(compact):
        return []
    numbers = [
        int(n) if n.isdigit() else _CHINESE_DIGITS[n] for n in _ENTRY_NUMBER.findall(compact)
    ]
    return list(dict.fromkeys(numbers)) if len(set(numbers)) > 1 else []


def is_human_request(said: str) -> bool:
    """「人工」 and its variants."""
    return strip_particles(normalize(said)) in HUMAN_WORDS


# 「都不是」 after a list: none of its entries is what the citizen wants.
NONE_FITS_WORDS = frozenset(
    {
        "都不是",
        "全都不是",
        "都不对",
        "一个都不是",
        "哪个都不是",
        "这些都不是",
        "这几个都不是",
        "不是这些",
        "不是这几个",
        "都不是我要的",
        "没有我要的",
        "没有我想要的",
        "没有我要找的",
        "没有要找的",
        "没有我要办的",
    }
)


def is_none_fits(said: str) -> bool:
    """「都不是」 「没有我要的」."""
    return strip_particles(normalize(said)) in NONE_FITS_WORDS


def is_next_page(said: str) -> bool:
    """「下一页」."""
    return strip_particles(normalize(said)) in NEXT_PAGE_WORDS


def level_words(said: str) -> str:
    """The words of a rating level without a verb before or a particle after
    (「给个好评」 → 好评, 「满意吧」 → 满意), said once (「满分满分」 → 满分)."""
    text = strip_particles(normalize(said))
    match = _LEVEL_AROUND.match(text)
    words = match.group(1) if match else text
    half = len(words) // 2
    if half >= 2 and len(words) % 2 == 0 and words[:half] == words[half:]:
        return words[:half]
    return words


# Stars or thumbs sent as symbols after an answer (「⭐⭐⭐⭐⭐」 「👍👍」, 「👎」).
_STAR_SYMBOLS = "⭐★🌟✨"
_THUMBS = {"👍": 5, "👎": 1}
# A score out of ten, as people often give one (「打8分」 「给你10分」): half of it, out of five.
_OUT_OF_TEN = re.compile(r"^(?:给你们|给你|给您|给)?(?:打个|打)?(\d{1,2}|十)\s*分(?:吧|了|啦)?$")


def symbol_rating(said: str) -> int | None:
    """「⭐⭐⭐」 → 3, 「👍」 → 5, 「👎」 → 1: a message of rating symbols alone."""
    text = "".join(normalize(said).split()).replace("\ufe0f", "")
    if not text:
        return None
    if all(char in _STAR_SYMBOLS for char in text) and len(text) <= 5:
        return len(text)
    scores = {_THUMBS.get(char) for char in text}
    return scores.pop() if len(scores) == 1 and None not in scores else None


def out_of_ten(said: str) -> int | None:
    """「打8分」 → 4: a score of 6 to 10 with 分 and no 评 (「评6」 is out of range)."""
    match = _OUT_OF_TEN.match(strip_particles(normalize(said)))
    if match is None:
        return None
    number = 10 if match.group(1) == "十" else int(match.group(1))
    return (number + 1) // 2 if 6 <= number <= 10 else None


def parse_rating(said: str) -> int | None:
    """「评5」 「好评」 「差评」 「4分」 「五星好评」 → the score 1–5; also when a clause of
    praise comes first and the rating ends the message, said as a rating is (「说得很清楚
    给你个五星好评」 「一般般吧 评3」; not 满意 or 差评 after other words: 「窗口态度差 不满意」
    is a complaint, answered with the supervision phone); 好评 or 差评 first, then why."""
    said = without_thanks(said)
    score = _one_rating(said)
    if score is not None:
        return score
    clauses = [part for part in _CLAUSES.split(normalize(said)) if part]
    if len(clauses) < 2:
        return None
    last = clauses[-1]
    if level_words(last) == "好评" or _STARS_PRAISED.match(level_words(last)):
        return _one_rating(last)
    if level_words(clauses[0]) in ("好评", "差评") or _SCORE_ALONE.match(clauses[0]):
        # 「差评 说得不清楚」 「2分 没说给多少钱」: the rating first, then why
        return _one_rating(clauses[0])
    return None


# A score said alone as the first clause (「2分」 「给3分」 「五星」), before why.
_SCORE_ALONE = re.compile(r"^(?:给|打)?[1-5一二三四五两](?:分|星)$")


def without_thanks(said: str) -> str:
    """The message without thanks said before or after it in a clause of its own (「很满意
    谢谢」, 「谢谢 挺有用的」 → 很满意, 挺有用的); the message itself when that is all it says."""
    kept = _THANKS_BEFORE.sub("", _THANKS_AFTER.sub("", normalize(said)))
    return kept or said


def _one_rating(said: str) -> int | None:
    symbols = symbol_rating(said) or out_of_ten(said)
    if symbols is not None:
        return symbols
    text = level_words(said)
    if text in ("好评", "非常满意", "满意", "满分"):
        return 5
    if text in ("差评", "不满意"):
        return 1
    stars = _STARS_PRAISED.match(text)
    if stars is not None:
        value = stars.group(1)
        number: int | None = int(value) if value.isdigit() else _CHINESE_DIGITS[value]
    else:
        number = rating_number(said)
    return number if number is not None and 1 <= number <= 5 else None


def rating_number(said: str) -> int | None:
    """The number of a rating, in range or not (「评6」 → 6: the citizen is told 1–5)."""
    match = _RATING.search(strip_particles(normalize(said)))
    if match is None:
        return None
    value = match.group(1) or match.group(2)
    return int(value) if value.isdigit() else _CHINESE_DIGITS[value]


# 「我现在绑的是哪个村」 「我绑定了哪个村」 「绑的啥村」: which village this account is bound to.
_BOUND_WHICH = re.compile(r"绑(?:定)?(?:的|了|过)(?:是|的是)?(?:哪|什么|啥)")


def asks_bound_village(said: str) -> bool:
    """Whether the text asks which village the account is bound to."""
    return _BOUND_WHICH.search("".join(normalize(said).split())) is not None


def parse_bind(said: str) -> str | None:
    """The place named after 「绑定」 ('' when nothing follows), the village a village
    official says they are of, nothing else said (「我是天堂镇大湾村的村干部」), or the village
    one has moved to, asking for the change (_MOVED_TO); else None."""
    text = strip_particles(normalize(said))
    match = _BIND.match(text)
    if match is not None:
        return strip_particles(match.group(1))
    official = _OFFICIAL_OF.match("".join(text.split()))
    if official is not None:
        return official.group(1)
    moved = _MOVED_TO.search("".join(text.split()))
    return moved.group(1) if moved is not None else None


# 「我搬到祁连镇石大板村了 给我改一下」 「调到红大村工作了 帮我换过来」: the village one now
# belongs to, and a change asked for: the village to follow from now on.
_MOVED_TO = re.compile(
    r"(?:搬到|搬去|搬来|迁到|迁去|调到|调去|嫁到)(\S{2,14}?(?:村|社区))(?:了|啦|工作了|住了)?"
    r"\S{0,6}?(?:改|换|更新)(?:一下|下|过来|过去|了)"
)


# 「我是石门镇宽沟村支书」 「俺是窑洞湾村的会计」: a village official of a village, nothing else
# said; the village is theirs to follow (a role must be said: 「我是大湾村的」 may be anyone).
_OFFICIAL_OF = re.compile(
    r"^(?:我是|俺是|我们是|咱是|我在|俺在)(\S{2,14}?(?:村|社区))(?:的)?(?:当|做|干)?"
    r"(?:村干部|干部|村支书|支书|村书记|书记|村主任|主任|村长|会计|文书|村委会的|村委的|村委|村医)"
    # 「…当会计 以后想查村里的钱」: and that they want to follow its money
    r"(?:以后|今后)?(?:想|要)?(?:常)?(?:查|看|关注)?(?:一下|下)?(?:村里|我们村|咱村|本村)?(?:的)?"
    r"(?:钱|资金|扶贫款|扶贫资金|项目)?$"
)


_MY_TOWN = re.compile("(?:我们|咱们|俺们|我|咱|俺|本)(?:乡|镇)")


def says_my_town(said: str) -> bool:
    """Whether 「我们乡」 「本镇」 is said: the town of the asker's place, not the village."""
    return _MY_TOWN.search(said) is not None


def parse_my_village(said: str) -> tuple[str, int | None] | None:
    """「我村资金 2016」 「2016年我们村分了多少」 → (topic, year), or None."""
    year, text = split_year(normalize(said))
    text = "".join(text.split())  # 「我村2016年的」 leaves 「我村 的」
    match = _MY_VILLAGE.match(text)
    if match is None:
        return None
    rest = text[match.end() :]
    if not match.group(1) and strip_particles(rest) and not any(w in rest for w in _PUBLIC_MONEY):
        return None  # 「我们村的寺院想登记一下」: the village only says whose, an item is asked
    if not match.group(1) and any(w in rest for w in _PAID) and not any(w in rest for w in _FUNDS):
        return None  # 「村里想开荒种地 要交钱吗」: money paid for an item, not funds received
    topic = "projects" if match.group(1) and "项目" in match.group(1) else "funds"
    return topic, year


_YEAR_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")
_CHINESE_YEAR = re.compile("[二两][〇零○][〇零○一二三四五六七八九]{2}(?=年)")


def _year_in_digits(match: re.Match[str]) -> str:
    return "2" + match.group()[1:].translate(_YEAR_DIGITS)


# 「十六年」: a short year as a voice message writes it (16年), not a count of years.
_SPOKEN_SHORT_YEAR = re.compile(
    "(?<![一二三四五六七八九十百零两几多第\\d])十([一二三四五六七八九])(?=年)"
)


def _short_year_in_digits(match: re.Match[str]) -> str:
    return "1" + match.group(1).translate(_YEAR_DIGITS)


def split_year(text: str, today: date | None = None) -> tuple[int | None, str]:
    """The year named (「2016」 「2016年」 「去年」 「十六年」) and the text without it; a span
    of years (「2015到2017年」) names no one year: None, every year's figures are shown."""
    text = _CHINESE_YEAR.sub(_year_in_digits, text)  # 「二零一六年」 as a voice message writes it
    text = _SPOKEN_SHORT_YEAR.sub(_short_year_in_digits, text)
    span = _year_span(text)
    if span:
        return None, " ".join((text[: span.start()] + " " + text[span.end() :]).split())
    match = _YEAR.search(text)
    if match:
        rest = text[: match.start()] + " " + text[match.end() :]
        for word in _RELATIVE_YEARS:  # 「今年的……我说的是2017年」: the year written wins
            rest = rest.replace(word, " ")
        return int(match.group(1)), " ".join(rest.split())
    short = _SHORT_YEAR.search(text)
    if short:
        rest = text[: short.start()] + " " + text[short.end() :]
        return 2000 + int(short.group(1)), " ".join(rest.split())
    for word, back in _RELATIVE_YEARS.items():
        if word in text:
            year = (today or date.today()).year - back
            return year, " ".join(text.replace(word, " ", 1).split())
    # 「这三年一共多少」 「历年」: every year published, as with no year said
    return None, " ".join(_YEARS_TOGETHER.sub(" ", text).split())


def names_years(text: str) -> bool:
    """Whether the text speaks of several years or each year (「这三年」 「每年」 「历年」
    「15到17年」 「15 16 17年」)."""
    return (
        _YEARS_TOGETHER.search(text) is not None
        or "每年" in text
        or "逐年" in text
        or _year_span(text) is not None
    )


# Words for several years together, no one year (「这三年」 「近几年来」 「历年」).
_YEARS_TOGETHER = re.compile(
    r"(?:这|近|最近|前|过去|这些)?[两三四五六七八九十几]年(?![级制])(?:来|里|间|的)?|历年(?:来|的)?"
)


# 「比上一年多了多少」 「跟去年比增加了多少」 「同比」: the year asked against the year before.
_COMPARED = re.compile(
    r"(?:比|较|和|跟|与)(?:上一年|上年|去年|前一年|头一年|上一年度)(?:相比|比)?(?:是)?"
    r"(?:多了|少了|增加了|减少了|涨了|降了|增长了|多|少|增加|减少|增长)?(?:了)?(?:多少|几)?(?:万元|万)?"
    r"|同比(?:增加|减少|增长|多|少)?了?(?:多少)?"
)


# 「……我说的是2017年」: the words that say what the rest means, no part of it.
_SAYING = re.compile("我(?:说|问|指)的是|我是(?:说|问|指)")


def without_saying(text: str) -> str:
    """The text without 「我说的是」 and the like."""
    return " ".join(_SAYING.sub(" ", text).split())


# 「不对，我问的是低保资金」 「不是这个 我要问结婚证」 「错了我说的是营业执照」: the last answer
# was not what was meant, and what was meant follows.
_CORRECTED = re.compile(
    "^(?:不对|不是|错了|不是这个|不是这样|不是这个意思|说错了|搞错了|弄错了|答错了|理解错了|"
    "你理解错了|我不是问这个|我没问这个|没问这个)"
    "(?:[，,。！!；;\\s]+(?:我(?:问|说|要问|想问|要|指)的是|我是(?:问|说|想问|指)|我(?:要|想)问)?"
    "|(?:我(?:问|说|要问|想问|指)的是|我是(?:问|说|想问|指)))"
)
MIN_MEANT = 2  # characters of what was meant, after the correction


def after_a_correction(text: str) -> str:
    """What was meant, when the text first says the last answer was not it (「不对，我问的是
    低保资金」 → 低保资金); the text as it is otherwise (「不对」 alone judges the answer)."""
    match = _CORRECTED.match(text)
    if match is None:
        return text
    meant = text[match.end() :].strip(" ，,。")
    return meant if len(meant) >= MIN_MEANT else text


# 「不是东大滩乡那个，我问的是大红沟镇东圈湾村」: what was not meant, then what was.
_NOT_THAT = re.compile(
    r"^(?:不对\s*[，,\s]?\s*)?不是[^，,。\s]{1,14}?(?:那个|那|的)?\s*[，,。\s]\s*(?:是|而是)?"
)


def without_correction(text: str) -> str:
    """The text without a leading 「不是…那个，」 naming what was not meant, and without
    「我说的是」 (what is left names what was)."""
    corrected = _NOT_THAT.sub("", text, count=1)
    return without_saying(corrected) if corrected != text else text


# 「草原补奖资金15年和17年比 多了多少」: two years named together, the later set beside the
# earlier; what is said of comparing them after them is no part of the fund's name.
_TWO_YEARS = re.compile(
    # 「15年和17年」 「2015年 2016年」: with 年 said after the first, nothing else between is needed
    r"(?<!\d)((?:19|20)\d{2}|\d{2})\s*(?:年(?:度)?\s*(?:和|跟|与|同|、|及|比|，|,)?|"
    r"(?:和|跟|与|同|、|及|比))\s*"
    r"((?:19|20)\d{2}|\d{2})\s*年(?:度)?(?!\d)"
    r"(?:\s*的?(?:相比|比较|对比|比一下|比)(?:的话)?(?:是)?)?"
    r"\s*(?:多了|少了|增加了|减少了|涨了|降了|增长了|差了|差)?(?:了)?(?:多少|几)?(?:万元|万)?"
)


def split_two_years(text: str) -> tuple[tuple[int, int] | None, str]:
    """Two years named together to compare (「15年和17年比」 「2016年跟2017年」): (later,
    earlier) and the text without them, or None and the text (three years or more listed
    compare nothing: 「2015、2016、2017年」)."""
    if _YEAR_LIST.search(text) is not None:
        return None, text
    for match in _TWO_YEARS.finditer(text):
        first, second = (int(y) if len(y) == 4 else 2000 + int(y) for y in match.groups()[:2])
        if first != second and abs(first - second) <= MAX_SPAN:
            rest = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
            return (max(first, second), min(first, second)), rest
    return None, text


# 「比15年多多少」 「跟2015年比呢」: the year the one shown is set beside.
_COMPARED_YEAR = re.compile(
    r"(?:比|较|和|跟|与)((?:19|20)?\d{2})年?(?:相比|比)?(?:是)?(?:呢)?"
    r"(?:多了|少了|增加了|减少了|涨了|降了|增长了|多|少|增加|减少|增长)?(?:了)?(?:多少|几)?(?:万元|万)?"
)


def split_year_compared(text: str) -> tuple[int | None, str]:
    """The year a question sets the one shown beside (「比15年多多少」 → 2015), and the text
    without those words; None and the text when there is none."""
    match = _COMPARED_YEAR.search(text)
    if match is None:
        return None, text
    said = match.group(1)
    year = int(said) if len(said) == 4 else 2000 + int(said)
    return year, " ".join((text[: match.start()] + " " + text[match.end() :]).split())


def split_comparison(text: str) -> tuple[bool, str]:
    """Whether the year asked is compared with the year before, and the text without it."""
    match = _COMPARED.search(text)
    if match is None:
        return False, text
    return True, " ".join((text[: match.start()] + " " + text[match.end() :]).split())


# 「哪个部门的专项资金最多」 「哪项资金最少」: the largest or smallest, by department or by fund.
_RANKED = re.compile(r"(最多|最大|最高|第一多|最少|最小|最低)")
_BY_DEPARTMENT = re.compile(r"(?:哪个|哪家|哪些)(?:部门|单位|局)")
_BY_YEAR = re.compile(r"哪一年|哪年")
_WHICH = re.compile(r"哪个|哪项|哪一项|哪笔|哪一笔|哪种")


@dataclass(frozen=True, slots=True)
class Ranking:
    """What a fund question ranks: the most (or least) fund, department's total or year's."""

    most: bool
    by: str  # "fund", "department" or "year"


def ranking_kept(ranking: Ranking | None) -> str:
    """A ranking as the memory keeps it (「department:most」), '' for none."""
    if ranking is None:
        return ""
    return f"{ranking.by}:{'most' if ranking.most else 'least'}"


def ranking_recalled(kept: str) -> Ranking | None:
    """The ranking the memory kept (`ranking_kept`), None for none or anything else."""
    by, _, end = kept.partition(":")
    if by not in ("fund", "department", "year") or end not in ("most", "least"):
        return None
    return Ranking(most=end == "most", by=by)


def split_ranking(text: str) -> tuple[Ranking | None, str]:
    """Whether the question asks for the largest or smallest (「哪个部门的专项资金最多」
    「民政局哪年的最多」), and the text without those words."""
    match = _RANKED.search(text)
    if match is None:
        return None, text
    most = match.group(1) in ("最多", "最大", "最高", "第一多")
    rest = text[: match.start()] + " " + text[match.end() :]
    by = "fund"
    for pattern, kind in ((_BY_DEPARTMENT, "department"), (_BY_YEAR, "year")):
        if pattern.search(rest):
            by, rest = kind, pattern.sub(" ", rest)
    return Ranking(most, by), " ".join(_WHICH.sub(" ", rest).split())


# 「哪个乡镇分的扶贫资金最多」 「哪个村最少」 「各乡镇分了多少」: places set beside each other by
# what was allocated to them.
_PLACE_KIND = "(乡镇|乡|镇|村子|村)"
_WHICH_PLACE = re.compile("(?:哪个|哪些|哪几个|哪一个|哪|啥)" + _PLACE_KIND)
_EVERY_PLACE = re.compile("(?:各个|各|每个|每一个|所有的?|全部的?)" + _PLACE_KIND)
_PLACES_ORDERED = re.compile("排名|排个名|排行|排个序|排序|排第一|排前|前[三五十几]")
_HOW_MUCH_EACH = re.compile("多少|分了|分配|给了")


@dataclass(frozen=True, slots=True)
class PlaceRanking:
    """Places ranked by their allocations: the most first (or the least), villages or towns."""

    most: bool
    villages: bool


# 「东大滩乡2017年排第几」 「全县排第几」: where one place stands among the others.
_PLACE_OF = re.compile(
    "(?:在)?(?:全县|县里|全镇|镇上|乡里)?(?:能)?(?:排第几|排几|排多少|排名第几|排在第几|第几名|排老几|排名多少|排名咋样|排名怎么样)"
)


def split_place_rank(text: str) -> tuple[bool, str]:
    """Whether the text asks where a place stands (「排第几」), and the text without it."""
    match = _PLACE_OF.search(text)
    if match is None:
        return False, text
    return True, " ".join((text[: match.start()] + " " + text[match.end() :]).split())


# 「哪个扶贫项目投资最多」 「受益户最多的项目」: projects set beside each other.
_PROJECT_SAID = re.compile("项目|工程")
_BY_BENEFIT = re.compile("受益|户数|几户|多少户|人数|带动")


@dataclass(frozen=True, slots=True)
class ProjectRanking:
    """Projects ranked by their investment (or by the households they benefit), most first
    or not."""

    most: bool
    by_benefit: bool


def asks_projects_ranked(text: str) -> ProjectRanking | None:
    """「哪个扶贫项目投资最多」 「2016年受益户最多的项目是哪个」 「最小的项目」; None otherwise."""
    ranked = _RANKED.search(text)
    if ranked is None or _PROJECT_SAID.search(text) is None:
        return None
    if _WHICH_PLACE.search(text) or _BY_DEPARTMENT.search(text):
        return None  # 「哪个村的项目最多」: places; 「哪个部门」: the fund list
    most = ranked.group(1) in ("最多", "最大", "最高", "第一多")
    return ProjectRanking(most=most, by_benefit=_BY_BENEFIT.search(text) is not None)


def asks_places_ranked(text: str) -> PlaceRanking | None:
    """「哪个乡镇分的最多」 「哪个村最少」 「各乡镇排名」 「各村分了多少」: which places (towns, or
    villages) got the most or least, or all of them in order; None for any other question."""
    found = _WHICH_PLACE.search(text) or _EVERY_PLACE.search(text)
    if found is None:
        return None
    ranked, which = _RANKED.search(text), found.re is _WHICH_PLACE
    if which and ranked:
        most = ranked.group(1) in ("最多", "最大", "最高", "第一多")
    elif _PLACES_ORDERED.search(text) or (not which and _HOW_MUCH_EACH.search(text[found.end() :])):
        most = True
    else:
        return None
    kind = found.group(1)
    return PlaceRanking(most=most, villages=kind.startswith("村"))


def split_fund_topic(text: str) -> tuple[str | None, str]:
    """Whether the text asks about poverty funds or projects, and the rest (the place)."""
    for word, topic in FUND_TOPICS:
        if word in text:
            rest = text.replace(word, " ")
            for other in (*(other for other, _ in FUND_TOPICS), *PLACE_QUESTION_WORDS):
                rest = rest.replace(other, " ")
            return topic, strip_particles(" ".join(rest.split()))
    return None, text


POVERTY_PROJECTS = "扶贫项目"


PLACE_ENDINGS = ("村", "镇", "乡", "社区")


def says_projects(text: str) -> bool:
    """Whether the text asks about projects (then shown before the money)."""
    return any(word in text for word in PROJECT_WORDS)


def says_place_project(text: str) -> bool:
    """Whether the text is about a place's or a poverty project (「大湾村那个项目」 「我们村的
    项目」 「扶贫项目」 「双龙村的饮水工程修好了没」), not an application's
    (「建设项目审批进度」)."""
    building = says_projects(text) or _BUILT.search(text) is not None
    return building and ("扶贫" in text or any(end in text for end in PLACE_ENDINGS))


# What a project builds, said with how far it got (「大湾村的路修好了没」 「村上的暖棚建成了吗」).
_BUILT = re.compile(
    "(?:路|桥|渠|井|水|棚|圈|广场|房|厂|站|基地)[^，,。]{0,4}?"
    "(?:修好|建好|建成|完工|竣工|开工|动工|修完|建完|弄好|弄完|通了)"
)


# 「哪些扶贫项目取消了」 「在建的项目有几个」: the projects of one progress, asked which or how
# many (longer words first: 没完工 is under way, not 完工).
_PROGRESS_WORDS = (
    ("没完工", ("planned", "in_progress")),
    ("未完工", ("planned", "in_progress")),
    ("没开工", ("planned",)),
    ("未开工", ("planned",)),
    ("还没动工", ("planned",)),
    ("取消", ("cancelled",)),
    ("撤销", ("cancelled",)),
    ("不搞了", ("cancelled",)),
    ("在建", ("in_progress",)),
    ("正在建", ("in_progress",)),
    ("实施中", ("in_progress",)),
    ("正在实施", ("in_progress",)),
    ("正在施工", ("in_progress",)),
    ("完工", ("completed",)),
    ("建成", ("completed",)),
    ("建好", ("completed",)),
    ("修好", ("completed",)),
    ("完成", ("completed",)),
    ("计划实施", ("planned",)),
)
_WHICH_PROJECTS = re.compile(r"哪些|哪几个|哪个|几个|多少个|有没有|都有啥|有啥|有什么")
# A progress said of the projects before their name (「在建的扶贫项目」 「取消的项目」).
_PROGRESS_OF_PROJECTS = re.compile(
    "(?:" + "|".join(w for w, _ in _PROGRESS_WORDS) + r")(?:了)?的(?:扶贫)?项目"
)


# Why a project was dropped (「为啥取消」 「咋不建了」).
_WHY_CANCELLED = re.compile(
    r"(?:为啥|为什么|咋|怎么)(?:就|给)?(?:取消|撤销|不搞|不建|不干|不修|不弄|不做)"
)


def asks_why_cancelled(text: str) -> bool:
    """Whether the text asks why a project was dropped."""
    return _WHY_CANCELLED.search(text) is not None


def progress_of_those_shown(text: str) -> tuple[str, ...] | None:
    """Right after a place's rows, the progresses asked of its projects without naming them
    (「哪些还没开工」 「还有哪几个没完工」), or None."""
    if not _WHICH_PROJECTS.search(text):
        return None
    return next((progress for word, progress in _PROGRESS_WORDS if word in text), None)


def projects_by_progress(text: str) -> tuple[str, ...] | None:
    """The progresses asked of a place's projects as a whole (「哪些项目取消了」 → cancelled;
    「还没完工的」 → planned and under way; 「在建的扶贫项目」: the progress said of the
    projects), or None (「大湾村那个项目完工了吗」 asks one project's: its line shows it)."""
    if not says_projects(text):
        return None
    if not _WHICH_PROJECTS.search(text) and not _PROGRESS_OF_PROJECTS.search(text):
        return None
    return next((progress for word, progress in _PROGRESS_WORDS if word in text), None)


def says_poverty_projects(text: str) -> bool:
    """Whether the text names poverty projects outright (「扶贫资金」 may be the fund list's)."""
    return POVERTY_PROJECTS in text


def split_fund_list(text: str) -> tuple[bool, FundType | None, str]:
    """Whether the text asks about the special fund list, the fund type named, and the rest."""
    asked = any(word in text for word in FUND_LIST_WORDS)
    named: list[FundType] = []
    rest = text
    for word, kind in FUND_TYPE_WORDS:
        if word in rest:
            named.append(kind)
            asked = True
            rest = rest.replace(word, " ")
    # 「17年转移支付多少 部门预算多少」: both types are the whole list (with each one's total)
    fund_type = named[0] if len(named) == 1 else None
    money = ("资金", "经费", "拨款", "钱", "款")
    listing = ("有哪些项目", "哪些项目", "有哪些", "有什么", "清单", "查询", "查")
    for word in (*FUND_LIST_WORDS, *money, *listing, "的"):
        rest = rest.replace(word, " ")
    return asked, fund_type, strip_particles(" ".join(rest.split()))


# 办 ending an office's name (扶贫办), not doing (咋办, 在哪办) nor 办法, 办理.
OFFICE_BAN = "(?<![咋么哪啥去来要想能好难给帮])办(?!法|理|事|件)"
# A word that names an office: 「农牧局」 「扶贫办」 「卫健委」 「华藏寺镇政府」 (办 ends
# 扶贫办, not 办法 or 办理).
_DEPARTMENT_WORD = re.compile(
    rf"[\u4e00-\u9fff]{{1,10}}?(?:局|办公室|{OFFICE_BAN}|委员会|委|站|所|中心|政府)"
)
# Words that say a benefit of any kind, not which one (「有啥补助」 「啥政策」).
BENEFIT_WORDS = re.compile("补贴|补助|救助|待遇|政策|优惠|福利")
COUNTY_CODE = "620623"  # the county this account serves (天祝藏族自治县)
# The county's own 6-digit code and those of its city and province (GB/T 2260: 6206 00, 62 0000)
DIVISION_CODES = (COUNTY_CODE, COUNTY_CODE[:4] + "00", COUNTY_CODE[:2] + "0000")
COUNTY_WORDS = ("整个县", "全县", "县里", "县上", "天祝县", "天祝", "全部")
FUND_QUESTION_WORDS = (
    "一共",
    "总共",
    "总计",
    "合计",
    "分配了",
    "分了",
    "投了",
    "花了",
    "拨了",
    "发了",
    "发放",
    "用了",
    "给了",
    "投资",
    "进展",
    "进度",
    # a project's status (计划实施、正在实施、已完工、已取消) and its changes
    "完成",
    "完工",
    "竣工",
    "开工",
    "建成",
    "取消",
    "调整",
    "咋样",
    "怎么样",
    "每年",
    "历年",
    "有啥",
    # 「17年涨到多少了」: the amount of another year, after the list of one
    "涨到",
    "降到",
    "增加到",
    "减少到",
    "变成",
    # 「16年的多了多少」: another year's amount, asked against the one shown
    "多了多少",
    "少了多少",
    "涨了多少",
    "降了多少",
    "增加了多少",
    "减少了多少",
    "多出多少",
    "多多少",
    "少多少",
    "比去年",
    "比上年",
    "比前一年",
    # 「林业局17年有几项资金」: how many rows
    "有几项",
    "有几笔",
    # 「15年的叫啥」: the name of that year's row, shown with it
    "叫啥",
    "叫什么",
    "几项",
    "几笔",
    # 「部门预算那块呢」 「其中部门预算的有多少」: the part of the money just named
    "其中",
    "那一块",
    "这一块",
    "那块",
    "这块",
    "那部分",
    "这部分",
    "是多少",
    "有多少",
    "多少钱",
    "多少万",
    "多少",
    # 「农牧局的钱有哪些项目」: which rows, not a fund named 项目
    "有哪些项目",
    "哪些项目",
    "啥项目",
    "什么项目",
    "几个项目",
    "有哪些",
    "有什么",
    "哪些",
    "情况",
    "一共",
    # 「到村资金」 「到户资金」: money allocated down to the village or the household
    "到村",
    "到户",
    # 「县上2016年发低保的钱一共安排了多少万」 「这三年加起来」
    "安排了",
    "安排",
    "加起来",
    "的钱",
    "这三年",
    "这几年",
)
# The town or the county of the place just talked about, and nothing else (「那镇上一共呢」
# 「全乡的呢」 「县上总共多少」): its whole, the same question.
_UP_TO = re.compile(
    r"^(?:那|那么|那个|再看看|再看)?"
    r"(?:(?P<town>镇上|乡上|镇里|乡里|全镇|全乡|整个镇|整个乡|咱镇|我们镇|俺们镇|本镇|咱乡|我们乡|本乡)"
    r"|(?P<county>县上|县里|全县|整个县|咱县|我们县|本县))"
    r"(?:的)?(?:一共|总共|合计|总的|加起来|整体|总体)?(?:的)?"
    r"(?:扶贫资金|资金|扶贫|钱)?(?:是)?(?:多少|有多少|多少钱)?(?:呢|啊|吧)?$"
)


def points_up(text: str) -> str | None:
    """「town」 or 「county」 when the words only point at the town or county of the place just
    talked about (「那镇上一共呢」), else None."""
    match = _UP_TO.match("".join(normalize(text).split()))
    if match is None:
        return None
    return "town" if match.group("town") else "county"


# Words for the place just talked about (「这个村2017年到村资金多少」).
THIS_PLACE_WORDS = (
    "这个村",
    "这村",
    "该村",
    "那个村",
    "这个镇",
    "那个镇",
    "该镇",
    "这个乡",
    "该乡",
    "这里",
)
# The kinds of allocation (到村, 到户 and 到乡镇 funds: 整村推进项目资金（到村）) name no other
# place either (「这个村2017年到村资金多少」).
ALLOCATION_KINDS = ("到乡镇", "到村", "到户")


# Words asking which document decided a place's money, or how its projects are going or
# changed (「那个钱是哪个文件拨的」 「民宿的进展咋样」 「那个路的钱咋变了」): the rows about
# what else was said answer them, each with its document number and its state.
# 「钱从哪来的」 「资金来源是啥」: where a row's money comes from.
SOURCE_WORDS = (
    "来源",
    "哪来",
    "哪里来",
    "哪儿来",
    "从哪",
    "谁出的钱",
    "谁出钱",
    "谁拨的",
    "哪拨的",
)
DETAIL_WORDS = (
    *SOURCE_WORDS,
    "文号",
    "文件",
    "哪个文",
    "批文",
    "发文",
    "批复",
    "依据",
    "进展",
    "进度",
    "开工",
    "完工",
    "动工",
    "修好",
    "建好",
    "建成",
    "变了",
    "调整",
    "调了",
    "改了",
    # changed at some time (「是不是调过钱」 「为啥调」)
    "调过",
    "改过",
    "变过",
    "为啥调",
    "为什么调",
    "为啥改",
    "为什么改",
    # how far it has got (「民宿那个弄到哪一步了」)
    "到哪一步",
    "到哪步",
    "哪一步",
    # which year the rows shown are of (「哪年的」)
    "哪年",
    "哪一年",
    "几几年",
    # what it was before a change (「原先不是说一百一十几万吗」)
    "原先",
    "原来",
    "本来",
    "之前说",
    "以前说",
    # what a project is and does (「投资多少」 「哪个单位干的」 「修了几公里」 「多少户受益」)
    "投资",
    "投了",
    "投入",
    "花了",
    "花多少",
    "花费",
    "实施",
    "谁建",
    "谁修",
    "谁干",
    "谁弄",
    "哪个单位",
    "哪个部门干",
    "哪家干",
    "几公里",
    "多少亩",
    "多少人",
    "多少户",
    "几户",
    "多少家",
    "几家",
    "分红",
    "受益",
    "每户",
    "建设内容",
    "干了啥",
    "干了些啥",
    "建了啥",
    "建了些啥",
    "修了啥",
    "修了些啥",
    "搞了啥",
    "开始建",
    "建了没",
    # done yet (「弄完了吗」), why it was dropped (「为啥不搞了」), what it earns (「一年能挣多少」)
    "弄完",
    "搞完",
    "干完",
    "修完",
    "建完",
    "不搞了",
    "不干了",
    "不建了",
    "为啥取消",
    "为什么取消",
    "咋取消",
    "装机",
    "能挣",
    "挣多少",
    "挣了多少",
    "收益",
    "效益",
    "增收",
    # what the money went to (「这钱干啥用了」 「用在哪了」): the projects' works
    "干啥用",
    "干什么用",
    "做啥用",
    "做什么用",
    "用在哪",
    "用到哪",
    "花在哪",
    "花到哪",
    "用来干",
    # where the money of a dropped project went (「那钱弄哪去了」 「钱挪哪了」)
    "弄哪去",
    "弄哪了",
    "挪哪",
    "挪到哪",
    "钱哪去",
    "钱去哪",
)
# Words of such a question that name no row (「17年那个的文号是多少」 leaves nothing to match).
_DETAIL_ASKING = re.compile(
    r"到(?:哪一步|哪儿|哪里|哪|什么程度|啥程度|啥地步|啥时候)|(?:那|这|哪)一?(?:个|条|笔|项|座|处|块)?|是多少|多少|是啥|是什么|什么|咋样|怎么样|怎样|咋|怎么|了没有|没有|了没|"
    r"了吗|吗|呢|的|了|是|拨|给|钱|资金|扶贫|项目|工程|有|没|多大|一年|每年|为啥|为什么|能|镇上|乡上|村上|分到|分给|分了|都|"
    r"批的|批下来|批准|不是|弄|"
    r"一共|总共|合计|加起来"
)


# 「是哪两个村的」 「给了哪几个村」 「镇上哪个村有项目」: which places the rows shown went to.
WHICH_PLACES = re.compile(r"(?:在|是|给了|到了)?哪[一两三四五几些]?个?(?:村|乡镇|乡|镇)")


def asks_place_detail(text: str) -> bool:
    """Whether the text asks a place's documents, a project's progress or change, or which
    places the rows went to."""
    return (
        any(word in text for word in DETAIL_WORDS)
        or WHICH_PLACES.search(text) is not None
        or asks_why_cancelled(text)
    )


_BENEFITS = re.compile("受益|几户|多少户|多少人|几个人|带动了?多少")


def asks_benefits(text: str) -> bool:
    """Whether the text asks how many households or people the projects benefit."""
    return _BENEFITS.search(text) is not None


def asks_fund_source(text: str) -> bool:
    """Whether the text asks where the money of a place's rows comes from."""
    return any(word in text for word in SOURCE_WORDS)


def detail_subject(text: str) -> str:
    """What row a detail question is about, once the year, the place pointed at, the detail
    and question words are gone (「17年那个民宿的进展咋样」 → 民宿; 「文号呢」 → nothing)."""
    _, rest = split_year(normalize(text))
    rest = _VILLAGE_POINTERS.sub(" ", without_this_place(WHICH_PLACES.sub(" ", rest)))
    rest = _WHY_CANCELLED.sub(" ", rest)
    for word in DETAIL_WORDS:
        rest = rest.replace(word, " ")
    return strip_particles("".join(_DETAIL_ASKING.sub(" ", rest).split()))


# A question about the county's poverty rows of one kind, no place named (「光伏扶贫在哪几个村」
# 「整村推进资金分到了哪些村」 「小额贷款贴息花了多少」): asked only with these words, so
# that other questions cost no look-up of the rows.
COUNTY_ROWS_CUE = re.compile(r"扶贫|哪几个村|哪些村|几个村|整村推进|贴息")
# Words any row or such a question has: the rest of the words are what names the rows.
_ROW_GENERIC = re.compile(
    r"扶贫|项目|资金|工程|专项|财政|哪几个村|哪些村|哪个村|几个村|分到了|分到|分给了|分给|"
    r"花了|投了|投入|多少户|多少|受益|一共|总共|全县|是|在|了|的|呢|吗"
)
MIN_ROW_RUN = 2  # characters in a row that name it (「光伏」)


def row_fragments(text: str) -> list[str]:
    """The words of a question that may name poverty rows: without the year and the words
    every row or question has (「光伏扶贫在哪几个村 投了多少」 → 光伏)."""
    _, rest = split_year(normalize(text))
    parts = _ROW_GENERIC.split("".join(rest.split()))
    return [part for part in parts if len(part) >= MIN_ROW_RUN]


def named_run(fragments: list[str], names: list[str]) -> str:
    """The longest run of a fragment's characters that some name holds (at least MIN_ROW_RUN)."""
    best = ""
    for fragment in fragments:
        for start in range(len(fragment)):
            for end in range(len(fragment), start + max(MIN_ROW_RUN, len(best) + 1) - 1, -1):
                run = fragment[start:end]
                if any(run in name for name in names):
                    best = run
                    break
    return best


def without_this_place(text: str) -> str:
    """The text without words for the place just talked about or the kind of allocation."""
    for word in (*THIS_PLACE_WORDS, *ALLOCATION_KINDS):
        text = text.replace(word, " ")
    return " ".join(text.split())


# What a question asks about one special fund, by the columns the fund list publishes
# (《财政专项资金管理清单》: 申报指南, 评审结果, 资金分配情况, 管理办法, 绩效评价), and the
# words citizens ask it with (「咋申报 截止到啥时候」 「评上了几个 每个补了多少」).
# The columns' own names come first: they are taken out whole (「评审结果」 leaves no 结果).
FUND_DETAILS = (
    # 《办法》: a competitive fund publishes its guide and its review; the rest are allocated
    ("competitive", ("竞争性分配", "竞争性", "竞争分配", "竞争")),
    ("guide", ("申报指南", "申报条件", "申报", "申请", "怎么报", "咋报", "报名", "截止")),
    ("review", ("评审结果", "评选结果", "评上", "评审", "评选", "入选", "选上", "几个")),
    (
        "allocation",
        (
            "分配情况",
            "怎么分配",
            "咋分配",
            "如何分配",
            "分配",
            # 「这笔钱给谁了」 「低保资金发给谁了」: to whom it went
            "发给谁",
            "发给了谁",
            "给谁",
            "给了谁",
            "都给谁",
            "谁拿了",
            "谁领了",
            "每个",
            "补了",
            "补助",
            "补贴了",
            "补多少",
            "怎么分",
            "咋分",
            "拨付",
            "分到",
            "发到",
            "咋发",
            "怎么发",
            # what it is spent on (the column is 资金分配和使用情况)
            "干啥用",
            "干什么用",
            "做什么用",
            "做啥用",
            "用途",
            "用在哪",
            "用到哪",
            "花在哪",
        ),
    ),
    (
        "department",
        (
            "归谁管",
            "谁管",
            "哪个部门",
            "哪个单位",
            "主管部门",
            "管的吧",
            "管的吗",
            "哪个局",
            "啥局",
            "什么局",
            "哪家单位",
        ),
    ),
    (
        "measures",
        (
            "管理办法",
            "办法",
            "怎么管",
            "咋管",
            "管的",
            "依据",
            "哪个文件",
            "啥文件",
            "什么文件",
            "文号",
        ),
    ),
    ("performance", ("绩效评价", "绩效", "效果")),
    # 《办法》第十二条: a budget adjusted is published again, with what changed
    (
        "change",
        (
            "调整情况",
            "调整过",
            "调整",
            "调过",
            "调增",
            "调减",
            "调高",
            "调低",
            "调了",
            "调的",
            "追加",
            "变更",
            "变过",
            "改过",
        ),
    ),
    # 《办法》: the list is published within days of the budget's approval
    (
        "published",
        (
            *(
                f"{when}{verb}"
                for verb in ("公开", "公布", "发布", "批复", "批准", "批的")
                for when in ("啥时候", "什么时候", "哪天", "几号", "何时")
            ),
            *("公开时间", "公开日期", "公布时间", "公布日期", "批复时间", "批准时间"),
        ),
    ),
)
# Question words left around a detail's words (「截止到啥时候」 「咋申报」 「按啥办法」).
_DETAIL_QUESTION = (
    "到啥时候",
    "到什么时候",
    "啥时候",
    "什么时候",
    "几号",
    "是不是",
    "有没有",
    "过没有",
    "过没",
    "过吗",
    "按照什么",
    "按什么",
    "按啥",
    "为啥",
    "为什么",
    "咋回事",
    # 「绩效咋样」: how it went, whole (not 咋 leaving 样)
    "咋样",
    "怎么样",
    "怎样",
    "咋",
    "怎么",
    "如何",
)


def split_fund_details(text: str) -> tuple[list[str], str]:
    """The details of a fund asked about (「guide」 …, in the order of `FUND_DETAILS`) and the
    text without their words and the question words around them."""
    asked: list[str] = []
    for name, words in FUND_DETAILS:
        for word in words:
            if word in text:
                if name not in asked:
                    asked.append(name)
                text = text.replace(word, " ")
    if asked:
        for word in _DETAIL_QUESTION:
            text = text.replace(word, " ")
    return asked, " ".join(text.split())


# A document number (文号) as the county writes them, 「天扶贫发〔2016〕32号」, with whatever
# brackets a phone offers (〔〕 [] () 【】 ［］, NFKC folds the full-width ones).
_DOCUMENT = re.compile(
    r"([\u4e00-\u9fff]{1,12})\s*[〔\[(【]\s*((?:19|20)\d{2})\s*[〕\])】]\s*第?(\d{1,4})\s*号"
)


# Typed without brackets (「天扶贫发2016年32号」): the issuer's words end as a document
# number's do (…发, …字), so that 「2016年32号」 alone is no document.
_DOCUMENT_PLAIN = re.compile(
    r"([\u4e00-\u9fff]{0,11}[发字])\s*((?:19|20)\d{2}|\d{2}(?=\s*年))\s*年?\s*第?(\d{1,4})\s*号"
)


def parse_document_number(said: str) -> tuple[str, int, int] | None:
    """The issuer's words, year and serial of a document number said in a message (「天扶贫发
    〔2016〕32号是啥项目」 → ('天扶贫发', 2016, 32)); the issuer may carry words before it."""
    text = normalize(said)
    match = _DOCUMENT.search(text) or _DOCUMENT_PLAIN.search(text)
    if match is None:
        return None
    year = int(match.group(2))
    return match.group(1), year + 2000 if year < 100 else year, int(match.group(3))


def without_document_number(said: str) -> str:
    """The words said beside a document number (「天扶贫发〔2017〕9号给了祁连镇多少」 →
    给了祁连镇多少)."""
    text = normalize(said)
    match = _DOCUMENT.search(text) or _DOCUMENT_PLAIN.search(text)
    return text if match is None else f"{text[: match.start()]} {text[match.end() :]}".strip()


def names_place(text: str) -> bool:
    """Whether a short text is a place's name (「圈湾村」 「华藏寺镇」)."""
    flat = "".join(text.split())
    return 2 <= len(flat) <= 12 and flat.endswith(("村", "镇", "乡", "社区"))


# Words that point at a village without naming it (「以后就查这个村」 「把村子改成…」).
_VILLAGE_POINTERS = re.compile(
    r"这个村子|这个村|那个村|这村|村子|我们村是|我们村|咱们村|俺们村|我村是|我村|咱村|俺村|本村"
)


def without_village_pointers(text: str) -> str:
    """The words of a binding request without those pointing at a village without naming it
    (「我们村是大湾村 以后就查这个村」 → 大湾村 以后就查; 「我要绑定村子」 → 我要绑定)."""
    return _VILLAGE_POINTERS.sub(" ", text)


# The words telling where one lives, before a place's name (「我们屋里就在」 「俺家住在」).
_HOME_LEAD = re.compile(
    r"^(?:我们|俺们|咱们|我|俺|咱)?(?:屋里|屋头|老家|家里|家)(?:就|现在|一直)?(?:住)?(?:在|是)"
)


def without_home_lead(text: str) -> str:
    """The text without the words telling where one lives before it (_HOME_LEAD)."""
    flat = "".join(text.split())
    lead = _HOME_LEAD.match(flat)
    return flat[lead.end() :] if lead is not None else text


def place_part(text: str) -> str:
    """The place's name at the start of a text, up to its last 村/镇/乡 before other words
    (「上古城村易地搬迁」 → 上古城村, 「天堂镇大湾村」 → 天堂镇大湾村)."""
    flat = "".join(text.split())
    best = ""
    for match in re.finditer(r"(?:村|镇|乡|社区)", flat):
        best = flat[: match.end()]
    return best or flat


def without_county(text: str) -> tuple[bool, str]:
    """Whether the text names the whole county, and the text without those words."""
    named = any(word in text for word in COUNTY_WORDS)
    for word in COUNTY_WORDS:
        text = text.replace(word, " ")
    return named, " ".join(text.split())


def department_word(text: str) -> str | None:
    """The first word of the text that names an office, if any."""
    match = _DEPARTMENT_WORD.search(text.replace(" ", ""))
    return match.group(0) if match else None


# What is said beside an office's name to ask which items it handles (「民政局都能办啥」
# 「卫健局管哪些事项」 「公安局有哪些业务」), or nothing at all (「民政局」).
_DEPARTMENT_ITEMS = re.compile(
    r"都有|一共|总共|具体|能|可以|负责|办理|办|管|些|的|哪些|哪几样|什么|啥|几样|事项|事情|事儿|"
    r"事|业务|服务|有|是|都|呢|吗|啊|哪|几|请问|问一下|我想问|想问|你好|查一下|查查"
)


def _says_only(words: str, allowed: re.Pattern[str]) -> bool:
    """Whether the words hold nothing but what `allowed` matches (spaces aside)."""
    return not allowed.sub("", "".join(words.split()))


def asks_department_items(rest: str) -> bool:
    """Whether the words said beside an office's name ask which items it handles."""
    return _says_only(rest, _DEPARTMENT_ITEMS)


# A place's name, and what is said beside it to say one lives there (「我是华藏寺镇的」
# 「我家在下河东村」 「打柴沟镇该」 of 「…该找谁问」).
_PLACE_SAID = re.compile(r"[\u4e00-\u9fff]{1,6}?[镇乡村]")
_LIVING_THERE = re.compile(r"[我是们家在住的该人]")


def only_where_one_lives(words: str) -> bool:
    """Whether the words name a place (a town or village) and say nothing else than that one
    lives or is from there."""
    if not _PLACE_SAID.search(words):
        return False
    return not _LIVING_THERE.sub("", _PLACE_SAID.sub("", words))


# What is said beside an office's name and a contact question (「人社局电话给一个」
# 「民政局的电话是多少」 「公安局在什么地方」): nothing that names an item.
_CONTACT_WORDS = re.compile(
    r"给一个|给个|和|跟|还有|以及|、|发一个|发个|告诉我|说一下|说下|是多少|多少|号码|有没有|的|是|呢|吗|啊|"
    r"请问|问一下|我想问|想问|你好|查一下|查查|县上|县里|县|咱们|我们|你们|那个|这个"
)


def asks_only_contact(rest: str) -> bool:
    """Whether the words said beside an office's name and a contact question name nothing
    else (no item of the office)."""
    return _says_only(rest, _CONTACT_WORDS)


# Words pointing back at the office just shown (「这个局」 「他们单位」 「那边」), and an office
# word that names none alone (「局」 left of 「这个局」).
_OFFICE_REFERENCE = re.compile(
    r"(?:这个|那个|该|这|那|他们|它们|他们的|它的)?(?:局|单位|部门|机关|办)(?:里|里面)?|他们|它|那边|那里"
)


# The county's own service number, printed on every guide's supervision line.
SERVICE_HOTLINE = "12345"
# A five-digit national service number (12345, 12333, 95598) standing alone in the words.
SERVICE_NUMBER = re.compile(r"(?<![0-9])(1[0-9]{4}|95[0-9]{3})(?![0-9])")
# Words asking what a number is, around it (「是干啥的电话」 「是哪里的号码」 「能打吗」).
_NUMBER_QUESTION_WORDS = re.compile(
    r"请问|问一下|你好|这个|那个|是|干啥|干嘛|干什么|做啥|做什么|什么|啥|哪里|哪儿|哪个|哪|"
    r"电话|号码|热线|号|管|用|打|能|可以|有|部门|单位|机构|服务|的|吗|呢|啊|呀|[?？。，,!！]"
)


def asks_what_a_number_is(words: str) -> bool:
    """Whether the words beside a number only ask what it is (nothing, or 「是干啥的电话」)."""
    return _says_only(words, _NUMBER_QUESTION_WORDS)


# Words in a longer question that point back at an office (「他们单位有哪些专项资金」).
_OFFICE_POINTED = re.compile(r"(?:这个|那个|该|他们|它们)(?:局|单位|部门)|他们|它们")


def points_at_an_office(named: str, said: str = "") -> bool:
    """Whether the office word named only points back at an office (「这个局」 「局」), or,
    with no office word, the words said do (「他们单位有哪些专项资金」)."""
    compact = "".join(named.split())
    if compact:
        return not _OFFICE_REFERENCE.sub("", compact)
    return _OFFICE_POINTED.search(said) is not None


def asks_contact_of_the_office(rest: str) -> bool:
    """Whether a contact question's other words name nothing but the office shown
    (「他们电话给一个」 「这个局在哪」 「地址呢」)."""
    return asks_only_contact(_OFFICE_REFERENCE.sub("", "".join(rest.split())))


# After a fund's words, words saying "in the field of" (「教育上的」 「医疗方面的」).
FIELD_ENDINGS = ("这一块", "这一方面", "方面", "这块", "领域", "上")


# A verb of giving before a fund's words (「发低保的钱」 「拨营养餐的钱」), not 发展 of 产业发展.
LEADING_GIVING = re.compile("^(?:县上|县里|全县)?(?:发|拨|给)(?!展)(?=..)")


def fund_topic(text: str) -> str:
    """What a fund question is about once year, department and question words are gone
    (「低保 是多少」 → 「低保」, 「教育上的」 → 「教育」)."""
    for word in FUND_QUESTION_WORDS:
        text = text.replace(word, " ")
    topic = LEADING_GIVING.sub("", strip_particles("".join(text.split())))
    for ending in FIELD_ENDINGS:
        if topic.endswith(ending) and len(topic) - len(ending) >= 2:
            return topic[: -len(ending)]
    return topic


# What many funds' names share, no part of what a fund is for (城乡医疗救助资金: 医疗救助).
_FUND_NAME_FRAME = re.compile(r"^(?:城乡居民|城乡)|(?:专项资金|资金)$")
MIN_FUND_CORE = 4


def names_fund(topic: str, name: str, *, loose: bool = True) -> bool:
    """Whether the words name the fund: they abbreviate its name (低保), or they hold what it
    is for with other words between (「医疗困难救助」: 城乡医疗救助资金)."""
    if abbreviates(topic, name, loose=loose):
        return True
    core = _FUND_NAME_FRAME.sub("", name)
    return len(core) >= MIN_FUND_CORE and abbreviates(core, topic)


def abbreviates(short: str, name: str, *, loose: bool = False) -> bool:
    """Whether `short` is the way people shorten `name`: its characters in order
    (低保 → 城乡居民最低生活保障资金, 草原补奖 → 草原生态保护补助奖励资金); `loose` lets a
    longer one have one character said differently (学生营养餐 → 学生营养改善计划)."""
    if len(short) < 2:
        return False
    allowed = 1 if loose and len(short) >= 4 else 0
    position = 0
    for char in short:
        found = name.find(char, position)
        if found < 0:
            allowed -= 1
            if allowed < 0:
                return False
            continue
        position = found + 1
    return True
