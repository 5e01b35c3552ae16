"""The staff web console through FastAPI's client: WeCom web authorisation against the fake
WeCom API, the TOTP step, CSRF, idle timeout and sign-out; records with completeness flags;
the request queue with diffs and previews; bulk decisions with one TOTP code, each through
the workflow operations and the audit chain the chat uses."""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pyotp
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from catalogue import ratings as rating_rules
from catalogue import staff as registry
from catalogue import tickets as ticket_rules
from catalogue.db import session_factory
from catalogue.lists.declarations import FUNDS
from catalogue.models import (
    AuditEntry,
    BudgetYear,
    ChangeRequest,
    ConsoleSession,
    Item,
    Rating,
    Ticket,
    utcnow,
)
from catalogue.workflow import fields, lists, proposals, runner
from handlers.app import create_app
from handlers.web.console import sessions as store
from tests.kits import citizen as kit
from tests.kits import staff_wecom as wk
from tests.kits import staff_world as W
from tools.fakes import FakeWeChatApi, FakeWeComApi

SECRET = "console-wecom-secret-0000"
WECHAT_SECRET = "console-wechat-secret-000"
BASE = "https://testserver"


@dataclass
class Console:
    app: FastAPI
    sessions: async_sessionmaker[AsyncSession]
    wecom: FakeWeComApi
    world: Any
    fake_base: str
    wechat: FakeWeChatApi
    offset: list[float] = field(default_factory=lambda: [0.0])

    def browser(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=BASE)

    def code(self, name: str) -> str:
        """A code of the next 30-second step (a code is accepted once)."""
        totp = pyotp.TOTP(self.world.secrets[name])
        self.offset[0] += totp.interval
        return totp.at(time.time() + self.offset[0])

    async def authorised(self, browser: httpx.AsyncClient, user: str) -> httpx.Response:
        """Through WeCom's authorisation as `user`: the answer of /console/oauth."""
        self.wecom.signed_in = user
        start = await browser.get("/console/oauth/start")
        assert start.status_code == 302
        async with httpx.AsyncClient() as outside:
            back = await outside.get(start.headers["location"].split("#")[0])
        assert back.status_code == 302
        target = urlsplit(back.headers["location"])
        assert f"{target.scheme}://{target.netloc}" == BASE
        return await browser.get(f"{target.path}?{target.query}")

    async def sign_in(self, browser: httpx.AsyncClient, user: str) -> None:
        page = await self.authorised(browser, user)
        assert page.status_code == 200 and "动态码" in page.text
        done = await browser.post(
            "/console/totp", data={"csrf": csrf_of(page.text), "code": self.code(user)}
        )
        assert done.status_code == 303 and done.headers["location"] == "/console"

    async def audit(self, action: str) -> list[AuditEntry]:
        async with self.sessions() as session:
            rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == action))
            return list(rows)

    async def request(self, request_id: int) -> ChangeRequest:
        async with self.sessions() as session:
            found = await session.get(ChangeRequest, request_id)
            assert found is not None
            return found


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def nonce_of(html: str) -> str:
    found = re.search(r'name="nonce" value="([^"]+)"', html)
    assert found
    return found.group(1)


