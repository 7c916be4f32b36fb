"""Shared by the AppTest suites: a temporary demo store, and the real app run on one page."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "app.py")
RISKY = "=HYPERLINK(\"http://example.invalid\",\"x\")"


@contextmanager
def demo_store_at(folder: Path):
    """A temporary store (SQLite, or PostgreSQL: tests/db_support.py) with the demo data as the default store
    (``TDN_DATABASE_URL``), the configured small-count threshold, and one case of Kỳ Sơn whose source is
    formula-like text."""
    from sqlalchemy import update

    from geo.data import store
    from geo.data import schema as S

    from tests.db_support import demo_store_url

    # the demo data loaded into a new store (a copy of the one loaded once per test process)
    with demo_store_url(folder, "store") as url, pytest.MonkeyPatch.context() as patch:
        patch.setenv("TDN_DATABASE_URL", url)
        patch.delenv("TDN_SUPPRESSION_THRESHOLD", raising=False)
        engine = store.get_engine(url)
        first = store.cases_frame({"districts": ["40417"]}, engine=engine)["id"].iloc[0]
        with engine.begin() as conn:
            conn.execute(update(S.cases).where(S.cases.c.id == int(first)).values(source=RISKY))
        yield engine
        store.dispose_engines()


def make_user(role: str = "viewer", provinces: tuple[str, ...] = (), username: str | None = None):
    """A signed-in user for AppTest (the server's gate and cookie are not part of an AppTest run)."""
    from geo.auth import User

    return User(id=0, username=username or f"test-{role}", display_name="", role=role, provinces=provinces)


def run_page(page: str, params: dict, timeout: float = 60, user=None) -> AppTest:
    """Run ``app.py`` (with ``st.navigation``) on ``page`` with URL ``params`` as ``user`` (default: a
    national viewer, who sees protected figures); no exception allowed."""
    import ui

    at = AppTest.from_file(APP, default_timeout=timeout)
    at.session_state[ui.TEST_USER_KEY] = user if user is not None else make_user()
    for key, value in params.items():
        at.query_params[key] = value
    if page != "pages/tong_quan.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at
