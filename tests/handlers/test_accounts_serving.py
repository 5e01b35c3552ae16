"""Four official accounts on one deployment: Tianzhu's demo and the three real regions of
`service_items.csv`, each at its own callback URL with its own keys and home region. A query
on each is answered from its own region only; one account's keys on another's URL, or a
message addressed to another account, are refused; a disabled account stops being served."""

from __future__ import annotations

import asyncio
import csv
import re
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio
from sqlalchemy import select, update

from catalogue import accounts as registry
from catalogue import migrate
from catalogue.db import create_engine, session_factory
from catalogue.demo import load_demo
from catalogue.importing import import_file
from catalogue.importing.options import published_at_source
from catalogue.models import Department, FundItem, Item, OutboundJob, PlaceFollow, utcnow
from catalogue.scope import RegionScope
from handlers.jobs.place_notices import SETTLE, PlaceNotices
from handlers.staff.import_wording import report_lines
from tests.kits import citizen as kit
from tests.kits.accounts import Account, Follower
from tests.kits.accounts import account as new_account
from tools.fakes import FakeWeChatApi

KARAMAY_SECRET = "karamayAppSecret0123456789"  # only Karamay may send through the API
ACCOUNTS = [
    new_account("tianzhu", "620623"),
    new_account("guangan", "511602"),
    new_account("guangzhou", "440100"),
    new_account("karamay", "650200"),
]


SAMPLE_EVERY = 4  # every 4th row of the real file: all its regions, a quarter of the time


def _sample(real: Path, target: Path) -> Path:
    """A deterministic quarter of the real file (every region is in it)."""
    with real.open(encoding="utf-8", newline="") as source:
        rows = list(csv.reader(source))
    with target.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([rows[0], *rows[1::SAMPLE_EVERY]])
    return target


