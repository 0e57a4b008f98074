"""The rough edges a new team hit in its first hour (issue 22), one test each: what the command
says and how it exits on an empty repository, outside one, on main after a merge, in a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from countersign.errors import ExitCode
from countersign.main import main

AGENT = "agent\n\nCo-authored-by: Claude <noreply@anthropic.com>"


def test_an_empty_repository_says_it_has_no_commits_instead_of_unknown_head(repo, capsys):
    for command in (["check"], ["status"], ["replay"], ["policy", "explain"]):
        assert main([*command, "-C", str(repo.path)]) == ExitCode.INPUT
        err = capsys.readouterr().err
        assert "this repository has no commits yet: commit a first change" in err, command
        assert "unknown revision" not in err
        assert "fatal:" not in err


def test_replay_of_an_unknown_range_speaks_for_itself_not_in_gits_words(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    assert main(["replay", "nope..HEAD", "-C", str(repo.path)]) == ExitCode.INPUT
    err = capsys.readouterr().err
    assert "unknown revision or range 'nope..HEAD'" in err
    assert "fatal:" not in err


def test_only_commands_that_read_patches_suggest_patch_outside_a_repository(tmp_path, capsys):
    assert main(["status", "-C", str(tmp_path)]) == ExitCode.INPUT
    assert "--patch" not in capsys.readouterr().err
    assert main(["check", "-C", str(tmp_path)]) == ExitCode.INPUT
    assert "or check a patch file with --patch FILE" in capsys.readouterr().err


def test_check_on_main_after_a_merge_checks_what_the_merge_brought(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit(AGENT, **{"a.txt": "b\n"})
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "Merge f", "f")
    code = main(["check", "-C", str(repo.path), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == ExitCode.NEEDS_APPROVAL  # push-triggered CI on main: not "nothing to check"
    assert doc["change"]["base"] == repo.git("rev-parse", "HEAD^1")
    assert [f["path"] for f in doc["change"]["files"]] == ["a.txt"]


def test_policy_explain_into_a_reader_that_stops_early_exits_0(repo):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("c", **{"a.txt": "b\n"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "countersign", "policy", "explain", "-C", str(repo.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()  # the reader is gone before countersign writes (`| head -0`)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert b"Traceback" not in err
    assert b"BrokenPipe" not in err


def test_a_pipe_closed_early_keeps_the_gates_own_exit_code(repo):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit(AGENT, **{"a.txt": "b\n"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "countersign", "check", "-C", str(repo.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.close()
    proc.communicate(timeout=120)
    assert proc.returncode == ExitCode.NEEDS_APPROVAL  # never a pass because nobody read it


def test_verify_does_not_call_changes_signed_off_when_none_needed_a_sign_off(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    base = repo.git("rev-parse", "HEAD")
    repo.commit("one", **{"a.txt": "b\n"})
    repo.commit("two", **{"a.txt": "c\n"})
    assert main(["verify", "--base", base, "-C", str(repo.path)]) == ExitCode.PASS
    out = capsys.readouterr().out
    assert "none of the 2 changes" in out
    assert "signed off" not in out.splitlines()[0]


def test_one_file_is_one_file_and_no_risk_factors_print_no_parentheses(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("c", **{"a.txt": "b\n"})
    main(["check", "-C", str(repo.path)])
    text = capsys.readouterr().out
    assert "1 file, 1 commit" in text
    assert "()" not in text
    main(["check", "-C", str(repo.path), "--format", "markdown"])
    assert ", 1 file." in capsys.readouterr().out


def test_a_list_cut_short_says_how_many_more_there_are(repo, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    repo.commit("five", **{f"d/{i}.txt": f"{i}\n" for i in range(5)})
    main(["check", "--base", "main", "-C", str(repo.path)])
    out = capsys.readouterr().out
    assert "5 paths no service owns: d/0.txt, d/1.txt, d/2.txt and 2 more" in out


def test_guard_batch_help_says_it_reads_json_lines(capsys):
    assert main(["guard", "--help"]) == 0
    out = capsys.readouterr().out
    assert '--batch FILE   (JSON lines, one {"command": ..., "cwd": ...} a line' in out


def test_risk_train_reads_the_repository_here_like_mine(repo, monkeypatch, capsys):
    repo.commit("init", **{"a.txt": "a\n"})
    monkeypatch.chdir(repo.path)
    assert main(["risk", "train"]) == 0  # no --repo needed
    assert "give --repo PATH" not in capsys.readouterr().err


def test_risk_train_says_scikit_learn_is_missing_before_mining(repo, monkeypatch, capsys):
    import countersign.commands.risk as risk_command

    repo.commit("init", **{"a.txt": "a\n"})
    monkeypatch.setitem(sys.modules, "sklearn", None)  # not installed

    def must_not_mine(*args, **kwargs):
        raise AssertionError("mined before checking for scikit-learn")

    monkeypatch.setattr(risk_command, "mine_repo", must_not_mine)
    assert main(["risk", "train", "--repo", str(repo.path)]) == ExitCode.USAGE
    assert "training needs scikit-learn" in capsys.readouterr().err


@pytest.fixture(scope="module")
def demo_output() -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "countersign", "demo"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=300,
    )
    return proc.stdout


def test_the_demo_prints_real_commands_and_says_what_it_deletes(demo_output):
    assert "(priya, sam)" not in demo_output
    assert "$ countersign approve --base " in demo_output
    assert "$ countersign record --base " in demo_output
    assert "`countersign demo --keep` keeps it" in demo_output


def test_the_demo_shows_times_to_the_second(demo_output):
    (line,) = [x for x in demo_output.splitlines() if x.startswith("Approved once, until ")]
    stamp = line.removeprefix("Approved once, until ").split(",")[0]
    assert stamp.endswith(" UTC")
    assert "." not in stamp


DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"


@pytest.fixture
def bumps(repo):
    """A branch of three dependabot bumps and one human commit with a doubled agent trailer."""
    repo.commit("init", **{"a.txt": "a\n"})
    repo.git("checkout", "-q", "-b", "f")
    for i in range(3):
        repo.commit(f"Bump x {i}", author=DEPENDABOT, **{"a.txt": f"{i}\n"})
    doubled = AGENT + "\nCo-authored-by: Claude <noreply@anthropic.com>"
    repo.commit(doubled, author="Dana <dana@example.com>", **{"b.txt": "b\n"})
    for i in range(2):
        repo.commit(f"Bump y {i}", author=DEPENDABOT, **{"c.txt": f"{i}\n"})
    return repo


def test_a_range_is_attributed_to_its_human_author_not_its_newest_bot_commit(bumps, capsys):
    main(["check", "-C", str(bumps.path), "--format", "json"])
    assert json.loads(capsys.readouterr().out)["author"]["id"] == "dana@example.com"


def test_a_doubled_trailer_is_one_signal_and_bot_commits_one_not_counted_line(bumps, capsys):
    main(["provenance", "-C", str(bumps.path)])
    out = capsys.readouterr().out
    assert out.count("[HIGH] co-author-trailer") == 1
    assert out.count("[not counted] non-agent-bot") == 0
    assert "[not counted] 5 commits by dependabot[bot], a bot that is not a coding agent" in out
    main(["check", "-C", str(bumps.path)])
    assert capsys.readouterr().out.count("co-author-trailer: Co-authored-by: Claude") == 1
