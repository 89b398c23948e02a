"""How times, durations and values read in the window."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from app.core.types import local_zone, utcnow
from app.core.when import span


def local_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return value.astimezone(local_zone()).strftime("%Y-%m-%d %H:%M:%S")


def relative(value: datetime, now: datetime | None = None) -> str:
    """`in 3 h`, `5 min ago`: the distance from now, coarse."""
    seconds = (value - (now or utcnow())).total_seconds()
    text = span(abs(seconds))
    if abs(seconds) < 1:
        return "now"
    return f"in {text}" if seconds > 0 else f"{text} ago"


def duration(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    seconds = (end - start).total_seconds()
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    return span(seconds)


def short(value: Any, limit: int = 80) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def params_text(params: dict[str, Any], limit: int = 80) -> str:
    return short(", ".join(f"{k}={short(v, 40)}" for k, v in params.items()), limit)


def zone_name() -> str:
    zone = local_zone()
    offset = datetime.now(zone).strftime("%z")
    return f"{zone} (UTC{offset[:3]}:{offset[3:]})"
