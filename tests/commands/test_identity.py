"""Who signs: each way an insider or an agent would approve as someone else, under the shipped
default policy (signed or forge identities only), on real repositories with real SSH keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from countersign.decision.policy import default_policy_text
from countersign.main import main
from countersign.workspace import open_workspace

ROSTER = """
people:
  - {id: alice, emails: [alice@example.com], level: senior, teams: [payments], github: Alice-S,
     keys: ["{alice} alice-laptop"]}
  - {id: bob, emails: [bob@example.com], level: junior, teams: [payments], keys: ["{bob}"]}
  - {id: carol, emails: [carol@example.com], level: staff, teams: [search], keys: ["{carol}"]}
  - {id: dave, emails: [dave@example.com], level: junior, teams: [payments], keys: ["{dave}"]}
  - {id: erin, emails: [erin@example.com], level: mid, teams: [payments], keys: ["{erin}"]}
agents: [noreply@anthropic.com]
"""
AI = "\n\nCo-authored-by: Claude <noreply@anthropic.com>"
BOB = "Bob <bob@example.com>"
REVIEW = Path(__file__).parents[1] / "fixtures" / "github" / "pull_request_review.submitted.json"


def roster(ssh_keys, text: str = ROSTER) -> str:
    for name, key in ssh_keys.items():
        text = text.replace("{" + name + "}", key.public)
    return text


@pytest.fixture
def strict(repo, ssh_keys):
    """main with the shipped default policy and a roster whose people list their SSH keys; a
    feature branch checked out."""
    repo.write(".gitignore", ".countersign/ledger.db*\n")
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": roster(ssh_keys),
            ".countersign/policy.yaml": default_policy_text(),
            "docs/guide.md": "one\n",
        },
    )
    repo.git("checkout", "-q", "-b", "feature")
    return repo


def cs(repo, *args: str) -> int:
    return main([*args, "-C", str(repo.path)])


def key(ssh_keys, name: str) -> str:
    return str(ssh_keys[name].path)


def recorded(repo, kind: str = "approval") -> list[dict]:
    return open_workspace(repo.path).ledger.entries(kind)


def bobs_ai_change(repo) -> None:
    repo.commit("docs: clarify" + AI, author=BOB, **{"docs/guide.md": "one\ntwo\n"})


def test_a_signed_approval_round_trip(strict, ssh_keys, capsys):
    bobs_ai_change(strict)
    assert cs(strict, "check") == 1
    assert cs(strict, "approve", "--key", key(ssh_keys, "alice")) == 0
    out = capsys.readouterr().out
    assert "as alice (SSH key SHA256:" in out
    assert "identity signed" in out
    assert cs(strict, "check", "--format", "json") == 0
    (req,) = json.loads(capsys.readouterr().out)["requirements"]
    assert req["approvals"] == [{"approver": "alice", "identity": "signed"}]
    assert cs(strict, "status", "--format", "json") == 0
    (approval,) = json.loads(capsys.readouterr().out)["approvals"]
    assert approval["identity"] == "signed"


def test_approving_as_someone_else_with_as_is_refused_and_records_nothing(strict, ssh_keys, capsys):
    bobs_ai_change(strict)
    assert cs(strict, "approve", "--as", "alice@example.com") == 3
    assert capsys.readouterr().err == (
        "countersign: error: cannot approve: ai-assisted-below-senior/approvals: alice's "
        "approval is asserted (a name given, not "
        "proven); this requirement accepts signed or forge approvals: sign with `--key` and "
        "your SSH key in people.yaml\n"
    )
    assert recorded(strict) == []
    assert cs(strict, "check") == 1


def test_bobs_own_key_cannot_sign_as_alice(strict, ssh_keys, capsys):
    bobs_ai_change(strict)
    assert cs(strict, "approve", "--key", key(ssh_keys, "bob"), "--as", "alice") == 3
    assert "--as alice does not match bob, whom people.yaml lists for key SHA256:" in (
        capsys.readouterr().err
    )
    assert recorded(strict) == []


def test_an_approval_written_straight_to_the_ledger_as_alice_is_asserted_and_ignored(
    strict, ssh_keys, capsys
):
    bobs_ai_change(strict)
    ws = open_workspace(strict.path)
    ws.ledger.append(
        "approval",
        {"approver": "alice", "fingerprint": ws.change.fingerprint, "identity": {"source": "key"}},
    )
    assert cs(strict, "check") == 1
    capsys.readouterr()
    cs(strict, "status")
    assert "alice (asserted) at " in capsys.readouterr().out


def test_an_approval_whose_statement_was_altered_is_refused(strict, ssh_keys, capsys):
    """alice signed a review-only note on one requirement; the copy claims every requirement."""
    bobs_ai_change(strict)
    assert cs(strict, "approve", "--key", key(ssh_keys, "alice"), "--note", "docs only") == 0
    (signed,) = recorded(strict)
    for field, value in (("requirements", []), ("note", "all good"), ("fingerprint", "cs2:x")):
        altered = {k: v for k, v in signed.items() if k not in ("kind", "seq", "at")}
        altered[field] = value
        open_workspace(strict.path).ledger.append("approval", altered)
    capsys.readouterr()
    cs(strict, "status", "--format", "json")
    approvals = json.loads(capsys.readouterr().out)["approvals"]
    # the copy for another fingerprint is not an approval of this change at all
    assert [a["counts_for"] for a in approvals] == [["ai-assisted-below-senior/approvals"], [], []]
    for altered in approvals[1:]:
        assert "does not verify: the signature does not match" in altered["ignored"]


def test_a_hand_written_review_file_is_not_a_sign_off(strict, ssh_keys, tmp_path, capsys):
    """bob writes a pull_request_review event in alice's name and runs approve --from-review on
    his laptop: nothing asks GitHub, so it is asserted, which the default policy refuses (the
    forge-proven path and its walk-arounds: test_forge_review.py)."""
    bobs_ai_change(strict)
    event = _review_event(strict, tmp_path)
    assert cs(strict, "approve", "--from-review", str(event)) == 3
    assert "alice's approval is asserted" in capsys.readouterr().err
    assert recorded(strict) == []


def _review_event(repo, tmp_path: Path) -> Path:
    """octokit's example pull_request_review event, approving the branch head, by alice."""
    data = json.loads(REVIEW.read_text())
    data["review"]["user"]["login"] = "alice-s"
    data["review"]["state"] = "approved"
    data["review"]["commit_id"] = repo.git("rev-parse", "HEAD")
    data["pull_request"]["base"]["sha"] = repo.git("rev-parse", "main")
    path = tmp_path / "review.json"
    path.write_text(json.dumps(data))
    return path


