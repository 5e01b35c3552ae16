"""The official account's permanent QR code of each town and village.

Scanning one follows the account (or opens it) with the scene value `place:<region code>`;
`handlers.citizen.following` answers it with that place's figures. Codes are created once
through `qrcode/create` (`QR_LIMIT_STR_SCENE`) and kept in `place_qr_codes`: making them again
creates only the missing ones, and never more than the account's permanent codes allow
(`ZWBOT_QR_LIMIT`, WeChat's 100,000).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.client import WeChatClient
from catalogue.models import PlaceQrCode, Region
from handlers.citizen.following import SCENE_PREFIX

PLACE_LEVELS = ("town", "village")


class QrCodeError(Exception):
    """A request for codes that cannot be met (unknown place, over the account's limit)."""


@dataclass
class MadeCodes:
    """What `make_codes` did."""

    created: list[str] = field(default_factory=list)
    existing: list[str] = field(default_factory=list)


def scene_of(region_code: str) -> str:
    """The scene value of a place's QR code."""
    return f"{SCENE_PREFIX}{region_code}"


async def _places(session: AsyncSession, codes: list[str] | None, within: str) -> list[Region]:
    query = select(Region).where(Region.level.in_(PLACE_LEVELS)).order_by(Region.code)
    if within and within != "*":
        query = query.where(Region.code.startswith(within))
    if codes is not None:
        query = query.where(Region.code.in_(codes))
    places = list(await session.scalars(query))
    missing = sorted(set(codes or []) - {place.code for place in places})
    if missing:
        raise QrCodeError(f"没有这些乡镇或村：{'、'.join(missing)}")
    return places


async def make_codes(
    sessions: async_sessionmaker[AsyncSession],
    client: WeChatClient,
    *,
    codes: list[str] | None,
    limit: int,
    within: str = "",
) -> MadeCodes:
    """Create the missing codes of `codes` (None: every town and village `within` a region).
    Each code is stored as soon as WeChat made it: a failure part-way keeps those made."""
    async with sessions() as session:
        places = await _places(session, codes, within)
        have = set(await session.scalars(select(PlaceQrCode.region_code)))
        total = await session.scalar(select(func.count()).select_from(PlaceQrCode)) or 0
    made = MadeCodes(existing=[place.code for place in places if place.code in have])
    wanted = [place for place in places if place.code not in have]
    if total + len(wanted) > limit:
        raise QrCodeError(
            f"永久二维码最多{limit}个：已有{total}个，还要{len(wanted)}个，超出上限，一个也没有生成。"
        )
    for place in wanted:
        ticket, url = await client.create_qrcode(scene_of(place.code))
        async with sessions() as session:
            session.add(
                PlaceQrCode(
                    region_code=place.code, scene=scene_of(place.code), ticket=ticket, url=url
                )
            )
            await session.commit()
        made.created.append(place.code)
    return made


async def place_code(session: AsyncSession, region_code: str) -> PlaceQrCode | None:
    """A place's stored QR code, if made."""
    return await session.get(PlaceQrCode, region_code)


async def listed_codes(session: AsyncSession) -> list[tuple[PlaceQrCode, str]]:
    """Every stored code with its place's name, by region code."""
    rows = await session.execute(
        select(PlaceQrCode, Region.name)
        .join(Region, Region.code == PlaceQrCode.region_code)
        .order_by(PlaceQrCode.region_code)
    )
    return [(row[0], row[1]) for row in rows.all()]
