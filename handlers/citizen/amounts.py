"""How amounts in 万元 are written: exact, never rounded, at least two decimals."""

from __future__ import annotations

from decimal import Decimal

CENTS = Decimal("0.01")


def wan(amount: Decimal) -> str:
    """「1234.5678」, 「120.50」: every stored digit kept, trailing zeros beyond two dropped."""
    text = format(amount.normalize(), "f")
    if "." not in text:
        return format(amount.quantize(CENTS), "f")
    whole, fraction = text.split(".")
    return f"{whole}.{fraction.ljust(2, '0')}"
