"""One effective command: the words it will run with, after quoting, variables and redirections
are resolved as far as they can be without running anything."""

from __future__ import annotations

import shlex

from countersign.records import record, replace


@record(frozen=True)
class Invocation:
    """``argv`` keeps the source text of parts that could not be resolved (``$DIR``), and then
    ``exact`` is False. ``stdin`` is the text fed to it when known (heredoc, here-string,
    ``echo ... |``), ``stdin_from`` names the producer when it is not (``curl``, a file).
    ``opaque`` marks a command parsed out of code (``eval``, ``bash -c``) whose text held parts
    only known at run time (``eval "$X"``): what such a part expands to is run as code.
    ``unseen`` says what about it could not be seen (an image's unknown entrypoint): such a
    command that mentions a destructive word is asked about, never allowed."""

    argv: tuple[str, ...]
    exact: bool = True
    env: tuple[tuple[str, str], ...] = ()
    stdin: str | None = None
    stdin_from: str | None = None
    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    cwd: str | None = None
    via: tuple[str, ...] = ()
    depth: int = 0
    opaque: bool = False
    unseen: str = ""

    @property
    def name(self) -> str:
        """The program's base name (``/usr/bin/rm`` -> ``rm``), or "" for an empty command."""
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]

    def envvar(self, name: str) -> str | None:
        for key, value in reversed(self.env):
            if key == name:
                return value
        return None

    def text(self) -> str:
        return shlex.join(self.argv)[:500]

    def nested(self, argv: tuple[str, ...], how: str, **changes: object) -> Invocation:
        """The command this one runs (``sudo rm`` -> ``rm``), remembering how it got there."""
        return replace(
            self,
            argv=argv,
            via=(*self.via, how),
            depth=self.depth + 1,
            **changes,  # type: ignore[arg-type]
        )
