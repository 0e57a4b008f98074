"""Ledger back ends: SQLite (the default, a file in ``.countersign/``) and PostgreSQL (by URL).

Both keep the same two tables (entries, keys), refuse UPDATE and DELETE with triggers
(PostgreSQL also TRUNCATE, and a DELETE or UPDATE that matches no row, with statement-level
triggers; the keys table too), and
serialise writers: SQLite with ``BEGIN IMMEDIATE`` (one writer holds the lock from the read of
the head to the commit), PostgreSQL with a transaction-scoped advisory lock. A writer killed
mid-transaction leaves nothing behind: the database rolls the transaction back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from countersign.errors import LedgerError, LedgerUnavailable
from countersign.signoff.chain import StoredEntry

TYPE_CHECKING = False  # typing stays off the guard's ask path, which appends through here
if TYPE_CHECKING:
    from typing import Any, Protocol
else:
    Protocol = object  # a plain base class at run time; checkers see the protocol

_COLUMNS = "seq, kind, body, hash, sig, key_id"
# Set by ``kept_connections.keep`` (a service worker): PostgreSQL connections kept per thread
# from one store of a ledger to the next. None: each store's connection is its own.
KEPT: Any = None


class Writer(Protocol):
    def last(self) -> tuple[int, str] | None: ...

    def insert(self, entry: StoredEntry) -> None: ...

    def record_key(self, key_id: str, public: str) -> None: ...

    def rows_from(self, seq: int) -> list[StoredEntry]:
        """The entries from number ``seq`` on, in order."""


class Store(Protocol):
    location: str

    def writer(self) -> Any:  # a context manager yielding a Writer, holding the write lock
        ...

    def rows(self) -> Iterator[StoredEntry]: ...

    def keys(self) -> dict[str, str]: ...

    def mentions(self, kind: str, text: str) -> bool:
        """Whether an entry of ``kind`` has ``text`` in its body (not verified: a reader that
        finds one reads the whole ledger, checked, before believing it)."""

    def create(self) -> None:
        """Create the tables (and the file) if they are not there."""


SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
  seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL,
  hash TEXT NOT NULL, sig TEXT NOT NULL, key_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL);
CREATE TRIGGER IF NOT EXISTS entries_no_update BEFORE UPDATE ON entries
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER IF NOT EXISTS entries_no_delete BEFORE DELETE ON entries
  BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
"""


class SqliteStore:
    def __init__(self, path: Path, *, must_exist: bool = False) -> None:
        self.path = path
        self.location = str(path)
        self.must_exist = must_exist

    def _absent(self) -> bool:
        """Nothing recorded yet; an error when the location was given and is not there."""
        if self.path.exists():
            return False
        if self.must_exist:
            raise LedgerError(
                f"{self.path}: no ledger there; check --ledger or $COUNTERSIGN_LEDGER (a "
                "reader never creates one), or create it with `countersign ledger init`"
            )
        return True

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SQLITE_SCHEMA)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot open the ledger ({exc})") from None
        return conn

    @contextmanager
    def writer(self) -> Iterator[_SqliteWriter]:
        conn = self._connect()
        try:
            # A committed entry survives a power cut (WAL's NORMAL may lose the newest ones):
            # a spent one-time approval that is lost could be spent again.
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("BEGIN IMMEDIATE")
            yield _SqliteWriter(conn)
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise LedgerError(f"{self.path}: cannot append to the ledger ({exc})") from None
        finally:
            conn.close()

    def create(self) -> None:
        self._connect().close()

    def rows(self) -> Iterator[StoredEntry]:
        if self._absent():
            return
        conn = self._connect()
        try:
            for row in conn.execute(f"SELECT {_COLUMNS} FROM entries ORDER BY seq"):  # noqa: S608 - constant
                yield _stored(row)
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot read the ledger ({exc})") from None
        finally:
            conn.close()

    def keys(self) -> dict[str, str]:
        if self._absent():
            return {}
        conn = self._connect()
        try:
            return dict(conn.execute("SELECT key_id, public_key FROM keys").fetchall())
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot read the ledger ({exc})") from None
        finally:
            conn.close()

    def mentions(self, kind: str, text: str) -> bool:
        if self._absent():
            return False
        conn = self._connect()
        try:
            found = conn.execute(
                "SELECT 1 FROM entries WHERE kind = ? AND instr(body, ?) > 0 LIMIT 1", (kind, text)
            ).fetchone()
        except sqlite3.Error as exc:
            raise LedgerError(f"{self.path}: cannot read the ledger ({exc})") from None
        finally:
            conn.close()
        return found is not None


