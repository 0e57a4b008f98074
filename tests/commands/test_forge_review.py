"""``approve --from-review`` as an attacker tries it: bob, the author, wants a `forge` approval
from alice without alice approving on GitHub. A `forge` strength comes only from what GitHub
proves: the review read back from the API the policy at the base pins (never one the
environment names), for the repository it pins, and, when the policy asks, a GitHub Actions
OIDC token verified against the pinned issuer's keys for this repository, pull request, commit,
event and reviewer. Real repositories, real SSH keys, loopback servers; never the internet."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from fake_oidc import RECORDER, FakeIssuer, fake_issuer, mint, new_key
from fake_reviews import FakeReviews, fake_reviews

from countersign.decision.policy import default_policy_text
from countersign.main import main
from countersign.workspace import open_workspace

REVIEW = Path(__file__).parents[1] / "fixtures" / "github" / "pull_request_review.submitted.json"
REPOSITORY = "Codertocat/Hello-World"  # the octokit example's repository
ROSTER = """
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [payments], github: alice-s,
     keys: ["{alice}"]}
  - {id: bob, emails: [bob@example.com], level: junior, teams: [payments], github: bob-dev,
     keys: ["{bob}"]}
agents: [noreply@anthropic.com]
"""
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
BOB = "Bob <bob@example.com>"


def setup(repo, ssh_keys, forge: str = "") -> None:
    """main with the shipped default policy (plus ``forge``, pinned at the base), a feature
    branch with bob's AI-assisted change that needs a senior's approval."""
    people = ROSTER
    for name, key in ssh_keys.items():
        people = people.replace("{" + name + "}", key.public)
    repo.write(".gitignore", ".countersign/ledger.db*\n")
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": people,
            ".countersign/policy.yaml": default_policy_text() + forge,
            "docs/guide.md": "one\n",
        },
    )
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("docs: clarify" + AI, author=BOB, **{"docs/guide.md": "one\ntwo\n"})


def pin(api: FakeReviews, issuer: FakeIssuer | None = None, repository: str = REPOSITORY) -> str:
    text = f"forge:\n  api: {api.url}\n  repository: {repository}\n"
    if issuer is not None:
        text += f"  oidc: {{issuer: {issuer.url}, audience: countersign, workflow: {RECORDER}}}\n"
    return text


def event(repo, tmp_path: Path, **review: object) -> Path:
    """octokit's example pull_request_review event: alice approves the branch head."""
    data = json.loads(REVIEW.read_text())
    data["review"].update(
        {"user": {**data["review"]["user"], "login": "alice-s"}, "state": "approved"}
    )
    data["review"]["commit_id"] = repo.git("rev-parse", "HEAD")
    data["review"].update(review)
    data["pull_request"]["base"]["sha"] = repo.git("rev-parse", "main")
    path = tmp_path / "event.json"
    path.write_text(json.dumps(data))
    return path


def github_knows(api: FakeReviews, path: Path, **over: object) -> None:
    """GitHub holds the review the event describes (APPROVED, as the API spells it)."""
    data = json.loads(path.read_text())
    api.add(REPOSITORY, data["pull_request"]["number"], {**data["review"], "state": "APPROVED"})
    for key, value in over.items():
        api.reviews[(REPOSITORY.lower(), 2, data["review"]["id"])][key] = value


