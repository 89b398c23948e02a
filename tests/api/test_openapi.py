"""The OpenAPI 3.1 document: valid, and Schemathesis run against the live server
from it finds no server error, no undocumented status and no schema violation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
from openapi_spec_validator import validate

from tests.api.conftest import set_setting
from tests.conftest import EXAMPLES

EVERY_TYPE = """
cueflow: 1
data_types:
  Member:
    fields: {name: text}
things:
  Member:
    - {name: Ada}
workflows:
  every_type:
    api: {expose: true, auth: token}
    parameters:
      words: {type: text}
      count: {type: number, optional: true}
      flag: {type: yes/no, optional: true}
      when: {type: date, optional: true}
      who: {type: Member, optional: true}
      tags: {type: list of text, optional: true}
      dates: {type: list of date, optional: true}
    steps:
      - action: return_data
        with: {values: {words: "{{ words }}", count: "{{ count }}"}}
  public_get:
    api: {expose: true, auth: none, method: GET, respond: at_once}
    parameters:
      n: {type: number}
      many: {type: list of number, optional: true}
    steps:
      - action: log
        with: {message: "{{ n }}"}
  internal:
    steps:
      - action: log
        with: {message: hidden}
"""


def test_the_document_is_valid_openapi_3_1_of_the_exposed_workflows(api_server: Any) -> None:
    api = api_server(EVERY_TYPE)
    with api.client() as client:
        answer = client.get("/api/1.1/openapi.json")
    assert answer.status_code == 200
    doc = answer.json()
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    paths = doc["paths"]
    assert set(paths) == {
        "/api/1.1/wf/every_type",
        "/api/1.1/wf/public_get",
        "/api/1.1/runs/{run_id}",
    }
    post = paths["/api/1.1/wf/every_type"]["post"]
    assert post["security"] == [{"bearer": []}]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["words"] and body["additionalProperties"] is False
    props = body["properties"]
    assert props["count"] == {"type": "number"}
    assert props["flag"] == {"type": "boolean"}
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["who"]["type"] == "string"
    assert props["dates"] == {"type": "array", "items": {"type": "string", "format": "date-time"}}
    assert set(post["responses"]) >= {"200", "202", "400", "401", "404", "405", "413", "415"}
    assert {"422", "429", "500"} <= set(post["responses"])
    get = paths["/api/1.1/wf/public_get"]["get"]
    assert get["security"] == [] and "401" not in get["responses"]
    assert [p["name"] for p in get["parameters"] if p["in"] == "query"] == ["n", "many"]
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}


def test_schemathesis_finds_nothing_against_the_live_server(
    api_server: Any, db: Any, imported: Any, tmp_path: Path
) -> None:
    imported((EXAMPLES / "trial_reminder.yaml").read_text())
    set_setting(db, "api.wait", "5")
    api = api_server(EVERY_TYPE)
    token = api.token()
    with httpx.Client(timeout=10) as client:
        validate(client.get(api.url + "/api/1.1/openapi.json").json())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "run",
            api.url + "/api/1.1/openapi.json",
            "--checks",
            # No not_a_server_error: §6 answers a failed run with 500 (documented, with
            # its run_id); an internal error has no run_id and breaks the 500 schema.
            "status_code_conformance,content_type_conformance,"
            "response_schema_conformance,response_headers_conformance",
            "--max-examples",
            "30",
            "--seed",
            "15",
            "--header",
            f"Authorization: Bearer {token}",
            "--request-timeout",
            "30",
            "--phases",
            "examples,coverage,fuzzing",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    # every_type, public_get, the example's start_trial and GET /runs/{run_id}
    assert "Tested: 4" in result.stdout, result.stdout[-3000:]
