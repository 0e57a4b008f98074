"""``countersign demo``: a sample monorepo and a risky AI-assisted change, end to end. The story
runs the real commands through ``run`` (a command line in, its exit code out), which the CLI
layer passes in, so no command imports another."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import click

from countersign.demo.sample import build, make_keys, public_keys
from countersign.errors import FatalError
from countersign.gate.verdict import Verdict

Run = Callable[[list[str]], int]

VERDICTS = {int(v.exit_code): str(v) for v in Verdict}


def _step(title: str) -> None:
    click.echo("")
    click.secho(f"== {title}", bold=True)


def _run_check(run: Run, repo: Path) -> int:
    click.secho("$ countersign check --check-status tests=success", dim=True)
    code = run(["check", "--check-status", "tests=success", "-C", str(repo)])
    click.secho(f"(exit code {code})", dim=True)
    return code


def _verdict(code: int) -> str:
    return f"exit {code} ({VERDICTS.get(code, 'error')})"


def _agent_story(run: Run, repo: Path, keys: dict[str, Path]) -> str:
    """Deny, a refused self-approval, a second human's approval of that exact action, one
    allowed retry, then denied again."""
    import re

    from countersign.demo.agent import OPERATOR, agent_runs

    command = "terraform -chdir=infra/prod apply -replace=aws_db_instance.orders -auto-approve"
    click.secho(f"agent> {command}", dim=True)
    first, reason = agent_runs(repo, command)
    click.echo(f"guard: {first}: {reason}")
    action = re.search(r"--action (\w+)", reason)
    if action is None:
        return first
    for who in (OPERATOR.partition("@")[0], "sam"):
        click.secho(f"$ countersign approve --action {action[1]} --key {keys[who]}", dim=True)
        try:
            run(
                [
                    "approve",
                    "--action",
                    action[1],
                    "--key",
                    str(keys[who]),
                    "--note",
                    "snapshot taken",
                    *_in(repo),
                ]
            )
        except FatalError as refused:
            click.echo(f"countersign: error: {refused}  (exit {int(refused.exit_code)})")
    decisions = [first]
    for _ in range(2):
        click.secho(f"agent> {command}", dim=True)
        decision, reason = agent_runs(repo, command)
        click.echo(f"guard: {decision}: {reason}")
        decisions.append(decision)
    return ", then ".join(decisions)


def _release_story(run: Run, repo: Path, keys: dict[str, Path]) -> str:
    """The merged branch still holds the edit nobody signed: the release stops there until the
    branch, as its pull request shows it now, is signed off again."""
    from countersign.demo.sample import Builder

    b = Builder(repo)
    branch = b.git("rev-parse", "--abbrev-ref", "HEAD").strip()
    deployed = b.git("rev-parse", "main").strip()
    b.git("checkout", "-q", "main")
    b.git("merge", "-q", "--no-ff", "-m", f"Merge {branch}", branch)
    codes = []
    on = ["--base", deployed, "--head", branch]
    for attempt in range(2):
        click.secho(
            f"$ countersign verify --base {deployed[:12]} --check-status tests=success", dim=True
        )
        codes.append(
            run(["verify", "--base", deployed[:12], "--check-status", "tests=success", *_in(repo)])
        )
        if attempt or codes[-1] == 0:
            break
        shown = f"--base {deployed[:12]} --head {branch}"
        for who in ("priya", "sam"):
            click.secho(f"$ countersign approve {shown} --key {keys[who]} --note ...", dim=True)
            run(
                [
                    "approve",
                    *on,
                    "--key",
                    str(keys[who]),
                    "--note",
                    "Re-reviewed: three retries.",
                    *_in(repo),
                ]
            )
        click.secho(
            f"$ countersign record {shown} --key {keys['dana']} --summary ... "
            "--test-evidence ... --rollback-plan ...",
            dim=True,
        )
        run(
            [
                "record",
                *on,
                "--key",
                str(keys["dana"]),
                "--summary",
                (
                    "Retry card charges up to three times; drop legacy_coupon; "
                    "upgrade orders DB to PostgreSQL 16."
                ),
                "--test-evidence",
                "Unit tests for the retries; migration rehearsed on staging.",
                "--rollback-plan",
                "Restore orders-prod from the pre-change snapshot; revert.",
                *_in(repo),
            ]
        )
    return ", then ".join(_verdict(code) for code in codes)


def _in(repo: Path) -> list[str]:
    return ["-C", str(repo)]


def demo(*, keep: bool, run: Run) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="countersign-demo-"))
    repo = tmp / "shop"
    try:
        _step("A sample shop monorepo")
        keys = make_keys(tmp / "keys")
        build(repo, public_keys(keys))
        click.echo(
            f"Built {repo}: six services (checkout and payments-gateway are tier 1;\n"
            "storefront and mobile-api depend on checkout), a roster of five engineers\n"
            "from junior to principal, each with an SSH signing key (throwaway ones, made\n"
            f"with ssh-keygen in {tmp / 'keys'}), and a history of human and AI-assisted commits."
        )
        _step("Dana (junior) asked an agent to add a retry to checkout")
        click.echo(
            "The agent also dropped a column in a migration and shipped a Terraform plan\n"
            "that replaces the production orders database. The gate runs on her branch:"
        )
        first = _run_check(run, repo)
        _step("Sign-offs, each signed by the approver's own key and bound to this exact content")
        for how in (
            ["--key", str(keys["dana"])],  # the author, with her own key
            ["--as", "priya@shop.example"],  # dana typing someone else's name
        ):
            click.secho(f"$ countersign approve {' '.join(how)}", dim=True)
            try:
                run(["approve", *how, "--note", "LGTM", *_in(repo)])
            except FatalError as refused:
                click.echo(f"countersign: error: {refused}  (exit {int(refused.exit_code)})")
        for who, note in (
            ("priya", "Reviewed retry logic and the migration."),
            ("sam", "Snapshot taken; replacement window agreed."),
        ):
            click.secho(f"$ countersign approve --key {keys[who]}", dim=True)
            run(["approve", "--key", str(keys[who]), "--note", note, *_in(repo)])
        click.secho(
            "$ countersign record --summary ... --test-evidence ... --rollback-plan ...", dim=True
        )
        run(
            [
                "record",
                "--key",
                str(keys["dana"]),
                "--summary",
                (
                    "Retry card charges once on gateway timeout; drop legacy_coupon; "
                    "upgrade orders DB to PostgreSQL 16."
                ),
                "--test-evidence",
                "Unit tests for the retry; migration rehearsed on a staging copy.",
                "--rollback-plan",
                "Restore orders-prod from the pre-change snapshot; revert commit.",
                *_in(repo),
            ]
        )
        _step("The gate runs again")
        second = _run_check(run, repo)
        _step("The agent edits one more line: the sign-offs no longer match the content")
        app = repo / "services/checkout/app.py"
        app.write_text(
            app.read_text(encoding="utf-8").replace("retries: int = 1", "retries: int = 3"),
            encoding="utf-8",
        )
        from countersign.demo.sample import Builder

        Builder(repo).commit("dana", "checkout: retry three times", {})
        third = _run_check(run, repo)
        _step("Meanwhile the agent tries to apply the plan itself")
        guarded = _agent_story(run, repo, keys)
        _step("Release day: the branch is merged and the deploy gate checks the release")
        release = _release_story(run, repo, keys)
        _step("Summary")
        click.echo(
            f"first check: {_verdict(first)}; after the sign-offs: {_verdict(second)}; "
            f"after a content change: {_verdict(third)}.\n"
            f"The agent's production apply: {guarded}.\n"
            f"The release: {release}."
        )
        if keep:
            click.echo(f"The sample repository is kept at {repo}.")
        else:
            click.echo(
                "The sample repository is deleted now; `countersign demo --keep` keeps it "
                "to explore."
            )
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0
