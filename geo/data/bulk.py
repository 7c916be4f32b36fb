"""Helpers of the importer for big files (issue 17).

- :func:`gc_paused`: Python's cyclic garbage collector paused while a file is checked or imported.
- :func:`empty_columns_left_out`: the columns of a batch of rows worth sending to the store (on SQLite a
  column that is NULL in every row of the batch and has no default is left out of the ``INSERT``).
"""
from __future__ import annotations

import gc
import threading
from contextlib import contextmanager


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector paused while a file is checked or imported (the process's collector,
    as it was before the first of any overlapping checks, again after the last). A big file makes hundreds of
    thousands of short-lived records, which set off full collections that walk every object of the process
    (the place registry alone holds millions): about a third of an import's time. The records themselves
    hold no cycles and are freed as soon as they are written; memory still grows with a batch."""
    global _GC_USERS, _GC_WAS_ON
    with _GC_LOCK:
        if _GC_USERS == 0:
            _GC_WAS_ON = gc.isenabled()
            gc.disable()
        _GC_USERS += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_USERS -= 1
            if _GC_USERS == 0 and _GC_WAS_ON:
                gc.enable()


_GC_LOCK = threading.Lock()
_GC_USERS = 0  # checks and imports under way
_GC_WAS_ON = True


def empty_columns_left_out(conn, table, names: list[str], cols: list, n: int) -> list[int]:
    """Positions of the columns ``names`` (values ``cols``, a sequence of ``n`` values each) to insert: on
    SQLite every column but those NULL in all ``n`` rows whose stored column has no default (such a column
    left out of the ``INSERT`` is NULL just the same, and SQLite binds ``n`` fewer values). Other
    databases: every column."""
    every = list(range(len(names)))
    if conn.dialect.name != "sqlite" or not n:
        return every
    key = ("tdn_sqlite_defaults", table.name)  # read once per database connection, not once per batch
    defaults = conn.info.get(key)
    if defaults is None:
        defaults = conn.info[key] = _sqlite_defaults(conn, table)
    return [k for k in every if names[k] in defaults or not _all_none(cols[k], n)]


def _all_none(values, n: int) -> bool:
    """Whether the ``n`` values (a list or a tuple) are all None (anything else: no). A column whose first
    value is set is answered at once (counting compares every value: slow for text)."""
    if values.__class__ not in (list, tuple) or not n:
        return False
    return values[0] is None and values.count(None) == n


def _sqlite_defaults(conn, table) -> set[str]:
    """Columns of ``table`` that have a default in the SQLite table as stored, or are not in it (never left
    out: the ``INSERT`` then fails as it would have)."""
    quote = conn.dialect.identifier_preparer.quote
    rows = conn.exec_driver_sql(f"PRAGMA table_info({quote(table.name)})").fetchall()
    stored = {r[1]: r[4] for r in rows}  # (cid, name, type, notnull, dflt_value, pk)
    return {c.name for c in table.columns if c.name not in stored or stored[c.name] is not None}
