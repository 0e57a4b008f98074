from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from countersign.decision.cel_runtime import load
cel = load()
value = cel.evaluate("size(xs) > 1 && a == 'b'", {"xs": [1, 2], "a": "b"})
shell = sorted(m for m in ("typer", "rich", "prompt_toolkit") if m in sys.modules)
import cel.cli
print(json.dumps({"value": value, "shell": shell, "real_cli": hasattr(cel.cli, "app")}))
"""


def test_cel_loads_without_its_interactive_shell_and_the_shell_stays_importable():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(done.stdout) == {"value": True, "shell": [], "real_cli": True}
