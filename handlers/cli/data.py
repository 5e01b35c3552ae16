"""`zwbot import`, `zwbot export`, `zwbot template`: the county's lists in and out as files."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from catalogue.exporting import export_records, to_csv, to_json
from catalogue.importing import KINDS, ImportReport, UnknownKindError, import_file, kind_of
from catalogue.importing.audited import (
    ImportRefusedError,
    Refused,
    administrator,
    import_file_as,
)
from catalogue.importing.options import COMPLETENESS_RULE, MissingFields
from catalogue.importing.options import published_at_source as published_at_source_rule
from catalogue.importing.templates import template_csv, write_template_xlsx
from handlers.db.database import open_database
from handlers.settings import get_settings
from handlers.staff.import_wording import report_lines

KIND_HELP = "清单种类：" + "、".join(KINDS)


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class TemplateFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


_REFUSALS = {
    Refused.UNKNOWN: "没有工作人员账号「{}」。",
    Refused.DISABLED: "账号「{}」已停用。",
    Refused.LOCKED: "账号「{}」已锁定，解锁后才能导入。",
    Refused.NOT_ADMIN: (
        "账号「{}」不是管理员：命令行导入只能由管理员进行（其他人员请在企业微信中用“导入”，"
        "导入内容为草稿，经审核后发布）。"
    ),
}


def _refusal(error: ImportRefusedError) -> str:
    """Why the account named with --as may not import, for the operator."""
    return _REFUSALS[error.why].format(error.account)


def _kind(name: str) -> str:
    try:
        return kind_of(name).name
    except UnknownKindError:
        typer.echo(f"没有「{name}」这种清单；可用：{'、'.join(KINDS)}", err=True)
        raise typer.Exit(2) from None


async def _import(
    kind: str,
    files: list[Path],
    publish: bool,
    dry_run: bool,
    actor: str,
    command: str,
    missing_fields: MissingFields = COMPLETENESS_RULE,
) -> list[ImportReport]:
    """All files in one transaction: committed only when every file imported without error.

    A dry run needs no account; anything else is an administrator's audited act."""
    reports: list[ImportReport] = []
    async with open_database() as (_engine, sessions), sessions() as session:
        try:
            staff = None if dry_run else await administrator(session, actor)
            limits = get_settings().import_limits
            for path in files:
                if staff is None:
                    report = await import_file(
                        session,
                        kind,
                        path,
                        publish=publish,
                        dry_run=True,
                        missing_fields=missing_fields,
                        limits=limits,
                    )
                else:
                    done = await import_file_as(
                        session,
                        staff,
                        kind,
                        path,
                        publish=publish,
                        command=command,
                        missing_fields=missing_fields,
                        limits=limits,
                    )
                    report = done.report
                    if report.ok and report.short_records:
                        report.notes.append(
                            "不完整记录的逐条明细：zwbot check completeness --drafts"
                        )
                    if report.ok:
                        report.notes.append(
                            f"已记入审计日志：{staff.wecom_user_id}，文件 SHA-256 {done.sha256}"
                        )
                reports.append(report)
                if not reports[-1].ok:
                    break
            if dry_run or not all(report.ok for report in reports):
                await session.rollback()
            else:
                await session.commit()
        except ImportRefusedError as error:
            await session.rollback()
            refused = ImportReport(kind_of(kind).name, "", kind_of(kind).schema.title)
            refused.error(0, "", f"{_refusal(error)}未导入任何数据。")
            return [refused]
        except SQLAlchemyError as error:
            await session.rollback()
            failed = ImportReport(kind_of(kind).name, "", kind_of(kind).schema.title)
            failed.error(
                0, "", f"数据库写入失败，未导入任何数据：{error.__class__.__name__}: {error}"
            )
            return [*reports, failed]
    return reports


def import_command(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    files: Annotated[list[Path], typer.Argument(help="CSV（UTF-8 或 GBK）或 XLSX 文件，可多个")],
    publish: Annotated[
        bool,
        typer.Option(
            "--publish", help="首次载入：该地区清单还没有发布的事项时，完整的新记录直接发布"
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="只检查并报告，不写入数据库")] = False,
    actor: Annotated[
        str,
        typer.Option("--as", help="执行导入的管理员账号（企业微信 UserID），记入审计日志"),
    ] = "",
    published_at_source: Annotated[
        bool,
        typer.Option(
            "--published-at-source",
            help="与 --publish 同用：其他地区的记录按其政府公开的原样发布（本县记录仍须完整）",
        ),
    ] = False,
) -> None:
    """导入清单（管理员操作，记入审计日志）：先检查每一行，有任何错误就不导入任何数据；
    已发布的记录不会被修改（请用“变更”）；重复导入同一文件不会产生变化。"""
    name = _kind(kind)
    if not dry_run and not actor.strip():
        typer.echo(
            "请用 --as 写明执行导入的管理员账号（企业微信 UserID）；只检查请加 --dry-run。",
            err=True,
        )
        raise typer.Exit(2)
    if published_at_source and not (publish and name == "items"):
        typer.echo("--published-at-source 只用于 zwbot import items … --publish。", err=True)
        raise typer.Exit(2)
    command = " ".join(
        ["zwbot import", name, *map(str, files)]
        + (["--publish"] if publish else [])
        + (["--published-at-source"] if published_at_source else [])
        + ["--as", actor.strip()]
    )
    rule = published_at_source_rule() if published_at_source else COMPLETENESS_RULE
    reports = asyncio.run(_import(name, files, publish, dry_run, actor, command, rule))
    for report in reports:
        for line in report_lines(report):
            typer.echo(line)
    if not all(report.ok for report in reports):
        if len(files) > 1:
            typer.echo("有文件出错：本次所有文件都没有导入。")
        raise typer.Exit(1)


async def _export(kind: str, fmt: ExportFormat) -> str:
    async with open_database() as (_engine, sessions), sessions() as session:
        records = await export_records(session, kind)
    return to_json(records) if fmt is ExportFormat.JSON else to_csv(kind, records)


def export_command(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv 或 json")] = ExportFormat.CSV,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入文件；省略则输出到屏幕")
    ] = None,
) -> None:
    """导出已发布、非涉密的清单（开放数据，可再导入）。"""
    name = _kind(kind)
    text = asyncio.run(_export(name, fmt))
    if output is None:
        typer.echo(text.removeprefix("\ufeff"), nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"已写入 {output}", err=True)


def template_command(
    kind: Annotated[str, typer.Argument(help=KIND_HELP)],
    fmt: Annotated[
        TemplateFormat, typer.Option("--format", help="csv 或 xlsx")
    ] = TemplateFormat.XLSX,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="文件名，默认 template-KIND.格式")
    ] = None,
) -> None:
    """生成导入模板（中文表头，带 * 的列必填）。"""
    name = _kind(kind)
    path = output or Path(f"template-{name}.{fmt.value}")
    if fmt is TemplateFormat.XLSX:
        write_template_xlsx(name, path)
    else:
        path.write_text(template_csv(name), encoding="utf-8")
    typer.echo(f"已生成模板 {path}")


def register(app: typer.Typer) -> None:
    """Add `zwbot import`, `zwbot export` and `zwbot template`."""
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("template")(template_command)
