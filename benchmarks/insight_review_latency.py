"""A proxy for request-to-sign-off time on a public repository that has no countersign ledger.

Real repositories keep their reviews on the forge; git keeps only the merge. For each merge
commit "Merge pull request #N from ..." this prints two proxies, clearly not the ledger's
request-to-sign-off time:

- last push -> merge: the pull request's head commit's committer time to the merge commit's.
  The head was ready for review at the latest then; the merge came after any approval. A
  lower bound of the wait of the final head (earlier pushes, drafts and CI are not seen).
- first commit -> merge: the oldest commit of the pull request (author time) to the merge.
  An upper bound: it includes the work itself.

Merges made on GitHub (committer noreply@github.com) carry GitHub's merge time; other merge
commits carry the merging machine's clock and are counted separately. Squash and rebase merges
leave no request time in git (GitHub sets the squash commit's author and committer times to
the merge), so they are not counted. Split by whether any commit of the pull request is
AI-assisted (the provenance analyzer's commit signals, as `countersign insight` uses them),
with medians, p90, a percentile-bootstrap 95 % interval of each median (2,000 resamples,
seed 1) and a Mann-Whitney U test of AI-assisted against other pull requests.

    .venv/bin/python benchmarks/insight_review_latency.py --repo /path/to/clone [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
from pathlib import Path
from statistics import median
from typing import Any

from countersign.facts import provenance
from countersign.facts.context import Context
from countersign.facts.insight.stats import quantile
from countersign.intake.change import Change, Commit

MERGE = re.compile(r"^Merge pull request #(\d+) from (\S+)")
GITHUB = "noreply@github.com"
HOUR = 3600.0
SEP, END = "\x1f", "\x1e"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, check=True, text=True
    ).stdout


def _commits(repo: Path, rev_range: str) -> list[Commit]:
    fmt = SEP.join(("%H", "%an", "%ae", "%cn", "%ce", "%at", "%ct", "%P", "%B")) + END
    out = []
    for raw in _git(repo, "log", "--no-merges", f"--format={fmt}", rev_range).split(END):
        parts = raw.strip("\n").split(SEP)
        if len(parts) != 9:
            continue
        sha, an, ae, cn, ce, at, ct, parents, body = parts
        out.append(
            Commit(sha, an, ae, cn, ce, int(at), body, tuple(parents.split()), committed_at=int(ct))
        )
    return out


def _assisted(commits: list[Commit], context: Context) -> bool:
    change = Change(base=None, head=None, fingerprint="", files=(), commits=tuple(commits))
    return provenance.analyze(change, context).ai_assisted


def pull_requests(repo: Path) -> list[dict[str, Any]]:
    context = Context()
    fmt = SEP.join(("%H", "%P", "%ct", "%ce", "%s"))
    prs = []
    for line in _git(repo, "log", "--merges", f"--format={fmt}").splitlines():
        sha, parents, merged, committer, subject = line.split(SEP, 4)
        m = MERGE.match(subject)
        ps = parents.split()
        if not m or len(ps) != 2:
            continue
        commits = _commits(repo, f"{ps[0]}..{ps[1]}")
        if not commits:
            continue
        head = next((c for c in commits if c.sha == ps[1]), commits[0])
        prs.append(
            {
                "number": int(m.group(1)),
                "merge": sha,
                "on_github": committer == GITHUB,
                "commits": len(commits),
                "ai": _assisted(commits, context),
                "last_push_h": (int(merged) - head.committed_at) / HOUR,
                "first_commit_h": (int(merged) - min(c.authored_at for c in commits)) / HOUR,
            }
        )
    return prs


def _median_interval(xs: list[float], rounds: int = 2000) -> tuple[float, float] | None:
    if len(xs) < 2:
        return None
    rnd = random.Random(1)
    meds = sorted(median(rnd.choices(xs, k=len(xs))) for _ in range(rounds))
    return meds[int(0.025 * rounds)], meds[int(0.975 * rounds) - 1]


def _summary(xs: list[float]) -> dict[str, Any]:
    kept = [max(0.0, x) for x in xs]
    ci = _median_interval(kept)
    return {
        "n": len(kept),
        "negative": sum(x < 0 for x in xs),  # clock skew: counted as 0
        "median_h": None if not kept else round(median(kept), 2),
        "median_ci_h": None if ci is None else [round(ci[0], 2), round(ci[1], 2)],
        "p90_h": None if not kept else round(quantile(kept, 0.9) or 0.0, 2),
    }


def _mann_whitney(a: list[float], b: list[float]) -> float | None:
    if len(a) < 5 or len(b) < 5:
        return None
    from scipy.stats import mannwhitneyu

    return float(mannwhitneyu(a, b, alternative="two-sided").pvalue)


def figures(prs: list[dict[str, Any]]) -> dict[str, Any]:
    github = [p for p in prs if p["on_github"]]
    out: dict[str, Any] = {
        "merge_commits": len(prs),
        "merged_on_github": len(github),
        "ai_assisted": sum(p["ai"] for p in github),
    }
    for key in ("last_push_h", "first_commit_h"):
        ai = [p[key] for p in github if p["ai"]]
        other = [p[key] for p in github if not p["ai"]]
        out[key] = {
            "all": _summary(ai + other),
            "ai": _summary(ai),
            "other": _summary(other),
            "mann_whitney_p": _mann_whitney(ai, other),
        }
    return out


def _line(name: str, s: dict[str, Any]) -> str:
    if not s["n"]:
        return f"  {name:<12} n=0"
    ci = s["median_ci_h"] or ["-", "-"]
    return (
        f"  {name:<12} n={s['n']:<4} median {s['median_h']:>8.2f} h (95 % {ci[0]}-{ci[1]})"
        f"  p90 {s['p90_h']:>9.2f} h  negative {s['negative']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = figures(pull_requests(args.repo))
    if args.json:
        print(json.dumps(result, indent=1))
        return
    print(
        f"{args.repo.name}: {result['merge_commits']} 'Merge pull request' commits, "
        f"{result['merged_on_github']} merged on GitHub, {result['ai_assisted']} of them "
        "with an AI-assisted commit"
    )
    for key, title in (
        ("last_push_h", "last push -> merge (PROXY, lower bound)"),
        ("first_commit_h", "first commit -> merge (PROXY, upper bound)"),
    ):
        f = result[key]
        print(title)
        for group in ("all", "ai", "other"):
            print(_line(group, f[group]))
        p = f["mann_whitney_p"]
        shown = "not tested (under 5 in a group)" if p is None else f"{p:.2g}"
        print(f"  Mann-Whitney U, AI-assisted vs other: p = {shown}")


if __name__ == "__main__":
    main()
