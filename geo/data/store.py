"""The case store: engine, versioned migrations and the queries the pages use.

One embedded SQLite file by default (``data/tdn.sqlite``); any SQLAlchemy URL through
``TDN_DATABASE_URL`` (e.g. ``postgresql+psycopg://user@host/tdn``) without code changes. Only SQLAlchemy
Core constructs are used on the application path, so the SQL is portable.

Every frame returned here carries ``is_demo`` (row level) or ``demo_rows``/``is_demo`` (aggregates), so a
page can say plainly when it shows demonstration data. Counts of victims are sensitive: nothing in this
module prints or logs them.

Periods: a stored row has ``period_start``/``period_end`` (a single case has one day). Filters keep rows
whose period lies *inside* the requested range, so a half-year aggregate is never counted in a month.
Aggregations bucket a row by month/quarter/half/year when its period fits inside one bucket, and otherwise
keep the row's own period as the bucket (``exact_grain`` false), so nothing is dropped or split.
"""
from __future__ import annotations

import csv
import functools
import io
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import (
    Engine,
    and_,
    case,
    create_engine,
    event,
    func,
    inspect,
    or_,
    select,
    true,
)

from geo import config
from geo.data import schema as S  # --------------------------------------------------------------------------------------------------
# Engine and migrations
# --------------------------------------------------------------------------------------------------
_ENGINES: dict[str, Engine] = {}
_LOCK = threading.Lock()


def _make_engine(url: str) -> Engine:
    kwargs: dict = {"future": True}
    if url.startswith("sqlite"):
        # a file path: create its folder; allow the engine to be shared by Streamlit's threads
        path = url.split("///", 1)[-1] if "///" in url else ""
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

    return engine


def get_engine(url: str | None = None, migrate_now: bool = True) -> Engine:
    """Engine for ``url`` (default :func:`geo.config.database_url`), migrated to the current schema."""
    url = url or config.database_url()
    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = _make_engine(url)
            if migrate_now:
                migrate(engine)
            _ENGINES[url] = engine
    return engine


class StoreBusy(RuntimeError):
    """The store stayed locked by another writer for longer than the wait (SQLite's 30 s): nothing was
    written; the user can simply try again."""

    MESSAGE = ("Kho dữ liệu đang bận (một lần nhập hoặc hoàn tác khác đang ghi). Không có gì được ghi; "
               "hãy thử lại sau ít phút.",
               "The store is busy (another import or undo is writing). Nothing was written; try again in a "
               "few minutes.")

    def message(self, lang: str = "vi") -> str:
        return self.MESSAGE[1 if lang == "en" else 0]


#: advisory-lock keys (PostgreSQL) of the store's writers and of the migrations
_WRITE_LOCK_KEY = 72_410_001
_MIGRATE_LOCK_KEY = 72_410_002


