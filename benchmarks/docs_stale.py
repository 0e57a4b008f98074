"""Stale knowledge on real repositories: recall on injected staleness, speed against git grep.

For each repository (a path to a clone or a bare mirror):

1. ``docs check`` at HEAD; the references that hold are the candidates.
2. A sample of them (every kind: flags, commands, paths, env vars, functions, keys, make
   targets) is made stale in a scratch clone, one commit each: half renamed (every spelling of
   the needle in the code, or the path moved), half removed (the lines holding it deleted, or
   the path deleted). The documents are left alone.
3. ``docs check`` again: recall is the share of injected references reported stale.

Speed: the review's time next to ``git grep -F -w`` of the same needles over the same tree.
The findings at HEAD (real staleness, with their evidence) are written as JSON lines for the
precision sample in docs/stale-knowledge.md.

    .venv/bin/python benchmarks/docs_stale.py /work/.mirror/psf+black/repo ... [--sample 120]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from countersign.docs_review import review_docs
from countersign.facts.docs import Kind, Reference
from countersign.facts.docs.extract import Vocabulary, own_commands, references
from countersign.facts.docs.judge import platform_reference, variants
from countersign.intake import docs as read
from countersign.intake.code_index import is_test_path
from countersign.intake.tree import GitTree

MANIFESTS = {"pyproject.toml", "setup.cfg", "package.json", "Cargo.toml"}
NOT_CODE = read.NOT_CODE


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, errors="replace"
    ).stdout


def all_references(root: Path) -> list[Reference]:
    tree = GitTree(root, "HEAD")
    paths = tree.paths()
    manifests = tree.read(p for p in paths if p.rsplit("/", 1)[-1] in MANIFESTS)
    vocabulary = Vocabulary(
        own_commands(manifests, paths),
        any(read.is_makefile(p) for p in paths),
        any(p.endswith("package.json") for p in paths),
    )
    refs: list[Reference] = []
    for path, text in tree.read(p for p in paths if read.is_doc(p)).items():
        refs.extend(references(path, text, vocabulary))
    return refs


def code_files(root: Path) -> list[str]:
    return [p for p in git(root, "ls-files", "--", ".", *NOT_CODE).splitlines() if p]


def inject(root: Path, ref: Reference, rename: bool, files: list[str]) -> bool:
    """Make ``ref`` stale in the scratch clone; False if nothing could be changed."""
    if ref.kind is Kind.PATH:
        target = ref.needle
        if not (root / target).exists():
            doc_dir = Path(ref.doc).parent
            target = str(doc_dir / ref.needle) if (root / doc_dir / ref.needle).exists() else ""
        if not target or read.is_doc(target) or (root / target).is_dir():
            return False  # the documents stay as they are; a directory holds too much
        if rename:
            new = str(Path(target).with_name("renamed_" + Path(target).name))
            git(root, "mv", target, new)
        else:
            git(root, "rm", "-r", "-q", target)
        git(root, "commit", "-q", "-m", f"inject: {'rename' if rename else 'remove'} {target}")
        return True
    spellings = variants(ref) if ref.kind not in {Kind.MAKE_TARGET, Kind.SCRIPT} else (ref.needle,)
    pattern = read.whole_words(spellings)
    core = ref.needle
    changed = False
    for rel in files:
        path = root / rel
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not pattern.search(text):
            continue
        if rename:
            new_text = pattern.sub(lambda m: _renamed(m.group(0), core), text)
        else:
            new_text = "".join(
                line for line in text.splitlines(keepends=True) if not pattern.search(line)
            )
        path.write_text(new_text, encoding="utf-8")
        changed = True
    if changed:
        git(root, "commit", "-q", "-am", f"inject: {'rename' if rename else 'remove'} {ref.needle}")
    return changed


def declared(root: Path, ref: Reference, files: list[str]) -> bool:
    """Whether a file of the code itself (not a test) spells the reference."""
    spellings = variants(ref) if ref.kind not in {Kind.MAKE_TARGET, Kind.SCRIPT} else (ref.needle,)
    pattern = read.whole_words(spellings)
    for rel in files:
        if is_test_path(rel):
            continue
        try:
            text = (root / rel).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if pattern.search(text):
            return True
    return False


def _renamed(spelling: str, core: str) -> str:
    """The spelling with its name renamed, quotes and dashes kept (``"--x-y"`` -> ``"--x-y-v2"``)."""
    for name in dict.fromkeys((core, core.replace("-", "_"), core.replace("_", "-"))):
        if name in spelling:
            sep = "_" if "_" in name or name.isupper() else "-"
            return spelling.replace(name, f"{name}{sep}{'V2' if name.isupper() else 'v2'}")
    return spelling + "_v2"


def _cpu() -> float:
    """CPU seconds of this process and of its waited-for children (git, the reading workers):
    on a shared machine, the figure that load does not inflate as it does wall time."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _grep(repo: Path, needles: str) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _cpu()
    subprocess.run(
        ["git", "grep", "-o", "-h", "-w", "-F", "-I", "-f", needles, "HEAD", "--", "."],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - wall, _cpu() - cpu


def measure(repo: Path, sample: int, seed: int, out: Path) -> dict[str, object]:
    refs = all_references(repo)
    needles = sorted({v for r in refs for v in variants(r)})
    with tempfile.NamedTemporaryFile("w", suffix=".needles") as handle:
        handle.write("\n".join(needles) + "\n")
        handle.flush()
        # the baseline runs before and after the review (the better of the two is kept), so
        # neither gets the other's warm caches alone
        before = _grep(repo, handle.name)
        started, cpu = time.perf_counter(), _cpu()
        review = review_docs(repo)
        review_s, review_cpu = time.perf_counter() - started, _cpu() - cpu
        after = _grep(repo, handle.name)
    grep_s, grep_cpu = min(before[0], after[0]), min(before[1], after[1])
    if sample == 0:  # speed only
        return {
            "repo": str(repo),
            "documents": len(review.docs),
            "references": review.references,
            "stale_at_head": len(review.stale),
            "review_s": round(review_s, 2),
            "git_grep_s": round(grep_s, 2),
            "ratio_to_git_grep": round(review_s / grep_s, 1) if grep_s else None,
            "review_cpu_s": round(review_cpu, 2),
            "git_grep_cpu_s": round(grep_cpu, 2),
            "cpu_ratio_to_git_grep": round(review_cpu / grep_cpu, 1) if grep_cpu else None,
            "load": round(os.getloadavg()[0], 1),
        }
    with out.open("a", encoding="utf-8") as sink:
        for f in review.stale:
            sink.write(
                json.dumps(
                    {
                        "repo": str(repo),
                        "doc": f.reference.doc,
                        "line": f.reference.line,
                        "kind": str(f.reference.kind),
                        "reference": f.reference.text,
                        "reason": f.reason,
                    }
                )
                + "\n"
            )
    flagged = {(f.reference.doc, f.reference.line, f.reference.text) for f in review.findings}
    holding = [r for r in refs if (r.doc, r.line, r.text) not in flagged]
    by_needle: dict[tuple[Kind, str], Reference] = {}
    for r in holding:
        by_needle.setdefault((r.kind, r.needle), r)
    rng = random.Random(seed)
    pool = list(by_needle.values())
    rng.shuffle(pool)
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "clone"
        subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True)
        git(clone, "config", "user.email", "bench@example.com")
        git(clone, "config", "user.name", "bench")
        files = code_files(clone)
        injected: list[Reference] = []
        only_tests: list[Reference] = []  # spelled only by tests before the injection
        for i, ref in enumerate(pool):
            if len(injected) >= sample:
                break
            tested_only = ref.kind is not Kind.PATH and not declared(clone, ref, files)
            if inject(clone, ref, rename=i % 2 == 0, files=files):
                injected.append(ref)
                if tested_only:
                    only_tests.append(ref)
                files = code_files(clone) if ref.kind is Kind.PATH else files
        after = review_docs(clone)
    stale = {(f.reference.doc, f.reference.line, f.reference.needle) for f in after.stale}
    caught = [r for r in injected if (r.doc, r.line, r.needle) in stale]
    said = {(f.reference.doc, f.reference.line, f.reference.needle): f for f in after.findings}
    missed = [
        f"{r.kind}:{r.text} ({r.doc}:{r.line}): {_said(said.get((r.doc, r.line, r.needle)))}"
        for r in injected
        if r not in caught
    ]
    # --help and the platform's variables (HOME, XDG_*) are left alone by design: the code
    # stopping to spell them says nothing of whether a framework or library still provides them
    platform = [r for r in injected if platform_reference(r)]
    product = [r for r in injected if r not in only_tests and not platform_reference(r)]
    kinds: dict[str, list[int]] = {}
    for r in injected:
        kinds.setdefault(str(r.kind), [0, 0])[1] += 1
    for r in caught:
        kinds[str(r.kind)][0] += 1
    return {
        "repo": str(repo),
        "documents": len(review.docs),
        "references": review.references,
        "stale_at_head": len(review.stale),
        "injected": len(injected),
        "caught": len(caught),
        "recall": round(len(caught) / len(injected), 3) if injected else None,
        "platform_left_alone": len(platform),
        "recall_without_platform": (
            round(len(caught) / (len(injected) - len(platform)), 3)
            if len(injected) > len(platform)
            else None
        ),
        # a name only the tests spelled is not the code's to lose: the check does not call
        # it stale (pipx's tests set pip's PIP_INDEX_URL; pipx never reads it)
        "only_in_tests": len(only_tests),
        "declared_by_code": len(product),
        "caught_declared_by_code": sum(1 for r in product if r in caught),
        "recall_declared_by_code": (
            round(sum(1 for r in product if r in caught) / len(product), 3) if product else None
        ),
        "by_kind": {k: f"{c}/{n}" for k, (c, n) in sorted(kinds.items())},
        "missed": missed[:40],
        "review_s": round(review_s, 2),
        "git_grep_s": round(grep_s, 2),
        "ratio_to_git_grep": round(review_s / grep_s, 1) if grep_s else None,
    }


