"""`cueflow schema` as a real process: the workflow file's JSON Schema on standard output."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from app.workflow_file.read_base import plain
from app.workflow_file.reader import load_text
from tests.conftest import EXAMPLES, cueflow_run


def test_schema_prints_the_json_schema_and_exits_0(data_dir: Path) -> None:
    result = cueflow_run(data_dir, "schema")
    assert result.code == 0, result.err
    assert result.err == ""
    schema = json.loads(result.out)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    doc = plain(load_text((EXAMPLES / "birthday.yaml").read_text(encoding="utf-8")))
    assert list(validator.iter_errors(doc)) == []
    doc["workflows"]["send_birthday_email"]["timeout"] = "soon"
    assert list(validator.iter_errors(doc)) != []
    assert not (data_dir / "cueflow.db").exists()  # it needs no data folder


def test_schema_refuses_arguments_with_exit_2(data_dir: Path) -> None:
    result = cueflow_run(data_dir, "schema", "--bogus")
    assert result.code == 2
    assert "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
