"""The deploy gate shares reads across a release's changes (their differences read ahead, each
base tree advanced from the last change's, the configuration parsed once per distinct set of
files): each change must be judged exactly as it is when opened alone, whatever the release
does to the tree and the configuration between two changes."""

from __future__ import annotations

from dataclasses import replace

from countersign.decision.policy import default_policy_text
from countersign.gate.check import check_change
from countersign.gate.release import verify_release
from countersign.intake.release import changes_in
from countersign.intake.repository import open_repository
from countersign.intake.selection import ChangeSelection
from countersign.output import render
from countersign.workspace import (
    Environment,
    open_change,
    with_code_edges,
    with_edits,
    with_risk,
)

CATALOG = """\
services:
  - {name: core, paths: ["core/**"], owners: [payments], tier: 1}
  - {name: api, paths: ["api/**"], owners: [platform], tier: 2}
  - {name: web, paths: ["web/**"], owners: [frontend], tier: 3}
"""
CORE_LOW = CATALOG.replace("owners: [payments], tier: 1", "owners: [payments], tier: 3")
CORE = "package core\n\nfunc Pay() int {\n\treturn 1\n}\n"
API = 'package api\n\nimport "example.com/shop/core"\n\nfunc H() int { return core.Pay() }\n'
WEB = 'package web\n\nimport "example.com/shop/core"\n\nfunc W() int { return core.Pay() }\n'
PEOPLE = """\
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [payments]}
  - {id: bob, emails: [author@example.com], level: junior, teams: [platform]}
"""


def _release(repo) -> str:
    """A release whose steps the shared reads could get wrong; returns the deployed commit."""
    repo.commit(
        "base",
        **{
            ".countersign/catalog.yaml": CATALOG,
            "go.mod": "module example.com/shop\n",
            "core/core.go": CORE,
            "api/h.go": API,
            "web/w.go": "package web\n\nfunc W() {}\n",
        },
    )
    repo.git("branch", "-M", "main")
    deployed = repo.git("rev-parse", "HEAD")
    repo.commit("core internals", **{"core/core.go": CORE.replace("return 1", "return 2")})
    repo.commit(
        "core is tier 3 now, and changes",
        **{".countersign/catalog.yaml": CORE_LOW, "core/core.go": CORE.replace("1", "3")},
    )
    repo.commit("core surface", **{"core/core.go": CORE.replace("Pay() int", "Pay() int64")})
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("core on a branch", **{"core/more.go": "package core\n\nfunc more() {}\n"})
    repo.commit("core's surface on a branch", **{"core/core.go": CORE.replace("int", "int8")})
    repo.git("checkout", "-q", "main")
    repo.commit("web imports core meanwhile", **{"web/w.go": WEB})
    repo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    # judged by the merge commit's tree (web imports core), not the merged branch's
    repo.commit("core surface again", **{"core/core.go": CORE.replace("Pay() int", "Pay() uint")})
    repo.commit("owners", **{".github/CODEOWNERS": "/docs/ @writers\n"})
    repo.commit("docs after owners", **{"docs/guide.md": "a guide\n"})
    repo.git("mv", "web/w.go", "core/w.go")
    repo.commit("move a file from web to core")
    repo.git("commit", "-q", "--allow-empty", "-m", "empty")
    repo.git("checkout", "-q", "-b", "slip", "main~1")
    repo.commit("docs", **{"docs/a.md": "a\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "--no-commit", "slip")
    repo.write("core/extra.go", "package core\n\nfunc Extra() {}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "Merge slip")
    repo.commit("a roster", **{".countersign/people.yaml": PEOPLE})
    repo.commit(
        "a policy, and core again",
        **{".countersign/policy.yaml": default_policy_text(), "core/core.go": CORE},
    )
    repo.commit("core after the policy", **{"core/core.go": CORE.replace("1", "4")})
    repo.git("rm", "-q", "core/more.go")
    repo.commit("a file removed")
    return deployed


def _alone(repo, deployed: str) -> list[str | None]:
    """Each change opened on its own (``open_change``), as before the reads were shared; the
    risk history is the one at the oldest change's base, as verify scores them."""
    env = Environment.from_process()
    repository = open_repository(repo.path)
    risk = None
    out: list[str | None] = []
    for change in changes_in(repo.path, deployed, "main"):
        if change.kind == "empty":
            out.append(None)
            continue
        selection = ChangeSelection(base=change.base, head=change.head)
        ws = with_code_edges(open_change(repository, selection, env))
        if risk is None:
            ws = risk = with_risk(ws, mine=True)
        else:
            context = replace(
                ws.context,
                risk_model=risk.context.risk_model,
                risk_history=risk.context.risk_history,
            )
            ws = replace(ws, context=context)
        out.append(render(check_change(with_edits(ws), {}), "json"))
    return out


def _shared(repo, deployed: str) -> list[str | None]:
    results = verify_release(
        open_repository(repo.path), deployed, "main", environment=Environment.from_process()
    )
    return [render(r.evaluation, "json") if r.evaluation else None for r in results]


def test_a_release_judges_each_change_as_it_is_judged_alone(repo):
    deployed = _release(repo)
    kinds = [c.kind for c in changes_in(repo.path, deployed, "main")]
    assert {"commit", "merge", "merge-as-landed", "empty"} == set(kinds)
    shared, alone = _shared(repo, deployed), _alone(repo, deployed)
    assert len(shared) == len(alone) == 15
    for one, other in zip(shared, alone, strict=True):
        assert one == other


def test_each_change_is_judged_by_its_own_base_not_the_last_configuration(repo):
    """The comparison is not vacuous: the catalog a change brings judges the next change, not
    itself; the roster a change brings names who is who from the next one on."""
    deployed = _release(repo)
    subjects = [c.subject for c in changes_in(repo.path, deployed, "main")]
    results = verify_release(
        open_repository(repo.path), deployed, "main", environment=Environment.from_process()
    )
    by_subject = {s: r.evaluation for s, r in zip(subjects, results, strict=True)}
    touched = {
        s: e.facts.blast_radius.touched_critical for s, e in by_subject.items() if e is not None
    }
    assert touched["core internals"] == ("core",)
    assert touched["core is tier 3 now, and changes"] == ("core",)
    assert touched["core surface"] == ()
    # the merged branch's fork, where web did not import core yet
    assert [d.name for d in by_subject["Merge feature"].facts.blast_radius.reaches] == ["api"]
    assert [d.name for d in by_subject["core surface again"].facts.blast_radius.reaches] == [
        "api",
        "web",
    ]
    assert [m.owners for m in by_subject["docs after owners"].facts.blast_radius.code_owners] == [
        ("@writers",)
    ]
    author = {s: e.facts.author for s, e in by_subject.items() if e is not None}
    assert author["a roster"] == author["core internals"]
    assert author["a policy, and core again"] != author["a roster"]
