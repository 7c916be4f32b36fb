"""The audit trail: who did what, when, from which address. Rows are only added, never changed or
deleted by the application (the web has no way to alter them)."""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
from sqlalchemy import Engine, select

from geo.data import schema as S
from geo.data import store

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "password_change", "import", "import_rejected", "undo",
           "undo_refused", "export", "download", "user_add", "user_change", "user_disable", "user_enable",
           "password_reset", "access_denied", "overlap_decision")


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def record(action: str, username: str | None, detail: str = "", address: str | None = None,
           outcome: str = "ok", engine: Engine | None = None) -> None:
    """Add one line to the audit trail (UTC time)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    engine = store._engine(engine)
    with engine.begin() as conn:
        conn.execute(S.audit_log.insert().values(at=_now(), username=(username or "")[:200], action=action,
                                                 outcome=outcome, detail=(detail or "")[:4000],
                                                 address=(address or "")[:100]))


def entries(limit: int = 500, action: str | None = None, username: str | None = None,
            engine: Engine | None = None) -> pd.DataFrame:
    """The newest audit lines first."""
    engine = store._engine(engine)
    t = S.audit_log
    stmt = select(t.c.id, t.c.at, t.c.username, t.c.action, t.c.outcome, t.c.detail, t.c.address)
    if action:
        stmt = stmt.where(t.c.action == action)
    if username:
        stmt = stmt.where(t.c.username == username)
    stmt = stmt.order_by(t.c.id.desc()).limit(limit)
    with engine.connect() as conn:
        rows = conn.execute(stmt).fetchall()
    return pd.DataFrame(rows, columns=["id", "at", "username", "action", "outcome", "detail", "address"])
