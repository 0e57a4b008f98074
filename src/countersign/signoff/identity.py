"""Who is signing: an ``Identity`` says what was claimed, where it came from and how strongly
it is proven. The CLI builds one from ``--key`` (an SSH key the roster lists: ``signed``),
``--as`` or git ``user.email`` (``asserted``); a GitHub review confirmed through the API is
``forge``. Entries are checked again when read (``signoff.proof``): what is recorded here is
what was claimed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from countersign.config.roster import Person, Roster
from countersign.errors import UsageError
from countersign.intake.git import git
from countersign.signoff.proof import Proof, Strength
from countersign.signoff.sshsig import public_key_of


@dataclass(frozen=True)
class Identity:
    claimed: str
    source: str  # "flag" (--as), "git" (user.email), "key" (SSH key), "forge", "github-review"
    authenticated: bool = False
    public_key: str = ""  # the SSH key's fingerprint (SHA256:…) when signed
    key_file: Path | None = None
    # The repository permission the forge reported for this person (``admin``, ``write``...),
    # when it was asked (an adoption change: ``signoff.forge``).
    permission: str = ""
    # What the forge confirmed (``signoff.forge``), recorded with a ``forge`` identity for audit
    evidence: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def strength(self) -> Strength:
        if self.source == "key":
            return Strength.SIGNED
        if self.source == "forge":
            return Strength.FORGE
        return Strength.ASSERTED

    @property
    def proof(self) -> Proof:
        return Proof(self.strength, self.public_key)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "claimed": self.claimed,
            "source": self.source,
            "authenticated": self.authenticated,
            "strength": str(self.strength),
        }
        if self.public_key:
            out["public_key"] = self.public_key
        if self.permission:
            out["permission"] = self.permission
        if self.evidence:
            out["forge"] = dict(self.evidence)
        return out


def identity_from(
    root: Path | None, given: str | None, roster: Roster, key_file: Path | None = None
) -> Identity:
    if key_file is not None:
        return _key_owner(key_file, given, roster)
    if given:
        return Identity(given, "flag")
    if root is not None:
        try:
            email = git(root, "config", "user.email").decode().strip()
        except Exception:  # noqa: BLE001 - any failure means "not configured"
            email = ""
        if email:
            return Identity(email, "git")
    raise UsageError(
        "who is signing? pass --key FILE (your SSH key), --as IDENTITY or set git config user.email"
    )


def _key_owner(key_file: Path, given: str | None, roster: Roster) -> Identity:
    public = public_key_of(key_file)
    if not any(p.keys for p in roster.people):
        raise UsageError(
            "people.yaml lists no signing keys: add each approver's SSH public key to their "
            'entry (keys: ["ssh-ed25519 AAAA… laptop"]), on the base branch'
        )
    owner = next((p for p in roster.people if any(k.key.blob == public.blob for k in p.keys)), None)
    if owner is None:
        raise UsageError(
            f"the key {public.fingerprint} ({key_file}) is not listed in people.yaml for anyone; "
            "add it to your entry's keys (on the base branch)"
        )
    if given and roster.find(given) != owner:
        raise UsageError(
            f"--as {given} does not match {owner.id}, whom people.yaml lists for key "
            f"{public.fingerprint}"
        )
    return Identity(
        owner.id, "key", authenticated=True, public_key=public.fingerprint, key_file=key_file
    )


def person_for(identity: Identity, roster: Roster) -> Person | None:
    return roster.find(identity.claimed)
