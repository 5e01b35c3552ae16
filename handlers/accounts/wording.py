"""How an account's fixed chat sentences name its own place and its province's online
service (`handlers.citizen.texts.Wording`), from the catalogue's regions table."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.models import Region
from catalogue.region_directory import COUNTY_CODE
from catalogue.scope import ALL_REGIONS
from handlers.citizen.texts import TIANZHU, Wording

#: The provinces' government service apps (GB/T 2260 province prefix → app name), named
#: beside the province's website where known; elsewhere only the website is named.
PROVINCE_APPS = {"62": "甘快办", "51": "天府通办", "44": "粤省事"}
_PROVINCE_SUFFIX = re.compile(r"(?:省|市|(?:壮族|回族|维吾尔)?自治区|特别行政区)$")
# A region named with its upper regions, as imported files name them (四川省广安市广安区).
_PROVINCE_PREFIX = re.compile(r"^(?:.+?(?:省|自治区)|(?:北京|天津|上海|重庆)市)(?=.)")
_PREFECTURE_PREFIX = re.compile(r"^.+?(?:市|自治州|地区|盟)(?=.+(?:区|县|旗|市)$)")
PORTAL_UNKNOWN = "当地政务服务网"


def province_portal(province_name: str) -> str:
    """甘肃省 → 甘肃政务服务网; 新疆维吾尔自治区 → 新疆政务服务网."""
    short = _PROVINCE_SUFFIX.sub("", province_name.strip())
    return f"{short}政务服务网" if short else PORTAL_UNKNOWN


def split_name(name: str) -> tuple[str, str]:
    """A region's own name and the province its name starts with ('' if none):
    四川省广安市广安区 → (广安区, 四川省); 克拉玛依市 → (克拉玛依市, '')."""
    name = name.strip()
    match = _PROVINCE_PREFIX.match(name)
    province = match.group(0) if match else ""
    own = name[len(province) :]
    return _PREFECTURE_PREFIX.sub("", own) or own, province


async def region_wording(sessions: async_sessionmaker[AsyncSession], home: str) -> Wording:
    """The wording of an account whose home region is `home` (a 6-digit code): its name, and
    its province's website (and app) from the province's row or the region's full name."""
    async with sessions() as session:
        return await region_wording_in(session, home)


async def region_wording_in(session: AsyncSession, home: str) -> Wording:
    """`region_wording`, read in an open session."""
    province_code = f"{home[:2]}0000"
    found = {
        region.code: region
        for region in await session.scalars(
            select(Region).where(Region.code.in_([home, province_code]))
        )
    }
    own = found.get(home)
    place, province = split_name(own.short_name or own.name) if own is not None else ("本地", "")
    if province_code in found:  # the province's own row (the home itself for a province)
        province = found[province_code].name
    if not province:
        return Wording(place, PORTAL_UNKNOWN)
    return Wording(place, province_portal(province), PROVINCE_APPS.get(home[:2], ""))


async def home_wording(session: AsyncSession, home: str) -> Wording:
    """The default account's wording (its `ZWBOT_HOME_REGION`, `home`): Tianzhu's own
    (天祝县, 甘肃政务服务网或“甘快办”) for the county, and when no single region is served
    (`*`, search evaluation; '' in tools that name none); else its region's."""
    if home in (COUNTY_CODE, ALL_REGIONS, ""):
        return TIANZHU
    return await region_wording_in(session, home)