@contextmanager
def write_transaction(engine: Engine | None = None):
    """One transaction for a write that must not interleave with another (an import, an undo, the demo
    reload): on PostgreSQL a transaction-level advisory lock, on SQLite ``BEGIN IMMEDIATE``. Writers of
    every app process and command line wait for each other, so "already imported?" and "undo" decisions
    are taken on the data as it is. A lock still held after SQLite's 30 s wait raises :class:`StoreBusy`
    (nothing written)."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    engine = _engine(engine)
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _WRITE_LOCK_KEY})
            elif engine.dialect.name == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
    except OperationalError as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise StoreBusy(str(exc)) from None
        raise


@contextmanager
def _migration_lock(engine: Engine):
    """Only one process migrates at a time (others wait, then find the schema current)."""
    from sqlalchemy import text

    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATE_LOCK_KEY})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATE_LOCK_KEY})
                conn.commit()
        return
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    import fcntl

    with open(f"{path}.migrate.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def dispose_engines() -> None:
    """Close every cached engine (tests, or after moving the database file)."""
    with _LOCK:
        for engine in _ENGINES.values():
            engine.dispose()
        _ENGINES.clear()


def _engine(engine: Engine | None) -> Engine:
    return engine if engine is not None else get_engine()


_V1_TABLES = ("imports", "cases", "prevention_models", "key_area_communes", "targets", "user_gates", "user_hotspots",
              "user_route_waypoints")


def _m001_initial(conn) -> None:
    """Version 1: imports, cases, prevention models, key areas, targets, user reference layers."""
    S.metadata.create_all(conn, tables=[S.metadata.tables[n] for n in _V1_TABLES], checkfirst=True)


def _m002_case_rollup(conn) -> None:
    """Version 2: the ``case_rollup`` summary table, filled from the cases already stored."""
    S.case_rollup.create(conn, checkfirst=True)
    for index in S.case_rollup.indexes:
        index.create(conn, checkfirst=True)
    conn.execute(rollup_insert(keys=False, counted=False))  # the cell keys come with migration 4


def _m003_accounts(conn) -> None:
    """Version 3: accounts, sessions, the audit trail and server settings (secrets)."""
    S.metadata.create_all(conn, tables=list(S.AUTH_TABLES), checkfirst=True)


def _secret_in(conn, name: str) -> bytes:
    """``secret(name)`` read (or created) on an open connection: a migration or an import runs inside a
    transaction, and on SQLite a second connection could not write the setting meanwhile. Same setting
    (``secret.<name>``, 32 random bytes in hex) as :func:`secret`, so both give the same bytes."""
    import secrets as _secrets

    t = S.app_settings
    key = f"secret.{name}"
    value = conn.execute(select(t.c.value).where(t.c.name == key)).scalar()
    if value is None:
        value = _secrets.token_hex(32)
        conn.execute(t.insert().values(name=key, value=value))
    return bytes.fromhex(value)


def record_keys(conn, row_keys: Sequence[str]) -> list[float]:
    """Record keys of case rows (cell-key method, :func:`geo.stats.cellkey.record_key`) for their
    ``row_key`` values, with the server secret read on ``conn``. Never log or show them."""
    from geo.stats import cellkey

    secret_bytes = _secret_in(conn, cellkey.SECRET_NAME)
    return cellkey.record_keys(secret_bytes, row_keys)


def _m004_cell_keys(conn) -> None:
    """Version 4: the record key ``ckey`` of every case row (cell-key method) and the cell-key sums
    ``ck_<column>`` of ``case_rollup`` (rebuilt from the case rows)."""
    from sqlalchemy import Float, bindparam, text, update

    columns = {c["name"] for c in inspect(conn).get_columns(S.cases.name)}
    if "ckey" not in columns:
        conn.execute(text(f"ALTER TABLE {S.cases.name} ADD COLUMN ckey {Float().compile(dialect=conn.dialect)}"))
    rows = conn.execute(select(S.cases.c.id, S.cases.c.row_key)).all()
    if rows:
        keys = record_keys(conn, [r[1] for r in rows])
        stmt = update(S.cases).where(S.cases.c.id == bindparam("b_id")).values(ckey=bindparam("b_ckey"))
        params = [{"b_id": r[0], "b_ckey": k} for r, k in zip(rows, keys)]
        for i in range(0, len(params), 5000):
            conn.execute(stmt, params[i:i + 5000])
    S.case_rollup.drop(conn, checkfirst=True)
    S.case_rollup.create(conn)
    for index in S.case_rollup.indexes:
        index.create(conn, checkfirst=True)
    conn.execute(rollup_insert(counted=False))  # the counted columns come with migration 5


def _m005_one_count_per_victim(conn) -> None:
    """Version 5: one count per victim (geo.data.counting). Case rows get the normalised case ID and its
    skeleton, what they add to every total under the counting rule (``k_<count>``), their status, the
    counted report of the same case and the reporting agencies; new tables for the overlaps found, the
    officers' decisions and the rows an update-mode import replaced. Every stored row is counted again and
    ``case_rollup`` is rebuilt from the counted values."""
    from sqlalchemy import bindparam, text, update

    from geo.data import counting
    from geo.data.cells import id_skeleton, normalise_id

    existing = {c["name"] for c in inspect(conn).get_columns(S.cases.name)}
    for column in S.cases.columns:
        if column.name not in existing:
            ddl = column.type.compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {S.cases.name} ADD COLUMN {column.name} {ddl}"))
    conn.execute(text("DROP INDEX IF EXISTS ix_cases_case_id"))  # case IDs are compared by id_key now
    for index in S.cases.indexes:
        index.create(conn, checkfirst=True)
    for table in S.V5_TABLES:
        table.create(conn, checkfirst=True)
        for index in table.indexes:
            index.create(conn, checkfirst=True)
    rows = conn.execute(select(S.cases.c.id, S.cases.c.case_id, *[S.cases.c[c] for c in S.COUNTED],
                               S.cases.c.record_type, S.cases.c.agency)).all()
    if rows:
        stmt = update(S.cases).where(S.cases.c.id == bindparam("b_id")).values(
            id_key=bindparam("b_key"), id_skel=bindparam("b_skel"), count_status="counted",
            sources=bindparam("b_agency"), **{k: bindparam("b_" + k) for k in S.K_COLUMNS})
        params = []
        for r in rows:
            m = r._mapping
            p = {"b_id": m["id"], "b_key": normalise_id(m["case_id"]), "b_skel": id_skeleton(m["case_id"]),
                 "b_agency": m["agency"]}
            for k, c in zip(S.K_COLUMNS, S.COUNTED):
                p["b_" + k] = 1 if c == "n_cases" and m["record_type"] == "case" else m[c]
            params.append(p)
        for i in range(0, len(params), 5000):
            conn.execute(stmt, params[i:i + 5000])
    counting.recount_all(conn)
    conn.execute(S.case_rollup.delete())
    conn.execute(rollup_insert())


#: (version, name, function). Append new migrations; never edit a released one. A later change to a
#: table adds a migration with explicit DDL (``ALTER TABLE`` through SQLAlchemy) so existing files upgrade.
MIGRATIONS: list[tuple[int, str, object]] = [
    (1, "initial schema: imports, cases, prevention models, key areas, targets, user reference layers", _m001_initial),
    (2, "case_rollup summary table for fast district/province aggregation", _m002_case_rollup),
    (3, "accounts, sessions, audit trail and server settings", _m003_accounts),
    (4, "cell keys: record key of every case row, cell-key sums in case_rollup", _m004_cell_keys),
    (5, "one count per victim: counted values, normalised case IDs, overlaps, decisions, replaced rows",
     _m005_one_count_per_victim),
]


def rollup_insert(import_ids: Iterable[int] | None = None, keys: bool = True, counted: bool = True):
    """INSERT ... SELECT that summarises the cases of ``import_ids`` (all imports when None): the counted
    values of the counting rule (``k_<column>``, :mod:`geo.data.counting`) with the cell-key sums
    ``ck_<column>`` = SUM(counted value * ckey). ``keys=False``/``counted=False``: without the cell keys /
    with the rows' own figures, for a database older than migration 4 / 5."""
    c = S.cases.c
    own = c.p_month.is_(None)
    group = [c[k] for k in S.ROLLUP_KEYS]
    own_start = case((own, c.period_start), else_=None)
    own_end = case((own, c.period_end), else_=None)
    value = (lambda k: c["k_" + k]) if counted else (lambda k: c[k])
    key_sums = [func.sum(value(k) * c.ckey) for k in S.ROLLUP_SUMS] if keys else []
    sel = select(*group, own_start, own_end, func.min(c.period_start), func.max(c.period_end), func.count(),
                 *[func.sum(value(k)) for k in S.ROLLUP_SUMS], *key_sums).group_by(*group, own_start, own_end)
    if import_ids is not None:
        sel = sel.where(c.import_id.in_(list(import_ids)))
    cols = [*S.ROLLUP_KEYS, "own_start", "own_end", "g_start", "g_end", "n_rows", *S.ROLLUP_SUMS,
            *([f"ck_{k}" for k in S.ROLLUP_SUMS] if keys else [])]
    return S.case_rollup.insert().from_select(cols, sel)


