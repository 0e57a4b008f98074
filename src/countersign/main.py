"""The ``countersign`` command: parse arguments, dispatch to ``commands/``, and be the one error
boundary. The agent guard is dispatched before anything heavy is imported: it runs before every
shell command an agent issues; so is the ``commit-msg`` hook, which runs on every commit."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing and contextlib stay off the guard's path
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any


def main(argv: list[str] | tuple[str, ...] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["guard"] and not {"install", "uninstall", "packs"} & set(args[1:2]):
        from countersign.guard.entry import run_guard

        return run_guard(args[1:])
    if args[:2] == ["hooks", "commit-msg"] and "--help" not in args and "-h" not in args:
        from countersign.hooks.commit_msg import run_commit_msg

        return run_commit_msg(args[2:])
    return _run_cli(args)


def _run_cli(args: list[str]) -> int:
    import click

    from countersign.cli import cli
    from countersign.errors import ExitCode, FatalError

    try:
        with _reader_may_stop():
            result = cli.main(args=args, prog_name="countersign", standalone_mode=False)
    except FatalError as exc:
        click.echo(f"countersign: error: {exc}", err=True)
        return int(exc.exit_code)
    except click.exceptions.Abort:
        return int(ExitCode.INTERRUPTED)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:  # noqa: BLE001 - the one boundary that turns bugs into a report
        return _report_bug(exc)
    return int(result or 0)


class _Stdout:
    """stdout that stops writing, quietly, once its reader has gone (``| head -1``): the
    command still finishes and exits with its own code, not with a broken-pipe error."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.closed_by_reader = False

    def write(self, text: str) -> int:
        if not self.closed_by_reader:
            try:
                return int(self._stream.write(text))
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self) -> None:
        if not self.closed_by_reader:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self) -> None:
        self.closed_by_reader = True
        # what is left in the buffer would fail again when Python flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())
        os.close(devnull)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class _reader_may_stop:  # noqa: N801 - used as a context manager, like contextlib's
    """``sys.stdout`` is a ``_Stdout`` inside the block."""

    def __enter__(self) -> None:
        self.original = sys.stdout
        sys.stdout = _Stdout(self.original)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        sys.stdout = self.original


def _report_bug(exc: BaseException) -> int:
    import tempfile
    import traceback
    from pathlib import Path

    from countersign import __version__
    from countersign.errors import ExitCode

    # COUNTERSIGN_CRASH_DIR keeps reports out of the system temp directory (the tests set it)
    where = os.environ.get("COUNTERSIGN_CRASH_DIR") or None
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", prefix="countersign-crash-", suffix=".log", delete=False, dir=where
    ) as log:
        log.write(f"countersign {__version__}\nargs: {sys.argv!r}\n\n")
        traceback.print_exception(exc, file=log)
    sys.stderr.write(
        f"countersign: internal error ({type(exc).__name__}: {exc}); this is a bug. "
        f"Details are in {log.name}; please attach it to a bug report.\n"
    )
    return int(ExitCode.INTERNAL)
