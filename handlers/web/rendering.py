"""Jinja2 templates with the filters the pages use (amounts, dates, statuses, links)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from catalogue.categories import CATEGORIES
from catalogue.codes import normalize_code_text
from catalogue.models import FundType, PublicationStatus
from handlers.citizen.amounts import wan
from handlers.web.charts import flowchart

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()


def _wan(value: Decimal | None) -> str:
    return "" if value is None else wan(value)


def _status(value: str) -> str:
    try:
        return PublicationStatus(value).label
    except ValueError:
        return value


def _fund_type(value: str) -> str:
    try:
        return FundType(value).label
    except ValueError:
        return value


templates.env.filters.update(
    day=_day,
    wan=_wan,
    status=_status,
    fund_type=_fund_type,
    compact=normalize_code_text,
    category=lambda code: CATEGORIES.get(code, code),
)
templates.env.globals["CATEGORIES"] = CATEGORIES
templates.env.globals["flowchart"] = flowchart


def page(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """A rendered page."""
    return templates.TemplateResponse(request, template, context, status_code=status_code)
