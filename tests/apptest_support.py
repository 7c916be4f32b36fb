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
    """A temporary store with the demo data as the default store (``TDN_DATABASE_URL``), the configured
    small-count threshold, and one case of Kỳ Sơn whose source is formula-like text."""
    from sqlalchemy import update

    from geo.data import demo, store
    from geo.data import schema as S

    url = f"sqlite:///{folder / 'store.sqlite'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TDN_DATABASE_URL", url)
        patch.delenv("TDN_SUPPRESSION_THRESHOLD", raising=False)
        engine = store.get_engine(url)
        demo.load_demo(engine=engine)
        first = store.cases_frame({"districts": ["40417"]}, engine=engine)["id"].iloc[0]
        with engine.begin() as conn:
            conn.execute(update(S.cases).where(S.cases.c.id == int(first)).values(source=RISKY))
        yield engine
    store.dispose_engines()


def run_page(page: str, params: dict, timeout: float = 60) -> AppTest:
    """Run ``app.py`` (with ``st.navigation``) on ``page`` with URL ``params``; no exception allowed."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in params.items():
        at.query_params[key] = value
    if page != "pages/tong_quan.py":
        at.switch_page(page)
    at.run()
    assert not at.exception, at.exception
    return at
