"""What the guard knows of one agent's hook protocol, in one typed record per agent module.

A plain class with slots rather than a dataclass: the record is read on the guard's fast path,
before every shell command, where importing ``dataclasses`` (and ``inspect``) would cost more
than the rest of the answer. It is frozen all the same.
"""

from __future__ import annotations

from countersign.guard import wire

TYPE_CHECKING = False  # typing stays off the fast path
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    # (stdout, stderr, exit code): what the guard prints for one decision.
    Reply = tuple[str, str, int]
    # The payload as the agent sent it -> the common shape read_call understands
    # (``tool_name``, ``tool_input``, ``cwd``, ``session_id``, ``hook_event_name``).
    Reader = Callable[[dict[str, Any]], dict[str, Any]]
    # (decision allow|ask|deny, reason, explicit, event pre|permission) -> the reply.
    Answerer = Callable[[str, str, bool, str], Reply]
    # The program to run (``countersign``) -> event -> hook entries for the settings file.
    Entries = Callable[[str], dict[str, list[dict[str, Any]]]]


class Agent:
    """One agent's protocol. ``project_file``/``user_file`` are where ``guard install`` writes
    (relative to the repository root and to the home); ``protected`` every file of the agent
    that can switch the guard off; ``pre``/``permission``/``post`` the event names (lower case)
    that judge a call, answer a permission prompt, or only record; ``fast_allow`` what an allow
    prints on the fast path; ``crash`` what the installed command prints if the guard dies."""

    __slots__ = (
        "answer",
        "crash",
        "defaults",
        "docs",
        "entries",
        "fast_allow",
        "name",
        "note",
        "permission",
        "post",
        "pre",
        "project_file",
        "protected",
        "read",
        "user_file",
    )

    name: str
    project_file: str
    user_file: str
    protected: tuple[str, ...]
    pre: frozenset[str]
    permission: frozenset[str]
    post: frozenset[str]
    read: Reader
    answer: Answerer
    entries: Entries
    fast_allow: str
    crash: str
    defaults: Mapping[str, Any]
    note: str
    docs: tuple[str, ...]

    def __init__(self, **fields: Any) -> None:
        missing = set(self.__slots__) - set(fields)
        if missing:
            raise TypeError(f"Agent record without {', '.join(sorted(missing))}")
        for key, value in fields.items():
            object.__setattr__(self, key, value)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(f"Agent records are frozen ({key})")

    def __repr__(self) -> str:
        return f"Agent({self.name!r})"


def same(data: dict[str, Any]) -> dict[str, Any]:
    """The reader of agents that already send the common shape."""
    return data


def hook_specific(event: str, body: dict[str, Any]) -> str:
    """Claude-shaped ``hookSpecificOutput`` JSON for ``event``, as one line."""
    return wire.dumps({"hookSpecificOutput": {"hookEventName": event, **body}}) + "\n"


CRASHED = "countersign guard crashed before it could decide; a human must check this action"


def guarded(command: str, fallback: str) -> str:
    """``command`` for a pre-execution hook, printing ``fallback`` if the guard process dies."""
    return f"{command} || printf '%s\\n' '{fallback}'"


# The guard's own launcher under each person's home (``guard/launcher.py`` writes it): it starts
# the interpreter isolated, without the console script's imports; a hook runs it when it is there.
LAUNCHER = ".countersign/bin/countersign-guard"


def launched(program: str, args: str) -> str:
    """The shell command of a hook entry that runs ``countersign guard ARGS``: the launcher in
    the home of whoever runs the agent when there is one, else ``program`` (the console script)."""
    path = f'"$HOME/{LAUNCHER}"'
    return f"if [ -x {path} ]; then {path} {args}; else {program} guard {args}; fi"