BOTH_DATABASES = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture(params=["sqlite"])
def database_url(request: pytest.FixtureRequest) -> str:
    """SQLite for most tests here (the pages read what the chat's tested operations wrote);
    the sessions and the bulk decisions run on PostgreSQL too (`BOTH_DATABASES`)."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return str(request.getfixturevalue("sqlite_url"))


@pytest.fixture
async def console(
    engine: AsyncEngine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Console]:
    sessions = session_factory(engine)
    world = await W.build_world(sessions)
    wecom = FakeWeComApi(corp_id=wk.CORP_ID, secret=SECRET)
    wechat = FakeWeChatApi(app_id=kit.APP_ID, app_secret=WECHAT_SECRET)
    with wecom.serve() as fake_base, wechat.serve() as wechat_base:
        settings = kit.settings_for(
            database_url,
            WECHAT_APP_SECRET=WECHAT_SECRET,
            WECHAT_API_BASE=wechat_base,
            WECOM_CORP_ID=wk.CORP_ID,
            WECOM_TOKEN=wk.WECOM_TOKEN,
            WECOM_AES_KEY=wk.WECOM_AES_KEY,
            WECOM_AGENT_ID=wk.AGENT_ID,
            WECOM_SECRET=SECRET,
            WECOM_API_BASE=fake_base,
            WECOM_OAUTH_BASE=fake_base,
            PUBLIC_BASE_URL=BASE,
        )
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            side = Console(app, sessions, wecom, world, fake_base, wechat)
            monkeypatch.setattr(
                registry, "utcnow", lambda: datetime.now(UTC) + timedelta(seconds=side.offset[0])
            )
            yield side


async def _file(console: Console, user: str, operation: runner.Operation) -> int:
    staff = console.world.staff[user]
    outcome = await runner.run(console.sessions, runner.Actor.of(staff), "test", operation)
    assert not outcome.refused, outcome.message
    return int(outcome.result.request.id)


async def _change(console: Console, user: str, code: str, **values: Any) -> int:
    specs = [(fields.BY_ATTRIBUTE[name], value) for name, value in values.items()]

    async def op(session: AsyncSession, staff: Any) -> Any:
        return await proposals.propose_change(session, staff, code, specs)

    return await _file(console, user, op)


async def _submit(console: Console, user: str, code: str) -> int:
    async def op(session: AsyncSession, staff: Any) -> Any:
        return await proposals.submit(session, staff, code)

    return await _file(console, user, op)


async def test_sign_in_through_wecom_then_totp(console: Console) -> None:
    async with console.browser() as browser:
        assert (await browser.get("/console")).headers["location"] == "/console/login"
        login = await browser.get("/console/login")
        assert "用企业微信登录" in login.text

        start = await browser.get("/console/oauth/start")
        query = parse_qs(urlsplit(start.headers["location"]).query)
        assert start.headers["location"].startswith(f"{console.fake_base}/connect/oauth2/authorize")
        assert query["appid"] == [wk.CORP_ID] and query["agentid"] == [wk.AGENT_ID]
        assert query["redirect_uri"] == [f"{BASE}/console/oauth"]
        assert query["scope"] == ["snsapi_base"]

        page = await console.authorised(browser, "review")
        assert page.status_code == 200 and "请输入动态码" in page.text
        cookie = page.headers["set-cookie"]
        for flag in ("__Host-zwbot-console=", "Secure", "HttpOnly", "SameSite=strict", "Path=/"):
            assert flag in cookie
        # halfway signed in: no page yet
        assert (await browser.get("/console/queue")).headers["location"] == "/console/totp"

        wrong = await browser.post(
            "/console/totp", data={"csrf": csrf_of(page.text), "code": "000000"}
        )
        assert wrong.status_code == 400 and "动态码不正确" in wrong.text
        first_token = browser.cookies.get(store.COOKIE)
        right = await browser.post(
            "/console/totp", data={"csrf": csrf_of(page.text), "code": console.code("review")}
        )
        assert right.status_code == 303
        assert browser.cookies.get(store.COOKIE) != first_token  # a fresh session id
        home = await browser.get("/console")
        assert home.status_code == 200 and "件申请等您办理" in home.text
        assert home.headers["cache-control"] == "no-store"
    results = [e.result for e in await console.audit("console.signin")]
    assert results == ["identified by WeCom", "ok (TOTP)"]
    assert any(e.result.startswith("failed") for e in await console.audit("auth.totp"))


async def test_strangers_forged_states_and_reused_codes_are_refused(console: Console) -> None:
    async with console.browser() as browser:
        stranger = await console.authorised(browser, "nobody_here")
        assert stranger.status_code == 403 and "不是登记的工作人员" in stranger.text
        assert store.COOKIE not in browser.cookies

        console.wecom.members = {"review"}  # someone WeCom knows only by an openid
        outsider = await console.authorised(browser, "clerk")
        assert outsider.status_code == 403 and "未能确认您的身份" in outsider.text

        await browser.get("/console/oauth/start")
        forged = await browser.get("/console/oauth?code=CODE_x&state=forged")
        assert forged.status_code == 400 and "已失效" in forged.text
    denied = [e.result for e in await console.audit("auth.denied")]
    assert "console: not registered or disabled" in denied
    assert "refused: OAuth state mismatch" in denied


def login_csrf_of(html: str) -> str:
    found = re.search(r'name="login_csrf" value="([^"]+)"', html)
    assert found, "no login token in the page"
    return found.group(1)


async def test_a_desktop_signs_in_with_the_userid_and_a_code(console: Console) -> None:
    async with console.browser() as browser:
        form = await browser.get("/console/login")
        assert "在电脑上登录" in form.text
        token = login_csrf_of(form.text)
        code = console.code("review")
        done = await browser.post(
            "/console/login", data={"login_csrf": token, "user": "review", "code": code}
        )
        assert done.status_code == 303 and done.headers["location"] == "/console"
        assert (await browser.get("/console/queue")).status_code == 200
    async with console.browser() as other:
        # the same code again: a replay is refused, not a second session
        form = await other.get("/console/login")
        again = await other.post(
            "/console/login",
            data={"login_csrf": login_csrf_of(form.text), "user": "review", "code": code},
        )
        assert again.status_code == 403 and store.COOKIE not in other.cookies
        # a stranger (each answer is a fresh form with its own token), then a forged form
        stranger = await other.post(
            "/console/login",
            data={"login_csrf": login_csrf_of(again.text), "user": "nobody", "code": "123456"},
        )
        assert stranger.status_code == 403 and "账号或动态码不对" in stranger.text
        other.cookies.clear()
        forged = await other.post(
            "/console/login", data={"login_csrf": "guess", "user": "review", "code": "123456"}
        )
        assert forged.status_code == 400 and store.COOKIE not in other.cookies
        # the auditor has no authenticator: only WeCom can vouch for them
        form = await other.get("/console/login")
        auditor = await other.post(
            "/console/login",
            data={"login_csrf": login_csrf_of(form.text), "user": "auditor", "code": "123456"},
        )
        assert auditor.status_code == 403 and "企业微信" in auditor.text
    signins = [e.result for e in await console.audit("console.signin")]
    assert "ok (desktop, TOTP)" in signins
    denied = [e.result for e in await console.audit("auth.denied")]
    assert "console desktop: not registered" in denied
    assert "refused: desktop sign-in CSRF" in denied


async def test_the_auditor_signs_in_without_a_code_and_reads_only(console: Console) -> None:
    request_id = await _change(console, "clerk", W.LIVE, phone="0935-3129999")
    async with console.browser() as browser:
        page = await console.authorised(browser, "auditor")
        assert "只能查看" in page.text
        assert (await browser.get("/console/records")).status_code == 200
        queue = await browser.get("/console/queue")
        assert "目前没有等您办理的申请" in queue.text
        # forcing a decision is refused by the workflow's role rule, and audited
        refused = await browser.post(
            "/console/decide",
            data={"csrf": csrf_of(queue.text), "verb": "approve", "request": str(request_id)},
        )
        assert "审计员" in refused.text or "无权" in refused.text or "不能" in refused.text
    assert (await console.request(request_id)).state == "pending_review"


@BOTH_DATABASES
async def test_csrf_idle_timeout_and_sign_out(console: Console) -> None:
    request_id = await _change(console, "clerk", W.LIVE, phone="0935-3129999")
    async with console.browser() as browser:
        await console.sign_in(browser, "review")
        queue = await browser.get("/console/queue")
        data = {"verb": "approve", "request": str(request_id), "totp": console.code("review")}
        for token in ("", "x" * 32):
            refused = await browser.post("/console/decide", data={**data, "csrf": token})
            assert refused.status_code == 403 and "页面已过期" in refused.text
        assert (await console.request(request_id)).state == "pending_review"
        assert len(await console.audit("console.csrf")) == 2

        # idle past the limit: the session ends on the next request
        async with console.sessions() as session:
            await session.execute(
                update(ConsoleSession).values(last_seen=datetime.now(UTC) - timedelta(minutes=16))
            )
            await session.commit()
        idle = await browser.get("/console/queue")
        assert idle.headers["location"] == "/console/login?why=idle"
        assert "已自动退出" in (await browser.get(idle.headers["location"])).text

        await console.sign_in(browser, "review")
        token = browser.cookies.get(store.COOKIE) or ""
        out = await browser.post("/console/logout", data={"csrf": csrf_of(queue.text)})
        assert out.status_code == 403  # the old page's token belongs to the ended session
        home = await browser.get("/console")
        out = await browser.post("/console/logout", data={"csrf": csrf_of(home.text)})
        assert out.headers["location"] == "/console/login?why=signedout"
        browser.cookies.set(store.COOKIE, token, domain="testserver")
        assert (await browser.get("/console")).headers["location"] == "/console/login"
    async with console.sessions() as session:
        assert (await session.scalars(select(ConsoleSession))).all() == []
    ended = [e.result for e in await console.audit("console.signout")]
    assert ended == ["session ended: idle", "ok"]


async def test_records_show_completeness_flags_of_my_department(console: Console) -> None:
    async with console.sessions() as session:
        item = (await session.scalars(select(Item).where(Item.code == W.LIVE2))).one()
        item.supervision_way = ""
        item.phone = "12"  # malformed
        await session.commit()
    async with console.browser() as browser:
        await console.sign_in(browser, "clerk")
        page = (await browser.get("/console/records")).text
        assert "社会团体变更登记" in page and "慈善组织认定" in page
        assert "对擅自从事营业性演出的处罚" not in page  # another department's
        assert "监督方式" in page and "格式不对" in page
        short = (await browser.get("/console/records?incomplete=1")).text
        assert "社会团体变更登记" in short and "社会团体成立登记" not in short
        # a clerk cannot look at another department by its id
        other = await browser.get(f"/console/records?department={console.world.culture_id}")
        assert "对擅自从事营业性演出的处罚" not in other.text
        drafts = (await browser.get("/console/records?status=draft")).text
        assert "慈善组织认定" in drafts and "社会团体成立登记" not in drafts


@BOTH_DATABASES
async def test_queue_diff_preview_and_bulk_approval_with_one_code(console: Console) -> None:
    change = await _change(console, "clerk", W.LIVE, name="社会团体成立登记（新）")
    submission = await _submit(console, "clerk", W.DRAFT)
    async with console.browser() as browser:
        await console.sign_in(browser, "review")
        queue = await browser.get("/console/queue")
        assert f"#{change}" in queue.text and f"#{submission}" in queue.text
        assert "社会团体成立登记（新）" in queue.text and "发布（公开）" in queue.text

        preview = await browser.get(f"/console/requests/{change}/preview")
        assert "<h1>社会团体成立登记（新）</h1>" in preview.text and "尚未发布" in preview.text
        public = await browser.get(f"/items/{W.LIVE.replace('—', '')}")
        assert "社会团体成立登记（新）" not in public.text  # nothing was written

        base = {
            "csrf": csrf_of(queue.text),
            "nonce": nonce_of(queue.text),
            "verb": "approve",
            "request": [str(change), str(submission)],
        }
        wrong = await browser.post("/console/decide", data={**base, "totp": "000000"})
        assert wrong.status_code == 400 and "所选申请均未办理" in wrong.text
        assert (await console.request(change)).state == "pending_review"

        done = await browser.post("/console/decide", data={**base, "totp": console.code("review")})
        assert done.status_code == 200
        assert f"#{change}" in done.text and f"#{submission}" in done.text
    assert (await console.request(change)).state == "pending_decision"  # (一): decision follows
    assert (await console.request(submission)).state == "approved"
    commands = [e.command for e in await console.audit("request.review")]
    assert f"通过 #{change}（控制台）" in commands and f"通过 #{submission}（控制台）" in commands


async def test_each_request_of_a_batch_gets_its_own_result(console: Console) -> None:
    mine = await _change(console, "review", W.OTHER, phone="0935-3120000")
    theirs = await _change(console, "clerk", W.LIVE, phone="0935-3129999")
    async with console.browser() as browser:
        await console.sign_in(browser, "review")
        queue = await browser.get("/console/queue")
        assert f"#{mine} " not in queue.text  # one's own request never waits for one's review
        data = {
            "csrf": csrf_of(queue.text),
            "nonce": nonce_of(queue.text),
            "verb": "reject",
            "request": [str(mine), str(theirs)],
        }
        no_reason = await browser.post("/console/decide", data=data)
        assert "驳回须填写理由" in no_reason.text
        done = await browser.post(
            "/console/decide",
            data={**data, "totp": console.code("review"), "reason": "电话号码有误"},
        )
        page = done.text
        assert f'class="refused"><strong>#{mine}</strong>' in page
        assert f'class="ok"><strong>#{theirs}</strong>' in page
    assert (await console.request(mine)).state == "pending_review"
    assert (await console.request(theirs)).state == "rejected"


async def test_an_upload_is_read_within_the_configured_import_bounds(console: Console) -> None:
    """Staff imports run inside a server worker with the same bounds as
    `zwbot import` — a file over the size bound is refused while it is read, one over the
    row bound before any row is validated, each with its Chinese reason."""
    settings = console.app.state.settings
    console.app.state.settings = settings.model_copy(
        update={"import_max_mb": 1, "import_max_rows": 2}
    )
    header = "\ufeff事项编码,事项名称,事项类别,实施主体,咨询电话\n"
    row = ",养老机构备案{n},其他,天祝县民政局,0935-3121001\n"
    try:
        async with console.browser() as browser:
            await console.sign_in(browser, "clerk")
            csrf = csrf_of((await browser.get("/console/import")).text)
            rows = header + "".join(row.format(n=n) for n in range(3))
            refused = await browser.post(
                "/console/import",
                data={"csrf": csrf, "kind": "items"},
                files={"file": ("items.csv", rows.encode("utf-8"), "text/csv")},
            )
            assert refused.status_code == 400 and "超过 2 行数据" in refused.text
            big = header.encode("utf-8") + b"x" * (1 << 20)
            too_big = await browser.post(
                "/console/import",
                data={"csrf": csrf, "kind": "items"},
                files={"file": ("big.csv", big, "text/csv")},
            )
            assert too_big.status_code == 413 and "文件太大（最多 1 MB）" in too_big.text
    finally:
        console.app.state.settings = settings
    async with console.sessions() as session:
        assert not (
            await session.scalars(select(Item).where(Item.name.startswith("养老机构备案")))
        ).all()


async def test_upload_an_import_file_and_download_the_templates(console: Console) -> None:
    header = "事项编码,事项名称,事项类别,实施主体,咨询电话\n"
    new = "\ufeff" + header + ",养老机构备案,其他,天祝县民政局,0935-3121001\n"
    edit = "\ufeff" + header + f"{W.LIVE},社会团体成立登记,行政许可,天祝县民政局,0935-1\n"
    async with console.browser() as browser:
        await console.sign_in(browser, "clerk")
        form = await browser.get("/console/import")
        assert "事项清单" in form.text and "扶贫项目清单" in form.text  # templates of every list
        csrf = csrf_of(form.text)

        done = await browser.post(
            "/console/import",
            data={"csrf": csrf, "kind": "items"},
            files={"file": ("items.csv", new.encode("utf-8"), "text/csv")},
        )
        assert done.status_code == 200 and "新增 1 条" in done.text and "草稿" in done.text
        async with console.sessions() as session:
            item = (await session.scalars(select(Item).where(Item.name == "养老机构备案"))).one()
        assert item.status == "draft" and f"新建：{item.code}" in done.text

        refused = await browser.post(
            "/console/import",
            data={"csrf": csrf, "kind": "items"},
            files={"file": ("edit.csv", edit.encode("utf-8"), "text/csv")},
        )
        assert refused.status_code == 400 and "不能修改已发布" in refused.text
        wrong_kind = await browser.post(
            "/console/import",
            data={"csrf": csrf, "kind": "funds"},
            files={"file": ("f.csv", b"x", "text/csv")},
        )
        assert wrong_kind.status_code == 403
        no_csrf = await browser.post(
            "/console/import",
            data={"kind": "items"},
            files={"file": ("items.csv", new.encode("utf-8"), "text/csv")},
        )
        assert no_csrf.status_code == 403

        csv = await browser.get("/console/templates/items.csv")
        assert csv.headers["content-disposition"] == 'attachment; filename="template-items.csv"'
        assert "事项名称" in csv.text
        xlsx = await browser.get("/console/templates/poverty-projects.xlsx")
        assert xlsx.content[:2] == b"PK"
        assert (await browser.get("/console/templates/nothing.csv")).status_code == 404
    imports = [e.command for e in await console.audit("import.items")]
    assert imports == ["导入 事项清单 items.csv（控制台）"]


async def test_a_ticket_answered_and_a_bad_rating_followed_up_in_the_console(
    console: Console,
) -> None:
    citizen = "o_console_citizen_0000000000000"
    async with console.sessions() as session:
        ticket = await ticket_rules.open_ticket(
            session, openid=citizen, message="社团成立要多少注册资金？", item_code=W.LIVE
        )
        other = await ticket_rules.open_ticket(session, openid=citizen, message="重复的问题")
        bad = await rating_rules.record(
            session, openid_hash="h" * 64, answer_key="item:x", score=2, item_code=W.LIVE
        )
        await session.commit()
        ids = (ticket.id, other.id, bad.id)
    async with console.browser() as browser:
        await console.sign_in(browser, "clerk")
        page = await browser.get("/console/tickets")
        assert "社团成立要多少注册资金" in page.text and "前答复" in page.text
        form = {"csrf": csrf_of(page.text), "nonce": nonce_of(page.text)}
        too_long = await browser.post(
            f"/console/tickets/{ids[0]}/answer", data={**form, "answer": "长" * 601}
        )
        assert too_long.status_code == 400
        done = await browser.post(
            f"/console/tickets/{ids[0]}/answer", data={**form, "answer": "无需注册资金。"}
        )
        assert done.status_code == 200 and "已送达" in done.text, done.text
        closed = await browser.post(
            f"/console/tickets/{ids[1]}/close", data={**form, "reason": "重复提问"}
        )
        assert closed.status_code == 200 and "重复的问题" not in closed.text

        ledger = await browser.get("/console/ratings")
        assert f"#{ids[2]}" in ledger.text and "不满意" in ledger.text
        form = {"csrf": csrf_of(ledger.text), "nonce": nonce_of(ledger.text)}
        await browser.post(
            f"/console/ratings/{ids[2]}/followup", data={**form, "text": "已电话联系"}
        )
        done = await browser.post(
            f"/console/ratings/{ids[2]}/rectify", data={**form, "text": "已补充说明"}
        )
        assert "没有未办结的差评" in done.text
    assert any("无需注册资金" in text for text in console.wechat.texts_to(citizen))
    async with console.sessions() as session:
        assert (await session.get(Ticket, ids[0])).state == "delivered"  # type: ignore[union-attr]
        assert (await session.get(Ticket, ids[1])).state == "closed"  # type: ignore[union-attr]
        rating = await session.get(Rating, ids[2])
        assert rating is not None and rating.followup == "已电话联系"
    answered = [e.command for e in await console.audit("ticket.answer")]
    assert answered == [f"回复 #{ids[0]} 无需注册资金。（控制台）"]


async def test_reports_for_the_county_office_with_csv_downloads(console: Console) -> None:
    await _change(console, "clerk", W.LIVE, phone="0935-3129999")
    async with console.sessions() as session:
        session.add(BudgetYear(year=2026, approved_on=date(2026, 1, 10)))  # list never published
        await ticket_rules.open_ticket(session, openid="o_r", message="问题", item_code=W.LIVE)
        await rating_rules.record(
            session, openid_hash="r" * 64, answer_key="item:r", score=1, item_code=W.LIVE
        )
        await session.commit()
    async with console.browser() as browser:
        await console.sign_in(browser, "clerk")
        assert "通报" not in (await browser.get("/console")).text.split("<main>")[0]
        refused = await browser.get("/console/reports")
        assert refused.status_code == 403 and "县审改办" in refused.text
        assert (await browser.get("/console/reports/work.csv")).status_code == 403
    async with console.browser() as browser:
        await console.sign_in(browser, "admin")
        page = await browser.get("/console/reports")
        assert page.status_code == 200 and "天祝县民政局" in page.text and "<svg" in page.text
        work = await browser.get("/console/reports/work.csv")
        lines = work.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "部门,逾期,待办,逾期事项,待办事项"
        assert any(line.startswith("天祝县民政局,") for line in lines[1:])
        items = (await browser.get("/console/reports/items.csv")).content.decode("utf-8-sig")
        assert "天祝县民政局,1,0,2,0,0,3" in items  # 草稿 待审核 已发布 暂停 已作废 合计
        classes = (await browser.get("/console/reports/classes.csv")).content.decode("utf-8-sig")
        assert "行政许可,1,0,2,0,0,3" in classes and "行政处罚,0,0,1,0,0,1" in classes
        month = utcnow().astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m")
        ratings = await browser.get(f"/console/reports/ratings.csv?month={month}")
        assert "民政局,1,0,0,0,0,1,1,0,0.0%" in ratings.content.decode("utf-8-sig")
        tickets = (await browser.get("/console/reports/tickets.csv")).content.decode("utf-8-sig")
        assert "天祝县民政局,1,1,0" in tickets
        timely = await browser.get("/console/reports/timeliness.csv")
        assert "2026,资金清单随预算公开（资金办法第七条，20日）,0,0,1,0" in timely.content.decode(
            "utf-8-sig"
        )
        bad = await browser.get("/console/reports?month=2026-13")
        assert bad.status_code == 400 and "2026-11" in bad.text
    assert len(await console.audit("staff.report")) >= 5


async def test_the_start_page_lists_my_duties_overdue_first(console: Console) -> None:
    async with console.sessions() as session:
        session.add(BudgetYear(year=2026, approved_on=date(2026, 1, 10)))  # list due 20 days on
        await session.commit()
    async with console.browser() as browser:
        await console.sign_in(browser, "finance")
        home = (await browser.get("/console")).text
        assert "逾期 1 项" in home and "2026" in home and "专项资金" in home
    async with console.browser() as browser:
        await console.sign_in(browser, "clerk")
        assert "没有到期或逾期的职责" in (await browser.get("/console")).text


async def test_a_fund_change_is_reviewed_by_a_second_finance_reviewer(console: Console) -> None:
    async def op(session: AsyncSession, staff: Any) -> Any:
        return await lists.propose_fund_change(
            session,
            staff,
            console.world.fund_id,
            dict([lists.list_change(FUNDS, "金额", "130")]),
            "追加",
            date(2026, 11, 20),
        )

    staff = console.world.staff["finance"]
    outcome = await runner.run(console.sessions, runner.Actor.of(staff), "test", op)
    assert not outcome.refused, outcome.message
    async with console.sessions() as session:
        filed = (await session.scalars(select(ChangeRequest))).one()
    async with console.browser() as browser:
        await console.sign_in(browser, "finance2")
        queue = await browser.get("/console/queue")
        assert f"#{filed.id}" in queue.text and "预算数额" in queue.text
        assert "120.5" in queue.text and "130" in queue.text
        assert "预览公开页面" not in queue.text  # a fund row has no item page
        done = await browser.post(
            "/console/decide",
            data={
                "csrf": csrf_of(queue.text),
                "nonce": nonce_of(queue.text),
                "verb": "approve",
                "request": str(filed.id),
                "totp": console.code("finance2"),
            },
        )
        assert f'class="ok"><strong>#{filed.id}</strong>' in done.text, done.text
    assert (await console.request(filed.id)).state == "approved"


async def test_a_clerk_submits_many_drafts_at_once(console: Console) -> None:
    header = "事项编码,事项名称,事项类别,实施主体,咨询电话\n"
    rows = "".join(f",备案事项{n},其他,天祝县民政局,0935-312100{n}\n" for n in range(3))
    async with console.browser() as browser:
        await console.sign_in(browser, "clerk")
        form = await browser.get("/console/import")
        done = await browser.post(
            "/console/import",
            data={"csrf": csrf_of(form.text), "kind": "items"},
            files={"file": ("items.csv", ("\ufeff" + header + rows).encode(), "text/csv")},
        )
        assert "新增 3 条" in done.text
        drafts = await browser.get("/console/records?status=draft")
        assert 'data-select-all="item"' in drafts.text
        codes = re.findall(r'name="item" value="([^"]+)"', drafts.text)
        assert len(codes) == 4  # the three new ones and the seeded complete draft
        submitted = await browser.post(
            "/console/submit",
            data={"csrf": csrf_of(drafts.text), "nonce": nonce_of(drafts.text), "item": codes},
        )
        page = submitted.text
        assert page.count('class="ok"') == 1 and page.count('class="refused"') == 3
        assert "缺少" in page  # the imported rows lack 设定依据 and the rest: refused, each
    async with console.sessions() as session:
        draft = (await session.scalars(select(Item).where(Item.code == W.DRAFT))).one()
        assert draft.status == "pending_review"
    assert [e.command for e in await console.audit("item.publish.propose")] == [
        f"提交 {W.DRAFT}（控制台）"
    ]
