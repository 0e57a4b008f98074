"""Signing keys: each repository's ledger writer holds an Ed25519 key in the state directory
(``$(git rev-parse --git-common-dir)/countersign/``, outside the work tree and never committed);
its public key is recorded in the ledger so any copy can be verified."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from countersign.errors import LedgerError

KEY_FILE = "ledger-signing.key"


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public_text(self) -> str:
        return public_text(self.private.public_key())

    @property
    def key_id(self) -> str:
        return key_id(self.public_text)

    def sign(self, data: bytes) -> bytes:
        return self.private.sign(data)


def public_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "ed25519:" + base64.b64encode(raw).decode("ascii")


def key_id(public: str) -> str:
    return "k" + hashlib.sha256(public.encode("ascii")).hexdigest()[:16]


def parse_public(text: str) -> Ed25519PublicKey:
    """Read an ``ed25519:<base64 raw key>`` public key (the form the roster's ``keys`` use)."""
    prefix, _, b64 = text.strip().partition(":")
    problem = LedgerError(
        f"public key {text[:40]!r} is not of the form ed25519:<base64 of 32 bytes>"
    )
    if prefix != "ed25519":
        raise problem
    try:
        return Ed25519PublicKey.from_public_bytes(base64.b64decode(b64, validate=True))
    except ValueError:
        raise problem from None


def load_or_create(state_dir: Path) -> SigningKey:
    """This machine's ledger key; created (mode 0600) on first use."""
    path = state_dir / KEY_FILE
    if path.exists():
        return load_private(path)
    state_dir.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    try:
        # link, not rename: when two processes create at once, the first key wins for both.
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    return load_private(path)


def load_private(path: Path) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise LedgerError(f"cannot read the signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerError(f"{path} is not an Ed25519 private key")
    return SigningKey(key)


def rotate(state_dir: Path) -> tuple[SigningKey | None, SigningKey]:
    """Retire this machine's key (kept beside it as ``ledger-signing.key.retired-<id>``, never
    deleted: it may be needed to prove what it signed) and create a new one."""
    path = state_dir / KEY_FILE
    old = load_private(path) if path.exists() else None
    if old is not None:
        path.replace(path.with_name(f"{KEY_FILE}.retired-{old.key_id}"))
    return old, load_or_create(state_dir)


def machine_label() -> str:
    """A label for this machine's pin line: ``user@host``."""
    import getpass
    import socket

    try:
        return f"{getpass.getuser()}@{socket.gethostname()}"
    except (OSError, KeyError):
        return "this-machine"
