"""The pages' charts as PNG pictures for the chat's news cards: they decode, have WeChat's
large-picture size, are served as images with cache headers, show the records' bars, and a
follower's news card carries the picture of its place."""

from __future__ import annotations

import io
from decimal import Decimal

from PIL import Image

from handlers.citizen.links import fund_chart_url, place_chart_url
from handlers.web.chart_images import HEIGHT, WIDTH, card_rows, digest, render_png
from handlers.web.charts import Bar, bar_chart, sums
from tests.kits import citizen as kit

seed = kit.seed


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes the whole picture (a truncated PNG raises here)
    return image


def test_a_picture_is_a_360_by_200_png_with_ink_where_the_bars_are():
    chart = bar_chart("用途", [Bar("修路", Decimal("30")), Bar("饮水", Decimal("10"))])
    assert chart is not None
    image = _image(render_png(chart))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT) == (360, 200)
    # The longest bar is drawn in the bar colour; the picture is not blank.
    colours = {colour for _count, colour in image.getcolors(maxcolors=100_000) or []}
    assert (0x9B, 0x1C, 0x1C) in colours and len(colours) > 10


def test_a_card_shows_the_largest_bars_and_sums_the_rest_exactly():
    bars = [Bar(f"用途{n}", Decimal(n) + Decimal("0.01")) for n in range(9, 0, -1)]
    chart = bar_chart("多", bars)
    assert chart is not None
    rows = card_rows(chart)
    assert [row.label for row in rows] == ["用途9", "用途8", "用途7", "其他6项"]
    assert sum((row.value for row in rows), Decimal(0)) == chart.total == Decimal("45.09")


def test_a_changed_amount_is_a_new_picture():
    before = bar_chart("年度", [Bar("2016年", Decimal("12.3400"))])
    after = bar_chart("年度", [Bar("2016年", Decimal("12.3500"))])
    assert before is not None and after is not None
    assert digest(before) != digest(after)
    assert digest(before) == digest(bar_chart("年度", [Bar("2016年", Decimal("12.3400"))]))  # type: ignore[arg-type]


async def test_the_village_and_fund_pictures_are_served_as_cached_images(citizen_side):
    http = citizen_side.http
    url = place_chart_url("", seed.HONGDA)
    response = await http.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    assert "max-age=" in response.headers["cache-control"]
    assert _image(response.content).size == (360, 200)
    etag = response.headers["etag"]
    again = await http.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.content
    year = await http.get(place_chart_url("", seed.HONGDA, 2016))
    assert year.status_code == 200 and year.headers["etag"] != etag  # another chart
    funds = await http.get(fund_chart_url("", 2015))
    assert funds.status_code == 200 and _image(funds.content).size == (360, 200)
    # No such place, no data that year, a year that is no year: no picture, no error page.
    assert (await http.get(place_chart_url("", "620623999999"))).status_code == 404
    assert (await http.get(place_chart_url("", seed.HONGDA, 2001))).status_code == 404
    assert (await http.get(f"/villages/{seed.HONGDA}/chart.png?year=abc")).status_code == 404
    assert (await http.get(fund_chart_url("", 2001))).status_code == 404


async def test_a_village_picture_draws_the_records_of_its_year(citizen_side):
    http = citizen_side.http
    api = (await http.get(f"/api/places/{seed.HONGDA}/poverty?year=2016")).json()
    (year,) = api["years"]
    by_purpose = sums((a["purpose"], Decimal(a["amount"])) for a in year["allocations"])
    chart = bar_chart("华藏寺镇 红大村 扶贫资金按用途", by_purpose)
    assert chart is not None
    served = await http.get(place_chart_url("", seed.HONGDA, 2016))
    assert served.headers["etag"] == f'"{digest(chart)}"'  # the same title, bars and amounts
