"""A PostgreSQL server of the test's own (initdb in a temporary directory, listening on a free
loopback port), for what the shared server must never suffer: being stopped and restarted.
Run as the ``postgres`` user when the tests run as root (PostgreSQL refuses root)."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from loopback import free_port

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)


def _tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for directory in BIN_DIRS:
        if (directory / name).is_file():
            return str(directory / name)
    return None


class PrivatePostgres:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_root = os.geteuid() == 0
        self.initdb = _tool("initdb")
        self.pg_ctl = _tool("pg_ctl")

    def _run(self, *args: str) -> None:
        command = list(args)
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        assert self.initdb
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(self.initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-N")

    def start(self) -> None:
        assert self.pg_ctl
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(self.root / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self) -> None:
        """``fast``: what a restart does to its clients, every connection ended at once."""
        assert self.pg_ctl
        self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def log(self) -> str:
        path = self.root / "log"
        return path.read_text(errors="replace") if path.is_file() else ""


@contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """In a directory of its own under the system's temporary directory: pytest's is private
    to root, and the server runs as postgres."""
    root = Path(tempfile.mkdtemp(prefix="countersign-pg-"))
    server = PrivatePostgres(root)
    if not server.initdb or not server.pg_ctl:
        pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    if server._as_root and shutil.which("runuser") is None:
        pytest.skip("running as root needs runuser to start PostgreSQL as postgres")
    server.create()
    server.start()
    try:
        yield server
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):  # stopped by the test
            server.stop()
        shutil.rmtree(root, ignore_errors=True)
