"""Query parameters of the pages, read leniently: bad values are a 404 page, never a 500."""

from __future__ import annotations

from fastapi import HTTPException

from catalogue.queries.poverty import MAX_YEAR, MIN_YEAR

MAX_PAGE = 100_000


def optional_int(value: str | None) -> int | None:
    """An id from a link; anything else is "not found"."""
    if value is None or value == "":
        return None
    if not value.isdigit() or len(value) > 9:
        raise HTTPException(404)
    return int(value)


def optional_year(value: str | None) -> int | None:
    """A budget or allocation year."""
    year = optional_int(value)
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise HTTPException(404)
    return year


def page_number(value: str | None) -> int:
    """A page number (1 when absent)."""
    number = optional_int(value)
    if number is None:
        return 1
    if not 1 <= number <= MAX_PAGE:
        raise HTTPException(404)
    return number
