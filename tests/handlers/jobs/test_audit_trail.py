"""The audit trail outside the database: a checkpoint goes to the file and to every active
administrator's WeCom (a local fake of the WeCom API), a broken chain raises the alarm instead
of a checkpoint, and in production a database role that may rewrite audit rows is refused
(checked against a real PostgreSQL role granted as docs/operations.md says)."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue import audit, migrate
from catalogue.db import create_engine, session_factory
from handlers.jobs import audit_trail
from handlers.settings import Settings
from tests.kits import staff_world as W
from tests.kits.staff_chat import client_for, fake_wecom

DOCUMENTED_GRANTS = (
    "GRANT CONNECT ON DATABASE {database} TO {role}",
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    "REVOKE UPDATE, DELETE, TRUNCATE ON audit_entries, audit_heads FROM {role}",
    "GRANT UPDATE (seq, last_hash) ON audit_heads TO {role}",
)


def _settings(tmp_path: Path, **extra: object) -> Settings:
    return Settings(  # type: ignore[call-arg]
        ZWBOT_ENV="test",
        ZWBOT_AUDIT_KEY="audit-trail-tests-key-0123456789abcdef",
        ZWBOT_AUDIT_CHECKPOINT_FILE=str(tmp_path / "checkpoints.log"),
        **extra,
    )


async def test_checkpoint_reaches_the_file_and_the_administrators(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await W.build_world(sessions)
    async with sessions() as session:
        for number in range(3):
            await audit.append(session, audit.Record(actor=f"u{number}", action="item.publish"))
        await session.commit()
    settings = _settings(tmp_path)
    fake = fake_wecom()
    client = client_for(fake)
    try:
        result = await audit_trail.take_checkpoint(sessions, settings, client.send_text)
        assert result.line is not None and result.unreached == []
        assert (
            json.loads(result.line)["seq"]
            == json.loads(settings.checkpoint_path.read_text(encoding="utf-8"))["seq"]
        )
        assert [m["touser"] for m in fake.sent] == ["admin"]
        assert result.line in fake.sent[0]["text"]["content"]

        async with sessions() as session:
            await session.execute(text("DELETE FROM audit_entries"))
            await session.execute(text("DELETE FROM audit_heads"))
            await session.commit()
        alarm = await audit_trail.take_checkpoint(sessions, settings, client.send_text)
        assert alarm.line is None and alarm.check.result.finding is not None
        assert alarm.check.result.finding.kind == "truncated"
        assert "告警" in fake.sent[-1]["text"]["content"]
        assert "truncated" in fake.sent[-1]["text"]["content"]
        assert len(settings.checkpoint_path.read_text().splitlines()) == 1
    finally:
        await client.aclose()


async def test_the_server_checkpoints_when_the_last_one_is_old(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await W.build_world(sessions)
    settings = _settings(tmp_path, ZWBOT_AUDIT_CHECKPOINT_HOURS=24)
    sent: list[tuple[str, str]] = []

    async def send(user: str, message: str) -> None:
        sent.append((user, message))

    loop = audit_trail.AuditCheckpointer(sessions, settings, send)
    await loop.tick()
    await loop.tick()  # the checkpoint just taken is young: nothing more
    assert len(settings.checkpoint_path.read_text().splitlines()) == 1 and len(sent) == 1


@pytest.mark.postgres
async def test_production_refuses_a_role_that_may_rewrite_the_audit_log(
    postgres_url: str, tmp_path: Path
) -> None:
    """Database roles and grants are PostgreSQL's (production); SQLite has none."""
    url = make_url(postgres_url)
    engine = create_engine(postgres_url)
    await migrate.upgrade(engine)
    settings = _settings(tmp_path).model_copy(update={"environment": "production"})
    # The test database belongs to the superuser: everything is allowed, so start is refused.
    problems = await audit_trail.audit_grant_problems(engine)
    assert any("owns the audit tables" in p for p in problems)
    assert any("DELETE on audit_entries" in p for p in problems)
    with pytest.raises(audit_trail.AuditGrantsError):
        await audit_trail.enforce_audit_grants(engine, settings)
    warned = settings.model_copy(update={"audit_grants": "warn"})
    assert await audit_trail.enforce_audit_grants(engine, warned) == problems
    await engine.dispose()

    # The application role granted as documented: no problem.
    role = f"zwbot_app_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, database=url.database
    )
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN")
        for grant in DOCUMENTED_GRANTS:  # as docs/operations.md §2 has them
            await admin.execute(grant.format(role=role, database=url.database))
        app_engine = create_engine(str(url.set(username=role)))
        try:
            assert await audit_trail.audit_grant_problems(app_engine) == []
            assert await audit_trail.enforce_audit_grants(app_engine, settings) == []
            # The application role can append but not rewrite (what the grants are for).
            sessions = session_factory(app_engine)
            async with sessions() as session:
                await audit.append(session, audit.Record(actor="app", action="item.publish"))
                await session.commit()
            async with sessions() as session:
                with pytest.raises(DBAPIError, match="permission denied"):
                    await session.execute(text("DELETE FROM audit_entries"))
            await admin.execute(f"GRANT DELETE ON audit_entries TO {role}")
            with pytest.raises(audit_trail.AuditGrantsError, match="DELETE on audit_entries"):
                await audit_trail.enforce_audit_grants(app_engine, settings)
        finally:
            await app_engine.dispose()
    finally:
        await admin.execute(f"REASSIGN OWNED BY {role} TO CURRENT_USER")
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()
