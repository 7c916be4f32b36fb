"""Shared fixtures: a temporary store per test (SQLite, or PostgreSQL: tests/db_support.py), and the registry
loaded once per session."""
from __future__ import annotations

import pytest

#: Files that take minutes, the longest first (per-file sums of one full run on a loaded machine, of 4,600 s in
#: all: offline bundle 836 s, browser 623, briefing 522, auth browser 386, roles 208, cell key 194, deploy stack
#: 187, ...). They run first, so that the two workers (``-n 2 --dist loadfile``; pytest.ini:
#: ``--no-loadscope-reorder``) end together: ordered by number of tests, as pytest-xdist does by default, the
#: files of a few long tests (the offline bundle, the deploy stack) came last, and one worker ran them alone
#: while the other had nothing left to do. Every other file follows, largest first.
LONGEST_FIRST = (
    "test_offline_bundle.py", "test_browser.py", "test_briefing.py", "test_auth_browser.py", "test_roles_apptest.py",
    "test_cellkey.py", "test_deploy_stack.py", "test_pages_apptest.py", "test_presentation.py", "test_deep_link.py",
    "test_mobile.py", "test_views.py", "test_import.py", "test_oidc.py", "test_bad_input.py", "test_pg_concurrency.py",
    "test_auth.py", "test_demo.py", "test_escape.py",
)


def pytest_collection_modifyitems(config, items):
    """Run the files in :data:`LONGEST_FIRST` order, then the others by number of tests (a file's tests keep
    their order; the order is the same in every worker, as pytest-xdist requires)."""
    from collections import Counter

    sizes = Counter(item.path.name for item in items)
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    order = {id(item): i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), -sizes[item.path.name], item.path.name,
                                 order[id(item)]))


@pytest.fixture(scope="session")
def reg():
    from geo.admin.registry import load_registry

    return load_registry()


def _default_store(urls, monkeypatch):
    """The store at the URL ``urls`` (a context manager) gives, as the default store, for one test."""
    from geo.data import store
    with urls as url:
        monkeypatch.setenv("TDN_DATABASE_URL", url)
        yield store.get_engine(url)
        store.dispose_engines()


@pytest.fixture()
def engine(tmp_path, monkeypatch):
    """A fresh, migrated store for one test (a SQLite file ``test.sqlite``, or a new PostgreSQL database when
    ``TDN_TEST_PG_URL`` is set: tests/db_support.py); also the default store (``TDN_DATABASE_URL``). It is a
    copy of a store migrated once per test process (the schema and its migration rows, nothing else):
    ``fresh_engine`` is one migrated here."""
    from tests.db_support import copy_of
    yield from _default_store(copy_of("migrated", tmp_path, "test"), monkeypatch)


@pytest.fixture()
def fresh_engine(tmp_path, monkeypatch):
    """A new, empty store migrated by ``store.get_engine`` in this test (not a copy); the default store."""
    from tests.db_support import temp_store_url
    yield from _default_store(temp_store_url(tmp_path, "test"), monkeypatch)


@pytest.fixture()
def demo_engine(tmp_path, monkeypatch):
    """A fresh store holding the demo data, as ``geo.data.demo.load_demo`` leaves a new store (a copy of the
    demo store made once per test process: tests/db_support.py); also the default store."""
    from tests.db_support import demo_store_url
    yield from _default_store(demo_store_url(tmp_path, "demo"), monkeypatch)


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
