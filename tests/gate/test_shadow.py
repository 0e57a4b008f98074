"""A replay reuses what consecutive commits share (each base tree advanced from the last, edges
kept per file, commits read at once): each change must be judged exactly as it is judged alone,
whatever the history does to the tree between two changes."""

from __future__ import annotations

from countersign.decision.activation import activation
from countersign.gate.shadow import Candidate, Judged, Shadow
from countersign.intake.release import past_changes
from countersign.workspace import Environment

CATALOG = """\
services:
  - {name: core, paths: ["core/**"], owners: [payments], tier: 1}
  - {name: api, paths: ["api/**"], owners: [platform], tier: 2}
  - {name: web, paths: ["web/**"], owners: [frontend], tier: 3}
  - {name: deps, paths: ["deps/**"], owners: [platform], tier: 3}
"""
WEB_CRITICAL = CATALOG.replace("owners: [frontend], tier: 3", "owners: [frontend], tier: 1")
CORE = "package core\n\nfunc Pay() int {\n\treturn 1\n}\n"
UTIL = 'package core\n\nimport "example.com/shop/web"\n\nfunc helper() { web.W() }\n'
API = 'package api\n\nimport "example.com/shop/core"\n\nfunc H() int { return core.Pay() }\n'


def _history(repo) -> None:
    """Each step a change the incremental path could get wrong: bodies and surfaces edited,
    imports added and removed, a file moved between services, a mode change, a symlink, a
    submodule, the catalog edited in the same commit as code, an empty commit."""
    repo.commit(
        "base",
        **{
            ".countersign/catalog.yaml": CATALOG,
            "go.mod": "module example.com/shop\n",
            "core/core.go": CORE,
            "core/util.go": UTIL,
            "api/h.go": API,
            "web/w.go": "package web\n\nfunc W() {}\n",
        },
    )
    repo.commit("core internals", **{"core/core.go": CORE.replace("return 1", "return 2")})
    repo.commit("core surface", **{"core/core.go": CORE.replace("Pay() int", "Pay() int64")})
    repo.commit(
        "api imports web",
        **{
            "api/h.go": API.replace(
                'import "example.com/shop/core"',
                'import (\n\t"example.com/shop/core"\n\t"example.com/shop/web"\n)',
            )
        },
    )
    (repo.path / "api").joinpath("util.go").parent.mkdir(exist_ok=True)
    repo.git("mv", "core/util.go", "api/util.go")
    repo.commit("move a file from core to api")
    (repo.path / "web/w.go").chmod(0o755)
    repo.commit("mode change")
    (repo.path / "web/link.go").symlink_to("w.go")
    repo.commit("a symlink")
    head = repo.git("rev-parse", "HEAD")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{head},deps/lib")
    repo.git("commit", "-q", "-m", "a submodule")
    (repo.path / "deps/lib").mkdir(parents=True)  # as an uninitialised submodule stays
    repo.commit(
        "web is tier 1 now, and changes",
        **{".countersign/catalog.yaml": WEB_CRITICAL, "web/w.go": "package web\n\nfunc W2() {}\n"},
    )
    repo.commit("web surface again", **{"web/w.go": "package web\n\nfunc W3() {}\n"})
    repo.git("commit", "-q", "--allow-empty", "-m", "empty")
    repo.commit(
        "api stops importing core", **{"api/h.go": "package api\n\nfunc H() int { return 0 }\n"}
    )
    (repo.path / "web/link.go").unlink()
    repo.git("rm", "-q", "--cached", "deps/lib")
    (repo.path / "deps/lib").rmdir()
    repo.commit("symlink and submodule gone, core renamed", **{"core/core2.go": CORE})
    (repo.path / "core/core.go").unlink()
    repo.commit("core.go removed")


def _seen(judged: Judged) -> object:
    e = judged.evaluation
    if e is None:
        return (judged.sha, judged.error)
    return (
        judged.sha,
        judged.subject,
        activation(e.facts),
        e.facts.blast_radius,
        [(o.rule, o.fired, o.reason) for o in e.decision.outcomes],
        [r.reason for r in e.decision.requirements],
        e.verdict,
    )


def _both(repo, candidate: Candidate | None) -> tuple[list[object], list[object]]:
    pairs = past_changes(repo.path, None, merges=False, limit=100)
    env = Environment.from_process()
    replayed = [_seen(j) for j in Shadow(repo.path, env, candidate).judge_all(pairs)]
    alone = [_seen(Shadow(repo.path, env, candidate).judge(sha, parent)) for sha, parent in pairs]
    return replayed, alone


def test_a_replay_judges_each_change_as_it_is_judged_alone(repo):
    _history(repo)
    replayed, alone = _both(repo, None)
    assert len(replayed) == 13
    for one, other in zip(replayed, alone, strict=True):
        assert one == other


def test_a_candidate_catalog_judges_each_change_as_alone_too(repo):
    _history(repo)
    replayed, alone = _both(repo, Candidate(catalog_text=WEB_CRITICAL, files=("c.yaml",)))
    for one, other in zip(replayed, alone, strict=True):
        assert one == other


def test_the_history_reaches_and_stops_reaching_the_way_it_was_written(repo):
    """The comparison is not vacuous: the surface edit reaches core's importer, the internal
    edit does not, and the catalog edited in a commit judges the next one."""
    _history(repo)
    replayed, _ = _both(repo, None)
    by_subject = {r[1]: r for r in replayed if len(r) > 2}
    assert by_subject["core internals"][3].touched_critical == ("core",)
    reached = by_subject["core surface"][3].reaches
    assert [d.name for d in reached] == ["api"]
    assert by_subject["web surface again"][3].touched_critical == ("web",)
    # util.go moved to api: web's surface reaches api, no longer core
    assert [d.name for d in by_subject["web surface again"][3].reaches] == ["api"]
    assert by_subject["web is tier 1 now, and changes"][3].touched_critical == ()
