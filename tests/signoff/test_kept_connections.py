"""A service worker opens its repository's ledger on every evaluation: with connections kept
(``kept_connections.keep``), the next store of a ledger in the same thread uses the connection
the last one opened, a connection the server ended is replaced, and nothing is kept once they
are closed."""

from __future__ import annotations

import threading

import psycopg
import pytest

from countersign.signoff import kept_connections, stores
from countersign.signoff.stores import PostgresStore

pytestmark = pytest.mark.postgres


def backend(store: PostgresStore) -> int:
    store.create()
    return int(store._connection().info.backend_pid)


def test_stores_of_one_ledger_in_a_thread_share_one_connection_while_kept(pg_url: str):
    kept = kept_connections.keep()
    try:
        first = backend(PostgresStore(pg_url))
        assert backend(PostgresStore(pg_url)) == first
        other: list[int] = []
        thread = threading.Thread(target=lambda: other.append(backend(PostgresStore(pg_url))))
        thread.start()
        thread.join()
        assert other != [first]  # a thread of its own, a connection of its own
    finally:
        kept.close()
    assert stores.KEPT is None
    assert backend(PostgresStore(pg_url)) != first


def test_a_kept_connection_the_server_ended_is_replaced(pg_url: str):
    kept = kept_connections.keep()
    try:
        store = PostgresStore(pg_url)
        first = backend(store)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (first,))
            # Ended once the backend is gone (its goodbye is then on the kept socket).
            while admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = %s", (first,)
            ).fetchone() != (0,):
                pass
        again = PostgresStore(pg_url)
        assert backend(again) != first
        assert again.keys() == {}  # and it answers
    finally:
        kept.close()


def test_without_keeping_each_store_has_its_own_connection(pg_url: str):
    assert stores.KEPT is None
    one, two = PostgresStore(pg_url), PostgresStore(pg_url)
    assert backend(one) != backend(two)
    one.close()
    two.close()