def in_actions(monkeypatch, token: str, api_url: str = "", repository: str = REPOSITORY) -> None:
    """What a job's environment says, every value of which whoever runs the command can set."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_TOKEN", token)
    monkeypatch.setenv("GITHUB_REPOSITORY", repository)
    if api_url:
        monkeypatch.setenv("GITHUB_API_URL", api_url)


def with_oidc(monkeypatch, issuer: FakeIssuer) -> None:
    for name, value in issuer.env().items():
        monkeypatch.setenv(name, value)


def merge_of(repo) -> str:
    """refs/pull/N/merge as GitHub makes it: the base and the reviewed head as parents."""
    tree = repo.git("rev-parse", "HEAD^{tree}")
    return repo.git("commit-tree", tree, "-p", "main", "-p", "HEAD", "-m", "Merge")


def cs(repo, *args: str) -> int:
    return main([*args, "-C", str(repo.path)])


def recorded(repo) -> list[dict]:
    return open_workspace(repo.path).ledger.entries("approval")


def test_env_pointing_at_the_attackers_server_is_not_asked_without_a_pinned_forge(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    """The old trust: GITHUB_ACTIONS=true and GITHUB_API_URL at bob's own server, which
    confirms anything. No policy pins a forge, so nothing can confirm it: asserted, refused."""
    setup(repo, ssh_keys)
    path = event(repo, tmp_path)
    with fake_reviews() as attacker:
        github_knows(attacker, path)
        in_actions(monkeypatch, attacker.token, attacker.url)
        assert cs(repo, "approve", "--from-review", str(path)) == 3
        assert attacker.asked == []
    err = capsys.readouterr().err
    assert err.startswith("countersign: error: cannot approve: ")
    assert "alice's approval is asserted" in err
    assert err.endswith(
        "(not forge-proven: policy.yaml on main pins no forge.repository, so no GitHub can "
        "confirm a review)\n"
    )
    assert recorded(repo) == []


def test_env_pointing_at_another_api_host_is_ignored_for_the_pinned_one(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    """GITHUB_API_URL names bob's server; the pinned GitHub is asked, and it has no such
    review."""
    with fake_reviews() as github, fake_reviews() as attacker:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        github_knows(attacker, path)
        in_actions(monkeypatch, github.token, attacker.url)
        assert cs(repo, "approve", "--from-review", str(path)) == 4
        assert attacker.asked == []
        assert github.asked
    assert capsys.readouterr().err.startswith("countersign: error: GitHub answered 404 for ")
    assert recorded(repo) == []


def test_a_hand_written_review_file_stays_asserted_even_with_a_forge_pinned(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    """On bob's laptop, no token: the file is all there is."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        github_knows(github, path)
        assert cs(repo, "approve", "--from-review", str(path)) == 3
        assert github.asked == []
    assert capsys.readouterr().err.endswith(
        "(not forge-proven: no GITHUB_TOKEN to read the review back from GitHub with)\n"
    )
    assert recorded(repo) == []


def test_a_review_from_another_repository_is_refused(repo, ssh_keys, tmp_path, capsys, monkeypatch):
    """alice's real approval of the same commit in bob's fork is not an approval here."""
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        data = json.loads(path.read_text())
        data["repository"]["full_name"] = "bob-dev/Hello-World"
        path.write_text(json.dumps(data))
        github.add("bob-dev/Hello-World", 2, {**data["review"], "state": "APPROVED"})
        in_actions(monkeypatch, github.token, repository="bob-dev/Hello-World")
        assert cs(repo, "approve", "--from-review", str(path)) == 4
        assert github.asked == []
    assert capsys.readouterr().err == (
        "countersign: error: the review is on bob-dev/Hello-World, but policy.yaml on main "
        f"pins forge.repository {REPOSITORY}: nothing recorded\n"
    )
    assert recorded(repo) == []


