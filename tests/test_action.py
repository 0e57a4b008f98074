"""The GitHub Action (``action.yml``): its ``run:`` steps in a real bash, with the runner's
environment variables and files, on a real repository and octokit's example payloads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from actions_runner import environment, run_action
from fake_reviews import fake_reviews

from countersign.decision.policy import default_policy_text

ROOT = Path(__file__).parents[1]
ACTION = ROOT / "action.yml"
FIXTURES = ROOT / "tests" / "fixtures"
SCHEMA = json.loads((FIXTURES / "sarif" / "sarif-2.1.0.json").read_text("utf-8"))
PEOPLE = """
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [web], github: Codertocat}
  - {id: bob, emails: [bob@example.com], level: junior, teams: [web], github: bob-dev}
agents: [noreply@anthropic.com]
"""
AGENT = "fix: redirect after login\n\nCo-authored-by: Claude <noreply@anthropic.com>"


@pytest.fixture
def pull_request(repo):
    """main with the configuration, and an AI-assisted change by a junior on a branch."""
    repo.write(".gitignore", ".countersign/ledger.db*\ncountersign.sarif\n")
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": PEOPLE,
            ".countersign/policy.yaml": default_policy_text(),
            "web/login.py": "def login():\n    return '/'\n",
        },
    )
    repo.git("checkout", "-q", "-b", "fix-login-redirect")
    repo.commit(
        AGENT,
        author="Bob <bob@example.com>",
        **{"web/login.py": "def login():\n    return '/home'\n"},
    )
    return repo


def event(repo, tmp_path: Path, name: str, **review: str) -> Path:
    """octokit's example payload, pointed at this repository's commits."""
    data = json.loads((FIXTURES / "github" / f"{name}.json").read_text("utf-8"))
    pr = data["pull_request"]
    pr["base"]["sha"] = repo.git("rev-parse", "main")
    pr["head"]["sha"] = repo.git("rev-parse", "HEAD")
    pr["head"]["ref"] = "fix-login-redirect"
    if "review" in data:
        data["review"]["commit_id"] = pr["head"]["sha"]
        data["review"].update(review.get("fields", {}))  # type: ignore[arg-type]
        for key, value in review.items():
            if key != "fields":
                data["review"][key] = value
    path = tmp_path / f"{name}.event.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(
    repo,
    tmp_path: Path,
    event_name: str,
    event_path: Path,
    runner_env: dict[str, str] | None = None,
    **inputs: str,
):
    temp = tmp_path / "runner-temp"
    temp.mkdir(exist_ok=True)
    env = {**environment(), **(runner_env or {})}
    env["PATH"] = f"{Path(sys.executable).parent}:{env.get('PATH', '')}"
    env["HOME"] = str(tmp_path)
    return run_action(
        ACTION,
        workspace=repo.path,
        event_name=event_name,
        event_path=event_path,
        inputs={"install": "false", **inputs},
        env=env,
        temp=temp,
    )


def test_a_pull_request_missing_a_sign_off_fails_with_its_report_outputs_and_sarif(
    pull_request, tmp_path
):
    job = run(
        pull_request, tmp_path, "pull_request", event(pull_request, tmp_path, "pull_request.opened")
    )
    assert job.failed is not None
    assert job.failed.name == "Verdict"
    assert job.failed.code == 1
    assert job.outputs["verdict"] == "needs-approval"
    assert job.outputs["exit-code"] == "1"
    missing = json.loads(job.outputs["missing"])
    assert [m["id"] for m in missing] == ["ai-assisted-below-senior/approvals"]
    assert "senior" in missing[0]["needs"]
    assert "countersign: **needs-approval**" in job.summary
    assert "countersign approve --requirement ai-assisted-below-senior" in job.summary
    sarif = Path(pull_request.path / job.outputs["sarif-file"])
    doc = json.loads(sarif.read_text("utf-8"))
    jsonschema.Draft202012Validator(SCHEMA).validate(doc)
    assert doc["runs"][0]["results"][0]["ruleId"] == "ai-assisted-below-senior/approvals"
    assert json.loads(Path(job.outputs["report"]).read_text())["schema"] == "countersign/check/v1"


def test_the_sarif_upload_step_uploads_the_file_the_check_wrote_even_when_the_gate_fails():
    spec = yaml.safe_load(ACTION.read_text("utf-8"))
    steps = spec["runs"]["steps"]
    (upload,) = [s for s in steps if "uses" in s]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.check.outputs.sarif-file }}"
    assert upload["if"].startswith("always()")
    names = [s["name"] for s in steps]
    # the verdict fails the job only after the upload, so code scanning sees the failing run
    assert names.index("Verdict") > names.index(upload["name"]) > names.index("Check")


def pin_forge(repo, api) -> None:
    """main's policy pins ``api`` as the GitHub to confirm reviews with (the environment's
    ``GITHUB_API_URL`` is never trusted); the branch is rebased onto it."""
    repo.git("checkout", "-q", "main")
    policy = (
        default_policy_text() + f"forge: {{api: {api.url}, repository: Codertocat/Hello-World}}\n"
    )
    repo.commit("pin the forge", **{".countersign/policy.yaml": policy})
    repo.git("checkout", "-q", "fix-login-redirect")
    bob = {"GIT_COMMITTER_NAME": "Bob", "GIT_COMMITTER_EMAIL": "bob@example.com"}
    repo.git("rebase", "-q", "main", env=bob)  # bob's commit still: no unknown committer


def github_confirming(api, review_path: Path) -> dict[str, str]:
    """The runner's variables for a job whose token can read the review back from ``api``
    (a fake GitHub on loopback holding the review as the event describes it)."""
    data = json.loads(review_path.read_text("utf-8"))
    repository = data["repository"]["full_name"]
    api.add(
        repository,
        data["pull_request"]["number"],
        {**data["review"], "state": data["review"]["state"].upper()},
    )
    return {"GITHUB_API_URL": api.url, "GITHUB_REPOSITORY": repository}


def test_an_approving_review_by_a_senior_is_recorded_and_the_gate_passes(pull_request, tmp_path):
    with fake_reviews() as api:
        pin_forge(pull_request, api)
        review = event(pull_request, tmp_path, "pull_request_review.submitted", state="approved")
        job = run(
            pull_request,
            tmp_path,
            "pull_request_review",
            review,
            github_confirming(api, review),
            token=api.token,
        )
    assert job.failed is None, job.failed
    recorded = job.step("Record the review as a sign-off")
    assert "as alice (GitHub review" in recorded.stdout
    assert "identity forge" in recorded.stdout
    assert job.outputs["verdict"] == "pass"
    assert json.loads(job.outputs["missing"]) == []
    assert "### countersign: the review" in job.summary
    assert "countersign: **pass**" in job.summary


def test_a_review_that_cannot_count_is_reported_and_the_gate_still_says_what_is_missing(
    pull_request, tmp_path
):
    # bob wrote the change: his approving review is no sign-off
    review = event(
        pull_request,
        tmp_path,
        "pull_request_review.submitted",
        state="approved",
        fields={"user": {"login": "bob-dev"}},
    )
    job = run(pull_request, tmp_path, "pull_request_review", review)
    recorded = job.step("Record the review as a sign-off")
    assert recorded.code == 0
    assert "::warning::the review was not recorded as a sign-off (exit 3)" in recorded.stdout
    assert "no self-approval" in job.summary
    assert job.outputs["verdict"] == "needs-approval"


def test_fail_false_reports_without_failing_the_job(pull_request, tmp_path):
    payload = event(pull_request, tmp_path, "pull_request.opened")
    job = run(pull_request, tmp_path, "pull_request", payload, fail="false")
    assert job.failed is None
    assert job.outputs["verdict"] == "needs-approval"


def test_check_status_lines_reach_the_gate(repo, tmp_path):
    rules = "version: 1\nrules:\n  - id: tests\n    description: tests pass\n    when: 'true'\n    require: {checks: [tests, lint]}\n"
    repo.commit("init", **{".countersign/policy.yaml": rules, "a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("change", **{"a.txt": "b\n"})
    payload = event(repo, tmp_path, "pull_request.opened")
    job = run(
        repo, tmp_path, "pull_request", payload, **{"check-status": "tests=success\nlint=success\n"}
    )
    assert job.failed is None, job.summary
    assert job.outputs["verdict"] == "pass"


def test_a_push_that_lands_a_merge_is_verified_change_by_change(pull_request, tmp_path):
    pull_request.git("checkout", "-q", "main")
    before = pull_request.git("rev-parse", "HEAD")
    pull_request.git(
        "merge", "-q", "--no-ff", "-m", "Merge fix-login-redirect", "fix-login-redirect"
    )
    push = tmp_path / "push.json"
    push.write_text(
        json.dumps(
            {
                "ref": "refs/heads/main",
                "before": before,
                "after": pull_request.git("rev-parse", "HEAD"),
            }
        )
    )
    job = run(pull_request, tmp_path, "push", push)
    assert job.outputs["verdict"] == "needs-approval"  # the merged branch was never signed off
    assert job.failed is not None
    assert job.failed.name == "Verdict"
    assert "sarif-file" not in job.step("Check").outputs
    assert json.loads(job.outputs["missing"])[0]["id"] == "ai-assisted-below-senior/approvals"
