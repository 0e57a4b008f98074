"""Pinned ledger keys: which public keys may sign the ledger, committed and reviewed in
``.countersign/ledger-keys``. Without the file every key recorded in the ledger is believed,
so whoever can write the database could re-sign a rewritten history with a key of their own;
with it, only the pinned keys count.

One key per line, ``#`` starts a comment::

    ed25519:3q2+7w...=  ci-runner          # a label, free text
    ed25519:Zm9vYmFy...=  laptop-dana until=412

``until=N`` retires a key (rotated, or lost): entries it signed up to number N still verify,
later ones do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from countersign.errors import ConfigError, InputError, LedgerError
from countersign.records import record
from countersign.signoff.keys import key_id, parse_public

PIN_FILE = "ledger-keys"


@record(frozen=True)
class Pin:
    public: str
    label: str = ""
    until: int | None = None

    @property
    def key_id(self) -> str:
        return key_id(self.public)


@record(frozen=True)
class Pins:
    """The pinned keys and where they were read, for messages."""

    pins: tuple[Pin, ...]
    source: str

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return {p.key_id: parse_public(p.public) for p in self.pins}

    def retired(self) -> Mapping[str, int]:
        return {p.key_id: p.until for p in self.pins if p.until is not None}

    def may_sign(self, kid: str, seq: int) -> bool:
        return any(p.key_id == kid and (p.until is None or seq <= p.until) for p in self.pins)


def parse_pins(text: str, source: str) -> Pins:
    pins: list[Pin] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.partition("#")[0].strip()
        if not line:
            continue
        public, *rest = line.split()
        where = f"line {number}"
        try:
            parse_public(public)
        except LedgerError:
            raise ConfigError(
                source,
                where,
                f"{public[:40]!r} is not a public key; copy the line "
                "`countersign ledger keys` prints for the machine",
            ) from None
        until: int | None = None
        label: list[str] = []
        for word in rest:
            if word.startswith("until="):
                value = word.removeprefix("until=")
                if not value.isdigit():
                    raise ConfigError(source, where, f"until= takes an entry number, got {value!r}")
                until = int(value)
            else:
                label.append(word)
        pins.append(Pin(public, " ".join(label), until))
    if not pins:
        raise ConfigError(
            source,
            "",
            "pins no key, so nothing could sign the ledger; add a key "
            "(`countersign ledger keys` prints this machine's) or delete the file",
        )
    return Pins(tuple(pins), source)


def pins_in(root: Path, rev: str | None = None) -> Pins | None:
    """The pins committed at ``rev`` of the repository at ``root`` (uncommitted edits do not
    count: a pin is a reviewed decision); the file itself outside git. None: nothing pinned.

    ``rev`` None: the protected branch (``protected_rev``), never the checked-out branch, which
    could delete the file or pin a key of its own."""
    from countersign.config import CONFIG_DIR
    from countersign.intake.git_command import read_named

    rev = rev or protected_rev(root)
    path = f"{CONFIG_DIR}/{PIN_FILE}"
    try:
        (data,) = read_named(root, [f"{rev}:{path}"])
    except InputError:
        data = None
    if data is None and not (root / ".git").exists() and (root / path).is_file():
        data = (root / path).read_bytes()
    if data is None:
        return None
    return parse_pins(data.decode("utf-8", "replace"), path)


def protected_rev(root: Path) -> str:
    """The revision whose ledger configuration (pins, checkpoints) a reader believes when no
    change says where it lands: the protected branch (``origin/HEAD``, else origin's ``main``,
    ``master``, ``trunk``, else the local one), else ``HEAD``."""
    from countersign.intake import git_command as git

    try:
        return git.protected_branch(root) or "HEAD"
    except InputError:
        return "HEAD"