class _SqliteWriter:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def last(self) -> tuple[int, str] | None:
        row = self.conn.execute(
            "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def insert(self, entry: StoredEntry) -> None:
        self.conn.execute(
            f"INSERT INTO entries ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608 - constant
            (entry.seq, entry.kind, entry.body, entry.hash, entry.sig, entry.key_id),
        )

    def record_key(self, key_id: str, public: str) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO keys (key_id, public_key) VALUES (?, ?)", (key_id, public)
        )

    def rows_from(self, seq: int) -> list[StoredEntry]:
        found = self.conn.execute(
            f"SELECT {_COLUMNS} FROM entries WHERE seq >= ? ORDER BY seq",  # noqa: S608 - constant
            (seq,),
        )
        return [_stored(row) for row in found]


def _stored(row: Any) -> StoredEntry:
    seq, kind, body, hash_, sig, key = row
    return StoredEntry(int(seq), str(kind), str(body), str(hash_), str(sig), str(key))


PG_SCHEMA = """
CREATE TABLE IF NOT EXISTS countersign_entries (
  seq BIGINT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL,
  hash TEXT NOT NULL, sig TEXT NOT NULL, key_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS countersign_keys (key_id TEXT PRIMARY KEY, public_key TEXT NOT NULL);
CREATE OR REPLACE FUNCTION countersign_append_only() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN RAISE EXCEPTION 'the ledger is append-only'; END $$;
CREATE OR REPLACE TRIGGER countersign_entries_append_only
  BEFORE UPDATE OR DELETE ON countersign_entries
  FOR EACH ROW EXECUTE FUNCTION countersign_append_only();
CREATE OR REPLACE TRIGGER countersign_entries_no_truncate
  BEFORE TRUNCATE ON countersign_entries
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_append_only();
CREATE OR REPLACE TRIGGER countersign_entries_no_delete_statement
  BEFORE UPDATE OR DELETE ON countersign_entries
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_append_only();
CREATE OR REPLACE TRIGGER countersign_keys_append_only
  BEFORE UPDATE OR DELETE OR TRUNCATE ON countersign_keys
  FOR EACH STATEMENT EXECUTE FUNCTION countersign_append_only();
"""
# One lock per schema, so separate ledgers in one database do not wait on each other.
PG_LOCK = "SELECT pg_advisory_xact_lock(hashtext('countersign-ledger:' || current_schema()))"


