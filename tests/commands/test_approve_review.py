"""``countersign approve --from-review``: a GitHub review's approval, recorded in CI, is its
reviewer's sign-off of the exact commit reviewed."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLE = Path(__file__).parents[1] / "fixtures" / "github" / "pull_request_review.submitted.json"


def _review(
    project, tmp_path, *, login="alice-s", state="approved", commit="HEAD", action="submitted"
):
    event = json.loads(EXAMPLE.read_text())
    event["action"] = action
    event["review"]["user"]["login"] = login
    event["review"]["state"] = state
    event["review"]["commit_id"] = project.git("rev-parse", commit).strip()
    event["pull_request"]["base"]["sha"] = project.git("rev-parse", "main").strip()
    path = tmp_path / f"review-{login}-{action}-{state}.json"
    path.write_text(json.dumps(event))
    return str(path)


def test_an_approving_review_is_the_reviewers_sign_off_of_that_commit(
    project, tmp_path, capsys, cs, ai_trailer, bob
):
    project.commit("docs: clarify" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    assert cs(project, "check") == 1
    capsys.readouterr()
    assert cs(project, "approve", "--from-review", _review(project, tmp_path)) == 0
    assert "as alice (GitHub review)" in capsys.readouterr().out
    assert cs(project, "check") == 0

    project.commit("docs: one more line" + ai_trailer, author=bob, **{"docs/guide.md": "1\n2\n3\n"})
    assert cs(project, "check") == 1  # pushed after the review: not what was approved


def test_reviews_that_do_not_approve_record_nothing(project, tmp_path, capsys, cs, ai_trailer, bob):
    project.commit("docs: clarify" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    for state in ("commented", "changes_requested"):
        capsys.readouterr()
        assert cs(project, "approve", "--from-review", _review(project, tmp_path, state=state)) == 0
        assert "not an approval: nothing recorded" in capsys.readouterr().out
    assert cs(project, "check") == 1


def test_the_same_rules_as_approve_apply_to_reviewers(
    project, tmp_path, capsys, cs, ai_trailer, bob
):
    project.commit("docs: clarify" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    capsys.readouterr()
    assert cs(project, "approve", "--from-review", _review(project, tmp_path, login="bob-dev")) == 3
    assert "bob is an author of this change; no self-approval" in capsys.readouterr().err
    assert cs(project, "approve", "--from-review", _review(project, tmp_path, login="mallory")) == 3
    assert "GitHub user mallory is not in .countersign/people.yaml" in capsys.readouterr().err


def test_an_event_that_is_not_a_review_is_an_input_error(project, tmp_path, capsys, cs):
    other = Path(__file__).parents[1] / "fixtures" / "github" / "pull_request.opened.json"
    assert cs(project, "approve", "--from-review", str(other)) == 4
    assert "not a GitHub pull_request_review event" in capsys.readouterr().err
    assert cs(project, "approve", "--from-review", str(other), "--as", "alice") == 3


def test_a_dismissed_review_withdraws_the_approval_until_the_reviewer_approves_again(
    project, tmp_path, capsys, cs, ai_trailer, bob
):
    project.commit("docs: clarify" + ai_trailer, author=bob, **{"docs/guide.md": "one\ntwo\n"})
    assert cs(project, "approve", "--from-review", _review(project, tmp_path)) == 0
    assert cs(project, "check") == 0
    dismissed = _review(project, tmp_path, state="dismissed", action="dismissed")
    capsys.readouterr()
    assert cs(project, "approve", "--from-review", dismissed) == 0
    assert "Withdrew alice's approval of cs2:" in capsys.readouterr().out
    assert cs(project, "check") == 1
    assert cs(project, "approve", "--from-review", _review(project, tmp_path)) == 0
    assert cs(project, "check") == 0
