"""`zwbot check completeness`: every published or pending record that falls short of the
fields the regulations require for its kind, per record and per field."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated

import typer

from catalogue.lists.declarations import KIND_LABELS, KINDS
from catalogue.lists.scan import CHECKED_STATUSES, CompletenessReport, scan
from catalogue.models import PublicationStatus, utcnow
from catalogue.workflow.workdays import china_date
from handlers.db.database import open_database
from handlers.staff.completeness_wording import shortfall_line

check_app = typer.Typer(help="核对清单：必填字段与格式。", no_args_is_help=True)


def _as_json(report: CompletenessReport) -> str:
    data = {
        "checked": dict(report.checked),
        "short": len(report.records),
        "by_field": [
            {"kind": kind, "field": label, "records": n} for kind, label, n in report.by_field()
        ],
        "records": [
            {
                "kind": record.kind,
                "ref": record.ref,
                "name": record.name,
                "status": record.status,
                "shortfalls": [
                    {
                        "field": s.label,
                        "missing": s.missing,
                        "problem": s.problem,
                        "article": s.article,
                    }
                    for s in record.shortfalls
                ],
            }
            for record in report.records
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1)


def _as_text(report: CompletenessReport, limit: int) -> list[str]:
    lines = []
    for record in report.records[:limit]:
        status = PublicationStatus(record.status).label
        lines.append(f"{KIND_LABELS[record.kind]} {record.ref} {record.name}（{status}）")
        lines += [f"  {shortfall_line(shortfall)}" for shortfall in record.shortfalls]
    if len(report.records) > limit:
        lines.append(f"……另有 {len(report.records) - limit} 条（--limit 或 --json 查看全部）")
    checked = "，".join(f"{KIND_LABELS[k]} {n} 条" for k, n in sorted(report.checked.items()))
    lines.append(f"已核对：{checked or '没有记录'}；不完整 {len(report.records)} 条。")
    if report.records:
        lines.append("按字段统计（记录数）：")
        lines += [f"  {KIND_LABELS[k]} {label}：{n}" for k, label, n in report.by_field()]
    return lines


@check_app.command("completeness")
def completeness(
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help=f"只核对这些类别（可重复）：{'、'.join(KINDS)}"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON。")] = False,
    limit: Annotated[int, typer.Option("--limit", help="文本输出最多列出的记录数。")] = 200,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="也核对草稿（例如初次载入后待补全的事项）。")
    ] = False,
) -> None:
    """List published and pending records lacking required fields (exit 1 when any)."""
    kinds = tuple(kind or KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        typer.echo(f"没有这个类别：{'、'.join(unknown)}；可用：{'、'.join(KINDS)}", err=True)
        raise typer.Exit(2)

    async def main() -> CompletenessReport:
        async with open_database() as (_, sessions), sessions() as session:
            statuses = (*CHECKED_STATUSES, PublicationStatus.DRAFT.value) if drafts else None
            return await scan(session, china_date(utcnow()), kinds, statuses or CHECKED_STATUSES)

    report = asyncio.run(main())
    if as_json:
        typer.echo(_as_json(report))
    else:
        for line in _as_text(report, limit):
            typer.echo(line)
    if report.records:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zwbot check`."""
    app.add_typer(check_app, name="check")
