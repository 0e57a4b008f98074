"""Commands that record and audit sign-offs: approve, record, status, break-glass, ledger,
policy and replay."""

from __future__ import annotations

from pathlib import Path

import click

from countersign.cli.options import check_status_option, format_choice, range_options, repo_option


@click.command()
@range_options
@click.option("--as", "identity", help="Approver identity (default: git user.email).")
@click.option(
    "--requirement",
    help="Only this requirement or rule (default: every one you may sign); "
    "break-glass/follow-up reviews a break-glass.",
)
@click.option("--note", default="", help="Why you approve.")
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign with this SSH key (or its .pub, the key in ssh-agent), listed in people.yaml "
    "keys: the approval is then proven (signed), not just claimed.",
)
@check_status_option(hidden=True)
@click.option(
    "--action",
    "action",
    metavar="ID",
    help="Approve one agent action the guard stopped (the id in the agent's message), once.",
)
@click.option(
    "--from-review",
    "review",
    type=click.Path(dir_okay=False),
    help="Record a GitHub pull_request_review event's approval (e.g. $GITHUB_EVENT_PATH) as its "
    "reviewer's sign-off of the reviewed commit; reviewers are matched by people.yaml github.",
)
@click.option(
    "--solo",
    "solo",
    metavar="EVENT",
    type=click.Path(dir_okay=False),
    help="In a repository of one person: record a GitHub pull_request event's author as its "
    "sign-off, once GitHub confirms they are its only collaborator and an administrator.",
)
@repo_option
def approve(
    base: str | None,
    head: str,
    worktree: bool,
    identity: str | None,
    requirement: str | None,
    note: str,
    key_file: Path | None,
    checks: tuple[str, ...],
    action: str | None,
    review: str | None,
    solo: str | None,
    repo: Path,
) -> int:
    """Approve the exact content of a change (bound to its fingerprint), or with --action one
    agent action the guard stopped.

    Refused when it would not count: an author of the change, an agent identity, someone not
    in the roster, or below the level or outside the team a requirement asks for."""
    if action:
        from countersign.commands.approve_action import approve_action

        return approve_action(repo, action=action, identity=identity, note=note, key_file=key_file)
    if solo:
        from countersign.commands.approve_solo import approve_solo

        if identity or key_file or base or worktree or head != "HEAD" or review:
            raise click.UsageError(
                "--solo takes the approver and the change from the event; drop --as, --key, "
                "--base, --head, --worktree and --from-review"
            )
        return approve_solo(repo, payload=solo)
    if review:
        from countersign.commands.approve_review import approve_review

        if identity or key_file or base or worktree or head != "HEAD":
            raise click.UsageError(
                "--from-review takes the approver and the change from the event; "
                "drop --as, --key, --base, --head and --worktree"
            )
        return approve_review(repo, payload=review, requirement=requirement)
    from countersign.commands.approve import approve as run
    from countersign.intake.checks import parse_checks
    from countersign.intake.selection import ChangeSelection

    return run(
        repo,
        ChangeSelection(base, head, worktree),
        identity=identity,
        requirement=requirement,
        note=note,
        key_file=key_file,
        checks=parse_checks(checks),
    )


@click.command()
@range_options
@check_status_option()
@format_choice("text", "json")
@repo_option
def status(
    base: str | None,
    head: str,
    worktree: bool,
    checks: tuple[str, ...],
    fmt: str,
    repo: Path,
) -> int:
    """Show a change's requirements, its approvals (and why any do not count), stale approvals
    and break-glass follow-up reviews still due."""
    from countersign.commands.status import status as run
    from countersign.intake.checks import parse_checks
    from countersign.intake.selection import ChangeSelection

    selection = ChangeSelection(base, head, worktree)
    return run(repo, selection, checks=parse_checks(checks), fmt=fmt)


@click.command("break-glass")
@click.option("--reason", required=True, help="Why the rules must be bypassed now.")
@click.option("--incident", required=True, help="Incident reference, e.g. INC-1234.")
@click.option(
    "--hours", type=float, default=4.0, show_default=True, help="How long it lasts (max 72)."
)
@range_options
@click.option("--as", "identity", help="Who breaks the glass (must match the key's owner).")
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your SSH key (or its .pub, the key in ssh-agent), listed in people.yaml: required.",
)
@repo_option
def break_glass(
    reason: str,
    incident: str,
    hours: float,
    base: str | None,
    head: str,
    worktree: bool,
    identity: str | None,
    key_file: Path | None,
    repo: Path,
) -> int:
    """Lift every requirement on this exact change during an incident, for a limited time.

    Recorded in the ledger; leaves a follow-up review (by someone else) that status shows."""
    from countersign.commands.break_glass import break_glass as run
    from countersign.intake.selection import ChangeSelection

    return run(
        repo,
        ChangeSelection(base, head, worktree),
        identity=identity,
        key_file=key_file,
        reason=reason,
        incident=incident,
        hours=hours,
    )


ledger_option = click.option(
    "--ledger",
    "location",
    help="SQLite file or postgresql:// URL (default: $COUNTERSIGN_LEDGER or "
    ".countersign/ledger.db).",
)


@click.group()
def ledger() -> None:
    """Verify, export, checkpoint or list the keys of the signed, hash-chained ledger."""


@ledger.command("init")
@ledger_option
@repo_option
def ledger_init(location: str | None, repo: Path) -> int:
    """Create the ledger at --ledger or $COUNTERSIGN_LEDGER (readers never create one, so a
    mistyped location is an error, not an empty ledger)."""
    from countersign.commands.ledger import init

    return init(repo, location=location)


