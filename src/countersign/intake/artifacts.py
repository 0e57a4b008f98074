"""Artifacts: the files analysed whole (plans, change sets, manifests, migrations, policies,
scripts), given explicitly or found among the changed files."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from countersign.errors import InputError
from countersign.intake.change import Artifact, FileChange, FileStatus
from countersign.intake.diff import RawEntry

MAX_TEXT_BYTES = 5_000_000
MAX_ARTIFACT_BYTES = 512 * 1024 * 1024
ANALYSED_SUFFIXES = (
    ".json",
    ".yaml",
    ".yml",
    ".sql",
    ".tf",
    ".tfvars",
    ".sh",
    ".bash",
    ".hcl",
    ".template",
    ".ps1",
)
# ledger-keys: an adoption brings its own pins, read from the change (facts.adoption)
ANALYSED_NAMES = ("Dockerfile", "Makefile", "Jenkinsfile", "ledger-keys")
# Source and configuration files: their lines are read (provenance, hazards in scripts and
# workflows), so when one shows as binary it is re-read as text, and if it holds NUL bytes or
# cannot be decoded it is unread, and asks for review.
TEXT_SUFFIXES = (
    *ANALYSED_SUFFIXES,
    ".py", ".pyi", ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".go", ".rb", ".java",
    ".kt", ".kts", ".scala", ".rs", ".c", ".h", ".cc", ".cpp", ".hpp", ".cs", ".php",
    ".swift", ".m", ".pl", ".lua", ".r", ".zsh", ".fish", ".bat", ".cmd", ".psm1",
    ".toml", ".ini", ".cfg", ".conf", ".env", ".properties", ".xml", ".html", ".css",
    ".md", ".rst", ".txt", ".gradle", ".sbt", ".nix", ".rego", ".cue", ".jsonnet",
    ".libsonnet", ".j2", ".tpl", ".mk", ".cmake", ".proto", ".graphql", ".gitattributes",
    ".gitignore",
)  # fmt: skip
TEXT_NAMES = (*ANALYSED_NAMES, "CODEOWNERS", "Gemfile", "Rakefile", "Vagrantfile", "Procfile")


# Source files read whole so the blast radius can tell whether a change alters what other
# services import (``facts.blast_radius.surface``).
SURFACE_SUFFIXES = (
    ".go",
    ".py",
    ".pyi",
    ".js",
    ".jsx",
    ".mjs",
    ".cjs",
    ".ts",
    ".tsx",
    ".mts",
    ".cts",
)
MAX_SURFACE_BYTES = 1_000_000
# Files read whole for the gate itself: a change must not take the ledger checkpoints back
# (``signoff.checkpoint.taken_back_by``), so both sides of it are compared, renamed or not.
READ_WHOLE = (".countersign/ledger-checkpoints",)


def is_analysed(path: str) -> bool:
    name, suffix = _name_and_suffix(path)
    return suffix.lower() in ANALYSED_SUFFIXES or name in ANALYSED_NAMES


def text_expected(path: str) -> bool:
    """Whether the file is one whose text countersign reads (by its name)."""
    name, suffix = _name_and_suffix(path)
    return suffix.lower() in TEXT_SUFFIXES or name in TEXT_NAMES or name in TEXT_SUFFIXES


def _name_and_suffix(path: str) -> tuple[str, str]:
    """``PurePosixPath(path).name`` and ``.suffix`` of a path as git prints it (no ``.`` or
    empty components), without building a path object per changed file."""
    name = path.rstrip("/").rpartition("/")[2]
    dot = name.rfind(".")
    return name, name[dot:] if 0 < dot < len(name) - 1 else ""


def attach_texts(
    files: tuple[FileChange, ...],
    raw: list[RawEntry],
    read_blobs: Callable[[list[str]], dict[str, bytes]],
) -> tuple[FileChange, ...]:
    """Fill ``old_text``/``new_text`` of analysed files from their blobs, within a size limit."""
    by_path = {entry.path: entry for entry in raw}
    wanted: list[str] = []
    for f in files:
        entry = by_path.get(f.path)
        if entry is None or f.binary or f.submodule:
            continue
        if not is_analysed(f.path) and not f.path.endswith(SURFACE_SUFFIXES) and not _read_whole(f):
            continue
        wanted.extend(b for b in (entry.old_blob, entry.new_blob) if set(b) != {"0"})
    blobs = read_blobs(sorted(set(wanted)))
    out: list[FileChange] = []
    for f in files:
        entry = by_path.get(f.path)
        if entry is None or f.binary or f.submodule:
            out.append(f)
            continue
        if not is_analysed(f.path):
            out.append(_source_texts(f, blobs.get(entry.old_blob), blobs.get(entry.new_blob)))
            continue
        old, new = blobs.get(entry.old_blob), blobs.get(entry.new_blob)
        too_big = any(b is not None and len(b) > MAX_TEXT_BYTES for b in (old, new))
        if too_big:
            out.append(replace(f, skipped=f"larger than {MAX_TEXT_BYTES} bytes"))
            continue
        (old_text, old_why), (new_text, new_why) = _text(old), _text(new)
        why = new_why or old_why
        out.append(replace(f, old_text=old_text, new_text=new_text, skipped=f.skipped or why))
    return tuple(out)


def _read_whole(f: FileChange) -> bool:
    return f.path in READ_WHOLE or f.old_path in READ_WHOLE


def _source_texts(f: FileChange, old: bytes | None, new: bytes | None) -> FileChange:
    """A source file's texts for the surface analysis only: one that is too big or not clean
    UTF-8 is left unread (None) without marking the file, so nothing else changes for it."""
    texts: list[str | None] = []
    for blob in (old, new):
        if blob is None or len(blob) > MAX_SURFACE_BYTES or b"\0" in blob:
            texts.append(None)
            continue
        try:
            texts.append(blob.decode("utf-8"))
        except UnicodeDecodeError:
            texts.append(None)
    return replace(f, old_text=texts[0], new_text=texts[1])


def _text(blob: bytes | None) -> tuple[str | None, str | None]:
    """The blob as text, and why it cannot be read as text exactly: None for NUL bytes (binary),
    with U+FFFD for bytes that are not UTF-8 (still analysed, and reported unread)."""
    if blob is None:
        return None, None
    if b"\0" in blob:
        return None, "it holds NUL bytes (binary content where text was expected)"
    try:
        return blob.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        return blob.decode("utf-8", "replace"), f"it is not valid UTF-8 (byte {exc.start})"


def find_artifacts(files: tuple[FileChange, ...]) -> tuple[Artifact, ...]:
    return tuple(
        Artifact(f.path, f.new_text or "", origin="diff", previous_text=f.old_text)
        for f in files
        if is_analysed(f.path) and f.status is not FileStatus.DELETED and f.new_text is not None
    )


def load_artifact(path: str) -> Artifact:
    """Read a file given on the command line (``--plan``, ``scan``)."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_ARTIFACT_BYTES:
            raise InputError(
                f"{path}: {size // 2**20} MiB is more than the "
                f"{MAX_ARTIFACT_BYTES // 2**20} MiB limit; split the plan"
            )
        data = p.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; pass the plan or manifest file") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}; check the path") from None
    if b"\0" in data:
        raise InputError(
            f"{path} holds NUL bytes, so it is not a text plan; for a Terraform plan, pass "
            "`terraform show -json plan.out > plan.json` instead"
        )
    # Analysed with U+FFFD for bytes that are not UTF-8; fingerprinted by its bytes.
    text = data.decode("utf-8", "replace")
    return Artifact(str(path), text, origin="explicit", sha256=hashlib.sha256(data).hexdigest())
