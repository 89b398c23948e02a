"""Idempotency-Key (PRODUCT §6): one run per (workflow, key), also in parallel
and across a server restart; another body with the key → 422."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx

from app.api.server import ApiServer
from tests.api.conftest import Api

WF = "/api/1.1/wf/"


def runs_of(api: Api, workflow: str) -> int:
    from sqlalchemy import func, select

    from app.storage import models as m

    with api.db.read() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(m.Run).where(m.Run.workflow == workflow)
            )
            or 0
        )


def test_twenty_parallel_requests_with_one_key_start_one_run(api_server: Any) -> None:
    api = api_server()
    headers = {"Idempotency-Key": "order-42"}

    def call(_: int) -> httpx.Response:
        with httpx.Client(base_url=api.url, timeout=30) as client:
            return client.post(WF + "picky", json={"n": 5}, headers=headers)

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(call, range(20)))
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
    assert len({a.json()["run_id"] for a in answers}) == 1
    assert all(a.json()["response"] == {"n": 5} for a in answers)
    assert runs_of(api, "picky") == 1


def test_another_body_with_the_key_is_422_and_other_workflows_are_apart(api_server: Any) -> None:
    api = api_server()
    with api.client() as client:
        first = client.post(WF + "at_once", json={"note": "a"}, headers={"Idempotency-Key": "k1"})
        assert first.status_code == 202
        clash = client.post(WF + "at_once", json={"note": "b"}, headers={"Idempotency-Key": "k1"})
        assert clash.status_code == 422 and clash.json()["status"] == "error"
        # The same parameters written another way are the same request.
        same = client.post(WF + "at_once", data={"note": "a"}, headers={"Idempotency-Key": "k1"})
        assert same.json()["run_id"] == first.json()["run_id"]
        elsewhere = client.post(WF + "picky", json={"n": 1}, headers={"Idempotency-Key": "k1"})
        assert elsewhere.status_code == 200
    assert runs_of(api, "at_once") == 1 and runs_of(api, "picky") == 1


def test_keys_survive_a_server_restart(api_server: Any) -> None:
    api = api_server()
    with api.client() as client:
        first = client.post(WF + "picky", json={"n": 2}, headers={"Idempotency-Key": "again"})
    assert first.status_code == 200
    api.server.stop()
    server = ApiServer(api.access, api.events, "127.0.0.1:0")
    server.start()
    try:
        with httpx.Client(base_url=server.url, timeout=30) as client:
            repeat = client.post(WF + "picky", json={"n": 2}, headers={"Idempotency-Key": "again"})
    finally:
        server.stop()
    assert repeat.status_code == 200
    assert repeat.json() == first.json()
    assert runs_of(api, "picky") == 1


def test_a_key_older_than_a_day_starts_a_new_run(api_server: Any) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from app.storage import models as m

    api = api_server()
    with api.client() as client:
        first = client.post(WF + "picky", json={"n": 2}, headers={"Idempotency-Key": "old"})
        with api.db.write() as session:
            row = session.get(m.IdempotencyKey, ("picky", "old"))
            assert row is not None
            session.execute(
                update(m.IdempotencyKey).values(created_at=row.created_at - timedelta(hours=25))
            )
        second = client.post(WF + "picky", json={"n": 2}, headers={"Idempotency-Key": "old"})
    assert second.json()["run_id"] != first.json()["run_id"]
    assert runs_of(api, "picky") == 2
