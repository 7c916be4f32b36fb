"""Shared fixtures: a temporary SQLite store per test, and the registry loaded once per session."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def reg():
    from geo.admin.registry import load_registry

    return load_registry()


@pytest.fixture()
def engine(tmp_path, monkeypatch):
    """A fresh, migrated SQLite file for one test; also the default store (``TDN_DATABASE_URL``)."""
    from geo.data import store
    url = f"sqlite:///{tmp_path / 'test.sqlite'}"
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
