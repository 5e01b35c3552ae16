"""Printable notice-board posters of a village's (or town's) poverty funds and projects.

An A4 PDF and a PNG per place, from the same published records as the chat and the pages:
the year's allocations (exact amounts, document numbers, status) and projects (progress,
cancellations, adjustments with their date and note), the place's QR code of the official
account (`zwbot qr make`; the page's address until one is made), the date, and the
supervision hotlines (12317 and the county's, `ZWBOT_SUPERVISION_PHONE`). The HTML is printed
by headless Chromium (Debian's `chromium`) with the Noto CJK font (`fonts-noto-cjk`).
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import segno
from sqlalchemy.ext.asyncio import AsyncSession

from catalogue import queries
from handlers.citizen.fund_answers import PROGRESS
from handlers.citizen.place_codes import place_code
from handlers.web.rendering import templates

A4_CSS_PIXELS = (794, 1123)  # 210 × 297 mm at 96 px per inch
PNG_SCALE = 2  # the PNG at 192 dpi: small print stays readable
RENDER_TIMEOUT = 90.0
COUNTY_PHONE_LABEL = "天祝县扶贫监督电话"
_FILE_NAME = re.compile(r"^\d{9}(?:\d{3})?$")


class PosterError(Exception):
    """A poster that cannot be made (unknown place, nothing published, no renderer)."""


@dataclass(frozen=True, slots=True)
class Poster:
    """One made poster."""

    code: str
    year: int
    pdf: Path
    png: Path


def qr_svg(data: str) -> str:
    """A QR code of `data` as inline SVG (medium error correction, survives a worn print)."""
    return str(segno.make(data, error="m").svg_inline(scale=4, border=2))


def poster_paths(out_dir: Path, code: str) -> tuple[Path, Path]:
    """Where a place's poster files are kept (the newest one made)."""
    if not _FILE_NAME.match(code):
        raise PosterError(f"不是乡镇或村的代码：{code}")
    return out_dir / f"{code}.pdf", out_dir / f"{code}.png"


async def poster_html(
    session: AsyncSession,
    code: str,
    year: int | None,
    *,
    base_url: str,
    phone: str,
    today: date,
) -> tuple[str, int]:
    """The poster's HTML and its year (the latest published when `year` is None)."""
    place = await queries.region_by_code(session=session, code=code)
    if place is None or place.level not in ("town", "village"):
        raise PosterError(f"没有这个乡镇或村：{code}")
    years = await queries.region_years(session=session, region_code=code)
    if year is None and years:
        year = max(years)
    if year is None or year not in years:
        raise PosterError(f"{place.label}{f'{year}年' if year else ''}还没有公开的扶贫资金和项目。")
    funds = await queries.region_funds(session=session, region_code=code, year=year)
    assert funds is not None and funds.years  # the year is one of the place's published years
    page_url = f"{base_url.rstrip('/')}/villages/{code}?year={year}"
    qr = await place_code(session, code)
    name = place.short_name or place.name
    context = {
        "title": f"{place.label} {year}年扶贫资金和项目公示",
        "today": f"{today.year}年{today.month}月{today.day}日",
        "year_funds": funds.years[0],
        "town": place.level == "town",
        "progress": PROGRESS,
        "qr_svg": qr_svg(qr.url if qr is not None else page_url),
        "qr_label": f"微信扫码关注{name}" if qr is not None else "扫码查看明细",
        "county_phone_label": COUNTY_PHONE_LABEL,
        "county_phone": phone,
        "page_url": page_url,
        "demo": funds.is_demo,
    }
    return templates.get_template("poster.html").render(context), year


async def _chromium(chromium: str, *arguments: str) -> None:
    process = await asyncio.create_subprocess_exec(
        chromium,
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        *arguments,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with asyncio.timeout(RENDER_TIMEOUT):
            _, errors = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise PosterError(f"{chromium} did not finish within {RENDER_TIMEOUT:.0f} s") from None
    if process.returncode != 0:
        raise PosterError(f"{chromium} failed: {errors.decode(errors='replace')[-500:]}")


async def render(html: str, pdf: Path, png: Path, *, chromium: str = "chromium") -> None:
    """Print `html` to an A4 `pdf` and a `png` of its first page (each replaced whole, never
    left half-written: they are made beside their place and moved in)."""
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".poster-", dir=pdf.parent) as work:
        folder = Path(work)
        source = folder / "poster.html"
        source.write_text(html, encoding="utf-8")
        pdf_part, png_part = folder / "poster.pdf", folder / "poster.png"
        try:
            await _chromium(
                chromium,
                f"--user-data-dir={folder / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf_part}",
                source.as_uri(),
            )
            width, height = A4_CSS_PIXELS
            await _chromium(
                chromium,
                f"--user-data-dir={folder / 'profile'}",
                "--hide-scrollbars",
                f"--window-size={width},{height}",
                f"--force-device-scale-factor={PNG_SCALE}",
                f"--screenshot={png_part}",
                source.as_uri(),
            )
        except FileNotFoundError as error:
            raise PosterError(f"{chromium} is not installed (apt-get install chromium)") from error
        if not pdf_part.is_file() or not png_part.is_file():
            raise PosterError(f"{chromium} wrote no poster")
        pdf_part.replace(pdf)
        png_part.replace(png)


async def make_poster(
    session: AsyncSession,
    code: str,
    year: int | None,
    out_dir: Path,
    *,
    base_url: str,
    phone: str,
    today: date,
    chromium: str = "chromium",
) -> Poster:
    """Make one place's poster files in `out_dir`."""
    if not phone.strip():
        raise PosterError("请先设置县扶贫监督电话 ZWBOT_SUPERVISION_PHONE（公示必须写明）。")
    pdf, png = poster_paths(out_dir, code)
    html, year = await poster_html(
        session, code, year, base_url=base_url, phone=phone.strip(), today=today
    )
    await render(html, pdf, png, chromium=chromium)
    return Poster(code, year, pdf, png)
