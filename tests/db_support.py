"""Which store the tests use: a fresh SQLite file by default, or a fresh PostgreSQL database.

When ``TDN_TEST_PG_URL`` is set (the admin URL of a test cluster, ``scripts/pg_test_cluster.sh start``),
:func:`temp_store_url` creates a new database ``tdn_t_<random>`` on that cluster and drops it at the end;
otherwise it gives ``sqlite:///<folder>/<name>.sqlite``. The store-creating fixtures use it, so the same
tests run on both stores (``bash scripts/setup.sh test`` runs a PostgreSQL pass)."""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path

import pytest

PG_ENV = "TDN_TEST_PG_URL"

_ADMIN = {}


def pg_admin_url() -> str | None:
    """The test cluster's admin URL, or None (the tests use SQLite)."""
    return os.environ.get(PG_ENV) or None


def on_postgresql() -> bool:
    return pg_admin_url() is not None


def _admin_engine():
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    url = pg_admin_url()
    if url not in _ADMIN:
        _ADMIN[url] = create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    return _ADMIN[url]


def create_pg_database() -> str:
    """A new, empty database on the test cluster; its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"tdn_t_{secrets.token_hex(6)}"
    with _admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(pg_admin_url()).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    """Drop a database made by :func:`create_pg_database` (connections still open are ended)."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    assert name and name.startswith("tdn_t_"), name
    with _admin_engine().connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def temp_store_url(folder: Path, name: str = "store"):
    """URL of a new, empty store for the ``with`` block: ``sqlite:///<folder>/<name>.sqlite``, or a new
    database on the PostgreSQL test cluster when ``TDN_TEST_PG_URL`` is set (dropped afterwards; the
    store's cached engines are disposed first)."""
    if not on_postgresql():
        yield f"sqlite:///{Path(folder) / f'{name}.sqlite'}"
        return
    url = create_pg_database()
    try:
        yield url
    finally:
        from geo.data import store

        store.dispose_engines()
        drop_pg_database(url)


def store_bytes(engine, sqlite_file: Path) -> bytes:
    """Everything the store holds, to check that a secret is nowhere in it: the SQLite file's bytes, or on
    PostgreSQL every row of every table as text (the engine's pooled connections are closed first)."""
    if engine.dialect.name == "sqlite":
        engine.dispose()
        return Path(sqlite_file).read_bytes()
    from sqlalchemy import MetaData, select

    meta = MetaData()
    meta.reflect(engine)
    parts = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            parts += [table.name, *(repr(tuple(row)) for row in conn.execute(select(table)))]
    engine.dispose()
    return "\n".join(parts).encode("utf-8")


skip_on_postgresql = pytest.mark.skipif(on_postgresql(), reason="SQLite-only check (reads the database file)")
needs_postgresql = pytest.mark.skipif(not on_postgresql(), reason=f"needs a PostgreSQL test cluster ({PG_ENV})")
