"""The heavy parsers load only for changes that need them: most changes touch neither SQL nor
shell, and every ``check`` pays for what is imported."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from countersign.facts.context import Context
from countersign.facts.hazards import find_hazards
from countersign.intake.change import Change, FileChange, FileStatus
docs = FileChange("docs/a.md", FileStatus.MODIFIED, old_text="a\\n", new_text="b\\n")
find_hazards(Change("a", "b", "", files=(docs,)), Context())
print(json.dumps(sorted(m for m in ("postgast", "tree_sitter", "tree_sitter_bash") if m in sys.modules)))
"""


def test_a_change_without_sql_or_shell_loads_neither_parser():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == []
