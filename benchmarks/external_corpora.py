"""Loaders for command corpora that other guard projects publish, read in place (a bare git
mirror or a checked-out tree): nothing of theirs is copied into this repository.

Each loader turns one project's test files into ``Case`` rows labelled ``destructive`` (the
project expects a block or an ask) or ``safe`` (it expects an allow), or ``unlabelled``
(everyday commands with no verdict, such as NL2Bash). Known layouts:

    dcg      Dicklesworthstone/destructive_command_guard (Rust): tests/corpus/**/*.toml,
             tests/fixtures/*.yaml, tests/fixtures/scenarios/*.yaml,
             tests/e2e/fixtures/commands/*.txt, and the commands of the assertions in the
             packs' unit tests (src/packs/**/*.rs)
    dcg-go   dcosson/destructive-command-guard-go: **/testdata/golden/*.txt records,
             expanded_corpus.tsv, guard/testdata/golden/commands.txt
    nl2bash  TellinaTool/nl2bash: data/bash/all.cm (one command a line, no labels)
"""

from __future__ import annotations

import re
import subprocess
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Case:
    corpus: str  # e.g. "dcg/packs"
    label: str  # destructive | safe | unlabelled
    command: str
    origin: str  # file it came from


class Source:
    """Files of a repository, from a bare git directory (``git show HEAD:path``) or a tree."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.bare = (path / "HEAD").is_file() and (path / "objects").is_dir()

    def files(self) -> list[str]:
        if self.bare:
            out = subprocess.run(
                ["git", "--git-dir", str(self.path), "ls-tree", "-r", "--name-only", "HEAD"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            return out.splitlines()
        return sorted(str(p.relative_to(self.path)) for p in self.path.rglob("*") if p.is_file())

    def read(self, name: str) -> str:
        if self.bare:
            return subprocess.run(
                ["git", "--git-dir", str(self.path), "show", f"HEAD:{name}"],
                capture_output=True,
                text=True,
                check=True,
                errors="replace",
            ).stdout
        return (self.path / name).read_text(encoding="utf-8", errors="replace")

    def commit(self) -> str:
        if not self.bare:
            return "working tree"
        return subprocess.run(
            ["git", "--git-dir", str(self.path), "log", "-1", "--format=%h %cs"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()


def _label(decision: str) -> str | None:
    decision = decision.strip().lower()
    if decision in ("deny", "ask", "block", "blocked"):
        return "destructive"
    if decision in ("allow", "allowed"):
        return "safe"
    return None  # warn, log, ...: neither


# --- dcg (Rust) -------------------------------------------------------------------------------

_RUST_CALL = re.compile(
    r"\b(assert_blocks_with_pattern|assert_blocks_with_severity|assert_blocks|"
    r"assert_safe_pattern_matches|assert_allows|assert_no_match|"
    r"test_batch_blocks|test_batch_allows)\(\s*"
)
_RUST_LABEL = {
    "assert_blocks_with_pattern": "destructive",
    "assert_blocks_with_severity": "destructive",
    "assert_blocks": "destructive",
    "test_batch_blocks": "destructive",
    "assert_safe_pattern_matches": "safe",
    "assert_allows": "safe",
    "assert_no_match": "safe",
    "test_batch_allows": "safe",
}
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


def _rust_string(text: str, i: int) -> tuple[str, int] | None:
    """The Rust string literal starting at ``text[i]`` and the index after it."""
    raw = re.match(r'r(#*)"', text[i:])
    if raw:
        close = '"' + raw.group(1)
        start = i + raw.end()
        end = text.find(close, start)
        return (text[start:end], end + len(close)) if end >= 0 else None
    if text[i : i + 1] != '"':
        return None
    out: list[str] = []
    j = i + 1
    while j < len(text):
        ch = text[j]
        if ch == '"':
            return "".join(out), j + 1
        if ch == "\\":
            nxt = text[j + 1 : j + 2]
            if nxt == "\n":  # line continuation: the newline and leading blanks go
                j += 2
                while j < len(text) and text[j] in " \t\n":
                    j += 1
                continue
            if nxt == "u":
                m = re.match(r"\\u\{([0-9a-fA-F]+)\}", text[j:])
                if m:
                    out.append(chr(int(m.group(1), 16)))
                    j += m.end()
                    continue
            if nxt == "x":
                out.append(chr(int(text[j + 2 : j + 4], 16)))
                j += 4
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            j += 2
            continue
        out.append(ch)
        j += 1
    return None


def _rust_commands(text: str) -> Iterator[tuple[str, str]]:
    for m in _RUST_CALL.finditer(text):
        kind = m.group(1)
        j = m.end()
        # the first argument (the pack) ends at the first comma at depth 0
        depth = 0
        while j < len(text):
            if text[j] in "([{":
                depth += 1
            elif text[j] in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif text[j] == "," and depth == 0:
                break
            j += 1
        if text[j : j + 1] != ",":
            continue
        j += 1
        while j < len(text) and text[j] in " \t\n":
            j += 1
        if kind.startswith("test_batch"):
            if not text.startswith("&[", j):
                continue  # a variable: its literals are elsewhere
            j += 2
            while True:
                while j < len(text) and text[j] in " \t\n,":
                    j += 1
                found = _rust_string(text, j)
                if found is None:
                    break
                yield _RUST_LABEL[kind], found[0]
                j = found[1]
            continue
        found = _rust_string(text, j)
        if found is not None:
            yield _RUST_LABEL[kind], found[0]


def load_dcg(src: Source) -> Iterator[Case]:
    files = src.files()
    for name in files:
        if name.startswith("tests/corpus/") and name.endswith(".toml"):
            data = tomllib.loads(src.read(name))
            part = "canonical" if name.endswith("canonical.toml") else name.split("/")[2]
            for case in data.get("case", []):
                label = _label(str(case.get("expected") or case.get("expected_decision") or ""))
                command = case.get("command")
                if label and isinstance(command, str):
                    yield Case(f"dcg/corpus-{part}", label, command, name)
        elif name in (
            "tests/fixtures/destructive_commands.yaml",
            "tests/fixtures/safe_commands.yaml",
        ):
            label = "destructive" if "destructive" in name else "safe"
            # read line by line: one of their entries is not valid YAML, and skipping it is
            # better than losing the file
            for line in src.read(name).splitlines():
                m = re.match(r"\s*- command:\s*(.+)$", line)
                if m:
                    try:
                        command = yaml.safe_load(m.group(1))
                    except yaml.YAMLError:
                        continue
                    if isinstance(command, str):
                        yield Case("dcg/fixtures", label, command, name)
        elif name.startswith("tests/fixtures/scenarios/") and name.endswith(".yaml"):
            for step in (yaml.safe_load(src.read(name)) or {}).get("steps", []):
                label = _label(str(step.get("expected_decision", "")))
                if label and isinstance(step.get("command"), str):
                    yield Case("dcg/scenarios", label, step["command"], name)
        elif name in (
            "tests/e2e/fixtures/commands/dangerous.txt",
            "tests/e2e/fixtures/commands/safe.txt",
        ):
            label = "destructive" if name.endswith("dangerous.txt") else "safe"
            for line in src.read(name).splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    yield Case("dcg/e2e", label, line.strip(), name)
        elif name.startswith("src/packs/") and name.endswith(".rs") and "test_helpers" not in name:
            for label, command in _rust_commands(src.read(name)):
                yield Case("dcg/packs", label, command, name)


# --- dcg-go -----------------------------------------------------------------------------------


def load_dcg_go(src: Source) -> Iterator[Case]:
    for name in src.files():
        if "/testdata/golden/" in name and name.endswith(".txt") and "guard/testdata" not in name:
            for record in src.read(name).split("\n---"):
                fields = {
                    k.strip(): v.strip()
                    for k, _, v in (
                        line.partition(":") for line in record.splitlines() if ":" in line
                    )
                    if not k.startswith("#")
                }
                label = _label(fields.get("decision", ""))
                if label and fields.get("command"):
                    # the record's command is the rest of its line, verbatim
                    line = next(ln for ln in record.splitlines() if ln.startswith("command:"))
                    yield Case("dcg-go/golden", label, line[len("command:") :].strip(), name)
        elif name.endswith("expanded_corpus.tsv"):
            for line in src.read(name).splitlines():
                if line and not line.startswith("#"):
                    parts = line.split("\t")
                    if len(parts) >= 4:  # context, pack, rule, command; pack "-": a safe one
                        label = "safe" if parts[1].strip() in ("", "-") else "destructive"
                        yield Case("dcg-go/expanded", label, parts[3], name)
        elif name == "guard/testdata/golden/commands.txt":
            for line in src.read(name).splitlines():
                decision, sep, command = line.partition("|")
                label = _label(decision)
                if sep and label and not line.startswith("#"):
                    yield Case("dcg-go/golden", label, command, name)


# --- NL2Bash ----------------------------------------------------------------------------------


def load_nl2bash(src: Source) -> Iterator[Case]:
    for line in src.read("data/bash/all.cm").splitlines():
        if line.strip():
            yield Case("nl2bash", "unlabelled", line.strip(), "data/bash/all.cm")


LOADERS: dict[str, tuple[str, Callable[[Source], Iterator[Case]]]] = {
    # layout name: (a file that identifies it, loader)
    "dcg": ("src/packs/test_helpers.rs", load_dcg),
    "dcg-go": ("internal/integration/testdata/golden/expanded_corpus.tsv", load_dcg_go),
    "nl2bash": ("data/bash/all.cm", load_nl2bash),
}


def load(path: Path) -> tuple[str, str, list[Case]]:
    """The layout of the repository at ``path``, its commit, and its cases (deduplicated by
    corpus, label and command, in file order)."""
    src = Source(path)
    files = set(src.files())
    for layout, (marker, loader) in LOADERS.items():
        if marker in files:
            seen: set[tuple[str, str, str]] = set()
            cases = []
            for case in loader(src):
                key = (case.corpus, case.label, case.command)
                if key not in seen:
                    seen.add(key)
                    cases.append(case)
            return layout, src.commit(), cases
    known = ", ".join(f"{k} ({m})" for k, (m, _) in LOADERS.items())
    raise SystemExit(f"{path}: not a known corpus layout; known: {known}")