def _said(finding: object) -> str:
    """What the check said of a missed reference: nothing, or a finding below high confidence."""
    if finding is None:
        return "no finding"
    return f"{finding.status} [{finding.confidence}] {finding.reason}"  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--sample", type=int, default=120, help="0: measure the speed only")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--findings", type=Path, default=Path("benchmarks/out/docs_findings.jsonl"))
    args = parser.parse_args()
    args.findings.parent.mkdir(parents=True, exist_ok=True)
    args.findings.write_text("", encoding="utf-8")
    total_injected = total_caught = total_platform = 0
    declared_caught = declared_total = 0
    for repo in args.repos:
        result = measure(repo, args.sample, args.seed, args.findings)
        print(json.dumps(result, indent=2))
        declared_total += int(result.get("declared_by_code", 0))  # type: ignore[call-overload]
        declared_caught += int(result.get("caught_declared_by_code", 0))  # type: ignore[call-overload]
        total_injected += int(result.get("injected", 0))  # type: ignore[call-overload]
        total_caught += int(result.get("caught", 0))  # type: ignore[call-overload]
        total_platform += int(result.get("platform_left_alone", 0))  # type: ignore[call-overload]
    if total_injected:
        print(
            f"overall recall {total_caught}/{total_injected} = {total_caught / total_injected:.3f}"
        )
        if declared_total:
            print(
                f"recall on what the code itself declared (no platform names, none only tests "
                f"spelled): {declared_caught}/{declared_total} = "
                f"{declared_caught / declared_total:.3f}"
            )
        if total_platform and total_injected > total_platform:
            kept = total_injected - total_platform
            print(
                f"without the {total_platform} platform references (left alone by design): "
                f"{total_caught}/{kept} = {total_caught / kept:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
