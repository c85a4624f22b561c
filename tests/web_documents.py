"""The web UI's GraphQL documents, read from web/src/api/documents.ts, so that the API's
tests hold the UI's real queries to the API's limits (not a copy that could drift).

The module builds its documents from template literals that name one another's
constants (``${SCHEDULE_FIELDS}``); these are substituted in order, as JavaScript would.
"""

from __future__ import annotations

import re
from pathlib import Path

DOCUMENTS_TS = Path(__file__).resolve().parents[1] / "web" / "src" / "api" / "documents.ts"
_CONSTANT = re.compile(r"^(?:export )?const (\w+) = `(.*?)`;", re.S | re.M)
_SUBSTITUTION = re.compile(r"\$\{(\w+)\}")

SCHEDULER_API_TS = DOCUMENTS_TS.with_name("schedulerApi.ts")


def _page_size() -> int:
    """The page of schedules the UI asks for (``PAGE_SIZE`` in web/src/api/schedulerApi.ts)."""
    found = re.search(r"^export const PAGE_SIZE = (\d+);", SCHEDULER_API_TS.read_text(), re.M)
    assert found, f"no PAGE_SIZE in {SCHEDULER_API_TS}"
    return int(found.group(1))


# The UI's own variables at their largest: its page of schedules, and the API's maxima where the
# UI lets them vary.
UI_VARIABLES = {"first": _page_size(), "runs": 100, "count": 100, "jobId": "00000000-0000-7000-8000-000000000001"}


def web_documents() -> dict[str, str]:
    """The exported documents by name: SCHEDULES_QUERY, CREATE_MUTATION..."""
    source = DOCUMENTS_TS.read_text()
    constants: dict[str, str] = {}
    exported: dict[str, str] = {}
    for match in _CONSTANT.finditer(source):
        name, body = match.group(1), match.group(2)
        constants[name] = _SUBSTITUTION.sub(lambda m: constants[m.group(1)], body)
        if match.group(0).startswith("export"):
            exported[name] = constants[name]
    return exported
