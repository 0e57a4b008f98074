from __future__ import annotations

import subprocess
import sys

from countersign.facts.shell import classify


def test_characters_that_crash_the_bash_grammar_are_parsed_safely():
    # tree-sitter-bash segfaults on "{" followed by some code points above U+FFFF; the parse
    # runs in a child process so that a regression fails this test instead of the whole run.
    program = (
        "from countersign.facts.shell import classify\n"
        "for cp in (0xDEF9F, 0xE0000, 0xF0000, 0x10FFFF, 0x7A123):\n"
        "    for prefix in ('{', 'x{', 'rm -rf {'):\n"
        "        classify(prefix + chr(cp))\n"
        "print('ok')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout == "ok\n"


def test_a_command_with_astral_characters_is_still_understood():
    (finding,) = classify("rm -rf / # \U0001f600")
    assert finding.rule == "fs.recursive-delete"
