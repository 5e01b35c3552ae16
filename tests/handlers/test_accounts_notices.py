"""Follows of villages are per official account: a follow records the account it was made
through, 「我的关注」 and 「取消关注」 see only that account's, and the notices of a publication go
out through each follower's own account (its appid and token, its template id when the 48-hour
window is closed), never through another's. The default account's access token is shared by
the workers through Redis, like the stored accounts'."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from decimal import Decimal
from typing import Any

import httpx
import pytest
import redis.asyncio
from sqlalchemy import select

from catalogue import accounts as registry
from catalogue.db import create_engine, session_factory
from catalogue.models import OutboundJob, PlaceFollow, PovertyAllocation, utcnow
from handlers.app import create_app
from handlers.jobs.place_notices import SETTLE
from tests.kits import accounts as accounts_kit
from tests.kits import citizen as kit
from tools.fakes import FakeWeChatApi

seed = kit.seed
NEWS = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"
DEFAULT_SECRET = "default-secret"
# Two stored accounts of the same county (the demo's villages), each with its own appid.
ALPHA = accounts_kit.account("alpha", "620623")
BETA = accounts_kit.account("beta", "620623")
SECRETS = {ALPHA.app_id: "alphaAppSecret0123456789", BETA.app_id: "betaAppSecret0123456789"}
ALPHA_TEMPLATE = "TPL_ALPHA_NOTICE"


async def _store_accounts(url: str, key: str) -> None:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            box = registry.SecretBox(key)
            for account in (ALPHA, BETA):
                spec = registry.AccountSpec(
                    account.name,
                    account.app_id,
                    account.original_id,
                    account.region,
                    account.token,
                    account.aes_key,
                    SECRETS[account.app_id],
                    public_base_url=account.base_url,
                    template_ids={"notice": ALPHA_TEMPLATE} if account is ALPHA else {},
                )
                await registry.add_account(session, spec, box)
            await session.commit()
    finally:
        await engine.dispose()


@pytest.fixture
async def deployment(database_url: str) -> AsyncIterator[dict[str, Any]]:
    """On SQLite and on PostgreSQL (the queue claims differently on each)."""
    await kit.seed_database(database_url)
    key = registry.new_key()
    await _store_accounts(database_url, key)
    api = FakeWeChatApi(
        app_id=kit.APP_ID, app_secret=DEFAULT_SECRET, other_apps=dict(SECRETS), cs_quota=1000
    )
    with api.serve() as base:
        settings = kit.settings_for(
            database_url,
            WECHAT_APP_SECRET=DEFAULT_SECRET,
            WECHAT_API_BASE=base,
            ZWBOT_ACCOUNT_KEY=key,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield {"app": app, "http": http, "api": api}


async def _say(http: httpx.AsyncClient, account: Any, openid: str, text: str) -> str:
    status, reply = await accounts_kit.Follower(http, account, openid).post(text)
    assert status == 200, (account.name, text, reply)
    return reply


async def _wait_for(api: FakeWeChatApi, count: int) -> None:
    give_up = time.monotonic() + 20
    while len(api.sent) < count and time.monotonic() < give_up:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # nothing more arrives


async def test_follows_and_notices_stay_with_the_account_followed(
    deployment: dict[str, Any],
) -> None:
    app, http, api = deployment["app"], deployment["http"], deployment["api"]
    sessions = app.state.sessions
    # The same village followed through three accounts by three citizens.
    assert "已关注：华藏寺镇 红大村" in await _say(http, ALPHA, "oAlpha", "关注 红大村")
    assert "已关注：华藏寺镇 红大村" in await _say(http, BETA, "oBeta", "关注 红大村")
    assert "已关注" in await kit.WeChatUser(http, "oDefault").say("关注 红大村")
    # binding through Beta follows the village through Beta too
    assert "也会通知您" in await _say(http, BETA, "oBetaOfficial", "绑定 红大村")
    async with sessions() as session:
        rows = await session.execute(select(PlaceFollow.openid, PlaceFollow.account))
        recorded = {openid: account for openid, account in rows}
    assert recorded == {"oAlpha": "alpha", "oBeta": "beta", "oDefault": "", "oBetaOfficial": "beta"}
    # Each account sees only its own follows.
    assert "华藏寺镇 红大村" in await _say(http, ALPHA, "oAlpha", "我的关注")
    assert "您还没有关注村镇" in await _say(http, BETA, "oAlpha", "我的关注")
    assert "您没有关注" in await _say(http, BETA, "oAlpha", "取消关注")
    async with sessions() as session:
        assert await session.get(PlaceFollow, ("oAlpha", seed.HONGDA)) is not None

    # A publication in the village: one notice per follower, each through its account.
    scanner = app.state.place_notices
    await app.state.job_worker.stop()  # the jobs wait until they were looked at
    await scanner.scan()
    await asyncio.sleep(0.01)
    async with sessions() as session:
        session.add(
            PovertyAllocation(
                year=2018,
                region_code=seed.HONGDA,
                amount=Decimal("12.3400"),
                document_number="天扶贫发〔2018〕7号",
                purpose="产业扶持",
                status="published",
                published_at=utcnow(),
            )
        )
        await session.commit()
    assert await scanner.scan(utcnow() + SETTLE) == 4
    async with sessions() as session:
        jobs = list(await session.scalars(select(OutboundJob)))
    routed = {job.payload["openid"]: (job.account, job.payload["url"]) for job in jobs}
    link = f"/villages/{seed.HONGDA}?year=2018"
    assert routed == {
        "oAlpha": ("alpha", ALPHA.base_url + link),
        "oBeta": ("beta", BETA.base_url + link),
        "oBetaOfficial": ("beta", BETA.base_url + link),
        "oDefault": ("", kit.BASE_URL + link),
    }
    # Alpha's follower has not written for 48 hours: Alpha's own template is used.
    api.silent_users.add("oAlpha")
    app.state.job_worker.start()
    await _wait_for(api, 4)
    sent = {(m.touser, m.app_id, m.path) for m in api.sent}
    assert sent == {
        ("oAlpha", ALPHA.app_id, TEMPLATE),
        ("oBeta", BETA.app_id, NEWS),
        ("oBetaOfficial", BETA.app_id, NEWS),
        ("oDefault", kit.APP_ID, NEWS),
    }
    (template,) = [m for m in api.sent if m.path == TEMPLATE]
    assert template.body["template_id"] == ALPHA_TEMPLATE


async def test_a_follower_of_a_disabled_account_is_not_written_through_another(
    deployment: dict[str, Any],
) -> None:
    app, http, api = deployment["app"], deployment["http"], deployment["api"]
    sessions = app.state.sessions
    await _say(http, BETA, "oBeta", "关注 红大村")
    # Beta's follower is silent and Beta has no template: not reachable, and not sent
    # through the default account (which has a template) nor through Alpha.
    api.silent_users.add("oBeta")
    async with sessions() as session:
        await registry.set_active(session, "alpha", False)
        await session.commit()
    assert await app.state.accounts.sync() == 1
    await _say(http, BETA, "oBeta2", "关注 红大村")
    async with sessions() as session:  # a follower of Alpha, made before it was disabled
        session.add(PlaceFollow(openid="oAlphaOld", region_code=seed.HONGDA, account="alpha"))
        await session.commit()
    await app.state.job_worker.stop()
    scanner = app.state.place_notices
    await scanner.scan()
    await asyncio.sleep(0.01)
    async with sessions() as session:
        session.add(
            PovertyAllocation(
                year=2018,
                region_code=seed.HONGDA,
                amount=Decimal("1.0000"),
                document_number="天扶贫发〔2018〕8号",
                purpose="产业扶持",
                status="published",
                published_at=utcnow(),
            )
        )
        await session.commit()
    assert await scanner.scan(utcnow() + SETTLE) == 3
    app.state.job_worker.start()
    await _wait_for(api, 1)
    assert {(m.touser, m.app_id) for m in api.sent} == {("oBeta2", BETA.app_id)}
    async with sessions() as session:
        jobs = list(await session.scalars(select(OutboundJob)))
    states = {job.payload["openid"]: job.state for job in jobs}
    assert states == {"oBeta": "unreached", "oBeta2": "done", "oAlphaOld": "unreached"}


@pytest.mark.redis
async def test_the_default_accounts_token_is_shared_by_workers(
    sqlite_url: str, redis_url: str
) -> None:
    app_id = f"wx{secrets.token_hex(8)}"  # a key of its own in the shared Redis
    api = FakeWeChatApi(app_id=app_id, app_secret=DEFAULT_SECRET)
    with api.serve() as base:
        settings = kit.settings_for(
            sqlite_url,
            WECHAT_APP_ID=app_id,
            WECHAT_APP_SECRET=DEFAULT_SECRET,
            WECHAT_API_BASE=base,
            REDIS_URL=redis_url,
        )
        workers = [create_app(settings) for _ in range(2)]
        async with AsyncExitStack() as stack:
            for app in workers:
                await stack.enter_async_context(app.router.lifespan_context(app))
            for number, app in enumerate(workers):
                await app.state.wechat.send_text("oDefault", f"from worker {number}")
            # one stable_token call for both workers: the second found the first's token
            assert api.token_requests == 1
            assert api.texts_to("oDefault") == ["from worker 0", "from worker 1"]
            client = redis.asyncio.Redis.from_url(redis_url)
            try:
                assert await client.exists(f"zwbot:token:{app_id}")
                await client.delete(f"zwbot:token:{app_id}")
            finally:
                await client.aclose()
