"""The ``/countersign`` commands written in pull request comments, parsed into one record and
carried out on the head's workspace. Only roster people may run them (the worker checks);
what they record goes to the repository's ledger, under the commenter's forge identity.

    /countersign explain | refresh
    /countersign record --summary TEXT --test-evidence TEXT --rollback-plan TEXT
    /countersign break-glass --reason TEXT --incident REF [--hours N]
    (checked, then refused: a break-glass must be signed with a second person's SSH key)
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

from countersign import Identity, Workspace, record
from countersign.config.roster import Person, Roster
from countersign.errors import UsageError
from countersign.signoff.break_glass import check_request

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


def perform(command: Command, ws: Workspace, person: Person, who: Identity) -> str:
    """Record what ``command`` asks for in ``ws.ledger``; the acknowledgement's text."""
    change = ws.change
    if command.name == "record":
        fields = {k.replace("-", "_"): v for k, v in command.options.items()}
        done = record(ws.ledger, change.fingerprint, person.id, fields)
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
