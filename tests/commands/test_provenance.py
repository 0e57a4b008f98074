"""``countersign provenance`` on a real repository with mixed history."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from countersign.main import main

GITHUB = Path(__file__).parents[1] / "fixtures" / "github"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"
NOTE = """e.py
  s_abc::t_1 1-3
---
{"schema_version": "authorship/3.0.0", "sessions": {"s_abc": {"agent_id": {"tool": "claude", "id": "x", "model": "claude-opus-4-6"}}}}"""


@pytest.fixture
def history(repo):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    shas = {
        "claude": repo.commit(
            "Add b\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
            "Co-Authored-By: Claude <noreply@anthropic.com>",
            **{"b.py": "b\n"},
        ),
        "human": repo.commit("Tweak c; Claude suggested a cleaner approach", **{"c.py": "c\n"}),
        "bot": repo.commit(
            "Bump d\n\nCo-authored-by: Claude <noreply@anthropic.com>",
            author=DEPENDABOT,
            **{"d.py": "d\n"},
        ),
        "noted": repo.commit("e", **{"e.py": "1\n2\n3\n4\n"}),
    }
    repo.git("notes", "--ref=ai", "add", "-m", NOTE, shas["noted"])
    shas["guarded"] = repo.commit("f", **{"f.py": "f\n"})
    shas["bad-note"] = repo.commit("g", **{"g.py": "g\n"})
    repo.git("notes", "--ref=ai", "add", "-m", "not a git-ai note", shas["bad-note"])
    log = repo.path / ".git" / "countersign" / "agent-edits.jsonl"
    log.parent.mkdir()
    guarded_at = int(repo.git("log", "-1", "--format=%ct", shas["guarded"]))
    at = datetime.fromtimestamp(guarded_at - 1, UTC).isoformat()
    log.write_text(
        json.dumps({"at": at, "agent": "codex", "session": "s9", "tool": "Write", "path": "f.py"})
        + "\n"
    )
    return repo, shas


def run_json(capsys, *args):
    assert main(["provenance", *args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _verdicts(data, shas):
    rows = {c["sha"]: c for c in data["commits"]}
    return {name: (rows[sha]["ai_assisted"], rows[sha]["confidence"]) for name, sha in shas.items()}


def test_mixed_history_lists_the_right_commits_with_their_evidence(history, capsys):
    repo, shas = history
    data = run_json(capsys, "main..feature", "-C", str(repo.path))
    rows = {c["sha"]: c for c in data["commits"]}
    assert _verdicts(data, shas) == {
        "claude": (True, "high"),
        "human": (False, "low"),
        "bot": (False, "none"),
        "noted": (True, "high"),
        "guarded": (True, "high"),
        "bad-note": (False, "none"),
    }
    kinds = {name: {s["kind"] for s in rows[sha]["signals"]} for name, sha in shas.items()}
    assert kinds["claude"] == {"co-author-trailer", "generated-with-line"}
    assert kinds["human"] == {"mention"}
    assert kinds["bot"] == {"suspect-co-author-trailer", "non-agent-bot"}
    assert kinds["noted"] == {"git-ai-note"}
    assert kinds["guarded"] == {"guard-record"}
    assert kinds["bad-note"] == {"warning"}
    assert rows[shas["noted"]]["ai_share"] == 0.75
    assert rows[shas["guarded"]]["agents"] == ["codex"]
    assert (data["ai_assisted"], data["confidence"]) == (True, "high")
    assert data["agents"] == ["claude-code", "codex"]


def test_text_table_and_pr_payload(history, capsys):
    repo, shas = history
    args = ["provenance", "main..feature", "-C", str(repo.path)]
    assert main([*args, "--pr-payload", str(GITHUB / "pull_request.ai-disclosed.json")]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == [
        "COMMIT",
        "AI",
        "CONFIDENCE",
        "AGENTS",
        "SHARE",
        "SUBJECT",
    ]
    assert f"{shas['claude'][:12]}  yes  high" in out
    assert "pr-label: label 'ai-assisted' (PR #2 label)" in out
    assert "suspect-co-author-trailer" in out


def test_check_output_carries_provenance(history, capsys):
    pytest.importorskip("cel", reason="the policy engine's CEL binding is not installed")
    repo, _ = history
    code = main(
        ["check", "--base", "main", "--head", "feature", "-C", str(repo.path), "--format", "json"]
    )
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    data = json.loads(captured.out)
    assert data["provenance"]["ai_assisted"] is True
    assert data["provenance"]["commits"][0]["signals"]


def test_repository_provenance_yaml_extends_the_agent_list(repo, capsys):
    extra = "agents:\n  - id: corp-ai\n    addresses: [ai-bot@corp.example]\n"
    repo.commit("init", **{".countersign/provenance.yaml": extra})
    repo.git("checkout", "-q", "-b", "feature")
    sha = repo.commit(
        "by the corp agent", author="Corp AI <ai-bot@corp.example>", **{"x.py": "x\n"}
    )
    data = run_json(capsys, "main..feature", "-C", str(repo.path))
    [row] = data["commits"]
    assert (row["sha"], row["agents"], row["confidence"]) == (sha, ["corp-ai"], "high")


def test_a_format_patch_file_carries_the_messages_evidence(history, capsys, tmp_path):
    repo, shas = history
    patch = tmp_path / "series.patch"
    patch.write_text(repo.git("format-patch", "--stdout", "main..feature"))
    elsewhere = tmp_path / "not-a-repository"
    elsewhere.mkdir()
    data = run_json(capsys, "--patch", str(patch), "-C", str(elsewhere))
    # Notes and the guard's records stay in the repository: only the messages travel.
    assert _verdicts(data, shas) == {
        "claude": (True, "high"),
        "human": (False, "low"),
        "bot": (False, "none"),
        "noted": (False, "none"),
        "guarded": (False, "none"),
        "bad-note": (False, "none"),
    }
    assert main(["provenance", "HEAD", "--patch", str(patch), "-C", str(repo.path)]) == 3
    assert "--patch reads the change from the file" in capsys.readouterr().err


def test_agent_trace_notes_of_their_own_are_read(repo, capsys, tmp_path):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "feature")
    sha = repo.commit("parser", **{"src/parser.py": "x = 1\n" * 80})
    trace = json.loads(
        (Path(__file__).parents[1] / "fixtures/provenance/agent-trace.json").read_text()
    )
    trace["vcs"]["revision"] = sha
    repo.git("notes", "--ref=agent-trace", "add", "-m", json.dumps(trace), sha)
    data = run_json(capsys, "main..feature", "-C", str(repo.path))
    (row,) = data["commits"]
    (signal,) = [s for s in row["signals"] if s["kind"] == "agent-trace"]
    assert signal["where"] == f"refs/notes/agent-trace on {sha[:12]}"
    assert (row["ai_assisted"], row["confidence"]) == (True, "high")
