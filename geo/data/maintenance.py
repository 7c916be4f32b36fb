"""``python -m geo store …``: the store's state, a consistent backup, and its migration (used by the offline
bundle's installer, ``scripts/offline/install.sh``, before and after an upgrade).

    python -m geo store status                 where the store is (no password), its schema version, this code's
    python -m geo store backup DIR [--label L]  a consistent copy in DIR, named with the UTC time (prints its path)
    python -m geo store migrate [--backup DIR] create the store, or upgrade it to this version's schema (backing an
                                               existing store up into DIR first)

SQLite is copied with SQLite's online backup (consistent while the dashboard runs); PostgreSQL with
``pg_dump --format=custom`` (Debian package ``postgresql-client``). Exit status 3: the store's schema is newer
than this version of the app knows (a downgrade: restore the backup taken before the upgrade instead).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from geo import config

TOO_NEW = 3


def code_version() -> int:
    """Highest schema version this code can migrate to."""
    from geo.data.store import MIGRATIONS

    return max(version for version, _name, _fn in MIGRATIONS)


def _sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def describe(url: str) -> str:
    """The store's address without its password."""
    return make_url(url).render_as_string(hide_password=True)


def exists(url: str) -> bool:
    """True when the store holds the app's tables (a SQLite file that is missing or empty does not)."""
    path = _sqlite_path(url)
    if path is not None and not path.is_file():
        return False
    from geo.data import store

    engine = store.get_engine(url, migrate_now=False)
    return inspect(engine).has_table("schema_migrations")


def schema_version(url: str) -> int:
    from geo.data import store

    return store.schema_version(store.get_engine(url, migrate_now=False)) if exists(url) else 0


def backup(url: str, folder: Path, label: str = "") -> Path | None:
    """A consistent copy of the store in ``folder`` (created, owner-only), or None when there is no store yet."""
    if not exists(url):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    suffix = f"-{label}" if label else ""
    path = _sqlite_path(url)
    if path is not None:
        target = folder / f"tdn-{stamp}{suffix}.sqlite"
        partial = target.with_name(target.name + ".part")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise RuntimeError("pg_dump is missing: install the Debian package postgresql-client "
                               "(or back the database up yourself and install with --no-backup)")
        target = folder / f"tdn-{stamp}{suffix}.pgdump"
        partial = target.with_name(target.name + ".part")
        plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_dump, "--format=custom", "--file", str(partial), "--dbname", plain], check=True)
    os.chmod(partial, 0o600)
    partial.rename(target)
    return target


def migrate(url: str) -> tuple[int, int]:
    """Create or upgrade the store; returns (version before, version after)."""
    from geo.data import store

    before = schema_version(url)
    if before > code_version():
        raise TooNew(before)
    after = store.migrate(store.get_engine(url, migrate_now=False))
    return before, after


class TooNew(RuntimeError):
    def __init__(self, version: int):
        super().__init__(f"the store's schema (version {version}) is newer than this version of the app knows "
                         f"({code_version()}): restore the backup taken before the upgrade, or install the newer "
                         "version again")


def main_store(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo store", description="The store: status, backup, migration.")
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("status")
    back = sub.add_parser("backup")
    back.add_argument("folder")
    back.add_argument("--label", default="", help="added to the file name, e.g. before-1.1.0")
    mig = sub.add_parser("migrate")
    mig.add_argument("--backup", metavar="DIR", default=None, help="back an existing store up into DIR first")
    mig.add_argument("--label", default="", help="added to the backup's file name")
    args = parser.parse_args(argv)
    url = config.database_url()
    try:
        if args.cmd == "status":
            have = schema_version(url)
            print(f"store: {describe(url)}\nexists: {'yes' if exists(url) else 'no'}\n"
                  f"schema version: {have} (this version of the app: {code_version()})")
            return TOO_NEW if have > code_version() else 0
        if args.cmd == "backup":
            path = backup(url, Path(args.folder).expanduser().resolve(), args.label)
            if path is None:
                print(f"no store yet at {describe(url)}: nothing to back up", file=sys.stderr)
            else:
                print(path)
            return 0
        have = schema_version(url)
        if have > code_version():
            raise TooNew(have)
        if args.backup and have:
            print(f"backup: {backup(url, Path(args.backup).expanduser().resolve(), args.label)}")
        before, after = migrate(url)
        print(f"store {describe(url)}: schema version {before} -> {after}"
              + (" (created)" if before == 0 else "" if after > before else " (already current)"))
        return 0
    except TooNew as exc:
        print(f"error: {exc}", file=sys.stderr)
        return TOO_NEW
    except (RuntimeError, subprocess.CalledProcessError, sqlite3.Error) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


main = main_store
