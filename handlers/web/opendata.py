"""Open-data downloads (第九条): every published, non-classified list as CSV or JSON."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from catalogue.queries import public_counts
from handlers.web.deps import SessionDep
from handlers.web.rendering import page

router = APIRouter()

DATASETS = {
    "items": "行政权力和便民服务事项（办事指南）",
    "departments": "实施部门",
    "regions": "乡镇和村",
    "funds": "财政专项资金管理清单",
    "poverty-allocations": "扶贫资金分配",
    "poverty-projects": "扶贫项目清单",
}
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


@router.get("/opendata", response_class=HTMLResponse, include_in_schema=False)
async def opendata(request: Request, session: SessionDep) -> Response:
    counts = await public_counts(session=session)
    datasets = [
        {"name": name, "title": title, "count": counts.get(name, 0)}
        for name, title in DATASETS.items()
    ]
    return page(request, "opendata.html", {"datasets": datasets})


@router.get(
    "/opendata/{name}.{fmt}",
    tags=["开放数据"],
    summary="下载一个公开数据集",
    responses={
        200: {"content": {"text/csv": {}}, "description": "CSV（UTF-8）或 JSON 文件"},
        404: {"content": {"text/html": {}}, "description": "没有这个数据集（中文页面）"},
        429: {"content": {"text/html": {}}, "description": "访问太频繁，见 Retry-After"},
    },
)
async def download(name: str, fmt: str, session: SessionDep) -> Response:
    """`name`: items, departments, regions, funds, poverty-allocations, poverty-projects;
    `fmt`: csv or json. Only published, non-classified records."""
    if name not in DATASETS or fmt not in FORMATS:
        raise HTTPException(404, "没有这个数据集。")
    # The exporter (and the importer whose template headers it writes) loads at the first
    # download, not at a worker's start.
    from catalogue.exporting import export_records, to_csv, to_json

    records = await export_records(session, name)
    body = to_csv(name, records) if fmt == "csv" else to_json(records)
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="tianzhu-{name}.{fmt}"'},
    )
