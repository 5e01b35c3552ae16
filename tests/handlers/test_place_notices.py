"""Following villages and towns in chat, scanning a place's QR code, and being told when its
allocations or projects are published or change — through the durable queue and the fake
WeChat API, with a worker killed on the way."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import httpx
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from catalogue.models import FundItem, OutboundJob, PlaceFollow, PovertyAllocation, utcnow
from handlers.app import create_app
from handlers.citizen.amounts import wan
from handlers.citizen.place_codes import scene_of
from handlers.delivery.notices import NoticeSender
from handlers.delivery.queue import JobQueue
from handlers.delivery.queue_worker import QueueWorker
from handlers.jobs.place_notices import NOTICE, SETTLE, PlaceNotices
from tests.kits import citizen as kit
from tools.fakes import FakeWeChatApi

seed = kit.seed
NEWS = "/cgi-bin/message/custom/send"
TEMPLATE = "/cgi-bin/message/template/send"


async def _follows(sessions: async_sessionmaker[AsyncSession], openid: str) -> list[str]:
    async with sessions() as session:
        rows = await session.scalars(
            select(PlaceFollow.region_code).where(PlaceFollow.openid == openid)
        )
        return sorted(rows)


async def test_follow_list_and_unfollow_in_chat(citizen_side: kit.CitizenSide) -> None:
    side = citizen_side
    user = side.user()
    assert "已关注：华藏寺镇 红大村" in await user.say("关注 红大村")
    assert "您已经关注了华藏寺镇 红大村" in await user.say("关注红大村")
    assert "请在“关注”后面写上村名" in await user.say("关注")
    question = await user.say("关注 大湾村")
    assert "1. 打柴沟镇 大湾村" in question and "2. 天堂镇 大湾村" in question
    assert "已关注：天堂镇 大湾村" in await user.say("2")
    mine = await user.say("我的关注")
    assert "华藏寺镇 红大村" in mine and "天堂镇 大湾村" in mine
    assert await _follows(side.sessions, user.openid) == sorted([seed.HONGDA, seed.DAWAN_TIANTANG])
    assert "已取消关注：华藏寺镇 红大村" in await user.say("取消关注 红大村")
    assert "已取消关注：天堂镇 大湾村" in await user.say("取消关注")
    assert "您没有关注村镇" in await user.say("取消关注")
    assert await _follows(side.sessions, user.openid) == []
    # 「关注公众号」 is no place: it goes on to the other handlers.
    assert "已关注" not in await user.say("关注公众号")


async def test_binding_follows_the_village_and_unsubscribing_forgets(
    citizen_side: kit.CitizenSide,
) -> None:
    side = citizen_side
    user = side.user()
    assert "也会通知您" in await user.say("绑定 红大村")
    assert await _follows(side.sessions, user.openid) == [seed.HONGDA]
    await user.say("绑定 华藏寺村")  # rebinding moves the follow
    assert await _follows(side.sessions, user.openid) == ["620623100205"]
    await user.say("关注 红大村")
    await user.unsubscribe()
    assert await _follows(side.sessions, user.openid) == []


async def test_scanning_a_place_qr_code_answers_that_place(citizen_side: kit.CitizenSide) -> None:
    user = citizen_side.user()
    scene = scene_of(seed.DAWAN_TIANTANG)  # what `zwbot qr make` gives the code
    scan = user.xml("event", Event="SCAN", EventKey=scene, Ticket="t")
    answer = (await user.post(scan)).text
    assert "【天堂镇 大湾村 扶贫资金和项目】" in answer and "合计80.00万元" in answer
    assert "回复“关注 大湾村”" in answer
    # Following the account by scanning: the place, then the privacy notice.
    newcomer = citizen_side.user()
    event = newcomer.xml(
        "event", Event="subscribe", EventKey=f"qrscene_place:{seed.HONGDA}", Ticket="t"
    )
    answer = (await newcomer.post(event)).text
    assert "华藏寺镇 红大村" in answer and "2017年" in answer and "回复“关注 红大村”" in answer
    assert "2016年 分配" not in answer  # the latest year only
    unknown = user.xml("event", Event="SCAN", EventKey="place:620623999999", Ticket="t")
    assert "没有找到" in (await user.post(unknown)).text


async def _publish(
    sessions: async_sessionmaker[AsyncSession], *allocations: PovertyAllocation
) -> None:
    async with sessions() as session:
        session.add_all(allocations)
        await session.commit()


def _allocation(region: str, document: str, status: str = "published") -> PovertyAllocation:
    return PovertyAllocation(
        year=2018,
        region_code=region,
        amount=Decimal("12.3400"),
        document_number=document,
        purpose="产业扶持",
        status=status,
        published_at=utcnow() if status == "published" else None,
    )


async def test_a_publication_is_told_to_the_followers_of_the_village_and_its_town(
    database_url: str,
) -> None:
    await kit.seed_database(database_url)
    from catalogue.db import create_engine, session_factory

    engine = create_engine(database_url)
    sessions = session_factory(engine)
    scanner = PlaceNotices(sessions, kit.BASE_URL)
    async with sessions() as session:
        session.add_all(
            [
                PlaceFollow(openid="oVillage", region_code=seed.HONGDA),
                PlaceFollow(openid="oTown", region_code=seed.HUACANGSI_TOWN),
                PlaceFollow(openid="oElsewhere", region_code=seed.DAWAN_TIANTANG),
            ]
        )
        await session.commit()
    assert await scanner.scan() == 0  # the first scan only sets its mark
    await asyncio.sleep(0.01)
    await _publish(
        sessions,
        _allocation(seed.HONGDA, "天扶贫发〔2018〕1号"),
        _allocation(seed.HONGDA, "天扶贫发〔2018〕2号"),
        _allocation(seed.DAWAN_TIANTANG, "天扶贫发〔2018〕3号", status="draft"),
    )
    later = utcnow() + SETTLE  # the scan as it runs SETTLE seconds after the publication
    assert await scanner.scan(later) == 2
    assert await scanner.scan(later) == 0  # nothing new, nothing again
    async with sessions() as session:
        jobs = list(await session.scalars(select(OutboundJob).order_by(OutboundJob.id)))
    told = {job.payload["openid"]: job.payload for job in jobs}
    assert set(told) == {"oVillage", "oTown"} and {job.kind for job in jobs} == {NOTICE}
    assert told["oVillage"]["title"] == "红大村 2018年扶贫资金和项目有更新"
    assert "资金分配2条" in told["oVillage"]["description"]
    assert "涉及红大村" in told["oTown"]["description"]
    # The card's text carries the year's published totals (the numbers its picture draws).
    assert told["oVillage"]["description"].startswith("2018年已公开：分配资金2笔，合计24.68万元。")
    assert "2018年已公开：分配资金2笔，合计24.68万元。" in told["oTown"]["description"]
    assert told["oVillage"]["url"] == f"{kit.BASE_URL}/villages/{seed.HONGDA}?year=2018"
    assert (
        told["oVillage"]["pic_url"] == f"{kit.BASE_URL}/villages/{seed.HONGDA}/chart.png?year=2018"
    )
    assert told["oTown"]["pic_url"].endswith(f"/villages/{seed.HUACANGSI_TOWN}/chart.png?year=2018")

    # A change of the county's fund list (here an item's explained update) reaches every
    # follower of a place once.
    async with sessions() as session:
        item = await session.scalar(
            select(FundItem).where(FundItem.status == "published").order_by(FundItem.id)
        )
        assert item is not None
        item.change_note = "调整预算金额说明"
        year = item.budget_year
        await session.commit()
    assert await scanner.scan(utcnow() + SETTLE) == 3
    async with sessions() as session:
        funds = list(await session.scalars(select(OutboundJob).where(OutboundJob.id > jobs[-1].id)))
    assert {job.payload["openid"] for job in funds} == {"oVillage", "oTown", "oElsewhere"}
    assert {job.payload["url"] for job in funds} == {f"{kit.BASE_URL}/funds?year={year}"}
    assert {job.payload["pic_url"] for job in funds} == {
        f"{kit.BASE_URL}/funds/chart.png?year={year}"
    }
    assert funds[0].payload["title"] == f"天祝县 {year}年财政专项资金清单有更新"
    async with sessions() as session:
        published = list(
            await session.scalars(
                select(FundItem.budget_amount).where(
                    FundItem.status == "published", FundItem.budget_year == year
                )
            )
        )
    total = f"共{len(published)}项，合计{wan(sum(published, Decimal(0)))}万元。"
    assert funds[0].payload["description"].startswith(total)
    async with sessions() as session:
        await session.execute(delete(OutboundJob).where(OutboundJob.id > jobs[-1].id))
        await session.commit()

    # Sent through the fake API: the village follower's window is closed and no template is
    # set (unreached, counted); with a template the town's follower gets the template.
    api = FakeWeChatApi(cs_quota=1000)
    api.silent_users.update({"oVillage", "oTown"})
    client = WeChatClient(api.app_id, api.app_secret, base_url="http://f", http=api.client())
    queue = JobQueue(sessions)
    plain = QueueWorker(queue, {NOTICE: NoticeSender(client)}, rate=1000, batch=1)
    await plain.run_once()
    templated = QueueWorker(queue, {NOTICE: NoticeSender(client, "TPL1")}, rate=1000)
    await templated.run_once()
    counts = await queue.counts()
    assert counts["unreached"] == 1 and counts["done"] == 1
    (sent,) = api.sent
    assert sent.path == TEMPLATE and sent.body["template_id"] == "TPL1"
    await client.aclose()
    await engine.dispose()


async def test_the_notice_arrives_through_the_app_while_a_worker_is_killed(
    sqlite_url: str,
) -> None:
    api = FakeWeChatApi(app_id=kit.APP_ID, app_secret="notice-secret", cs_quota=1000)
    followers = [f"oFollow{i:020d}" for i in range(40)]
    with api.serve() as base:
        settings = kit.settings_for(
            sqlite_url, WECHAT_APP_SECRET="notice-secret", WECHAT_API_BASE=base
        )
        await kit.seed_database(sqlite_url)
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            sessions = app.state.sessions
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                for openid in followers:
                    answer = await kit.WeChatUser(http, openid).say("关注 红大村")
                    assert "已关注" in answer
            scanner = app.state.place_notices
            await scanner.scan()
            await asyncio.sleep(0.01)
            await _publish(sessions, _allocation(seed.HONGDA, "天扶贫发〔2018〕9号"))
            await app.state.job_worker.stop()  # the app's worker is stopped: jobs wait
            assert await scanner.scan(utcnow() + SETTLE + timedelta(seconds=1)) == 40

            # A worker claims every notice and is killed (SIGKILL: no clean-up) before sending.
            doomed = JobQueue(sessions)
            claimed = await doomed.claim("killed-worker", 100)
            assert len(claimed) == 40
            async with sessions() as session:  # its lease runs out
                await session.execute(
                    update(OutboundJob).values(lease_until=utcnow() - timedelta(seconds=1))
                )
                await session.commit()
            app.state.job_worker.start()  # the app's worker takes them over
            give_up = time.monotonic() + 30
            while len(api.sent) < 40 and time.monotonic() < give_up:
                await asyncio.sleep(0.05)
            await asyncio.sleep(0.2)
            # The card's picture is the village's chart of that year, served by the app.
            (article,) = api.sent[0].body["news"]["articles"]
            picture = f"{kit.BASE_URL}/villages/{seed.HONGDA}/chart.png?year=2018"
            assert article["picurl"] == picture
            async with httpx.AsyncClient(transport=transport, base_url=kit.BASE_URL) as http:
                served = await http.get(picture)
            assert served.status_code == 200 and served.headers["content-type"] == "image/png"
            assert served.content.startswith(b"\x89PNG")
    per_user = Counter(message.touser for message in api.sent)
    assert set(per_user) == set(followers) and set(per_user.values()) == {1}
    assert article["title"] == "红大村 2018年扶贫资金和项目有更新"
