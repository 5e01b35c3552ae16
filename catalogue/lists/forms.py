"""Form checks of single values: phone numbers, dates, amounts (万元), document numbers
(发文字号 such as 甘办发〔2014〕66号), item codes, categories, time limits, lists.

Each check returns None when the value is well-formed, else a short Chinese explanation.
"""

from __future__ import annotations

import enum
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from catalogue.categories import CATEGORIES
from catalogue.codes import check_item_code


class Form(enum.StrEnum):
    """How a field's value is written."""

    TEXT = "text"
    PHONE = "phone"
    DATE = "date"  # a day that has happened (Beijing time): no future dates
    AMOUNT = "amount"  # 万元, positive, at most 4 decimals (one yuan)
    DOCUMENT_NUMBER = "document_number"  # 机关代字〔年份〕序号号
    CODE = "code"  # the 32-character county item code
    CATEGORY = "category"  # 表1 category letters
    TIME_LIMIT = "time_limit"
    STEPS = "steps"  # a list of procedure steps
    MATERIALS = "materials"  # 申请材料 / 办理要件
    DUTIES = "duties"  # 责任事项 of a power item
    DEPARTMENT = "department"  # a department id
    REGION = "region"  # a region code
    FLAG = "flag"
    WORDS = "words"
    YEAR = "year"
    COUNT = "count"  # a whole number of things (cases, households)


# Landlines with or without area code (0935-3121234, 09353121234, (0935)3121234, 3121234),
# mobiles, and short service numbers (12345, 12123, 95086, also behind an area code); real
# guides hold several numbers with names between them.
_PHONE = re.compile(
    r"(?<!\d)(?:"
    r"[(（]?0\d{2,3}[)）]?[-－—\s]?\d{7,8}"
    r"|1[3-9]\d{9}"
    r"|(?:0\d{2,3}[-－—\s]?)?(?:12|95|96)\d{3,4}"
    r"|[2-9]\d{6,7}"
    r"|400[-－]?\d{3}[-－]?\d{4}"
    r")(?!\d)"
)
_DIGIT_RUN = re.compile(r"\d[\d\-－—\s()（）]{5,}\d")

# GB/T 9704 发文字号: 机关代字 + 年份 in 〔〕 + 序号 + 号. Square and round brackets are
# accepted because the county's own regulations write 甘办发[2014]66号.
_DOCUMENT_NUMBER = re.compile(
    r"^[\u4e00-\u9fff]{1,20}[〔\[【(（](\d{4})[〕\]】)）]\s*第?\s*(\d{1,5})\s*号$"
)
_EARLIEST_YEAR = 1949
_MAX_AMOUNT = Decimal("1e13")  # 万元: beyond any county budget, a typing error


def phone_problem(text: str) -> str | None:
    """Every phone number in the text must be a real form, and there must be one."""
    value = text.strip()
    found = _PHONE.findall(value)
    if not found:
        return f"“{_short(value)}”中没有可拨打的电话号码（如 0935-3121234 或 13900000000）"
    leftover = _PHONE.sub(" ", value)
    broken = _DIGIT_RUN.search(leftover)
    if broken:
        return f"“{broken.group(0)}”不是有效的电话号码"
    return None


def document_number_problem(text: str, today: date) -> str | None:
    """A 发文字号: agency + 〔year〕 + number + 号, the year not in the future."""
    value = text.strip()
    match = _DOCUMENT_NUMBER.match(value)
    if match is None:
        return f"“{_short(value)}”不是文号的写法，应如 甘办发〔2014〕66号"
    year = int(match.group(1))
    if not _EARLIEST_YEAR <= year <= today.year:
        return f"文号“{value}”的年份 {year} 不对"
    if int(match.group(2)) == 0:
        return f"文号“{value}”的序号不能为 0"
    return None


def date_problem(day: date, today: date) -> str | None:
    """A recorded date (occurrence, approval, publication) cannot lie in the future."""
    if day > today:
        return f"{day:%Y-%m-%d} 晚于今天（{today:%Y-%m-%d}），不能登记将来的日期"
    if day.year < _EARLIEST_YEAR:
        return f"{day:%Y-%m-%d} 早于 {_EARLIEST_YEAR} 年，请核对"
    return None


def amount_problem(value: Any) -> str | None:
    """万元 amounts are positive and exact to one yuan (four decimals)."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        return f"“{value}”不是金额，请写万元数，例如 12.5"
    if not amount.is_finite():
        return f"“{value}”不是金额"
    if amount <= 0:
        return f"金额须大于 0（现为 {amount}）"
    if amount >= _MAX_AMOUNT:
        return f"金额 {amount} 万元过大，请核对单位（万元）"
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -4:
        return f"金额 {amount} 万元超过四位小数（精确到元即可）"
    return None


def code_problem(text: str) -> str | None:
    """The 32-character county code of 《编码规范》."""
    check = check_item_code(text)
    if check.errors:
        return check.errors[0].message
    return None


def category_problem(text: str) -> str | None:
    """One of the letter codes of 表1."""
    if text not in CATEGORIES:
        return f"“{text}”不是表1的类别代码"
    return None


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


def is_blank(value: Any) -> bool:
    """An empty value: None, blank text, an empty list, an unset time limit."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return not value
    return not bool(value) and not isinstance(value, Decimal | int | bool)


def problem(form: Form, value: Any, today: date) -> str | None:
    """What is wrong with a non-blank value of this form (None: well-formed)."""
    if form is Form.PHONE:
        return phone_problem(str(value))
    if form is Form.DOCUMENT_NUMBER:
        return document_number_problem(str(value), today)
    if form is Form.DATE and isinstance(value, date):
        return date_problem(value, today)
    if form is Form.AMOUNT:
        return amount_problem(value)
    if form is Form.CODE:
        return code_problem(str(value))
    if form is Form.CATEGORY:
        return category_problem(str(value))
    if form is Form.STEPS and not any(str(step).strip() for step in value):
        return "没有写明步骤"
    if form is Form.MATERIALS and not any(
        str(m.get("name", "")).strip() for m in value if isinstance(m, dict)
    ):
        return "没有写明材料名称"
    if form is Form.DUTIES:
        incomplete = [
            str(duty.get("title") or "（无名称）")
            for duty in value
            if not str(duty.get("title", "")).strip() or not str(duty.get("content", "")).strip()
        ]
        if incomplete:
            return "未写明责任内容：" + "、".join(incomplete[:5])
    return None
