"""Links from chat answers to the public web pages (under `PUBLIC_BASE_URL`)."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from catalogue.codes import normalize_code_text


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def item_url(base_url: str, code: str) -> str:
    """The guide page of an item; the code is written compact (no dash) so it survives copying."""
    return f"{_base(base_url)}/items/{quote(normalize_code_text(code))}"


def items_url(
    base_url: str, *, category: str | None = None, department_id: int | None = None
) -> str:
    """The list of items, optionally of one category or one department."""
    params: dict[str, str | int] = {}
    if category:
        params["category"] = category
    if department_id is not None:
        params["department"] = department_id
    return f"{_base(base_url)}/items" + (f"?{urlencode(params)}" if params else "")


def village_url(base_url: str, region_code: str, year: int | None = None) -> str:
    """The page of a town or village's poverty funds and projects."""
    query = f"?{urlencode({'year': year})}" if year else ""
    return f"{_base(base_url)}/villages/{quote(region_code)}{query}"


def funds_url(base_url: str, *, year: int | None = None, department_id: int | None = None) -> str:
    """The fund list page, optionally of one year and department."""
    params: dict[str, int] = {}
    if year:
        params["year"] = year
    if department_id is not None:
        params["department"] = department_id
    return f"{_base(base_url)}/funds" + (f"?{urlencode(params)}" if params else "")


def place_chart_url(base_url: str, region_code: str, year: int | None = None) -> str:
    """A town's or village's chart as a PNG picture (a news card's `picurl`)."""
    query = f"?{urlencode({'year': year})}" if year else ""
    return f"{_base(base_url)}/villages/{quote(region_code)}/chart.png{query}"


def fund_chart_url(base_url: str, year: int | None = None) -> str:
    """The fund list's chart by department as a PNG picture."""
    query = f"?{urlencode({'year': year})}" if year else ""
    return f"{_base(base_url)}/funds/chart.png{query}"
