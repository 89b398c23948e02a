"""Hostile requests: each answered with a documented 4xx, the process alive, the
database unchanged."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, set_setting
from tests.support.snapshot import dump
from tests.support.waiting import wait_until

WF = "/api/1.1/wf/"
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def api(api_server: Any, db: Any) -> Api:
    set_setting(db, "api.max_body", "16384")
    return api_server(read_timeout=1.0, keep_alive=1.0)  # type: ignore[no-any-return]


def raw(api: Api, data: bytes, timeout: float = 5.0) -> bytes:
    """Send bytes on a fresh connection; what the server answers before closing."""
    with socket.create_connection((api.server.host, api.server.port), timeout=timeout) as sock:
        chunks: list[bytes] = []
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # refused mid-send
            sock.sendall(data)
        while True:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                break
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and b'"}' in chunk:
                break
        return b"".join(chunks)


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0


def still_serving(api: Api) -> None:
    with api.client() as client:
        assert client.post(WF + "picky", json={"n": 1}).status_code == 200


def test_bodies_that_are_refused(api: Api, data_dir: Path) -> None:
    token = api.token()
    auth = {"Authorization": f"Bearer {token}"}
    before = dump(data_dir)
    cases: list[tuple[bytes, dict[str, str], int]] = [
        (b'{"words": "\xff\xfe"}', JSON, 400),  # invalid UTF-8
        (b"[" * 5000 + b"]" * 5000, JSON, 400),  # nested deeper than the parser goes
        (b'{"words": ' + b"[" * 100 + b"]" * 100 + b"}", JSON, 400),  # deep inside a value
        (b'{"words": "x", "count": NaN}', JSON, 400),
        (b'{"words": "x", "count": Infinity}', JSON, 400),
        (b'{"words": "x", "count": 1e999}', JSON, 400),
        (b'{"words": "x", "count": ' + b"9" * 5000 + b"}", JSON, 400),
        (b'{"words": "x", "words": "y"}', JSON, 400),  # a key twice
        (b'{"words": "\\ud800"}', JSON, 400),  # an unpaired surrogate
        (b'{"words": "a\\u0000b"}', JSON, 400),
        (b'{"words": "x"', JSON, 400),  # cut short
        (b"words=%ff", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
        (b"words=a&words=b", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
        (b"\xff\xfe", {"Content-Type": "application/x-www-form-urlencoded"}, 400),
        (b'{"words": "x"}', {"Content-Type": "text/plain"}, 415),
        (b'{"words": "x"}', {"Content-Type": "multipart/form-data; boundary=x"}, 415),
        (b"x" * 20000, JSON, 413),
    ]
    with api.client() as client:
        for body, headers, status in cases:
            answer = client.post(WF + "every_type", content=body, headers={**auth, **headers})
            assert answer.status_code == status, (body[:40], answer.text)
            assert answer.json()["status"] == "error"
            assert "Traceback" not in answer.text
    assert api.count_runs() == 0
    assert dump(data_dir) == before
    still_serving(api)


def test_an_oversized_stream_is_cut_off_while_read(api: Api) -> None:
    """No Content-Length (chunked): 413 once the limit passes, while the rest is unsent."""
    with socket.create_connection((api.server.host, api.server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        chunk = b"x" * 1024
        for _ in range(20):  # 20 KiB of a body that never ends
            sock.sendall(b"400\r\n" + chunk + b"\r\n")
        answer = sock.recv(65536)
    assert status_of(answer) == 413
    claimed = raw(
        api,
        b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 99999999999\r\n\r\n",
    )
    assert status_of(claimed) == 413
    still_serving(api)


def test_a_slow_body_times_out_and_blocks_no_one(api: Api) -> None:
    with socket.create_connection((api.server.host, api.server.port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        still_serving(api)  # a run started, executed and answered meanwhile
        answer = sock.recv(65536)
    assert status_of(answer) == 408
    assert api.count_runs() == 1  # only still_serving's
    still_serving(api)


def test_header_injection_and_path_tricks(api: Api, data_dir: Path) -> None:
    before = dump(data_dir)
    requests = [
        b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n",
        b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n",
        b"GET /api/1.1/wf/../openapi.json HTTP/1.1\r\nHost: x\r\n\r\n",
        b"POST /api/1.1/wf/%2e%2e HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /api/1.1/wf/%2e%2e%2fruns HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /api/1.1/wf/at_once%00 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /api/1.1/wf/%C3%A9t%C3%A9 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /api/1.1/wf/%ff HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /api/1.1/wf/AT_ONCE HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"POST /api/1.1/wf/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
        b"GET /api/1.1/runs/..%2f..%2fetc HTTP/1.1\r\nHost: x\r\n\r\n",
    ]
    for request in requests:
        answer = raw(api, request)
        assert 400 <= status_of(answer) < 500, (request[:60], answer[:200])
    # A head over 16 KiB: 431/400, or the connection reset while it is still sent.
    big = b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000
    assert status_of(raw(api, big + b"\r\n\r\n")) in (0, 400, 431)
    assert dump(data_dir) == before
    with api.client() as client:
        doc = client.get("/api/1.1/openapi.json", headers={"Host": "evil.example"}).json()
        assert doc["servers"] == [{"url": api.url}]
        odd_key = client.post(WF + "at_once", headers={"Idempotency-Key": b"\xe9t\xe9"})
        assert odd_key.status_code == 400 and odd_key.json()["field"] == "Idempotency-Key"
        long_key = client.post(WF + "at_once", headers={"Idempotency-Key": "k" * 256})
        assert long_key.status_code == 400
        answer = client.post(WF + "at_once", headers={"X-Note": b"a\xe9"})  # latin-1 bytes
        assert answer.status_code == 202
    assert api.count_runs() == 1
    still_serving(api)


def test_many_idle_connections_are_closed_and_the_api_still_answers(api: Api) -> None:
    idle = [
        socket.create_connection((api.server.host, api.server.port), timeout=10) for _ in range(300)
    ]
    try:
        still_serving(api)
        # Each idle connection is closed by the server after keep_alive (1 s here).
        for sock in idle:
            assert sock.recv(10) == b""
    finally:
        for sock in idle:
            sock.close()
    still_serving(api)


def test_past_the_connection_cap_idle_ones_make_room(api_server: Any) -> None:
    api = api_server(max_connections=20, keep_alive=30.0)
    idle = [
        socket.create_connection((api.server.host, api.server.port), timeout=10) for _ in range(40)
    ]
    try:
        wait_until(lambda: sum(1 for s in idle if _closed(s)) >= 20)
        # A caller still gets through: its connection makes room by closing an idle one.
        with httpx.Client(base_url=api.url, timeout=10) as client:
            assert client.post(WF + "picky", json={"n": 1}).status_code == 200
    finally:
        for sock in idle:
            sock.close()


def _closed(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(1) == b""
    except BlockingIOError:
        return False
    finally:
        sock.setblocking(True)


def test_settings_refuse_hostile_values(cli: Any) -> None:
    for key, value in [
        ("api.listen", "nohost"),
        ("api.listen", "127.0.0.1:70000"),
        ("api.listen", "a b:80"),
        ("api.listen", "[::1:80"),
        ("api.listen", "::1:80"),
        ("api.listen", "127.0.0.1:80\r\nX"),
        ("api.wait", "-1"),
        ("api.wait", "nan"),
        ("api.max_body", "1" * 30),
        ("api.max_body", "10"),
        ("api.max_pending", "0"),
        ("api.enabled", "maybe"),
    ]:
        result = cli("settings", "set", key, value)
        assert result.code == 2, (key, value, result)
        assert result.err.count("\n") == 1 and key in result.err
    assert cli("settings", "get", "api.listen").out.strip() == "127.0.0.1:8931"


def test_the_server_keeps_time(api: Api) -> None:
    """The server thread never blocks the caller: start and stop are prompt."""
    start = time.monotonic()
    api.server.stop()
    assert time.monotonic() - start < 10


def test_a_returned_infinity_is_answered_as_null_not_a_500(api: Api) -> None:
    """`n * 2` of n=1e308 is infinite: the run succeeds and its answer (and the
    poll's) must stay JSON, not an internal error with a traceback in the log."""
    with api.client() as client:
        answer = client.get(WF + "by_get", params={"n": "1e308"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"] == {"double": None, "flag": None}
        polled = client.get(f"/api/1.1/runs/{answer.json()['run_id']}")
        assert polled.status_code == 200 and polled.json() == answer.json()
    still_serving(api)


def test_a_trailing_slash_is_a_json_404_never_a_redirect_to_the_host_header(api: Api) -> None:
    with api.client() as client:
        for path in (WF + "at_once/", "/api/1.1/openapi.json/", "/api/1.1/runs/abc/"):
            answer = client.post(path, headers={"Host": "evil.example"})
            assert answer.status_code == 404, (path, answer.status_code)
            assert "location" not in answer.headers
            assert answer.json()["status"] == "error"
    assert api.count_runs() == 0


def test_without_a_token_no_answer_tells_which_run_ids_exist(api: Api) -> None:
    """A run started by a token (or the CLI) and an ID never used answer alike
    without a token; the public workflow's run still answers."""
    token = api.token()
    with api.client() as client:
        started = client.post(
            WF + "every_type", json={"words": "x"}, headers={"Authorization": f"Bearer {token}"}
        )
        run_id = started.json()["run_id"]
        unused = run_id[:-4] + ("zzzz" if not run_id.endswith("zzzz") else "yyyy")
        answers = [client.get(f"/api/1.1/runs/{rid}") for rid in (run_id, unused, "nope")]
        assert {(a.status_code, a.text) for a in answers} == {
            (answers[0].status_code, answers[0].text)
        }
        assert answers[0].status_code == 401 and "www-authenticate" in answers[0].headers
        public = client.get(WF + "by_get", params={"n": "2"}).json()["run_id"]
        assert client.get(f"/api/1.1/runs/{public}").status_code == 200


def test_a_label_made_again_without_its_thing_reads_no_run_of_the_old_token(api: Api) -> None:
    """Token 'site' --as Ada starts a run (what it returns is Ada's); revoked and
    made again as nobody, 'site' must neither poll that run nor get it back by
    replaying its Idempotency-Key."""
    from tests.api.test_answers import ada_id

    old = api.token("site", run_as=ada_id(api))
    key = {"Idempotency-Key": "order-1"}
    with api.client() as client:
        first = client.post(
            WF + "every_type",
            json={"words": "x"},
            headers={"Authorization": f"Bearer {old}", **key},
        )
        assert first.status_code == 200 and first.json()["response"]["me"] == "Ada"
        run_id = first.json()["run_id"]
        api.access.revoke_token("site")
        new = {"Authorization": f"Bearer {api.token('site')}"}
        polled = client.get(f"/api/1.1/runs/{run_id}", headers=new)
        assert polled.status_code == 404 and "Ada" not in polled.text
        replayed = client.post(WF + "every_type", json={"words": "x"}, headers={**new, **key})
        assert replayed.status_code == 422 and "Ada" not in replayed.text
    assert api.count_runs() == 1


def test_two_authorization_headers_are_refused_whichever_comes_first(api: Api) -> None:
    token = api.token()
    body = b'{"words": "x"}'
    for first, second in ((token, "bad"), ("bad", token)):
        request = (
            b"POST /api/1.1/wf/every_type HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"Authorization: Bearer {first}\r\nAuthorization: Bearer {second}\r\n".encode()
            + b"Content-Length: %d\r\n\r\n" % len(body)
            + body
        )
        answer = raw(api, request)
        assert status_of(answer) == 401, answer[:200]
        assert b"www-authenticate: bearer" in answer.lower()
    assert api.count_runs() == 0
    still_serving(api)


def test_a_head_sent_a_byte_at_a_time_is_cut_off(api: Api) -> None:
    """Slowloris: each byte comes before the idle timeout (1 s here), the head never
    ends; the server closes the connection once read_timeout (1 s) has passed."""
    head = b"POST /api/1.1/wf/at_once HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    closed = threading.Event()
    with socket.create_connection((api.server.host, api.server.port), timeout=5) as sock:

        def trickle() -> None:
            with contextlib.suppress(OSError):
                for byte in head:
                    sock.sendall(bytes([byte]))
                    if closed.wait(0.3):
                        return

        sender = threading.Thread(target=trickle, daemon=True)
        sender.start()
        try:
            assert sock.recv(1024) == b""  # closed by the server (a timeout raises)
        finally:
            closed.set()
            sender.join(5)
    assert api.count_runs() == 0
    still_serving(api)
