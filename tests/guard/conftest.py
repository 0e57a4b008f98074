"""Run the guard in-process on real-format hook payloads (tests/guard/payloads/)."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from countersign.guard.entry import run_guard

PAYLOADS = Path(__file__).parent / "payloads"


@dataclass
class Answer:
    out: str
    err: str
    code: int

    @property
    def json(self) -> dict:
        return json.loads(self.out) if self.out.strip() else {}


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)

    def isatty(self) -> bool:
        return False


def _payload(name: str, cwd: Path, command: str = "", path: str = "") -> bytes:
    text = (PAYLOADS / f"{name}.json").read_text()
    text = text.replace("__CWD__", str(cwd)).replace("__PATH__", path)
    text = text.replace("__COMMAND_JSON__", json.dumps(json.dumps(command))[1:-1])
    return text.replace('"__COMMAND__"', json.dumps(command)).encode()


@pytest.fixture(autouse=True)
def _own_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every guard test has a home of its own: ``guard install`` writes the launcher there, and
    the hook commands run the launcher they find there."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def payload() -> Callable[..., bytes]:
    """A payload file from tests/guard/payloads with the working directory and command filled."""
    return _payload


@pytest.fixture
def guard(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> Callable[..., Answer]:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COUNTERSIGN_OPERATOR", "dev@example.com")
    monkeypatch.delenv("COUNTERSIGN_STATE_DIR", raising=False)
    monkeypatch.delenv("KUBECONFIG", raising=False)

    def run(agent: str, data: bytes, cwd: Path | None = None, event: str = "") -> Answer:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        monkeypatch.setattr(sys, "stdin", _Stdin(data))
        code = run_guard(["--agent", agent, *(["--event", event] if event else [])])
        captured = capsys.readouterr()
        return Answer(captured.out, captured.err, code)

    return run
