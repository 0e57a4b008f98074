"""The ledger: an append-only, hash-chained, signed log of every decision, approval, override,
break-glass and guard decision.

``Ledger`` is the one interface every writer uses (``append(kind, payload)``) and every reader
uses (``entries(kind)``). ``entries`` verifies the whole chain and every signature first: an
untrustworthy ledger raises ``LedgerError`` (exit 5), so it can never turn into a ``pass``.

Where it lives: ``$COUNTERSIGN_LEDGER`` (a file path or a ``postgresql://`` URL), else
``.countersign/ledger.db`` in the repository. The signing key and the witness of the newest head
this machine wrote live in the state directory (``$(git rev-parse --git-common-dir)/countersign``).
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from countersign.errors import LedgerError
from countersign.records import record
from countersign.sha256 import sha256
from countersign.signoff.chain import (
    GENESIS,
    Entry,
    Head,
    Problem,
    check_chain,
    extends,
    seal,
)
from countersign.signoff.checkpoint import Checkpoint, newest_for
from countersign.signoff.keys import SigningKey, key_id, load_or_create, parse_public
from countersign.signoff.pins import Pins
from countersign.signoff.stores import PostgresStore, SqliteStore, Store

TYPE_CHECKING = False  # typing stays off the guard's ask path, which appends through here
if TYPE_CHECKING:
    from typing import Any, Protocol

    # the approvals (and through them the policy engine) load only when sign-offs are read:
    # the guard appends decisions through this module on every ask and deny
    from countersign.signoff.approvals import Approval, SignOffs
else:
    Protocol = object  # a plain base class at run time; checkers see the protocol

ENV_LEDGER = "COUNTERSIGN_LEDGER"


class Ledger(Protocol):
    def append(self, kind: str, payload: dict[str, Any]) -> None: ...

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]: ...


@record(frozen=True)
class Report:
    location: str
    entries: int
    keys: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@record(frozen=True)
class LedgerState:
    """What a reader should know of the ledger it trusted, shown in every output: where it is,
    which keys it believes, and the newest committed checkpoint it was compared with."""

    location: str
    pinned_in: str | None  # None: no pins, every key recorded in the ledger is believed
    checkpoint: int | None = None  # the entry the newest checkpoint seen records

    @property
    def summary(self) -> str:
        keys = (
            f"keys pinned in {self.pinned_in}"
            if self.pinned_in
            else "UNPINNED: any key recorded in it is believed (commit .countersign/ledger-keys)"
        )
        mark = (
            f"checkpoint at entry {self.checkpoint}"
            if self.checkpoint is not None
            else "no checkpoint committed"
        )
        return f"ledger {self.location}: {keys}; {mark}"


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class SignedLedger:
    def __init__(
        self,
        store: Store,
        state_dir: Path,
        clock: Callable[[], str] = now_iso,
        pins: Pins | None = None,
        checkpoints: tuple[Checkpoint, ...] = (),
        witness_dirs: tuple[Path, ...] = (),
    ) -> None:
        """``witness_dirs``: more state directories that keep a witness of the newest head
        written from here (the guard keeps one in the user's, outside the repository, so a
        copy of the repository's ledger and state directory put back does not rewind it)."""
        self.store = store
        self.state_dir = state_dir
        self.clock = clock
        self.pins = pins
        self.checkpoints = checkpoints
        self.witness_dirs = witness_dirs
        self._key: SigningKey | None = None

    @property
    def key(self) -> SigningKey:
        if self._key is None:
            self._key = load_or_create(self.state_dir)
        return self._key

    def append(self, kind: str, payload: dict[str, Any]) -> None:
        self.append_entry(kind, payload)

    def append_entry(self, kind: str, payload: Mapping[str, Any]) -> Head:
        head = self._append(kind, payload, expect=None)
        assert head is not None  # noqa: S101 - no expectation, so never refused
        return head

    def append_extending(self, kind: str, payload: Mapping[str, Any]) -> Head:
        """Append without reading the whole ledger first, refusing (``LedgerError``) a ledger
        that no longer extends the newest head this machine witnessed or the newest committed
        checkpoint (``chain.extends``), so that no witness ever moves past a rewind: the
        guard's record of an ask or deny, on every call, in time that does not grow with the
        ledger. A writer that decides on what it read uses ``entries`` and
        ``append_if_unchanged`` instead."""
        head = self._append(kind, payload, expect=None, extending=True)
        assert head is not None  # noqa: S101 - no expectation, so never refused
        return head

    def mentions(self, kind: str, text: str) -> bool:
        """Whether an entry of ``kind`` has ``text`` in its body, unverified: a cheap "no" (an
        approval of this action was never recorded), never a "yes" to act on."""
        return self.store.mentions(kind, text)

    def append_if_unchanged(self, kind: str, payload: Mapping[str, Any], seen: int) -> Head | None:
        """Append only if entry number ``seen`` is still the newest (0: the ledger is still
        empty); None, writing nothing, if another writer came first. For a decision taken on
        what was read, such as spending a one-time approval: read, decide, then append with
        the number read, and read again if refused."""
        return self._append(kind, payload, expect=seen)

    def _append(
        self,
        kind: str,
        payload: Mapping[str, Any],
        expect: int | None,
        *,
        extending: bool = False,
    ) -> Head | None:
        key = self.key
        body = _plain(payload)
        with self.store.writer() as tx:
            last = tx.last()
            if expect is not None and (last[0] if last else 0) != expect:
                return None
            if extending:
                self._check_extends(tx, last[0] if last else 0)
            seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
            self._check_pinned(key, seq)
            entry = seal(seq, prev, kind, self.clock(), body, key)
            tx.record_key(key.key_id, key.public_text)
            tx.insert(entry)
        head = Head(entry.seq, entry.hash)
        self._witness(head)
        return head

    def _check_extends(self, tx: Any, end: int) -> None:
        marks = []
        witness = self._furthest_witness()
        if witness is not None:
            marks.append((witness, "this machine saw the ledger reach"))
        checkpoint = self.checkpoint
        if checkpoint is not None:
            marks.append((checkpoint.head, f"the checkpoint in {checkpoint.source} records"))
        if not marks:
            return
        start = min(head.seq for head, _ in marks)
        rows = tx.rows_from(start) if start <= end else []
        problem = extends(rows, start, end, marks)
        if problem is not None:
            raise LedgerError(
                f"{self.store.location}: the ledger cannot be trusted: {problem}; nothing was "
                "recorded. Run `countersign ledger verify` and restore it from a copy"
            )

    def records(self, kind: str | None = None) -> list[Entry]:
        entries, found = self._check(full=False)
        problems = [p for p in found if p.fatal]
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise LedgerError(
                f"{self.store.location}: the ledger cannot be trusted: {problems[0]}{more}; "
                "run `countersign ledger verify` and restore it from a copy"
            )
        return [e for e in entries if kind is None or e.kind == kind]

    def entries(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [e.as_dict() for e in self.records(kind)]

    def verify(self) -> Report:
        """Every entry in full, whatever this machine checked before."""
        entries, problems = self._check(full=True)
        keys = tuple(sorted({e.key_id for e in entries}))
        return Report(self.store.location, len(entries), keys, tuple(problems))

    def _check(self, *, full: bool) -> tuple[list[Entry], list[Problem]]:
        verified = None if full else self._read_mark(self._verified_path)
        if self.pins is None:
            keys, pinned_in, retired = self._public_keys(), None, None
        else:
            keys, pinned_in = self.pins.public_keys(), self.pins.source
            retired = self.pins.retired()
        checkpoint = self.checkpoint
        early: list[Problem] = []
        if checkpoint is not None and not checkpoint.signature_ok(keys):
            early.append(
                Problem(
                    checkpoint.seq,
                    f"the checkpoint in {checkpoint.source} is not signed by a "
                    f"{'pinned' if self.pins else 'recorded'} key (forged or edited)",
                )
            )
            checkpoint = None
        entries, problems = check_chain(
            self.store.rows(),
            keys,
            self._furthest_witness(),
            pinned_in=pinned_in,
            retired=retired,
            verified=verified,
            checkpoint=checkpoint.head if checkpoint else None,
            checkpoint_source=checkpoint.source if checkpoint else "",
        )
        problems = early + problems
        if entries and not any(p.fatal for p in problems):
            self._advance(self._verified_path, Head(entries[-1].seq, entries[-1].hash))
        return entries, problems

    def state(self) -> LedgerState:
        cp = self.checkpoint
        source = self.pins.source if self.pins else None
        return LedgerState(self.store.location, source, cp.seq if cp else None)

    @property
    def checkpoint(self) -> Checkpoint | None:
        """The newest checkpoint of this ledger's location among those the reader sees."""
        return newest_for(self.store.location, self.checkpoints)

    def _check_pinned(self, key: SigningKey, seq: int) -> None:
        """Refuse to write what every later read would reject: an entry signed by a key the
        pins do not allow."""
        if self.pins is None or self.pins.may_sign(key.key_id, seq):
            return
        raise LedgerError(
            f"this machine's ledger key {key.key_id} is not pinned in {self.pins.source}, so "
            "its entries would not verify; commit the line `countersign ledger keys` prints "
            "there (reviewed like any change), or record from a pinned machine"
        )

    def _public_keys(self) -> dict[str, Ed25519PublicKey]:
        keys: dict[str, Ed25519PublicKey] = {}
        for kid, text in self.store.keys().items():
            if key_id(text) == kid:  # a key row that does not hash to its id is ignored
                keys[kid] = parse_public(text)
        return keys

    @property
    def _witness_path(self) -> Path:
        """The newest head written from here: a later truncation or rewrite cannot hide it."""
        return self.state_dir / "witness" / f"{self._name}.json"

    def _witness_paths(self) -> list[Path]:
        name = f"{self._name}.json"
        return [self._witness_path, *(d / "witness" / name for d in self.witness_dirs)]

    def _furthest_witness(self) -> Head | None:
        marks = [m for m in map(self._read_mark, self._witness_paths()) if m is not None]
        return max(marks, key=lambda m: m.seq, default=None)

    @property
    def _verified_path(self) -> Path:
        """The newest entry this machine checked in full (signatures, canonical form): reads
        walk only the links up to it."""
        return self.state_dir / "verified" / f"{self._name}.json"

    @property
    def _name(self) -> str:
        return sha256(self.store.location.encode()).hexdigest()[:16]

    def _read_mark(self, path: Path) -> Head | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Head(int(data["seq"]), str(data["hash"]))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError):
            raise LedgerError(
                f"{path}: unreadable record of what this machine saw of the ledger"
            ) from None

    def _witness(self, head: Head) -> None:
        """Written after the commit, so it never names an entry that is not there; a lost race
        only leaves it a little behind."""
        for path in self._witness_paths():
            self._advance(path, head)

    def _advance(self, path: Path, head: Head) -> None:
        current = self._read_mark(path)
        if current is not None and current.seq >= head.seq:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"seq": head.seq, "hash": head.hash}), encoding="utf-8")
        tmp.replace(path)


