"""PRODUCT §6 answers from a real server on loopback, called with httpx."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.api.conftest import Api, Gate, set_setting
from tests.support.waiting import wait_until

WF = "/api/1.1/wf/"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(api_server: Any) -> Api:
    return api_server()  # type: ignore[no-any-return]


def ada_id(api: Api) -> str:
    from app.storage import catalog

    with api.db.read() as session:
        return catalog.list_things(session, "User")[0].id


def origin_of(api: Api, run_id: str) -> str:
    state = api.access.state(run_id)
    assert state is not None
    return state.origin


def test_every_type_from_json_with_its_values_returned(api: Api) -> None:
    token = api.token("site", run_as=ada_id(api))
    body = {
        "words": "hello",
        "count": 2.5,
        "flag": True,
        "when": "2030-05-01T09:00:00+00:00",
        "who": ada_id(api),
        "tags": ["a", "b"],
        "numbers": [1, 2],
    }
    with api.client() as client:
        answer = client.post(WF + "every_type", json=body, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["status"] == "success"
    assert got["response"] == {
        "words": "hello",
        "count": 2.5,
        "flag": True,
        "when": "2030-05-01T09:00:00+00:00",
        "who": "Ada",
        "tags": ["a", "b"],
        "numbers": [1, 2],
        "me": "Ada",  # the token was made --as Ada: the run runs as her
    }
    assert origin_of(api, got["run_id"]) == "api:site"


def test_every_type_from_a_form_body_read_as_p_reads_it(api: Api) -> None:
    token = api.token()
    form = {
        "words": "hé",
        "count": "7",
        "flag": "no",
        "when": "2030-05-01T09:00:00+00:00",
        "who": ada_id(api),
        "tags": '["x"]',
        "numbers": "[3]",
    }
    with api.client() as client:
        answer = client.post(WF + "every_type", data=form, headers=bearer(token))
    assert answer.status_code == 200, answer.text
    response = answer.json()["response"]
    assert response["count"] == 7 and response["flag"] is False and response["who"] == "Ada"
    assert response["tags"] == ["x"] and response["numbers"] == [3] and response["words"] == "hé"
    assert response["me"] is None  # a token without --as: the run is as nobody


def test_every_type_from_the_query_string(api: Api) -> None:
    query = {
        "words": "a b&c",
        "count": "-1.5",
        "flag": "yes",
        "when": "2030-05-01T09:00:00+02:00",
        "who": ada_id(api),
        "tags": '["x", "y"]',
    }
    with api.client() as client:
        answer = client.get(WF + "every_get", params=query)
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"] == {
            "words": "a b&c",
            "count": -1.5,
            "flag": True,
            "when": "2030-05-01T09:00:00+02:00",
            "who": "Ada",
            "tags": ["x", "y"],
        }
        bad = client.get(WF + "every_get", params={**query, "when": "soon"})
        assert bad.status_code == 400 and bad.json()["field"] == "when"


def test_query_string_of_a_get_workflow_without_token(api: Api) -> None:
    with api.client() as client:
        answer = client.get(WF + "by_get", params={"n": "21", "flag": "true"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"] == {"double": 42, "flag": True}
        assert origin_of(api, answer.json()["run_id"]) == "api:public"
        assert client.post(WF + "by_get").status_code == 405
        assert client.post(WF + "by_get").headers["allow"] == "GET"


def test_bad_parameters_name_the_field(api: Api) -> None:
    token = api.token()
    before = api.count_runs()
    cases = [
        ({"words": "x", "count": "many"}, "count"),
        ({"words": "x", "count": [1]}, "count"),
        ({"words": "x", "flag": "perhaps"}, "flag"),
        ({"words": "x", "when": "yesterday-ish"}, "when"),
        ({"words": "x", "who": "no-such-id"}, "who"),
        ({"words": "x", "tags": "not a list"}, "tags"),
        ({"words": "x", "numbers": ["one"]}, "numbers"),
        ({"count": 1}, "words"),  # required, missing
        ({"words": "x", "nope": 1}, "nope"),  # unknown key
    ]
    with api.client() as client:
        for body, field in cases:
            answer = client.post(WF + "every_type", json=body, headers=bearer(token))
            assert answer.status_code == 400, (body, answer.text)
            assert answer.json()["status"] == "error"
            assert answer.json()["field"] == field, (body, answer.json())
            assert answer.json()["message"]
    assert api.count_runs() == before


def test_tokens_401_with_www_authenticate(api: Api) -> None:
    token = api.token()
    with api.client() as client:
        basic = {"Authorization": f"Basic {token}"}
        for headers in ({}, bearer("wrong"), basic, bearer("x" * 300)):
            answer = client.post(WF + "every_type", json={"words": "x"}, headers=headers)
            assert answer.status_code == 401
            assert answer.headers["www-authenticate"].startswith("Bearer")
            assert answer.json()["status"] == "error"
        in_url = client.post(WF + "every_type", params={"access_token": token}, json={"words": "x"})
        assert in_url.status_code == 401
        assert "Authorization header" in in_url.json()["message"]
        api.access.revoke_token("site")
        revoked = client.post(WF + "every_type", json={"words": "x"}, headers=bearer(token))
        assert revoked.status_code == 401


def test_unknown_and_unexposed_workflows_answer_alike(api: Api) -> None:
    with api.client() as client:
        hidden = client.post(WF + "hidden")
        unknown = client.post(WF + "no_such_thing")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json() == unknown.json()


def test_failed_terminated_and_condition_answers(api: Api) -> None:
    with api.client() as client:
        failed = client.post(WF + "failing")
        assert failed.status_code == 500
        assert failed.json()["status"] == "error" and failed.json()["run_id"]
        assert "Connection refused" in failed.json()["message"]
        stopped = client.post(WF + "stopping")
        assert stopped.status_code == 200
        assert stopped.json() == {
            "status": "terminated",
            "run_id": stopped.json()["run_id"],
            "response": {},
        }
        unmet = client.post(WF + "picky", json={"n": 0})
        assert unmet.status_code == 400
        assert unmet.json() == {"status": "error", "message": "condition not met"}
        met = client.post(WF + "picky", json={"n": 3})
        assert met.status_code == 200 and met.json()["response"] == {"n": 3}
        quiet = client.post(WF + "picky_ok", json={"n": 0})
        assert quiet.status_code == 200
        assert quiet.json() == {"status": "success", "run_id": None, "response": {}}


def test_at_once_and_prefer_respond_async_then_polling(api: Api, gate: Gate) -> None:
    token = api.token()
    with api.client() as client:
        quick = client.post(WF + "at_once", json={"note": "hi"})
        assert quick.status_code == 202
        assert quick.json() == {"status": "accepted", "run_id": quick.json()["run_id"]}
        run_id = quick.json()["run_id"]
        done = wait_until(
            lambda: client.get(f"/api/1.1/runs/{run_id}").status_code == 200,
            message="the at_once run ends",
        )
        assert done
        polled = client.get(f"/api/1.1/runs/{run_id}")
        assert polled.json() == {"status": "success", "run_id": run_id, "response": {}}

        slow = client.post(
            WF + "every_type",
            json={"words": "x"},
            headers={**bearer(token), "Prefer": "respond-async"},
        )
        assert slow.status_code == 202
        run_id = slow.json()["run_id"]
        # Runs a token started are its own: no token → 401, another token → 404.
        assert client.get(f"/api/1.1/runs/{run_id}").status_code == 401
        other = api.token("other")
        assert client.get(f"/api/1.1/runs/{run_id}", headers=bearer(other)).status_code == 404
        wait_until(
            lambda: client.get(f"/api/1.1/runs/{run_id}", headers=bearer(token)).status_code == 200
        )
        assert client.get("/api/1.1/runs/nope", headers=bearer(token)).status_code == 404


def test_a_run_outlasting_api_wait_answers_202_and_goes_on(
    api_server: Any, db: Any, gate: Gate
) -> None:
    set_setting(db, "api.wait", "1")
    api = api_server()
    with api.client() as client:
        answer = client.post(WF + "slow", json={"url": gate.url})
        assert answer.status_code == 202, answer.text
        run_id = answer.json()["run_id"]
        assert client.get(f"/api/1.1/runs/{run_id}").status_code == 202
        gate.opened.set()
        wait_until(lambda: client.get(f"/api/1.1/runs/{run_id}").status_code == 200)


def test_when_done_is_woken_by_the_run_end_not_by_polling(api: Api) -> None:
    """Twenty when_done calls in a row: each answers once its run ends (no 1 s poll each)."""
    import time

    with api.client() as client:
        start = time.monotonic()
        for n in range(20):
            assert client.post(WF + "picky", json={"n": n + 1}).status_code == 200
        spent = time.monotonic() - start
    # With only the 1 s ledger poll, 20 calls would take 20 s or more.
    assert spent < 15, spent


def test_a_run_ended_elsewhere_is_noticed_by_the_ledger_poll(
    db: Any, events: Any, running_clock: Any
) -> None:
    """The scheduler hears nothing from this server and this server nothing from it
    (as with another process): the clock sees the run by polling the ledger, the
    when_done call its end by its one-second fallback read."""
    from app.api.server import ApiServer
    from app.engine.api_access import ApiAccess
    from app.engine.events import EventBus
    from tests.api.conftest import FLOWS

    running_clock(FLOWS, events=EventBus())
    server = ApiServer(ApiAccess(db, events), events, "127.0.0.1:0")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            answer = client.post(WF + "picky", json={"n": 7})
    finally:
        server.stop()
    assert answer.status_code == 200 and answer.json()["response"] == {"n": 7}


def test_content_types_and_bodies(api: Api) -> None:
    with api.client() as client:
        assert (
            client.post(
                WF + "at_once", content=b"note=x", headers={"Content-Type": "text/plain"}
            ).status_code
            == 415
        )
        assert (
            client.post(
                WF + "at_once", content=b"<x/>", headers={"Content-Type": "application/xml"}
            ).status_code
            == 415
        )
        assert client.post(WF + "at_once", content=b"note=x").status_code == 415  # no type
        assert client.post(WF + "at_once").status_code == 202  # no body: no parameters
        bad = client.post(
            WF + "at_once", content=b"[1, 2]", headers={"Content-Type": "application/json"}
        )
        assert bad.status_code == 400 and "JSON object" in bad.json()["message"]


def test_too_many_waiting_runs_answer_429_with_retry_after(api_server: Any, db: Any) -> None:
    set_setting(db, "api.max_pending", "1")
    set_setting(db, "scheduler.paused", "yes")  # runs wait: nothing executes them
    api = api_server()
    before = api.count_runs()
    with api.client() as client:
        assert client.post(WF + "at_once").status_code == 202
        refused = client.post(WF + "at_once")
        assert refused.status_code == 429
        assert refused.headers["retry-after"].isdigit()
        assert refused.json()["status"] == "error"
    assert api.count_runs() == before + 1


def test_an_unexpected_error_is_a_json_500_without_a_trace(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(api.access, "exposed_workflows", broken)
    with api.client() as client:
        answer = client.get("/api/1.1/openapi.json")
    assert answer.status_code == 500
    assert answer.json() == {"status": "error", "message": "internal error (see the log)"}
    assert "secret" not in answer.text and "Traceback" not in answer.text
    json.dumps(answer.json())


def test_calls_never_wait_for_a_settings_read(
    api_server: Any, db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Settings older than CONFIG_SECONDS are read again once, off the calls' path: with
    the read stuck, eight calls at once are all answered, and only one read was begun
    (each call read them itself before, and waited for its read)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from app.api import routes

    api = api_server()
    monkeypatch.setattr(routes, "CONFIG_SECONDS", 0.0)  # every call finds them old
    release, reads = threading.Event(), []
    config = api.access.config

    def stuck_config() -> Any:
        reads.append(1)
        release.wait(30)
        return config()

    monkeypatch.setattr(api.access, "config", stuck_config)
    try:
        with httpx.Client(base_url=api.url, timeout=10) as client, ThreadPoolExecutor(8) as pool:
            answers = list(
                pool.map(lambda n: client.post(WF + "at_once", json={"note": f"{n}"}), range(8))
            )
            assert [a.status_code for a in answers] == [202] * 8
            assert len(reads) == 1
            release.set()
            # A changed setting still takes effect at the next read.
            set_setting(db, "api.max_body", "1024")
            big = {"note": "x" * 2000}
            wait_until(lambda: client.post(WF + "at_once", json=big).status_code == 413)
    finally:
        release.set()
