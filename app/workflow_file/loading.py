"""Parsing a workflow file fast, with exactly what `reader.load_text` accepts.

`reader.load_text` parses with PyYAML's pure-Python loader so that every
problem names its line and column; for a file of 100,000 things that alone
takes about 15 s. Here the same document is first parsed by a faster route:

JSON (a file that starts with `{`) is read by the `json` module (in C),
numbers as the YAML loader reads them (`1e5` stays text, as in YAML 1.1); a
key given twice, NaN/Infinity, a surrogate escape, nesting past the recursion
limit or any syntax error sends the text to `reader.load_text`, which answers
exactly as before, the problem with its place. So a good file is read fast
and a bad one is explained the same way.

YAML is left to the careful loader: libyaml's C parser would be about three
times faster, but it crashes the process (a C stack overflow) on a list
nested 100,000 deep, which a hostile file can be.
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.workflow_file.reader import _Loader, load_text

_FLOAT_TAG = "tag:yaml.org,2002:float"
_YAML_FLOAT = next(
    rx
    for rx_list in _Loader.yaml_implicit_resolvers.values()
    for tag, rx in rx_list
    if tag == _FLOAT_TAG
)


class _Unusual(Exception):
    """Something the fast route does not decide: the careful loader takes over."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Unusual("a key given twice")
    return out


def _number(text: str) -> Any:
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return float(text) if _YAML_FLOAT.match(text) else text


def _constant(text: str) -> Any:
    raise _Unusual(text)  # NaN, Infinity: not JSON, and not YAML numbers either


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _load_json(text: str) -> Any:
    if _SURROGATE_ESCAPE.search(text):  # json pairs them up, YAML keeps them apart
        raise _Unusual("a surrogate escape")
    return json.loads(
        text,
        object_pairs_hook=_pairs,
        parse_float=_number,
        parse_int=_number,
        parse_constant=_constant,
    )


def load_fast(text: str, name: str = "file") -> Any:
    """What `reader.load_text(text, name)` returns (or raises), sooner for large files."""
    try:
        if text.lstrip()[:1] == "{":
            return _load_json(text)
    except (_Unusual, ValueError, RecursionError):
        pass
    return load_text(text, name)
