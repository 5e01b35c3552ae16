"""Who follows which village or town (the rows `handlers.jobs.place_notices` tells)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue.models import PlaceFollow
from catalogue.queries import Place

MAX_FOLLOWS = 20  # places one user may follow

FOLLOWED = (
    "已关注：{place}。{place}的扶贫资金和项目公开或变更时，会发消息通知您"
    "（您48小时内在这里发过消息才能收到）。回复“取消关注 {name}”不再接收。"
)
ALREADY = "您已经关注了{place}。回复“我的关注”查看全部。"
TOO_MANY = "您已关注{count}个村镇，最多{limit}个。请先回复“取消关注 村名”。"
BIND_FOLLOWS = "该村公开或变更扶贫资金和项目时，也会通知您（回复“取消关注”可停止）。"


async def follow(
    openid: str,
    place: Place,
    session: AsyncSession,
    trace: dict[str, str] | None = None,
    *,
    account: str = "",
) -> str:
    """Follow `place` through the official account `account` (its name, "" for the default)
    in the caller's transaction; the answer."""
    if trace is not None:
        trace.update(answer="follow", code=place.code)
    if await session.get(PlaceFollow, (openid, place.code)) is not None:
        return ALREADY.format(place=place.label)
    count = await session.scalar(
        select(func.count())
        .select_from(PlaceFollow)
        .where(PlaceFollow.openid == openid, PlaceFollow.account == account)
    )
    if (count or 0) >= MAX_FOLLOWS:
        return TOO_MANY.format(count=count, limit=MAX_FOLLOWS)
    session.add(PlaceFollow(openid=openid, region_code=place.code, account=account))
    return FOLLOWED.format(place=place.label, name=place.short_name or place.name)


async def forget_follows(session: AsyncSession, openid: str, account: str = "") -> None:
    """Delete every place a user follows through `account` (on unsubscribe from it)."""
    await session.execute(
        delete(PlaceFollow).where(PlaceFollow.openid == openid, PlaceFollow.account == account)
    )


async def unfollow(openid: str, region_code: str, session: AsyncSession, account: str = "") -> None:
    """Stop following one place through `account` (in the caller's transaction)."""
    await session.execute(
        delete(PlaceFollow).where(
            PlaceFollow.openid == openid,
            PlaceFollow.region_code == region_code,
            PlaceFollow.account == account,
        )
    )
