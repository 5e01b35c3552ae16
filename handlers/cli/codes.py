"""`zwbot code …`: explain and check the county's 32-character item codes."""

from __future__ import annotations

import typer

from catalogue.code_explanation import CodeExplanation, explain_code
from catalogue.codes import Severity
from catalogue.region_directory import RegionDirectory
from catalogue.region_reading import RegionReadError, read_region_directory
from catalogue.regions import region_directory, shipped_regions
from handlers.settings import get_settings

code_app = typer.Typer(help="县权责清单统一编码：解释与核对。", no_args_is_help=True)


def _regions() -> RegionDirectory:
    """The regions of the database; the regions shipped with the code when it has none.

    Read with the plain driver, not SQLAlchemy and the models: they would cost this command
    most of its start (docs/operations.md §11)."""
    try:
        directory = read_region_directory(get_settings().effective_database_url)
    except RegionReadError as error:
        typer.echo(f"（无法读取数据库的区划表：{error}）", err=True)
        directory = RegionDirectory(())
    if not directory:
        typer.echo("（数据库中没有区划，按随程序提供的区划核对）", err=True)
        directory = region_directory(shipped_regions())
    return directory


def render(explanation: CodeExplanation) -> list[str]:
    """The lines `zwbot code explain` prints."""
    lines = [f"输入：{explanation.text}", f"类型：{explanation.kind}"]
    if explanation.canonical:
        lines.append(f"规范写法：{explanation.canonical}")
    for part in explanation.segments:
        mark = ""
        if any(p.severity is Severity.ERROR for p in part.problems):
            mark = "  ✗"
        elif part.problems:
            mark = "  ⚠"
        segment = part.segment
        lines.append(
            f"  {segment.where:<8} {segment.name:<8} {part.chars:<10} {part.meaning}{mark}"
        )
    errors = [p for p in explanation.problems if p.severity is Severity.ERROR]
    warnings = [p for p in explanation.problems if p.severity is Severity.WARNING]
    for problem in errors:
        lines.append(f"错误：{problem.message}")
    for problem in warnings:
        lines.append(f"警告：{problem.message}")
    lines.append("结论：编码有效。" if explanation.ok else "结论：编码无效，请按上面的说明改正。")
    return lines


@code_app.command("explain")
def explain(
    code: str = typer.Argument(..., help="32位事项编码、10位基本编码或18位统一社会信用代码"),
) -> None:
    """逐段解释编码；编码无效时列出每一处错误并以状态码 1 退出。"""
    regions = _regions()
    explanation = explain_code(code, regions)
    for line in render(explanation):
        typer.echo(line)
    if not explanation.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add `zwbot code`."""
    app.add_typer(code_app, name="code")
