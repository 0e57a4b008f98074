"""The guard's own launcher, ``~/.countersign/bin/countersign-guard``: the hook command runs it
when it is there, else the ``countersign`` console script.

pip's console-script wrapper imports ``re`` before any of our code runs and the interpreter it
starts reads ``site`` (``.pth`` files, ``sitecustomize``), ``PYTHONPATH`` and the user's site
directory: together about 0.95x of a bare ``python -c pass``, on every shell command an agent
runs. The launcher starts this installation's interpreter isolated (``-I``: no ``PYTHON*``
variables, no user site, neither the current directory nor the script's on ``sys.path``) and
without ``site`` (``-S``), with the package's paths written into it at install time, so neither
a ``countersign`` module planted in the working tree or ``PYTHONPATH`` nor a ``sitecustomize``
can run first. If the interpreter is gone it runs the console script; if the package cannot be
imported from the paths it was written with, the console script too; if that is missing, the
command fails and the hook's own fallback asks. POSIX only: on Windows none is written.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

from countersign.guard.agents.record import LAUNCHER

MARK = "countersign guard launcher"

_CODE = """\
import sys
sys.path[len(sys.path):] = {paths!r}
try:
    from countersign.guard.entry import run_guard
except ImportError:
    run_guard = None
if run_guard is None:
    import os
    os.execvp("countersign", ["countersign", "guard", *sys.argv[1:]])
sys.exit(run_guard(sys.argv[1:]))
"""


def argv(python: str, paths: list[str]) -> list[str]:
    """What the launcher executes (before the guard's own arguments)."""
    return [python, "-IS", "-c", _CODE.format(paths=paths)]


def script(python: str, paths: list[str], version: str) -> str:
    """The launcher's text: a POSIX shell script that checks its interpreter is still there."""
    run = " ".join(shlex.quote(part) for part in argv(python, paths))
    return (
        "#!/bin/sh\n"
        f"# {MARK}, written by `countersign guard install` (countersign {version}).\n"
        "# Runs the guard isolated (-I) and without site (-S) from the paths below; write it\n"
        "# again with `countersign guard install` after moving or reinstalling countersign.\n"
        f'[ -x {shlex.quote(python)} ] || exec countersign guard "$@"\n'
        f'exec {run} "$@"\n'
    )


def package_paths(python: str = sys.executable) -> list[str]:
    """The ``sys.path`` entries this process found countersign and its dependencies in, minus
    what the isolated interpreter has anyway and what only this process's environment added
    (``PYTHONPATH``, the script's or current directory), except the package's own directory."""
    import countersign

    own = str(Path(countersign.__file__).resolve().parent.parent)
    isolated = subprocess.run(
        [python, "-IS", "-c", "import sys; print('\\n'.join(sys.path))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    default = set(isolated.splitlines())
    from_env = set(os.environ.get("PYTHONPATH", "").split(os.pathsep))
    paths: list[str] = []
    for entry in sys.path[1:]:
        if not entry or not Path(entry).is_absolute() or entry in default or entry in from_env:
            continue
        if Path(entry).is_dir() and entry not in paths:
            paths.append(entry)
    return [own, *(entry for entry in paths if entry != own)]


def write(home: Path, python: str = sys.executable) -> Path | None:
    """Write the launcher under ``home`` for this installation; None on Windows."""
    if os.name != "posix":
        return None
    from countersign import __version__

    path = home / LAUNCHER
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".countersign-tmp")
    tmp.write_text(script(python, package_paths(python), __version__), encoding="utf-8")
    tmp.chmod(0o755)
    tmp.replace(path)
    return path
