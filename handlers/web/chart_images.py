"""The pages' charts as PNG pictures for the chat's news cards (WeChat's `picurl` takes JPG or
PNG, not SVG): `/villages/<code>/chart.png?year=…` and `/funds/chart.png?year=…`.

A card's large picture is 360×200, so a picture holds the chart's title and its largest bars
(the rest summed as 其他); the exact numbers are in the card's text and on the page it opens.
Drawn with Pillow from the same `Chart` the page draws as SVG (same records, same order), in
the Noto Sans CJK font (Debian's `fonts-noto-cjk`, the posters' font too). A picture is
rendered once per content: it is kept under the digest of its title and bars, which is also
its ETag, so a change of the records gives a new picture and an unchanged one costs nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
from collections import OrderedDict
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from PIL import Image, ImageDraw, ImageFont

from catalogue import queries
from handlers.citizen.amounts import wan
from handlers.observability.logs import get_logger
from handlers.web.charts import BAR_COLOUR, Bar, Chart, shared_prefix
from handlers.web.deps import SessionDep
from handlers.web.figures import fund_charts, place_charts
from handlers.web.params import optional_year

log = get_logger(__name__)
router = APIRouter(include_in_schema=False)

WIDTH, HEIGHT = 360, 200  # WeChat's large news-card picture
MAX_ROWS = 4  # bars a 200-pixel-high picture shows legibly on a phone
TITLE_SIZE, LABEL_SIZE = 16, 14
MARGIN = 10
TITLE_ROOM = 34  # the title's line
ROW = 39  # a bar's label line and the bar under it
BAR_HEIGHT = 14
VALUE_ROOM = 80  # right of the longest bar for its amount
INK, GREY, BACKGROUND = "#1f2933", "#52606d", "#ffffff"
#: Where Debian and other distributions install Noto Sans CJK (face index of 简体中文 in the
#: collection, 0 for a single-face file).
FONTS: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf", 0),
)
CACHE_SIZE = 512  # pictures kept (about 10 kB each)
MAX_AGE = 600  # seconds WeChat and browsers may reuse a picture without asking again
PNG = "image/png"


class FontMissing(RuntimeError):
    """No CJK font is installed: Chinese labels cannot be drawn."""


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont:
    for path, index in FONTS:
        if Path(path).is_file():
            return ImageFont.truetype(path, size, index=index)
    raise FontMissing("no Noto Sans CJK font; install Debian's fonts-noto-cjk")


def card_rows(chart: Chart) -> tuple[Bar, ...]:
    """The bars a card's picture shows: the largest `MAX_ROWS - 1` and the rest summed."""
    rows = chart.rows
    if len(rows) <= MAX_ROWS:
        return rows
    rest = sum((bar.value for bar in rows[MAX_ROWS - 1 :]), Decimal(0))
    return (*rows[: MAX_ROWS - 1], Bar(f"其他{len(rows) - MAX_ROWS + 1}项", rest))


def _fitted(text: str, font: ImageFont.FreeTypeFont, room: float) -> str:
    if font.getlength(text) <= room:
        return text
    while text and font.getlength(text + "…") > room:
        text = text[:-1]
    return text + "…"


def digest(chart: Chart) -> str:
    """The picture's identity: its title, unit and every bar (label and exact amount)."""
    content = "\n".join(
        [chart.title, chart.unit, *(f"{bar.label}\t{bar.value}" for bar in chart.rows)]
    )
    return hashlib.sha256(content.encode("utf-8")).hexdigest()[:32]


def render_png(chart: Chart) -> bytes:
    """The chart as a 360×200 PNG: title, then one row per bar (label, bar, amount)."""
    title_font, label_font = _font(TITLE_SIZE), _font(LABEL_SIZE)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text(
        (MARGIN, 24),
        _fitted(f"{chart.title}（{chart.unit}）", title_font, WIDTH - 2 * MARGIN),
        font=title_font,
        fill=INK,
        anchor="ls",
    )
    rows = card_rows(chart)
    shared = shared_prefix([bar.label for bar in chart.rows])
    largest = max((bar.value for bar in rows), default=Decimal(0))
    span = WIDTH - 2 * MARGIN - VALUE_ROOM
    # Each row: the label on its own line, the bar under it; fewer rows sit in the middle.
    top = TITLE_ROOM + (HEIGHT - TITLE_ROOM - MARGIN - ROW * len(rows)) / 2
    for index, bar in enumerate(rows):
        row_top = top + ROW * index
        draw.text(
            (MARGIN, row_top + LABEL_SIZE),
            _fitted(bar.label.removeprefix(shared), label_font, WIDTH - 2 * MARGIN),
            font=label_font,
            fill=INK,
            anchor="ls",  # on its baseline: the bar starts below the lowest stroke
        )
        middle = row_top + LABEL_SIZE + 6 + BAR_HEIGHT / 2
        length = 0 if bar.value <= 0 or largest <= 0 else max(2, int(span * bar.value / largest))
        if length:
            draw.rounded_rectangle(
                (MARGIN, middle - BAR_HEIGHT / 2, MARGIN + length, middle + BAR_HEIGHT / 2),
                radius=3,
                fill=BAR_COLOUR,
            )
        draw.text(
            (MARGIN + length + 6, middle), wan(bar.value), font=label_font, fill=GREY, anchor="lm"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


_rendered: OrderedDict[str, bytes] = OrderedDict()


async def picture(chart: Chart) -> tuple[str, bytes]:
    """The chart's digest and PNG, rendered once per content (least recently used dropped);
    drawn in a worker thread (about 12 ms of CPU), the event loop keeps answering."""
    key = digest(chart)
    png = _rendered.get(key)
    if png is not None:
        _rendered.move_to_end(key)
        return key, png
    png = await asyncio.to_thread(render_png, chart)
    _rendered[key] = png
    while len(_rendered) > CACHE_SIZE:
        _rendered.popitem(last=False)
    return key, png


async def _served(request: Request, chart: Chart | None) -> Response:
    if chart is None:
        raise HTTPException(404)
    try:
        key, png = await picture(chart)
    except FontMissing as error:
        log.error("chart picture not drawn", reason=str(error))
        raise HTTPException(503) from error
    etag = f'"{key}"'
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={MAX_AGE}"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(png, media_type=PNG, headers=headers)


@router.get("/villages/{region_code}/chart.png")
async def place_chart_png(
    request: Request, region_code: str, session: SessionDep, year: str | None = None
) -> Response:
    """A village's or town's first chart (by year over all years, else by purpose)."""
    funds = await queries.region_funds(
        session=session, region_code=region_code[:12], year=optional_year(year)
    )
    if funds is None:
        raise HTTPException(404)
    charts = place_charts(funds)
    return await _served(request, charts[0] if charts else None)


@router.get("/funds/chart.png")
async def fund_chart_png(
    request: Request, session: SessionDep, year: str | None = None
) -> Response:
    """The fund list of a year (or of all years) by department."""
    funds = await queries.fund_list(session=session, year=optional_year(year))
    charts = fund_charts(funds)
    return await _served(request, charts[0] if charts else None)
