"""Shell-command understanding: parse a command line, unwrap what it really runs, and classify
each effective command into rule families with stable ids (``fs.recursive-delete``, ...).

Used by the agent guard before a command runs, and by the hazards analyzer on shell lines added
in a diff. Importing it loads tree-sitter but nothing of the CLI, YAML or the policy engine.
"""

from countersign.facts.shell.classify import classify, effective_commands
from countersign.facts.shell.context import Production, ShellContext
from countersign.facts.shell.finding import Severity, ShellFinding, most_severe

__all__ = [
    "Production",
    "Severity",
    "ShellContext",
    "ShellFinding",
    "classify",
    "effective_commands",
    "most_severe",
]
