"""Check characters of the GB 11714 organisation code and the GB 32100 credit code."""

from __future__ import annotations

import re

# GB 11714: body characters 0-9 (value 0-9) and A-Z (value 10-35); check character 0-9 or X.
_ORG_VALUES = {c: i for i, c in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_PATTERN = re.compile(r"[0-9A-Z]{8}[0-9X]")

# GB 32100: 31 characters, the letters I, O, Z, S, V are never used.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(rf"[{USCC_ALPHABET}]{{18}}")


def org_code_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    if len(body) != 8 or any(c not in _ORG_VALUES for c in body):
        raise ValueError(f"an organisation code body is 8 characters 0-9/A-Z, got {body!r}")
    total = sum(_ORG_VALUES[c] * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def is_valid_org_code(code: str) -> bool:
    """Whether a 9-character organisation code is well formed and its check character verifies."""
    if not ORG_CODE_PATTERN.fullmatch(code):
        return False
    return org_code_check_char(code[:8]) == code[8]


def uscc_check_char(body: str) -> str:
    """The GB 32100 check character of a 17-character unified social credit code body."""
    if len(body) != 17 or any(c not in _USCC_VALUES for c in body):
        raise ValueError(f"a USCC body is 17 characters of {USCC_ALPHABET}, got {body!r}")
    total = sum(_USCC_VALUES[c] * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Whether an 18-character unified social credit code is well formed and its check verifies."""
    if not USCC_PATTERN.fullmatch(code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def org_code_of_uscc(uscc: str) -> str:
    """The GB 11714 organisation code embedded in a USCC (characters 9-17)."""
    if len(uscc) != 18:
        raise ValueError(f"a USCC has 18 characters, got {uscc!r}")
    return uscc[8:17]


def uscc_problems(text: str) -> list[str]:
    """Chinese descriptions of what is wrong with a USCC (empty when it is correct).

    A failed check character is reported too; callers decide whether it is only a warning
    (some early pilot codes fail it yet are legal).
    """
    code = text.strip().upper()
    if len(code) != 18:
        return [f"统一社会信用代码应为18位，「{code}」为{len(code)}位"]
    bad = [(i + 1, c) for i, c in enumerate(code) if c not in _USCC_VALUES]
    if bad:
        where = "、".join(f"第{i}位「{c}」" for i, c in bad)
        return [f"统一社会信用代码{where}不是允许的字符（0–9 及除 I、O、Z、S、V 外的大写字母）"]
    expected = uscc_check_char(code[:17])
    if expected != code[17]:
        return [f"统一社会信用代码第18位校验码「{code[17]}」与计算值「{expected}」不符"]
    return []
