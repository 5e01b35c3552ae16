"""Village posters: the text equals the published records (amounts exact, document numbers,
statuses, a cancelled and adjusted project), the hotlines and the date are on it; the PDF is
printed by Chromium with a CJK font and read back with a PDF text extractor; the PNG is an
A4 picture; the village page links the files."""

from __future__ import annotations

import os
import shutil
import struct
import unicodedata
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalogue.db import create_engine, session_factory
from catalogue.models import PlaceQrCode, PovertyAllocation, PovertyProject, Region
from handlers.app import create_app
from handlers.web.posters import PosterError, make_poster, poster_html
from tests.kits import citizen as kit

seed = kit.seed
PHONE = "0935-0000000（测试）"
TODAY = date(2026, 12, 2)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture
async def sessions(sqlite_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    await kit.seed_database(sqlite_url)
    engine = create_engine(sqlite_url)
    factory = session_factory(engine)
    async with factory() as session:
        hongda = await session.get(Region, seed.HONGDA)
        session.add(
            PovertyProject(
                year=2016,
                name="红大村旧桥加固工程",
                approval_number="天扶贫发〔2016〕40号",
                investment=Decimal("12.3456"),
                villages=[hongda],
                implementing_unit="县交通局",
                progress="cancelled",
                changed_on=date(2016, 9, 1),
                change_note="并入道路硬化工程",
                status="published",
                published_at=kit.seed.PUBLISHED_AT,
            )
        )
        await session.commit()
    try:
        yield factory
    finally:
        await engine.dispose()


def _flat(text: str) -> str:
    """PDF text as people read it: compatibility forms folded, spaces and breaks dropped."""
    return "".join(unicodedata.normalize("NFKC", text).split())


async def test_the_poster_says_what_the_records_say(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as session:
        html, year = await poster_html(
            session, seed.HONGDA, None, base_url=kit.BASE_URL, phone=PHONE, today=TODAY
        )
        rows = list(
            await session.scalars(
                select(PovertyAllocation).where(
                    PovertyAllocation.region_code == seed.HONGDA,
                    PovertyAllocation.year == 2016,
                    PovertyAllocation.status == "published",
                )
            )
        )
    assert year == 2017  # the latest published year by default
    async with sessions() as session:
        html, year = await poster_html(
            session, seed.HONGDA, 2016, base_url=kit.BASE_URL, phone=PHONE, today=TODAY
        )
    assert "华藏寺镇 红大村 2016年扶贫资金和项目公示" in html
    total = sum(row.amount for row in rows)
    assert f"{len(rows)}笔，合计 {total:.2f} 万元" in html and total == Decimal("150.75")
    for row in rows:
        assert row.document_number in html
    assert "120.50" in html and "30.25" in html and "999" not in html  # not the draft
    assert "1个，投资合计 88.88 万元（另有1个已取消，不计入合计）" in html
    assert "12.3456" in html and "已取消" in html and "2016-09-01 并入道路硬化工程" in html
    assert "12317" in html and PHONE in html and "公示日期：2026年12月2日" in html
    assert seed.HIDDEN_PROJECT not in html
    assert "扫码查看明细" in html  # no account QR code made yet: the page's address

    async with sessions() as session:
        session.add(
            PlaceQrCode(
                region_code=seed.HONGDA,
                scene=f"place:{seed.HONGDA}",
                ticket="T",
                url="http://weixin.qq.com/q/abc",
            )
        )
        await session.commit()
        html, _ = await poster_html(
            session, seed.HONGDA, 2016, base_url=kit.BASE_URL, phone=PHONE, today=TODAY
        )
    assert "微信扫码关注红大村" in html


async def test_places_without_published_data_get_a_clear_refusal(
    sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    out = tmp_path / "posters"
    async with sessions() as session:
        with pytest.raises(PosterError, match="还没有公开的扶贫资金和项目"):
            await poster_html(
                session, "620623100205", None, base_url=kit.BASE_URL, phone=PHONE, today=TODAY
            )
        with pytest.raises(PosterError, match="没有这个乡镇或村"):
            await poster_html(
                session, "620623999999", None, base_url=kit.BASE_URL, phone=PHONE, today=TODAY
            )
        with pytest.raises(PosterError, match="ZWBOT_SUPERVISION_PHONE"):
            await make_poster(
                session, seed.HONGDA, 2016, out, base_url=kit.BASE_URL, phone="", today=TODAY
            )
    assert not out.exists()


def _chromium() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if path is None:
        message = "chromium is not installed (apt-get install -y chromium)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_the_printed_poster_reads_back_and_the_page_links_it(
    sessions: async_sessionmaker[AsyncSession], sqlite_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    async with sessions() as session:
        poster = await make_poster(
            session,
            seed.HONGDA,
            2016,
            data_dir / "posters",
            base_url=kit.BASE_URL,
            phone=PHONE,
            today=TODAY,
            chromium=_chromium(),
        )
    pages = PdfReader(poster.pdf).pages
    assert len(pages) == 1
    width_pt, height_pt = float(pages[0].mediabox.width), float(pages[0].mediabox.height)
    assert abs(width_pt - 595) < 3 and abs(height_pt - 842) < 3  # A4
    text = _flat(pages[0].extract_text())
    for words in (
        "华藏寺镇红大村2016年扶贫资金和项目公示",
        "2笔，合计150.75万元",
        "120.50",
        "30.25",
        "天扶贫发〔2016〕12号",
        "红大村道路硬化工程",
        "88.88",
        "已取消",
        "并入道路硬化工程",
        "12317",
        _flat(PHONE),
        "2026年12月2日",
    ):
        assert _flat(words) in text, words
    width, height = _png_size(poster.png)
    assert abs(height / width - 297 / 210) < 0.01 and width >= 1200

    settings = kit.settings_for(sqlite_url, ZWBOT_DATA_DIR=str(data_dir))
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            page = await http.get(f"/villages/{seed.HONGDA}")
            assert f'href="/villages/{seed.HONGDA}/poster.pdf"' in page.text
            pdf = await http.get(f"/villages/{seed.HONGDA}/poster.pdf")
            assert pdf.status_code == 200 and pdf.content == poster.pdf.read_bytes()
            png = await http.get(f"/villages/{seed.HONGDA}/poster.png")
            assert png.headers["content-type"] == "image/png"
            other = await http.get(f"/villages/{seed.DAWAN_TIANTANG}")
            assert "poster.pdf" not in other.text
            assert (
                await http.get(f"/villages/{seed.DAWAN_TIANTANG}/poster.pdf")
            ).status_code == 404
            assert (await http.get("/villages/..%2F..%2Fetc/poster.pdf")).status_code == 404
