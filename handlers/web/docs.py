"""The API's documentation page, `/api/docs`, served with its Swagger UI assets from the
`fastapi-offline` package: it works on a county intranet without reaching any CDN."""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_PATH = "/api/docs-assets"


def install(app: FastAPI, *, docs_url: str = "/api/docs") -> None:
    """Swagger UI at `docs_url` for the app's OpenAPI schema, assets served locally."""
    app.mount(ASSETS_PATH, StaticFiles(directory=ASSETS), name="api-docs-assets")
    openapi_url = app.openapi_url or "/api/openapi.json"

    @app.get(docs_url, include_in_schema=False)
    async def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - 接口文档",
            swagger_js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_PATH}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS_PATH}/favicon.png",
        )
