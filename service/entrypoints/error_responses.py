"""The error answers each route documents in /openapi.json: an ``ErrorBody`` per status code.

They are given to FastAPI as a reference to the ``ErrorBody`` schema, not as a ``model``:
for every route and status code given a ``model``, FastAPI builds a pydantic validator at
import (about 150 of them here, an eighth of the API's own cold start) that only the
document ever reads. The document is the same: ``install_error_schemas`` adds the schemas
the references name to its components, as FastAPI would have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from fastapi.encoders import jsonable_encoder

from service.entrypoints.rest.models import ErrorBody

REF_TEMPLATE = "#/components/schemas/{model}"
ERROR_SCHEMA = REF_TEMPLATE.format(model="ErrorBody")

Responses = dict[int | str, dict[str, Any]]


def error_responses(*codes: int, descriptions: Mapping[int, str] | None = None) -> Responses:
    """The ``responses`` of a route that answers ``codes`` with an ``ErrorBody``; a code
    without a description gets its reason phrase, as FastAPI gives it."""
    described = descriptions or {}
    return {
        code: {
            "content": {"application/json": {"schema": {"$ref": ERROR_SCHEMA}}},
            **({"description": described[code]} if code in described else {}),
        }
        for code in codes
    }


def install_error_schemas(app: FastAPI) -> None:
    """Add ``ErrorBody`` and the schemas it uses to the app's document, once it is built."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()  # kept by the app as its openapi_schema: completed here, once
        schemas = document.setdefault("components", {}).setdefault("schemas", {})
        error = ErrorBody.model_json_schema(ref_template=REF_TEMPLATE, mode="serialization")
        # Without its nulls, as FastAPI writes the document (a "default": null goes).
        for name, schema in jsonable_encoder({**error.pop("$defs", {}), "ErrorBody": error}, exclude_none=True).items():
            schemas.setdefault(name, schema)
        document["components"]["schemas"] = dict(sorted(schemas.items()))
        return document

    app.openapi = openapi  # type: ignore[method-assign]
