"""The two-person rule at the action: deny, a second human approves, the retry passes once,
a second retry is denied again, and a different command is not covered."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from countersign.cli import cli
from countersign.guard.journal import open_ledger

PEOPLE = """\
people:
  - id: dev
    email: dev@example.com
    level: mid
    keys: ["{dave}"]
  - id: lead
    email: lead@example.com
    level: senior
    keys: ["{alice}"]
  - id: intern
    email: intern@example.com
    level: junior
    keys: ["{erin}"]
  - id: bot
    email: bot@example.com
    agent: true
    keys: ["{robo}"]
"""
# Each person signs with one of the session's real SSH keys.
KEY_OF = {"dev": "dave", "lead": "alice", "intern": "erin", "bot": "robo"}
KEYS: dict[str, str] = {}


@pytest.fixture
def project(repo, ssh_keys):
    people = PEOPLE
    for person, name in KEY_OF.items():
        people = people.replace("{" + name + "}", ssh_keys[name].public)
        KEYS[person] = str(ssh_keys[name].path)
    repo.commit("roster", **{".countersign/people.yaml": people})
    return repo


def _decide(guard, payload, repo, command):
    answer = guard("claude-code", payload("claude-code-bash", repo.path, command), repo.path)
    out = answer.json.get("hookSpecificOutput", {})
    return out.get("permissionDecision", "none"), out.get("permissionDecisionReason", "")


def _approve(repo, action, who):
    """``who`` approves with their own SSH key (people without one can only claim a name)."""
    key = KEYS.get(who.partition("@")[0])
    how = ["--key", key] if key else ["--as", who]
    return CliRunner().invoke(
        cli,
        ["approve", "--action", action, *how, "-C", str(repo.path)],
        standalone_mode=False,
    )


def test_round_trip(guard, payload, project):
    command = "terraform destroy -auto-approve"
    decision, reason = _decide(guard, payload, project, command)
    assert decision == "ask"
    action = re.search(r"--action (\w+)", reason).group(1)

    result = _approve(project, action, "lead@example.com")
    assert result.exception is None, result.output
    assert "Approved once" in result.output

    assert _decide(guard, payload, project, command)[0] == "allow"
    assert _decide(guard, payload, project, command)[0] == "ask"
    assert _decide(guard, payload, project, "terraform destroy")[0] == "ask"

    state = project.path / ".git" / "countersign"
    ledger = open_ledger(state, project.path)
    assert ledger.verify().ok
    kinds = [e["kind"] for e in ledger.entries()]
    assert kinds.count("guard-approval") == 1
    assert kinds.count("guard-approval-used") == 1
    assert kinds.count("guard-decision") == 4


def test_approval_does_not_cover_another_directory(guard, payload, project):
    command = "kubectl delete deployment api"
    decision, reason = _decide(guard, payload, project, command)
    action = re.search(r"--action (\w+)", reason).group(1)
    assert _approve(project, action, "lead").exception is None
    sub = project.path / "sub"
    sub.mkdir()
    answer = guard("claude-code", payload("claude-code-bash", sub, command), sub)
    assert answer.json["hookSpecificOutput"]["permissionDecision"] == decision


@pytest.mark.parametrize(
    ("who", "problem"),
    [
        ("dev@example.com", "runs the agent session"),
        ("bot@example.com", "agent identity"),
        ("stranger@example.com", "not in .countersign/people.yaml"),
    ],
)
def test_who_may_not_approve(guard, payload, project, who, problem):
    _, reason = _decide(guard, payload, project, "git push -f origin main")
    action = re.search(r"--action (\w+)", reason).group(1)
    result = _approve(project, action, who)
    assert result.exception is not None
    assert problem in str(result.exception)
    assert _decide(guard, payload, project, "git push -f origin main")[0] == "deny"


def test_configured_level_is_enforced(guard, payload, project):
    project.commit("guard", **{".countersign/guard.yaml": "approval:\n  level: senior\n"})
    _, reason = _decide(guard, payload, project, "git push -f origin main")
    action = re.search(r"--action (\w+)", reason).group(1)
    result = _approve(project, action, "intern")
    assert "below" in str(result.exception) or "senior or above" in str(result.exception)
    assert _approve(project, action, "lead").exception is None


def test_unknown_action_id_is_an_input_error(project):
    result = _approve(project, "0000aaaa", "lead")
    assert "no guarded agent action" in str(result.exception)


def test_expired_approval_does_not_count(guard, payload, project, monkeypatch):
    from datetime import timedelta

    from countersign.guard import action as action_module

    command = "kubectl delete deployment api"
    _, reason = _decide(guard, payload, project, command)
    action = re.search(r"--action (\w+)", reason).group(1)
    assert _approve(project, action, "lead").exception is None
    real_now = action_module.now
    monkeypatch.setattr(action_module, "now", lambda: real_now() + timedelta(hours=1))
    assert _decide(guard, payload, project, command)[0] == "ask"


def test_a_retry_that_read_before_another_spent_the_approval_does_not_spend_it_again(
    guard, payload, project, monkeypatch
):
    """Two retries at the same moment: the other one spends the approval between this one's
    read of the ledger and its write. This one must read again and find nothing to spend."""
    from countersign.guard import action as action_module

    command = "terraform destroy -auto-approve"
    _, reason = _decide(guard, payload, project, command)
    action = re.search(r"--action (\w+)", reason).group(1)
    assert _approve(project, action, "lead").exception is None
    ledger = open_ledger(project.path / ".git" / "countersign", project.path)

    real = action_module.unused_approval
    raced = []

    def read_then_lose_the_race(entries, fingerprint, at, *valid):
        found = real(entries, fingerprint, at, *valid)
        if found is not None and not raced:
            raced.append(found)
            used = {"fingerprint": fingerprint, "approval_at": found["at"], "action": action}
            ledger.append(action_module.USED, used)
        return found

    monkeypatch.setattr(action_module, "unused_approval", read_then_lose_the_race)
    assert _decide(guard, payload, project, command)[0] == "ask"
    assert raced
    assert [e["kind"] for e in ledger.entries()].count("guard-approval-used") == 1


def test_approving_an_action_as_someone_else_does_not_let_it_run(guard, payload, project):
    """The operator's agent is stopped; dev types lead's name: nothing is recorded."""
    command = "terraform destroy -auto-approve"
    _, reason = _decide(guard, payload, project, command)
    action = re.search(r"--action (\w+)", reason).group(1)
    result = CliRunner().invoke(
        cli,
        ["approve", "--action", action, "--as", "lead@example.com", "-C", str(project.path)],
        standalone_mode=False,
    )
    assert "an action approval must be signed or forge" in str(result.exception)
    assert _decide(guard, payload, project, command)[0] == "ask"


def test_an_unsigned_action_approval_written_to_the_ledger_is_not_spent(guard, payload, project):
    from countersign.guard.action import APPROVAL

    command = "terraform destroy -auto-approve"
    _, reason = _decide(guard, payload, project, command)
    action = re.search(r"--action (\w+)", reason).group(1)
    ledger = open_ledger(project.path / ".git" / "countersign", project.path)
    (asked,) = [e for e in ledger.entries("guard-decision") if e.get("action") == action]
    ledger.append(
        APPROVAL,
        {
            "action": action,
            "fingerprint": asked["fingerprint"],
            "approver": "lead",
            "operator": "dev@example.com",
            "expires": "2999-01-01T00:00:00+00:00",
        },
    )
    assert _decide(guard, payload, project, command)[0] == "ask"


def _approved_then_spent(guard, payload, project, command):
    """Ask, approve, keep a copy of everything local before the spend, spend it; the copy."""
    _, reason = _decide(guard, payload, project, command)
    action = re.search(r"--action (\w+)", reason).group(1)
    assert _approve(project, action, "lead").exception is None
    saved = project.path.parent / "before-spend"
    shutil.copytree(project.path / ".git" / "countersign", saved / "state")
    shutil.copy(project.path / ".countersign" / "ledger.db", saved / "ledger.db")
    assert _decide(guard, payload, project, command)[0] == "allow"
    return saved


def _rewind(project, saved, *, state: bool) -> None:
    for extra in ("ledger.db-wal", "ledger.db-shm"):
        (project.path / ".countersign" / extra).unlink(missing_ok=True)
    shutil.copy(saved / "ledger.db", project.path / ".countersign" / "ledger.db")
    if state:
        shutil.rmtree(project.path / ".git" / "countersign")
        shutil.copytree(saved / "state", project.path / ".git" / "countersign")


def test_copying_the_ledger_file_back_does_not_spend_an_approval_again(guard, payload, project):
    command = "terraform destroy -auto-approve"
    saved = _approved_then_spent(guard, payload, project, command)
    _rewind(project, saved, state=False)
    decision, reason = _decide(guard, payload, project, command)
    assert decision == "ask"
    assert "rewound" in reason or "saw the ledger reach" in reason


def test_rewinding_the_repositorys_witness_too_is_caught_by_the_users(guard, payload, project):
    command = "terraform destroy -auto-approve"
    saved = _approved_then_spent(guard, payload, project, command)
    _rewind(project, saved, state=True)  # the ledger and .git/countersign as before the spend
    decision, reason = _decide(guard, payload, project, command)
    assert decision == "ask"
    assert "saw the ledger reach" in reason


def test_a_committed_checkpoint_catches_a_rewind_on_a_machine_with_no_witness(
    guard, payload, project, tmp_path
):
    command = "terraform destroy -auto-approve"
    saved = _approved_then_spent(guard, payload, project, command)
    assert CliRunner().invoke(cli, ["ledger", "checkpoint", "-C", str(project.path)]).exit_code == 0
    project.git("add", ".countersign/ledger-checkpoints")
    project.git("commit", "-q", "-m", "ledger checkpoint")
    _rewind(project, saved, state=True)
    shutil.rmtree(tmp_path / "home", ignore_errors=True)  # and every witness of the user's
    decision, reason = _decide(guard, payload, project, command)
    assert decision == "ask"
    assert "the checkpoint in .countersign/ledger-checkpoints at main" in reason


def test_asks_after_a_rewind_do_not_carry_the_witness_past_it(guard, payload, project):
    """An ask appends without reading the whole ledger: after putting back the copy from before
    the spend, the agent lets other commands be asked, hoping their entries move the witness
    onto the rewound history, then retries the spent action."""
    command = "terraform destroy -auto-approve"
    saved = _approved_then_spent(guard, payload, project, command)
    _rewind(project, saved, state=False)
    before = _rows(project)
    for other in ("rm -rf /", "git push --force origin main", "kubectl delete ns payments"):
        decision, reason = _decide(guard, payload, project, other)
        assert decision == "ask"
        assert "cannot be trusted" in reason
    assert _rows(project) == before  # nothing recorded on the rewound ledger
    assert _decide(guard, payload, project, command)[0] == "ask"


def _rows(project) -> int:
    import sqlite3

    conn = sqlite3.connect(project.path / ".countersign" / "ledger.db")
    try:
        return int(conn.execute("SELECT count(*) FROM entries").fetchone()[0])
    finally:
        conn.close()
