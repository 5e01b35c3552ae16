"""Reading staff command arguments: codes, request refs, 字段=值 pairs and their values, class
markers, dates, months, years and the poverty list's reviewing bodies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from catalogue.codes import InvalidCodeError, format_code
from catalogue.models import TimeLimit
from catalogue.ratings import Month
from catalogue.workflow.errors import BadDuty, BadTimeLimit, InvalidInputError
from catalogue.workflow.fields import Duty, FieldSpec, FieldValue
from catalogue.workflow.rules import (
    ChangeClass,
    SuspendedSource,
    looks_like_class,
    parse_class,
)

_ASSIGNMENT = re.compile(r"([^\s=＝]+)[=＝](.*?)(?=\s+[^\s=＝]+[=＝]|$)", re.DOTALL)


QUOTE_CHARS = 40  # a 33-character county code fits


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """At most the first line's first `limit` characters of what the staff member wrote, for
    echoing it in an answer (a long or multi-line input is never sent back whole)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    cut = line[:limit]
    return cut + "…" if len(cut) < len(text.strip()) else cut


def words(args: str) -> list[str]:
    """Whitespace-separated words (full-width spaces too)."""
    return args.replace("\u3000", " ").split()


def head_and_rest(args: str, what: str) -> tuple[str, str]:
    """The first word and the rest; the first word is required."""
    parts = args.replace("\u3000", " ").strip().split(maxsplit=1)
    if not parts:
        raise InvalidInputError(f"请写明{what}。发送“帮助”查看命令格式。")
    return parts[0], parts[1].strip() if len(parts) > 1 else ""


ALL_WORDS = frozenset({"全部", "所有", "all"})
MERGE_CHOICES = {
    "保持": SuspendedSource.KEEP_SUSPENDED,
    "保持暂停": SuspendedSource.KEEP_SUSPENDED,
    "恢复": SuspendedSource.RESUME,
}


def code(word: str) -> str:
    """The canonical code of what was typed, or a precise explanation of what is wrong."""
    try:
        return format_code(word)
    except InvalidCodeError as error:
        raise InvalidInputError(f"编码“{word}”有误：{error}") from None


def request_ref(word: str) -> int | str:
    """`#12`, `＃12` or `12` → 12; anything else must be an item code (canonical)."""
    core = word.strip().lstrip("#＃")
    if core.isdigit() and len(core) <= 9:
        return int(core)
    return code(word)


def merge_choice(words: list[str]) -> SuspendedSource | None:
    """Take `暂停=保持` / `暂停=恢复` off the end of a merger's words."""
    if words and re.match(r"^暂停[=＝]", words[-1]):
        value = re.split(r"[=＝]", words.pop(), maxsplit=1)[1]
        choice = MERGE_CHOICES.get(value)
        if choice is None:
            raise InvalidInputError("暂停事项的处理请写“暂停=保持”或“暂停=恢复”。")
        return choice
    return None


def is_code(word: str) -> bool:
    """Whether a word is a well-formed item or basic code."""
    try:
        format_code(word)
    except InvalidCodeError:
        return False
    return True


@dataclass
class Assignments:
    """`（三） 电话=0935-1 说明=…`: the optional class marker and the 字段=值 pairs in order."""

    change_class: ChangeClass | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def pop(self, *names: str) -> str | None:
        """Remove and return the value of the first pair named one of `names`."""
        for index, (name, value) in enumerate(self.pairs):
            if name in names:
                del self.pairs[index]
                return value
        return None


def assignments(text: str) -> Assignments:
    """Parse `[（类）] 字段=值 字段=值…`; values may contain spaces."""
    result = Assignments()
    rest = text.strip()
    first, _, tail = rest.partition(" ")
    if first and looks_like_class(first):
        result.change_class = parse_class(first)
        rest = tail.strip()
    for match in _ASSIGNMENT.finditer(rest):
        result.pairs.append((match.group(1).strip(), match.group(2).strip()))
    leftover = _ASSIGNMENT.sub("", rest).strip()
    if leftover:
        raise InvalidInputError(
            f"“{quote(leftover)}”看不懂，请写成 字段=值，例如 电话=0935-3121234。"
        )
    return result


