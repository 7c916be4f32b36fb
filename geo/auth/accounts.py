"""Local accounts: argon2id password hashes in the store, lock-out after repeated failures, roles and
province scopes. The same SQLAlchemy store serves SQLite and PostgreSQL.

Passwords: at least :data:`MIN_PASSWORD_LENGTH` characters, not all one character class shorter than
12; hashed with argon2id (``argon2-cffi`` defaults, RFC 9106 low-memory profile). A temporary password
(first administrator, reset by an admin) must be changed at the first sign-in.

Lock-out: after :data:`FREE_ATTEMPTS` failed attempts in a row, the account is locked for 1 minute,
then 2, 4, … up to 60 minutes per further failure (a growing delay; an admin can unlock by resetting the
password). A successful sign-in clears the count. Unknown user names take the same time as known ones.
"""
from __future__ import annotations

import secrets
import string
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Engine, func, select

from geo.auth import ROLES, User, audit
from geo.data import schema as S
from geo.data import store

MIN_PASSWORD_LENGTH = 10
FREE_ATTEMPTS = 5
MAX_LOCK_MINUTES = 60
_HASHER = PasswordHasher()  # argon2id
_DUMMY_HASH = _HASHER.hash("tdn-dummy-password-for-timing")


class AuthError(Exception):
    """A refused sign-in or account change; ``code`` picks the message in geo.i18n.auth."""

    def __init__(self, code: str, **info):
        super().__init__(code)
        self.code = code
        self.info = info


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def normalise_username(name: str) -> str:
    name = (name or "").strip().lower()
    if not name or len(name) > 200 or any(c.isspace() for c in name):
        raise AuthError("bad_username")
    return name


def check_password_strength(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError("password_short", n=MIN_PASSWORD_LENGTH)
    if len(set(password)) < 4:
        raise AuthError("password_weak")


def temporary_password() -> str:
    """A random password of 16 letters and digits (about 95 bits)."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


def parse_provinces(value) -> tuple[str, ...]:
    """Province scope from "40,10" / ["40", "10"] / "" (whole country); validated against the registry."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = []
    for item in items:
        item = str(item).strip()
        if not item:
            continue
        codes.append(_province_code(item))
    return tuple(sorted(set(codes)))


def _province_code(text: str) -> str:
    from geo.admin.cache import load_layer

    provinces = load_layer("provinces_pre2025", "national")
    codes = set(provinces["code"].astype(str))
    if text.isdigit() and text.zfill(2) in codes:
        return text.zfill(2)
    from geo.admin.text import name_key

    wanted = name_key(text)
    for code, name in zip(provinces["code"].astype(str), provinces["prov_name_vi"].astype(str)):
        if name_key(name) == wanted:
            return code
    raise AuthError("bad_province", value=text)


def _row_to_user(row) -> User:
    provinces = tuple(p for p in (row.provinces or "").split(",") if p)
    return User(id=row.id, username=row.username, display_name=row.display_name or "", role=row.role,
                provinces=provinces, auth=row.auth, must_change_password=bool(row.must_change_password))


def get_user(username: str, engine: Engine | None = None, include_disabled: bool = False) -> User | None:
    engine = store._engine(engine)
    t = S.users
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.username == normalise_username(username))).first()
    if row is None or (row.disabled and not include_disabled):
        return None
    return _row_to_user(row)


def user_by_id(user_id: int, engine: Engine | None = None) -> User | None:
    engine = store._engine(engine)
    t = S.users
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.id == int(user_id))).first()
    if row is None or row.disabled:
        return None
    return _row_to_user(row)


def list_users(engine: Engine | None = None):
    import pandas as pd

    engine = store._engine(engine)
    t = S.users
    with engine.connect() as conn:
        rows = conn.execute(select(t.c.username, t.c.display_name, t.c.role, t.c.provinces, t.c.auth, t.c.disabled,
                                   t.c.must_change_password, t.c.failed_attempts, t.c.locked_until,
                                   t.c.created_at).order_by(t.c.username)).fetchall()
    return pd.DataFrame(rows, columns=["username", "display_name", "role", "provinces", "auth", "disabled",
                                       "must_change_password", "failed_attempts", "locked_until", "created_at"])


def count_users(engine: Engine | None = None) -> int:
    engine = store._engine(engine)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(S.users)).scalar() or 0)