def rebuild_rollup(conn, import_ids: Iterable[int]) -> None:
    """Rebuild the ``case_rollup`` rows of ``import_ids`` from their case rows (after their counted values
    changed), inside the caller's transaction."""
    ids = sorted({int(i) for i in import_ids if i is not None})
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        conn.execute(S.case_rollup.delete().where(S.case_rollup.c.import_id.in_(chunk)))
        conn.execute(rollup_insert(chunk))


def schema_version(engine: Engine | None = None) -> int:
    """Highest applied migration, 0 for an empty database."""
    engine = _engine(engine)
    if not inspect(engine).has_table(S.schema_migrations.name):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(S.schema_migrations.c.version))).scalar() or 0)


def migrate(engine: Engine) -> int:
    """Apply pending migrations, each in its own transaction, under a lock (any number of processes
    may start at once on a new database); returns the resulting version."""
    with _migration_lock(engine):
        return _migrate(engine)


def _migrate(engine: Engine) -> int:
    with engine.begin() as conn:
        S.schema_migrations.create(conn, checkfirst=True)
    current = schema_version(engine)
    for version, name, fn in MIGRATIONS:
        if version <= current:
            continue
        with engine.begin() as conn:
            fn(conn)
            conn.execute(S.schema_migrations.insert().values(
                version=version, name=name, applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
        current = version
    return current


# --------------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------------
@dataclass
class CaseFilter:
    """Which case rows to read. Empty fields do not filter.

    ``demo``: ``"include"`` (default), ``"exclude"`` or ``"only"``.
    ``start``/``end``: keep rows whose whole period lies within [start, end].
    Province codes are 2-digit codes of the era named (``provinces`` pre-2025, ``provinces_2025``).
    """

    provinces: list[str] = field(default_factory=list)
    provinces_2025: list[str] = field(default_factory=list)
    districts: list[str] = field(default_factory=list)  # pre-2025 5-digit codes
    start: date | None = None
    end: date | None = None
    forms: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    record_types: list[str] = field(default_factory=list)
    demo: str = "include"
    import_id: int | None = None
    #: pre-2025 province codes a user may see (empty: the whole country). A row is in scope when its
    #: pre-2025 province is; a row placed only in a 2025 province is in scope when every pre-2025
    #: province merged into that 2025 province is (strict: nothing from outside the scope leaks in).
    scope: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, value: "CaseFilter | dict | None") -> "CaseFilter":
        if value is None:
            return cls()
        if isinstance(value, CaseFilter):
            return value
        return cls(**value)


def _as_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def _listify(value) -> list:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        return [value]
    return list(value)


def _case_conditions(f: CaseFilter, table=None) -> list:
    """WHERE conditions of ``f`` on ``cases`` (default) or on the ``case_rollup`` summary."""
    table = S.cases if table is None else table
    rollup = table is S.case_rollup
    c = table.c
    cond = []
    if f.provinces:
        cond.append(c.prov_code_pre2025.in_([str(p).zfill(2) for p in _listify(f.provinces)]))
    if f.provinces_2025:
        cond.append(c.prov_code_2025.in_([str(p).zfill(2) for p in _listify(f.provinces_2025)]))
    if f.districts:
        cond.append(c.district_code5.in_([str(d).zfill(5) for d in _listify(f.districts)]))
    if f.start is not None:
        cond.append((c.g_start if rollup else c.period_start) >= _as_date(f.start))
    if f.end is not None:
        cond.append((c.g_end if rollup else c.period_end) <= _as_date(f.end))
    if f.forms or f.agencies:
        if rollup:
            raise ValueError("the case_rollup summary has no form or agency")
        if f.forms:
            cond.append(c.form.in_(_listify(f.forms)))
        if f.agencies:
            cond.append(c.agency.in_(_listify(f.agencies)))
    if f.record_types:
        cond.append(c.record_type.in_(_listify(f.record_types)))
    if f.demo == "exclude":
        cond.append(c.is_demo.is_(False))
    elif f.demo == "only":
        cond.append(c.is_demo.is_(True))
    elif f.demo != "include":
        raise ValueError(f"demo must be include, exclude or only, not {f.demo!r}")
    if f.import_id is not None:
        cond.append(c.import_id == int(f.import_id))
    if f.scope:
        cond.append(scope_condition(f.scope, table))
    return cond


@functools.lru_cache(maxsize=4)
def _province_map(path: str) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r["old_code"].zfill(2): r["new_code"].zfill(2) for r in csv.DictReader(fh)}


