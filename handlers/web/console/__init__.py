"""The staff web console at `/console`: WeCom sign-in with a TOTP code, the records of a
department with their completeness, the request queue with diffs, previews and bulk decisions.
Every step goes through the same workflow operations and audit chain as the chat."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from handlers.web.console import auth, desk, imports, queue, records, reports
from handlers.web.console.auth import Redirect, Refused
from handlers.web.console.rendering import page


def install_console(app: FastAPI) -> None:
    """Mount the console's routes and its two answers for "not signed in" and "refused"."""
    app.include_router(auth.router)
    app.include_router(records.router)
    app.include_router(queue.router)
    app.include_router(imports.router)
    app.include_router(desk.router)
    app.include_router(reports.router)

    @app.exception_handler(Redirect)
    async def redirect(request: Request, error: Redirect) -> Response:
        return RedirectResponse(error.location, status_code=303)

    @app.exception_handler(Refused)
    async def refused(request: Request, error: Refused) -> Response:
        return page(
            request,
            "console/refused.html",
            {"message": error.message, "status": error.status_code},
            status_code=error.status_code,
        )
