"""The public web pages, the open-data downloads and the JSON API of the app."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from handlers.web import api, errors, opendata, pages

STATIC = Path(__file__).resolve().parent / "static"


def install_web(app: FastAPI) -> None:
    """Pages at `/`, downloads at `/opendata`, the API at `/api`, Chinese error pages."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(pages.router)
    app.include_router(opendata.router)
    app.include_router(api.router, prefix="/api")
    errors.install(app)
