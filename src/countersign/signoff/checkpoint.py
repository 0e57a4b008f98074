"""Ledger checkpoints: a signed statement of how far a ledger reached (entry number, its hash,
when), committed with the protected branch in ``.countersign/ledger-checkpoints`` so that a
rewind is visible to every machine, including a fresh CI runner that never read the ledger.

One line per ledger location (a shared PostgreSQL ledger is named by its URL without the
password, as every CI job configures it)::

    {"at":"2026-12-01T09:00:00+00:00","hash":"ab12...","key":"k0123...","ledger":"postgresql://ci@db/cs","seq":412,"sig":"..."}

``countersign ledger checkpoint`` verifies the ledger, then writes its line (a CI job on the
protected branch commits it). Every reader compares the ledger with the newest checkpoint of
its location it can see, and a ledger shorter than it, or different at its entry, is reported
with the entries that disappeared.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from contextlib import suppress
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from countersign.errors import ConfigError, InputError
from countersign.records import record
from countersign.signoff.chain import Head, canonical
from countersign.signoff.keys import SigningKey

TYPE_CHECKING = False  # typing stays off the guard's ask path
if TYPE_CHECKING:
    from countersign.intake.change import FileChange

CHECKPOINT_FILE = "ledger-checkpoints"
_DOMAIN = "countersign-ledger-checkpoint-v1"


@record(frozen=True)
class Checkpoint:
    ledger: str
    seq: int
    hash: str
    at: str
    key: str
    sig: str = ""
    source: str = ""  # where it was read, for messages

    @property
    def head(self) -> Head:
        return Head(self.seq, self.hash)

    def signed_text(self) -> bytes:
        body = {"domain": _DOMAIN, "ledger": self.ledger, "seq": self.seq, "hash": self.hash}
        return canonical({**body, "at": self.at, "key": self.key}).encode("utf-8")

    def signature_ok(self, keys: Mapping[str, Ed25519PublicKey]) -> bool:
        public = keys.get(self.key)
        if public is None:
            return False
        try:
            public.verify(base64.b64decode(self.sig, validate=True), self.signed_text())
        except (InvalidSignature, ValueError):
            return False
        return True

    def line(self) -> str:
        fields = {"ledger": self.ledger, "seq": self.seq, "hash": self.hash, "at": self.at}
        return canonical({**fields, "key": self.key, "sig": self.sig})


def make(ledger: str, head: Head, at: str, key: SigningKey) -> Checkpoint:
    unsigned = Checkpoint(ledger, head.seq, head.hash, at, key.key_id)
    sig = base64.b64encode(key.sign(unsigned.signed_text())).decode("ascii")
    return Checkpoint(ledger, head.seq, head.hash, at, key.key_id, sig)


def parse(text: str, source: str) -> tuple[Checkpoint, ...]:
    out: list[Checkpoint] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        try:
            data = json.loads(raw)
            out.append(
                Checkpoint(
                    str(data["ledger"]),
                    int(data["seq"]),
                    str(data["hash"]),
                    str(data["at"]),
                    str(data["key"]),
                    str(data["sig"]),
                    source,
                )
            )
        except (ValueError, KeyError, TypeError):
            raise ConfigError(
                source,
                f"line {number}",
                "is not a checkpoint `countersign ledger checkpoint` wrote; restore the file "
                "from the protected branch",
            ) from None
    return tuple(out)


def newest_for(ledger: str, found: Iterable[Checkpoint]) -> Checkpoint | None:
    """The checkpoint of ``ledger`` that reaches furthest, among every copy a reader sees."""
    mine = [c for c in found if c.ledger == ledger]
    return max(mine, key=lambda c: c.seq, default=None)


def taken_back(before: Iterable[Checkpoint], after: Iterable[Checkpoint]) -> list[str]:
    """How ``after`` (a branch's checkpoints once a push lands) takes ``before``'s back: a
    ledger's checkpoint removed, older, or different at the same entry. Readers trust the newest
    checkpoint they see, so any of these would let a rewind past it go unseen."""
    later = list(after)
    out: list[str] = []
    for ledger in sorted({c.ledger for c in before}):
        was = newest_for(ledger, before)
        now = newest_for(ledger, later)
        assert was is not None  # noqa: S101 - ledger comes from before
        if now is None:
            out.append(f"removes the checkpoint of {ledger} at entry {was.seq}")
        elif now.seq < was.seq:
            out.append(
                f"takes the checkpoint of {ledger} from entry {was.seq} back to entry {now.seq}"
            )
        elif now.seq == was.seq and now.hash != was.hash:
            out.append(f"replaces the checkpoint of {ledger} at entry {was.seq} by another")
    return out


def taken_back_by(files: Iterable[FileChange]) -> tuple[str, ...]:
    """How a change (its changed files) takes back the checkpoints its base holds in
    ``.countersign/ledger-checkpoints``: removed, older or replaced (``taken_back``), or left
    in a form no reader can parse. Merged, it would hide a rewind past them from every reader,
    so ``check`` and ``verify`` block it, as the pre-push hook stops such a push."""
    from countersign.config import CONFIG_DIR
    from countersign.intake.change import FileStatus

    path = f"{CONFIG_DIR}/{CHECKPOINT_FILE}"
    before: list[Checkpoint] = []
    after: list[Checkpoint] = []
    unreadable: list[str] = []
    for f in files:
        if (f.old_path or f.path) == path and f.status is not FileStatus.ADDED:
            # a base whose own file is unreadable is refused by every reader already
            with suppress(ConfigError):
                before.extend(parse(f.old_text or "", f"{path} at the change's base"))
        if f.path == path and f.status is not FileStatus.DELETED:
            if f.new_text is None:
                unreadable.append(f.skipped or "binary")
                continue
            try:
                after.extend(parse(f.new_text, path))
            except ConfigError as exc:
                unreadable.append(str(exc))
    problems = [f"leaves a checkpoint file that cannot be read ({why})" for why in unreadable]
    return (*problems, *taken_back(before, after))


def with_line(text: str, checkpoint: Checkpoint) -> str:
    """The file's text with ``checkpoint``'s line in place of its ledger's older one."""
    kept = [
        line for line in text.splitlines() if line.strip() and not _is_for(line, checkpoint.ledger)
    ]
    return "\n".join(sorted([*kept, checkpoint.line()])) + "\n"


def _is_for(line: str, ledger: str) -> bool:
    try:
        return bool(json.loads(line).get("ledger") == ledger)
    except (ValueError, AttributeError):
        return False


# Where the service publishes its checkpoints (``countersign serve``): a branch of their own,
# which every clone that fetches branches sees as ``origin/countersign/checkpoints``. Protect it
# (no force-push, no deletion, only the App pushes) as the default branch is protected.
PUBLISHED_BRANCH = "countersign/checkpoints"
PUBLISHED = (f"refs/heads/{PUBLISHED_BRANCH}", f"refs/remotes/origin/{PUBLISHED_BRANCH}")


def checkpoints_in(root: Path, revs: Iterable[str]) -> tuple[Checkpoint, ...]:
    """Every checkpoint committed at ``revs`` (the protected branch, the branch a change lands
    on, ``HEAD``, the service's published branch); uncommitted edits do not count. A rev
    without the file (or that does not exist) adds nothing. One git process for all."""
    from countersign.config import CONFIG_DIR

    path = f"{CONFIG_DIR}/{CHECKPOINT_FILE}"
    wanted = [rev for rev in dict.fromkeys(revs) if rev and not any(c.isspace() for c in rev)]
    found: list[Checkpoint] = []
    for rev, data in zip(wanted, _blobs(root, [f"{rev}:{path}" for rev in wanted]), strict=True):
        if data is not None:
            found.extend(parse(data.decode("utf-8", "replace"), f"{path} at {rev}"))
    return tuple(found)


def file_at(root: Path, rev: str) -> str:
    """The checkpoint file's text at ``rev`` ("" where there is none)."""
    from countersign.config import CONFIG_DIR

    (data,) = _blobs(root, [f"{rev}:{CONFIG_DIR}/{CHECKPOINT_FILE}"])
    return data.decode("utf-8", "replace") if data is not None else ""


def _blobs(root: Path, names: list[str]) -> list[bytes | None]:
    """The content of each ``rev:path`` (None: not there), from one ``git cat-file --batch``
    (or the thread's ``BlobReader``)."""
    from countersign.intake.git_command import read_named

    try:
        return read_named(root, names)
    except InputError:
        return [None] * len(names)  # not a repository: nothing committed to read