def add_user(username: str, role: str = "viewer", provinces=(), display_name: str = "", password: str | None = None,
             auth: str = "local", by: str | None = None, address: str | None = None,
             engine: Engine | None = None) -> tuple[User, str | None]:
    """Create an account. Without ``password`` a temporary one is made (returned; to be changed at the
    first sign-in). Returns (user, temporary password or None)."""
    from sqlalchemy.exc import IntegrityError

    engine = store._engine(engine)
    username = normalise_username(username)
    if role not in ROLES:
        raise AuthError("bad_role", value=role)
    scope = parse_provinces(provinces)
    temp = None
    if auth == "local":
        if password is None:
            temp = password = temporary_password()
        check_password_strength(password)
        hashed = _HASHER.hash(password)
    else:
        hashed = None
    now = _now()
    try:
        with engine.begin() as conn:
            conn.execute(S.users.insert().values(
                username=username, display_name=display_name or None, password_hash=hashed, role=role,
                provinces=",".join(scope), auth=auth, disabled=False, must_change_password=temp is not None,
                failed_attempts=0, created_at=now, updated_at=now, password_changed_at=now if hashed else None))
    except IntegrityError:
        raise AuthError("user_exists", value=username) from None
    audit.record("user_add", by or "system", f"{username}: role={role}; provinces={','.join(scope) or 'all'}; "
                 f"auth={auth}", address, engine=engine)
    return get_user(username, engine), temp


def _update(username: str, engine: Engine, **values) -> None:
    t = S.users
    values["updated_at"] = _now()
    with engine.begin() as conn:
        n = conn.execute(t.update().where(t.c.username == normalise_username(username)).values(**values)).rowcount
    if not n:
        raise AuthError("no_user", value=username)


def set_role(username: str, role: str, by: str | None = None, address: str | None = None,
             engine: Engine | None = None) -> None:
    engine = store._engine(engine)
    if role not in ROLES:
        raise AuthError("bad_role", value=role)
    _update(username, engine, role=role)
    audit.record("user_change", by or "system", f"{normalise_username(username)}: role={role}", address, engine=engine)


def set_scope(username: str, provinces, by: str | None = None, address: str | None = None,
              engine: Engine | None = None) -> tuple[str, ...]:
    engine = store._engine(engine)
    scope = parse_provinces(provinces)
    _update(username, engine, provinces=",".join(scope))
    audit.record("user_change", by or "system",
                 f"{normalise_username(username)}: provinces={','.join(scope) or 'all'}", address, engine=engine)
    return scope


def set_disabled(username: str, disabled: bool, by: str | None = None, address: str | None = None,
                 engine: Engine | None = None) -> None:
    """Disable (or enable) an account; disabling also ends its open sessions."""
    engine = store._engine(engine)
    _update(username, engine, disabled=bool(disabled))
    if disabled:
        from geo.auth import sessions

        sessions.revoke_user(normalise_username(username), engine=engine)
    audit.record("user_disable" if disabled else "user_enable", by or "system", normalise_username(username),
                 address, engine=engine)


def reset_password(username: str, by: str | None = None, address: str | None = None,
                   engine: Engine | None = None) -> str:
    """A new temporary password (returned once), to be changed at the next sign-in; unlocks the account
    and ends its open sessions."""
    engine = store._engine(engine)
    temp = temporary_password()
    _update(username, engine, password_hash=_HASHER.hash(temp), must_change_password=True, failed_attempts=0,
            locked_until=None, password_changed_at=_now())
    from geo.auth import sessions

    sessions.revoke_user(normalise_username(username), engine=engine)
    audit.record("password_reset", by or "system", normalise_username(username), address, engine=engine)
    return temp


def change_password(username: str, old: str, new: str, address: str | None = None,
                    engine: Engine | None = None) -> None:
    """The user's own password change: the old password must be right; the new one strong and different."""
    engine = store._engine(engine)
    t = S.users
    username = normalise_username(username)
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.username == username)).first()
    if row is None or row.disabled or row.auth != "local" or not _verify(row.password_hash, old):
        audit.record("password_change", username, "old password wrong", address, outcome="refused", engine=engine)
        raise AuthError("wrong_old_password")
    if new == old:
        raise AuthError("password_same")
    check_password_strength(new)
    _update(username, engine, password_hash=_HASHER.hash(new), must_change_password=False,
            password_changed_at=_now())
    audit.record("password_change", username, "", address, engine=engine)


