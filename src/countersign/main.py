"""The ``countersign`` command: parse arguments, dispatch to ``commands/``, and be the one error
boundary. The agent guard is dispatched before anything heavy is imported: it runs before every
shell command an agent issues; so is the ``commit-msg`` hook, which runs on every commit."""

from __future__ import annotations

import sys


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


def _report_bug(exc: BaseException) -> int:
    import tempfile
    import traceback

    from countersign import __version__
    from countersign.errors import ExitCode

    with tempfile.NamedTemporaryFile(
        "w", prefix="countersign-crash-", suffix=".log", delete=False
    ) as log:
        log.write(f"countersign {__version__}\nargs: {sys.argv!r}\n\n")
        traceback.print_exception(exc, file=log)
    sys.stderr.write(
        f"countersign: internal error ({type(exc).__name__}: {exc}); this is a bug. "
        f"Details are in {log.name}; please attach it to a bug report.\n"
    )
    return int(ExitCode.INTERNAL)