def test_break_glass_by_a_claimed_identity_is_refused(strict, ssh_keys, capsys):
    bobs_ai_change(strict)
    args = ("--reason", "outage", "--incident", "INC-9")
    assert cs(strict, "break-glass", "--as", "alice", *args) == 3
    assert "cannot break glass as alice: it lifts every requirement, so who does it must be" in (
        capsys.readouterr().err
    )
    assert recorded(strict, "break-glass") == []
    ws = open_workspace(strict.path)  # written straight to the ledger, unsigned
    ws.ledger.append(
        "break-glass",
        {
            "who": "alice",
            "fingerprint": ws.change.fingerprint,
            "reason": "outage",
            "incident": "INC-9",
            "expires": "2999-01-01T00:00:00+00:00",
        },
    )
    assert cs(strict, "check") == 1


def test_the_author_cannot_break_glass_on_their_own_change(strict, ssh_keys, capsys):
    bobs_ai_change(strict)
    code = cs(
        strict, "break-glass", "--key", key(ssh_keys, "bob"), "--reason", "r", "--incident", "I"
    )
    assert code == 3
    assert capsys.readouterr().err == (
        "countersign: error: cannot break glass: bob is an author of this change; "
        "break-glass needs a second person\n"
    )
    assert recorded(strict, "break-glass") == []


