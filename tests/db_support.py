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


def create_pg_database(template: str | None = None) -> str:
    """A new, empty database on the test cluster (or a copy of the database ``template``); its URL."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    name = f"tdn_t_{secrets.token_hex(6)}"
    with _admin_engine().connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
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


# --------------------------------------------------------------------------------------------------
# Template stores: a migrated store, and one with the demo data, made once per test process, then copied
# --------------------------------------------------------------------------------------------------
#: this process's templates by kind ("migrated", "demo"): {"url", "folder", "counts"}, made on first use
_TEMPLATES: dict = {}


def _drop_templates() -> None:
    import shutil

    while _TEMPLATES:
        _, template = _TEMPLATES.popitem()
        if template["folder"] is not None:
            shutil.rmtree(template["folder"], ignore_errors=True)
        else:
            try:
                drop_pg_database(template["url"])
            except Exception:  # noqa: BLE001 - the cluster may be gone already (a throw-away one)
                pass


def _forget_engine(url: str) -> None:
    """Close the store's cached engine of ``url``: nothing may stay connected to a template (PostgreSQL
    refuses to copy a database in use), and no test may write to one."""
    from geo.data import store

    with store._LOCK:
        engine = store._ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def _template(kind: str) -> dict:
    """A store made once per test process exactly as a test would make it, and never used directly:
    "migrated": a new store migrated by ``store.get_engine`` (the schema and its migration rows; nothing
    else: no secret, no account), "demo": that store with ``geo.data.demo.load_demo`` run on it. Tests get
    copies (:func:`copy_of`): migrating a new store takes seconds (a dozen DDL transactions), loading the
    demo data several more; a copy of the result holds the same tables and rows."""
    if kind not in _TEMPLATES:
        import atexit
        import tempfile

        from geo.data import store

        if not _TEMPLATES:
            atexit.register(_drop_templates)
        if on_postgresql():
            folder, url = None, create_pg_database()
        else:
            folder = tempfile.mkdtemp(prefix=f"tdn-{kind}-template-")
            url = f"sqlite:///{Path(folder) / 'template.sqlite'}"
        try:
            engine = store.get_engine(url)
            counts = None
            if kind == "demo":
                from geo.data import demo

                counts = demo.load_demo(engine=engine)
        finally:
            _forget_engine(url)
        _TEMPLATES[kind] = {"url": url, "folder": folder, "counts": counts}
    return _TEMPLATES[kind]


def demo_counts() -> dict[str, int]:
    """The rows per table that ``load_demo`` reported when it loaded the demo template."""
    return dict(_template("demo")["counts"])


def _sqlite_copy(source_url: str, path: Path) -> str:
    import sqlite3

    source = sqlite3.connect(source_url.split("///", 1)[1])
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)  # SQLite's online backup: a consistent copy of the whole database
    finally:
        copy.close()
        source.close()
    return f"sqlite:///{path}"


@contextmanager
def copy_of(kind: str, folder: Path, name: str = "store"):
    """Like :func:`temp_store_url`, but the new store is a copy of the template ``kind`` ("migrated",
    "demo": see :func:`_template`): ``<folder>/<name>.sqlite`` copied with SQLite's backup API, or on
    PostgreSQL a new database ``CREATE DATABASE … TEMPLATE`` (dropped afterwards)."""
    template = _template(kind)
    if not on_postgresql():
        yield _sqlite_copy(template["url"], Path(folder) / f"{name}.sqlite")
        return
    from sqlalchemy.engine import make_url

    url = create_pg_database(template=make_url(template["url"]).database)
    try:
        yield url
    finally:
        from geo.data import store

        store.dispose_engines()
        drop_pg_database(url)


def demo_store_url(folder: Path, name: str = "store"):
    """A new store holding the demo data, as ``load_demo`` leaves a new store (``with`` block; see
    :func:`copy_of`)."""
    return copy_of("demo", folder, name)


def sqlite_demo_store(path: Path) -> str:
    """A SQLite store at ``path`` holding the demo data, whichever store the other tests use (the browser
    tests' app servers run on SQLite); its URL."""
    from geo.data import demo, store

    if not on_postgresql():
        return _sqlite_copy(_template("demo")["url"], path)
    url = f"sqlite:///{path}"
    try:
        demo.load_demo(engine=store.get_engine(url))
    finally:
        _forget_engine(url)
    return url
