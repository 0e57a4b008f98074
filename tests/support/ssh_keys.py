"""Real SSH keys for tests, made by ssh-keygen in a temporary directory (one per test run:
key generation is the slow part, so keys are shared through a session fixture)."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Key:
    path: Path  # the private key; its public half is path.pub

    @property
    def pub(self) -> Path:
        return Path(f"{self.path}.pub")

    @property
    def public(self) -> str:
        """``TYPE BASE64`` as people.yaml lists it."""
        return " ".join(self.pub.read_text(encoding="utf-8").split()[:2])


def make_key(directory: Path, name: str, kind: str = "ed25519") -> Key:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    args = ["-t", kind, *(["-b", "2048"] if kind == "rsa" else [])]
    subprocess.run(
        ["ssh-keygen", "-q", *args, "-N", "", "-C", name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return Key(path)
