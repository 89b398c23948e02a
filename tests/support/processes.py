"""`cueflow runner` as a real subprocess, started and stopped (or killed) by a test."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.conftest import cueflow_process


class RunnerProcess:
    """One `cueflow runner` process over a data folder; `close()` kills what is left."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> str:
        """Start the runner and return its first line, once it has said it runs."""
        self.proc = cueflow_process(self.data_dir, "runner")
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("Cueflow runner for"):
            self.proc.kill()
            _, err = self.proc.communicate(timeout=10)
            self.proc = None
            raise AssertionError(f"runner did not start: {line!r} {err}")
        return line

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30) -> int:
        """Send `sig`, wait for the process to end and return its exit code."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()
        self.proc = None
        return code

    def kill(self) -> int:
        return self.stop(signal.SIGKILL)

    def close(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
            self.proc = None
