"""The OpenAPI 3.1 document of the exposed workflows (PRODUCT §6).

Each workflow's parameters become a JSON Schema: text → string, number →
number, yes/no → boolean, date → string (date-time), a thing → its ID (a
string), `list of X` → an array. A form body or query string carries the
same parameters as text, read as `-p` reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app import __version__
from app.core.definitions import WorkflowDef
from app.core.types import ValueType

PREFIX = "/api/1.1"
ERROR = "#/components/schemas/Error"
NUMBER_TEXT = r"^-?[0-9]{1,15}(\.[0-9]{1,15})?$"


def value_schema(vtype: ValueType) -> dict[str, Any]:
    if vtype.is_list:
        return {"type": "array", "items": value_schema(vtype.item)}
    if vtype.base == "text":
        return {"type": "string"}
    if vtype.base == "number":
        return {"type": "number"}
    if vtype.base == "yes/no":
        return {"type": "boolean"}
    if vtype.base == "date":
        return {"type": "string", "format": "date-time"}
    return {"type": "string", "description": f"the ID of a {vtype.base}"}


def text_schema(vtype: ValueType) -> dict[str, Any]:
    """A parameter as form or query text (`-p` syntax)."""
    if vtype.is_list:
        return {"type": "string", "description": f"a JSON array ({vtype})"}
    if vtype.base == "yes/no":
        return {"type": "string", "enum": ["yes", "no", "true", "false"]}
    if vtype.base == "date":
        return {"type": "string", "format": "date-time"}
    if vtype.base == "number":
        return {"type": "string", "pattern": NUMBER_TEXT}
    return {"type": "string", "description": str(vtype)}


def _object(wf: WorkflowDef, *, as_text: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            p.key: (text_schema(p.type) if as_text else value_schema(p.type)) for p in wf.parameters
        },
        "additionalProperties": False,
    }
    required = [p.key for p in wf.parameters if not p.optional]
    if required:
        schema["required"] = required
    return schema


def _error(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": ERROR}}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _responses(*, token: bool, starts: bool) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": {
            "description": "the run ended: success (what return_data gave) or terminated",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Done"}}},
        },
        "202": {
            "description": "the run is in the ledger and goes on; poll /runs/{run_id}",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Accepted"}}},
        },
        "400": _error("bad parameters (field names which), or the condition is not met"),
        "404": _error("no such workflow (or not exposed), or no such run"),
        "405": _error("wrong method", {"Allow": {"schema": {"type": "string"}}}),
        "408": _error("the request body came too slowly"),
        # Only the run's own failure is documented: an internal error (no run_id)
        # breaks this schema, so a fuzzer against the document reports it.
        "500": {
            "description": "the run failed: its ID and the reason",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RunFailed"}}},
        },
        "503": {"description": "too many connections at once (the server's own limit)"},
    }
    if token:
        responses["401"] = _error(
            "no or bad token", {"WWW-Authenticate": {"schema": {"type": "string"}}}
        )
    if starts:
        responses["413"] = _error("the body is over api.max_body bytes")
        responses["415"] = _error("another content type")
        responses["422"] = _error("the Idempotency-Key was used with other parameters")
        responses["429"] = _error(
            "too many API runs wait (api.max_pending)",
            {"Retry-After": {"schema": {"type": "string"}}},
        )
    return responses


_HEADERS = [
    {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "a repeat within 24 hours starts nothing and answers as the first run",
        "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"},
    },
    {
        "name": "Prefer",
        "in": "header",
        "required": False,
        "description": "respond-async: answer 202 as soon as the run is in the ledger",
        "schema": {"type": "string", "enum": ["respond-async"]},
    },
]


def _operation(wf: WorkflowDef) -> dict[str, Any]:
    token = wf.api.auth == "token"
    operation: dict[str, Any] = {
        "operationId": f"run_{wf.name}",
        "summary": wf.label or wf.name,
        "description": (wf.description or "")
        + f"\n\nRespond: {wf.api.respond}. Parameters are read as `cueflow run -p` reads them.",
        "security": [{"bearer": []}] if token else [],
        "parameters": list(_HEADERS),
        "responses": _responses(token=token, starts=True),
    }
    if wf.api.method == "GET":
        operation["parameters"] = [
            {
                "name": p.key,
                "in": "query",
                "required": not p.optional,
                "schema": text_schema(p.type),
            }
            for p in wf.parameters
        ] + operation["parameters"]
    else:
        operation["requestBody"] = {
            "required": False,
            "content": {
                "application/json": {"schema": _object(wf, as_text=False)},
                "application/x-www-form-urlencoded": {"schema": _object(wf, as_text=True)},
            },
        }
    return operation


def document(workflows: Sequence[WorkflowDef], server: str = "") -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for wf in sorted(workflows, key=lambda w: w.name):
        paths[f"{PREFIX}/wf/{wf.name}"] = {wf.api.method.lower(): _operation(wf)}
    paths[f"{PREFIX}/runs/{{run_id}}"] = {
        "get": {
            "operationId": "get_run",
            "summary": "A run an API call started, in the shape of the call's answer",
            "security": [{"bearer": []}, {}],
            "parameters": [
                {"name": "run_id", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "responses": _responses(token=True, starts=False),
        }
    }
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "Cueflow workflow API", "version": __version__},
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Done": {
                    "type": "object",
                    "required": ["status", "run_id", "response"],
                    "properties": {
                        "status": {"enum": ["success", "terminated"]},
                        "run_id": {"type": ["string", "null"]},
                        "response": {"type": "object"},
                    },
                },
                "Accepted": {
                    "type": "object",
                    "required": ["status", "run_id"],
                    "properties": {
                        "status": {"const": "accepted"},
                        "run_id": {"type": "string"},
                    },
                },
                "RunFailed": {
                    "type": "object",
                    "required": ["status", "run_id", "message"],
                    "properties": {
                        "status": {"const": "error"},
                        "run_id": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
                "Error": {
                    "type": "object",
                    "required": ["status", "message"],
                    "properties": {
                        "status": {"const": "error"},
                        "message": {"type": "string"},
                        "field": {"type": "string"},
                        "run_id": {"type": ["string", "null"]},
                    },
                },
            },
        },
    }
    if server:
        doc["servers"] = [{"url": server}]
    return doc
