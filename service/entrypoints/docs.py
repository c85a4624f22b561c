"""The API documents, offline: Swagger UI at /docs and ReDoc at /redoc, from the assets the
``fastapi-offline`` package ships (FastAPI's own pages load them from a CDN, which neither
the Content-Security-Policy nor an offline machine allows).

The pages are FastAPI's own, rendered once: Swagger UI's starts from an inline script, so the
pages get a policy that allows exactly those scripts by their hashes, and ReDoc's ``blob:``
search worker (``security_headers``).

ReDoc's script shows its maker's logo, an image on its maker's site, in its menu: the script
is served with that address replaced by an empty ``data:`` image, which fails to load and is
hidden, so the page asks no other host for anything (the policy would block it all the same).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from service.entrypoints.security_headers import page_policy

ASSETS = "/docs/assets"
REDOC_SCRIPT = "redoc.standalone.js"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"


def install_docs(app: FastAPI) -> dict[str, str]:
    """Serve the documents' pages and assets; the Content-Security-Policy of each page."""
    assert app.openapi_url is not None and app.swagger_ui_oauth2_redirect_url is not None
    redirect_url = app.swagger_ui_oauth2_redirect_url
    pages = {
        "/docs": get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=redirect_url,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        ),
        "/redoc": get_redoc_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS}/{REDOC_SCRIPT}",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        ),
        redirect_url: get_swagger_ui_oauth2_redirect_html(),
    }
    static = resources.files("fastapi_offline") / "static"
    # Before the mount, which would serve the script as it ships.
    app.add_route(
        f"{ASSETS}/{REDOC_SCRIPT}", _redoc_script(static / REDOC_SCRIPT), methods=["GET"], include_in_schema=False
    )
    app.mount(ASSETS, StaticFiles(directory=str(static)), name="docs-assets")
    for path, page in pages.items():
        app.add_route(path, _serve(bytes(page.body)), methods=["GET"], include_in_schema=False)
    return {path: page_policy(bytes(page.body).decode(), worker_src="'self' blob:") for path, page in pages.items()}


def _redoc_script(shipped: Traversable) -> Callable[[Request], Response]:
    @cache  # read at the first request: a megabyte the API's cold start need not read
    def script() -> bytes:
        return shipped.read_bytes().replace(REDOC_LOGO, b"data:,")

    def serve(_: Request) -> Response:  # a plain function: Starlette runs it off the event loop
        return Response(script(), media_type="text/javascript")

    return serve


def _serve(body: bytes) -> Callable[[Request], Awaitable[HTMLResponse]]:
    async def page(_: Request) -> HTMLResponse:
        return HTMLResponse(body)

    return page