def province_old_to_new() -> dict[str, str]:
    """Pre-2025 province code -> 2025 province code (``province_63_to_34.csv`` of the boundary folder)."""
    return _province_map(str(config.boundaries_dir() / "province_63_to_34.csv"))


def scope_provinces_2025(scope: Iterable[str]) -> list[str]:
    """The 2025 provinces wholly inside a scope of pre-2025 provinces (every province merged into them is
    in the scope)."""
    scope = {str(p).zfill(2) for p in scope}
    merged: dict[str, set[str]] = {}
    for old, new in province_old_to_new().items():
        merged.setdefault(new, set()).add(old)
    return sorted(new for new, olds in merged.items() if olds <= scope)


def scope_condition(scope: Iterable[str], table=None):
    """WHERE condition keeping the rows of ``table`` (``cases`` or ``case_rollup``) inside ``scope``."""
    c = (S.cases if table is None else table).c
    scope = sorted({str(p).zfill(2) for p in _listify(scope)})
    cond = c.prov_code_pre2025.in_(scope)
    new = scope_provinces_2025(scope)
    if new:
        cond = or_(cond, and_(c.prov_code_pre2025.is_(None), c.prov_code_2025.in_(new)))
    return cond


def _frame(engine: Engine, stmt, date_cols: Iterable[str] = ()) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(stmt)
        df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    for col in date_cols:
        if col in df.columns:
            df[col] = pd.to_datetime(df[col], errors="coerce")
    if "is_demo" in df.columns:
        df["is_demo"] = df["is_demo"].astype(bool)
    return df


# --------------------------------------------------------------------------------------------------
# Case queries
# --------------------------------------------------------------------------------------------------
def cases_frame(filters: CaseFilter | dict | None = None, engine: Engine | None = None,
                keys: bool = False, counted: bool = False) -> pd.DataFrame:
    """Stored case and aggregate rows matching ``filters``, one row each, with ``is_demo``. The record
    key ``ckey`` only with ``keys=True`` (for the view builders' cell keys; never shown).

    The count columns hold each row's figures as reported; ``k_<count>`` what the row adds to every total
    under the counting rule (:mod:`geo.data.counting`), ``count_status`` why. ``counted=True``: the count
    columns hold the counted values instead (what a view that sums rows must use)."""
    engine = _engine(engine)
    f = CaseFilter.of(filters)
    columns = [c for c in S.cases.columns if keys or c.name != "ckey"]
    stmt = select(*columns).where(and_(true(), *_case_conditions(f))).order_by(S.cases.c.period_start, S.cases.c.id)
    df = _frame(engine, stmt, ("date", "period_start", "period_end"))
    if counted:
        for col in S.COUNTED:
            df[col] = df["k_" + col]
    return df


GROUPINGS: dict[str, tuple[str, ...]] = {
    "national": (),
    "province_2025": ("prov_code_2025",),
    "province": ("prov_code_2025", "prov_code_pre2025"),
    "district": ("prov_code_2025", "prov_code_pre2025", "district_code5"),
    "commune": ("prov_code_2025", "prov_code_pre2025", "district_code5", "place_era", "commune_code"),
}
GRAINS = ("month", "quarter", "half", "year", "all")
SUM_COLUMNS = ("n_cases", "victims", "victims_children", "victims_women", "victims_rescued",
               "victims_supported", "suspects_arrested")


def _month_aligned(start, end) -> bool:
    s, e = _as_date(start), _as_date(end)
    return (s is None or s.day == 1) and (e is None or (e + timedelta(days=1)).day == 1)