def test_a_signed_break_glass_by_a_second_person_lifts_what_its_rules_allow(
    strict, ssh_keys, capsys
):
    bobs_ai_change(strict)
    args = ("--reason", "outage", "--incident", "INC-9")
    assert cs(strict, "break-glass", "--key", key(ssh_keys, "carol"), *args) == 0
    assert cs(strict, "check") == 0
    capsys.readouterr()
    cs(strict, "status")
    assert "by carol at " in capsys.readouterr().out  # the follow-up review is due


def test_a_rule_can_forbid_break_glass(repo, ssh_keys, capsys):
    policy = default_policy_text().replace(
        "    when: change.ai_assisted && author.rank < 2\n",
        "    when: change.ai_assisted && author.rank < 2\n    break_glass: false\n",
    )
    repo.commit(
        "init",
        **{".countersign/people.yaml": roster(ssh_keys), ".countersign/policy.yaml": policy},
    )
    repo.git("checkout", "-q", "-b", "feature")
    bobs_ai_change(repo)
    args = ("--reason", "outage", "--incident", "INC-9")
    assert cs(repo, "break-glass", "--key", key(ssh_keys, "carol"), *args) == 0
    assert cs(repo, "check") == 1


def test_a_spoofed_author_does_not_hide_the_committer(strict, ssh_keys, capsys):
    """alice commits her own work with --author dave and then approves it as the senior."""
    strict.commit("docs" + AI, author="Dave <dave@example.com>", **{"docs/guide.md": "x\n"})
    # the committer stays alice, as git commit --author leaves it
    strict.git(
        "commit",
        "-q",
        "--amend",
        "--no-edit",
        env={"GIT_COMMITTER_NAME": "Alice", "GIT_COMMITTER_EMAIL": "alice@example.com"},
    )
    assert cs(strict, "approve", "--key", key(ssh_keys, "alice")) == 3
    assert "cannot approve: alice is an author of this change; no self-approval" in (
        capsys.readouterr().err
    )
    assert recorded(strict) == []


def test_a_human_co_author_cannot_approve(strict, ssh_keys, capsys):
    trailer = "\n\nCo-authored-by: Alice <alice@example.com>"
    strict.commit("docs" + AI + trailer, author=BOB, **{"docs/guide.md": "x\n"})
    assert cs(strict, "approve", "--key", key(ssh_keys, "alice")) == 3
    assert "alice is an author of this change" in capsys.readouterr().err


def test_the_operator_of_the_agent_session_that_edited_the_files_cannot_approve(
    strict, ssh_keys, capsys
):
    edits = strict.path / ".git" / "countersign" / "agent-edits.jsonl"
    edits.parent.mkdir(parents=True, exist_ok=True)
    edits.write_text(
        json.dumps(
            {
                "at": "2026-06-01T10:00:00+00:00",
                "agent": "claude-code",
                "path": "docs/guide.md",
                "operator": "alice@example.com",
            }
        )
        + "\n"
    )
    strict.commit("docs", author=BOB, **{"docs/guide.md": "x\n"})
    assert cs(strict, "approve", "--key", key(ssh_keys, "alice")) == 3
    assert "alice is an author of this change" in capsys.readouterr().err


