"""`/villages/{code}/poster.pdf|png`: the newest poster `zwbot poster` made for a place."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from handlers.settings import Settings
from handlers.web.deps import SettingsDep
from handlers.web.posters import PosterError, poster_paths

router = APIRouter(include_in_schema=False)
MEDIA = {"pdf": "application/pdf", "png": "image/png"}


def poster_dir(settings: Settings) -> Path:
    """Where `zwbot poster` writes by default and the pages look."""
    return settings.data_dir / "posters"


def posters_of(settings: Settings, code: str) -> dict[str, str]:
    """The poster files a place has, as {"pdf": url, "png": url} (empty when none)."""
    try:
        pdf, png = poster_paths(poster_dir(settings), code)
    except PosterError:
        return {}
    found = {"pdf": pdf, "png": png}
    return {
        kind: f"/villages/{code}/poster.{kind}" for kind, path in found.items() if path.is_file()
    }


@router.get("/villages/{region_code}/poster.{kind}")
async def poster_file(region_code: str, kind: str, settings: SettingsDep) -> FileResponse:
    if kind not in MEDIA:
        raise HTTPException(404)
    try:
        pdf, png = poster_paths(poster_dir(settings), region_code)
    except PosterError:
        raise HTTPException(404) from None
    path = pdf if kind == "pdf" else png
    if not path.is_file():
        raise HTTPException(404)
    return FileResponse(path, media_type=MEDIA[kind], filename=f"{region_code}-公示.{kind}")
