"""schemathesis against the public JSON API's OpenAPI schema: no 500, responses match the
schema, and nothing unpublished ever comes out, whatever the parameters (production mode:
PostgreSQL; bounded to a few seconds per operation)."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from handlers.app import create_app
from handlers.settings import Settings
from tests.kits import citizen as kit
from tests.kits import public_catalogue as seed

HIDDEN = (*seed.HIDDEN_NAMES, seed.HIDDEN_PROJECT, seed.HIDDEN_FUND)


PG_ADMIN_URL = os.environ.get("ZWBOT_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


async def _admin(sql: str) -> None:
    try:
        connection = await asyncpg.connect(PG_ADMIN_URL)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {error}")
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The production app on a seeded PostgreSQL catalogue (its own database), on loopback."""
    folder = tmp_path_factory.mktemp("api")
    name = f"zwbot_t_{secrets.token_hex(6)}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    url = f"{base}/{name}"

    async def prepare() -> None:
        await _admin(f'CREATE DATABASE "{name}"')
        await kit.seed_database(url)

    asyncio.run(prepare())
    try:
        yield from _serve(folder, url)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _serve(folder: Path, url: str) -> Iterator[str]:
    app = create_app(
        Settings(  # type: ignore[call-arg]
            ZWBOT_ENV="test",
            ZWBOT_DATA_DIR=str(folder),
            DATABASE_URL=url,
            REDIS_URL="",
            WECHAT_TOKEN="api-schema-token",
            ZWBOT_HASH_KEY="api-schema-hash-key-0123456789",
            ZWBOT_WEB_RATE_LIMIT_PER_MINUTE=0,  # the API's answers here, the limit elsewhere
        )
    )
    with kit.serving(app) as base:
        yield base


@pytest.fixture(scope="module")
def api_schema(served: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{served}/api/openapi.json")


@pytest.mark.postgres
def test_public_api(api_schema: schemathesis.BaseSchema) -> None:
    """Every operation of the schema, a bounded number of generated calls each."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert operations, "the public API publishes no operations"
    for operation in operations:
        label = operation.label

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
        def check(case: schemathesis.Case) -> None:
            # Undocumented 4xx statuses are the API owner's to document; what must hold here
            # is no 5xx, bodies as the schema says, and nothing unpublished.
            response = case.call_and_validate(
                checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
                timeout=10,
            )
            assert response.status_code < 500
            for name in HIDDEN:
                assert name not in response.text, f"{name} leaked by {label}"  # noqa: B023

        check()


@pytest.mark.postgres
def test_schemathesis_all_checks_are_clean(served: str, tmp_path: Path) -> None:
    """`schemathesis run --checks all`, as an outside auditor runs it: every phase (examples,
    coverage with undeclared methods, fuzzing, stateful), every check, no failure."""
    cli = Path(sys.executable).with_name("schemathesis")
    result = subprocess.run(
        [
            str(cli),
            "run",
            f"{served}/api/openapi.json",
            "--checks",
            "all",
            "--max-examples",
            "15",
            "--seed",
            "20261202",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=tmp_path,  # its cache folder stays out of the checkout
    )
    assert result.returncode == 0, result.stdout[-4000:]
