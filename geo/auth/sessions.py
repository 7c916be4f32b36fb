"""Sign-in sessions: a random token in a signed, HttpOnly cookie; the store keeps only its SHA-256.

Cookie value: ``<token>.<signature>`` where the signature is an HMAC-SHA256 of the token with the
server secret ``session`` (kept in the store, shared by every app process). A session lasts
:func:`geo.auth.session_hours` hours from sign-in; sign-out, a password reset or disabling the account
ends it at once (server-side, so a copied cookie stops working too).
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, select

from geo.auth import User, session_hours
from geo.data import schema as S
from geo.data import store

COOKIE_NAME = "tdn_session"


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


_SECRETS: dict[str, bytes] = {}


def _secret(engine: Engine | None) -> bytes:
    """The signing secret of this store (read once per process: it never changes)."""
    engine = store._engine(engine)
    key = engine.url.render_as_string(hide_password=False)
    if key not in _SECRETS:
        _SECRETS[key] = store.secret("session", engine=engine)
    return _SECRETS[key]


def _sign(token: str, engine: Engine | None) -> str:
    return hmac.new(_secret(engine), token.encode(), hashlib.sha256).hexdigest()[:40]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create(user: User, address: str | None = None, engine: Engine | None = None) -> tuple[str, int]:
    """A new session for ``user``: returns (cookie value, lifetime in seconds)."""
    engine = store._engine(engine)
    token = secrets.token_urlsafe(32)
    hours = session_hours()
    now = _now()
    with engine.begin() as conn:
        conn.execute(S.user_sessions.insert().values(id=_digest(token), user_id=user.id, created_at=now,
                                                     expires_at=now + timedelta(hours=hours),
                                                     address=(address or "")[:100]))
    return f"{token}.{_sign(token, engine)}", int(hours * 3600)


def _token(cookie: str | None, engine: Engine | None) -> str | None:
    if not cookie or "." not in cookie or len(cookie) > 200:
        return None
    token, signature = cookie.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(token, engine)):
        return None
    return token


def lookup(cookie: str | None, engine: Engine | None = None) -> tuple[User, str] | None:
    """(user, address of the sign-in) for a valid, unexpired, unrevoked session cookie of an enabled
    account; None otherwise."""
    from geo.auth.accounts import _row_to_user

    engine = store._engine(engine)
    token = _token(cookie, engine)
    if token is None:
        return None
    s, u = S.user_sessions, S.users
    with engine.connect() as conn:
        row = conn.execute(select(u, s.c.address.label("session_address"))
                           .join(s, s.c.user_id == u.c.id)
                           .where(s.c.id == _digest(token), s.c.revoked_at.is_(None), s.c.expires_at > _now(),
                                  u.c.disabled.is_(False))).first()
    if row is None:
        return None
    return _row_to_user(row), row.session_address or ""


def user_for_cookie(cookie: str | None, engine: Engine | None = None) -> User | None:
    found = lookup(cookie, engine)
    return found[0] if found else None


def revoke(cookie: str | None, engine: Engine | None = None) -> None:
    engine = store._engine(engine)
    token = _token(cookie, engine)
    if token is None:
        return
    t = S.user_sessions
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == _digest(token), t.c.revoked_at.is_(None)).values(revoked_at=_now()))


def revoke_user(username: str, engine: Engine | None = None) -> None:
    """End every open session of an account."""
    engine = store._engine(engine)
    s, u = S.user_sessions, S.users
    with engine.begin() as conn:
        ids = select(u.c.id).where(u.c.username == username).scalar_subquery()
        conn.execute(s.update().where(s.c.user_id == ids, s.c.revoked_at.is_(None)).values(revoked_at=_now()))
