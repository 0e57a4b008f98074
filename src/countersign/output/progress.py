"""Progress of a long run over many changes (replay, verify): a bar on a terminal, otherwise a
line on stderr every ``EVERY`` seconds, so CI logs show the run is alive."""

from __future__ import annotations

import sys
import time
from typing import Any, Self

import click

EVERY = 10.0  # seconds between progress lines when stderr is not a terminal


class Progress:
    """``with Progress(total, "replaying", "replay") as step: ... step()`` after each change."""

    def __init__(self, total: int, label: str, noun: str) -> None:
        self.total, self.label, self.noun, self.done = total, label, noun, 0
        self.started = time.monotonic()
        self.last = 0.0
        self.bar: Any = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)

    def of(self, total: int) -> None:
        """One more change done, of ``total`` (for a caller that learns the total late)."""
        self.total = total
        self()

    def __call__(self) -> None:
        self.done += 1
        if self.bar is None and sys.stderr.isatty() and self.total > 1:
            self.bar = click.progressbar(length=self.total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(1)
            return
        elapsed = time.monotonic() - self.started
        if elapsed - self.last >= EVERY and self.done < self.total:
            self.last = elapsed
            click.echo(f"{self.noun}: {self.done}/{self.total} changes ({elapsed:.0f} s)", err=True)
