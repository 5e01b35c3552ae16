"""Chinese error pages: 404 for what does not exist, 400 for bad input; JSON under /api."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from handlers.web.rendering import page

MESSAGES = {
    400: "您输入的内容不正确，请检查后再试。",
    404: "没有找到这个页面，可能已下线或地址有误。",
    405: "不支持这种访问方式。",
    410: "该事项已不再办理。",
    429: "访问太频繁了，请稍等一分钟再试。",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/api" or path.startswith("/wechat")


def error_page(
    request: Request,
    status_code: int,
    message: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error answer in the form the client expects (with the error's headers, such as the
    `Allow` of a 405, which RFC 9110 requires)."""
    text = message or MESSAGES.get(status_code, "请求无法完成。")
    if _wants_json(request):
        response: Response = JSONResponse({"detail": text}, status_code=status_code)
    else:
        response = page(
            request, "error.html", {"status": status_code, "message": text}, status_code=status_code
        )
    response.headers.update(headers or {})
    return response


def install(app: FastAPI) -> None:
    """Replace FastAPI's English error bodies by Chinese pages (the API keeps JSON)."""

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        # Our own details are Chinese sentences; the framework's English ones are replaced.
        detail = (
            error.detail if isinstance(error.detail, str) and not error.detail.isascii() else None
        )
        return error_page(request, error.status_code, detail, error.headers)

    @app.exception_handler(RequestValidationError)
    async def bad_input(request: Request, error: RequestValidationError) -> Response:
        if _wants_json(request):
            # FastAPI's documented shape (`detail`: the list of errors), with a Chinese summary.
            return JSONResponse(
                {"detail": jsonable_encoder(error.errors()), "message": "参数不正确。"},
                status_code=422,
            )
        return error_page(request, 400)
