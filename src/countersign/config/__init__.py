"""The repository's ``.countersign/`` files, validated once into typed records.

Every error names the file, the key path and what was expected, e.g.
``catalog.yaml: services[2].tier: expected an integer from 1 to 4, got 'high'``.
"""

from __future__ import annotations

TYPE_CHECKING = False  # importing the package loads nothing: the guard reads CONFIG_DIR
if TYPE_CHECKING:
    from countersign.config.loading import Config, load_config

CONFIG_DIR = ".countersign"

__all__ = ["CONFIG_DIR", "Config", "load_config"]


def __getattr__(name: str) -> object:
    if name in ("Config", "load_config"):
        from countersign.config import loading

        return getattr(loading, name)
    raise AttributeError(f"module 'countersign.config' has no attribute {name!r}")
