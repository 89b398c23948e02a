"""Parsing a workflow file fast, with exactly what `reader.load_text` accepts.

`reader.load_text` parses with PyYAML's pure-Python loader so that every
problem names its line and column; for a file of 100,000 things that alone
takes about 15 s. Here the same document is first parsed by a faster route:

- JSON (a file that starts with `{`) by the `json` module (in C), numbers
  read as the YAML loader reads them (`1e5` stays text, as in YAML 1.1);
- other YAML by libyaml's parser (in C, when PyYAML has it) for the events,
  while composing, constructing and resolving stay the reader's own (aliases
  and keys given twice refused, YAML 1.2 booleans, the recursion limit).
  libyaml's own composer is not used: it recurses in C and crashes the
  process on a list nested 100,000 deep.

Whenever the fast route finds anything wrong or unusual (a key given twice,
NaN/Infinity, a surrogate escape, an alias, nesting past the recursion limit,
any syntax error), the text is parsed again by `reader.load_text`, which
answers exactly as before, the problem with its place. So a good file is read
fast and a bad one is explained the same way.
"""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

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


_CParser: Any = (
    getattr(importlib.import_module("yaml.cyaml"), "CParser", None)
    if getattr(yaml, "__with_libyaml__", False)
    else None
)  # PyYAML built with libyaml
_FastLoader: Any = None
if _CParser is not None:

    class _FastLoader(_CParser, _Loader):  # type: ignore[no-redef,misc]
        """Events from libyaml (C); composing (aliases refused), constructing (keys
        given twice refused) and resolving (YAML 1.2 booleans) as the reader does."""

        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        check_node = Composer.check_node
        get_node = Composer.get_node

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)


def _load_yaml(text: str) -> Any:
    if _FastLoader is None:
        raise _Unusual("no libyaml")
    loader = _FastLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_fast(text: str, name: str = "file") -> Any:
    """What `reader.load_text(text, name)` returns (or raises), sooner for large files."""
    try:
        if text.lstrip()[:1] == "{":
            return _load_json(text)
        return _load_yaml(text)
    except Exception:  # anything at all: the careful loader decides
        pass
    return load_text(text, name)
