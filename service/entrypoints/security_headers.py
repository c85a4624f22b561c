"""The security headers every answer carries: the API's JSON, its documents, and the web UI
when the local stack serves it (in the cloud CloudFront adds the same ones to the UI's files,
see ``infra/edge.py``).

The Content-Security-Policy is what the web UI needs and no more: its own scripts, styles
and API; inline styles because Mantine writes its CSS variables into ``<style>`` elements
and ``style`` attributes; ``data:`` images for icons in CSS; nothing may frame any page.
Swagger UI's page starts it with an inline script, whose hash ``docs.py`` adds for the
documents' pages alone; ReDoc builds its search worker from a ``blob:`` URL. The GraphQL IDE's
page needs nothing more: its files, its editor's workers included, are the app's own
(``graphql_ide.py``).
"""

from __future__ import annotations

import base64
import hashlib
import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP_DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Browsers keep to HTTPS for two years once they have seen this over HTTPS.
HSTS_MAX_AGE = 63072000
HSTS = f"max-age={HSTS_MAX_AGE}; includeSubDomains"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HEADERS: dict[str, str] = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors' older spelling
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def content_security_policy(**extra: str) -> str:
    """The policy, each of ``extra``'s directives (``script_src="'sha256-…'"``) added to its own."""
    directives = dict(CSP_DIRECTIVES)
    for name, sources in extra.items():
        key = name.replace("_", "-")
        directives[key] = f"{directives[key]} {sources}" if key in directives else sources
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


CSP = content_security_policy()
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def page_policy(html: str, **extra: str) -> str:
    """The policy for one HTML page of the app's own: ``extra``, and each of its inline scripts
    allowed by its SHA-256 (CSP level 2), so that no other inline script may run."""
    hashes = [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in _INLINE_SCRIPT.findall(html)]
    if hashes:
        own = " ".join(f"'sha256-{digest}'" for digest in hashes)
        extra["script_src"] = f"{extra['script_src']} {own}" if "script_src" in extra else own
    return content_security_policy(**extra)


class SecurityHeaders:
    """Adds the headers above to every answer that does not set its own.

    ``policies`` gives the HTML page at a path its own Content-Security-Policy (the documents').
    HSTS goes only on answers to HTTPS requests (on Lambda, API Gateway's ``X-Forwarded-Proto``);
    JSON answers that say nothing of caching are ``no-store``: they hold a namespace's data.
    """

    def __init__(self, app: ASGIApp, policies: dict[str, str] | None = None) -> None:
        self.app = app
        self.policies = policies or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        page = self.policies.get(scope["path"])
        secure = scope.get("scheme") == "https"

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                is_page = page is not None and headers.get("content-type", "").startswith("text/html")
                headers.setdefault("Content-Security-Policy", page if page is not None and is_page else CSP)
                for name, value in HEADERS.items():
                    headers.setdefault(name, value)
                if secure:
                    headers.setdefault("Strict-Transport-Security", HSTS)
                if headers.get("content-type", "").startswith("application/json"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, with_headers)
