"""What an import did or would do: counts per outcome, and every problem with row and column."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

MAX_CODES_SHOWN = 50


@dataclass(frozen=True)
class RowProblem:
    """A problem of one cell (or row, when `column` is empty) of a spreadsheet row."""

    row: int  # spreadsheet row number; the header is row 1, 0 = the whole file
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        if self.column:
            where += f"「{self.column}」列"
        return f"{where}：{self.reason}"


@dataclass
class ImportReport:
    """Counts and problems of one import; `ok` only when there is no error."""

    kind: str
    source: str = ""
    title: str = ""  # the list's Chinese name
    encoding: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    drafts: int = 0  # new records loaded as drafts
    dry_run: bool = False
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    rejected: list[RowProblem] = field(default_factory=list)  # rows left out, with the reason
    notes: list[str] = field(default_factory=list)
    # field (Chinese name) → records loaded as drafts for lacking it (a first load)
    short_of: Counter[str] = field(default_factory=Counter)
    short_records: int = 0  # draft records lacking a field (kept drafts by a first load)
    first_load: bool = False  # imported with `publish`: complete records went live
    created_codes: list[str] = field(default_factory=list)  # the codes of new records

    @property
    def ok(self) -> bool:
        """Whether the import had no error (and therefore changed, or would change, the data)."""
        return not self.errors

    def error(self, row: int, column: str, reason: str) -> None:
        """Record an error; the import will change nothing."""
        self.errors.append(RowProblem(row, column, reason))

    def warn(self, row: int, column: str, reason: str) -> None:
        """Record a warning; the row is imported."""
        self.warnings.append(RowProblem(row, column, reason))

    def reject(self, row: int, column: str, reason: str) -> None:
        """Leave a row out (it is not a record of this list); the others are imported."""
        self.rejected.append(RowProblem(row, column, reason))

    def lacking(self, fields: list[str]) -> None:
        """Count a record kept as a draft because it lacks `fields` (Chinese names)."""
        self.short_of.update(fields)
        self.short_records += 1

    def lines(self, max_problems: int = 200, *, codes: bool = True) -> list[str]:
        """The report in Chinese, as `zwbot import` prints it (`codes`: with the codes of the
        new records; a channel that lists them its own way leaves them out)."""
        head = f"导入「{self.title or self.kind}」"
        if self.source:
            head += f"：{self.source}"
        if self.encoding:
            head += f"（编码 {self.encoding}）"
        lines = [head, f"读取数据行：{self.rows}"]
        if self.errors:
            lines.append(f"发现 {len(self.errors)} 处错误，未导入任何数据：")
            lines += [f"  {problem}" for problem in self.errors[:max_problems]]
            if len(self.errors) > max_problems:
                lines.append(f"  ……另有 {len(self.errors) - max_problems} 处错误未列出")
        else:
            verb = "将" if self.dry_run else "已"
            lines.append(
                f"{verb}新增 {self.created} 条，{verb}更新 {self.updated} 条，"
                f"未变化 {self.unchanged} 条"
                + (f"，{verb}发布 {self.published} 条" if self.published else "")
            )
            if self.dry_run:
                lines.append("试运行（--dry-run）：没有写入数据库。")
            lines += self._created_lines() if codes else []
            lines += self._short_lines()
        if self.rejected:
            lines.append(f"未导入 {len(self.rejected)} 行（不是本清单的记录）：")
            lines += [f"  {problem}" for problem in self.rejected[:max_problems]]
            if len(self.rejected) > max_problems:
                lines.append(f"  ……另有 {len(self.rejected) - max_problems} 行未列出")
        if self.warnings:
            lines.append(f"提示 {len(self.warnings)} 条：")
            lines += [f"  {problem}" for problem in self.warnings[:max_problems]]
            if len(self.warnings) > max_problems:
                lines.append(f"  ……另有 {len(self.warnings) - max_problems} 条提示未列出")
        lines += self.notes
        return lines

    def _created_lines(self) -> list[str]:
        if not self.created_codes:
            return []
        verb = "将新增" if self.dry_run else "新增"
        shown = self.created_codes[:MAX_CODES_SHOWN]
        lines = [f"{verb}记录的编码：", *(f"  {code}" for code in shown)]
        if len(self.created_codes) > len(shown):
            lines.append(f"  ……另有 {len(self.created_codes) - len(shown)} 个")
        return lines

    def _short_lines(self) -> list[str]:
        if not self.short_of:
            return []
        verb = "将" if self.dry_run else "已"
        head = (
            f"{verb}作为草稿载入（记录不完整，未发布）{self.short_records} 条"
            if self.first_load
            else f"草稿中不完整的 {self.short_records} 条（补全前不能提交或发布）"
        )
        lines = [
            f"{head}；按字段统计缺少的记录数：",
            *(f"  {label}：{n} 条" for label, n in self.short_of.most_common()),
        ]
        if "责任事项" in self.short_of and self.first_load:
            lines.append(
                "  责任事项随部门责任清单导入（zwbot import responsibilities）：首次载入可先不带"
                " --publish 导入事项和责任清单，再带 --publish 导入同一事项文件，完整的即发布。"
            )
        lines.append("补全后经“提交”“审核”发布。")
        return lines
