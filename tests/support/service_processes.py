"""The service as real processes: ``countersign serve`` and ``countersign serve worker``
started with a deployment's environment, their logs kept in files for the failure message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from loopback import free_port

FAST_WORKER = {
    "COUNTERSIGN_WORKER_HEARTBEAT_S": "0.5",
    "COUNTERSIGN_WORKER_STALLED_S": "2",
}


def wait_until(what: str, ok: Callable[[], object], timeout: float = 60.0) -> None:
    """Poll ``ok`` until it is true; a bounded wait for another process, not a timing claim."""
    deadline = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.1)


class Process:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "countersign", *args],
            env={**os.environ, **env},
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """SIGKILL: no clean-up, no goodbye to the queue."""
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=20)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._out.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@contextmanager
def web_process(env: dict[str, str], logs: Path, port: int | None = None) -> Iterator[str]:
    port = port or free_port()
    proc = Process(
        ["serve", "--host", "127.0.0.1", "--port", str(port)], env, logs / f"web-{port}.log"
    )
    url = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        if proc.popen.poll() is not None:
            raise AssertionError(f"web process exited:\n{proc.output()}")
        try:
            return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until("the web process is ready", ready)
        yield url
    finally:
        proc.stop()


@contextmanager
def worker_process(env: dict[str, str], logs: Path, name: str = "worker") -> Iterator[Process]:
    proc = Process(["serve", "worker"], {**FAST_WORKER, **env}, logs / f"{name}.log")
    try:
        yield proc
    finally:
        proc.stop()
