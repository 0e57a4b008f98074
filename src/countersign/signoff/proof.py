"""How strongly an entry proves who made it: ``signed`` (an SSH signature by a key the roster
lists for that person, over a statement of exactly what they approved), ``forge`` (a review
GitHub delivered over an authenticated channel and confirmed through its API) or ``asserted``
(a name typed at a terminal, a JSON file, or an entry older than signing).

The statement is rebuilt from the ledger entry when it is read, never stored beside it: an
entry whose approved fields were edited no longer matches its signature. Keys are those of the
roster at the protected base, with their ``until=`` dates, so a retired key stops proving
anything recorded after it was retired.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from countersign.config.roster import Person
from countersign.signoff.chain import canonical
from countersign.signoff.sshsig import SignatureError, parse_signature, sign, verify


class Strength(StrEnum):
    SIGNED = "signed"
    FORGE = "forge"
    ASSERTED = "asserted"


STRENGTHS = tuple(s.value for s in Strength)
PROVEN = (Strength.SIGNED.value, Strength.FORGE.value)
SIGNATURE = "signature"  # the payload key holding the armored SSHSIG
SIGNED_AT = "signed_at"  # the signer's clock; the ledger's own ``at`` is the entry's

# What each kind of entry signs: the fields that say what was approved, by whom, when.
SIGNED_FIELDS: dict[str, tuple[str, ...]] = {
    "approval": (
        "approver",
        "fingerprint",
        "requirements",
        "policy_digest",
        "policy_version",
        "base",
        "tree",
        "note",
        SIGNED_AT,
    ),
    "break-glass": (
        "who",
        "fingerprint",
        "reason",
        "incident",
        "expires",
        "policy_digest",
        SIGNED_AT,
    ),
    "change-record": ("author", "fingerprint", "fields", SIGNED_AT),
    "guard-approval": ("action", "fingerprint", "approver", "operator", "expires", SIGNED_AT),
}


def statement(kind: str, payload: Mapping[str, Any]) -> bytes:
    """The exact bytes signed for an entry: RFC 8785 JSON of its type and signed fields."""
    fields = SIGNED_FIELDS[kind]
    body = {"type": f"countersign/{kind}/v1", **{k: payload.get(k) for k in fields}}
    return canonical(body).encode("utf-8")


def signed(
    kind: str, payload: Mapping[str, Any], key_file: Path, now: str | None = None
) -> dict[str, Any]:
    """``payload`` with the signer's time and their SSH signature over its statement."""
    out: dict[str, Any] = json.loads(json.dumps({**payload, SIGNED_AT: now or _now()}))
    out[SIGNATURE] = sign(key_file, statement(kind, out))
    return out


@dataclass(frozen=True)
class Proof:
    """An entry's strength, and why it proves nothing when its signature fails."""

    strength: Strength
    key: str = ""  # the signing key's fingerprint, when signed
    problem: str = ""  # a signature that does not verify: the entry must not count

    def as_dict(self) -> dict[str, str]:
        out = {"strength": str(self.strength)}
        if self.key:
            out["key"] = self.key
        if self.problem:
            out["problem"] = self.problem
        return out


def proof_of(kind: str, payload: Mapping[str, Any], person: Person | None, recorded: str) -> Proof:
    """Check an entry against the roster's keys of the ``person`` it names. ``recorded`` is the
    ledger's time of the entry, which a retired key's ``until`` is compared with."""
    armored = payload.get(SIGNATURE)
    if armored is None:
        source = payload.get("identity", {})
        forge = isinstance(source, Mapping) and source.get("source") == "forge"
        if forge and (problem := _login_problem(source, person, payload)):
            return Proof(Strength.ASSERTED, problem=problem)
        return Proof(Strength.FORGE if forge else Strength.ASSERTED)
    who = person.id if person else str(payload.get("approver") or payload.get("who") or "?")
    try:
        sig = parse_signature(str(armored))
    except SignatureError as exc:
        return Proof(Strength.ASSERTED, problem=f"{who}'s signature is unreadable: {exc}")
    mine = next((k for k in (person.keys if person else ()) if k.key.blob == sig.key.blob), None)
    if mine is None:
        return Proof(
            Strength.ASSERTED,
            sig.key.fingerprint,
            f"signed with key {sig.key.fingerprint}, which people.yaml does not list for {who}",
        )
    at = _time(recorded) or _time(str(payload.get(SIGNED_AT, "")))
    if at is None or not mine.valid_at(at):
        until = mine.until.date().isoformat() if mine.until else "?"
        return Proof(
            Strength.ASSERTED,
            mine.key.fingerprint,
            f"{who}'s key {mine.name} was retired (until={until}) before this was recorded",
        )
    try:
        verify(sig, statement(kind, payload), mine.key)
    except SignatureError as exc:
        return Proof(
            Strength.ASSERTED,
            mine.key.fingerprint,
            f"{who}'s signature with key {mine.key.fingerprint} does not verify: {exc} "
            "(the entry was altered after signing)",
        )
    return Proof(Strength.SIGNED, mine.key.fingerprint)


def _login_problem(
    source: Mapping[str, Any], person: Person | None, payload: Mapping[str, Any]
) -> str:
    """A forge approval names the GitHub user GitHub confirmed; it proves something only for
    the person whose ``github`` login that is in the roster read now, not in whichever roster
    the recording used. (Entries from before the login was recorded carry none.)"""
    evidence = source.get("forge")
    login = str(evidence.get("login") or "") if isinstance(evidence, Mapping) else ""
    if not login or (person is not None and person.github.lower() == login.lower()):
        return ""
    who = person.id if person else str(payload.get("approver") or "?")
    return f"recorded from GitHub user {login}, whom people.yaml does not list as {who}'s login"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _time(text: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)
