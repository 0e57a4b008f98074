"""What a migration did before the statement being judged, and one finding of a rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from countersign.facts.hazards import Severity

# The oldest PostgreSQL release the community still supports in 2026: rules that changed with
# a release (fast defaults in 11, ADD VALUE in a transaction in 12) judge against it unless
# hazards.yaml names another (sql.version).
DEFAULT_VERSION = 14


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: Severity
    detail: str


@dataclass
class Migration:
    """A table the file created is new and empty (nothing to lock or rewrite); a transaction
    block may be open; constraints added ``NOT VALID`` since the last COMMIT would be
    validated under the lock their ADD took."""

    version: int = DEFAULT_VERSION
    created: set[str] = field(default_factory=set)
    in_block: bool = False
    not_valid: set[tuple[str, str]] = field(default_factory=set)
    validated_checks: set[str] = field(default_factory=set)

    def is_new(self, table: str) -> bool:
        return table in self.created
