"""The exception tree and the exit codes, in one place.

    FatalError                    an expected failure: one line to the user, exit code attached
     +-- UsageError               bad arguments                                  (exit 3)
     +-- ConfigError              a .countersign/ file is missing or invalid     (exit 3)
     +-- InputError               a revision, patch, plan or payload is unusable (exit 4)
     |    +-- NothingToCheckError no difference between the base and the head   (exit 4)
     +-- LedgerError              the ledger cannot be read, written or trusted  (exit 5)
          +-- LedgerUnavailable   its database refused or dropped the connection (exit 5)

Anything else is a bug: the error boundary in ``main`` writes a report and exits 70.
A policy violation is not an error: it is a verdict, with exit 1 (needs approval) or 2 (blocked).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes (README, ``countersign --help``)."""

    PASS = 0
    NEEDS_APPROVAL = 1
    BLOCKED = 2
    USAGE = 3
    INPUT = 4
    LEDGER = 5
    INTERNAL = 70
    INTERRUPTED = 130


class FatalError(Exception):
    """An expected failure, reported as one line; subclasses choose the exit code."""

    exit_code: ExitCode = ExitCode.INPUT


class UsageError(FatalError):
    exit_code = ExitCode.USAGE


class ConfigError(FatalError):
    """A configuration file is invalid. The message names the file, the key path and the fix."""

    exit_code = ExitCode.USAGE

    def __init__(self, file: str, key: str, problem: str) -> None:
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: {problem}")
        self.file = file
        self.key = key
        self.problem = problem


class InputError(FatalError):
    exit_code = ExitCode.INPUT


class NothingToCheckError(InputError):
    """The head's tree is the base's: an empty commit, a merge that kept nothing. A release
    or a replay passes it as shipping nothing; ``check`` of it is an error."""


class LedgerError(FatalError):
    exit_code = ExitCode.LEDGER


class LedgerUnavailable(LedgerError):  # noqa: N818 - named for what the caller sees
    """The ledger's database could not be reached, or ended the connection: the ledger says
    nothing wrong, and trying again later may read it (the service's queue retries the job
    instead of publishing that the head could not be analysed)."""
