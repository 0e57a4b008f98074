"""Read, then act: the guard records the documents an agent read, and asks before it runs a
command that rests on what such a document says but the code no longer has."""

from __future__ import annotations

import json

import pytest

PYPROJECT = '[project]\nname = "shipit"\n[project.scripts]\nshipit = "shipit.cli:main"\n'
CLI = "import click\n\n@click.command()\n@click.option('--force-promote', is_flag=True)\ndef failover(force_promote): ...\n"
RUNBOOK = "# Failover\n\nPromote the replica:\n\n```sh\nshipit failover --force-promote\n```\n"


@pytest.fixture
def stale_runbook(repo):
    repo.commit(
        "initial",
        **{"pyproject.toml": PYPROJECT, "shipit/cli.py": CLI, "docs/failover.md": RUNBOOK},
    )
    renamed = CLI.replace("--force-promote", "--promote-replica").replace(
        "force_promote", "promote_replica"
    )
    sha = repo.commit("failover: clearer flag", **{"shipit/cli.py": renamed})
    return repo, sha


def _decision(answer) -> str:
    return answer.json.get("hookSpecificOutput", {}).get("permissionDecision", "allow")


def _bash(guard, payload, repo, command, session="abc123-claude"):
    data = payload("claude-code-bash", repo.path, command).replace(
        b"abc123-claude", session.encode()
    )
    return guard("claude-code", data, repo.path)


def test_a_command_from_a_stale_document_the_agent_read_is_asked_with_the_evidence(
    guard, payload, stale_runbook
):
    repo, sha = stale_runbook
    assert _decision(_bash(guard, payload, repo, "shipit failover --force-promote")) == "allow"
    read = guard(
        "claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path
    )
    assert (read.out, read.code) == ("", 0)
    answer = _bash(guard, payload, repo, "shipit failover --force-promote")
    assert _decision(answer) == "ask"
    reason = answer.json["hookSpecificOutput"]["permissionDecisionReason"]
    assert "docs.stale-guidance" in reason
    assert "docs/failover.md:6" in reason
    assert f"was renamed to `promote-replica` in {sha[:9]}" in reason
    assert "--promote-replica" in reason


def test_the_same_command_in_another_session_or_without_the_stale_flag_passes(
    guard, payload, stale_runbook
):
    repo, _ = stale_runbook
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path)
    assert _decision(_bash(guard, payload, repo, "shipit failover --promote-replica")) == "allow"
    other = _bash(guard, payload, repo, "shipit failover --force-promote", session="someone-else")
    assert _decision(other) == "allow"


def test_reads_are_recorded_with_their_hash_and_never_as_edits(guard, payload, stale_runbook):
    repo, _ = stale_runbook
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path)
    state = repo.path / ".git" / "countersign"
    [record] = [json.loads(line) for line in (state / "docs-read.jsonl").read_text().splitlines()]
    assert record["path"] == "docs/failover.md"
    assert record["session"] == "abc123-claude"
    assert len(record["sha256"]) == 64
    assert [s["text"] for s in record["stale"]] == ["--force-promote"]
    assert not (state / "agent-edits.jsonl").exists()


def test_a_fresh_document_leaves_the_fast_path_alone(guard, payload, repo):
    repo.commit(
        "initial",
        **{"pyproject.toml": PYPROJECT, "shipit/cli.py": CLI, "docs/failover.md": RUNBOOK},
    )
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path)
    state = repo.path / ".git" / "countersign"
    assert (state / "docs-read.jsonl").exists()
    assert not (state / "docs-stale.jsonl").exists()
    assert _decision(_bash(guard, payload, repo, "shipit failover --force-promote")) == "allow"


def test_gemini_reads_then_acts(guard, payload, stale_runbook):
    repo, _ = stale_runbook
    guard("gemini", payload("gemini-read", repo.path, path="docs/failover.md"), repo.path)
    answer = guard(
        "gemini", payload("gemini-shell", repo.path, "shipit failover --force-promote"), repo.path
    )
    assert answer.json["decision"] == "ask"
    assert "docs/failover.md" in answer.json["reason"]


