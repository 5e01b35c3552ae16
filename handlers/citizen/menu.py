"""The custom menu (at most 3×5 buttons), defined here and pushed with `zwbot menu push`;
every CLICK key has a handler below."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event
from bot.filters import EventKey, Text
from bot.fsm import FSMContext
from bot.router import Router
from catalogue import queries
from catalogue.categories import CATEGORIES
from handlers.citizen import texts
from handlers.citizen.common import on_said
from handlers.citizen.links import funds_url, items_url
from handlers.citizen.tickets import ask_human
from handlers.citizen.villages import my_village
from handlers.settings import Settings

GUIDE = "GUIDE"
POWER_LIST = "POWER_LIST"
FUNDS = "FUNDS"
POVERTY = "POVERTY"
MY_VILLAGE = "MY_VILLAGE"
HUMAN = "HUMAN"
CLICK_KEYS = (GUIDE, POWER_LIST, FUNDS, POVERTY, MY_VILLAGE, HUMAN)
MAX_TOP = 3
MAX_SUB = 5


def _click(name: str, key: str) -> dict[str, str]:
    return {"type": "click", "name": name, "key": key}


def _view(name: str, url: str) -> dict[str, str]:
    return {"type": "view", "name": name, "url": url}


def build_menu(public_base_url: str) -> dict[str, Any]:
    """The menu JSON of `/cgi-bin/menu/create`."""
    menu = {
        "button": [
            {
                "name": "办事指南",
                "sub_button": [
                    _click("办事指南", GUIDE),
                    _click("权责清单", POWER_LIST),
                    _view("网上查事项", items_url(public_base_url)),
                ],
            },
            {
                "name": "信息公开",
                "sub_button": [
                    _click("资金公开", FUNDS),
                    _click("扶贫公开", POVERTY),
                    _click("我村资金", MY_VILLAGE),
                ],
            },
            _click("人工服务", HUMAN),
        ]
    }
    check_menu(menu)
    return menu


def click_keys(menu: dict[str, Any]) -> list[str]:
    """Every CLICK key of a menu."""
    keys = []
    for button in menu["button"]:
        for entry in button.get("sub_button", [button]):
            if entry.get("type") == "click":
                keys.append(entry["key"])
    return keys


def check_menu(menu: dict[str, Any]) -> None:
    """WeChat's limits: ≤3 top buttons (≤4 Chinese characters), ≤5 sub buttons (≤8)."""
    buttons = menu["button"]
    if not 1 <= len(buttons) <= MAX_TOP:
        raise ValueError(f"a menu has 1–{MAX_TOP} top-level buttons, not {len(buttons)}")
    for button in buttons:
        if len(button["name"].encode("utf-8")) > 16:
            raise ValueError(f"top-level button name too long: {button['name']}")
        subs = button.get("sub_button", [])
        if len(subs) > MAX_SUB:
            raise ValueError(f"{button['name']}: at most {MAX_SUB} sub buttons")
        for sub in subs:
            if len(sub["name"].encode("utf-8")) > 60:
                raise ValueError(f"sub button name too long: {sub['name']}")
    unknown = set(click_keys(menu)) - set(CLICK_KEYS)
    if unknown:
        raise ValueError(f"CLICK keys without a handler: {sorted(unknown)}")


async def guide(event: Event, settings: Settings) -> str:
    return texts.MENU_GUIDE.format(url=items_url(settings.public_base_url))


async def power_list(event: Event, session: AsyncSession, settings: Settings) -> str:
    counts = await queries.category_counts(session=session)
    lines = [
        f"· {name}：{counts.get(code, 0)}项 {items_url(settings.public_base_url, category=code)}"
        for code, name in CATEGORIES.items()
        if counts.get(code)
    ]
    return texts.MENU_POWER_LIST.format(
        categories="\n".join(lines) or "清单正在整理中。", url=items_url(settings.public_base_url)
    )


async def funds(event: Event, session: AsyncSession, settings: Settings) -> str:
    years = await queries.fund_years(session=session)
    text = texts.MENU_FUNDS.format(url=funds_url(settings.public_base_url))
    if years:
        text += "\n已公开年度：" + "、".join(str(y) for y in years)
    return text


async def poverty(event: Event) -> str:
    return texts.MENU_POVERTY


async def my_village_click(
    event: Event,
    session: AsyncSession,
    settings: Settings,
    trace: dict[str, str],
    state: FSMContext,
) -> str:
    return await my_village(event, None, session, settings, trace, state)


async def human_click(
    event: Event, session: AsyncSession, state: FSMContext, trace: dict[str, str]
) -> str:
    return await ask_human(event, session, state, trace)


def router() -> Router:
    """This module's handlers on a new router (one per dispatcher)."""
    router = Router(name="citizen-menu")
    router.click(EventKey(GUIDE))(guide)
    router.click(EventKey(POWER_LIST))(power_list)
    router.click(EventKey(FUNDS))(funds)
    router.click(EventKey(POVERTY))(poverty)
    # The same answers when a button's name is typed (older phones, or from habit).
    for name, handler in (
        ("办事指南", guide),
        ("权责清单", power_list),
        ("资金公开", funds),
        ("扶贫公开", poverty),
    ):
        on_said(router, Text(name))(handler)
    router.click(EventKey(MY_VILLAGE))(my_village_click)
    router.click(EventKey(HUMAN))(human_click)
    return router
