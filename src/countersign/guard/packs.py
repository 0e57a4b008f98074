"""The rule packs in force in a repository: the shipped ones, plus the repository's own and its
list of disabled packs and rules, read from ``.countersign/guard/`` in the committed tree of its
protected branch (``main``, ``master``... or guard.yaml's ``protected_branches``), never from the
working tree, which the agent can edit. ``.countersign/guard/packs.toml`` says
``disable = ["pack-id", "rule.id"]``; every other ``*.toml`` there is a pack.

Read from git's object store with every hash checked (``protected``), and parsed on every
call: a compiled copy in the state directory would be a file the agent can rewrite. The fast
path reads the same files for the programs they name."""

from __future__ import annotations

from pathlib import Path

from countersign.errors import ConfigError
from countersign.facts.shell.catalog import (
    PackSet,
    parse_text,
    shipped,
    shipped_explained,
)
from countersign.facts.shell.context import PROTECTED_BRANCHES
from countersign.facts.shell.pack import UNDISABLEABLE, Pack
from countersign.guard import protected

DIRECTORY = ".countersign/guard"
DISABLE_FILE = "packs.toml"
MAX_PACK_BYTES = 1_000_000


def packs_in_force(
    root: Path | None,
    common: Path | None,
    branches: tuple[str, ...] = PROTECTED_BRANCHES,
    explained: bool = False,
) -> PackSet:
    """``explained``: with the shipped packs' explanations and examples (``guard packs``)."""
    base = shipped_explained() if explained else shipped()
    if root is None or common is None:
        return base
    found = protected.resolved_commit(str(root), str(common), branches or PROTECTED_BRANCHES)
    if found is None:
        return base
    packs, disabled = read_committed(root, common, found[1])
    if not packs and not disabled:
        return base
    return base.plus(packs, disabled)


def read_committed(root: Path, common: Path, commit: str) -> tuple[list[Pack], list[str]]:
    """Parse and check the packs of ``.countersign/guard/`` at ``commit``."""
    files = _files(root, common, commit)
    if not files:
        return [], []  # knowing every shipped rule id would build every rule
    base = shipped()
    known_packs = {p.id for p in base.packs}
    known_rules = set(base.pack_of)
    packs: list[Pack] = []
    disable_text = None
    for name, content in files:
        if len(content) > MAX_PACK_BYTES:
            raise ConfigError(name, "", f"a pack file is over {MAX_PACK_BYTES} bytes")
        text = content.decode("utf-8", "replace")
        where = f"{commit[:12]}:{DIRECTORY}/{name}"
        if name == DISABLE_FILE:
            disable_text = (text, where)
            continue
        pack = parse_text(text, where)
        if pack.id in known_packs:
            raise ConfigError(where, "pack", f"{pack.id!r} is already a pack; pick another id")
        for i, rule in enumerate(pack.rules):
            if rule.id in known_rules:
                raise ConfigError(where, f"rule[{i}].id", f"{rule.id!r} is already a rule")
            known_rules.add(rule.id)
        known_packs.add(pack.id)
        packs.append(pack)
    disabled = _disabled(disable_text, known_packs, known_rules) if disable_text else []
    return packs, disabled


def _files(root: Path, common: Path, commit: str) -> list[tuple[str, bytes]]:
    """The pack files at ``commit``, from the object store (checked), else from git."""
    try:
        return protected.committed_packs(str(common), commit)
    except protected.Corrupt as exc:
        from countersign.guard.settings import unsound

        raise ConfigError(f"{commit[:12]}:{DIRECTORY}", "", unsound(exc)) from None
    except protected.Unreadable:
        files = _git_files(root, commit)
        return [(name, _git(root, "cat-file", "blob", blob)) for name, blob in files]


def _disabled(found: tuple[str, str], packs: set[str], rules: set[str]) -> list[str]:
    import tomllib

    text, where = found
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(where, "", f"not valid TOML ({exc})") from None
    unknown = set(data) - {"disable"}
    if unknown:
        raise ConfigError(where, min(unknown), "unknown field")
    value = data.get("disable", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(where, "disable", "expected a list of pack or rule ids")
    for i, item in enumerate(value):
        if item.startswith(UNDISABLEABLE) or item in ("guard", "edit", "shell", "exec"):
            raise ConfigError(
                where, f"disable[{i}]", f"{item!r} protects the guard itself and stays on"
            )
        if item not in packs and item not in rules:
            raise ConfigError(
                where,
                f"disable[{i}]",
                f"no pack or rule {item!r}; `countersign guard packs` lists them",
            )
    return value


def _git(root: Path, *args: str) -> bytes:
    import subprocess  # only when a commit's packs are read, once per commit

    try:
        done = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, check=False, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ConfigError(DIRECTORY, "", f"cannot read the committed packs ({exc})") from None
    if done.returncode != 0:
        raise ConfigError(
            DIRECTORY, "", f"cannot read the committed packs ({done.stderr.decode().strip()})"
        )
    return done.stdout


def _git_files(root: Path, commit: str) -> list[tuple[str, str]]:
    out = _git(root, "ls-tree", "-z", f"{commit}:{DIRECTORY}") if _has_dir(root, commit) else b""
    files = []
    for entry in out.split(b"\0"):
        if not entry:
            continue
        meta, _, name = entry.decode("utf-8", "replace").partition("\t")
        kind, blob = meta.split()[1:3]
        if kind == "blob" and name.endswith(".toml"):
            files.append((name, blob))
    return sorted(files)


def _has_dir(root: Path, commit: str) -> bool:
    out = _git(root, "ls-tree", "-z", commit, "--", DIRECTORY)
    return b"\ttree" in out or b" tree " in out
