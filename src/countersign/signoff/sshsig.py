"""SSH signatures (OpenSSH's SSHSIG format, ``PROTOCOL.sshsig``), the ones ``git`` makes for
signed commits: an engineer's existing SSH key signs what they approve, and the roster's public
keys verify it.

Signing calls ``ssh-keygen -Y sign``, so a key file (with its passphrase prompt) or an
``ssh-agent`` holding the key works as it does for git. Verifying is in process with the
``cryptography`` package (no child process per approval); it follows the same format and is
checked against ``ssh-keygen -Y verify`` in the tests.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from countersign.config.signing_keys import KEY_TYPES, PublicKey, parse_public_key
from countersign.errors import UsageError

NAMESPACE = "countersign"
MAGIC = b"SSHSIG"
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
_ECDSA_HASH: dict[str, hashes.HashAlgorithm] = {
    "ecdsa-sha2-nistp256": hashes.SHA256(),
    "ecdsa-sha2-nistp384": hashes.SHA384(),
    "ecdsa-sha2-nistp521": hashes.SHA512(),
}
_RSA_HASH: dict[str, hashes.HashAlgorithm] = {
    "rsa-sha2-256": hashes.SHA256(),
    "rsa-sha2-512": hashes.SHA512(),
}


class SignatureError(ValueError):
    """The signature is not a valid SSHSIG of this message by this key."""


class _Reader:
    """The SSH wire format: uint32 lengths before strings (RFC 4251)."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.at = 0

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.data):
            raise IndexError("truncated")
        out = self.data[self.at : self.at + n]
        self.at += n
        return out

    def uint32(self) -> int:
        return int.from_bytes(self.take(4), "big")

    def string(self) -> bytes:
        return self.take(self.uint32())

    def done(self) -> bool:
        return self.at == len(self.data)


def _string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


@dataclass(frozen=True)
class Signature:
    """A parsed SSHSIG: who claims to have signed (their key), for which namespace, how."""

    key: PublicKey
    namespace: str
    hash_algorithm: str
    sig_format: str
    sig_blob: bytes


def parse_signature(armored: str) -> Signature:
    text = armored.strip()
    if not (text.startswith(BEGIN) and text.endswith(END)):
        raise SignatureError("not an SSH signature (no BEGIN/END SSH SIGNATURE lines)")
    body = "".join(text[len(BEGIN) : -len(END)].split())
    try:
        raw = base64.b64decode(body, validate=True)
        reader = _Reader(raw)
        if reader.take(6) != MAGIC or reader.uint32() != 1:
            raise SignatureError("not an SSHSIG version 1 signature")
        blob = reader.string()
        namespace = reader.string().decode("utf-8")
        reader.string()  # reserved
        hash_algorithm = reader.string().decode("ascii")
        sig = _Reader(reader.string())
        sig_format = sig.string().decode("ascii")
        sig_blob = sig.string()
        kind = _Reader(blob).string().decode("ascii")
    except (ValueError, IndexError, UnicodeDecodeError):
        raise SignatureError("the SSH signature is truncated or not base64") from None
    return Signature(PublicKey(kind, blob), namespace, hash_algorithm, sig_format, sig_blob)


def verify(
    armored: str | Signature, message: bytes, key: PublicKey, namespace: str = NAMESPACE
) -> None:
    """Raise ``SignatureError`` unless ``armored`` (or its parsed ``Signature``) is ``key``'s
    SSHSIG of ``message`` in ``namespace`` (what ``ssh-keygen -Y verify -n NAMESPACE``
    checks)."""
    sig = armored if isinstance(armored, Signature) else parse_signature(armored)
    if sig.key.blob != key.blob:
        raise SignatureError(f"signed by another key ({sig.key.fingerprint})")
    if sig.namespace != namespace:
        raise SignatureError(f"made for namespace {sig.namespace!r}, not {namespace!r}")
    digest = {"sha256": hashlib.sha256, "sha512": hashlib.sha512}.get(sig.hash_algorithm)
    if digest is None:
        raise SignatureError(f"unsupported hash algorithm {sig.hash_algorithm!r}")
    signed = (
        MAGIC
        + _string(namespace.encode("utf-8"))
        + _string(b"")
        + _string(sig.hash_algorithm.encode("ascii"))
        + _string(digest(message).digest())
    )
    try:
        _check(key, sig, signed)
    except (InvalidSignature, ValueError, IndexError):
        raise SignatureError("the signature does not match what it claims to sign") from None


@functools.lru_cache(maxsize=256)
def _loaded(text: str) -> object:
    """A roster key as ``cryptography`` holds it: parsed once per process, not per entry."""
    return serialization.load_ssh_public_key(text.encode("ascii"))


def _check(key: PublicKey, sig: Signature, signed: bytes) -> None:
    public = _loaded(key.text)
    if isinstance(public, ed25519.Ed25519PublicKey) and sig.sig_format == "ssh-ed25519":
        public.verify(sig.sig_blob, signed)
    elif isinstance(public, rsa.RSAPublicKey) and sig.sig_format in _RSA_HASH:
        public.verify(sig.sig_blob, signed, padding.PKCS1v15(), _RSA_HASH[sig.sig_format])
    elif isinstance(public, ec.EllipticCurvePublicKey) and sig.sig_format == key.kind:
        parts = _Reader(sig.sig_blob)
        r = int.from_bytes(parts.string(), "big")
        s = int.from_bytes(parts.string(), "big")
        der = encode_dss_signature(r, s)
        public.verify(der, signed, ec.ECDSA(_ECDSA_HASH[key.kind]))
    else:
        raise InvalidSignature


def sign(key_file: Path, message: bytes, namespace: str = NAMESPACE) -> str:
    """``ssh-keygen -Y sign``: ``key_file`` is a private key, or a public key whose private
    half an ``ssh-agent`` holds (``$SSH_AUTH_SOCK``). Returns the armored signature."""
    exe = shutil.which("ssh-keygen")
    if exe is None:
        raise UsageError("signing needs ssh-keygen (OpenSSH 8.2 or later) on the PATH")
    if not key_file.is_file():
        raise UsageError(f"no key file {key_file}; give your SSH key (or its .pub with ssh-agent)")
    try:
        done = subprocess.run(
            [exe, "-Y", "sign", "-n", namespace, "-f", str(key_file)],
            input=message,
            capture_output=True,
            timeout=120,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(f"ssh-keygen could not sign with {key_file}: {exc}") from None
    out = done.stdout.decode("ascii", "replace")
    if done.returncode != 0 or BEGIN not in out:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            f"ssh-keygen could not sign with {key_file}: {why[-1] if why else 'no signature'}"
            " (a .pub file needs its key loaded in ssh-agent)"
        )
    return out[out.index(BEGIN) :].strip()


def public_key_of(key_file: Path) -> PublicKey:
    """The public key of a private key file (its ``.pub`` beside it) or of a ``.pub`` file."""
    candidates = [key_file] if key_file.suffix == ".pub" else [Path(f"{key_file}.pub"), key_file]
    for path in candidates:
        try:
            fields = path.read_text(encoding="utf-8").split()
        except (OSError, UnicodeDecodeError):
            continue
        if len(fields) >= 2 and fields[0] in KEY_TYPES:
            try:
                return parse_public_key(fields[0], fields[1])
            except ValueError:
                break
    raise UsageError(
        f"cannot read the public key of {key_file}; keep KEY.pub beside it "
        "(`ssh-keygen -y -f KEY > KEY.pub`)"
    )