@ledger.command("checkpoint")
@ledger_option
@repo_option
def ledger_checkpoint(location: str | None, repo: Path) -> int:
    """Verify the ledger, then write a signed checkpoint of its newest entry in
    .countersign/ledger-checkpoints; committed with the protected branch (by CI), it lets
    every machine see a later rewind."""
    from countersign.commands.ledger import checkpoint

    return checkpoint(repo, location=location)


@ledger.command("verify")
@ledger_option
@repo_option
def ledger_verify(location: str | None, repo: Path) -> int:
    """Check every entry's chain link and signature; say where anything was edited, deleted,
    inserted or reordered, or where an older policy version came back. Exit 5 if so."""
    from countersign.commands.ledger import verify

    return verify(repo, location=location)


@ledger.command("export")
@ledger_option
@click.option("-o", "--output", help="Write entries (JSON lines) here (default: stdout).")
@click.option("--dsse", help="Also write a DSSE/in-toto envelope per approval (JSON lines).")
@repo_option
def ledger_export(location: str | None, output: str | None, dsse: str | None, repo: Path) -> int:
    """Export the verified ledger for auditors."""
    from countersign.commands.ledger import export

    return export(repo, location=location, output=output, dsse=dsse)


@ledger.command("keys")
@ledger_option
@click.option(
    "--rotate",
    "rotate_key",
    is_flag=True,
    help="Retire this machine's signing key (kept beside it) and create a new one.",
)
@repo_option
def ledger_keys(location: str | None, rotate_key: bool, repo: Path) -> int:
    """List the keys that signed the ledger, whether .countersign/ledger-keys pins them, and
    this machine's key as a line to pin there."""
    from countersign.commands.ledger import keys

    return keys(repo, location=location, rotate_key=rotate_key)


@click.group()
def policy() -> None:
    """Test and explain the policy."""


@policy.command("test")
@click.argument("cases", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--policy",
    "policy_file",
    help="Policy file (default: .countersign/policy.yaml in the working tree).",
)
@repo_option
def policy_test(cases: tuple[str, ...], policy_file: str | None, repo: Path) -> int:
    """Run YAML test cases: facts in, expected requirement ids out. Exit 1 if any fails."""
    from countersign.commands.policy import test

    return test(repo, cases=cases, policy_file=policy_file)


@policy.command("explain")
@range_options
@check_status_option()
@repo_option
def policy_explain(
    base: str | None, head: str, worktree: bool, checks: tuple[str, ...], repo: Path
) -> int:
    """Show each rule and why it fired or not for a change, with the fact values it read."""
    from countersign.commands.policy import explain
    from countersign.intake.checks import parse_checks
    from countersign.intake.selection import ChangeSelection

    return explain(repo, ChangeSelection(base, head, worktree), checks=parse_checks(checks))


@click.command()
@click.argument("revs", required=False, metavar="[RANGE]")
@click.option("--merges", is_flag=True, help="Each merge is a change (default: each commit).")
@click.option("--limit", type=int, default=200, show_default=True, help="At most this many.")
@click.option(
    "--policy",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Judge every change by this policy instead of its base's.",
)
@click.option(
    "--catalog",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Judge every change with this catalog (Backstage files and CODEOWNERS from the "
    "range's newest commit) instead of its base's.",
)
@click.option(
    "--people",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Judge every change with this roster instead of its base's.",
)
@click.option(
    "--config",
    type=click.Path(file_okay=False, path_type=Path),
    help="A directory holding any of policy.yaml, catalog.yaml, people.yaml to judge by.",
)
@click.option(
    "--gap-days",
    type=float,
    default=90.0,
    show_default=True,
    help="SZZ labels: the newest changes stay unlabelled unless found defect-inducing.",
)
@format_choice("text", "json", "markdown")
@repo_option
def replay(
    revs: str | None,
    merges: bool,
    limit: int,
    policy: Path | None,
    catalog: Path | None,
    people: Path | None,
    config: Path | None,
    gap_days: float,
    fmt: str,
    repo: Path,
) -> int:
    """Shadow mode: what the policy (each change's base's, or a candidate given with --policy,
    --catalog, --people or --config) would have required of past changes (first-parent history
    of RANGE, default HEAD): the rules fired on each and why, per rule the changes gated,
    approvals by level and defect-inducing changes caught (SZZ labels from `risk mine`),
    gated_share and defect_share_gated. Records nothing."""
    from countersign.commands.replay import replay as run

    return run(
        repo,
        revs=revs,
        merges=merges,
        limit=limit,
        fmt=fmt,
        policy=policy,
        catalog=catalog,
        people=people,
        config=config,
        gap_days=gap_days,
    )


@click.command()
@range_options
@click.option("--summary", default="", help="What changes and why.")
@click.option("--test-evidence", default="", help="How it was tested.")
@click.option("--rollback-plan", default="", help="How to undo it.")
@click.option("--as", "identity", help="Author of the record (default: git user.email).")
@click.option(
    "--key",
    "key_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Sign the record with this SSH key (or its .pub, the key in ssh-agent).",
)
@repo_option
def record(
    base: str | None,
    head: str,
    worktree: bool,
    summary: str,
    test_evidence: str,
    rollback_plan: str,
    identity: str | None,
    key_file: Path | None,
    repo: Path,
) -> int:
    """Write the change record (summary, test evidence, rollback plan) for a change."""
    from countersign.commands.record import record as run
    from countersign.intake.selection import ChangeSelection

    return run(
        repo,
        ChangeSelection(base, head, worktree),
        identity=identity,
        fields={"summary": summary, "test_evidence": test_evidence, "rollback_plan": rollback_plan},
        key_file=key_file,
    )
