"""Mining speed: `risk mine` against `git log --numstat -M` over the same synthetic history.

Builds (once, cached under the temp dir) a repository with N commits via `git fast-import`,
then times, in the same run:
  - git log -M --numstat (the floor: git's own work, output discarded)
  - countersign's miner (one streamed pass computing the 14 metrics)
  - an incremental re-run after 100 new commits
  - SZZ labelling (blame of the fix commits), reported separately
  - scoring one change with the mined history loaded
Usage: python benchmarks/risk_mine.py [--commits 20000] [--fresh]

With ``--repo PATH`` (a real clone, e.g. a mirror brought by the fetch tool), it times instead,
side by side on that clone: ``git log -M --numstat`` and the whole of a first ``risk mine``
(mining and SZZ labelling, its state in a temporary directory, the clone untouched), then the
SZZ labelling alone by blaming each fix (``--per-fix N``: on a sample of N fixes, extrapolated).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from countersign.facts.context import Context
from countersign.facts.risk import analyze
from countersign.intake.change import Change, Commit, FileChange, FileStatus, Line
from countersign.state.history import label, mine
from countersign.state.risk import load, save

WORDS = ["alpha", "beta", "gamma", "delta", "value", "count", "index", "result", "buffer", "state"]


def fast_import_stream(
    n: int,
    seed: int = 7,
    start: int = 1_500_000_000,
    ref: str = "refs/heads/main",
    parent: str | None = None,
    mark0: int = 0,
):
    """A fast-import stream of ``n`` commits editing, adding and renaming small files."""
    rng = random.Random(seed)
    files: dict[str, list[str]] = {}
    authors = [f"dev{i}" for i in range(40)]
    out: list[bytes] = []
    when = start
    for i in range(n):
        mark = mark0 + i + 1
        when += rng.randint(60, 7200)
        author = rng.choice(authors)
        fix = rng.random() < 0.08
        msg = f"{'Fix bug in' if fix else 'Update'} {rng.choice(WORDS)} handling ({mark})\n"
        ops: list[bytes] = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5))):
            if not files or rng.random() < 0.08:
                path = (
                    f"pkg{rng.randint(0, 19)}/mod{rng.randint(0, 9)}/f{mark}_{rng.randint(0, 9)}.py"
                )
                files[path] = [
                    f"{rng.choice(WORDS)} = {rng.randint(0, 999)}"
                    for _ in range(rng.randint(5, 60))
                ]
            else:
                path = rng.choice(list(files))
                lines = files[path]
                if rng.random() < 0.01:
                    new = path.replace(".py", "_r.py")
                    if new not in files:
                        files[new] = files.pop(path)
                        ops.append(f"R {path} {new}\n".encode())
                        path = new
                        lines = files[path]
                for _ in range(rng.randint(1, 6)):
                    pos = rng.randint(0, len(lines))
                    if lines and rng.random() < 0.4:
                        del lines[min(pos, len(lines) - 1)]
                    else:
                        lines.insert(
                            pos, f"{rng.choice(WORDS)} = {rng.choice(WORDS)} + {rng.randint(0, 99)}"
                        )
            data = ("\n".join(files[path]) + "\n").encode()
            ops.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        header = (
            f"commit {ref}\nmark :{mark}\n"
            f"author {author} <{author}@example.com> {when} +0000\n"
            f"committer {author} <{author}@example.com> {when} +0000\n"
            f"data {len(msg)}\n{msg}"
        ).encode()
        if i == 0 and parent:
            header += f"from {parent}\n".encode()
        out.append(header + b"".join(ops) + b"\n")
    return b"".join(out), files, when


def build(path: Path, n: int) -> dict[str, list[str]]:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    stream, files, _ = fast_import_stream(n)
    subprocess.run(["git", "-C", str(path), "fast-import", "--quiet"], input=stream, check=True)
    subprocess.run(["git", "-C", str(path), "reset", "-q", "--hard", "main"], check=True)
    return files


def time_pydriller(repo: Path) -> float:
    """pydriller reading what the miner reads: per file lines added/deleted, old path."""
    from pydriller import Repository

    def walk() -> int:
        n = 0
        for commit in Repository(str(repo), only_no_merge=True).traverse_commits():
            for m in commit.modified_files:
                n += m.added_lines + m.deleted_lines + (m.old_path is not None)
        return n

    return timed(walk)[0]


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def real_repo(repo: Path, per_fix: int) -> None:
    """A first ``risk mine`` against ``git log -M --numstat`` on the same clone."""
    import os
    import resource

    from countersign.commands.risk import mine_repo
    from countersign.state.history import inducing

    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # git, the labelling process
        return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

    log = ["git", "-C", str(repo), "log", "--no-merges", "-M", "--numstat", "HEAD"]
    c0 = cpu()
    t_git, baseline = timed(
        lambda: subprocess.run(log, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    )
    c_git = cpu() - c0
    if baseline.returncode != 0:  # a damaged mirror: git stops at the first unreadable object
        why = baseline.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        raise SystemExit(
            f"{repo}: git log -M --numstat fails after {t_git:.0f} s ({' '.join(why)}), so the "
            "baseline cannot be timed on this clone; risk mine leaves such commits out"
        )
    # a fresh state directory (a first mine), unless one is given that holds none yet
    state = os.environ.get("COUNTERSIGN_STATE_DIR")
    if not state or any(Path(state).iterdir() if Path(state).is_dir() else ()):
        os.environ["COUNTERSIGN_STATE_DIR"] = tempfile.mkdtemp()
    c0 = cpu()
    t_mine, (rows, found) = timed(lambda: mine_repo(repo, 90.0, None, None))
    c_mine = cpu() - c0
    print(f"repository               {repo} ({len(rows)} commits, {found.fixes} fixes)")
    print(f"git log -M --numstat     {t_git:6.1f} s  (CPU {c_git:.1f} s)")
    print(
        f"risk mine (with SZZ)     {t_mine:6.1f} s  ({t_mine / t_git:.2f}x git; target <= 3x; "
        f"{found.inducing} defect-inducing; CPU {c_mine:.1f} s, {c_mine / c_git:.2f}x git's)"
    )
    if per_fix:
        out = subprocess.run(
            ["git", "-C", str(repo), "log", "--no-merges", "--format=%H %P", "HEAD"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        from countersign.facts.risk.szz import is_fix

        msgs = subprocess.run(
            ["git", "-C", str(repo), "log", "--no-merges", "--format=%H%x1f%B%x1e", "HEAD"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8", "replace")
        fixes = {
            m.split("\x1f")[0].strip()
            for m in msgs.split("\x1e")
            if "\x1f" in m and is_fix(m.split("\x1f", 1)[1])
        }
        parents = {ln.split()[0]: ln.split()[1:] for ln in out.splitlines() if ln}
        sample = [f for f in sorted(fixes) if parents.get(f)][:: max(1, len(fixes) // per_fix)][
            :per_fix
        ]
        from concurrent.futures import ThreadPoolExecutor

        def blame_sample() -> list[list[str]]:
            with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
                return list(pool.map(lambda f: inducing(repo, f, parents[f][0]), sample))

        t_one, _ = timed(blame_sample)
        est = t_one / max(1, len(sample)) * len(fixes)
        print(
            f"blame per fix (before)   {est:6.1f} s  (4 at a time as before, estimated from {len(sample)} fixes: "
            f"{est / t_git:.1f}x git for SZZ alone)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=20000)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument(
        "--pydriller",
        action="store_true",
        help="also time pydriller on the same history (pip install pydriller; not a dependency)",
    )
    parser.add_argument("--repo", type=Path, help="a real clone: time a whole first risk mine")
    parser.add_argument("--per-fix", type=int, default=0, help="also blame N fixes one by one")
    args = parser.parse_args()
    if args.repo:
        real_repo(args.repo, args.per_fix)
        return
    repo = Path(tempfile.gettempdir()) / f"countersign-bench-{args.commits}"
    if args.fresh and repo.exists():
        shutil.rmtree(repo)
    if not repo.exists():
        secs, _ = timed(lambda: build(repo, args.commits))
        print(f"built {args.commits} commits with git fast-import in {secs:.1f} s ({repo})")
    log = ["git", "-C", str(repo), "log", "--reverse", "--no-merges", "-M", "--numstat", "HEAD"]
    t_git, _ = timed(lambda: subprocess.run(log, stdout=subprocess.DEVNULL, check=True))
    t_ours, index = timed(lambda: mine(repo))
    print(f"git log -M --numstat     {t_git:6.2f} s")
    print(f"countersign mining       {t_ours:6.2f} s  ({t_ours / t_git:.2f}x git; target <= 2x)")
    if args.pydriller:
        t_pyd = time_pydriller(repo)
        print(
            f"pydriller, same data     {t_pyd:6.2f} s  (ours is {t_pyd / t_ours:.0f}x faster; target >= 15x)"
        )

    state = Path(tempfile.mkdtemp())
    t_save, _ = timed(lambda: save(index, state))
    t_load, cached = timed(lambda: load(state))
    print(f"cache save / load        {t_save:6.2f} s / {t_load:.2f} s")
    t_none, _ = timed(lambda: mine(repo, cached))
    print(f"incremental, 0 new       {t_none:6.2f} s")
    last = int(index.commits[-1].date)
    stream, _, _ = fast_import_stream(
        100,
        seed=99,
        start=last,
        ref="refs/heads/bench-incr",
        parent="refs/heads/main^0",
        mark0=10**6,
    )
    subprocess.run(
        ["git", "-C", str(repo), "fast-import", "--quiet", "--force"], input=stream, check=True
    )
    t_inc, again = timed(lambda: mine(repo, load(state), head="bench-incr"))
    print(
        f"incremental, 100 new     {t_inc:6.2f} s  ({len(again.commits) - len(index.commits)} commits read)"
    )

    t_szz, labels = timed(lambda: label(repo, index, gap_days=30))
    print(
        f"SZZ labelling            {t_szz:6.2f} s  ({labels.fixes} fixes blamed, {labels.inducing} inducing)"
    )

    commit = Commit(
        "c" * 40,
        "dev1",
        "dev1@example.com",
        "dev1",
        "dev1@example.com",
        int(index.commits[-1].date),
        "Update",
    )
    some = list(index.history.files)[:3]
    change = Change(
        base=None, head=None, fingerprint="",
        files=tuple(FileChange(p, FileStatus.MODIFIED, added=(Line(1, "x"),) * 20) for p in some),
        commits=(commit,),
    )  # fmt: skip
    context = Context(risk_history=again.history)
    analyze(change, context)
    runs = 2000
    t_score, risk = timed(lambda: [analyze(change, context) for _ in range(runs)])
    print(
        f"scoring one change       {1000 * t_score / runs:6.2f} ms  (target < 5 ms; score {risk[-1].score})"
    )


if __name__ == "__main__":
    main()
