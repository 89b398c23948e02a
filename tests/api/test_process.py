"""`cueflow runner --api` as a real process: tokens revoked by another process,
idempotency keys and answered runs across a restart (and a kill)."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.conftest import FLOWS
from tests.conftest import cueflow_process, cueflow_run
from tests.support.waiting import wait_until

pytestmark = pytest.mark.slow
WF = "/api/1.1/wf/"


class ApiRunner:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self, listen: str | None = "127.0.0.1:0") -> str:
        api = ["--api", listen] if listen is not None else []
        self.proc = cueflow_process(self.data_dir, "runner", *api)
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline()
        second = self.proc.stdout.readline()
        found = re.search(r"(http://\S+?)/api/1\.1/wf/", second)
        if not first.startswith("Cueflow runner for") or found is None:
            self.proc.kill()
            raise AssertionError(f"no API: {first!r} {second!r} {self.proc.communicate()[1]}")
        self.url = found.group(1)
        return self.url

    def stop(self, sig: int = signal.SIGTERM) -> int:
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = self.proc.wait(30)
        self.proc.communicate()
        self.proc = None
        return code


@pytest.fixture
def api_runner(data_dir: Path, cli: Any) -> Iterator[ApiRunner]:
    """The runner is a real process; the other commands run in this process (`cli`:
    the same main(), output and exit code, without ~1 s of start-up each) — still
    another process than the runner's."""
    (data_dir / "flows.yaml").write_text(FLOWS)
    assert cli("import", str(data_dir / "flows.yaml")).code == 0
    runner = ApiRunner(data_dir)
    yield runner
    if runner.proc is not None:
        runner.proc.kill()
        runner.proc.communicate()


def test_a_token_revoked_by_another_process_is_refused_at_once(
    api_runner: ApiRunner, cli: Any
) -> None:
    made = cli("api", "token", "create", "site")
    assert made.code == 0 and "shown only now" in made.err
    token = made.out.strip()
    listed = cli("api", "token", "list", "--json")
    assert [row["label"] for row in json.loads(listed.out)] == ["site"]
    assert token not in listed.out
    plain = cli("api", "token", "list")
    assert plain.code == 0 and plain.out.startswith("site  made ")
    url = api_runner.start()
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=url, timeout=30) as client:
        ok = client.post(WF + "every_type", json={"words": "x"}, headers=headers)
        assert ok.status_code == 200, ok.text
        assert cli("api", "token", "revoke", "site").code == 0
        refused = client.post(WF + "every_type", json={"words": "x"}, headers=headers)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith("Bearer")
    runs = json.loads(cli("runs", "--json").out)
    assert [r["origin"] for r in runs if r["workflow"] == "every_type"] == ["api:site"]
    assert api_runner.stop() == 0


def test_an_answered_run_survives_a_kill_and_its_key_a_restart(
    api_runner: ApiRunner, cli: Any
) -> None:
    assert cli("pause").code == 0  # runs wait in the ledger
    url = api_runner.start()
    with httpx.Client(base_url=url, timeout=30) as client:
        first = client.post(WF + "at_once", json={"note": "x"}, headers={"Idempotency-Key": "z"})
    assert first.status_code == 202
    run_id = first.json()["run_id"]
    api_runner.stop(signal.SIGKILL)
    assert cli("resume").code == 0
    url = api_runner.start()
    with httpx.Client(base_url=url, timeout=30) as client:
        wait_until(lambda: client.get(f"/api/1.1/runs/{run_id}").status_code == 200)
        again = client.post(WF + "at_once", json={"note": "x"}, headers={"Idempotency-Key": "z"})
    assert again.json()["run_id"] == run_id
    runs = json.loads(cli("runs", "--json").out)
    assert [r["status"] for r in runs if r["workflow"] == "at_once"] == ["succeeded"]
    assert api_runner.stop() == 0


def test_a_busy_address_is_a_one_line_error(api_runner: ApiRunner, data_dir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        result = cueflow_run(data_dir, "runner", "--api", f"127.0.0.1:{port}")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "cannot listen" in result.err
    for bad in ("nohost", "127.0.0.1:99999", "[::1:80"):
        result = cueflow_run(data_dir, "runner", "--api", bad)
        assert result.code == 2 and result.err.startswith("cueflow: --api:"), result


def test_the_runner_serves_when_api_enabled_is_yes(api_runner: ApiRunner, cli: Any) -> None:
    assert cli("settings", "set", "api.enabled", "yes").code == 0
    assert cli("settings", "set", "api.listen", "127.0.0.1:0").code == 0
    url = api_runner.start(listen=None)
    with httpx.Client(base_url=url, timeout=30) as client:
        assert client.post(WF + "picky", json={"n": 4}).json()["response"] == {"n": 4}
    assert api_runner.stop() == 0
