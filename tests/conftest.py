"""Shared fixtures: a temporary store per test (SQLite, or PostgreSQL: tests/db_support.py), and the registry
loaded once per session."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def reg():
    from geo.admin.registry import load_registry

    return load_registry()


@pytest.fixture()
def engine(tmp_path, monkeypatch):
    """A fresh, migrated store for one test (a SQLite file ``test.sqlite``, or a new PostgreSQL database when
    ``TDN_TEST_PG_URL`` is set: tests/db_support.py); also the default store (``TDN_DATABASE_URL``). It is a
    copy of a store migrated once per test process (the schema and its migration rows, nothing else):
    ``fresh_engine`` is one migrated here."""
    from geo.data import store
    from tests.db_support import copy_of
    with copy_of("migrated", tmp_path, "test") as url:
        monkeypatch.setenv("TDN_DATABASE_URL", url)
        eng = store.get_engine(url)
        yield eng
        store.dispose_engines()


@pytest.fixture()
def fresh_engine(tmp_path, monkeypatch):
    """A new, empty store migrated by ``store.get_engine`` in this test (not a copy); the default store."""
    from geo.data import store
    from tests.db_support import temp_store_url
    with temp_store_url(tmp_path, "test") as url:
        monkeypatch.setenv("TDN_DATABASE_URL", url)
        eng = store.get_engine(url)
        yield eng
        store.dispose_engines()


@pytest.fixture()
def demo_engine(tmp_path, monkeypatch):
    """A fresh store holding the demo data, as ``geo.data.demo.load_demo`` leaves a new store (a copy of the
    demo store made once per test process: tests/db_support.py); also the default store."""
    from geo.data import store
    from tests.db_support import demo_store_url
    with demo_store_url(tmp_path, "demo") as url:
        monkeypatch.setenv("TDN_DATABASE_URL", url)
        eng = store.get_engine(url)
        yield eng
        store.dispose_engines()


@pytest.fixture()
def snapshot(engine):
    """``snapshot()`` returns every row of every table, to prove that a failed import changed nothing."""
    from sqlalchemy import select

    from geo.data import schema as S
    def take():
        out = {}
        with engine.connect() as conn:
            for table in [S.imports, *S.DATA_TABLES]:
                out[table.name] = [tuple(r) for r in conn.execute(select(table).order_by(table.c.id)).all()]
        return out

    return take


@pytest.fixture(scope="module")
def districts():
    """The 702 pre-2025 districts (full resolution, as cached); a module may define its own."""
    from geo.admin.cache import load_layer

    return load_layer("districts_pre2025")


@pytest.fixture(scope="module")
def w(districts):
    """Contiguity weights of ``districts`` (islands attached)."""
    from geo.stats import hotspots

    return hotspots.spatial_weights(districts)
