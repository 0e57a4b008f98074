"""Who is signing: an ``Identity`` says what was claimed, where it came from and whether it was
authenticated. The CLI builds one from ``--as``, git ``user.email`` or a signing key registered
in the roster; the service will build one from the forge's authenticated user instead, and
nothing downstream needs to change."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

from countersign.config.roster import Person, Roster
from countersign.errors import UsageError
from countersign.intake.git import git
from countersign.signoff.chain import canonical
from countersign.signoff.keys import load_private


@dataclass(frozen=True)
class Identity:
    claimed: str
    source: str  # "flag" (--as), "git" (user.email), "key" (roster key), "forge" (service)
    authenticated: bool = False
    public_key: str = ""

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "claimed": self.claimed,
            "source": self.source,
            "authenticated": self.authenticated,
        }
        if self.public_key:
            out["public_key"] = self.public_key
        return out


def identity_from(
    root: Path | None, given: str | None, roster: Roster, key_file: Path | None = None
) -> Identity:
    if key_file is not None:
        key = load_private(key_file)
        owner = next((p for p in roster.people if key.public_text in p.keys), None)
        if owner is None:
            raise UsageError(
                f"the key in {key_file} ({key.public_text}) is not registered in people.yaml; "
                "add it to your entry's keys"
            )
        if given and roster.find(given) != owner:
            raise UsageError(f"--as {given} does not match the key's owner {owner.id}")
        return Identity(owner.id, "key", authenticated=True, public_key=key.public_text)
    if given:
        return Identity(given, "flag")
    if root is not None:
        try:
            email = git(root, "config", "user.email").decode().strip()
        except Exception:  # noqa: BLE001 - any failure means "not configured"
            email = ""
        if email:
            return Identity(email, "git")
    raise UsageError("who is signing? pass --as IDENTITY, --key FILE or set git config user.email")


def sign_statement(key_file: Path, statement: dict[str, object]) -> str:
    """The approver's own signature over what they approved (with ``--key``)."""
    sig = load_private(key_file).sign(canonical(statement).encode("utf-8"))
    return base64.b64encode(sig).decode("ascii")


def person_for(identity: Identity, roster: Roster) -> Person | None:
    return roster.find(identity.claimed)