def test_an_author_the_roster_does_not_know_needs_one_more_approval(strict, ssh_keys, capsys):
    """alice commits as zed@elsewhere (author and committer): she may be any approver."""
    zed = {"GIT_COMMITTER_NAME": "Zed", "GIT_COMMITTER_EMAIL": "zed@elsewhere.example"}
    strict.write("docs/guide.md", "x\n")
    strict.git("add", "-A")
    strict.git(
        "commit",
        "-q",
        "-m",
        "docs" + AI,
        env={**zed, "GIT_AUTHOR_EMAIL": zed["GIT_COMMITTER_EMAIL"]},
    )
    assert cs(strict, "check", "--format", "json") == 1
    doc = json.loads(capsys.readouterr().out)
    (req,) = doc["requirements"]
    assert req["count"] == 2
    assert req["rule"] == "ai-assisted-below-senior+unknown-identity"
    assert "people.yaml does not know" in req["reason"]
    assert cs(strict, "approve", "--key", key(ssh_keys, "alice")) == 0
    assert cs(strict, "check") == 1  # one approver may be zed in disguise
    assert cs(strict, "approve", "--key", key(ssh_keys, "carol")) == 0
    assert cs(strict, "check") == 0


def test_a_level_claimed_in_the_ledger_entry_does_not_beat_the_roster(strict, ssh_keys, capsys):
    """erin is mid; an entry she signs saying she is principal still counts her as mid."""
    bobs_ai_change(strict)
    ws = open_workspace(strict.path)
    entry = {
        "approver": "erin",
        "fingerprint": ws.change.fingerprint,
        "requirements": [],
        "level": "principal",
        "teams": ["payments", "security"],
    }
    ws.ledger.append("approval", entry)
    assert cs(strict, "check") == 1
    capsys.readouterr()
    cs(strict, "status", "--format", "json")
    (approval,) = json.loads(capsys.readouterr().out)["approvals"]
    assert approval["counts_for"] == []


def test_an_unknown_key_is_refused_naming_it(strict, ssh_keys, tmp_path, capsys):
    from ssh_keys import make_key

    stranger = make_key(tmp_path / "k", "stranger")
    bobs_ai_change(strict)
    assert cs(strict, "approve", "--key", str(stranger.path)) == 3
    err = capsys.readouterr().err
    assert err.startswith("countersign: error: the key SHA256:")
    assert "is not listed in people.yaml for anyone" in err
    assert err.count("\n") == 1
    assert recorded(strict) == []


def test_a_retired_key_is_refused_naming_the_person_and_the_key(repo, ssh_keys, capsys):
    text = roster(ssh_keys).replace(" alice-laptop", " alice-laptop until=2020-01-31")
    repo.commit(
        "init",
        **{".countersign/people.yaml": text, ".countersign/policy.yaml": default_policy_text()},
    )
    repo.git("checkout", "-q", "-b", "feature")
    bobs_ai_change(repo)
    assert cs(repo, "approve", "--key", key(ssh_keys, "alice")) == 3
    err = capsys.readouterr().err
    assert err.startswith("countersign: error: cannot sign: alice's key SHA256:")
    assert "(alice-laptop) was retired (until=2020-01-31) before this was recorded" in err
    assert recorded(repo) == []


def test_a_key_listed_for_two_people_is_a_roster_error(repo, ssh_keys, capsys):
    text = roster(ssh_keys).replace(
        'keys: ["' + ssh_keys["carol"].public, 'keys: ["' + ssh_keys["alice"].public
    )
    repo.commit("init", **{".countersign/people.yaml": text})
    repo.git("checkout", "-q", "-b", "feature")
    bobs_ai_change(repo)
    assert cs(repo, "approve", "--key", key(ssh_keys, "alice")) == 3
    err = capsys.readouterr().err
    assert "people.yaml: people[2].keys[0]: key SHA256:" in err
    assert "is listed for both alice and carol; a signing key must belong to one person" in err


def test_a_roster_without_keys_says_what_to_add(repo, ssh_keys, capsys):
    repo.commit("init", **{".countersign/people.yaml": "people:\n  - {id: alice, level: senior}\n"})
    repo.git("checkout", "-q", "-b", "feature")
    bobs_ai_change(repo)
    assert cs(repo, "approve", "--key", key(ssh_keys, "alice")) == 3
    assert capsys.readouterr().err.startswith(
        "countersign: error: people.yaml lists no signing keys: add each approver's SSH public key"
    )


