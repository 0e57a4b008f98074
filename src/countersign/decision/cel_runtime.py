"""The CEL engine (common-expression-language), imported without the interactive shell its
package ``__init__`` also loads (typer, rich, prompt_toolkit): measured here, that import is
about 0.35 s of every ``check`` and of every sandboxed condition, against 0.04 s without it."""

from __future__ import annotations

import sys
import types
from typing import Any


def load() -> Any:
    """The ``cel`` module. Only the interactive shell is left out: ``cel.cli`` is a placeholder
    while the package initialises and is removed after, so a real ``import cel.cli`` still
    works. A release whose ``__init__`` needs more of its shell is imported as it is."""
    if "cel" in sys.modules:
        return sys.modules["cel"]
    shell = sys.modules.setdefault("cel.cli", types.ModuleType("cel.cli"))
    try:
        import cel
    except (ImportError, AttributeError):
        sys.modules.pop("cel", None)  # half-initialised: imported again below, whole
    else:
        return cel
    finally:
        if sys.modules.get("cel.cli") is shell:
            del sys.modules["cel.cli"]
    import cel

    return cel
