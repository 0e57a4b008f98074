"""Risk quality on real repositories: `risk eval` with the ISSTA'21 labels on the projects'
own repositories (mined by countersign), and with each repository's own SZZ labels.

Fetch the repositories first (bare mirrors under /work/.mirror/owner+name/repo, e.g. with the
fetch tool, or `git clone --mirror`), then:

    python benchmarks/risk_real.py [--only openstack,jdt,...] [--mirrors DIR] [--labels DIR]

Mining is cached per repository under $TMPDIR/countersign-risk-real/ (a rerun only evaluates).
Prints one line per project: the repositories and commits used, then AUC and caught@10 % for
our model with the repository features, our recipe on the 14 metrics alone (what `risk train`
fits), the 14-metric logistic recipe and LApredict, all on the same commits in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ISSTA = {  # project -> (mirrors, labels file)
    "openstack": (
        ["openstack+nova", "openstack+neutron", "openstack+cinder", "openstack+glance",
         "openstack+swift"],
        "openstack_k_feature.csv",
    ),
    "jdt": (["eclipse-jdt+eclipse.jdt.core"], "jdt_k_feature.csv"),
    "platform": (["eclipse-platform+eclipse.platform.ui"], "platform_k_feature.csv"),
}  # fmt: skip
OWN_SZZ = {"docker/cli (Go)": "docker+cli", "vite (TypeScript)": "vitejs+vite",
           "black (Python)": "psf+black", "nushell (Rust)": "nushell+nushell",
           "okhttp (Java)": "square+okhttp", "conan (Python)": "conan-io+conan",
           "hugo (Go)": "gohugoio+hugo", "commons-lang (Java)": "apache+commons-lang",
           "qutebrowser (Python)": "qutebrowser+qutebrowser",
           "netbox (Python)": "netbox-community+netbox"}  # fmt: skip


def run(args: list[str], state: Path) -> dict:
    # one OpenMP thread: on a shared machine the trees' threads spin waiting for each other
    env = {"OMP_NUM_THREADS": "1", **os.environ, "COUNTERSIGN_STATE_DIR": str(state)}
    proc = subprocess.run(  # progress and notes go straight to stderr
        [sys.executable, "-m", "countersign", "risk", "eval", *args],
        stdout=subprocess.PIPE,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"risk eval failed ({proc.returncode})")
    return json.loads(proc.stdout)["projects"][0]


def line(name: str, used: str, r: dict) -> str:
    def fig(who: str) -> str:
        f = r.get(who)
        return f"{f['auc']:.3f} / {f['caught_at']['10%']:.2f}" if f else "-"

    return (
        f"| {name} | {used} | {r['n_train']} | {r['n_test']} | {fig('model')} | "
        f"{fig('model_14')} | {fig('lr14')} | {fig('lapredict')} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--labels", type=Path, default=Path("/work/shared/datasets/jit/issta21"))
    parser.add_argument("--only", default="", help="comma-separated project names")
    args = parser.parse_args()
    only = {x for x in args.only.split(",") if x}
    cache = Path(tempfile.gettempdir()) / "countersign-risk-real"
    print(
        "| project | repositories (commits mined, labelled) | n_train | n_test | ours + repo "
        "features AUC / @10% | ours, 14 metrics | LR-14 | LApredict |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, (mirrors, labels) in ISSTA.items():
        if only and name not in only:
            continue
        repos = [args.mirrors / m / "repo" for m in mirrors if (args.mirrors / m / "repo").is_dir()]
        if not repos:
            print(f"| {name} | not fetched | | | | | | |")
            continue
        flags = [x for r in repos for x in ("--repo", str(r))]
        r = run([*flags, "--labels", str(args.labels / labels), "--name", name], cache / name)
        used = ", ".join(
            f"{k} ({v['commits']:,}, {v['labelled']:,})"
            for k, v in r["join"]["repositories"].items()
        )
        used += f"; {r['join']['unknown']:,} of {r['join']['labels']:,} ids not found"
        print(line(name, used, r), flush=True)
    for name, mirror in OWN_SZZ.items():
        if only and name.split()[0] not in only:
            continue
        repo = args.mirrors / mirror / "repo"
        if not repo.is_dir():
            print(f"| {name} | not fetched | | | | | | |")
            continue
        r = run(["--repo", str(repo)], cache / mirror)
        print(line(f"{name}, own SZZ labels", mirror, r), flush=True)


if __name__ == "__main__":
    main()
