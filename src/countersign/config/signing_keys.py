"""SSH public keys as people.yaml lists them (the ``allowed_signers`` form, ``ssh-ed25519
AAAA…``): parsed and checked at load, so a bad key is a roster error naming the person."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization

KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
)


@dataclass(frozen=True)
class PublicKey:
    """One OpenSSH public key (``ssh-ed25519 AAAA…``): its type and wire-format blob."""

    kind: str
    blob: bytes

    @property
    def text(self) -> str:
        return f"{self.kind} {base64.b64encode(self.blob).decode('ascii')}"

    @property
    def fingerprint(self) -> str:
        """As ``ssh-keygen -l`` prints it: ``SHA256:`` and unpadded base64."""
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode("ascii")
        return "SHA256:" + digest.rstrip("=")


def parse_public_key(kind: str, b64: str) -> PublicKey:
    """A key given as its type and base64 blob, as in ``authorized_keys``/``allowed_signers``;
    ``ValueError`` with what is wrong."""
    if kind not in KEY_TYPES:
        raise ValueError(f"key type {kind!r} is not supported; use one of {', '.join(KEY_TYPES)}")
    try:
        blob = base64.b64decode(b64, validate=True)
    except ValueError:
        raise ValueError(f"{kind} key {b64[:16]}… is not valid base64") from None
    key = PublicKey(kind, blob)
    size = int.from_bytes(blob[:4], "big")
    inner = blob[4 : 4 + size].decode("ascii", "replace") if size <= len(blob) - 4 else ""
    try:
        serialization.load_ssh_public_key(key.text.encode("ascii"))
    except (ValueError, UnsupportedAlgorithm):
        inner = ""
    if not inner:
        raise ValueError(f"{kind} key {b64[:16]}… is not a valid OpenSSH public key")
    if inner != kind:
        raise ValueError(f"key {b64[:16]}… is a {inner} key, not {kind}")
    return key