class PostgresStore:
    """The body is stored as ``text``, not ``jsonb``: jsonb reorders keys and would change what
    was signed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.location = _redact(url)
        self._conn: Any = None

    def _connection(self) -> Any:
        """One connection for the life of the store (a command reads, then maybe appends:
        connecting is most of the cost of a small append), opened again if it broke. Closed
        when the store is collected or the process exits, unless connections are kept
        (``KEPT``): then the next store of this ledger in this thread takes it."""
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken:
            return conn
        kept = KEPT
        if kept is not None:
            conn = kept.take(self.url) or self._connect()
            kept.put(self.url, conn)
            self._conn = conn
            return conn
        import weakref  # PostgreSQL only: the guard's asks write SQLite

        self._conn = conn = self._connect()
        weakref.finalize(self, conn.close)
        return conn

    def _connect(self) -> Any:
        try:
            import psycopg
        except ImportError:
            raise LedgerError(
                "a PostgreSQL ledger needs psycopg: pip install 'countersign[postgres]'"
            ) from None
        try:
            conn = psycopg.connect(self.url, connect_timeout=10, autocommit=True)
            with conn.transaction():
                conn.execute(PG_LOCK)
                conn.execute(PG_SCHEMA)
        except psycopg.Error as exc:
            raise _failed(exc, f"{self.location}: cannot open the ledger ({exc})") from None
        return conn

    def create(self) -> None:
        self._connection()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    @contextmanager
    def writer(self) -> Iterator[_PgWriter]:
        import psycopg

        from countersign.signoff.fence import CHECK

        conn = self._connection()
        check = CHECK.get()
        try:
            with conn.transaction():
                conn.execute(PG_LOCK)
                if check is not None:
                    check(conn)
                yield _PgWriter(conn)
        except psycopg.Error as exc:
            raise _failed(exc, f"{self.location}: cannot append to the ledger ({exc})") from None

    def rows(self) -> Iterator[StoredEntry]:
        import psycopg

        try:
            with self._connection().cursor() as cur:
                cur.execute(f"SELECT {_COLUMNS} FROM countersign_entries ORDER BY seq")  # noqa: S608 - constant
                rows = cur.fetchall()
        except psycopg.Error as exc:
            raise _failed(exc, f"{self.location}: cannot read the ledger ({exc})") from None
        for row in rows:
            yield _stored(row)

    def keys(self) -> dict[str, str]:
        import psycopg

        try:
            rows = (
                self._connection()
                .execute("SELECT key_id, public_key FROM countersign_keys")
                .fetchall()
            )
        except psycopg.Error as exc:
            raise _failed(exc, f"{self.location}: cannot read the ledger ({exc})") from None
        return {str(k): str(v) for k, v in rows}

    def mentions(self, kind: str, text: str) -> bool:
        import psycopg

        try:
            found = (
                self._connection()
                .execute(
                    "SELECT 1 FROM countersign_entries WHERE kind = %s AND strpos(body, %s) > 0 "
                    "LIMIT 1",
                    (kind, text),
                )
                .fetchone()
            )
        except psycopg.Error as exc:
            raise LedgerError(f"{self.location}: cannot read the ledger ({exc})") from None
        return found is not None


class _PgWriter:
    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def last(self) -> tuple[int, str] | None:
        row = self.conn.execute(
            "SELECT seq, hash FROM countersign_entries ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def insert(self, entry: StoredEntry) -> None:
        self.conn.execute(
            f"INSERT INTO countersign_entries ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s)",  # noqa: S608 - constant
            (entry.seq, entry.kind, entry.body, entry.hash, entry.sig, entry.key_id),
        )

    def record_key(self, key_id: str, public: str) -> None:
        self.conn.execute(
            "INSERT INTO countersign_keys (key_id, public_key) VALUES (%s, %s) "
            "ON CONFLICT (key_id) DO NOTHING",
            (key_id, public),
        )

    def rows_from(self, seq: int) -> list[StoredEntry]:
        found = self.conn.execute(
            f"SELECT {_COLUMNS} FROM countersign_entries WHERE seq >= %s ORDER BY seq",  # noqa: S608 - constant
            (seq,),
        ).fetchall()
        return [_stored(row) for row in found]


def _failed(exc: Exception, message: str) -> LedgerError:
    """A connection that failed (refused, ended by a restart) is ``LedgerUnavailable``: worth
    another try; anything else the statement did is a ``LedgerError``."""
    import psycopg

    if isinstance(exc, psycopg.OperationalError):
        return LedgerUnavailable(message)
    return LedgerError(message)


def _redact(url: str) -> str:
    """The URL without a password, for messages."""
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        userinfo = userinfo.split(":", 1)[0] + ":***"
    return f"{scheme}{sep}{userinfo}{at}{host}" if sep else url