def _plain(payload: Mapping[str, Any]) -> dict[str, Any]:
    """JSON values only (tuples become lists); floats must be finite for RFC 8785."""
    try:
        value = json.loads(json.dumps(dict(payload), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise LedgerError(f"cannot record a non-JSON payload: {exc}") from None
    return dict(value)


def open_ledger(
    location: str | Path,
    state_dir: Path,
    pins: Pins | None = None,
    *,
    must_exist: bool = False,
    checkpoints: tuple[Checkpoint, ...] = (),
    witness_dirs: tuple[Path, ...] = (),
) -> SignedLedger:
    """``location`` is a SQLite file path or a ``postgresql://`` / ``postgres://`` URL;
    ``pins``: the keys allowed to sign (``.countersign/ledger-keys``), None for any recorded.
    ``must_exist``: reading a SQLite file that is not there is an error (a location someone
    typed), not an empty ledger; writing creates it."""
    text = str(location)
    if text.startswith(("postgresql://", "postgres://")):
        store: Store = PostgresStore(text)
    else:
        store = SqliteStore(Path(text), must_exist=must_exist)
    return SignedLedger(
        store, state_dir, pins=pins, checkpoints=checkpoints, witness_dirs=witness_dirs
    )


WITHDRAWN = "approval-withdrawn"


def signoffs_for(ledger: Ledger, fingerprint: str) -> SignOffs:
    """The sign-offs recorded for ``fingerprint``. An approval followed by a withdrawal by the
    same approver (a dismissed review) does not count; a later approval counts again."""
    from countersign.signoff.approvals import BreakGlass, ChangeRecord, SignOffs

    entries = [e for e in ledger.entries() if e.get("fingerprint") == fingerprint]
    withdrawn = {str(e.get("approver")): int(e["seq"]) for e in entries if e["kind"] == WITHDRAWN}
    return SignOffs(
        approvals=tuple(
            approval_of(e)
            for e in entries
            if e["kind"] == "approval" and int(e["seq"]) > withdrawn.get(str(e["approver"]), 0)
        ),
        records=tuple(
            ChangeRecord(fingerprint, dict(e.get("fields", {})), e.get("author", ""), entry=e)
            for e in entries
            if e["kind"] == "change-record"
        ),
        break_glass=tuple(
            BreakGlass(
                fingerprint,
                e["who"],
                e["reason"],
                e["incident"],
                e.get("expires", ""),
                entry=e,
            )
            for e in entries
            if e["kind"] == "break-glass"
        ),
    )


def approval_of(e: Mapping[str, Any]) -> Approval:
    from countersign.signoff.approvals import Approval

    teams = e.get("teams")
    return Approval(
        approver=str(e["approver"]),
        fingerprint=str(e.get("fingerprint", "")),
        at=str(e.get("at", "")),
        requirement=e.get("requirement"),
        note=str(e.get("note", "")),
        requirements=tuple(str(r) for r in e.get("requirements", ())),
        level=e.get("level"),
        teams=tuple(str(t) for t in teams) if isinstance(teams, list) else None,
        entry=e,
    )
