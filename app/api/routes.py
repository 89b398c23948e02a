"""The workflow API's ASGI application (PRODUCT §6).

Every answer is JSON; nothing a client sends can produce a stack trace (a
catch-all answers 500 and logs the traceback). Database work runs on
Starlette's thread pool, never on the event loop.

A call of a workflow (`/api/1.1/wf/NAME`, the hot path) goes straight to its
endpoint with the same error handlers, past Starlette's middleware and router
(a sixth of the event loop's time per call under load); every other path goes
through Starlette as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from app.api import openapi
from app.api.batching import ServerStopped, StartBatcher
from app.api.waiting import RunWaiter
from app.core.definitions import WorkflowDef
from app.engine.api_access import (
    PUBLIC_CALLER,
    ApiAccess,
    ApiConfig,
    Caller,
    FieldError,
    KeyConflict,
    Overloaded,
    Revoked,
    RunState,
    Stale,
    StartRequest,
    visible_to,
)
from app.errors import BadInput, NotFound, one_line

log = logging.getLogger(__name__)

PREFIX = "/api/1.1"
NAME = re.compile(r"[a-z0-9_]{1,100}")
RUN_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
MAX_FIELDS = 1000  # keys in a form body or query string
MAX_DEPTH = 32  # nesting of a JSON value given to a parameter
RETRY_AFTER = "5"  # seconds, on 429
CONFIG_SECONDS = 1.0  # settings are read again at most this often
TOKEN_IN_URL = ("access_token", "api_token", "token", "api_key")
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
FORM = "application/x-www-form-urlencoded"
WF_PATH = PREFIX + "/wf/"
FAST_METHODS = frozenset(METHODS)


class ApiError(Exception):
    """An answer other than success: status, body and headers."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"status": "error", "message": one_line(message)[:500]}
        if field is not None:
            self.body["field"] = one_line(field)[:200]
        self.headers = dict(headers or {})

    def response(self) -> Response:
        return JSONResponse(self.body, self.status, headers=self.headers)


def unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="cueflow"'})


@dataclass
class _Settings:
    config: ApiConfig
    read_at: float


