"""docs/schema.graphql is the schema the running API serves: asked of the app itself, by
introspection over POST /graphql with a key, as a client or the IDE asks it. The web UI's
documents are checked against the same file (web/src/api/documents.test.ts), so a change to
the schema shows up in one of the two first."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from graphql import (
    GraphQLSchema,
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "schema.graphql"
REGENERATE = (
    "docs/schema.graphql is out of date: regenerate it with "
    '.venv/bin/python -c "from service.entrypoints.graphql.schema import build_schema; '
    'print(build_schema().as_str())" > docs/schema.graphql'
)


def _sdl(schema: GraphQLSchema) -> str:
    """The schema as SDL, types and fields in one order whatever order they were declared in."""
    return print_schema(lexicographic_sort_schema(schema))


def test_the_schema_file_is_the_schema_the_running_app_serves(client: TestClient) -> None:
    # Given the snapshot, and the schema the app describes to a client with a key
    snapshot = build_schema(SCHEMA_FILE.read_text())
    introspection = get_introspection_query(
        descriptions=True, specified_by_url=True, directive_is_repeatable=True, input_value_deprecation=True
    )

    answer = client.post("/graphql", json={"query": introspection, "operationName": "IntrospectionQuery"})

    # Then the two describe the same types, fields, arguments, defaults and descriptions
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "errors" not in body, body["errors"]
    served = build_client_schema(body["data"])
    assert _sdl(snapshot) == _sdl(served), REGENERATE
