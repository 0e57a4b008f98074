"""The ``/countersign`` commands written in pull request comments, parsed into one record and
carried out on the head's workspace. Only roster people may run them; what they record goes to
the repository's ledger, under the commenter's forge identity (with the comment's id).

A command is carried out once however often its job runs (a retry, a worker that died before
the queue heard): what a run recorded is found again by the comment's id, the
``comment-command`` entry is appended last, after the acknowledgement, so finding it means
everything was done; a refusal's reply carries the comment's id in a marker and is found again.

    /countersign explain | refresh
    /countersign record --summary TEXT --test-evidence TEXT --rollback-plan TEXT
    /countersign break-glass --reason TEXT --incident REF [--hours N]
    (checked, then refused: a break-glass must be signed with a second person's SSH key)
"""

from __future__ import annotations

import logging
import shlex
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from countersign import Identity, Workspace, record
from countersign.config.roster import Person, Roster
from countersign.errors import UsageError
from countersign.service import publish
from countersign.service.github import GitHubRefused
from countersign.service.reviews import FORGE
from countersign.signoff.break_glass import check_request

if TYPE_CHECKING:
    from countersign.service.worker import Jobs

log = logging.getLogger("countersign.service.commands")

COMMAND = "comment-command"
REPLY_MARKER = "<!-- countersign:reply-to {} -->"  # the comment id a refusal answers

OPTIONS = {
    "explain": frozenset(),
    "refresh": frozenset(),
    "record": frozenset({"summary", "test-evidence", "rollback-plan"}),
    "break-glass": frozenset({"reason", "incident", "hours"}),
}


@dataclass(frozen=True)
class Command:
    name: str
    options: dict[str, str] = field(default_factory=dict)


def parse(body: str) -> Command:
    """The command on the comment's first line; ``UsageError`` saying what to write instead."""
    line = body.strip().splitlines()[0] if body.strip() else ""
    try:
        words = shlex.split(line)
    except ValueError as exc:
        raise UsageError(f"cannot read the command: {exc}") from None
    name = words[1] if len(words) > 1 else "explain"
    if name not in OPTIONS:
        raise UsageError(f"unknown command {name!r}; use one of {', '.join(OPTIONS)}")
    options: dict[str, str] = {}
    rest = words[2:]
    while rest:
        flag = rest.pop(0)
        key = flag.removeprefix("--")
        if not flag.startswith("--") or key not in OPTIONS[name]:
            raise UsageError(f"/countersign {name} does not take {flag!r}")
        if not rest:
            raise UsageError(f"{flag} needs a value")
        options[key] = rest.pop(0)
    return Command(name, options)


def commenter(roster: Roster, login: str) -> Person:
    """The roster person with this GitHub login: nobody else's commands are obeyed."""
    person = roster.find_github(login)
    if person is None:
        raise UsageError(f"{login} is not in .countersign/people.yaml on the base branch")
    return person


def run(
    jobs: Jobs,
    repository: str,
    installation: int,
    number: int,
    comment_id: int,
    login: str,
    body: str,
    event: Mapping[str, Any],
) -> str:
    """Carry out the command of comment ``comment_id`` on the pull request's current head, by a
    roster person: recorded in the ledger, the head evaluated again, acknowledged with +1; a
    refusal (not a roster person, malformed) with confused and a reply saying why. The outcome:
    the command's name, ``refused``, or ``done already``."""
    fields = {"repository": repository, "number": number}
    pr = jobs.github.call("GET", f"/repos/{repository}/pulls/{number}", installation)
    head = str(pr["head"]["sha"])
    where = jobs.fetch(repository, installation, pr, head)
    ws = jobs.open_pull(where, pr, head)
    made = recorded_for(ws.ledger.entries(), comment_id)
    if COMMAND in made:
        log.info("command done already: %s", made[COMMAND].get("result"), extra=fields)
        return "done already"
    try:
        person = commenter(ws.context.config.roster, login)
        command = parse(body)
        evidence = {
            "login": login,
            "repository": repository,
            "comment": comment_id,
            "via": "webhook",
            "api": jobs.settings.api_url,
        }
        who = Identity(person.id, FORGE, authenticated=True, evidence=evidence)
        done = perform(command, ws, person, who, made)
    except UsageError as exc:
        _refuse(jobs, repository, installation, number, comment_id, str(exc))
        log.info("command refused: %s", exc, extra=fields)
        return "refused"
    jobs.evaluate_pull_request(repository, installation, number, **event)
    _react(jobs, repository, installation, comment_id, "+1")
    ws.ledger.append(
        COMMAND,
        {
            "who": person.id,
            "identity": who.as_dict(),
            "command": command.name,
            "comment_id": comment_id,
            "fingerprint": ws.change.fingerprint,
            "head": head,
            "result": done,
        },
    )
    repository_id = int(pr["base"]["repo"]["id"])
    jobs.publish_checkpoint(repository, installation, repository_id, pr["base"]["ref"])
    log.info("command done: %s", done, extra=fields)
    return command.name