class ApiApp:
    """The routes over one ApiAccess; `read_timeout` bounds reading a request body."""

    def __init__(
        self,
        access: ApiAccess,
        waiter: RunWaiter,
        *,
        read_timeout: float = 30.0,
        starts: StartBatcher | None = None,
    ) -> None:
        self.access = access
        self.waiter = waiter
        self.threads = waiter.threads
        self.starts = starts or StartBatcher(access, waiter)
        self.read_timeout = read_timeout
        self._settings = _Settings(access.config(), time.monotonic())
        self._rereading: asyncio.Future[None] | None = None  # (see config)
        self.starlette = Starlette(
            routes=[
                Route(PREFIX + "/wf/{name}", self.workflow, methods=METHODS),
                Route(PREFIX + "/runs/{run_id}", self.run, methods=METHODS),
                Route(PREFIX + "/openapi.json", self.document, methods=METHODS),
            ],
            exception_handlers={
                HTTPException: self._http_error,
                ApiError: self._api_error,
                Exception: self._internal_error,
            },
        )
        # No 307 to the path without its trailing slash: it is not JSON, and its
        # Location is built from the client's Host header (an open redirect).
        self.starlette.router.redirect_slashes = False

    async def asgi(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI application: a workflow call straight to `workflow` (what Starlette's
        route `{PREFIX}/wf/{name}` matches: a name without '/', a method of METHODS),
        anything else through Starlette."""
        if scope["type"] == "http" and scope["method"] in FAST_METHODS:
            path: str = scope["path"]
            name = path[len(WF_PATH) :] if path.startswith(WF_PATH) else ""
            if name and "/" not in name and not scope.get("root_path"):
                scope["path_params"] = {"name": name}
                request = Request(scope, receive, send)
                try:
                    response = await self.workflow(request)
                except ApiError as exc:
                    response = exc.response()
                except HTTPException as exc:
                    response = await self._http_error(request, exc)
                except Exception as exc:
                    response = await self._internal_error(request, exc)
                await response(scope, receive, send)
                return
        await self.starlette(scope, receive, send)

    # --- settings -------------------------------------------------------------------------

    def config(self) -> ApiConfig:
        """The API settings as last read; once they are older than CONFIG_SECONDS, one
        read of them is begun, and calls go on with these meanwhile.

        No call waits for the read: when each call past the age read them itself,
        every call of that moment (16 of a busy second's 700) did so, each waiting
        for its own read (1–60 ms under load, the `when_done` p99's tail)."""
        cached = self._settings
        if time.monotonic() - cached.read_at > CONFIG_SECONDS and self._rereading is None:
            self._rereading = asyncio.ensure_future(self._reread())
        return cached.config

    async def _reread(self) -> None:
        """(One at a time, see config) read the settings; on an error keep the last."""
        try:
            config = await self.threads.run(self.access.config)
        except Exception:
            log.exception("workflow API: could not read its settings; using the last")
            self._settings = _Settings(self._settings.config, time.monotonic())
        else:
            self._settings = _Settings(config, time.monotonic())
        finally:
            self._rereading = None

    # --- routes -----------------------------------------------------------------------------

    async def workflow(self, request: Request) -> Response:
        """Admit, read the parameters, start the run (one thread hop when the workflow
        and the token are known here), answer.

        A call is admitted from memory when it can be (`ApiAccess.admitted`); its
        start then checks the workflow's API settings and the token again in the
        transaction that writes the run. A refusal is always read from the ledger.
        """
        name = request.path_params["name"]
        if not NAME.fullmatch(name):
            raise ApiError(404, "no such workflow")
        token = _bearer(request)
        known = self.access.admitted(name, token)
        if known is not None and self._passes(request, *known):
            wf, caller = self._checked(request, known, token)
        else:
            wf, caller = self._checked(request, await self._admit(name, token), token)
        config = self.config()
        values = await self._values(request, wf, config)
        key = request.headers.get("idempotency-key")
        prefer = request.headers.get("prefer", "").lower()
        for _ in range(3):
            start = StartRequest(
                wf,
                values,
                caller,
                None if caller is PUBLIC_CALLER else token,
                key,
                config.max_pending,
            )
            waits = wf.api.respond != "at_once" and "respond-async" not in prefer
            try:
                started, ticket = await self.starts.start(start, wait=waits)
                break
            except Stale:  # its API settings changed since the call was admitted
                wf, caller = self._checked(request, await self._admit(name, token), token)
            except Revoked:
                raise unauthorized("the token is not valid (unknown or revoked)") from None
            except FieldError as exc:
                raise ApiError(400, exc.reason, field=exc.field) from None
            except KeyConflict as exc:
                raise ApiError(422, exc.reason) from None
            except Overloaded as exc:
                raise ApiError(429, exc.reason, headers={"Retry-After": RETRY_AFTER}) from None
            except NotFound:  # no longer exposed since the request came in
                raise ApiError(404, "no such workflow") from None
            except BadInput as exc:
                raise ApiError(400, exc.reason) from None
            except ServerStopped as exc:
                raise ApiError(503, str(exc), headers={"Retry-After": RETRY_AFTER}) from None
        else:
            raise ApiError(
                503,
                "the workflow's API settings keep changing; retry",
                headers={"Retry-After": "1"},
            )
        if not waits:
            if not started.repeated:
                return accepted(started.run_id)
            state = await self.threads.run(self.access.state, started.run_id)
        else:
            state = await self.waiter.wait(
                started.run_id, config.wait, look_first=started.repeated, ticket=ticket
            )
        if state is None:  # the run was deleted meanwhile (its workflow was deleted)
            raise ApiError(404, "the run no longer exists")
        return answer(state, wf)

    async def _admit(
        self, name: str, token: str | None
    ) -> tuple[WorkflowDef | None, Caller | None]:
        """The exposed workflow and the token's caller, read from the ledger."""
        return await self.threads.run(self.access.admit, name, token)

    def _passes(self, request: Request, wf: WorkflowDef, caller: Caller | None) -> bool:
        """Whether a call admitted from memory is let through (else it is read again)."""
        if request.method != wf.api.method:
            return False
        return wf.api.auth == "none" or (caller is not None and not self._token_in_url(request, wf))

    def _checked(
        self,
        request: Request,
        admitted: tuple[WorkflowDef | None, Caller | None],
        token: str | None,
    ) -> tuple[WorkflowDef, Caller]:
        wf, by_token = admitted
        if wf is None:
            raise ApiError(404, "no such workflow")
        if request.method != wf.api.method:
            raise ApiError(405, f"use {wf.api.method}", headers={"Allow": wf.api.method})
        return wf, self._caller(request, wf, token, by_token)

    async def run(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise ApiError(405, "use GET", headers={"Allow": "GET"})
        run_id = request.path_params["run_id"]
        caller = None
        if request.headers.get("authorization"):
            caller = await self._token_caller(request)
        state = (
            await self.threads.run(self.access.state, run_id) if RUN_ID.fullmatch(run_id) else None
        )
        if state is None or not visible_to(state, caller):
            # Without a token, the same 401 whether the run exists or not: run IDs
            # are time-ordered, and a 404 for the others would tell which exist.
            if caller is None:
                raise unauthorized("this run needs the token that started it")
            raise ApiError(404, "no such run")
        wf = await self.threads.run(self.access.exposed, state.workflow)
        return answer(state, wf)

    async def document(self, request: Request) -> Response:
        if request.method not in ("GET", "HEAD"):
            raise ApiError(405, "use GET", headers={"Allow": "GET"})
        workflows = await self.threads.run(self.access.exposed_workflows)
        # The address this server listens on, never the client's Host header.
        host, port = request.scope.get("server") or ("127.0.0.1", 0)
        server = f"http://{f'[{host}]' if ':' in str(host) else host}:{port}"
        return JSONResponse(openapi.document(workflows, server))

    # --- callers and parameters -----------------------------------------------------------------

    def _caller(
        self, request: Request, wf: WorkflowDef, token: str | None, caller: Caller | None
    ) -> Caller:
        if wf.api.auth == "none":
            return PUBLIC_CALLER
        if self._token_in_url(request, wf):
            raise unauthorized("a token goes in the Authorization header, never in the URL")
        if token is None:
            raise unauthorized("an Authorization: Bearer TOKEN header is needed")
        if caller is None:
            raise unauthorized("the token is not valid (unknown or revoked)")
        return caller

    @staticmethod
    def _token_in_url(request: Request, wf: WorkflowDef) -> bool:
        return any(
            key in TOKEN_IN_URL and wf.parameter(key) is None for key in _query_keys(request)
        )

    async def _token_caller(self, request: Request) -> Caller:
        token = _bearer(request)
        if token is None:
            raise unauthorized("an Authorization: Bearer TOKEN header is needed")
        caller = await self.threads.run(self.access.authenticate, token)
        if caller is None:
            raise unauthorized("the token is not valid (unknown or revoked)")
        return caller

    async def _values(self, request: Request, wf: WorkflowDef, config: ApiConfig) -> dict[str, Any]:
        values = _form(request.scope.get("query_string", b""), "the query string")
        if request.method == "GET":
            return values
        body = await self._body(request, config.max_body)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if not body and kind in ("", "application/json", FORM):
            given: dict[str, Any] = {}
        elif kind == "application/json" or kind.endswith("+json"):
            given = _json_object(body)
        elif kind == FORM:
            given = _form(body, "the form body")
        else:
            raise ApiError(415, "send application/json or application/x-www-form-urlencoded")
        for key in given:
            if key in values:
                raise ApiError(400, "given in the query string and in the body", field=key)
        values.update(given)
        return values

    async def _body(self, request: Request, limit: int) -> bytes:
        """The body, refused with 413 as soon as it passes `limit` (never buffered whole)."""
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            raise ApiError(413, f"the body is over {limit:,} bytes")
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind and kind not in ("application/json", FORM) and not kind.endswith("+json"):
            raise ApiError(415, "send application/json or application/x-www-form-urlencoded")
        chunks: list[bytes] = []
        size = 0

        try:
            # (a timeout scope, not wait_for: no task of its own per request)
            async with asyncio.timeout(self.read_timeout):
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > limit:
                        raise ApiError(413, f"the body is over {limit:,} bytes")
                    chunks.append(chunk)
        except TimeoutError:
            raise ApiError(408, "the body came too slowly") from None
        return b"".join(chunks)

    # --- errors ---------------------------------------------------------------------------

    async def _api_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if exc.status_code == 404:
            return ApiError(404, "no such path").response()
        headers = dict(exc.headers or {})
        return ApiError(exc.status_code, str(exc.detail), headers=headers).response()

    async def _internal_error(self, request: Request, exc: Exception) -> Response:
        log.error("workflow API: internal error on %s", request.url.path, exc_info=exc)
        return JSONResponse({"status": "error", "message": "internal error (see the log)"}, 500)


def accepted(run_id: str) -> Response:
    if RUN_ID.fullmatch(run_id):  # (always: run IDs need no JSON escaping)
        body = b'{"status":"accepted","run_id":"' + run_id.encode("ascii") + b'"}'
        return Response(body, 202, media_type="application/json")
    return JSONResponse({"status": "accepted", "run_id": run_id}, 202)


def answer(state: RunState, wf: WorkflowDef | None) -> Response:
    """A run's state in the shape of PRODUCT §6."""
    if not state.done:
        return accepted(state.run_id)
    if state.condition_unmet:
        if wf is not None and wf.api.return_200_if_condition_unmet:
            return JSONResponse({"status": "success", "run_id": None, "response": {}})
        return JSONResponse({"status": "error", "message": "condition not met"}, 400)
    if state.status == "succeeded":
        response = _finite_json(state.returned or {})
        return JSONResponse({"status": "success", "run_id": state.run_id, "response": response})
    if state.status == "terminated":
        return JSONResponse({"status": "terminated", "run_id": state.run_id, "response": {}})
    message = state.error or state.status
    if state.status != "failed":
        message = f"the run was {state.status}: {message}"
    return JSONResponse(
        {"status": "error", "run_id": state.run_id, "message": one_line(message)[:2000]}, 500
    )


def _finite_json(value: Any) -> Any:
    """`value` with its infinite and NaN numbers as null: JSON has no such numbers, and
    a run may return them (`n * 2` of a huge n); the answer must still be JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite_json(item) for item in value]
    return value


def _bearer(request: Request) -> str | None:
    """The token of an `Authorization: Bearer TOKEN` header, or None (also when the
    header comes twice: a proxy in front may pick the other one)."""
    if len(request.headers.getlist("authorization")) > 1:
        return None
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


# --- reading parameters ------------------------------------------------------------------------


def _query_keys(request: Request) -> list[str]:
    try:
        return list(_form(request.scope.get("query_string", b""), "the query string"))
    except ApiError:
        return []


def _form(raw: bytes, where: str) -> dict[str, Any]:
    """`a=1&b=x` as text values (read later as `-p` reads them); a key twice is refused."""
    if not raw:
        return {}
    try:
        text = raw.decode("ascii")
        pairs = urllib.parse.parse_qsl(
            text,
            keep_blank_values=True,
            strict_parsing=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FIELDS,
        )
    except UnicodeDecodeError:
        raise ApiError(400, f"{where} is not valid UTF-8 percent-encoded text") from None
    except ValueError as exc:
        raise ApiError(400, f"{where} is malformed ({one_line(str(exc))[:80]})") from None
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ApiError(400, f"given twice in {where}", field=key)
        _check_text(value, key)
        _check_text(key, key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is out of range")
    return value


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key '{key[:60]}' given twice")
        out[key] = value
    return out


# (made once: json.loads with these options builds a decoder per call)
_DECODER = json.JSONDecoder(
    parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_pairs
)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "the body is not valid UTF-8") from None
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise ApiError(400, "the JSON body is nested too deeply") from None
    except ValueError as exc:
        raise ApiError(400, f"the body is not valid JSON: {one_line(str(exc))[:120]}") from None
    if not isinstance(value, dict):
        raise ApiError(400, "the body must be a JSON object of parameters")
    for key, item in value.items():
        _check_value(item, key, 0)
        _check_text(key, key)
    return value


def _check_value(value: Any, field: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ApiError(400, f"nested deeper than {MAX_DEPTH}", field=field)
    if isinstance(value, str):
        _check_text(value, field)
    elif isinstance(value, list):
        for item in value:
            _check_value(item, field, depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_text(key, field)
            _check_value(item, field, depth + 1)


def _check_text(text: str, field: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ApiError(400, "not valid text (an unpaired surrogate)", field=field) from None
    if "\x00" in text:
        raise ApiError(400, "not valid text (a NUL character)", field=field)