def aggregate_cases(by: str = "district", grain: str = "month", filters: CaseFilter | dict | None = None,
                    engine: Engine | None = None, extra_by: Iterable[str] = (), source: str = "auto") -> pd.DataFrame:
    """Sum cases and victims by place (``by``) and time (``grain``), in the database.

    ``by``: national | province_2025 | province (pre-2025) | district (pre-2025 code5) | commune.
    Rows not placed at the requested level (e.g. a province total when grouping by district) keep an
    empty code at that level, so they stay visible instead of vanishing. ``extra_by``: further stored
    columns to group by (e.g. ``["form"]`` or ``["agency"]``).

    Returns one row per group with the bucket ``period`` (``2023-05``, ``2023-Q2``, ``2023-H1``,
    ``2023`` or the row's own period when it does not fit in one bucket: ``exact_grain`` false),
    ``period_start``/``period_end``, ``n_rows`` (stored rows, every report), ``cases`` (sum of ``n_cases``),
    the victim and suspect sums, ``demo_rows``, ``is_demo`` (any demo row) and ``all_demo``.

    The sums count **by the counting rule** (:mod:`geo.data.counting`, ``data/SCHEMA.md``): each row adds its
    counted values ``k_<count>`` — a case reported again (by another agency, or under a variant of its ID)
    adds nothing, an aggregate adds only what the case rows and smaller aggregates of its agency inside it
    do not already count.

    The summary table ``case_rollup`` answers the query when it can (no commune grouping, no form or
    agency filter or grouping, dates on month boundaries); otherwise the case rows are read. Both give
    the same numbers. ``source``: ``auto`` (default) or ``cases`` to force reading the case rows.

    Next to every sum its cell-key sum ``ck_<sum>`` (``ck_cases``, ``ck_victims``...: SUM(count × record
    key), :mod:`geo.stats.cellkey`), exact and additive, so both sources give the same keys. Never show them.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {sorted(GROUPINGS)}")
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {GRAINS}")
    engine = _engine(engine)
    f = CaseFilter.of(filters)
    extra_by = list(extra_by)
    if source not in ("auto", "cases"):
        raise ValueError("source must be auto or cases")
    rollup = (source == "auto" and by != "commune" and not extra_by and not f.forms and not f.agencies
              and _month_aligned(f.start, f.end))
    src = S.case_rollup if rollup else S.cases
    c = src.c
    start_col, end_col = (c.g_start, c.g_end) if rollup else (c.period_start, c.period_end)
    own_start_col, own_end_col = (c.own_start, c.own_end) if rollup else (c.period_start, c.period_end)
    keys = [c[k] for k in GROUPINGS[by]] + [c[k] for k in extra_by]
    time_keys = []
    if grain != "all":
        part_col = None if grain == "year" else c[f"p_{grain}"]
        own = c.p_year.is_(None) if part_col is None else part_col.is_(None)
        time_keys.append(c.p_year.label("b_year"))
        if part_col is not None:
            time_keys.append(part_col.label("b_part"))
        time_keys += [case((own, own_start_col), else_=None).label("own_start"),
                      case((own, own_end_col), else_=None).label("own_end")]
    # the counted values of the counting rule (geo.data.counting): the summary holds them already
    sums = [func.sum(c[col] if rollup else c["k_" + col]).label("cases" if col == "n_cases" else col)
            for col in SUM_COLUMNS]
    # cell-key sums next to every sum (geo.stats.cellkey): exact, so both sources give the same values
    sums += [func.sum(c[f"ck_{col}"] if rollup else c["k_" + col] * c.ckey).label("ck_" + ("cases" if col == "n_cases" else col))
             for col in SUM_COLUMNS]
    if rollup:
        n_rows = func.sum(c.n_rows)
        demo_rows = func.sum(case((c.is_demo.is_(True), c.n_rows), else_=0))
        cond = _case_conditions(f, S.case_rollup)
    else:
        n_rows = func.count()
        demo_rows = func.sum(case((c.is_demo.is_(True), 1), else_=0))
        cond = _case_conditions(f)
    stmt = (
        select(*keys, *time_keys, n_rows.label("n_rows"), *sums, demo_rows.label("demo_rows"),
               func.min(start_col).label("min_start"), func.max(end_col).label("max_end"))
        .where(and_(true(), *cond))
        .group_by(*keys, *time_keys)
    )
    df = _frame(engine, stmt)
    return _finish_aggregate(df, grain)


def _finish_aggregate(df: pd.DataFrame, grain: str) -> pd.DataFrame:
    # an aggregate without GROUP BY (national, all) returns one empty row when nothing matches
    df = df[pd.to_numeric(df["n_rows"], errors="coerce").fillna(0) > 0].reset_index(drop=True)
    n = len(df)
    if grain == "all":
        df["period"] = "all"
        df["period_start"] = pd.to_datetime(df["min_start"]) if n else pd.Series(dtype="datetime64[ns]")
        df["period_end"] = pd.to_datetime(df["max_end"]) if n else pd.Series(dtype="datetime64[ns]")
        df["exact_grain"] = True
    else:
        own = df["own_start"].notna().to_numpy()
        year = pd.to_numeric(df["b_year"], errors="coerce").fillna(2000).astype(int).to_numpy()
        part = (pd.to_numeric(df["b_part"], errors="coerce").fillna(1).astype(int).to_numpy()
                if "b_part" in df.columns else np.ones(n, dtype=int))
        span = {"month": 1, "quarter": 3, "half": 6, "year": 12}[grain]
        month0 = (part - 1) * span + 1 if grain != "year" else np.ones(n, dtype=int)
        starts = pd.to_datetime(pd.DataFrame({"year": year, "month": month0, "day": 1}))
        ends = starts + pd.offsets.MonthEnd(span)
        if grain == "month":
            labels = pd.Series([f"{y}-{m:02d}" for y, m in zip(year, part)], index=df.index, dtype=object)
        elif grain == "year":
            labels = pd.Series(year.astype(str), index=df.index, dtype=object)
        else:
            letter = "Q" if grain == "quarter" else "H"
            labels = pd.Series([f"{y}-{letter}{p}" for y, p in zip(year, part)], index=df.index, dtype=object)
        starts.index = ends.index = df.index
        if own.any():
            own_s = pd.to_datetime(df.loc[own, "own_start"])
            own_e = pd.to_datetime(df.loc[own, "own_end"])
            starts[own], ends[own] = own_s, own_e
            labels[own] = [period_label(a.date(), b.date()) for a, b in zip(own_s, own_e)]
        df["period"] = labels.astype(str) if n else pd.Series(dtype=str)
        df["period_start"] = starts.astype("datetime64[ns]")
        df["period_end"] = ends.astype("datetime64[ns]")
        df["exact_grain"] = ~own
    df = df.drop(columns=[c for c in ("b_year", "b_part", "own_start", "own_end", "min_start", "max_end") if c in df.columns])
    for col in ("cases", *SUM_COLUMNS[1:]):
        if col in df.columns:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("Int64")
        if "ck_" + col in df.columns:
            df["ck_" + col] = pd.to_numeric(df["ck_" + col], errors="coerce").astype(float).fillna(0.0)
    df["demo_rows"] = pd.to_numeric(df.get("demo_rows", 0), errors="coerce").fillna(0).astype(int)
    df["n_rows"] = pd.to_numeric(df.get("n_rows", 0), errors="coerce").fillna(0).astype(int)
    df["is_demo"] = df["demo_rows"] > 0
    df["all_demo"] = df["demo_rows"] == df["n_rows"]
    sort = [c for c in df.columns if c in ("prov_code_2025", "prov_code_pre2025", "district_code5", "commune_code")]
    return df.sort_values(sort + ["period_start", "period"], na_position="first", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Period helpers (shared with the importer)
# --------------------------------------------------------------------------------------------------
from geo.periods import bucket_bounds, period_label, period_parts  # noqa: E402,F401


# --------------------------------------------------------------------------------------------------
# Other tables
# --------------------------------------------------------------------------------------------------
def _demo_cond(table, demo: str):
    if demo == "exclude":
        return table.c.is_demo.is_(False)
    if demo == "only":
        return table.c.is_demo.is_(True)
    return table.c.id.isnot(None)


def table_frame(kind: str, demo: str = "include", engine: Engine | None = None, **equals) -> pd.DataFrame:
    """All stored rows of one import kind (``prevention_models``, ``key_areas``, ``targets``, ``gates``...).

    ``equals`` filters on stored columns, e.g. ``prov_code_2025="40"`` or ``year=2023``.
    """
    engine = _engine(engine)
    table = S.KIND_TABLES[kind]
    cond = [_demo_cond(table, demo)]
    for col, value in equals.items():
        if value is None:
            continue
        cond.append(table.c[col].in_(_listify(value)) if isinstance(value, (list, tuple, set)) else table.c[col] == value)
    stmt = select(*[c for c in table.columns if c.name != "ckey"]).where(and_(*cond)).order_by(table.c.id)
    dates = [c.name for c in table.columns if isinstance(c.type, S.Date)]
    return _frame(engine, stmt, dates)


def prevention_frame(demo: str = "include", engine: Engine | None = None, **equals) -> pd.DataFrame:
    return table_frame("prevention_models", demo, engine, **equals)


def key_areas_frame(demo: str = "include", engine: Engine | None = None, **equals) -> pd.DataFrame:
    return table_frame("key_areas", demo, engine, **equals)


def user_points_frame(kind: str, demo: str = "include", engine: Engine | None = None) -> pd.DataFrame:
    """User-added ``gates``, ``hotspots`` or ``routes`` (waypoints) rows, with ``origin`` = ``user``."""
    df = table_frame(kind, demo, engine)
    df["origin"] = "user"
    return df


def targets_frame(include_published: bool = True, demo: str = "include", engine: Engine | None = None) -> pd.DataFrame:
    """Plan targets: imported ones (``is_published`` false) and, by default, the published ones from
    the reference facts (``is_published`` true, ``figure_id`` and ``source`` kept)."""
    df = table_frame("targets", demo, engine)
    df["is_published"] = False
    df["figure_id"] = None
    df["reliability"] = None
    if include_published and demo != "only":
        from geo.data import facts
        pub = facts.published_targets()
        df = pd.concat([pub, df], ignore_index=True) if len(df) else pub.copy()
    df["is_demo"] = df["is_demo"].fillna(False).astype(bool)
    df["is_published"] = df["is_published"].fillna(False).astype(bool)
    return df


def model_active_at(models: pd.DataFrame, when: date | pd.Timestamp) -> pd.Series:
    """Which rows of :func:`prevention_frame` were in place on ``when`` (boolean Series): started on or
    before it, not ended by it; a model marked ended or paused without an end date does not count."""
    when = pd.Timestamp(when)
    start_ok = models["start_date"] <= when
    end = models["end_date"]
    not_ended = end.isna() | (end > when)
    status_ok = models["status"].isin(["active"]) | (models["status"].isin(["ended", "paused"]) & end.notna())
    return start_ok & not_ended & status_ok


def coverage_frame(year: int | None = None, province_2025: str | None = None, demo: str = "include",
                   engine: Engine | None = None) -> pd.DataFrame:
    """Share of key-area communes with a prevention model in place at the end of each year.

    One row per province (of the key-area list's era) and year: ``key_communes``, ``covered_communes``,
    ``coverage_pct``, and the ``key_area_model_coverage`` target for that province and year when one
    exists (``target_value``, ``target_comparator``, ``target_source``, ``target_is_published``,
    ``target_is_demo``, ``meets_target``). A model counts when it started on or before 31 December and had
    not ended by then; a model whose status is ``ended`` or ``paused`` without an end date is not counted.
    ``is_demo`` is true when any key-area or model row used is demo data.
    """
    engine = _engine(engine)
    ka = key_areas_frame(demo, engine)
    cols = ["province_code", "province_name", "prov_code_2025", "year", "key_communes", "covered_communes",
            "coverage_pct", "target_value", "target_comparator", "target_source", "target_is_published",
            "target_is_demo", "meets_target", "is_demo"]
    if year is not None:
        ka = ka[ka["year"] == int(year)]
    if province_2025 is not None:
        ka = ka[ka["prov_code_2025"] == str(province_2025).zfill(2)]
    if ka.empty:
        return pd.DataFrame(columns=cols)
    models = prevention_frame(demo, engine)
    rows = []
    for (pcode, y), grp in ka.groupby(["province_code", "year"], sort=True):
        when = pd.Timestamp(date(int(y), 12, 31))
        active = models[model_active_at(models, when)] if len(models) else models
        covered_keys = set()
        demo_used = bool(grp["is_demo"].any())
        if len(active):
            by_legacy = set(active.loc[active["place_era"] == "pre2025", "commune_code"].dropna())
            by_2025 = set(active["commune_code_2025"].dropna())
            for _, r in grp.iterrows():
                hit = (r["place_era"] == "pre2025" and r["commune_code"] in by_legacy) or (
                    pd.notna(r["commune_code_2025"]) and r["commune_code_2025"] in by_2025 and r["place_era"] == "2025")
                if hit:
                    covered_keys.add((r["place_era"], r["commune_code"]))
            demo_used = demo_used or bool(active["is_demo"].any())
        n_key = grp[["place_era", "commune_code"]].drop_duplicates().shape[0]
        rows.append({
            "province_code": pcode, "province_name": grp["province_name"].iloc[0],
            "prov_code_2025": grp["prov_code_2025"].iloc[0], "year": int(y),
            "key_communes": n_key, "covered_communes": len(covered_keys),
            "coverage_pct": round(100.0 * len(covered_keys) / n_key, 1) if n_key else None,
            "is_demo": demo_used,
        })
    out = pd.DataFrame(rows)
    tg = targets_frame(True, demo if demo != "only" else "include", engine)
    tg = tg[tg["indicator"] == "key_area_model_coverage"]
    t_val, t_cmp, t_src, t_pub, t_demo, meets = [], [], [], [], [], []
    for _, r in out.iterrows():
        m = tg[(tg["province_code"] == r["province_code"]) & (tg["year"] == r["year"])]
        if m.empty:
            m = tg[(tg["prov_code_2025"] == r["prov_code_2025"]) & (tg["year"] == r["year"])]
        if m.empty:
            t_val.append(None); t_cmp.append(None); t_src.append(None); t_pub.append(None); t_demo.append(None)
            meets.append(None)
            continue
        m = m.sort_values("is_published", ascending=False).iloc[0]  # published target first
        t_val.append(float(m["value"])); t_cmp.append(m["comparator"]); t_src.append(m["source"])
        t_pub.append(bool(m["is_published"])); t_demo.append(bool(m["is_demo"]))
        meets.append(meets_target(r["coverage_pct"], m["comparator"], float(m["value"])))
    out["target_value"], out["target_comparator"], out["target_source"] = t_val, t_cmp, t_src
    out["target_is_published"], out["target_is_demo"], out["meets_target"] = t_pub, t_demo, meets
    return out[cols]


def meets_target(value, comparator: str | None, target) -> bool | None:
    """Whether a value (e.g. a coverage in %) meets a target (``at_least`` by default, ``over``,
    ``at_most``, ``equal``); None when either is unknown."""
    if value is None or target is None or pd.isna(value) or pd.isna(target):
        return None
    value, target = float(value), float(target)
    if comparator == "over":
        return value > target
    if comparator == "at_most":
        return value <= target
    if comparator == "equal":
        return value == target
    return value >= target


# --------------------------------------------------------------------------------------------------
# Status and export
# --------------------------------------------------------------------------------------------------
def data_status(engine: Engine | None = None) -> dict:
    """Row counts per table, split into real and demo rows, and the schema version. No victim counts."""
    engine = _engine(engine)
    out = {"schema_version": schema_version(engine), "tables": {}}
    with engine.connect() as conn:
        for kind, table in S.KIND_TABLES.items():
            demo = conn.execute(select(func.count()).select_from(table).where(table.c.is_demo.is_(True))).scalar() or 0
            total = conn.execute(select(func.count()).select_from(table)).scalar() or 0
            out["tables"][kind] = {"rows": int(total), "demo_rows": int(demo), "real_rows": int(total - demo)}
    out["has_demo"] = any(t["demo_rows"] for t in out["tables"].values())
    out["has_real"] = any(t["real_rows"] for t in out["tables"].values())
    return out


def data_version(engine: Engine | None = None) -> str:
    """A short text that changes whenever stored figures may have changed: an import, an undo or a demo
    reload in any process (the import log is the store's audit trail: every write is an import, every
    removal an undo). Views and exports are cached on it."""
    engine = _engine(engine)
    t = S.imports
    with engine.connect() as conn:
        row = conn.execute(select(func.count(), func.max(t.c.id), func.max(t.c.imported_at),
                                  func.max(t.c.undone_at), func.count(t.c.undone_at))).one()
        # an officer's decision on an overlap changes what is counted (geo.data.counting)
        decided = conn.execute(select(func.max(S.overlap_decisions.c.id))).scalar()
    n, last_id, last_at, last_undo, n_undone = row
    text = f"{n}.{last_id or 0}.{n_undone}.{last_at or ''}.{last_undo or ''}".replace(" ", "T")
    return text + (f".d{decided}" if decided else "")


def setting(name: str, default_factory=None, engine: Engine | None = None) -> str | None:
    """A server setting shared by every process (``app_settings``). When it is missing and
    ``default_factory`` is given, its value is created once (the first process to write wins, so every
    process reads the same value afterwards)."""
    from sqlalchemy.exc import IntegrityError

    engine = _engine(engine)
    t = S.app_settings
    with engine.connect() as conn:
        value = conn.execute(select(t.c.value).where(t.c.name == name)).scalar()
    if value is not None or default_factory is None:
        return value
    try:
        with engine.begin() as conn:
            conn.execute(t.insert().values(name=name, value=str(default_factory())))
    except IntegrityError:
        pass  # another process created it first
    with engine.connect() as conn:
        return conn.execute(select(t.c.value).where(t.c.name == name)).scalar()


def secret(name: str, engine: Engine | None = None) -> bytes:
    """A random 32-byte server secret, created on first use and kept in the store."""
    import secrets as _secrets

    return bytes.fromhex(setting(f"secret.{name}", lambda: _secrets.token_hex(32), engine=engine))


def with_labels(df: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Copy of ``df`` with a ``<column>_label`` next to every coded column (form, agency, status...)."""
    out = df.copy()
    for col, vocab in S.LABELLED_COLUMNS.items():
        if col in out.columns:
            out[f"{col}_label"] = out[col].map(lambda v, vocab=vocab: vocab.label(v, lang) if isinstance(v, str) else None)
    return out


def has_demo(engine: Engine | None = None) -> bool:
    return bool(data_status(engine)["has_demo"])


_RISKY_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_cell(value):
    """Spreadsheet-safe text: a cell that a spreadsheet would run as a formula gets a leading apostrophe.

    Numbers are left alone (a negative number is data, not a formula).
    """
    if value is None or isinstance(value, (bool, int, float, date, datetime, pd.Timestamp, np.number)):
        return value
    text = str(value)
    if text[:1] in _RISKY_START or text.lstrip(" ")[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def export_csv_bytes(df: pd.DataFrame, lang: str = "vi", demo: bool | None = None, title: str | None = None,
                     protect: Sequence[str] = (), threshold: int | None = None) -> bytes:
    """CSV (UTF-8 with BOM, opens correctly in Excel) with risky cells escaped.

    When the frame holds demo rows (``is_demo``/``demo_rows``) or ``demo`` is true, the first line says
    ``# DỮ LIỆU MINH HỌA / DEMO DATA`` so the file cannot be mistaken for real figures; the importer
    skips such ``#`` lines. ``protect``: count columns of a row-level table whose small counts are written
    ``"<5"`` (:func:`geo.stats.suppression.protect_columns`), with a ``#`` line saying so.
    """
    from geo.stats import suppression
    if protect:
        df = suppression.protect_columns(df, protect, threshold, lang)
    if demo is None:
        demo = bool(("is_demo" in df.columns and df["is_demo"].fillna(False).astype(bool).any())
                    or ("demo_rows" in df.columns and (pd.to_numeric(df["demo_rows"], errors="coerce").fillna(0) > 0).any()))
    buf = io.StringIO()
    if demo:
        buf.write(f"# {S.DEMO_LABEL}: "
                  + ("số liệu minh họa, không phải số liệu thật" if lang == "vi" else "demonstration figures, not real data")
                  + "\n")
    if title:
        buf.write("# " + str(title).replace("\n", " ") + "\n")
    if protect:
        index = 1 if lang == "en" else 0
        buf.write("# " + suppression.NOTES["small"][index].format(t=suppression._resolve(threshold)) + "\n")
    safe = df.copy()
    for col in safe.columns:
        if pd.api.types.is_object_dtype(safe[col]) or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(escape_cell)
    safe.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
