"""``python -m geo users …``: manage accounts from the server's command line.

    python -m geo users list
    python -m geo users add NAME [--role viewer|analyst|data_manager|admin] [--provinces 40,10] [--name "Họ tên"]
    python -m geo users role NAME ROLE
    python -m geo users scope NAME 40,10|all
    python -m geo users disable NAME | enable NAME
    python -m geo users reset-password NAME
    python -m geo users bootstrap        (set-up: the first administrator, once)
    python -m geo users audit [--limit N]

A new account and a reset get a temporary password, printed once, to be changed at the first sign-in.
Every change is written to the audit trail with the operating-system user who ran the command.
"""
from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from geo import config
from geo.auth import ROLES, accounts, audit

FIRST_SIGNIN_FILE = "FIRST_SIGNIN.txt"


def _by() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001
        return "cli"


def first_signin_path() -> Path:
    """Where the first administrator's one-time password is written (git-ignored, owner-only)."""
    return config.data_dir() / FIRST_SIGNIN_FILE


def bootstrap(port: str | None = None) -> str | None:
    """Create the first administrator when the store has no account: a random one-time password written
    to :func:`first_signin_path` (mode 600). Returns a message to print, or None when accounts exist."""
    if accounts.count_users() > 0:
        path = first_signin_path()
        if path.exists():
            user = accounts.get_user("admin")
            if user is not None and not user.must_change_password:
                path.unlink()  # the administrator has chosen a password: the one-time one is useless
        return None
    _user, temp = accounts.add_user("admin", role="admin", display_name="Quản trị viên / Administrator",
                                    by="setup")
    path = first_signin_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("Tuyến & Điểm nóng — đăng nhập lần đầu / first sign-in\n"
                 f"Tên đăng nhập / user name: admin\nMật khẩu một lần / one-time password: {temp}\n"
                 "Bạn sẽ phải đặt mật khẩu mới ngay / you must set a new password at once.\n")
    os.chmod(path, 0o600)
    url = f"http://localhost:{port or '8501'}"
    return (f"First sign-in: open {url} and sign in as 'admin' with the one-time password in {path}\n"
            f"(readable by this user only; it must be changed at the first sign-in).")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo users", description="Manage accounts (roles, scopes).")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    add = sub.add_parser("add")
    add.add_argument("username")
    add.add_argument("--role", default="viewer", choices=ROLES)
    add.add_argument("--provinces", default="", help="pre-2025 province codes or names, comma-separated; empty: all")
    add.add_argument("--name", default="", help="full name")
    add.add_argument("--oidc", action="store_true", help="an account that signs in through the identity provider")
    role = sub.add_parser("role")
    role.add_argument("username")
    role.add_argument("role", choices=ROLES)
    scope = sub.add_parser("scope")
    scope.add_argument("username")
    scope.add_argument("provinces", help="e.g. 40,10 or 'all'")
    for name in ("disable", "enable", "reset-password"):
        sub.add_parser(name).add_argument("username")
    boot = sub.add_parser("bootstrap")
    boot.add_argument("--port", default=None)
    aud = sub.add_parser("audit")
    aud.add_argument("--limit", type=int, default=50)
    args = parser.parse_args(argv)
    try:
        if args.cmd == "list":
            frame = accounts.list_users()
            print(frame.drop(columns=["created_at"]).to_string(index=False) if len(frame) else "(no accounts)")
        elif args.cmd == "add":
            user, temp = accounts.add_user(args.username, args.role, args.provinces, args.name,
                                           auth="oidc" if args.oidc else "local", by=_by())
            print(f"added {user.username} ({user.role}; provinces: {','.join(user.provinces) or 'all'})")
            if temp:
                print(f"temporary password (shown once, to be changed at the first sign-in): {temp}")
        elif args.cmd == "role":
            accounts.set_role(args.username, args.role, by=_by())
            print(f"{args.username}: role {args.role}")
        elif args.cmd == "scope":
            value = "" if args.provinces.strip().lower() in ("all", "*", "") else args.provinces
            scope_codes = accounts.set_scope(args.username, value, by=_by())
            print(f"{args.username}: provinces {','.join(scope_codes) or 'all'}")
        elif args.cmd in ("disable", "enable"):
            accounts.set_disabled(args.username, args.cmd == "disable", by=_by())
            print(f"{args.username}: {args.cmd}d")
        elif args.cmd == "reset-password":
            temp = accounts.reset_password(args.username, by=_by())
            print(f"temporary password of {args.username} (shown once): {temp}")
        elif args.cmd == "bootstrap":
            message = bootstrap(args.port)
            if message:
                print(message)
        elif args.cmd == "audit":
            frame = audit.entries(limit=args.limit)
            print(frame.to_string(index=False) if len(frame) else "(empty)")
    except accounts.AuthError as exc:
        from geo.i18n.auth import ta

        print(f"error: {ta(exc.code, 'en', **exc.info)}", file=sys.stderr)
        return 2
    return 0
