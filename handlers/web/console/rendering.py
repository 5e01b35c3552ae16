"""The console's templates: its own folder first, then the public pages' (the preview of an
item page is the public template itself), with the public pages' filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from catalogue.staff import ROLE_LABELS
from catalogue.workflow.rules import Action, RequestState
from handlers.staff.completeness_wording import shortfall_line
from handlers.web.rendering import templates as public

HERE = Path(__file__).resolve().parent
BEIJING = timezone(timedelta(hours=8))

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.loader = ChoiceLoader(
    [FileSystemLoader(HERE / "templates"), FileSystemLoader(HERE.parent / "templates")]
)
templates.env.filters.update(public.env.filters)
templates.env.globals.update(public.env.globals)


def _minute(value: datetime | None) -> str:
    if value is None:
        return ""
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


def _action(value: str) -> str:
    try:
        return Action(value).label
    except ValueError:
        return value


def _request_state(value: str) -> str:
    try:
        return RequestState(value).label
    except ValueError:
        return value


def _role(value: str) -> str:
    return next((label for role, label in ROLE_LABELS.items() if role.value == value), value)


templates.env.filters.update(
    minute=_minute,
    action=_action,
    request_state=_request_state,
    role=_role,
    shortfall=shortfall_line,
)


def page(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    """A console page; never cached (it shows one staff member's work)."""
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response
