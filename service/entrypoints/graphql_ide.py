"""The GraphQL IDE's page, GET /graphql when the IDE is on: GraphiQL, built by the web build
(``web/src/graphiql``, ``make web-build``) into ``static/graphiql`` in this package, so it ships
in the Lambda bundle as it runs locally. Strawberry's own page loads GraphiQL, React and their
styles from a CDN: offline it stays blank, and it needs a policy that trusts another host.

The page's files are served under /docs/graphiql/, a path the gateway and CloudFront already
send to the API with the other documents; the page has no inline script, so it runs under the
app's own Content-Security-Policy (``security_headers``), which allows its own origin only.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

BUILD = Path(__file__).parent / "static" / "graphiql"
ASSETS = "/docs/graphiql/assets"  # where the build's page looks for its files (web/vite.graphiql.config.ts)

# What the page says when the web build has not run (a local stack on a machine without
# Node.js): the API and POST /graphql work all the same.
NOT_BUILT = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Scheduler - GraphiQL is not built</title></head>
<body>
<h1>The GraphQL IDE is not built</h1>
<p>GraphiQL's files are made by the web build: run <code>make web-build</code> (it needs Node.js)
and start the stack again. Meanwhile, send operations with <code>POST /graphql</code>.</p>
</body>
</html>
"""


def mount_graphql_ide(app: FastAPI, build: Path = BUILD) -> bool:
    """Serve the page's files, when they are built; whether they are."""
    graphql_ide_page()  # read now, at start-up, rather than on the event loop at the first request
    if not (build / "assets").is_dir():
        return False
    app.mount(ASSETS, StaticFiles(directory=build / "assets"), name="graphql-ide-assets")
    return True


@cache
def graphql_ide_page() -> str:
    """The page GET /graphql serves."""
    return page_in(BUILD)


def page_in(build: Path) -> str:
    page = build / "index.html"
    return page.read_text(encoding="utf-8") if page.is_file() else NOT_BUILT
