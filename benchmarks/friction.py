"""Proportionate friction on a real monorepo: what the shipped default policy costs and catches.

On the last N non-merge commits (first-parent) of a repository, judged in one process by the
shipped default policy with a catalog of the repository's real packages (benchmarks/friction/
NAME/catalog.yaml) and a roster built from the history before those commits (levels from how
many commits each person had made by then): the share of changes sent to two-person or senior
review, the share gated at all, the share of SZZ-labelled defect-inducing commits gated (labels
from `countersign risk mine`, run first, cached), and whether every commit with a destroy,
data-loss or access-widening hazard is gated. Then the same figures for other thresholds of the
low-risk lane and of the elevated-risk rule (the facts are gathered once; only the decision is
run again per threshold): the trade-off between the share of changes gated and the share of
defect-inducing commits among them. Last, the replay's speed (wall and CPU, git's processes
included) next to `git log -p` over the same commits, timed in the same run.

    .venv/bin/python benchmarks/friction.py --repo /path/to/nomad.git --catalog nomad \\
        [--commits 1000] [--thresholds 0,50,80] [--elevated off,70,60,50]

The repository can be bare (a mirror); the risk cache and import scans go into its state
directory. Prints text; --json prints the figures as JSON.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from countersign.config.roster import load_roster
from countersign.decision.activation import activation, merged_with_defaults
from countersign.decision.engine import decide
from countersign.decision.policy import default_policy_text, load_policy
from countersign.facts.blast_radius.surface import change_kind
from countersign.facts.risk import szz
from countersign.gate.replay import Tally, hazardous, heavy
from countersign.gate.shadow import Candidate, Shadow
from countersign.intake.release import past_changes
from countersign.intake.repository import open_repository
from countersign.state import risk as risk_cache
from countersign.workspace import Environment

HERE = Path(__file__).parent / "friction"
# The low-risk lane's risk term in the shipped policy; the table replaces it with a percentile.
LANE = re.compile(r"risk\.(?:score|percentile) < [0-9.]+")
SHIPPED = re.search(r"risk\.percentile < ([0-9.]+)", default_policy_text())
# The elevated-risk rule's term for a percentile among the repository's own changes (one
# approval for risky code outside tier 1); its table replaces it with other percentiles
# ("off": the rule never fires). PRIOR is its term before `risk mine` (the percentile among
# the packaged model's reference projects), tabled on the same changes ranked that way.
ELEVATED = re.compile(r'risk\.reference == "repository" && risk\.percentile >= [0-9.]+')
SHIPPED_ELEVATED = re.search(
    r'risk\.reference == "repository" && risk\.percentile >= ([0-9.]+)', default_policy_text()
)
PRIOR = re.compile(r'risk\.reference == "prior" && risk\.percentile >= [0-9.]+')
SHIPPED_PRIOR = re.search(
    r'risk\.reference == "prior" && risk\.percentile >= ([0-9.]+)', default_policy_text()
)


def main() -> int:
    args = _args()
    root = open_repository(Path(args.repo)).root
    catalog = Path(args.catalog)
    if not catalog.is_file():
        catalog = HERE / args.catalog / "catalog.yaml"
    _info(f"{root}: risk mine (SZZ labels; cached after the first run)")
    subprocess.run(
        [sys.executable, "-m", "countersign", "risk", "mine", "--repo", str(root), "--out",
         "/dev/null"],
        check=True,
    )  # fmt: skip
    pairs = past_changes(root, None, merges=False, limit=args.commits)
    if args.facts_in:
        return _from_facts(args, Path(args.facts_in))
    labels = _labels(root)
    roster = history_roster(root, pairs[0][1])
    policy = load_policy(default_policy_text())
    candidate = Candidate(
        policy=policy,
        catalog_text=catalog.read_text(encoding="utf-8"),
        roster=load_roster(roster),
        files=(str(catalog),),
    )
    baseline, baseline_cpu = _git_log_seconds(root, len(pairs))
    _info(
        f"replaying {len(pairs)} commits ({baseline:.1f} s, {baseline_cpu:.1f} s CPU for git "
        "log -p over them)"
    )
    started, started_cpu = time.monotonic(), _cpu()
    shadow = Shadow(root, Environment.from_process(), candidate, tip=pairs[-1][0])
    tally = Tally(labelled=True)
    facts: list[tuple[dict[str, Any], bool, bool]] = []
    kinds: Counter[str] = Counter()
    for i, judged in enumerate(shadow.judge_all(pairs), start=1):
        if judged.empty:
            tally.empty.append(f"{judged.sha[:12]}: {judged.subject}")
            continue
        if judged.evaluation is None:
            tally.skipped.append(f"{judged.sha[:12]}: {judged.error}")
            continue
        defect = judged.sha in labels
        tally.add(judged.evaluation, defect, judged.sha, judged.subject)
        facts.append((activation(judged.evaluation.facts), defect, hazardous(judged.evaluation)))
        kinds[change_kind(judged.evaluation.facts.blast_radius.files)] += 1
        if i % 100 == 0:
            _info(f"  {i}/{len(pairs)} ({time.monotonic() - started:.0f} s)")
    seconds, cpu = time.monotonic() - started, _cpu() - started_cpu
    report = tally.as_dict()
    report.pop("changes_listed")
    _info(json.dumps({k: v for k, v in report.items() if not isinstance(v, dict)}))
    if args.facts_out:
        Path(args.facts_out).write_text(json.dumps(facts), encoding="utf-8")
    thresholds = [float(t) for t in args.thresholds.split(",")]
    table = [_at_threshold(t, facts) for t in thresholds]
    elevated = [_at_elevated(t, facts) for t in args.elevated.split(",")]
    prior = [_at_prior(t, facts, root) for t in args.prior.split(",")]
    out = {
        "repository": str(root),
        "catalog": str(catalog),
        "commits": len(pairs),
        "first": pairs[0][0],
        "last": pairs[-1][0],
        "labelled_defect_inducing": report["defect_inducing"],
        "kinds": dict(kinds.most_common()),
        "shipped_threshold": float(SHIPPED.group(1)) if SHIPPED else None,
        "shipped_elevated": float(SHIPPED_ELEVATED.group(1)) if SHIPPED_ELEVATED else None,
        "figures": {
            k: report[k]
            for k in (
                "changes",
                "fast_lane",
                "gated",
                "gated_share",
                "heavy",
                "heavy_share",
                "defect_inducing",
                "defect_inducing_gated",
                "defect_share_gated",
                "defect_share_heavy",
                "hazardous",
                "hazardous_gated",
                "skipped",
                "empty",
            )
        },
        "rules": report["rules"],
        "thresholds": table,
        "elevated": elevated,
        "shipped_prior": float(SHIPPED_PRIOR.group(1)) if SHIPPED_PRIOR else None,
        "prior": prior,
        "seconds": round(seconds, 1),
        "git_log_p_seconds": round(baseline, 1),
        "ratio_to_git_log_p": round(seconds / baseline, 1) if baseline else None,
        "cpu_seconds": round(cpu, 1),
        "git_log_p_cpu_seconds": round(baseline_cpu, 2),
        "cpu_ratio_to_git_log_p": round(cpu / baseline_cpu, 1) if baseline_cpu else None,
    }
    print(json.dumps(out, indent=2) if args.json else _text(out))
    return 0


def _args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repo", required=True, help="the repository (bare is fine)")
    parser.add_argument(
        "--catalog", required=True, help="a catalog file, or a name under benchmarks/friction/"
    )
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument(
        "--thresholds",
        default="0,50,60,70,75,80,85,90",
        help="risk percentiles (against the repository's own history) for the low-risk lane",
    )
    parser.add_argument(
        "--elevated",
        default="off,90,80,70,65,60,55,50,40,30",
        help="risk percentiles for the elevated-risk rule (one approval; 'off': never fires)",
    )
    parser.add_argument(
        "--prior",
        default="off,95,90,80,70",
        help="percentiles for the elevated-risk rule before `risk mine` (ranked against the prior)",
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--facts-out", help="save each change's facts (JSON) for --facts-in")
    parser.add_argument(
        "--facts-in", help="only the threshold table, from facts saved by --facts-out"
    )
    return parser.parse_args()


def _labels(root: Path) -> set[str]:
    index = risk_cache.load(risk_cache.risk_dir(root))
    if index is None:
        return set()
    return {sha for sha, bug in szz.labels(index).bug.items() if bug == 1}


def history_roster(root: Path, before: str) -> str:
    """Everyone who authored, committed or co-authored a commit, with a level from the commits
    they had authored by ``before`` (the base of the oldest commit replayed): 100 or more
    staff, 30 senior, 5 mid, else junior. A stand-in for the directory a company has."""
    log = subprocess.run(
        ["git", "-C", str(root), "log", "--all", "--format=%ae%x00%ce%x00%B%x01"],
        capture_output=True, check=True,
    ).stdout.decode("utf-8", "replace")  # fmt: skip
    emails: set[str] = set()
    for record in log.split("\x01"):
        parts = record.strip("\n").split("\x00")
        if len(parts) < 3:
            continue
        emails.update(e.lower() for e in parts[:2] if e)
        emails.update(
            m.lower()
            for m in re.findall(r"(?im)^co-authored-by:[^<\n]*<([^<>\s]+@[^<>\s]+)>", parts[2])
        )
    counts = Counter(
        subprocess.run(
            ["git", "-C", str(root), "log", "--format=%ae", before],
            capture_output=True, check=True,
        ).stdout.decode("utf-8", "replace").lower().split()
    )  # fmt: skip
    people = []
    for i, email in enumerate(sorted(emails)):
        n = counts.get(email, 0)
        level = "staff" if n >= 100 else "senior" if n >= 30 else "mid" if n >= 5 else "junior"
        people.append({"id": f"p{i}", "emails": [email], "level": level, "teams": ["maintainers"]})
    return json.dumps({"people": people})  # JSON is YAML


def _git_log_seconds(root: Path, n: int) -> tuple[float, float]:
    """Wall and CPU seconds of ``git log -p`` over the last ``n`` non-merge commits."""
    started, cpu = time.monotonic(), _cpu()
    subprocess.run(
        ["git", "-C", str(root), "log", "-p", "--first-parent", "--no-merges", f"-{n}"],
        stdout=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    return time.monotonic() - started, _cpu() - cpu


def _cpu() -> float:
    """CPU seconds (user and system) of this process and every child it waited for."""
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _at_threshold(threshold: float, facts: list[tuple[dict[str, Any], bool, bool]]) -> dict:
    text = LANE.sub(f"risk.percentile < {threshold}", default_policy_text())
    return {"threshold": threshold, **_figures(text, facts)}


def _at_elevated(threshold: str, facts: list[tuple[dict[str, Any], bool, bool]]) -> dict:
    term = (
        "false"
        if threshold == "off"
        else f'risk.reference == "repository" && risk.percentile >= {float(threshold)}'
    )
    return {"threshold": threshold, **_figures(ELEVATED.sub(term, default_policy_text()), facts)}


def _at_prior(threshold: str, facts: list[tuple[dict[str, Any], bool, bool]], root: Path) -> dict:
    """The elevated-risk rule as before `risk mine`: each change's score ranked against the
    active model's own reference (the packaged prior's projects) instead of this repository's
    changes. A proxy: the scores still read the mined history, which a fresh checkout lacks."""
    model = risk_cache.active_model(risk_cache.risk_dir(root))
    ranked = [
        (
            {
                **v,
                "risk": {
                    **v["risk"],
                    "reference": "prior",
                    "percentile": model.percentile(v["risk"]["score"]),
                },
            },
            d,
            h,
        )
        for v, d, h in facts
    ]
    term = (
        "false"
        if threshold == "off"
        else f'risk.reference == "prior" && risk.percentile >= {float(threshold)}'
    )
    return {"threshold": threshold, **_figures(PRIOR.sub(term, default_policy_text()), ranked)}


def _figures(text: str, facts: list[tuple[dict[str, Any], bool, bool]]) -> dict:
    policy = load_policy(text)
    n = len(facts)
    gated = heavy_n = defects = caught = caught_heavy = hazards = hazards_gated = 0
    for variables, defect, hazard in facts:
        decision = decide(policy, merged_with_defaults(variables), _today())
        reqs = decision.requirements
        gated += bool(reqs)
        is_heavy = heavy(reqs)
        heavy_n += is_heavy
        if defect:
            defects += 1
            caught += bool(reqs)
            caught_heavy += is_heavy
        if hazard:
            hazards += 1
            hazards_gated += bool(reqs)
    return {
        "heavy_share": round(heavy_n / n, 4) if n else 0.0,
        "gated_share": round(gated / n, 4) if n else 0.0,
        "defect_share_gated": round(caught / defects, 4) if defects else None,
        "defect_share_heavy": round(caught_heavy / defects, 4) if defects else None,
        "hazardous_gated": f"{hazards_gated}/{hazards}",
    }


def _from_facts(args: argparse.Namespace, path: Path) -> int:
    facts = [tuple(x) for x in json.loads(path.read_text(encoding="utf-8"))]
    table = [_at_threshold(float(t), facts) for t in args.thresholds.split(",")]  # type: ignore[arg-type]
    elevated = [_at_elevated(t, facts) for t in args.elevated.split(",")]  # type: ignore[arg-type]
    root = open_repository(Path(args.repo)).root
    prior = [_at_prior(t, facts, root) for t in args.prior.split(",")]  # type: ignore[arg-type]
    labelled = sum(1 for _, d, _ in facts if d)
    print(
        json.dumps(
            {
                "changes": len(facts),
                "defect_inducing": labelled,
                "thresholds": table,
                "elevated": elevated,
                "prior": prior,
            },
            indent=2,
        )
    )
    return 0


def _today():
    return Environment.from_process().today()


def _text(out: dict[str, Any]) -> str:
    f = out["figures"]
    rules = "; ".join(
        f"{k} {v['changes_gated']} ({v['defect_inducing_gated']} defect-inducing)"
        for k, v in out["rules"].items()
    )
    lines = [
        (
            f"{out['repository']}: last {out['commits']} non-merge commits "
            f"({out['first'][:12]}..{out['last'][:12]}), catalog {out['catalog']}"
        ),
        f"  kinds: {out['kinds']}",
        (
            f"  two-person or senior review: {f['heavy']} ({f['heavy_share']:.1%}); "
            f"gated at all: {f['gated']} ({f['gated_share']:.1%})"
        ),
        (
            f"  SZZ defect-inducing: {f['defect_inducing']}, gated: "
            f"{f['defect_inducing_gated']} ({f['defect_share_gated']:.1%}; "
            f"{f['defect_share_heavy']:.1%} to two-person/senior)"
        ),
        (
            f"  destroy/data-loss/access-widening hazards: {f['hazardous']}, gated: "
            f"{f['hazardous_gated']}"
        ),
        (
            f"  skipped (could not be analysed): {len(f['skipped'])}; shipped nothing "
            f"(empty): {len(f['empty'])}"
        ),
        f"  per rule: {rules}",
        f"  low-risk lane: risk percentile under (shipped {out['shipped_threshold']}):",
        (
            "    pct <   | two-person/senior | gated | defects gated | defects to 2p/senior "
            "| hazards gated"
        ),
    ]
    lines.extend(
        f"    {t['threshold']:<6} | {t['heavy_share']:>17.1%} | {t['gated_share']:>5.1%} | "
        f"{(t['defect_share_gated'] or 0):>13.1%} | {(t['defect_share_heavy'] or 0):>20.1%} | "
        f"{t['hazardous_gated']}"
        for t in out["thresholds"]
    )
    lines.append(
        f"  elevated-risk rule: code outside tier 1 at or above a risk percentile (shipped "
        f"{out['shipped_elevated']}):"
    )
    lines.append("    pct >=  | two-person/senior | gated | defects gated")
    lines.extend(
        f"    {t['threshold']:<6} | {t['heavy_share']:>17.1%} | {t['gated_share']:>5.1%} | "
        f"{(t['defect_share_gated'] or 0):>13.1%}"
        for t in out["elevated"]
    )
    lines.append(
        f"  elevated-risk before `risk mine` (ranked against the prior; shipped "
        f"{out['shipped_prior']}):"
    )
    lines.append("    pct >=  | two-person/senior | gated | defects gated")
    lines.extend(
        f"    {t['threshold']:<6} | {t['heavy_share']:>17.1%} | {t['gated_share']:>5.1%} | "
        f"{(t['defect_share_gated'] or 0):>13.1%}"
        for t in out["prior"]
    )
    lines.append(
        f"  speed: {out['seconds']} s for {out['commits']} commits; git log -p over them "
        f"{out['git_log_p_seconds']} s (ratio {out['ratio_to_git_log_p']}x); CPU "
        f"{out['cpu_seconds']} s against {out['git_log_p_cpu_seconds']} s "
        f"({out['cpu_ratio_to_git_log_p']}x)"
    )
    return "\n".join(lines)


def _info(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