def record_id(word: str, what: str) -> int:
    """A list row number (`12` or `#12`)."""
    core = word.strip().lstrip("#＃")
    if not core.isdigit():
        raise InvalidInputError(f"{what}编号“{quote(word)}”不对，应为数字。")
    return int(core)


def day(text: str) -> date:
    """2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日."""
    cleaned = text.strip().replace("年", "-").replace("月", "-").rstrip("日")
    for sep in ("/", "."):
        cleaned = cleaned.replace(sep, "-")
    try:
        year_, month, day_ = (int(part) for part in cleaned.split("-"))
        return date(year_, month, day_)
    except ValueError:
        raise InvalidInputError(f"日期“{quote(text)}”看不懂，请写成 2026-03-01。") from None


def month(text: str) -> Month:
    """A calendar month written 2026-11 (the console's month field, `--month`)."""
    try:
        year_text, month_text = text.split("-")
        return Month(int(year_text), int(month_text))
    except ValueError:
        raise InvalidInputError(f"月份“{quote(text)}”不对，应写成 2026-11。") from None


_SPLIT = re.compile(r"[；;\n]+")
_WORDS = re.compile(r"[，,、；;\s]+")
_LIMIT = re.compile(r"^(\d+)\s*个?\s*(工作日|日|天|小时|个月|月)?(?:[（(](.+)[)）])?$")
_AT_ONCE = ("即办", "当场办结", "立即办理")


def time_limit(text: str) -> TimeLimit:
    """ "20个工作日", "15日（不含公示期）", "即办" → value, unit and note."""
    value = text.strip()
    if value in _AT_ONCE:
        return TimeLimit(0, "即办", value)
    match = _LIMIT.match(value)
    if match is None:
        raise BadTimeLimit(text)
    unit = match.group(2) or "日"
    return TimeLimit(int(match.group(1)), "日" if unit == "天" else unit, match.group(3))


def field_value(spec: FieldSpec, text: str) -> FieldValue:
    """The typed new value of an item field from what was typed after 字段=: lines split at
    ；, words at ，、 or spaces, a time limit, a duty as 标题：内容, else the text."""
    value = text.strip()
    if spec.kind == "lines":
        return [part.strip() for part in _SPLIT.split(value) if part.strip()]
    if spec.kind == "words":
        return [part.strip() for part in _WORDS.split(value) if part.strip()]
    if spec.kind == "time_limit":
        return time_limit(value)
    if spec.kind == "duty":
        title, sep, content = value.partition("：" if "：" in value else ":")
        if not sep:
            raise BadDuty()
        return Duty(title.strip(), content.strip())
    return value


def year(text: str) -> int:
    """A list year: four digits (2026 or 2026年), 2000–2100."""
    core = text.strip().rstrip("年")
    if not core.isdigit() or not 2000 <= int(core) <= 2100:
        raise InvalidInputError(f"年度“{quote(text)}”不对，请写四位年份，例如 2026。")
    return int(core)


# What staff call the two reviewing bodies of 《扶贫办法》第三条 (keys of `POVERTY_REVIEWERS`).
REVIEWER_WORDS = {
    "领导小组": "county_group",
    "县扶贫开发领导小组": "county_group",
    "扶贫开发领导小组": "county_group",
    "县领导小组": "county_group",
    "市扶贫办": "city_office",
    "市扶贫开发办公室": "city_office",
    "市": "city_office",
}


def reviewing_body(text: str) -> str:
    """领导小组 / 市扶贫办 → county_group / city_office."""
    key = REVIEWER_WORDS.get(text.strip())
    if key is None:
        raise InvalidInputError(
            f"“{quote(text)}”不是审核机关：请写“领导小组”（县扶贫开发领导小组）或“市扶贫办”。"
        )
    return key
