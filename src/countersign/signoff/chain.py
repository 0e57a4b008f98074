"""The hash chain: how one ledger entry is sealed (canonical JSON, previous hash, Ed25519
signature) and how a sequence of stored entries is checked, entry by entry, saying where.

An entry's body is the RFC 8785 canonical JSON of ``{seq, prev, kind, at, key, payload}``; the
body text is stored exactly as signed, so a database that reorders keys (``jsonb``) cannot
change what is verified. ``hash`` is the SHA-256 of the body; the next entry's ``prev`` is it.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable, Mapping

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from countersign.errors import LedgerError
from countersign.records import record
from countersign.sha256 import sha256
from countersign.signoff.keys import SigningKey

TYPE_CHECKING = False  # typing stays off the guard's ask path, which appends through here
if TYPE_CHECKING:
    from typing import Any

GENESIS = "0" * 64


@record(frozen=True)
class StoredEntry:
    """One row as a back end stores it: the exact canonical body, its hash and signature."""

    seq: int
    kind: str
    body: str
    hash: str
    sig: str
    key_id: str


@record(frozen=True)
class Entry:
    """A verified, parsed entry."""

    seq: int
    kind: str
    at: str
    key_id: str
    hash: str
    payload: Mapping[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.payload,
            "kind": self.kind,
            "seq": self.seq,
            "at": self.at,
            "key_id": self.key_id,  # which ledger key signed it (``signoff.adoption``)
        }


def canonical(value: Any) -> str:
    """RFC 8785 text of ``value``. Strings that cannot be UTF-8 (lone surrogates, which JSON
    input such as an agent's hook payload may carry) are stored with U+FFFD in their place;
    anything else canonical JSON cannot hold (integers beyond 2**53, NaN) is refused."""
    try:
        return bytes(rfc8785.dumps(_utf8_safe(value))).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:
        raise LedgerError(f"cannot record this entry as canonical JSON: {exc}") from None


_SURROGATE = re.compile("[\ud800-\udfff]")


def _utf8_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, Mapping):
        return {_utf8_safe(k): _utf8_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_utf8_safe(v) for v in value]
    return value


def digest(text: str) -> str:
    return sha256(text.encode("utf-8")).hexdigest()


def seal(
    seq: int, prev: str, kind: str, at: str, payload: Mapping[str, Any], key: SigningKey
) -> StoredEntry:
    body = canonical(
        {"seq": seq, "prev": prev, "kind": kind, "at": at, "key": key.key_id, "payload": payload}
    )
    sig = base64.b64encode(key.sign(body.encode("utf-8"))).decode("ascii")
    return StoredEntry(seq, kind, body, digest(body), sig, key.key_id)


@record(frozen=True)
class Problem:
    """What is wrong at entry ``seq``. Not ``fatal``: reported by ``ledger verify``, but the
    entries can still be read (a policy rollback is a finding about a decision, not damage)."""

    seq: int
    what: str
    fatal: bool = True

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.what}"


@record(frozen=True)
class Head:
    seq: int
    hash: str


def check_chain(
    rows: Iterable[StoredEntry],
    public_keys: Mapping[str, Ed25519PublicKey],
    witness: Head | None = None,
    *,
    signatures: bool = True,
    pinned_in: str | None = None,
    retired: Mapping[str, int] | None = None,
    verified: Head | None = None,
    checkpoint: Head | None = None,
    checkpoint_source: str = "",
) -> tuple[list[Entry], list[Problem]]:
    """Walk the stored rows in order; return the parsed entries and every problem found.

    Edits break the signature and the next ``prev``; deletions and insertions break ``seq``
    continuity or ``prev``; reorders break both; a truncated end is caught by the ``witness``
    (the newest head this machine saw written). Policy rollback: an entry claiming an older
    ``policy_version`` than one already in force. ``pinned_in``: ``public_keys`` are the keys
    pinned in that file, not the ledger's own list; ``retired``: a key's last valid entry.

    ``verified``: the newest entry this machine already checked in full. Up to it, only the
    links are walked (hashes, ``prev``, ``seq``) and the signing key looked up: the entry there
    must still have the hash it had, and its hash commits to every byte before it, so the
    signatures and canonical form checked then still hold. That is what keeps reads fast on a
    long ledger (Ed25519 verification and re-serialising each body were 70 % of the time).
    """
    entries: list[Entry] = []
    problems: list[Problem] = []
    prev_hash, expected_seq = GENESIS, 1
    newest_policy: dict[str, tuple[tuple[int, ...], str, int]] = {}
    seen_at_witness: str | None = None
    seen_at_verified: str | None = None
    seen_at_checkpoint: str | None = None
    for row in rows:
        checked_before = verified is not None and row.seq <= verified.seq
        body = _parse(row, problems, canonical_form=not checked_before)
        if body is None:
            prev_hash, expected_seq = row.hash, row.seq + 1
            continue
        problems.extend(_link_problems(row, body, expected_seq, prev_hash))
        if signatures:
            if checked_before:
                problems.extend(_key_problems(row, body, public_keys, pinned_in))
            else:
                problems.extend(_signature_problems(row, body, public_keys, pinned_in))
            problems.extend(_retired_problems(row, retired or {}, pinned_in))
        if witness and row.seq == witness.seq:
            seen_at_witness = digest(row.body)
        if verified and row.seq == verified.seq:
            seen_at_verified = digest(row.body)
        if checkpoint and row.seq == checkpoint.seq:
            seen_at_checkpoint = digest(row.body)
        payload = body.get("payload")
        if not isinstance(payload, dict):
            problems.append(Problem(row.seq, "payload is not an object"))
            payload = {}
        _policy_order(row.seq, payload, newest_policy, problems)
        entries.append(
            Entry(
                row.seq, str(body.get("kind")), str(body.get("at")), row.key_id, row.hash, payload
            )
        )
        prev_hash, expected_seq = digest(row.body), row.seq + 1
    last = expected_seq - 1
    marks = []
    if witness:
        marks = _against(witness, seen_at_witness, last, "saw the ledger reach", "saw written")
    if verified:
        marks += [
            p
            for p in _against(
                verified, seen_at_verified, last, "verified the ledger up to", "verified"
            )
            if p.seq not in {m.seq for m in marks}
        ]
    if checkpoint:
        marks += [
            p
            for p in _against_checkpoint(checkpoint, seen_at_checkpoint, last, checkpoint_source)
            if p.seq not in {m.seq for m in marks}
        ]
    return entries, problems + marks


def extends(
    rows: Iterable[StoredEntry], start: int, end: int, marks: Iterable[tuple[Head, str]]
) -> str | None:
    """Why a ledger ending at entry ``end``, whose entries from number ``start`` on are
    ``rows``, does not extend each mark (``(head, who saw it)``: the newest head this machine
    witnessed, the newest committed checkpoint), or None when it does: every mark's entry is
    still there with its hash, and each entry from the first mark on links to the one before.

    For an append that does not read the whole ledger first: it must not advance a witness
    past a ledger that was rewound or rewritten under it. Entries before the first mark are
    not walked (a full read still finds damage there, and an append does not hide it)."""
    wanted = {head.seq: (head, who) for head, who in marks}
    for head, who in wanted.values():
        if head.seq > end:
            return f"missing: {who} entry {head.seq}, it now ends at {end} (the ledger was rewound)"
    prev, expected = None, start
    for row in rows:
        if row.seq != expected:
            return f"entry {expected} is missing (deleted)"
        try:
            body = json.loads(row.body)
        except ValueError:
            return f"entry {row.seq}: body is not JSON (corrupted)"
        if row.hash != digest(row.body) or not isinstance(body, dict) or body.get("seq") != row.seq:
            return f"entry {row.seq}: stored hash or number does not match its body (edited)"
        if prev is not None and body.get("prev") != prev:
            return f"entry {row.seq}: does not chain to the entry before it (rewritten)"
        mark = wanted.get(row.seq)
        if mark is not None and mark[0].hash != row.hash:
            return f"entry {row.seq}: differs from the entry {mark[1]} there (rewritten)"
        prev, expected = row.hash, expected + 1
    if expected != end + 1:
        return f"entry {expected} is missing (deleted)"
    return None


def _against_checkpoint(mark: Head, seen: str | None, last: int, source: str) -> list[Problem]:
    """The ledger against the checkpoint committed with the protected branch: every machine
    sees it, so a rewind is caught even where the ledger was never read before."""
    if mark.seq > last:
        gone = f"entry {mark.seq}" if mark.seq == last + 1 else f"entries {last + 1}-{mark.seq}"
        return [
            Problem(
                mark.seq,
                f"missing: the checkpoint in {source} records the ledger at entry {mark.seq}, "
                f"it now ends at {last}: {gone} disappeared (the ledger was rewound)",
            )
        ]
    if seen is not None and seen != mark.hash:
        return [
            Problem(
                mark.seq,
                f"differs from the checkpoint in {source} (the ledger was rewritten from "
                f"entry {mark.seq} or before)",
            )
        ]
    return []


def _against(mark: Head, seen: str | None, last: int, reached: str, wrote: str) -> list[Problem]:
    """The ledger against an entry this machine remembers: still there, still the same."""
    if mark.seq > last:
        return [
            Problem(
                mark.seq,
                f"missing: this machine {reached} entry {mark.seq}, it now ends at {last} "
                "(entries were deleted from the end)",
            )
        ]
    if seen is not None and seen != mark.hash:
        return [
            Problem(
                mark.seq,
                f"differs from the entry this machine {wrote} there (the ledger was rewritten)",
            )
        ]
    return []


def _parse(
    row: StoredEntry, problems: list[Problem], *, canonical_form: bool = True
) -> dict[str, Any] | None:
    try:
        body = json.loads(row.body)
    except ValueError:
        problems.append(Problem(row.seq, "body is not JSON (corrupted)"))
        return None
    if not isinstance(body, dict):
        problems.append(Problem(row.seq, "body is not a JSON object (corrupted)"))
        return None
    if canonical_form and canonical(body) != row.body:
        problems.append(Problem(row.seq, "body is not in canonical form (edited)"))
    return body


def _link_problems(
    row: StoredEntry, body: Mapping[str, Any], expected_seq: int, prev_hash: str
) -> list[Problem]:
    out: list[Problem] = []
    if row.hash != digest(row.body):
        out.append(Problem(row.seq, "stored hash does not match its body (edited)"))
    if body.get("seq") != row.seq:
        out.append(
            Problem(row.seq, f"body says it is entry {body.get('seq')} (moved or reordered)")
        )
    if row.seq != expected_seq:
        what = "missing before it (deleted)" if row.seq > expected_seq else "out of order"
        out.append(Problem(row.seq, f"expected entry {expected_seq}; entries {what}"))
    if body.get("prev") != prev_hash:
        out.append(
            Problem(
                row.seq,
                "does not chain to the entry before it (an entry before it was edited, "
                "deleted, inserted or reordered)",
            )
        )
    if body.get("kind") != row.kind or body.get("key") != row.key_id:
        out.append(Problem(row.seq, "stored kind or key differs from the signed body (edited)"))
    return out


def _signature_problems(
    row: StoredEntry,
    body: Mapping[str, Any],
    public_keys: Mapping[str, Ed25519PublicKey],
    pinned_in: str | None,
) -> list[Problem]:
    missing = _key_problems(row, body, public_keys, pinned_in)
    if missing:
        return missing
    key = public_keys[str(body.get("key"))]
    try:
        key.verify(base64.b64decode(row.sig, validate=True), row.body.encode("utf-8"))
    except (InvalidSignature, ValueError):
        return [Problem(row.seq, "signature does not match its content (edited or forged)")]
    return []


def _key_problems(
    row: StoredEntry,
    body: Mapping[str, Any],
    public_keys: Mapping[str, Ed25519PublicKey],
    pinned_in: str | None,
) -> list[Problem]:
    """The entry's key must be believed: pinned, or recorded when nothing is pinned (checked
    again for entries whose signature was verified before, since the pins may have changed)."""
    if str(body.get("key")) in public_keys:
        return []
    if pinned_in:
        return [
            Problem(row.seq, f"signed by key {body.get('key')!r}, which {pinned_in} does not pin")
        ]
    return [Problem(row.seq, f"signed by unknown key {body.get('key')!r}")]


def _retired_problems(
    row: StoredEntry, retired: Mapping[str, int], pinned_in: str | None
) -> list[Problem]:
    until = retired.get(row.key_id)
    if until is None or row.seq <= until:
        return []
    return [
        Problem(
            row.seq,
            f"signed by key {row.key_id}, which {pinned_in or 'the pins'} retired after "
            f"entry {until}",
        )
    ]


def _policy_order(
    seq: int,
    payload: Mapping[str, Any],
    newest: dict[str, tuple[tuple[int, ...], str, int]],
    problems: list[Problem],
) -> None:
    """A policy rollback: on one branch, an entry claiming an older ``policy_version`` than one
    already recorded there. Entries of other branches (one forked long ago) are not compared,
    and a rollback is reported without making the ledger unreadable (``Problem.fatal``)."""
    claimed = payload.get("policy_version")
    if not isinstance(claimed, str | int) or isinstance(claimed, bool):
        return
    scope = str(payload.get("branch") or "")
    order = version_order(str(claimed))
    before = newest.get(scope)
    if before is not None and order < before[0]:
        on = f" on branch {scope}" if scope else ""
        problems.append(
            Problem(
                seq,
                f"claims policy version {claimed} after version {before[1]} was in force{on} "
                f"(entry {before[2]}): policy rollback",
                fatal=False,
            )
        )
        return
    newest[scope] = (order, str(claimed), seq)


def version_order(version: str) -> tuple[int, ...]:
    """``"2.10"`` > ``"2.9"``; non-numeric parts sort as 0."""
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))