def test_a_review_github_knows_as_a_comment_is_refused(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        github_knows(github, path, state="COMMENTED")
        in_actions(monkeypatch, github.token)
        assert cs(repo, "approve", "--from-review", str(path)) == 4
    assert "does not match GitHub's: the state is 'commented' on GitHub, 'approved' in the " in (
        capsys.readouterr().err
    )
    assert recorded(repo) == []


def test_a_review_of_another_commit_is_refused(repo, ssh_keys, tmp_path, capsys, monkeypatch):
    """alice approved an earlier commit; bob's event names the head he pushed after it."""
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        github_knows(github, path, commit_id=repo.git("rev-parse", "main"))
        in_actions(monkeypatch, github.token)
        assert cs(repo, "approve", "--from-review", str(path)) == 4
    err = capsys.readouterr().err
    assert "does not match GitHub's: the commit is " in err
    assert err.endswith("; nothing recorded\n")
    assert recorded(repo) == []


def test_a_real_review_of_an_earlier_commit_does_not_cover_what_was_pushed_after(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        github_knows(github, path)
        in_actions(monkeypatch, github.token)
        assert cs(repo, "approve", "--from-review", str(path)) == 0
        assert cs(repo, "check") == 0
        repo.commit("docs: more" + AI, author=BOB, **{"docs/guide.md": "one\ntwo\nthree\n"})
        assert cs(repo, "check") == 1  # another fingerprint: the review does not cover it


def test_a_review_confirmed_by_the_pinned_github_is_forge_with_its_evidence(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        path = event(repo, tmp_path)
        github_knows(github, path)
        in_actions(monkeypatch, github.token, "http://127.0.0.1:9")  # never asked
        assert cs(repo, "approve", "--from-review", str(path)) == 0
    assert "identity forge (confirmed with GitHub's API at " in capsys.readouterr().out
    (entry,) = recorded(repo)
    assert entry["identity"]["source"] == "forge"
    assert entry["identity"]["forge"] == {
        "login": "alice-s",
        "api": github.url,
        "repository": REPOSITORY,
        "pull_request": 2,
        "review": json.loads(path.read_text())["review"]["id"],
    }
    assert cs(repo, "check") == 0


def side_branch(repo, name: str, **files: str) -> str:
    """A commit of bob's beside the feature branch, off main: the event can name it as the
    pull request's base, so the change is still main..feature but its rules would be read there."""
    repo.git("checkout", "-q", "-b", name, "main")
    sha = repo.commit("loosen", author=BOB, **files)
    repo.git("checkout", "-q", "feature")
    return sha


def test_a_forge_pinned_on_a_base_the_event_names_is_not_the_one_asked(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    """bob's event names as the base a commit of his whose policy pins his own server; the
    forge is read from the default branch, which pins none."""
    setup(repo, ssh_keys)
    with fake_reviews() as attacker:
        policy = default_policy_text() + pin(attacker)
        base = side_branch(repo, "bob-rules", **{".countersign/policy.yaml": policy})
        path = event(repo, tmp_path)
        data = json.loads(path.read_text())
        data["pull_request"]["base"]["sha"] = base
        path.write_text(json.dumps(data))
        github_knows(attacker, path)
        in_actions(monkeypatch, attacker.token)
        assert cs(repo, "approve", "--from-review", str(path)) == 3
        assert attacker.asked == []
    assert "(not forge-proven: policy.yaml on main pins no forge.repository" in (
        capsys.readouterr().err
    )
    assert recorded(repo) == []


def test_a_roster_on_a_base_the_event_names_cannot_make_bobs_other_account_alice(
    repo, ssh_keys, tmp_path, capsys, monkeypatch
):
    """bob approves his own pull request from a second GitHub account, and names as the base a
    commit whose people.yaml gives alice that login. GitHub confirms the review, but the
    approval is GitHub user bob-alt's, which main's roster does not list as alice's: it does
    not count."""
    with fake_reviews() as github:
        setup(repo, ssh_keys, pin(github))
        people = (repo.path / ".countersign" / "people.yaml").read_text()
        base = side_branch(
            repo, "bob-roster", **{".countersign/people.yaml": people.replace("alice-s", "bob-alt")}
        )
        path = event(repo, tmp_path, user={"login": "bob-alt", "id": 99})
        data = json.loads(path.read_text())
        data["pull_request"]["base"]["sha"] = base
        path.write_text(json.dumps(data))
        github_knows(github, path)
        in_actions(monkeypatch, github.token)
        cs(repo, "approve", "--from-review", str(path))
    assert cs(repo, "check") == 1
    capsys.readouterr()
    cs(repo, "status", "--format", "json")
    (approval,) = json.loads(capsys.readouterr().out)["approvals"]
    assert approval["counts_for"] == []
    assert approval["identity"] == "asserted"
    assert (
        "recorded from GitHub user bob-alt, whom people.yaml does not list as alice's login"
        in approval["ignored"]
    )


# --- the OIDC token, when the policy asks for it -------------------------------------------


@pytest.fixture
def oidc_world(repo, ssh_keys, tmp_path, monkeypatch):
    """A pinned GitHub that knows alice's review, a pinned OIDC issuer, a job environment."""
    with fake_reviews() as github, fake_issuer() as issuer:
        setup(repo, ssh_keys, pin(github, issuer))
        path = event(repo, tmp_path)
        github_knows(github, path)
        issuer.claims["sha"] = merge_of(repo)
        in_actions(monkeypatch, github.token)
        with_oidc(monkeypatch, issuer)
        yield repo, path, issuer


def refused(repo, path: Path, capsys) -> str:
    assert cs(repo, "approve", "--from-review", str(path)) == 4
    assert recorded(repo) == []
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("countersign: error: the job's OIDC token ")
    assert err.endswith(": nothing recorded\n")
    return err


def test_a_verified_oidc_token_for_this_review_makes_it_forge(oidc_world, capsys):
    repo, path, issuer = oidc_world
    assert cs(repo, "approve", "--from-review", str(path)) == 0
    assert "and the job's OIDC token" in capsys.readouterr().out
    (entry,) = recorded(repo)
    assert entry["identity"]["forge"]["oidc"] == {
        "issuer": issuer.url,
        "run_id": "1234",
        "workflow_ref": issuer.claims["workflow_ref"],
        "job_workflow_ref": RECORDER,
        "sha": issuer.claims["sha"],
    }
    assert cs(repo, "check") == 0


def test_no_oidc_token_when_the_policy_asks_for_one_is_asserted(oidc_world, capsys, monkeypatch):
    repo, path, _ = oidc_world
    monkeypatch.delenv("ACTIONS_ID_TOKEN_REQUEST_URL")
    assert cs(repo, "approve", "--from-review", str(path)) == 3
    assert capsys.readouterr().err.endswith(
        "(not forge-proven: policy.yaml asks for the job's OIDC token (forge.oidc) and this "
        "job has none: give the job `permissions: id-token: write`)\n"
    )
    assert recorded(repo) == []


@pytest.mark.parametrize(
    ("claim", "value", "says"),
    [
        ("repository", "bob-dev/Hello-World", "is for repository bob-dev/Hello-World"),
        ("ref", "refs/pull/3/merge", "is for refs/pull/3/merge, not pull request #2"),
        ("event_name", "pull_request", "is for a pull_request event"),
        ("actor", "bob-dev", "was issued to a job bob-dev started, not alice-s"),
        ("aud", "sigstore", "was not issued for countersign"),
        (
            "job_workflow_ref",
            "Codertocat/Hello-World/.github/workflows/review.yml@refs/pull/2/merge",
            "was issued to a job of workflow Codertocat/Hello-World/.github/workflows/review.yml",
        ),
        ("exp", int(time.time()) - 3600, "has expired"),
    ],
)
def test_an_oidc_token_for_something_else_is_refused(oidc_world, capsys, claim, value, says):
    repo, path, issuer = oidc_world
    issuer.claims[claim] = value
    assert says in refused(repo, path, capsys)


def test_an_oidc_token_for_another_commit_is_refused(oidc_world, capsys):
    """A job of the same pull request, started on a commit alice did not review."""
    repo, path, issuer = oidc_world
    issuer.claims["sha"] = repo.git("rev-parse", "main")
    assert "was issued for commit " in refused(repo, path, capsys)


def test_an_oidc_token_signed_by_another_key_is_refused(oidc_world, capsys):
    """bob mints a token with the right claims and his own key."""
    repo, path, issuer = oidc_world
    issuer.token = mint(issuer.claims, new_key(), issuer.kid)
    assert "signature does not verify" in refused(repo, path, capsys)


def test_an_oidc_token_from_another_issuer_is_refused(oidc_world, capsys):
    repo, path, issuer = oidc_world
    issuer.claims["iss"] = "https://token.example.com"
    assert "was issued by https://token.example.com" in refused(repo, path, capsys)


def test_an_oidc_token_that_is_not_a_jwt_is_refused(oidc_world, capsys):
    repo, path, issuer = oidc_world
    issuer.token = "not-a-token"
    assert "is not a JWT" in refused(repo, path, capsys)
