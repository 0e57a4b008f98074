"""A repository of one person adopts and works: its author is its only administrator and its
only collaborator on GitHub, so nobody else can review; the Action records the author's own
sign-off on the pull_request event once GitHub confirms exactly that (and the job's OIDC token
says it is their job). The attacks come first: a roster with a second name, a second
collaborator on GitHub, an author who is no administrator, a pull request of someone else, a job
with no token, and the change after a second person joins the roster."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from actions_runner import environment, run_action
from fake_oidc import fake_issuer
from fake_reviews import fake_reviews

from countersign.main import main

ROOT = Path(__file__).parents[2]
ACTION = ROOT / "action.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "github"
REPOSITORY = "Codertocat/Hello-World"
SAM = "Sam <sam@example.com>"
ROSTER = (
    "people:\n  - {id: sam, emails: [sam@example.com], level: principal, github: sam-solo}\n"
    "agents: [noreply@anthropic.com]\n"
)
ERIN = "  - {id: erin, emails: [erin@example.com], level: senior, github: erin-gh}\n"


def cs(repo, *args: str) -> int:
    return main([*args, "-C", str(repo.path)])


@pytest.fixture
def github():
    with fake_reviews() as api, fake_issuer() as issuer:
        api.grant(REPOSITORY, "sam-solo", "admin")
        yield api, issuer


@pytest.fixture
def solo(repo, github, capsys):
    """Sam's project: init, a roster of one (Sam), the forge pinned, adopt."""
    api, issuer = github
    repo.write(".gitignore", ".countersign/ledger.db*\ncountersign.sarif\n")
    repo.commit("start", author=SAM, **{"app.py": "print('hi')\n"})
    repo.git("config", "user.email", "sam@example.com")
    assert cs(repo, "init") == 0
    repo.write(".countersign/people.yaml", ROSTER)
    policy = repo.path / ".countersign" / "policy.yaml"
    pin = f"\nforge:\n  repository: {REPOSITORY}\n  api: {api.url}\n  oidc: {{issuer: {issuer.url}}}\n"
    policy.write_text(policy.read_text("utf-8") + pin, "utf-8")
    assert cs(repo, "adopt", "--solo") == 0
    capsys.readouterr()
    return repo


def opened(repo, tmp_path: Path, github, author: str = "sam-solo", base: str = "main", **over):
    """The Action on the pull request's `pull_request` event, with `solo: true`."""
    api, issuer = github
    data = json.loads((FIXTURES / "pull_request.opened.json").read_text("utf-8"))
    pr = data["pull_request"]
    pr["base"]["sha"] = repo.git("rev-parse", base)
    pr["head"]["sha"] = head = repo.git("rev-parse", "HEAD")
    pr["head"]["ref"] = repo.git("rev-parse", "--abbrev-ref", "HEAD")
    pr["user"]["login"] = author
    path = tmp_path / f"pr.{len(list(tmp_path.glob('pr.*.json')))}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    api.open_pull(REPOSITORY, pr["number"], author, head)
    issuer.claims = issuer.github_claims(
        event_name="pull_request", ref=f"refs/pull/{pr['number']}/merge", actor=author, sha=head
    )
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {**environment(), "HOME": str(tmp_path), "GITHUB_REPOSITORY": REPOSITORY}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["GITHUB_API_URL"] = api.url
    env.update(issuer.env())
    env.update(over)
    return run_action(
        ACTION,
        workspace=repo.path,
        event_name="pull_request",
        event_path=path,
        inputs={"install": "false", "upload-sarif": "false", "solo": "true", "token": api.token},
        env=env,
        temp=temp,
    )


def policy(repo, more: str) -> str:
    return (repo.path / ".countersign" / "policy.yaml").read_text("utf-8") + more


def recorded(done) -> str:
    return done.step("Record a solo sign-off").stdout


