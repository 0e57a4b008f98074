"""Signing keys: each repository's ledger writer holds an Ed25519 key in the state directory
(``$(git rev-parse --git-common-dir)/countersign/``, outside the work tree and never committed);
its public key is recorded in the ledger so any copy can be verified."""

from __future__ import annotations

import base64
import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from countersign.errors import LedgerError
from countersign.records import record
from countersign.sha256 import sha256

KEY_FILE = "ledger-signing.key"
# The DER of a PKCS#8 Ed25519 private key before its 32-byte seed (RFC 8410), as
# cryptography writes it.
_PKCS8_ED25519 = bytes.fromhex("302e020100300506032b657004220420")


@record(frozen=True)
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
    raw = key.public_bytes_raw()
    return "ed25519:" + base64.b64encode(raw).decode("ascii")


def key_id(public: str) -> str:
    return "k" + sha256(public.encode("ascii")).hexdigest()[:16]


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
    from cryptography.hazmat.primitives import serialization

    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
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
        data = path.read_bytes()
        plain = _plain_pem(data)
        if plain is not None:
            return SigningKey(plain)
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(data, password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise LedgerError(f"cannot read the signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise LedgerError(f"{path} is not an Ed25519 private key")
    return SigningKey(key)


def _plain_pem(data: bytes) -> Ed25519PrivateKey | None:
    """The key from the PEM that ``load_or_create`` writes, read without cryptography's
    ``serialization`` package: that imports its SSH support (with ``dataclasses``) and every
    other key type, most of the cost of a guard decision that is asked and recorded. None for
    any other form, which the full reader then reads."""
    lines = data.strip().splitlines()
    if len(lines) != 3 or lines[0] != b"-----BEGIN PRIVATE KEY-----":
        return None
    if lines[2] != b"-----END PRIVATE KEY-----":
        return None
    try:
        der = base64.b64decode(lines[1], validate=True)
    except ValueError:
        return None
    if len(der) != len(_PKCS8_ED25519) + 32 or not der.startswith(_PKCS8_ED25519):
        return None
    return Ed25519PrivateKey.from_private_bytes(der[len(_PKCS8_ED25519) :])


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