def _verify(hashed: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(hashed or _DUMMY_HASH, password or "") and hashed is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def authenticate(username: str, password: str, address: str | None = None,
                 engine: Engine | None = None) -> User:
    """The user for a right password; raises :class:`AuthError` (``bad_credentials``, ``locked``) and
    records every attempt in the audit trail. The message never says whether the name exists."""
    engine = store._engine(engine)
    t = S.users
    try:
        name = normalise_username(username)
    except AuthError:
        _verify(None, password)
        audit.record("sign_in_failed", (username or "")[:200], "bad user name", address, outcome="refused",
                     engine=engine)
        raise AuthError("bad_credentials") from None
    with engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.username == name)).first()
    now = _now()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        _verify(None, password)
        audit.record("sign_in_failed", name, "account locked", address, outcome="refused", engine=engine)
        raise AuthError("locked", minutes=max(1, int((row.locked_until - now).total_seconds() // 60) + 1))
    ok = row is not None and not row.disabled and row.auth == "local" and _verify(row.password_hash, password)
    if row is None or not ok:
        if row is None:
            _verify(None, password)
        else:
            failures = int(row.failed_attempts or 0) + 1
            lock = None
            if failures >= FREE_ATTEMPTS:
                minutes = min(2 ** (failures - FREE_ATTEMPTS), MAX_LOCK_MINUTES)
                lock = now + timedelta(minutes=minutes)
            with engine.begin() as conn:
                conn.execute(t.update().where(t.c.id == row.id).values(failed_attempts=failures, locked_until=lock))
        audit.record("sign_in_failed", name, "wrong password or unknown/disabled account", address,
                     outcome="refused", engine=engine)
        raise AuthError("bad_credentials")
    if _HASHER.check_needs_rehash(row.password_hash):
        with engine.begin() as conn:
            conn.execute(t.update().where(t.c.id == row.id).values(password_hash=_HASHER.hash(password)))
    with engine.begin() as conn:
        conn.execute(t.update().where(t.c.id == row.id).values(failed_attempts=0, locked_until=None))
    audit.record("sign_in", name, "password", address, engine=engine)
    return _row_to_user(row)


def oidc_user(claims: dict, address: str | None = None, engine: Engine | None = None) -> User:
    """The account of a person signed in through the organisation's identity provider.

    The user name is the ``email`` claim unless the provider says it is not verified (else
    ``preferred_username``, else ``sub``); a local (password) account of that name is never taken over:
    the sign-in is refused. The role comes from
    the claim named by ``TDN_OIDC_ROLE_CLAIM`` (default ``tdn_role``) when it holds a known role, else
    from the account in the store (a new account is a ``viewer``). The province scope comes from the claim
    named by ``TDN_OIDC_SCOPE_CLAIM`` (default ``tdn_provinces``: codes or names) when present, else from
    the stored account. A disabled stored account refuses the sign-in."""
    import os

    engine = store._engine(engine)
    email = claims.get("email") if claims.get("email_verified") not in (False, "false") else None
    name = normalise_username(str(email or claims.get("preferred_username") or claims.get("sub") or ""))
    role_claim = os.environ.get("TDN_OIDC_ROLE_CLAIM", "tdn_role")
    scope_claim = os.environ.get("TDN_OIDC_SCOPE_CLAIM", "tdn_provinces")
    role = claims.get(role_claim)
    if isinstance(role, list):
        known = [r for r in role if r in ROLES]
        role = max(known, key=ROLES.index) if known else None
    role = role if role in ROLES else None
    scope = claims.get(scope_claim)
    existing = get_user(name, engine, include_disabled=True)
    t = S.users
    if existing is None:
        add_user(name, role=role or "viewer", provinces=scope or (), display_name=str(claims.get("name") or ""),
                 auth="oidc", by="oidc", address=address, engine=engine)
    else:
        with engine.connect() as conn:
            disabled = conn.execute(select(t.c.disabled).where(t.c.username == name)).scalar()
        if disabled:
            audit.record("sign_in_failed", name, "oidc: account disabled", address, outcome="refused", engine=engine)
            raise AuthError("bad_credentials")
        if existing.auth != "oidc":
            audit.record("sign_in_failed", name, "oidc: a local account has this name", address, outcome="refused",
                         engine=engine)
            raise AuthError("bad_credentials")
        changes = {}
        if role and role != existing.role:
            changes["role"] = role
        if scope is not None and parse_provinces(scope) != existing.provinces:
            changes["provinces"] = ",".join(parse_provinces(scope))
        if changes:
            _update(name, engine, **changes)
            audit.record("user_change", "oidc", f"{name}: " + "; ".join(f"{k}={v}" for k, v in changes.items()),
                         address, engine=engine)
    audit.record("sign_in", name, "oidc", address, engine=engine)
    return get_user(name, engine)