def test_the_sole_administrator_and_only_collaborator_signs_off_their_own_adoption(
    solo, tmp_path, github, capsys
):
    done = opened(solo, tmp_path, github)
    assert "as sam (solo), identity forge" in recorded(done), done.summary
    assert "the only collaborator and an administrator" in recorded(done)
    assert done.outputs["verdict"] == "pass"
    asked = github[0].asked
    assert any("/collaborators?" in p for p in asked)
    assert any(p.endswith("/collaborators/sam-solo/permission") for p in asked)
    assert cs(solo, "status") == 0
    out = capsys.readouterr().out
    assert "sam (forge, solo: GitHub confirmed them as the only collaborator and an " in out
    assert "counts for adoption/approvals" in out


def test_a_second_collaborator_on_github_means_no_solo_sign_off(solo, tmp_path, github):
    github[0].grant(REPOSITORY, "walt-writer", "write")
    done = opened(solo, tmp_path, github)
    assert "has 2 collaborators on GitHub" in recorded(done)
    assert done.outputs["verdict"] == "needs-approval"


def test_an_author_who_is_no_administrator_gets_no_solo_sign_off(solo, tmp_path, github):
    github[0].grant(REPOSITORY, "sam-solo", "maintain")
    done = opened(solo, tmp_path, github)
    assert "is write, not admin" in recorded(done)
    assert done.outputs["verdict"] == "needs-approval"


def test_a_roster_naming_a_second_person_is_not_solo(solo, tmp_path, github):
    # a sock puppet in the roster would make anyone "the one person" of nobody
    solo.commit(
        "puppet",
        author=SAM,
        **{".countersign/people.yaml": ROSTER.replace("agents", ERIN + "agents", 1)},
    )
    done = opened(solo, tmp_path, github)
    assert "names 2 people (sam, erin), not one" in recorded(done)
    assert done.outputs["verdict"] == "needs-approval"


def test_a_pull_request_by_someone_else_is_not_the_solo_persons(solo, tmp_path, github):
    github[0].grant(REPOSITORY, "mal-dev", "admin")
    done = opened(solo, tmp_path, github, author="mal-dev")
    assert "is by mal-dev, not sam" in recorded(done)
    assert done.outputs["verdict"] == "needs-approval"


def test_a_job_without_an_oidc_token_gets_no_solo_sign_off(solo, tmp_path, github):
    done = opened(solo, tmp_path, github, ACTIONS_ID_TOKEN_REQUEST_URL="")
    assert "needs the job's OIDC token" in recorded(done)
    assert done.outputs["verdict"] == "needs-approval"


def test_solo_while_the_roster_names_one_person_then_reviews_once_a_second_joins(
    solo, tmp_path, github, capsys
):
    assert opened(solo, tmp_path, github).outputs["verdict"] == "pass"
    solo.git("checkout", "-q", "main")
    solo.git("merge", "-q", "--no-ff", "-m", "Merge countersign-adopt", "countersign-adopt")
    # a later change by Sam alone that asks for a review (it edits the policy): solo holds
    solo.git("checkout", "-q", "-b", "feature")
    solo.commit("feature", author=SAM, **{".countersign/policy.yaml": policy(solo, "# one\n")})
    done = opened(solo, tmp_path, github)
    assert "as sam (solo)" in recorded(done), done.summary
    assert done.outputs["verdict"] == "pass", done.summary
    solo.git("checkout", "-q", "main")
    solo.git("merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    # Erin joins: first in the roster, in a change still Sam's alone to sign off...
    solo.git("checkout", "-q", "-b", "erin")
    text = ROSTER.replace("agents", ERIN + "agents", 1)
    solo.commit("add erin", author=SAM, **{".countersign/people.yaml": text})
    assert opened(solo, tmp_path, github).outputs["verdict"] == "pass"
    solo.git("checkout", "-q", "main")
    solo.git("merge", "-q", "--no-ff", "-m", "Merge erin", "erin")
    # ...and from then on Sam's changes are reviewed: no solo sign-off, even before GitHub
    # gives Erin access (GitHub still calls Sam the only collaborator)
    solo.git("checkout", "-q", "-b", "after")
    solo.commit("after", author=SAM, **{".countersign/policy.yaml": policy(solo, "# two\n")})
    done = opened(solo, tmp_path, github)
    assert "names 2 people (sam, erin), not one" in recorded(done)
    assert done.outputs["verdict"] == "needs-approval"
