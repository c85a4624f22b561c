"""docs/schema.graphql is the schema the API serves: the web UI's documents are checked
against it, so a change to the schema shows up here first."""

from __future__ import annotations

from pathlib import Path

from service.entrypoints.graphql.schema import build_schema

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"


def test_the_exported_schema_is_the_one_the_api_serves() -> None:
    served = build_schema().as_str()

    assert SCHEMA_FILE.read_text().strip() == served.strip(), (
        "docs/schema.graphql is out of date: regenerate it with "
        '.venv/bin/python -c "from service.entrypoints.graphql.schema import build_schema; '
        'print(build_schema().as_str())" > docs/schema.graphql'
    )
