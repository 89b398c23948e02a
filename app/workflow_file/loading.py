"""Parsing a workflow file fast, with exactly what `reader.load_text` accepts.

`reader.load_text` parses with PyYAML's pure-Python loader so that every
problem names its line and column; for a file of 100,000 things that alone
takes about 15 s. Here the same document is first parsed by a faster route:

- JSON (a file that starts with `{`) by the `json` module (in C), numbers
  read as the YAML loader reads them (`1e5` stays text, as in YAML 1.1);
- other YAML from libyaml's parser events (in C, when PyYAML has it), built
  into the document directly with an explicit stack — no nodes, no recursion
  — resolving plain scalars with the reader's own resolvers (YAML 1.2
  booleans) and constructors. libyaml's own composer is not used: it recurses
  in C and crashes the process on a list nested 100,000 deep. 100,000 things
  in YAML load in about 1.5 s this way, against 10 s through PyYAML's composer.

Whenever the fast route finds anything wrong or unusual (a key given twice,
NaN/Infinity, a surrogate escape, an alias, an explicit tag, a merge key,
nesting 100 deep, a value that cannot be constructed, any syntax error), the
text is parsed again by `reader.load_text`, which answers exactly as before,
the problem with its place. So a good file is read
fast and a bad one is explained the same way.
"""

from __future__ import annotations

import importlib
import json
import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode
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
_FastLoader: Any = _CParser  # what answers a YAML file fast, if anything

# Past this depth the careful loader decides (it refuses nesting beyond the
# recursion limit); no workflow file nests anywhere near it.
_MAX_DEPTH = 100
_CONSTRUCTOR = SafeConstructor()
_RESOLVER = Resolver()
_RESOLVER.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers  # YAML 1.2 booleans
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_FIRST_CHARACTERS = frozenset(_RESOLVER.yaml_implicit_resolvers)
_SCALAR_TAGS = frozenset(
    {
        _STR,
        _NULL,
        _BOOL,
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    }
)


def _plain(value: str) -> Any:
    """A plain (unquoted) scalar, resolved and constructed as the reader does."""
    if value[:1] not in _FIRST_CHARACTERS:  # most text: no lookup at all
        return value
    if value.isascii() and value.isdigit() and (value[0] != "0" or value == "0"):
        return int(value)  # a plain decimal (`017` is octal in YAML 1.1: resolved below)
    tag = _RESOLVER.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if tag == _STR:
        return value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in ("true", "True", "TRUE")
    if tag not in _SCALAR_TAGS:  # `<<` (merge), `=` (value): the careful loader decides
        raise _Unusual(tag)
    return _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, ScalarNode(tag, value))


def _load_yaml(text: str) -> Any:
    """Build the document straight from libyaml's events: no nodes, no recursion.

    Only the ordinary is decided here — plain and quoted scalars, mappings with
    hashable, distinct keys, lists, one document, no alias, no explicit tag;
    anything else is `_Unusual`, for the careful loader.
    """
    if _CParser is None:
        raise _Unusual("no libyaml")
    parser = _CParser(text)
    try:
        return _build(parser)
    finally:
        parser.dispose()


def _build(parser: Any) -> Any:
    # Each open collection: [the list or dict, the key awaiting its value or _NO_KEY].
    stack: list[list[Any]] = []
    document: Any = None
    documents = 0
    while True:
        event = parser.get_event()
        kind = type(event)
        if kind is ScalarEvent:
            if event.tag is not None:  # `!!str`, `!!binary`, `!x` …
                raise _Unusual(event.tag)
            value: Any = _plain(event.value) if event.implicit[0] else event.value
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if event.tag is not None:
                raise _Unusual(event.tag)
            if len(stack) >= _MAX_DEPTH:
                raise _Unusual("deep nesting")
            stack.append([{} if kind is MappingStartEvent else [], _NO_KEY])
            continue
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            value = stack.pop()[0]
            if stack and type(stack[-1][0]) is dict and stack[-1][1] is _NO_KEY:
                raise _Unusual("a collection as a key")
        elif kind is DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _Unusual("more than one document")
            continue
        elif kind is StreamEndEvent:
            return document
        elif kind is AliasEvent:
            raise _Unusual("an alias")
        else:  # StreamStart, DocumentEnd
            continue
        if not stack:
            document = value
            continue
        top = stack[-1]
        collection = top[0]
        if type(collection) is list:
            collection.append(value)
        elif top[1] is _NO_KEY:
            if value in collection:  # also raises TypeError for an unhashable key
                raise _Unusual("a key given twice")
            top[1] = value
        else:
            collection[top[1]] = value
            top[1] = _NO_KEY


_NO_KEY = object()


def load_fast(text: str, name: str = "file") -> Any:
    """What `reader.load_text(text, name)` returns (or raises), sooner for large files."""
    try:
        if text.lstrip()[:1] == "{":
            return _load_json(text)
        return _load_yaml(text)
    except Exception:  # anything at all: the careful loader decides
        pass
    return load_text(text, name)