async def _build(url: str, real: Path, key: str) -> dict[str, set[str]]:
    """The demo, the sampled real file published, the four accounts; each department's
    regions (those of its items)."""
    engine = create_engine(url)
    await migrate.upgrade(engine)
    try:
        async with session_factory(engine)() as session:
            await load_demo(session)
            await session.commit()
            # The real file lacks fields the county requires, so a first load would keep it
            # as drafts; published as its sources published it (`--published-at-source`),
            # each region has a catalogue to serve.
            report = await import_file(
                session, "items", real, publish=True, missing_fields=published_at_source()
            )
            assert report.ok and report.published > 1000, report_lines(report, 10)
            box = registry.SecretBox(key)
            for account in ACCOUNTS:
                spec = registry.AccountSpec(
                    account.name,
                    account.app_id,
                    account.original_id,
                    account.region,
                    account.token,
                    account.aes_key,
                    KARAMAY_SECRET if account.name == "karamay" else "",
                    public_base_url=account.base_url,
                    welcome=f"欢迎关注{account.name}政务服务",
                )
                await registry.add_account(session, spec, box)
            await session.commit()
            departments: dict[str, set[str]] = {}
            rows = await session.execute(
                select(Department.name, Item.region_code).join(Item.department).distinct()
            )
            for name, region in rows:
                departments.setdefault(name, set()).add(region or "")
            return departments
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def template(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The database of the four accounts, built once for this module (tests get a copy)."""
    folder = tmp_path_factory.mktemp("accounts")
    real = _sample(shared_dir / "data" / "service_items.csv", folder / "items.csv")
    key = registry.new_key()
    path = folder / "template.sqlite3"
    departments = asyncio.run(_build(f"sqlite+aiosqlite:///{path.as_posix()}", real, key))
    return {"path": path, "key": key, "departments": departments}


@asynccontextmanager
async def _serving(
    template: dict[str, Any], folder: Path, **settings: Any
) -> AsyncIterator[dict[str, Any]]:
    path = folder / "zwbot.sqlite3"
    shutil.copyfile(template["path"], path)
    url = f"sqlite+aiosqlite:///{path.as_posix()}"
    app = kit.create_app(
        kit.settings_for(url, **{"ZWBOT_ACCOUNT_KEY": template["key"], **settings})
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield {"http": http, "app": app, "departments": template["departments"], "url": url}


@pytest.fixture
async def deployment(template: dict[str, Any], tmp_path: Path) -> AsyncIterator[dict[str, Any]]:
    async with _serving(template, tmp_path) as side:
        yield side


@pytest.fixture
async def on_redis(
    template: dict[str, Any], tmp_path: Path, redis_url: str
) -> AsyncIterator[dict[str, Any]]:
    """The deployment with its state in Redis, as several workers share it."""
    async with _serving(template, tmp_path, REDIS_URL=redis_url) as side:
        yield {**side, "redis_url": redis_url}


QUESTIONS = ["营业执照", "不动产登记", "医疗机构执业登记", "道路运输经营许可", "残疾人"]


ITEM_LINK = re.compile(r"/items/([0-9A-Z]{32})")


def _foreign(reply: str, account: Account, departments: dict[str, set[str]]) -> list[str]:
    """What in `reply` belongs to a region outside the account's: an item link of another
    region, a department only other regions have, or a link of another account."""
    scope = RegionScope(account.region)
    found = [code for code in ITEM_LINK.findall(reply) if not scope.covers(code[:6])]
    found += [
        name
        for name, regions in departments.items()
        if name in reply and not any(scope.covers(region) for region in regions)
    ]
    found += [
        other.base_url for other in ACCOUNTS if other is not account and other.base_url in reply
    ]
    return found


def _own(reply: str, account: Account, departments: dict[str, set[str]]) -> int:
    """How many marks of the account's own region `reply` shows (links, departments)."""
    scope = RegionScope(account.region)
    links = [code for code in ITEM_LINK.findall(reply) if scope.covers(code[:6])]
    named = [
        name
        for name, regions in departments.items()
        if name in reply and all(scope.covers(region) for region in regions)
    ]
    return len(links) + len(named)


async def test_each_account_answers_and_shows_pages_from_its_own_region(
    deployment: dict[str, Any],
) -> None:
    http, departments = deployment["http"], deployment["departments"]
    own = dict.fromkeys((a.name for a in ACCOUNTS), 0)
    for account in ACCOUNTS:
        follower = Follower(http, account, f"o_{account.name}_citizen")
        for question in QUESTIONS:
            status, reply = await follower.post(question)
            assert status == 200 and reply, (account.name, question)
            if "回复序号" in reply:  # a list: open its first item's card too
                status, card = await follower.post("1")
                assert status == 200, (account.name, question)
                reply += "\n" + card
            leaks = _foreign(reply, account, departments)
            assert not leaks, (account.name, question, leaks, reply[:400])
            own[account.name] += _own(reply, account, departments)
    # every account answered with items of its own region
    assert all(own.values()), own
    for account in ACCOUNTS:  # and greets with its own welcome
        status, welcome = await Follower(http, account, "o_new").post("", event="subscribe")
        assert status == 200 and welcome.startswith(f"欢迎关注{account.name}政务服务"), welcome
    # the default account keeps the standard welcome
    assert "欢迎关注" not in (await kit.WeChatUser(http, "o_new").subscribe())[:8]
    await _pages_on_own_hosts(deployment)


async def _pages_on_own_hosts(deployment: dict[str, Any]) -> None:
    """Each account's pages and API on its own host name, from its own region."""
    http = deployment["http"]
    for account in ACCOUNTS:
        host = {"host": account.base_url.removeprefix("https://")}
        listed = (await http.get("/api/items", params={"per_page": 100}, headers=host)).json()
        regions = {item["code"].replace("-", "")[:6] for item in listed["items"]}
        scope = RegionScope(account.region)
        assert regions and all(scope.covers(region) for region in regions), (account, regions)
        page = await http.get("/items", headers=host)
        assert page.status_code == 200
        assert not _foreign(page.text, account, deployment["departments"]), account.name
    # any other host: the default account's region (Tianzhu)
    listed = (await http.get("/api/items", params={"per_page": 100})).json()
    assert {item["code"].replace("-", "")[:6] for item in listed["items"]} == {"620623"}


@pytest.mark.redis
async def test_other_keys_or_addresses_are_refused_and_disabled_accounts_stop(
    on_redis: dict[str, Any],
) -> None:
    deployment = on_redis
    http = deployment["http"]
    _tianzhu, guangan, guangzhou, karamay = ACCOUNTS
    follower = Follower(http, guangan, "o_guangan_citizen")
    assert (await follower.post("营业执照"))[0] == 200
    # Karamay's keys on Guang'an's URL, and on the default URL: refused
    assert (await follower.post("营业执照", keys=karamay))[0] in (400, 403)
    assert (await follower.post("营业执照", keys=karamay, path="/wechat"))[0] in (400, 403)
    # Guang'an's own keys, but addressed to Guangzhou's account: refused
    status, _ = await follower.post("营业执照", to=guangzhou.original_id)
    assert status == 403
    # an account nobody added has no URL
    assert (await follower.post("营业执照", path="/wechat/nowhere"))[0] == 404
    # the default account of the WECHAT_* settings still answers at /wechat
    assert await kit.WeChatUser(http, "o_default_citizen").say("营业执照")

    # one openid's conversation on Guang'an is not its conversation on Karamay
    status, listed = await Follower(http, guangan, "o_same").post("道路运输经营许可")
    assert status == 200 and "回复序号" in listed
    status, other = await Follower(http, karamay, "o_same").post("1")
    assert status == 200 and guangan.base_url not in other and "广安" not in other
    status, card = await Follower(http, guangan, "o_same").post("1")
    assert status == 200 and guangan.base_url in card
    # in Redis, each account's nonces and rate-limit counts are under its own name
    client = redis.asyncio.Redis.from_url(deployment["redis_url"])
    try:
        for name in ("guangan", "karamay"):
            assert await client.keys(f"zwbot:nonce:wechat:{name}:*"), name
            assert await client.keys(f"zwbot:rl:{name}:*"), name
    finally:
        await client.aclose()

    # a disabled account is no longer served, within one sync of the host
    host = deployment["app"].state.accounts
    follower = Follower(http, karamay, "o_karamay_citizen")
    assert (await follower.post("营业执照"))[0] == 200
    engine = create_engine(deployment["url"])
    async with session_factory(engine)() as session:
        await registry.set_active(session, "karamay", False)
        await session.commit()
    await engine.dispose()
    assert await host.sync() == 3
    assert (await follower.post("营业执照"))[0] == 404
    host = {"host": karamay.base_url.removeprefix("https://")}
    listed = (await http.get("/api/items", params={"per_page": 100}, headers=host)).json()
    assert {item["code"][:6] for item in listed["items"]} == {"620623"}  # its host: the default
    assert (await Follower(http, ACCOUNTS[1], "o_guangan").post("营业执照"))[0] == 200


async def test_late_answers_go_out_through_the_accounts_own_appid(
    template: dict[str, Any], tmp_path: Path
) -> None:
    karamay = ACCOUNTS[3]
    api = FakeWeChatApi(cs_quota=1000, other_apps={karamay.app_id: KARAMAY_SECRET})
    with api.serve() as base:
        async with _serving(
            template, tmp_path, WECHAT_API_BASE=base, ZWBOT_REPLY_DEADLINE=0.001
        ) as side:
            follower = Follower(side["http"], karamay, "o_karamay_late")
            assert await follower.post("不动产登记") == (200, "success")  # too late: sent
            give_up = time.monotonic() + 20
            while not api.sent and time.monotonic() < give_up:
                await asyncio.sleep(0.1)
    assert api.sent, "the late answer was never sent"
    assert {(m.app_id, m.touser) for m in api.sent} == {(karamay.app_id, "o_karamay_late")}
    texts = api.texts_to("o_karamay_late")
    assert texts and not any(_foreign(t, karamay, template["departments"]) for t in texts)


async def test_stored_accounts_without_the_key_are_reported_not_served(
    template: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with _serving(template, tmp_path, ZWBOT_ACCOUNT_KEY="") as side:
        assert side["app"].state.accounts.served == {}
        assert (await Follower(side["http"], ACCOUNTS[3], "o_k").post("营业执照"))[0] == 404
    assert "stored accounts not served: ZWBOT_ACCOUNT_KEY is empty" in capsys.readouterr().out


async def test_fixed_sentences_name_the_accounts_own_place(deployment: dict[str, Any]) -> None:
    http = deployment["http"]
    expected = {  # the name fixed sentences give each account's place, and its province's site
        "tianzhu": ("天祝藏族自治县", "甘肃政务服务网或“甘快办”"),
        "guangan": ("广安区", "四川政务服务网或“天府通办”"),
        "guangzhou": ("广州市", "广东政务服务网或“粤省事”"),
        "karamay": ("克拉玛依市", "新疆政务服务网"),
    }
    for account in ACCOUNTS:
        place, online = expected[account.name]
        follower = Follower(http, account, f"o_{account.name}_wording")
        said = {}
        for question in ("你是机器人吗", "我的申请办到哪了", "怎么预约取号"):
            status, reply = await follower.post(question)
            assert status == 200, (account.name, question)
            said[question] = reply
        assert f"我是{place}政务服务公众号" in said["你是机器人吗"], said
        assert f"请登录{online}查看" in said["我的申请办到哪了"], said
        assert f"或在{online}预约" in said["怎么预约取号"], said
        if account.region != "620623":
            assert not re.search("甘肃|天祝|甘快办", "\n".join(said.values())), said
    # the default account keeps its own wording
    user = kit.WeChatUser(http, "o_default_wording")
    assert "天祝县政务服务公众号" in await user.say("你是机器人吗")


KARAMAY_PHONE = "0990-6231234"  # set on some of Karamay's items below (the file gives none)
KARAMAY_HOURS = "工作日 10:00—13:30，15:30—19:30"


async def _give_karamay_a_phone_and_hours(url: str) -> None:
    """Three of Karamay's public items give its supervision phone, one another, two the
    office hours; Tianzhu's (the demo's) keep theirs."""
    engine = create_engine(url)
    try:
        async with session_factory(engine, "650200")() as session:
            codes = list(
                await session.scalars(
                    select(Item.code)
                    .where(Item.region_code.like("6502%"), Item.status == "published")
                    .order_by(Item.code)
                    .limit(4)
                )
            )
            assert len(codes) == 4
            for code, phone, hours in zip(
                codes,
                [KARAMAY_PHONE, KARAMAY_PHONE, KARAMAY_PHONE, "0990-6000000"],
                [KARAMAY_HOURS, KARAMAY_HOURS, "", ""],
                strict=True,
            ):
                await session.execute(
                    update(Item)
                    .where(Item.code == code)
                    .values(supervision_phone=phone, hours=hours)
                )
            await session.commit()
    finally:
        await engine.dispose()


async def test_hours_life_events_and_complaints_speak_of_the_accounts_own_region(
    deployment: dict[str, Any],
) -> None:
    http = deployment["http"]
    await _give_karamay_a_phone_and_hours(deployment["url"])
    tianzhu_phone = "0935-3126800"  # the supervision phone most of the demo's items give
    said: dict[str, dict[str, str]] = {}
    for account in ACCOUNTS:
        follower = Follower(http, account, f"o_{account.name}_local")
        said[account.name] = {}
        for question in ("你们几点下班", "我要投诉", "孩子出生了要办什么手续", "家里老人去世了"):
            status, reply = await follower.post(question)
            assert status == 200, (account.name, question)
            said[account.name][question] = reply
    karamay, guangzhou, guangan = said["karamay"], said["guangzhou"], said["guangan"]
    # Karamay: its own centre's hours and its own phone (the one most of its items give)
    assert f"的办公时间：{KARAMAY_HOURS}" in karamay["你们几点下班"], karamay
    assert f"监督投诉电话：{KARAMAY_PHONE}" in karamay["我要投诉"]
    assert "12345" in karamay["我要投诉"]
    # none given by the region's items: no hours invented, 12345 only
    for replies in (guangzhou, guangan):
        assert "办公时间" not in replies["你们几点下班"], replies
        assert "监督投诉电话" not in replies["我要投诉"] and "12345" in replies["我要投诉"]
    # life events: a step its catalogue lacks is 「本区/本市目录暂无」, with its own department
    assert (
        "城乡居民医疗保险参保：本区目录暂无此事项，请咨询广安区"
        in guangan["孩子出生了要办什么手续"]
    )
    assert "注销户口：本市目录暂无此事项，请咨询广州市公安局" in guangzhou["家里老人去世了"]
    assert "本市目录暂无此事项，请咨询市人力资源和社会保障局" in karamay["家里老人去世了"]
    for name in ("guangan", "guangzhou", "karamay"):
        everything = "\n".join(said[name].values())
        assert not re.search("本县|县政务服务中心|天祝|0935-", everything), (name, everything)
    # the stored account of Tianzhu's region and the default account keep Tianzhu's
    assert deployment["app"].state.citizen_post.signature == "天祝县政务服务"
    user = kit.WeChatUser(http, "o_default_local")
    default = {q: await user.say(q) for q in ("你们几点下班", "我要投诉", "家里老人去世了")}
    for replies in (said["tianzhu"], default):
        assert replies["你们几点下班"].startswith(
            "天祝藏族自治县政务服务中心（华藏寺镇）的办公时间：法定工作日"
        ), replies
        assert f"监督投诉电话：{tianzhu_phone}" in replies["我要投诉"]
        assert (
            "注销户口：本县目录暂无此事项，请咨询县公安局（0935-3121410）"
            in replies["家里老人去世了"]
        )


async def test_the_fund_list_notice_is_titled_with_the_home_regions_name(
    template: dict[str, Any], tmp_path: Path
) -> None:
    """A deployment whose home region is Karamay names Karamay in the fund-list notice (the
    scanner alone, on a copy of the four accounts' database: no app scanning beside it)."""
    path = tmp_path / "notices.sqlite3"
    shutil.copyfile(template["path"], path)
    engine = create_engine(f"sqlite+aiosqlite:///{path.as_posix()}")
    sessions = session_factory(engine, "650200")
    try:
        async with sessions() as session:
            session.add(
                PlaceFollow(openid="o_karamay_fund", region_code="650200", account="karamay")
            )
            await session.commit()
        scanner = PlaceNotices(sessions, "https://default.example.cn", home_region="650200")
        assert await scanner.scan() == 0  # the first scan sets its mark
        await asyncio.sleep(0.01)
        async with sessions() as session:
            item = await session.scalar(
                select(FundItem).where(FundItem.status == "published").order_by(FundItem.id)
            )
            assert item is not None
            item.change_note = "调整预算金额说明"
            year = item.budget_year
            await session.commit()
        assert await scanner.scan(utcnow() + SETTLE) == 1
        async with sessions() as session:
            (job,) = await session.scalars(select(OutboundJob))
        assert job.payload["title"] == f"克拉玛依市 {year}年财政专项资金清单有更新"
        assert job.payload["place"] == "克拉玛依市" and job.account == "karamay"
    finally:
        await engine.dispose()