def test_a_change_made_after_reading_a_stale_document_is_reviewed_with_the_evidence(
    guard, payload, stale_runbook, capsys
):
    """Read, then edit, then commit: `check` carries the stale document as a provenance signal,
    the fact `change.stale_guidance`, a risk factor, and the default policy asks one review."""
    from countersign.main import main

    repo, sha = stale_runbook
    repo.git("checkout", "-q", "-b", "feature")
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path)
    repo.write("shipit/deploy.py", "def promote():\n    return 'shipit failover --force-promote'\n")
    guard(
        "claude-code",
        payload("claude-code-post-edit", repo.path, path="shipit/deploy.py"),
        repo.path,
    )
    later = {
        "GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z",
        "GIT_AUTHOR_DATE": "2099-01-01T00:00:00Z",
    }
    repo.git("add", "-A")
    repo.git("commit", "-qm", "deploy: promote on failover", env=later)
    capsys.readouterr()
    code = main(["check", "--base", "main", "--format", "json", "-C", str(repo.path)])
    data = json.loads(capsys.readouterr().out)
    assert code != 0
    [signal] = [s for s in data["provenance"]["signals"] if s["kind"] == "stale-guidance"]
    assert signal["where"] == "docs/failover.md"
    assert f"renamed to `promote-replica` in {sha[:9]}" in signal["detail"]
    assert "stale-guidance" in [f["name"] for f in data["risk"]["factors"]]
    assert any("stale-guidance" in r["rule"] for r in data["requirements"])
    main(["check", "--base", "main", "-C", str(repo.path)])
    text = capsys.readouterr().out
    assert "rests on stale guidance: docs/failover.md: claude-code read it in session" in text
    main(["check", "--base", "main", "--format", "markdown", "-C", str(repo.path)])
    assert "**Stale guidance**: `docs/failover.md`" in capsys.readouterr().out


def test_without_a_stale_read_the_same_agent_change_has_no_stale_guidance(
    guard, payload, stale_runbook, capsys
):
    from countersign.main import main

    repo, _ = stale_runbook
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("shipit/deploy.py", "def promote():\n    return 1\n")
    guard(
        "claude-code",
        payload("claude-code-post-edit", repo.path, path="shipit/deploy.py"),
        repo.path,
    )
    later = {
        "GIT_COMMITTER_DATE": "2099-01-01T00:00:00Z",
        "GIT_AUTHOR_DATE": "2099-01-01T00:00:00Z",
    }
    repo.git("add", "-A")
    repo.git("commit", "-qm", "deploy", env=later)
    capsys.readouterr()
    main(["check", "--base", "main", "--format", "json", "-C", str(repo.path)])
    data = json.loads(capsys.readouterr().out)
    kinds = [s["kind"] for s in data["provenance"]["signals"]]
    assert "guard-record" in kinds
    assert "stale-guidance" not in kinds
    assert not any("stale-guidance" in r["rule"] for r in data["requirements"])


def test_cursor_reads_before_the_file_is_read_then_its_shell_command_is_asked(
    guard, payload, stale_runbook
):
    repo, _ = stale_runbook
    read = guard("cursor", payload("cursor-read", repo.path, path="docs/failover.md"), repo.path)
    assert read.json == {"permission": "allow"}  # a read is never refused, only recorded
    answer = guard(
        "cursor", payload("cursor-shell", repo.path, "shipit failover --force-promote"), repo.path
    )
    assert answer.json["permission"] == "ask"
    assert "docs/failover.md" in answer.json["user_message"]


def test_kiro_reads_in_a_batch_then_its_shell_command_is_refused_with_the_evidence(
    guard, payload, stale_runbook
):
    """Kiro has no ask: a command resting on a stale document it read is blocked (exit 2) with
    the evidence on stderr."""
    repo, _ = stale_runbook
    read = guard("kiro", payload("kiro-read", repo.path, path="docs/failover.md"), repo.path)
    assert (read.out, read.code) == ("", 0)
    answer = guard(
        "kiro", payload("kiro-bash", repo.path, "shipit failover --force-promote"), repo.path
    )
    assert answer.code == 2
    assert "docs/failover.md" in answer.err


def _stale_record(session, at):
    return json.dumps(
        {
            "session": session,
            "at": at,
            "path": "docs/runbook.md",
            "stale": [{"kind": "flag", "needle": "force-promote", "text": "--force-promote"}],
        },
        ensure_ascii=False,
    )


def test_stale_guidance_finds_this_sessions_read_among_many_others(tmp_path):
    from countersign.guard.reads import STALE_LOG, stale_guidance

    now = 1_000_000.0
    lines = [_stale_record(f"other-{i}", now) for i in range(500)]
    (tmp_path / STALE_LOG).write_text("\n".join(lines) + "\n", encoding="utf-8")
    command = "shipit failover --force-promote"
    assert stale_guidance(command, "mine-é", tmp_path, now=now) == ""
    with (tmp_path / STALE_LOG).open("a", encoding="utf-8") as fh:
        fh.write(_stale_record("mine-é", now - 3600) + "\n")
        fh.write(_stale_record("other-x", now) + "\n")
    assert "docs/runbook.md" in stale_guidance(command, "mine-é", tmp_path, now=now)