def recorded_for(entries: Iterable[Mapping[str, Any]], comment_id: int) -> dict[str, Any]:
    """The ledger's entries made for comment ``comment_id``, by kind: the command's own, and
    what it recorded under the commenter's identity (which names the comment)."""
    found: dict[str, Any] = {}
    for entry in entries:
        kind = str(entry.get("kind", ""))
        if kind == COMMAND and entry.get("comment_id") == comment_id:
            found[kind] = entry
            continue
        identity = entry.get("identity")
        forge = identity.get("forge") if isinstance(identity, Mapping) else None
        if isinstance(forge, Mapping) and forge.get("comment") == comment_id:
            found[kind] = entry
    return found


def perform(
    command: Command,
    ws: Workspace,
    person: Person,
    who: Identity,
    made: Mapping[str, Any] | None = None,
) -> str:
    """Record what ``command`` asks for in ``ws.ledger``, unless ``made`` (what an earlier run
    of the same comment recorded, by kind) holds it already; the acknowledgement's text."""
    change = ws.change
    if command.name == "record":
        earlier = (made or {}).get("change-record")
        if earlier is not None:
            given = ", ".join(earlier.get("fields", {}))
            return f"recorded {given} for {str(earlier.get('fingerprint'))[:19]}"
        fields = {k.replace("-", "_"): v for k, v in command.options.items()}
        done = record(ws.ledger, change.fingerprint, person.id, fields, who=who, person=person)
        return f"recorded {', '.join(done.fields)} for {change.fingerprint[:19]}"
    if command.name == "break-glass":
        try:
            hours = float(command.options.get("hours", "4"))
        except ValueError:
            raise UsageError("--hours must be a number of hours") from None
        check_request(command.options.get("reason", ""), command.options.get("incident", ""), hours)
        # What lifts every requirement must be signed by a second person's SSH key (the
        # library's rule), and a comment is only forge-proven: refused, with what to run.
        raise UsageError(
            "break-glass lifts every requirement, so it must be signed: run "
            f"`countersign break-glass --key YOUR_SSH_KEY --head {(change.head or '')[:12]}` "
            "against this change (a comment is only forge-proven)"
        )
    return command.name


def _refuse(
    jobs: Jobs, repository: str, installation: int, number: int, comment_id: int, why: str
) -> None:
    """Confused, and a reply saying why, once: the reply (posted after the reaction) is found
    again by its marker, as the App's own."""
    marker = REPLY_MARKER.format(comment_id)
    if publish.find_comment(jobs.github, installation, repository, number, marker) is not None:
        return
    _react(jobs, repository, installation, comment_id, "confused")
    jobs.github.call(
        "POST",
        f"/repos/{repository}/issues/{number}/comments",
        installation,
        body={"body": f"`/countersign`: {why}\n\n{marker}"},
    )


def _react(jobs: Jobs, repository: str, installation: int, comment_id: int, content: str) -> None:
    """GitHub keeps one reaction of a kind per user (a second is answered 200, not added). A
    refusal (the comment deleted meanwhile) is logged: the acknowledgement is a courtesy, what
    the command did is recorded all the same."""
    try:
        jobs.github.call(
            "POST",
            f"/repos/{repository}/issues/comments/{comment_id}/reactions",
            installation,
            body={"content": content},
        )
    except GitHubRefused as exc:
        log.warning("no reaction to comment %s: %s", comment_id, exc)
