"""The HTTP side of ``scheduler schedules``: requests to the API with its key (stdlib
``urllib``, no dependency of its own), its answers, and the exit code each failure gives.

Exit codes, for scripts:

====  ==========================================================================
0     done
1     the API refused the request (4xx: invalid input, a reused idempotency key...)
2     the command line was wrong, or no URL or key was given
3     not found (404)
4     a conflict: a stale version (412), a completed schedule, a key in use (409)
5     the API failed, asked to retry later (5xx, 429), or could not be reached
====  ==========================================================================
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_NOT_FOUND, EXIT_CONFLICT, EXIT_UNAVAILABLE = range(6)
USER_AGENT = "scheduler-cli"


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class ApiFailure(Exception):  # noqa: N818 - a failure the command reports, with its exit code
    """The API answered with an error (``answer`` holds its body), or could not be reached."""

    def __init__(self, message: str, exit_code: int, answer: Answer | None = None) -> None:
        super().__init__(message)
        self.message, self.exit_code, self.answer = message, exit_code, answer


def exit_code_for(status: int) -> int:
    if status == 404:
        return EXIT_NOT_FOUND
    if status in (409, 412):
        return EXIT_CONFLICT
    if status == 429 or status >= 500:
        return EXIT_UNAVAILABLE
    return EXIT_REFUSED


class ApiClient:
    def __init__(self, url: str, key: str, timeout: float = 30.0) -> None:
        self._base = url.rstrip("/")
        self._key = key
        self._timeout = timeout

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: list[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        url = self._base + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
        return self.call_url(method, url, body, headers=headers)

    def call_url(self, method: str, url: str, body: Any = None, *, headers: dict[str, str] | None = None) -> Answer:
        sent = {"Authorization": f"Bearer {self._key}", "Accept": "application/json", "User-Agent": USER_AGENT}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(url, data=data, method=method, headers={**sent, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:
                return Answer(response.status, _json(response.read()), dict(response.headers.items()))
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, _json(error.read()), dict(error.headers.items()))
            raise ApiFailure(_error_message(answer), exit_code_for(error.code), answer) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ApiFailure(f"could not reach {self._base}: {reason}", EXIT_UNAVAILABLE) from None

    def absolute(self, link: str) -> str:
        """A ``Link`` target (a path) as a URL of the API."""
        return urllib.parse.urljoin(self._base + "/", link)


def next_link(answer: Answer) -> str | None:
    """The target of a ``Link: <...>; rel="next"`` header, if any."""
    header = next((v for k, v in answer.headers.items() if k.lower() == "link"), "")
    for part in header.split(","):
        target, _, params = part.partition(";")
        if 'rel="next"' in params:
            return target.strip().strip("<>")
    return None


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return raw.decode("utf-8", errors="replace")


def _error_message(answer: Answer) -> str:
    body = answer.body
    if isinstance(body, dict) and "error" in body:
        lines = [f"{answer.status} {body['error']}: {body.get('message', '')}"]
        lines += [f"  {p['field']}: {p['message']}" for p in body.get("problems") or []]
        return "\n".join(lines)
    return f"{answer.status}: {body}"
