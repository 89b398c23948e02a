"""`http_request`: call a web API with httpx."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx

from app.actions.spec import (
    ANY,
    CAPTURED,
    CHOICE,
    FAMILY_WEB,
    MAPPING,
    NUMBER,
    TEXT,
    YES_NO,
    ActionSpec,
    InputSpec,
    StepContext,
    plain,
)
from app.errors import StepFailed

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
MAX_BODY = 10 * 1024 * 1024


# Header names whose values are credentials: a preview shows them masked.
SECRET_HEADER = re.compile(r"authorization|cookie|token|secret|password|api[-_]?key", re.I)
MASK = "••••••"


def _request(
    ctx: StepContext, inputs: dict[str, Any]
) -> tuple[str, str, httpx.URL, dict[str, Any], float]:
    """Method, URL as given, the address with the query, the request's options,
    and the timeout: every check made before anything is sent."""
    method = str(inputs.get("method") or "GET").upper()
    if method not in METHODS:
        raise StepFailed(f"unknown method '{method}' (use {', '.join(METHODS)})")
    url = str(inputs["url"])
    if not url.startswith(("http://", "https://")):
        raise StepFailed(f"'{url}' is not an http:// or https:// address")
    timeout = min(float(inputs.get("timeout") or 30), max(ctx.remaining(), 0.1))
    query = {str(k): _query_value(v) for k, v in (inputs.get("query") or {}).items()}
    try:
        # `query` adds to the URL's own query string (httpx's `params` would replace it).
        target = httpx.URL(url).copy_merge_params(query) if query else httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError) as exc:
        raise StepFailed(f"'{url}' is not a valid address: {exc}") from None
    request: dict[str, Any] = {
        "headers": {str(k): str(v) for k, v in (inputs.get("headers") or {}).items()},
    }
    if inputs.get("json") is not None and inputs.get("body") is not None:
        raise StepFailed("give either 'json' or 'body', not both")
    if inputs.get("json") is not None:
        try:  # as httpx encodes it: a value JSON cannot carry is refused here, in words
            json.dumps(inputs["json"], allow_nan=False)
        except (ValueError, TypeError, RecursionError) as exc:
            reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
            raise StepFailed(f"the JSON body cannot be sent: {reason}") from None
        request["json"] = inputs["json"]
    elif inputs.get("body") is not None:
        request["content"] = str(inputs["body"]).encode()
    return method, url, target, request, timeout


def capture_request(ctx: StepContext, inputs: dict[str, Any]) -> dict[str, Any]:
    """A test run's http_request: the request as it would go out, not sent
    (credentials in headers masked); the same checks as a real call."""
    method, url, target, request, _ = _request(ctx, inputs)
    headers = {
        name: _masked(value) if SECRET_HEADER.search(name) else value
        for name, value in request["headers"].items()
    }
    preview: dict[str, Any] = {CAPTURED: True, "method": method, "url": str(target)}
    if headers:
        preview["headers"] = headers
    if "json" in request:
        preview["json"] = request["json"]
    elif "content" in request:
        preview["body"] = str(inputs["body"])
    ctx.log(f"{method} {url} captured (not sent)")
    return preview


def _masked(value: str) -> str:
    """`Bearer abc123` → `Bearer ••••••`: the scheme stays readable."""
    scheme, _, rest = value.partition(" ")
    return f"{scheme} {MASK}" if rest and scheme.isalpha() and len(scheme) < 12 else MASK


def http_request(ctx: StepContext, inputs: dict[str, Any]) -> dict[str, Any]:
    method, url, target, request, timeout = _request(ctx, inputs)
    try:
        with httpx.Client(timeout=timeout, follow_redirects=True) as client:
            response = client.request(method, target, **request)
    except httpx.TimeoutException:
        raise StepFailed(f"{method} {url}: no answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise StepFailed(f"{method} {url}: {exc}") from None
    text = response.text[:MAX_BODY]
    result = {
        "status": response.status_code,
        "headers": dict(response.headers),
        "json": _json_or_none(response, text),
        "text": text,
    }
    ctx.log(f"{method} {url} → {response.status_code}")
    if response.status_code >= 400 and not inputs.get("allow_error_status"):
        raise StepFailed(f"{method} {url} answered {response.status_code} {response.reason_phrase}")
    return result


def _query_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_query_value(v) for v in value]
    return str(value)


def _json_or_none(response: httpx.Response, text: str) -> Any:
    if not text:
        return None
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type and not text.lstrip().startswith(("{", "[")):
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        if "json" in content_type:
            raise StepFailed(f"{response.request.url} sent invalid JSON: {exc}") from None
        return None


# Collected by app.actions.registry.
SPECS: list[ActionSpec] = []

SPECS.append(
    ActionSpec(
        name="http_request",
        family=FAMILY_WEB,
        icon="web",
        label="Call a web API",
        inputs=(
            InputSpec("method", CHOICE, False, "HTTP method", "GET", METHODS, label="Method"),
            InputSpec("url", TEXT, True, "Address, http:// or https://", label="Address (URL)"),
            InputSpec("headers", MAPPING, False, "Request headers", label="Headers"),
            InputSpec("query", MAPPING, False, "Query string parameters", label="Query parameters"),
            InputSpec("json", ANY, False, "A value sent as a JSON body", label="JSON body"),
            InputSpec("body", TEXT, False, "A text body (instead of json)", label="Body"),
            InputSpec(
                "timeout",
                NUMBER,
                False,
                "Seconds to wait for the answer",
                30,
                label="Wait at most (seconds)",
            ),
            InputSpec(
                "allow_error_status",
                YES_NO,
                False,
                "Do not fail on a 4xx/5xx answer",
                False,
                label="Accept error answers",
            ),
        ),
        perform=http_request,
        capture=capture_request,
        result="status, headers, json, text",
        outside_effect=True,
        describe=lambda i: f"{str(i.get('method') or 'GET').upper()} {plain(i.get('url', '…'))}",
    )
)