def test_a_sessionless_read_counts_for_twelve_hours_whatever_the_session(tmp_path):
    from countersign.guard.reads import STALE_LOG, stale_guidance

    now = 1_000_000.0
    command = "shipit failover --force-promote"
    (tmp_path / STALE_LOG).write_text(_stale_record("", now - 3600) + "\n", encoding="utf-8")
    assert stale_guidance(command, "mine", tmp_path, now=now)
    assert stale_guidance(command, "", tmp_path, now=now)
    old = [_stale_record("", now - 13 * 3600), *[_stale_record("", now - 14 * 3600)] * 3]
    (tmp_path / STALE_LOG).write_text("\n".join(reversed(old)) + "\n", encoding="utf-8")
    assert stale_guidance(command, "", tmp_path, now=now) == ""


def test_the_hook_checks_the_same_stale_log_the_reads_write():
    from countersign.guard import hook, reads

    assert hook.STALE_LOG == reads.STALE_LOG


def _write(guard, payload, repo, path, content, session="abc123-claude"):
    data = json.loads(payload("claude-code-write", repo.path, path=path))
    data["tool_input"]["content"] = content
    data["session_id"] = session
    return guard("claude-code", json.dumps(data).encode(), repo.path)


def test_an_edit_that_writes_a_stale_flag_the_agent_read_is_asked(guard, payload, stale_runbook):
    """An agent that read the outdated runbook writes a CI job from it: the edit rests on the
    same stale guidance as running the command would, and is asked with the evidence."""
    repo, sha = stale_runbook
    job = "jobs:\n  failover:\n    steps:\n      - run: shipit failover --force-promote\n"
    assert _decision(_write(guard, payload, repo, ".ci/failover.yml", job)) == "allow"
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path)
    answer = _write(guard, payload, repo, ".ci/failover.yml", job)
    assert _decision(answer) == "ask"
    reason = answer.json["hookSpecificOutput"]["permissionDecisionReason"]
    assert "this edit uses `--force-promote` from docs/failover.md:6" in reason
    assert sha[:9] in reason
    fresh = job.replace("--force-promote", "--promote-replica")
    assert _decision(_write(guard, payload, repo, ".ci/failover.yml", fresh)) == "allow"
    other = _write(guard, payload, repo, ".ci/failover.yml", job, session="someone-else")
    assert _decision(other) == "allow"


def test_an_edit_at_the_old_place_of_a_moved_file_the_agent_read_of_is_asked(guard, payload, repo):
    repo.commit(
        "initial",
        **{
            "docs/setup.md": "Edit [the settings](../config/settings.yaml) to taste.\n",
            "config/settings.yaml": "a: 1\n",
        },
    )
    repo.git("mv", "config/settings.yaml", "config/app.yaml")
    repo.commit("config: one name")
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/setup.md"), repo.path)
    answer = _write(guard, payload, repo, "config/settings.yaml", "a: 2\n")
    assert _decision(answer) == "ask"
    assert "config/app.yaml" in answer.json["hookSpecificOutput"]["permissionDecisionReason"]
    assert _decision(_write(guard, payload, repo, "config/app.yaml", "a: 2\n")) == "allow"


def test_a_removed_tool_command_from_a_read_document_is_asked(guard, payload, repo):
    """The runbook says ``helm init``, gone since Helm 3: running it follows stale guidance."""
    repo.commit("initial", **{"docs/deploy.md": "```sh\nhelm init --wait\n```\n"})
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/deploy.md"), repo.path)
    answer = _bash(guard, payload, repo, "helm init --wait && helm install web ./chart")
    assert _decision(answer) == "ask"
    assert "Helm 3.0.0" in answer.json["hookSpecificOutput"]["permissionDecisionReason"]
    assert _decision(_bash(guard, payload, repo, "helm install web ./chart")) == "allow"


def test_an_interpreter_writing_the_stale_flag_is_asked_like_the_command(
    guard, payload, stale_runbook
):
    """Walk-around: instead of running ``shipit failover --force-promote``, the agent has Python
    write it into a CI job; the flag sits inside one quoted argument, not as a word of its own."""
    repo, _ = stale_runbook
    guard("claude-code", payload("claude-code-read", repo.path, path="docs/failover.md"), repo.path)
    sneaky = "python3 -c \"open('ci.yml','w').write('run: shipit failover --force-promote')\""
    assert _decision(_bash(guard, payload, repo, sneaky)) == "ask"
    fresh = sneaky.replace("--force-promote", "--promote-replica")
    assert _decision(_bash(guard, payload, repo, fresh)) == "allow"
