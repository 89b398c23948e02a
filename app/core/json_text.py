"""JSON text as `json.dumps(value)` gives it, for the values a run writes by the
dozen (step records, things' fields, run parameters).

`json.dumps` builds a new C encoder for every call (JSONEncoder.iterencode): for
the small values of a run that is most of its cost (2.0 µs against 0.7 µs here
for a two-field mapping; eight a run; issue 18). This one is built once, with
dumps's defaults, except that it does not look for circular references: what is
written is plain data made for the purpose (to_json_safe, a thing's fields),
which cannot hold a cycle, and one would end in RecursionError instead of
ValueError. It keeps no state between calls, so threads share it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder
from typing import Any


def _make() -> Callable[[Any], str]:
    make = getattr(encoder, "c_make_encoder", None)  # (not in the stubs)
    if make is None:  # (no C accelerator on this interpreter)
        return json.dumps
    encode = make(
        None,  # markers: no check for circular references
        encoder.JSONEncoder().default,  # TypeError for what JSON cannot hold
        encoder.encode_basestring_ascii,  # ensure_ascii, as dumps
        None,  # indent
        ": ",
        ", ",
        False,  # sort_keys
        False,  # skipkeys
        True,  # allow_nan, as dumps
    )

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


dumps: Callable[[Any], str] = _make()
