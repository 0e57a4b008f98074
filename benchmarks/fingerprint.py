"""Fingerprint throughput on large changes, next to `git diff --binary | sha256sum` on the same
change in the same run (the target: within 2x). Each case builds a repository in a temporary
directory; times are the best of 3 runs, wall clock and CPU time (this process and the git
processes it waited for: on a loaded machine the CPU ratio is the steadier one), peak memory of
this process in MiB.

Usage: .venv/bin/python benchmarks/fingerprint.py [MIB [text|binary|small]]
(MIB, default 64: the text case's size; a case name runs that case alone)

The issue's figure is the fingerprint's (``fingerprint`` line, and the ``target`` line under
it); ``read_change`` adds what the analyzers need beside it (each file's lines parsed, the
texts of source files for the blast radius) and is printed for comparison, not as the target."""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from countersign.intake import git
from countersign.intake.contents import Placer
from countersign.intake.fingerprint import PatchDigest
from countersign.intake.git import read_change

ENV = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com"}
ENV |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}


def run(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, env=ENV, check=True, capture_output=True)


def build(root: Path, files: dict[str, bytes], edit: Callable[[bytes], bytes]) -> None:
    run(root, "init", "-q", "-b", "main")
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    run(root, "add", "-A")
    run(root, "commit", "-q", "-m", "base")
    run(root, "checkout", "-q", "-b", "f")
    for rel, data in files.items():
        (root / rel).write_bytes(edit(data))
    run(root, "add", "-A")
    run(root, "commit", "-q", "-m", "edit")


def fingerprint_only(root: Path) -> str:
    """As ``read_change`` computes it: hunks are placed while the patch streams."""
    digest = PatchDigest()
    placer = Placer(lambda batches, limit: git.stream_blobs(root, batches, limit))
    for chunk in git.git_stream(root, "diff", "-p", *git.DIFF_OPTS, "main", "f"):
        digest.feed(chunk)
        placer.offer(digest.files[:-1])
    return digest.hexdigest((), placer.finish(digest.files))


def baseline(root: Path) -> None:
    command = "git diff --binary main f | sha256sum"
    subprocess.run(command, shell=True, cwd=root, check=True, capture_output=True)  # noqa: S602


def cpu() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def best(fn: Callable[[], object]) -> tuple[float, float]:
    """The shortest wall-clock time of 3 runs, and the least CPU time."""
    times, cpus = [], []
    for _ in range(3):
        start, used = time.perf_counter(), cpu()
        fn()
        times.append(time.perf_counter() - start)
        cpus.append(cpu() - used)
    return min(times), min(cpus)


def case(name: str, files: dict[str, bytes], edit: Callable[[bytes], bytes]) -> None:
    size = sum(len(d) for d in files.values()) / 2**20
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build(root, files, edit)
        base = best(lambda: baseline(root))
        fp = best(lambda: fingerprint_only(root))
        whole = best(lambda: read_change(root, base="main", head="f"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{name} ({len(files)} files, {size:.0f} MiB each side):")
    print(
        f"  baseline git diff --binary | sha256sum: {base[0]:.2f} s ({size / base[0]:.0f} MiB/s), "
        f"CPU {base[1]:.2f} s"
    )
    print(
        f"  fingerprint (git diff -p, hashed, hunks placed): {fp[0]:.2f} s "
        f"({size / fp[0]:.0f} MiB/s) = {fp[0] / base[0]:.2f}x, CPU {fp[1]:.2f} s = "
        f"{fp[1] / base[1]:.2f}x"
    )
    print(
        f"  the issue's target, fingerprint within 2x of the baseline: wall "
        f"{'met' if fp[0] <= 2 * base[0] else 'NOT met'}, CPU "
        f"{'met' if fp[1] <= 2 * base[1] else 'NOT met'}"
    )
    print(
        f"  read_change (fingerprint + records for the analyzers): {whole[0]:.2f} s = "
        f"{whole[0] / base[0]:.2f}x, CPU {whole[1]:.2f} s = {whole[1] / base[1]:.2f}x"
    )
    print(f"  peak memory of this process so far: {peak:.0f} MiB")


def main() -> None:
    mib = int(sys.argv[1]) if len(sys.argv) > 1 else 64
    only = sys.argv[2] if len(sys.argv) > 2 else ""  # text, binary or small: one case
    rng = random.Random(7)
    if only in ("", "text"):
        text_case(mib)
    if only in ("", "binary"):
        case(
            "binary churn",
            {f"bin/{i}.dat": rng.randbytes(mib * 2**20 // 8) for i in range(8)},
            lambda d: bytes(reversed(d)),
        )
    if only in ("", "small"):
        case(
            "many small files",
            {f"src/{i // 100}/{i}.py": f"value = {i}\n".encode() * 5 for i in range(20_000)},
            lambda d: d + b"more = 1\n",
        )


def text_case(mib: int) -> None:
    line = "x" * 70
    lines = mib * 2**20 // 80
    text = "".join(f"{i:08d} {line}\n" for i in range(lines)).encode()
    case(
        "one large text file, every 10th line rewritten",
        {"big.txt": text},
        lambda d: b"\n".join(
            (x + b"!" if n % 10 == 0 else x) for n, x in enumerate(d.split(b"\n"))
        ),
    )


if __name__ == "__main__":
    main()
