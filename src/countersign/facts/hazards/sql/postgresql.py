"""PostgreSQL migrations, read with PostgreSQL's own grammar (libpg_query via ``postgast``).

Statements are parsed in batches (one call for up to ``BATCH`` statements: the per-call cost
dominates on migrations of many small statements); a batch that fails is parsed statement by
statement so the one that does not parse is named. Each statement then goes through the rules
of ``postgresql_rules`` with what the migration did before it (tables it created, the
transaction it is in, constraints it added ``NOT VALID``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from countersign.facts.hazards import Hazard, Severity, unanalysable
from countersign.facts.hazards.sql.migration import Migration
from countersign.facts.hazards.sql.postgresql_rules import findings
from countersign.facts.hazards.sql.statements import Statement, normal

if TYPE_CHECKING:
    import postgast

BATCH = 256
# The grammar costs about a second per MiB: past this much SQL other than INSERT (which holds
# nothing these rules look at and makes up most of large seed files), the rest goes to a human.
MAX_PARSED_CHARS = 4 * 1024 * 1024
_INSERT = re.compile(r"insert\b", re.IGNORECASE)


@cache
def _postgast() -> Any:
    import postgast  # libpg_query: loaded only when SQL is in the change

    return postgast


def analyze_postgresql(
    path: str,
    statements: Sequence[Statement],
    already: frozenset[str],
    version: int,
    hints: Callable[[], Sequence[str]] = tuple,
) -> Iterator[Hazard]:
    """``hints`` names the dialects the file looks like, asked only when a statement does not
    parse (searching a large file for them costs more than parsing it)."""
    migration = Migration(version=version)
    named: Sequence[str] | None = None
    budget = MAX_PARSED_CHARS
    for count, statement in enumerate(statements):
        if not _INSERT.match(statement.text):
            budget -= len(statement.text)
        if budget < 0:
            yield unanalysable(
                path,
                f"analysed up to line {statement.line}; the rest is beyond the "
                f"{MAX_PARSED_CHARS // 2**20} MiB of SQL other than INSERT analysed",
                statement.line,
            )
            statements = statements[:count]
            break
    for statement, parsed in _parsed(statements):
        new = normal(statement.text) not in already
        if isinstance(parsed, Exception):
            if new:
                named = hints() if named is None else named
                yield _unparseable(path, named, statement, parsed)
            continue
        for node in parsed:
            for finding in findings(node, migration):
                if new:
                    yield Hazard(
                        finding.kind, finding.severity, path, finding.detail, line=statement.line
                    )


def _parsed(statements: Sequence[Statement]) -> Iterator[tuple[Statement, list[Any] | Exception]]:
    pg = _postgast()
    for first in range(0, len(statements), BATCH):
        chunk = [s for s in statements[first : first + BATCH] if not _INSERT.match(s.text)]
        try:
            # A newline before each ``;``: a piece may end in a ``--`` comment.
            tree = pg.parse("\n;\n".join(s.text for s in chunk))
        except pg.PgQueryError:
            tree = None
        if tree is not None and len(tree.stmts) == len(chunk):
            for statement, raw in zip(chunk, tree.stmts, strict=True):
                yield statement, [raw.stmt]
            continue
        for statement in chunk:
            try:
                yield statement, [raw.stmt for raw in pg.parse(statement.text).stmts]
            except pg.PgQueryError as exc:
                yield statement, exc


def _unparseable(
    path: str, hints: Sequence[str], statement: Statement, exc: postgast.PgQueryError
) -> Hazard:
    at = statement.line
    if exc.cursorpos:
        at += statement.text.encode()[: exc.cursorpos - 1].count(b"\n")
    dialect = f" (looks like {hints[0]}: only PostgreSQL is analysed)" if hints else ""
    return Hazard(
        "sql.unparseable",
        Severity.HIGH,
        path,
        f"does not parse as PostgreSQL: {exc.message}{dialect}; review it by hand",
        line=at,
    )