def test_the_small_team_setting_accepts_asserted_approvals(repo, ssh_keys, capsys):
    policy = default_policy_text().replace(
        "\nidentities: [signed, forge]\n", "\nidentities: [signed, forge, asserted]\n"
    )
    repo.commit(
        "init",
        **{".countersign/people.yaml": roster(ssh_keys), ".countersign/policy.yaml": policy},
    )
    repo.git("checkout", "-q", "-b", "feature")
    bobs_ai_change(repo)
    assert cs(repo, "approve", "--as", "alice") == 0
    assert "identity asserted" in capsys.readouterr().out
    assert cs(repo, "check") == 0


APPROVAL_FACTS_POLICY = """
version: 1
identities: [signed, forge, asserted]
rules:
  - id: ai
    description: AI-assisted
    when: change.ai_assisted
    require:
      approvals: {count: 1}
  - id: typed-name-needs-a-signature
    description: An approval by a typed name is backed by a signed one
    when: approvals.exists(a, a.strength == "asserted")
    require:
      approvals: {count: 1, identities: [signed]}
  - id: junior-approver-needs-staff
    description: A junior's approval is seen by staff
    when: approvals.exists(a, a.rank < 1)
    require:
      approvals: {count: 1, min_level: staff}
  - id: principal-approved
    description: A principal's approval comes with a change record
    when: approvals.exists(a, a.level == "principal" || a.rank == 4)
    require:
      change_record: [summary]
"""


@pytest.fixture
def facts_policy(repo, ssh_keys):
    repo.write(".gitignore", ".countersign/ledger.db*\n")
    repo.commit(
        "init",
        **{
            ".countersign/people.yaml": roster(ssh_keys),
            ".countersign/policy.yaml": APPROVAL_FACTS_POLICY,
            "docs/guide.md": "one\n",
        },
    )
    repo.git("checkout", "-q", "-b", "feature")
    bobs_ai_change(repo)
    return repo


def open_ids(repo, capsys) -> list[str]:
    capsys.readouterr()
    cs(repo, "check", "--format", "json")
    reqs = json.loads(capsys.readouterr().out)["requirements"]
    return [r["id"] for r in reqs if not r["satisfied"]]


def test_a_condition_sees_each_approvals_identity_strength(facts_policy, ssh_keys, capsys):
    """A small team accepts typed names, but one asks for a signature too."""
    assert cs(facts_policy, "approve", "--as", "erin@example.com") == 0
    assert open_ids(facts_policy, capsys) == ["typed-name-needs-a-signature/approvals"]
    assert cs(facts_policy, "approve", "--key", key(ssh_keys, "alice")) == 0
    assert open_ids(facts_policy, capsys) == []


def test_a_condition_sees_the_rosters_level_not_the_entrys(facts_policy, ssh_keys, capsys):
    """dave (junior in the roster) signs; a copy of his entry claiming principal changes
    nothing: no principal approved."""
    assert cs(facts_policy, "approve", "--key", key(ssh_keys, "dave")) == 0
    ws = open_workspace(facts_policy.path)
    (entry,) = ws.ledger.entries("approval")
    assert entry["level"] == "junior"
    ws.ledger.append(
        "approval",
        {**{k: v for k, v in entry.items() if k not in ("kind", "seq")}, "level": "principal"},
    )
    assert open_ids(facts_policy, capsys) == ["junior-approver-needs-staff/approvals"]
    cs(facts_policy, "policy", "explain")
    assert "FIRED   junior-approver-needs-staff" in capsys.readouterr().out


def test_an_approval_the_gate_ignores_is_no_fact(facts_policy, ssh_keys, capsys):
    """bob, the author, approving his own change does not make a rule fire."""
    ws = open_workspace(facts_policy.path)
    ws.ledger.append("approval", {"approver": "bob", "fingerprint": ws.change.fingerprint})
    assert open_ids(facts_policy, capsys) == ["ai/approvals"]
