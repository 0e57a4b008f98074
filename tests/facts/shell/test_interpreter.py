"""Interpreter one-liners: the delete APIs of each language, however the module is reached
and however the code flag is written, next to one-liners that delete nothing."""

from __future__ import annotations

import pytest

from countersign.facts.shell import Severity, ShellContext, classify

ROOT = "/work/project"
CTX = ShellContext(cwd=ROOT, project_root=ROOT, home="/home/dev")


def interpreter_delete(command: str) -> Severity | None:
    found = {f.rule: f.severity for f in classify(command, ROOT, CTX)}
    return found.get("exec.interpreter-delete")


@pytest.mark.parametrize(
    ("command", "severity"),
    [
        # the module object is an expression, not the name "fs"
        ("""node -e 'require("fs").rmSync("/", {recursive: true, force: true})'""", "critical"),
        (
            """node -e "(await import('node:fs/promises')).rm('/', {recursive: true})" """,
            "critical",
        ),
        (
            """node -e "const {rmSync} = require('fs'); rmSync('/etc', {recursive: true})" """,
            "critical",
        ),
        # rmdirSync is not rm: named as itself, path only known at run time
        ("""node -e "fs.rmdirSync(dir, {recursive: true})" """, "high"),
        ("""node -pe 'require("fs").rmSync(process.env.HOME, {recursive: true})'""", "high"),
        ("""node --eval='require("fs").rmSync("/", {recursive: true})'""", "critical"),
        ("""python3 -c "import shutil; shutil.rmtree('/')" """, "critical"),
        ("""python3 -Sc "import shutil; shutil.rmtree('/')" """, "critical"),
        ("""python3 -W ignore -c "import os; os.remove('/etc/hosts')" """, "high"),
        ("""ruby -e 'FileUtils.rm_rf("/")'""", "critical"),
        ("""ruby -rfileutils -e 'FileUtils.rm_rf "/"'""", "critical"),
        ("""perl -e 'use File::Path; rmtree("/")'""", "critical"),
        ("""perl -MFile::Path -e 'remove_tree "/home/dev"'""", "critical"),
        ("""php -r 'unlink("/etc/passwd");'""", "high"),
        ("""node -e "require('fs').rmSync('src', {recursive: true})" """, "medium"),
    ],
)
def test_delete_api_in_a_one_liner_is_found(command: str, severity: str) -> None:
    assert interpreter_delete(command) is Severity(severity)


@pytest.mark.parametrize(
    "command",
    [
        "node -e 'console.log(1)'",
        """node -e 'require("fs").readFileSync("package.json", "utf8")'""",
        """node -e "const m = new Map(); m.delete('k'); [1].remove" """,
        """python3 -c "print(1)" """,
        """python3 -c "xs = [1]; xs.remove(1)" """,
        """python3 -c "import shutil; shutil.rmtree('build')" """,
        "python3 -m pytest -c setup.cfg",
        """ruby -e 'puts 1'""",
        """perl -e 'print "rmtree\\n"'""",
        """node -e 'const rm = 1; console.log(rm)'""",
    ],
)
def test_one_liner_that_deletes_nothing_outside_scratch_passes(command: str) -> None:
    assert interpreter_delete(command) is None
