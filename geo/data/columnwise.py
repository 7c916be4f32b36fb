"""Cell parsing of many rows at once, column by column, for the importer's clean rows (issue 17).

:meth:`geo.data.importer._Validator.parse_row` parses one row cell by cell and reports every problem. Most
rows of a big file have none, and most columns repeat a few values (dates, places, vocabulary, counts), so
:func:`parse_chunk` parses a chunk of rows a column at a time: a column's cells are looked up in a table of
values already known to parse cleanly (one C-level ``map`` per column), the rest are parsed here with the
same parser and memo as :meth:`parse_row`. A row is *clean* when none of its cells failed and no required
cell is empty; for it the answer is exactly what :meth:`parse_row` returns (the parsed values by column
key, in the same order, and an empty set of failed keys). Any other row gets None: the caller parses it
again with :meth:`parse_row`, which reports its problems in the usual order (a clean row reports nothing,
so the order of the file's messages does not change).
"""
from __future__ import annotations

from itertools import repeat
from operator import itemgetter
from typing import Any

from geo.data.cells import _CellError

#: distinct raw values per column whose parse is remembered (by this module and by ``parse_row``)
_PARSE_MEMO = 50_000

_MISS = object()
#: distinct raw values per column kept in the table of clean parses (as the importer's memo)
_CLEAN_MEMO = 50_000


def parse_chunk(validator, rows: list[list]) -> list[tuple[dict, set] | None]:
    """For each row of ``rows`` (cell values as read), ``(values by column key, set())`` when every cell
    parses cleanly and every required cell has a value, else None (to be parsed by ``parse_row``)."""
    n_rows = len(rows)
    if not n_rows:
        return []
    parsers = validator._parser_list()
    clean_tables = validator.__dict__.setdefault("_clean_tables", {})
    width = min(map(len, rows))
    dirty = bytearray(n_rows)
    columns: list[list] = []
    for key, i, spec, parse, memo in parsers:
        if i < width:
            raw_col = list(map(itemgetter(i), rows))
        else:
            raw_col = [r[i] if i < len(r) else None for r in rows]
        empty = None if spec.kind != "bool" else False
        if spec.required and ("" in raw_col or None in raw_col):  # an empty cell is a problem (or needs the
            for j, raw in enumerate(raw_col):  # code column: parse_row decides)
                if raw == "" or raw is None:
                    dirty[j] = 1
        if memo is not None:
            clean = clean_tables.get(key)
            if clean is None:
                clean = clean_tables[key] = {} if spec.required else {"": empty, None: empty}
            values = list(map(clean.get, raw_col, repeat(_MISS)))
            if _MISS in values:  # (a C-level scan: most chunks of a big file find every value known)
                for j, value in enumerate(values):
                    if value is _MISS:
                        values[j] = _cell(raw_col[j], spec, parse, memo, clean, empty)
                        if values[j] is _MISS:
                            dirty[j] = 1
        else:
            try:
                values = [empty if raw == "" or raw is None else parse(raw) for raw in raw_col]
            except _CellError:
                values = []
                for j, raw in enumerate(raw_col):
                    if raw == "" or raw is None:
                        values.append(empty)
                        continue
                    try:
                        values.append(parse(raw))
                    except _CellError:
                        values.append(None)
                        dirty[j] = 1
            if spec.required and (None in values or "" in values):
                for j, value in enumerate(values):
                    if value is None or value == "":
                        dirty[j] = 1
        columns.append(values)
    keys = [p[0] for p in parsers]
    out: list = []
    for j, vals in enumerate(zip(*columns)):
        out.append(None if dirty[j] else (dict(zip(keys, vals)), set()))
    return out


def remembered_parse(raw: str, parse, memo: dict) -> tuple:
    """``(value, None)`` or ``(None, the _CellError)`` of a text cell, remembered in the column's ``memo``
    (up to :data:`_PARSE_MEMO` distinct texts)."""
    hit = memo.get(raw)
    if hit is None:
        try:
            hit = (parse(raw), None)
        except _CellError as exc:
            hit = (None, exc)
        if len(memo) < _PARSE_MEMO:
            memo[raw] = hit
    return hit


def _cell(raw: Any, spec, parse, memo: dict, clean: dict, empty) -> Any:
    """One cell not in the table of clean parses: its value, or _MISS when it fails or is required and
    empty (remembered as :meth:`parse_row` remembers it)."""
    if raw == "" or raw is None:
        return _MISS if spec.required else empty
    if raw.__class__ is str:
        value, problem = remembered_parse(raw, parse, memo)
    else:
        try:
            value, problem = parse(raw), None
        except _CellError:
            return _MISS
    if problem is not None or (spec.required and value in (None, "")):
        return _MISS
    if raw.__class__ is str and len(clean) < _CLEAN_MEMO:
        clean[raw] = value
    return value
