"""The pages, downloads and API defend themselves: security headers, no spreadsheet formulas
in downloads, no NUL byte reaching the database, redirects that stay on the site, a private
/metrics, a per-client rate limit, API docs without a CDN, a 405 that says what is allowed."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from sqlalchemy import update

from catalogue.codes import normalize_code_text
from catalogue.importing.tables import parse_csv_text
from catalogue.models import Item
from tests.kits import citizen as kit

seed = kit.seed
NETBAR = normalize_code_text(seed.NETBAR)
FORMULAS = ("=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example","点我")', "+1+1", "@SUM(A1)")


def _client(side: kit.CitizenSide, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=side.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


@pytest.mark.parametrize("path", ["/", f"/items/{NETBAR}", "/api/items", "/no/such/page"])
async def test_every_answer_carries_the_security_headers(citizen_side, path):
    response = await citizen_side.http.get(path)
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert response.headers["x-frame-options"] == "DENY"


async def test_api_docs_are_served_without_a_cdn(citizen_side):
    http = citizen_side.http
    docs = await http.get("/api/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower() and "https://" not in docs.text
    assert "/api/docs-assets/swagger-ui-bundle.js" in docs.text
    script = await http.get("/api/docs-assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.text
    assert (await http.get("/api/docs-assets/swagger-ui.css")).status_code == 200
    # Swagger UI starts with one inline script: that page alone may run one.
    assert "'unsafe-inline'" in docs.headers["content-security-policy"]


async def test_csv_downloads_never_carry_a_live_formula(citizen_side):
    async with citizen_side.sessions() as session:
        for index, formula in enumerate(FORMULAS):
            column = ("name", "handling_office", "location", "fee")[index]
            await session.execute(
                update(Item).where(Item.code == seed.NETBAR).values({column: formula})
            )
        await session.commit()
    response = await citizen_side.http.get("/opendata/items.csv")
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    for formula in FORMULAS:
        assert formula not in cells
        assert "'" + formula in cells
    assert not any(cell.startswith(("=", "+", "@", "-", "\t", "\r")) for cell in cells)
    # The importer reads an exported list back as it was.
    table = parse_csv_text(response.text.lstrip("\ufeff"))
    read_back = {cell for row in table.rows for cell in row}
    assert set(FORMULAS) <= read_back


@pytest.mark.parametrize("path", ["/items/%00", "/api/items/%00", "/villages/6206%00"])
async def test_a_nul_byte_in_a_path_is_not_found_on_every_database(citizen_side_any_db, path):
    response = await citizen_side_any_db.http.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.json() == {"detail": "没有找到这个页面，可能已下线或地址有误。"}
    else:
        assert "没有找到" in response.text


async def test_a_nul_byte_in_a_query_matches_nothing_on_every_database(citizen_side_any_db):
    http = citizen_side_any_db.http
    page = await http.get("/search?q=%E7%BD%91%E5%90%A7%00")  # 网吧 + NUL
    assert page.status_code == 200 and "网吧" in page.text
    api = await http.get("/api/search?q=%E7%BD%91%E5%90%A7%00")
    assert api.status_code == 200 and api.json()
    assert (await http.get("/api/places?name=%00")).status_code in (200, 422)


async def test_the_normalising_redirect_stays_on_the_site(citizen_side):
    loose = seed.NETBAR.replace("—", "-").lower()
    response = await citizen_side.http.get(
        f"/items/{loose}", headers={"Host": "evil.example"}, follow_redirects=False
    )
    assert response.status_code == 301
    assert response.headers["location"] == f"/items/{NETBAR}"


async def test_undeclared_methods_say_what_is_allowed(citizen_side):
    for path in ("/api/items", "/opendata/items.csv", "/items"):
        response = await citizen_side.http.request("TRACE", path)
        assert response.status_code == 405
        assert response.headers["allow"] == "GET", path


async def test_metrics_are_for_this_machine_only_without_a_token(citizen_side):
    assert (await citizen_side.http.get("/metrics")).status_code == 200  # loopback client
    async with _client(citizen_side, "203.0.113.7") as outsider:
        assert (await outsider.get("/metrics")).status_code == 404


async def test_metrics_token_is_required_when_set(sqlite_url):
    async with kit.running_side(sqlite_url, ZWBOT_METRICS_TOKEN="metrics-secret-1") as side:
        assert (await side.http.get("/metrics")).status_code == 404
        wrong = {"Authorization": "Bearer metrics-secret-2"}
        assert (await side.http.get("/metrics", headers=wrong)).status_code == 404
        right = {"Authorization": "Bearer metrics-secret-1"}
        answer = await side.http.get("/metrics", headers=right)
        assert answer.status_code == 200 and "zwbot_" in answer.text


async def test_each_client_is_rate_limited(sqlite_url):
    async with (
        kit.running_side(sqlite_url, ZWBOT_WEB_RATE_LIMIT_PER_MINUTE=3) as side,
        _client(side, "198.51.100.1") as first,
        _client(side, "198.51.100.2") as other,
    ):
        for _ in range(3):
            assert (await first.get("/api/search", params={"q": "网吧"})).status_code == 200
        refused = await first.get("/api/search", params={"q": "网吧"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json() == {"detail": "访问太频繁了，请稍等一分钟再试。"}
        page = await first.get("/search", params={"q": "网吧"})
        assert page.status_code == 429 and "访问太频繁" in page.text
        assert "content-security-policy" in page.headers
        # Static files and probes are not counted; another client is not affected.
        assert (await first.get("/static/style.css")).status_code == 200
        assert (await first.get("/healthz")).status_code == 200
        assert (await other.get("/api/search", params={"q": "网吧"})).status_code == 200
