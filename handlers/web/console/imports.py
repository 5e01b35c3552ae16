"""Uploading an import file (the chat's importer: validated, all or nothing, drafts, the
codes it created listed) and downloading every import template."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from catalogue.models import Role
from handlers.settings import Settings
from handlers.staff.importing import KIND_LABELS, ROLE_KINDS, import_operation
from handlers.web.console.auth import Refused, Signed, SignedDep, form_of, text_field
from handlers.web.console.rendering import page
from handlers.web.console.runs import run

router = APIRouter(prefix="/console", include_in_schema=False)
SUFFIXES = (".xlsx", ".csv")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 1 << 16


# The importer (and its schemas) load at the first upload or template, not at a worker's start.


def _templates() -> list[tuple[str, str]]:
    from catalogue.importing import KINDS, kind_of

    return [(kind, kind_of(kind).schema.title) for kind in KINDS]


def _page(
    request: Request, signed: Signed, *, result: str = "", ok: bool = True, status_code: int = 200
) -> Response:
    kinds = ROLE_KINDS.get(Role(signed.actor.role), ())
    return page(
        request,
        "console/import.html",
        {
            "signed": signed,
            "kinds": [(kind, KIND_LABELS[kind]) for kind in kinds],
            "templates": _templates(),
            "result": result,
            "ok": ok,
        },
        status_code=status_code,
    )


@router.get("/import")
async def import_form(request: Request, signed: SignedDep) -> Response:
    return _page(request, signed)


async def _read(upload: UploadFile, limit: int) -> bytes:
    """The uploaded bytes, refused past the settings' file limit (read in chunks, bounded)."""
    parts: list[bytes] = []
    size = 0
    while chunk := await upload.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise Refused(f"文件太大（最多 {limit // (1 << 20)} MB），请分成几个文件导入。", 413)
        parts.append(chunk)
    return b"".join(parts)


@router.post("/import")
async def upload(request: Request, signed: SignedDep) -> Response:
    form = await form_of(request, signed)
    kind = text_field(form, "kind", limit=40)
    if kind not in ROLE_KINDS.get(Role(signed.actor.role), ()):
        return _page(
            request, signed, result="您的角色不能导入这种清单。", ok=False, status_code=403
        )
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, signed, result="请选择要导入的文件。", ok=False, status_code=400)
    name = Path(upload.filename).name[:120]
    if not name.lower().endswith(SUFFIXES):
        return _page(
            request,
            signed,
            result="只能导入 xlsx 或 csv 文件（按导入模板填写）。",
            ok=False,
            status_code=400,
        )
    settings: Settings = request.app.state.settings
    limits = settings.import_limits
    content = await _read(upload, limits.max_file_bytes)
    with tempfile.TemporaryDirectory(prefix="zwbot-console-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        outcome = await run(
            request,
            signed,
            f"导入 {KIND_LABELS[kind]} {name}",
            import_operation(kind, path, limits),
        )
    return _page(
        request,
        signed,
        result=outcome.message,
        ok=not outcome.refused,
        status_code=200 if not outcome.refused else 400,
    )


@router.get("/templates/{name}")
async def template(name: str, signed: SignedDep) -> Response:
    from catalogue.importing import KINDS
    from catalogue.importing.templates import template_csv, write_template_xlsx

    kind, _, suffix = name.rpartition(".")
    if kind not in KINDS or suffix not in ("csv", "xlsx"):
        raise Refused("没有这个模板。", 404)
    filename = f"template-{kind}.{suffix}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if suffix == "csv":
        return Response(
            template_csv(kind).encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers=headers,
        )
    with tempfile.TemporaryDirectory(prefix="zwbot-template-") as folder:
        path = Path(folder) / filename
        write_template_xlsx(kind, path)
        return Response(path.read_bytes(), media_type=XLSX, headers=headers)
