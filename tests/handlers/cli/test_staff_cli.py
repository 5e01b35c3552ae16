"""`zwbot staff …` and `zwbot audit …` on the configured database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalogue.db import create_engine
from handlers.cli import app
from handlers.settings import get_settings

runner = CliRunner()


@pytest.fixture
def configured(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ZWBOT_AUDIT_CHECKPOINT_FILE", str(tmp_path / "checkpoints.log"))
    monkeypatch.setenv("ZWBOT_HASH_KEY", "cli-tests-hash-key")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def _sql(url: str, statement: str) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                await connection.execute(sa.text(statement))
        finally:
            await engine.dispose()

    asyncio.run(run())


def zwbot(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_staff_registry_and_audit_chain(configured: str) -> None:
    code, out = zwbot("staff", "add", "chen", "--name", "陈审核", "--role", "县审改办")
    assert code == 0 and "otpauth://totp/" in out
    code, out = zwbot("staff", "add", "li", "--name", "李", "--role", "clerk")
    assert code == 1 and "department" in out
    assert zwbot("staff", "add", "wang", "--name", "王", "--role", "auditor")[0] == 0
    assert zwbot("staff", "bind", "wang", "o_wang_openid")[0] == 0
    assert zwbot("staff", "disable", "wang")[0] == 0
    code, out = zwbot("staff", "list")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split("\t")[:5] == ["wang", "王", "auditor", "-", "disabled"]
    assert "bound" in lines[0] and lines[1].startswith("chen\t")

    code, out = zwbot("audit", "verify")
    assert code == 0 and "intact: 4 entries" in out
    code, out = zwbot("audit", "export", "--since", "2000-01-01")
    rows = [json.loads(line) for line in out.strip().splitlines()]
    assert [row["action"] for row in rows] == [
        "staff.add",
        "staff.add",
        "staff.bind",
        "staff.disable",
    ]
    code, out = zwbot("audit", "purge", "--before", "2999-01-01", "--yes")
    assert code == 1 and "180 days" in out

    _sql(configured, "UPDATE audit_entries SET target = 'someone' WHERE seq = 3")
    code, out = zwbot("audit", "verify")
    assert code == 1 and "rewritten: entry 3" in out


def test_verify_names_what_a_database_administrator_did(configured: str, tmp_path: Path) -> None:
    for user in ("a1", "a2", "a3", "a4"):
        assert zwbot("staff", "add", user, "--name", user, "--role", "auditor")[0] == 0
    code, out = zwbot("audit", "verify")
    assert code == 0 and "no checkpoint yet" in out
    code, out = zwbot("audit", "checkpoint")
    assert code == 0, out
    line = (tmp_path / "checkpoints.log").read_text(encoding="utf-8").strip()
    assert json.loads(line)["seq"] == 4 and line in out
    code, out = zwbot("audit", "verify")
    assert code == 0 and "intact: 4 entries" in out and "checkpoint of" in out

    _sql(configured, "DELETE FROM audit_entries WHERE seq > 2")
    _sql(
        configured,
        "UPDATE audit_heads SET seq = 2, last_hash = "
        "(SELECT entry_hash FROM audit_entries WHERE seq = 2)",
    )
    code, out = zwbot("audit", "verify")
    assert code == 1 and "tail-deleted" in out and "from 4" in out
    code, out = zwbot("audit", "checkpoint")  # a broken chain is never blessed by a checkpoint
    assert code == 1 and len((tmp_path / "checkpoints.log").read_text().splitlines()) == 1

    _sql(configured, "DELETE FROM audit_entries")
    _sql(configured, "DELETE FROM audit_heads")
    code, out = zwbot("audit", "verify")
    assert code == 1 and "truncated" in out


def test_enrol_and_unlock(configured: str) -> None:
    assert zwbot("staff", "add", "fin", "--name", "财", "--role", "finance")[0] == 0
    _sql(configured, "UPDATE staff_members SET totp_secret = NULL, locked_until = '2999-01-01'")
    code, out = zwbot("staff", "list")
    assert "locked" in out
    code, out = zwbot("staff", "enrol", "fin")
    assert code == 0 and "otpauth://totp/" in out
    _sql(configured, "UPDATE staff_members SET locked_until = '2999-01-01'")
    assert zwbot("staff", "unlock", "fin")[0] == 0
    code, out = zwbot("staff", "list")
    assert "locked" not in out
    code, out = zwbot("audit", "export", "--since", "2000-01-01")
    assert [json.loads(line)["action"] for line in out.strip().splitlines()][-2:] == [
        "staff.enrol",
        "staff.unlock",
    ]


def test_holidays_cases_and_the_report(configured: str, tmp_path: Path) -> None:
    schedule = tmp_path / "2027.csv"
    schedule.write_text("日期,类型,名称\n2027-01-01,放假,元旦\n2027-02-20,上班,春节调休\n")
    code, out = zwbot("holidays", "list", "2027")
    assert code == 0 and "周一至周五估算" in out
    code, out = zwbot("holidays", "import", str(schedule))
    assert code == 0 and "放假 1 天，调休上班 1 天" in out, out
    code, out = zwbot("holidays", "list", "2027")
    assert "2027-01-01\t放假\t元旦" in out and "2027-02-20\t上班" in out
    schedule.write_text("日期,类型\n2027-02-22,上班\n")
    code, out = zwbot("holidays", "import", str(schedule))
    assert code == 1 and "第2行" in out
    code, out = zwbot("audit", "export", "--since", "2000-01-01")
    [row] = [json.loads(line) for line in out.strip().splitlines()]
    assert row["action"] == "holidays.import" and len(row["after"]["sha256"]) == 64

    template = tmp_path / "cases.csv"
    code, out = zwbot("template", "cases", "--format", "csv", "-o", str(template))
    assert code == 0 and template.read_text(encoding="utf-8-sig").startswith(
        "事项编码*,事项名称,年度*"
    )
    with template.open("a", encoding="utf-8") as stream:
        stream.write("6206230000000087786930—XK09999000,,2024,0\n")
    code, out = zwbot("staff", "add", "cases-admin", "--name", "管理员", "--role", "admin")
    assert code == 0, out
    code, out = zwbot("import", "cases", str(template), "--as", "cases-admin")
    assert code != 0 and "没有编码为" in out  # no such item: nothing imported
    code, out = zwbot("duties", "report", "--date", "2026-12-02")
    assert code == 0 and "各部门没有逾期或待办的工作" in out
