"""Validated, all-or-nothing import of CSV/XLSX files into the case store, with an import log and undo.

Function API (used by the import page and the command line):

- :func:`validate_file` checks a file without writing anything and returns an :class:`ImportReport`: every
  error of every row (the first 1,000 as messages, the rest counted by code), in update mode the rows that
  are new, unchanged or changed, and the overlaps the counting rule finds with the stored data
  (:mod:`geo.data.counting`) — all before anything is written.
- :func:`import_file` validates and, when there is no error, writes every row in one transaction, counts
  the affected provinces again and records the import; with ``dry_run=True`` it only validates. A file
  already imported (same checksum, import still active) is not imported again. ``mode="update"`` is for
  cumulative sheets (January–March, then January–April): rows already stored unchanged are skipped, new
  rows added, and changed rows replaced or kept only as the officer decides (``changed``).
- :func:`list_imports`, :func:`undo_import`: the import log and undoing one import (rows an update replaced
  are put back).
- :func:`template_bytes`: an empty template (CSV or XLSX, Vietnamese or English headers) for each table.

Files are read and checked row by row and written in batches, so memory grows with a batch, not with the
file. Every problem is reported with the file, the row as a spreadsheet shows it (header = row 1), the
column as written in the file, the value and the reason in Vietnamese and English. A file with any error
writes nothing. Counts of victims are sensitive: this module never prints or logs them (the command line
prints the report, which names a value only where it is wrong).
"""
from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import operator
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from geo.data import schema as S
from geo.data import store
from geo.data.import_report import (  # noqa: F401,E402  (moved; re-exported)
    MAX_LISTED,
    MIN_DATE,
    _CHUNK,
    _today,
    _issue,
    _show,
    ImportReport,
)
from geo.data.reading import (  # noqa: F401,E402  (moved; re-exported)
    _Table,
    _FileProblem,
    _FileBytes,
    _read_csv,
    _load_bytes,
    _read_table,
    _match_headers,
    _satisfied,
    detect_kind,
)
from geo.data.columnwise import remembered_parse  # noqa: E402
from geo.data.bulk import empty_columns_left_out, gc_paused  # noqa: E402
from geo.data.cells import (  # noqa: F401,E402  (moved; re-exported)
    _CellError,
    _text,
    _count,
    _number,
    _date,
    parse_period,
    _bool,
    _Place,
    _PlaceResolver,
    _unit_names,
    _era_rule,
    _ERA_RULE_TEXT,
    id_skeleton,
    normalise_id,
    skeleton_of_key,
)


# --------------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------------
from geo.i18n.data import IMPORT_MESSAGES as MESSAGES  # noqa: E402  (strings live in geo/i18n)
from geo.data.templates import template_filename, template_headers, template_bytes  # noqa: F401,E402  (moved; re-exported)

#: rows checked against the store and written at a time
BATCH = 5000
#: validated rows kept for the preview
PREVIEW_ROWS = 200
#: valid rows held before an import starts writing (a smaller file with an error writes nothing at all)
WRITE_AFTER = 10_000
#: rows of an import whose counting columns are kept in memory for :meth:`_Writer.finish`; a bigger file is
#: counted province by province from the rows written (:func:`geo.data.counting.recount_import`), so its
#: memory does not grow with the file
KEEP_FRAME_ROWS = 150_000
#: IDs of a file remembered as tuples before the next ones are packed in one integer each (_Validator._pack_id)
PACK_IDS_AFTER = 100_000
#: A big import on SQLite builds the table's secondary indexes once at the end while the table holds at most
#: this many rows before it (:meth:`_Writer._bulk_start`)
BULK_TABLE_ROWS = 1_000_000
_CHECKED_COLUMNS = {"id_key", "id_skel", "row_key", "import_id"}
MODES = ("new", "update")
CHANGED = ("ask", "replace", "keep")
#: place cells: a failed one stops the place look-up (its error is already reported)
_PLACE_KEYS = ("place_era", "province", "province_code", "district", "district_code", "commune", "commune_code")
#: stored columns that are bookkeeping, not the row's content (left out when an update compares rows)
_NOT_CONTENT = {"id", "import_id", "row_number", "ckey", "row_key", "case_id", "id_key", "id_skel", "count_status",
                "dup_of", "sources", "place_text", "prov_code_pre2025", "district_code5", "prov_code_2025",
                "commune_code_2025", "province_name", "district_name", "commune_name", "p_year", "p_half",
                "p_quarter", "p_month", *S.K_COLUMNS}
_ID_COLUMN = {"gates": "gate_id", "hotspots": "hotspot_id", "routes": "route_id"}


_CASE_TEXT = ("form", "destination_country", "route", "border_gate", "agency", "source", "note")
_K_OF = tuple((k, f"k_{k}") for k in S.COUNTED)
_K_NAMES = tuple(kk for _, kk in _K_OF)


#: rows whose cells are parsed column by column at a time (geo.data.columnwise)
_PARSE_CHUNK = 1000

#: Text values per column whose parse is remembered during one file (dates, places, vocabulary, counts repeat in
#: a big file; case IDs and free text do not and are not remembered): geo.data.columnwise.remembered_parse


class _Rollback(Exception):
    """Raised inside the import transaction to undo everything written (errors, or a decision needed)."""


# --------------------------------------------------------------------------------------------------
# Validation of one file
# --------------------------------------------------------------------------------------------------
class _Validator:
    """Checks one file row by row: every cell, every row rule, every duplicate in the file and, batch by
    batch, against the store. Valid rows go to a sink (the writer of an import, or the collector of a
    check) only while the file has no error."""

    def __init__(self, file: str, kind: S.ImportKind, table: _Table, report: ImportReport, engine: Engine | None,
                 reg=None, today: date | None = None, force_demo: bool = False, mode: str = "new",
                 changed: str = "ask", conn=None, scope: tuple[str, ...] | None = None):
        self.file = file
        self.kind = kind
        self.table = table
        self.report = report
        self.engine = engine
        self.conn = conn  # the connection for store checks (None: no store checks)
        self.reg = reg
        self.today = today or _today()
        self.force_demo = force_demo
        self.mode = mode
        self.changed = changed
        self.scope = tuple(scope or ())
        self.scope_new = scope_2025(self.scope) if self.scope else set()
        self.places: _PlaceResolver | None = None
        self.headers: dict[str, str] = {}  # column key -> header text in the file
        self.index: dict[str, int] = {}
        self.seen_keys: dict[str, int] = {}  # row_key -> first row (every kind)
        # normalised case ID -> (row, agency, ID as written), a list of them, or packed in one integer (_pack_id)
        self.seen_ids: dict[str, Any] = {}
        self.agency_codes: dict = {}  # agency -> its number in a packed entry of seen_ids
        self.agencies: list = []
        self.seen_skels: dict[str, str] = {}  # ID skeleton -> the first normalised ID with it
        self.agg_ids: dict[str, int] = {}  # an aggregate's ID -> row
        self.reserved: set = set()
        if kind.key in _ID_COLUMN:
            from geo.data import facts
            self.reserved = facts.reference_ids(kind.key)

    # -- helpers ---------------------------------------------------------------------------------
    def err(self, row, col_key, value, code, suggestions=(), severity="error", /, **fmt):
        column = self.headers.get(col_key, col_key) if col_key else None
        self.report.add(_issue(self.file, row, column, value, code, suggestions, severity, **fmt))

    def _place(self, v: dict, row: int, failed: set, when, year, required_level) -> _Place | None:
        """The row's place (errors reported), or None. A place resolved once is not looked up again: a big
        file repeats the same few thousand places (only successes are kept: an error names the row's time)."""
        if failed and not failed.isdisjoint(_PLACE_KEYS):
            return None
        get = v.get
        if when is not None and self.kind.key == "cases":  # the era rule only asks which side of 1 July 2025
            era_class = "old" if when[1] < S.ERA_CHANGE else ("new" if when[0] >= S.ERA_CHANGE else "both")
        else:
            era_class = tuple(map(tuple, _era_rule(self.kind.key, when, year)[:2]))
        key = (get("province"), get("district"), get("commune"), get("province_code"), get("district_code"),
               get("commune_code"), get("place_era"), era_class, required_level)
        memo = self.__dict__.get("_place_memo")
        if memo is None:
            memo = self._place_memo = {}
        hit = memo.get(key)
        if hit is not None:
            return hit
        place = self.resolve_place(v, row, when, year, required_level)
        if place is not None and len(memo) < 100_000:
            memo[key] = place
        return place

    # -- structure -------------------------------------------------------------------------------
    def check_structure(self) -> bool:
        headers = self.table.headers
        mapping, unknown = _match_headers(headers, self.kind)
        found_text = ", ".join(f"'{h}'" for h in headers if str(h).strip()) or "(không có / none)"
        self.report.columns_found = [str(h) for h in headers]
        ok = True
        for i, spec in mapping.items():
            if spec.key in self.index:
                other = headers[self.index[spec.key]]
                self.report.add(_issue(self.file, 1, headers[i], None, "duplicate_column", col=headers[i],
                                       other=other, vi=spec.vi, en=spec.en))
                ok = False
                continue
            self.index[spec.key] = i
            self.headers[spec.key] = headers[i]
            self.report.columns_used[headers[i]] = spec.key
        for i in unknown:
            self.report.add(_issue(self.file, 1, headers[i], None, "unknown_column", (), "warning", col=headers[i]))
        for spec in self.kind.required():
            if not _satisfied(spec, set(self.index)):
                self.report.add(_issue(self.file, 1, spec.vi, None, "missing_column", vi=spec.vi, en=spec.en, found=found_text))
                ok = False
        for group in self.kind.one_of:
            if not any(k in self.index for k in group):
                cols = [self.kind.column(k) for k in group]
                self.report.add(_issue(self.file, 1, None, None, "missing_one_of",
                                       cols=(" / ".join(f"'{c.vi}'" for c in cols), " / ".join(f"'{c.en}'" for c in cols)),
                                       found=found_text))
                ok = False
        self.cols = [(key, i, self.kind.column(key)) for key, i in self.index.items()]
        if ok and not self.table.has_rows():
            self.report.add(_issue(self.file, None, None, None, "no_rows"))
            ok = False
        return ok

    # -- rows -------------------------------------------------------------------------------------
    def parse_row(self, values: list, row: int) -> tuple[dict, set]:
        """(parsed values by column key, keys of the cells that failed or are required and empty); every
        problem is reported. Cells that failed are left out so the row checks can still run on the others."""
        out: dict[str, Any] = {}
        failed: set = set()
        n = len(values)
        parsers = self.__dict__.get("_parsers") or self._parser_list()
        for key, i, spec, parse, memo in parsers:
            raw = values[i] if i < n else None
            if raw == "" or raw is None:  # an empty cell (most of a sheet's optional columns)
                out[key] = None if spec.kind != "bool" else False
                if spec.required and not (spec.kind == "place" and f"{key}_code" in self.index
                                          and (values[self.index[f"{key}_code"]] if self.index[f"{key}_code"] < n
                                               else None) not in (None, "")):
                    failed.add(key)
                    self.err(row, key, None, "required_value")
                continue
            if memo is not None and raw.__class__ is str:  # (text only: True == 1 in a dict)
                value, problem = remembered_parse(raw, parse, memo)
            else:
                try:
                    value, problem = parse(raw), None
                except _CellError as exc:
                    value, problem = None, exc
            if problem is None:
                out[key] = value
            else:
                exc = problem
                failed.add(key)
                fmt = dict(exc.fmt)
                if exc.code == "bad_choice":
                    fmt["allowed"] = (spec.vocab.help("vi"), spec.vocab.help("en"))
                self.err(row, key, raw, exc.code, **fmt)
                continue
            if spec.required and out[key] in (None, "") and not (
                    spec.kind == "place" and f"{key}_code" in self.index
                    and (values[self.index[f"{key}_code"]] if self.index[f"{key}_code"] < n else None) not in (None, "")):
                failed.add(key)
                self.err(row, key, None, "required_value")
        return out, failed

    def _parser_list(self) -> list[tuple]:
        """(key, column index, spec, parser, memo) of every column, made once; with a memo of text cells
        already parsed, for columns whose values repeat."""
        parsers = self.__dict__.get("_parsers")
        if parsers is None:
            parsers = self._parsers = [(key, i, spec, self._parser(spec), {} if spec.kind not in ("id", "text") else None)
                                       for key, i, spec in self.cols]
        return parsers

    def _parser(self, spec: S.ColumnSpec):
        """The parser of one column (chosen once, not per cell)."""
        if spec.kind == "count":
            return _count
        if spec.kind == "number":
            return _number
        if spec.kind in ("text", "id", "place"):
            max_len = spec.max_len

            def text(raw):
                value = _text(raw)
                if value is not None and len(value) > max_len:
                    raise _CellError("too_long", n=len(value), max=max_len)
                return value
            return text
        if spec.kind in ("choice", "era"):
            vocab = spec.vocab

            def choice(raw):
                value = _text(raw)
                if value is None:
                    return None
                code = vocab.parse(value)
                if code is None:
                    raise _CellError("bad_choice")
                return code
            return choice
        return lambda raw: self._parse_cell(spec, raw)

    def _parse_cell(self, spec: S.ColumnSpec, raw: Any):
        kind = spec.kind
        if kind == "count":
            return _count(raw)
        if kind == "number":
            return _number(raw)
        if kind == "date":
            d = _date(raw)
            if d is not None:
                if d > self.today:
                    raise _CellError("future_date", value=d.isoformat(), today=self.today.isoformat())
                if d < MIN_DATE:
                    raise _CellError("old_date", value=d.isoformat(), min=MIN_DATE.isoformat())
            return d
        if kind == "period":
            p = parse_period(raw)
            if p is not None:
                if p[0] > self.today:
                    raise _CellError("future_period", value=_show(raw), today=self.today.isoformat())
                if p[0] < MIN_DATE:
                    raise _CellError("old_date", value=p[0].isoformat(), min=MIN_DATE.isoformat())
            return p
        if kind == "year":
            n = _count(raw) if not isinstance(raw, str) or raw.strip() else None
            if n is None:
                return None
            hi = self.today.year + (10 if self.kind.key == "targets" else 1)
            if not (2000 <= n <= hi):
                raise _CellError("bad_year", min=2000, max=hi)
            return n
        if kind == "bool":
            text = _text(raw) if isinstance(raw, str) else raw
            return _bool(text)
        text = _text(raw)
        if text is None:
            return None
        if kind == "place_code" and text.isdigit():
            # Excel drops leading zeros ("01" -> 1, "00433" -> 433): put them back.
            if spec.level == "province":
                return text.zfill(2)
            if spec.level == "commune" or len(text) == 4:
                return text.zfill(5)
            return text
        if kind in ("choice", "era"):
            code = spec.vocab.parse(text)
            if code is None:
                raise _CellError("bad_choice")
            return code
        if len(text) > spec.max_len:
            raise _CellError("too_long", n=len(text), max=spec.max_len)
        return text


    def resolve_place(self, v: dict, row: int, when: tuple[date, date] | None, year: int | None,
                      required_level: str | None) -> _Place | None:
        """Resolve the place columns through the registry, with the era rule of the kind."""
        names = {lvl: v.get(lvl) for lvl in ("province", "district", "commune")}
        codes = {lvl: v.get(f"{lvl}_code") for lvl in ("province", "district", "commune")}
        if not any(names.values()) and not any(codes.values()):
            if required_level:
                self.err(row, "province", None, "required_value")
                return None
            return _Place(None, None, None)
        if self.places is None:
            from geo.admin.registry import load_registry

            self.places = _PlaceResolver(self.reg or load_registry())
        allowed, disallowed, when_text = _era_rule(self.kind.key, when, year)
        explicit = v.get("place_era")
        if explicit:
            if explicit not in allowed:
                rule = _ERA_RULE_TEXT[allowed[0]]
                self.err(row, "place_era", explicit, "era_conflict",
                         era=explicit, when=when_text, rule=rule)
                return None
            order = [explicit]
        else:
            order = allowed
        first_errors: list | None = None
        for era in order:
            # only the first era's errors are reported: the others need no "did you mean" look-up
            place, errors = self._resolve_in_era(v, names, codes, era, required_level, when_text, explicit,
                                                 suggest=first_errors is None)
            if place is not None:
                return place
            if first_errors is None:
                first_errors = errors
        # A place that is not found in the right era but exists in the other one is the "wrong era" error
        # (an ambiguous or mis-scoped name is reported as such).
        findable = all(e[2] in ("unknown_place", "wrong_era", "district_in_2025") for e in first_errors or [])
        for era in disallowed if findable else ():
            place, _ = self._resolve_in_era(v, names, codes, era, required_level, when_text, explicit, suggest=False)
            if place is not None:
                rule = _ERA_RULE_TEXT[allowed[0]]
                col = "commune" if names["commune"] or codes["commune"] else ("district" if names["district"] or codes["district"] else "province")
                value = names[col] or codes[col]
                msg_vi = (f"'{value}' là địa danh thời kỳ {'trước 1/7/2025' if era == 'pre2025' else 'từ 1/7/2025'}, "
                          f"nhưng thời gian của dòng là {when_text}: {rule[0]}")
                msg_en = (f"'{value}' is a place of the {'pre-2025' if era == 'pre2025' else '2025'} units, but the "
                          f"row's time is {when_text}: {rule[1]}")
                self.err(row, col, value, "wrong_era", msg=(msg_vi, msg_en))
                return None
        for args in first_errors or []:
            key, value, code, fmt = args[:4]
            self.err(row, key, value, code, args[4] if len(args) > 4 else (), **fmt)
        return None

    def _resolve_in_era(self, v, names, codes, era, required_level, when_text, explicit, suggest: bool = True):
        """(place, errors): errors are (key, value, code, fmt) tuples for the caller to report."""
        errors: list = []
        P = _Quick(self.places) if not suggest else self.places
        # province
        prov = None
        ptext = codes["province"] or names["province"]
        if not ptext:
            errors.append(("province", None, "required_value", {}))
            return None, errors
        res = P.resolve(ptext, "province", era)
        if not res.ok:
            errors.append(self._res_error("province_code" if codes["province"] and not names["province"] else "province",
                                          ptext, res))
            return None, errors
        prov = res.unit
        if codes["province"] and names["province"]:
            problem = self._name_agrees("province", names["province"], codes["province"], prov,
                                        P.resolve(names["province"], "province", era))
            if problem:
                errors.append(problem)
                return None, errors
        # district
        dist = None
        dtext = codes["district"] or names["district"]
        if dtext:
            if era == "2025":
                why = (("cột thời kỳ ghi 2025", "the era column says 2025") if explicit else
                       (f"thời gian là {when_text}", f"its time is {when_text}"))
                errors.append(("district", dtext, "district_in_2025", {"why": why}))
                return None, errors
            res = P.resolve(dtext, "district", era, province=prov.code)
            if not res.ok:
                errors.append(self._res_error("district", dtext, res))
                return None, errors
            dist = res.unit
            if codes["district"] and names["district"]:
                problem = self._name_agrees("district", names["district"], codes["district"], dist,
                                            P.resolve(names["district"], "district", era, province=prov.code))
                if problem:
                    errors.append(problem)
                    return None, errors
        # commune
        com = None
        ctext = codes["commune"] or names["commune"]
        if ctext:
            dctx = dist.code if dist is not None and not getattr(dist, "historical", False) else None
            res = P.resolve(ctext, "commune", era, province=prov.code, district=dctx)
            if not res.ok and dctx is not None and getattr(res, "reason", "") == "bad_district":
                res = P.resolve(ctext, "commune", era, province=prov.code)
            if not res.ok:
                errors.append(self._res_error("commune", ctext, res))
                return None, errors
            com = res.unit
            if codes["commune"] and names["commune"]:
                problem = self._name_agrees("commune", names["commune"], codes["commune"], com,
                                            P.resolve(names["commune"], "commune", era, province=prov.code, district=dctx))
                if problem:
                    errors.append(problem)
                    return None, errors
            if dist is not None and com.district_code and dctx and com.district_code != dist.code:
                errors.append(("commune", ctext, "place", {"msg": (
                    f"Xã '{ctext}' thuộc {com.district_name_vi or com.district_code}, không thuộc {dist.full_name_vi}.",
                    f"Commune '{ctext}' is in {com.district_name_vi or com.district_code}, not in {dist.full_name_vi}.")}))
                return None, errors
        level = "commune" if com is not None else ("district" if dist is not None else "province")
        need = {"province": 0, "district": 1, "commune": 2}
        if required_level in need and need[level] < need[required_level]:
            errors.append((required_level, None, "place_level_required",
                           {"level_vi": {"commune": "xã", "district": "huyện", "province": "tỉnh"}[required_level],
                            "level_en": required_level}))
            return None, errors
        text = ", ".join(str(x) for x in (names["commune"], names["district"], names["province"]) if x) or None
        return _Place(era, level, text, prov, dist, com), errors

    def _name_agrees(self, key: str, name: str, code: str, unit, res) -> tuple | None:
        """None when the name written beside a code means the same unit; else the error tuple."""
        if res.ok:
            if res.unit.code == unit.code:
                return None
            return (key, name, "code_name_mismatch", {"code": code, "code_unit": unit.full_name_vi, "name": name,
                                                      "name_unit": res.unit.full_name_vi})
        if res.status == "ambiguous" and unit.code in {c.code for c in (res.candidates or [])}:
            return None  # the code settles which of the same-named units is meant
        return self._res_error(key, name, res)

    def _res_error(self, key, value, res) -> tuple:
        reason = getattr(res, "reason", "")
        if reason in ("wrong_era", "no_districts_in_era"):
            code = "wrong_era"
        elif res.status == "ambiguous":
            code = "ambiguous_place"
        else:
            code = "unknown_place"
        suggestions = _unit_names(getattr(res, "candidates", None) or getattr(res, "suggestions", None))
        return (key, value, code, {"msg": (res.message("vi"), res.message("en"))}, suggestions)


    # -- the whole file, row by row and batch by batch ----------------------------------------------
    def run(self, sink) -> None:
        """Check every row; valid rows go to ``sink.add(records, replace)`` a batch at a time while the file
        has no error. A problem while reading (a malformed line, too many rows) is reported and ends it."""
        from geo.data.columnwise import parse_chunk

        batch: list[dict] = []
        rows = iter(self.table)
        problem = None
        while problem is None:
            # the cells of a chunk of rows are parsed column by column first (clean rows only; a row with any
            # problem is parsed again by parse_row, which reports it); the rows are then checked in order
            chunk: list = []
            try:
                for item in rows:
                    chunk.append(item)
                    if len(chunk) >= _PARSE_CHUNK:
                        break
            except _FileProblem as exc:
                problem = exc
            if not chunk:
                break
            parsed = parse_chunk(self, [values for _, values in chunk])
            for (row, values), pre in zip(chunk, parsed):
                self.report.n_rows += 1
                rec = self.check_row(values, row, pre)
                if rec is not None:
                    batch.append(rec)
                if len(batch) >= BATCH:
                    self._flush(batch, sink)
                    batch = []
            if len(chunk) < _PARSE_CHUNK:
                break
        if problem is not None:
            self.report.add(problem.issue)
        self._flush(batch, sink)

    def check_row(self, values: list, row: int, parsed: tuple[dict, set] | None = None) -> dict | None:
        """Every check of one row; the record to store, or None when the row has any error. ``parsed``: the
        row's cells already parsed cleanly (:mod:`geo.data.columnwise`)."""
        before = self.report.n_errors_total
        v, failed = parsed if parsed is not None else self.parse_row(values, row)
        row_of = self.__dict__.get("_row_of")  # (the function, not a bound method: no reference cycle)
        if row_of is None:
            row_of = self._row_of = getattr(type(self), f"_row_{self.kind.key}")
        rec = row_of(self, v, row, failed)
        self._check_identity(v, rec, row, failed)
        if rec is not None and self.scope:
            inside = row_in_scope(rec.get("prov_code_pre2025"), rec.get("prov_code_2025"), self.scope, self.scope_new)
            if not (inside is None and self.kind.key in _REFERENCE_KINDS) and not inside:
                value = rec.get("province_name") or rec.get("place_text") or rec.get("prov_code_pre2025") or ""
                self.err(row, "province", value, "out_of_scope", scope=_province_names(self.scope))
        if self.report.n_errors_total > before or rec is None:
            self._orphan(v, row, failed)
            return None
        rec["row_number"] = row
        rec["is_demo"] = bool(self.force_demo or v.get("is_demo"))
        return rec

    def _orphan(self, v: dict, row: int, failed: set) -> None:
        """A row with errors is not stored, but its ID is still checked against the store (a reused ID is not
        hidden behind another error of the row)."""
        if self.conn is None or self.mode != "new":
            return
        k = self.kind.key
        if k == "cases" and "case_id" not in failed and v.get("case_id") and (v.get("record_type") or "case") == "case":
            key = v.get("_id_key") or normalise_id(v["case_id"])
            agency = None if "agency" in failed else v.get("agency")
            self.__dict__.setdefault("_orphans", []).append((row, "case_id", v["case_id"], key, agency))
        elif k in _ID_COLUMN and _ID_COLUMN[k] not in failed and v.get(_ID_COLUMN[k]):
            col = _ID_COLUMN[k]
            if k == "routes":
                if "seq" in failed or v.get("seq") is None:
                    return
                key, value, col = f"route:{v['route_id']}:{v['seq']}", f"{v['route_id']} #{v['seq']}", "seq"
            else:
                key, value = f"{'gate' if k == 'gates' else 'hotspot'}:{v[col]}", v[col]
            self.__dict__.setdefault("_orphans", []).append((row, col, value, key, None))

    def _check_orphans(self) -> None:
        orphans = self.__dict__.pop("_orphans", [])
        if not orphans:
            return
        table = S.KIND_TABLES[self.kind.key]
        column = table.c.id_key if self.kind.key == "cases" else table.c.row_key
        cols = [column, table.c.import_id, S.imports.c.file_name, S.imports.c.imported_at]
        if self.kind.key == "cases":
            cols += [table.c.agency, table.c.case_id]
        found: dict = {}
        keys = sorted({o[3] for o in orphans})
        for j in range(0, len(keys), 2000):
            stmt = select(*cols).join(S.imports, S.imports.c.id == table.c.import_id).where(column.in_(keys[j:j + 2000]))
            for r in self.conn.execute(stmt).all():
                found.setdefault(r[0], []).append(r)
        for row, col, value, key, agency in orphans:
            for r in found.get(key, []):
                if self.kind.key == "cases":
                    if not (r[4] == agency or r[4] is None or agency is None):
                        continue
                    if r[5] != value:
                        self.err(row, col, value, "duplicate_id_variant_store", key=value, other_key=r[5], imp=r[1],
                                 file=r[2], when=_fmt_when(r[3]))
                        break
                self.err(row, col, value, "duplicate_in_store", key=value, imp=r[1], file=r[2], when=_fmt_when(r[3]))
                break

    def _flush(self, batch: list[dict], sink) -> None:
        self._check_orphans()
        if not batch:
            return
        replace: list = []
        if self.conn is not None:
            batch, replace = self._check_store(batch)
        self.report.n_valid += len(batch) + len(replace)
        if not self.report.n_errors_total:
            sink.add(batch, replace)

    # -- duplicates in the file ------------------------------------------------------------------------
    def _check_identity(self, v: dict, rec: dict | None, row: int, failed: set) -> None:
        k = self.kind.key
        if k == "cases":
            self._check_case_id(v, rec, row, failed)
            if rec is not None and rec["record_type"] == "aggregate":
                self._seen(rec["row_key"], row, self._key_column(), self._key_value(rec))
            return
        if k in _ID_COLUMN:
            col = _ID_COLUMN[k]
            if col in failed or not v.get(col):
                return
            if v[col] in self.reserved:
                self.err(row, col, v[col], "reserved_id", key=v[col])
            if k == "routes":
                if "seq" in failed or v.get("seq") is None:
                    return
                key, value = f"route:{v['route_id']}:{v['seq']}", f"{v['route_id']} #{v['seq']}"
                self._seen(key, row, "seq", value)
            else:
                self._seen(f"{k[:-1] if k != 'hotspots' else 'hotspot'}:{v[col]}", row, col, v[col])
            return
        if rec is not None:
            self._seen(rec["row_key"], row, self._key_column(), self._key_value(rec))

    def _seen(self, key: str, row: int, column: str, value: str) -> None:
        other = self.seen_keys.get(key)
        if other is not None:
            self.err(row, column, value, "duplicate_in_file", key=value, other=other)
        else:
            self.seen_keys[key] = row

    def _check_case_id(self, v: dict, rec: dict | None, row: int, failed: set) -> None:
        raw = v.get("case_id")
        if "case_id" in failed or not raw or "record_type" in failed:
            return
        key = v["_id_key"] if "_id_key" in v else normalise_id(raw)
        if (v.get("record_type") or "case") == "aggregate":
            other = self.agg_ids.get(key)
            if other is not None:
                self.err(row, "case_id", raw, "duplicate_in_file", key=raw, other=other)
            else:
                self.agg_ids[key] = row
            return
        agency = None if "agency" in failed else v.get("agency")
        # normalised ID -> (row, agency, ID as written), a list of them once two agencies used the same ID
        earlier = self.seen_ids.get(key)
        if earlier is None:
            self.seen_ids[key] = (row, agency, raw) if len(self.seen_ids) < PACK_IDS_AFTER else \
                self._pack_id(row, agency, raw, key)
        else:
            earlier = self._id_entries(key, earlier)
            for row0, agency0, raw0 in earlier:
                if agency0 == agency or agency0 is None or agency is None:
                    if raw0 == raw:
                        self.err(row, "case_id", raw, "duplicate_in_file", key=raw, other=row0)
                    else:
                        self.err(row, "case_id", raw, "duplicate_id_variant", key=raw, other_key=raw0,
                                 where=(f"dòng {row0}", f"row {row0}"))
                    break
            self.seen_ids[key] = earlier + [(row, agency, raw)]
        skel = rec["id_skel"] if rec is not None else skeleton_of_key(key)  # (one string per row, shared)
        first = self.seen_skels.get(skel)  # skeleton -> the first normalised ID with it
        if first is None:
            self.seen_skels[skel] = key
        elif first != key:
            row0, _, raw0 = self._id_entries(first, self.seen_ids[first])[0]
            self.err(row, "case_id", raw, "near_duplicate_id", (), "warning", key=raw, other_key=raw0,
                     where=(f"dòng {row0}", f"row {row0}"))

    def _pack_id(self, row: int, agency, raw: str, key: str):
        """An entry of :attr:`seen_ids` in one integer when the ID as written is its normalised form or that
        in capitals (most IDs) and the file has few agencies: the row, the agency's number and which form
        (a big file keeps one small object per ID instead of a tuple, the row number and the ID's text).
        Otherwise the tuple (row, agency, ID as written)."""
        code = self.agency_codes.get(agency)
        if code is None and len(self.agencies) < 128:
            code = self.agency_codes[agency] = len(self.agencies)
            self.agencies.append(agency)
        if code is not None and row.__class__ is int and row >= 0:
            if raw == key:
                return row << 8 | code << 1
            if raw == key.upper():
                return row << 8 | code << 1 | 1
        return (row, agency, raw)

    def _id_entries(self, key: str, entry) -> list:
        """The (row, agency, ID as written) of an entry of :attr:`seen_ids`, in the order seen."""
        if isinstance(entry, int):
            return [(entry >> 8, self.agencies[entry >> 1 & 127], key.upper() if entry & 1 else key)]
        return entry if isinstance(entry, list) else [entry]

    def _key_column(self) -> str:
        return {"cases": "case_id", "prevention_models": "model_id", "key_areas": "commune", "targets": "indicator",
                "gates": "gate_id", "hotspots": "hotspot_id", "routes": "seq"}[self.kind.key]

    def _key_value(self, rec: dict) -> str:
        k = self.kind.key
        if k == "cases":
            if rec["record_type"] == "case":
                return rec["case_id"]
            return (f"{rec['province_name'] or ''} {rec['district_name'] or ''} {rec['commune_name'] or ''} "
                    f"{rec['period_label']} {rec['form'] or ''} {rec['agency'] or ''}").replace("  ", " ").strip()
        if k == "prevention_models":
            return rec.get("model_id") or f"{rec['commune_name']} {rec['model_type']} {rec.get('name') or ''}".strip()
        if k == "key_areas":
            return f"{rec['year']} {rec['commune_name']}"
        if k == "targets":
            return f"{rec['year']} {rec['province_name']} {rec['indicator']}"
        if k == "routes":
            return f"{rec['route_id']} #{rec['seq']}"
        return rec[{"gates": "gate_id", "hotspots": "hotspot_id"}[k]]

    # -- against the store ---------------------------------------------------------------------------
    def _check_store(self, batch: list[dict]) -> tuple[list[dict], list]:
        """Duplicates against the stored rows, or in update mode the stored rows each record matches.
        Returns (records to write, stored rows they replace)."""
        table = S.KIND_TABLES[self.kind.key]
        conn = self.conn
        matches: dict[int, Any] = {}  # position in batch -> the stored row it matches
        case_pos = [i for i, r in enumerate(batch) if r["record_type"] == "case"] if self.kind.key == "cases" else []
        is_case = set(case_pos)
        other_pos = [i for i in range(len(batch)) if i not in is_case]
        stored_cols = list(table.columns)  # the whole row (kept as it was when an update replaces it)
        joined = [*stored_cols, S.imports.c.file_name.label("_file"), S.imports.c.imported_at.label("_when")]
        writer = getattr(self, "writer", None)
        current = writer.import_id if writer is not None else None  # rows this import already wrote
        # case rows: by normalised ID (the same agency, or an agency unknown on either side)
        if case_pos:
            by_key: dict[str, list] = {}
            keys = _present(conn, table, "id_key", sorted({batch[i]["id_key"] for i in case_pos}), current)
            for j in range(0, len(keys), 2000):
                stmt = (select(*joined).join(S.imports, S.imports.c.id == table.c.import_id)
                        .where(table.c.id_key.in_(keys[j:j + 2000])))
                if current is not None:
                    stmt = stmt.where(table.c.import_id != current)
                for r in conn.execute(stmt).mappings():
                    by_key.setdefault(r["id_key"], []).append(r)
            for i in case_pos:
                rec = batch[i]
                for r in by_key.get(rec["id_key"], []):
                    if r["agency"] == rec["agency"] or r["agency"] is None or rec["agency"] is None:
                        matches[i] = r
                        break
            # look-alike IDs already stored (a warning: counted separately until an officer decides)
            skels = _present(conn, table, "id_skel", sorted({batch[i]["id_skel"] for i in case_pos if batch[i]["id_skel"]}),
                             current)
            near: dict[str, Any] = {}
            for j in range(0, len(skels), 2000):
                stmt = (select(table.c.id_skel, table.c.id_key, table.c.case_id, table.c.import_id)
                        .where(table.c.id_skel.in_(skels[j:j + 2000])))
                if current is not None:
                    stmt = stmt.where(table.c.import_id != current)
                for r in conn.execute(stmt).mappings():
                    near.setdefault(r["id_skel"], []).append(r)
            for i in case_pos:
                rec = batch[i]
                for r in near.get(rec["id_skel"], []):
                    if r["id_key"] != rec["id_key"]:
                        self.err(rec["row_number"], "case_id", rec["case_id"], "near_duplicate_id", (), "warning",
                                 key=rec["case_id"], other_key=r["case_id"],
                                 where=(f"lần nhập #{r['import_id']}", f"import #{r['import_id']}"))
                        break
        # other rows: by their key
        if other_pos:
            found: dict[str, Any] = {}
            keys = sorted({batch[i]["row_key"] for i in other_pos})
            for j in range(0, len(keys), 500):
                stmt = (select(*joined).join(S.imports, S.imports.c.id == table.c.import_id)
                        .where(table.c.row_key.in_(keys[j:j + 500])))
                if current is not None:
                    stmt = stmt.where(table.c.import_id != current)
                for r in conn.execute(stmt).mappings():
                    found[r["row_key"]] = r
            for i in other_pos:
                r = found.get(batch[i]["row_key"])
                if r is not None:
                    matches[i] = r
            if self.kind.key == "cases":  # an aggregate's ID used by a stored row
                ids = sorted({batch[i]["id_key"] for i in other_pos if batch[i].get("id_key")})
                for j in range(0, len(ids), 500):
                    stmt = (select(table.c.id_key, table.c.row_key, table.c.import_id, S.imports.c.file_name,
                                   S.imports.c.imported_at).join(S.imports, S.imports.c.id == table.c.import_id)
                            .where(table.c.id_key.in_(ids[j:j + 500])))
                    if current is not None:
                        stmt = stmt.where(table.c.import_id != current)
                    by_id = {}
                    for r in conn.execute(stmt).all():
                        by_id.setdefault(r[0], r)
                    for i in other_pos:
                        rec = batch[i]
                        r = by_id.get(rec.get("id_key"))
                        if r is not None and r[1] != rec["row_key"] and i not in matches:
                            self.err(rec["row_number"], "case_id", rec["case_id"], "duplicate_in_store", key=rec["case_id"],
                                     imp=r[2], file=r[3], when=_fmt_when(r[4]))
        if self.mode != "update":
            for i, r in sorted(matches.items()):
                rec = batch[i]
                label = self._key_value(rec)
                if self.kind.key == "cases" and rec["record_type"] == "case" and r["case_id"] != rec["case_id"]:
                    self.err(rec["row_number"], "case_id", rec["case_id"], "duplicate_id_variant_store",
                             key=rec["case_id"], other_key=r["case_id"], imp=r["import_id"], file=r["_file"],
                             when=_fmt_when(r["_when"]))
                else:
                    self.err(rec["row_number"], self._key_column(), label, "duplicate_in_store", key=label,
                             imp=r["import_id"], file=r["_file"], when=_fmt_when(r["_when"]))
            if matches and not getattr(self, "_hinted", False):
                self._hinted = True
                self.report.add(_issue(self.file, None, None, None, "update_mode_hint", (), "warning"))
            return [r for i, r in enumerate(batch) if i not in matches], []
        # update mode: unchanged rows are skipped, changed rows listed (and replaced only when confirmed)
        out, replace = [], []
        for i, rec in enumerate(batch):
            r = matches.get(i)
            if r is None:
                self.report.n_new += 1
                out.append(rec)
                continue
            diff = _differences(table, rec, r)
            if not diff:
                self.report.n_unchanged += 1
                continue
            self.report.n_changed += 1
            if len(self.report.changed) < MAX_LISTED:
                self.report.changed.append({"kind": self.kind.key, "row": rec["row_number"],
                                            "key": self._key_value(rec), "import_id": r["import_id"],
                                            "file": r["_file"], "diff": diff, "stored_id": r["id"]})
            if self.changed == "replace":
                self.report.n_replaced += 1
                replace.append((rec, r))
            elif self.changed == "keep":
                self.report.n_kept += 1
            elif getattr(self, "writer", None) is None:
                replace.append((rec, r))  # a check counts them as they would be if replaced (nothing is written)
        return out, replace

    # -- kinds ------------------------------------------------------------------------------------
    def _when_of(self, v: dict, row: int, failed: set) -> tuple[date, date] | None:
        if failed and not failed.isdisjoint(("date", "period")):
            return None
        d, p = v.get("date"), v.get("period")
        if p is not None and d is not None and not (p[0] <= d <= p[1]):
            self.err(row, "date", d.isoformat(), "date_outside_period", date=d.isoformat(),
                     period=store.period_label(*p))
            return None
        if p is not None:
            return p
        if d is not None:
            return (d, d)
        self.err(row, "period" if "period" in self.index else "date", None, "required_value")
        return None

    def _period(self, start: date, end: date) -> tuple[dict, str]:
        """(bucket columns, label) of a period, computed once per period."""
        memo = self.__dict__.setdefault("_period_memo", {})
        hit = memo.get((start, end))
        if hit is None:
            hit = memo[(start, end)] = (store.period_parts(start, end), store.period_label(start, end))
        return hit

    def _columns(self, place: _Place) -> dict:
        """The stored place columns of a resolved place (computed once per place; a fresh copy per row)."""
        cache = self.__dict__.setdefault("_columns_memo", {})
        cols = cache.get(id(place))
        if cols is None:  # every column of the table (None until set): the writer reads them all at once
            blank = self.__dict__.get("_blank")
            if blank is None:
                blank = self._blank = {c.name: None for c in S.KIND_TABLES[self.kind.key].columns if c.name != "id"}
            cols = cache[id(place)] = (place, {**blank, **place.columns(self.places.reg)})
        return dict(cols[1])

    def _row_cases(self, v: dict, row: int, failed: set) -> dict | None:
        when = self._when_of(v, row, failed)
        ok = when is not None
        if when is not None and when[1] > self.today and when[0] != when[1]:
            self.err(row, "period", store.period_label(*when), "period_open", (), "warning",
                     value=store.period_label(*when), today=self.today.isoformat())
        rtype = v.get("record_type") or "case"
        if "record_type" not in failed:
            if rtype == "case":
                if not v.get("case_id") and "case_id" not in failed:
                    self.err(row, "case_id", None, "case_needs_id")
                    ok = False
                if v.get("n_cases") not in (None, 1):
                    self.err(row, "n_cases", v.get("n_cases"), "case_n_cases")
                    ok = False
            elif v.get("n_cases") is None and "n_cases" not in failed:
                self.err(row, "n_cases", None, "aggregate_needs_cases")
                ok = False
        victims = v.get("victims")
        if victims is not None:
            for key, code, name in (("victims_children", "children_gt_victims", "children"),
                                    ("victims_women", "women_gt_victims", "women"),
                                    ("victims_rescued", "rescued_gt_victims", "rescued"),
                                    ("victims_supported", "supported_gt_victims", "supported")):
                n = v.get(key)
                if n is not None and n > victims:
                    self.err(row, key, n, code, victims=victims, **{name: n})
                    ok = False
        place = self._place(v, row, failed, when, None, "province")
        if place is None or not ok or failed:
            return None
        rec = self._columns(place)
        start, end = when
        period = self._period(start, end)
        rec.update(period[0])
        agency = v.get("agency")
        case_id = v.get("case_id")
        id_key = v["_id_key"] = normalise_id(case_id)
        if rtype == "case":  # a case is known by its normalised ID and its agency (two agencies may report one case)
            row_key = f"case:{id_key}@{agency or ''}"
        else:
            row_key = "agg:" + "|".join(str(x or "") for x in (
                rec["place_era"], rec["province_code"], rec["district_code"], rec["commune_code"], start, end,
                v.get("form"), agency))
        d = v.get("date")
        rec["case_id"] = case_id
        rec["record_type"] = rtype
        rec["row_key"] = row_key
        rec["id_key"] = id_key
        rec["id_skel"] = skeleton_of_key(id_key)
        rec["date"] = d if d else (start if start == end else None)
        rec["period_label"] = period[1]
        rec["period_start"] = start
        rec["period_end"] = end
        rec.update(zip(_CASE_TEXT, map(v.get, _CASE_TEXT)))
        counts = tuple(map(v.get, S.COUNTED))  # counted values until the province is counted again (geo.data.counting)
        rec.update(zip(S.COUNTED, counts))
        rec.update(zip(_K_NAMES, counts))
        if rtype == "case":
            rec["n_cases"] = rec["k_n_cases"] = 1
        rec["count_status"], rec["dup_of"], rec["sources"] = "counted", None, agency
        return rec

    def _row_prevention_models(self, v: dict, row: int, failed: set) -> dict | None:
        start, end = v.get("start_date"), v.get("end_date")
        ok = True
        if start and end and end < start:
            self.err(row, "end_date", end.isoformat(), "end_before_start", end=end.isoformat(), start=start.isoformat())
            ok = False
        place = self._place(v, row, failed, (start, start) if start else None, None, "commune")
        if place is None or not ok or failed:
            return None
        rec = self._columns(place)
        mid = v.get("model_id")
        natural = "|".join(str(x or "") for x in (rec["place_era"], rec["commune_code"], v["model_type"],
                                                   S.fold(v.get("name") or ""), start))
        rec.update({"model_id": mid, "row_key": "model:" + (mid if mid else natural),
                    **{k: v.get(k) for k in ("name", "model_type", "start_date", "end_date", "status", "source", "note")}})
        return rec

    def _row_key_areas(self, v: dict, row: int, failed: set) -> dict | None:
        place = self._place(v, row, failed, None, v.get("year"), "commune")
        if place is None or failed:
            return None
        rec = self._columns(place)
        rec.update({"year": v["year"], "row_key": f"ka:{v['year']}:{rec['place_era']}:{rec['commune_code']}",
                    "basis": v.get("basis"), "source": v.get("source"), "note": v.get("note")})
        return rec

    def _row_targets(self, v: dict, row: int, failed: set) -> dict | None:
        value, unit = v.get("value"), v.get("unit")
        ok = True
        if value is not None and value < 0:
            self.err(row, "value", value, "negative_value")
            ok = False
        indicator = v.get("indicator")
        if unit is None and indicator and indicator != "other":
            unit = "%"
        if (value is not None and unit and ("%" in unit or "percent" in unit.lower()
                                            or "phan tram" in S.fold(unit).replace("_", " ")) and value > 100):
            self.err(row, "value", value, "percent_over_100")
            ok = False
        place = self._place(v, row, failed, None, v.get("year"), "province")
        if place is None or not ok or failed:
            return None
        cols = place.columns(self.places.reg)
        metric_key = S.fold(v.get("metric") or "") if v["indicator"] == "other" else ""
        return {
            "target_id": v.get("target_id"), "year": v["year"], "place_era": cols["place_era"],
            "province_code": cols["province_code"], "province_name": cols["province_name"],
            "prov_code_2025": cols["prov_code_2025"], "indicator": v["indicator"], "metric": v.get("metric"),
            "comparator": v.get("comparator"), "value": float(value), "unit": unit, "source": v.get("source"),
            "note": v.get("note"),
            "row_key": f"target:{v['year']}:{cols['place_era']}:{cols['province_code']}:{v['indicator']}:{metric_key}",
        }

    def _points(self, v: dict, row: int, failed: set) -> dict | None:
        lat, lon, ctype = v.get("lat"), v.get("lon"), v.get("coord_type")
        if {"lat", "lon", "coord_type"} & failed:
            return None
        ok = True
        if (lat is None) != (lon is None):
            self.err(row, "lat" if lat is None else "lon", None, "coords_incomplete")
            ok = False
        if lat is not None and not (-90 <= lat <= 90):
            self.err(row, "lat", lat, "coord_range", what=("vĩ độ -90..90", "latitude -90..90"))
            ok = False
        if lon is not None and not (-180 <= lon <= 180):
            self.err(row, "lon", lon, "coord_range", what=("kinh độ -180..180", "longitude -180..180"))
            ok = False
        if lat is None and lon is None and ctype and ctype != "none":
            self.err(row, "coord_type", ctype, "coord_type_without_coords", value=ctype)
            ok = False
        if not ok:
            return None
        if lat is not None:
            ctype = ctype or "exact"
            if ctype == "none":
                ctype = "exact"
        else:
            ctype = "none"
        return {"lat": lat, "lon": lon, "coord_type": ctype, "caveat": v.get("caveat")}

    def _ref_place(self, v: dict, row: int, failed: set) -> dict | None:
        place = self._place(v, row, failed, None, None, None)
        if place is None:
            return None
        return place.columns(self.places.reg) if self.places else _Place(None, None, None).columns(None)

    def _row_gates(self, v: dict, row: int, failed: set) -> dict | None:
        pts = self._points(v, row, failed)
        cols = self._ref_place(v, row, failed)
        if pts is None or cols is None or failed:
            return None
        cols.update(pts)
        cols.update({k: v.get(k) for k in ("gate_id", "name_vi", "name_en", "gate_type", "mode", "counterpart_country",
                                           "source", "note")})
        cols["row_key"] = "gate:" + v["gate_id"]
        return cols

    def _row_hotspots(self, v: dict, row: int, failed: set) -> dict | None:
        pts = self._points(v, row, failed)
        cols = self._ref_place(v, row, failed)
        if pts is None or cols is None or failed:
            return None
        cols.update(pts)
        cols.update({k: v.get(k) for k in ("hotspot_id", "name", "category", "purpose", "country", "village", "period",
                                           "description", "source")})
        cols["row_key"] = "hotspot:" + v["hotspot_id"]
        return cols

    def _row_routes(self, v: dict, row: int, failed: set) -> dict | None:
        pts = self._points(v, row, failed)
        cols = self._ref_place(v, row, failed)
        if pts is None or cols is None or failed:
            return None
        cols.update(pts)
        cols.update({k: v.get(k) for k in ("route_id", "route_name", "purpose", "seq", "waypoint_name", "country",
                                           "source", "note")})
        cols["row_key"] = f"route:{v['route_id']}:{v['seq']}"
        return cols


class _Quick:
    """A place resolver that skips the "did you mean" look-up (for answers whose errors are not reported)."""

    def __init__(self, places: _PlaceResolver):
        self.places = places
        self.reg = places.reg

    def resolve(self, *args, **kwargs):
        return self.places.resolve(*args, suggest=False, **kwargs)


def _differences(table, rec: dict, stored) -> list[tuple[str, Any, Any]]:
    """(column, stored value, new value) for every content column that differs."""
    out = []
    for c in table.columns:
        name = c.name
        if name in _NOT_CONTENT or name == "is_demo":
            continue
        old, new = _plain(stored[name]), _plain(rec.get(name))
        if old != new:
            out.append((name, old, new))
    return out


def _plain(v):
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date() if v.time() == datetime.min.time() else v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _fmt_when(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


# --------------------------------------------------------------------------------------------------
# Where valid rows go: the preview of a check, or the writer of an import
# --------------------------------------------------------------------------------------------------
class _Collector:
    """A check: keeps the first rows for the preview and, for case rows, what the counting rule needs to
    show the overlaps with the store before anything is written."""

    def __init__(self, report: ImportReport, kind: str):
        self.report = report
        self.kind = kind
        self.frame_rows: list[tuple] = []
        self.replaced_ids: list[int] = []
        self.n = 0
        self.n_demo = 0

    def add(self, records: list[dict], replace: list) -> None:
        for rec in list(records) + [r for r, _ in replace]:
            self.n += 1
            self.n_demo += bool(rec.get("is_demo"))
            if len(self.report._records) < PREVIEW_ROWS:
                self.report._records.append(rec)
            if self.kind == "cases":
                try:  # (one C-level getter: every record has every column)
                    self.frame_rows.append((-rec["row_number"], *_PREVIEW_REST(rec)))
                except KeyError:
                    self.frame_rows.append(tuple(-rec["row_number"] if c == "id" else rec.get(c) for c in _PREVIEW_COLUMNS))
        self.replaced_ids += [int(r["id"]) for _, r in replace]


_PREVIEW_COLUMNS = None  # set below (after geo.data.counting is importable)


class _Writer:
    """An import: one import record, rows written a batch at a time (with their record keys), rows an update
    replaces kept for undo; :meth:`finish` counts the provinces again and refreshes the summary table.

    The first :data:`WRITE_AFTER` valid rows are held before anything is written, so a file of office size
    with an error writes nothing at all (not even an import number: PostgreSQL never gives a sequence number
    back); a bigger file is written batch by batch and an error rolls the whole transaction back."""

    def __init__(self, conn, report: ImportReport, kind: str, user: str | None, origin: str, demo: bool):
        self.conn = conn
        self.report = report
        self.kind = kind
        self.table = S.KIND_TABLES[kind]
        self.demo = demo
        self.user, self.origin = user, origin
        self.import_id: int | None = None
        self.dropped: list | None = None  # indexes dropped for a bulk load (SQLite), built again at finish
        self.held: list = []  # (records, replace) not written yet
        self.n_held = 0
        self.names = [c.name for c in self.table.columns if c.name != "id"]
        self.positions = {name: k for k, name in enumerate(self.names)}
        self.date_names = [c.name for c in self.table.columns if c.name != "id" and isinstance(c.type, S.Date)
                           and not isinstance(c.type, S.DateTime)]
        self.n = 0
        self.n_demo = 0
        self.groups: set = set()
        self.touched_imports: set[int] = set()
        # what the counting rule needs of the rows written, column by column (kept, not read back; the counted
        # values of a new row are its own figures until it is counted, so they are not kept twice)
        # (None once the import passes KEEP_FRAME_ROWS rows: then counted from the rows written, and only the
        # number of rows per 2025 province is kept)
        self.frame_cols: dict[str, list] | None = {c: [] for c in counting_frame_columns() if c != "id"}
        self.frame_cols["row_number"] = []
        self.rows_by_province: Counter | None = None

    def add(self, records: list[dict], replace: list) -> None:
        if self.import_id is None:
            self.held.append((records, replace))
            self.n_held += len(records) + len(replace)
            if self.n_held >= WRITE_AFTER:
                self._bulk_start()
                self.flush()
            return
        self._write(records, replace)

    def _bulk_start(self) -> None:
        """A big file on SQLite: the secondary indexes of the table are dropped inside the import's transaction
        and built again at :meth:`finish` (one sorted build is several times faster than keeping them up to
        date row by row). Only while the table is small next to the file (an index build reads the whole
        table); a rollback brings them back with everything else. The unique key and the indexes the checks of
        the next batches read (:data:`_CHECKED_COLUMNS`) stay."""
        conn = self.conn
        if conn.dialect.name != "sqlite" or self.dropped is not None:
            return
        self.dropped = []
        dbapi = conn.connection.dbapi_connection
        if not getattr(dbapi, "in_transaction", False):
            return
        if conn.execute(select(func.count()).select_from(self.table)).scalar() > BULK_TABLE_ROWS:
            return
        quote = conn.dialect.identifier_preparer.quote
        for index in sorted(self.table.indexes, key=lambda i: i.name):
            if not index.unique and not {c.name for c in index.columns} & _CHECKED_COLUMNS:
                conn.exec_driver_sql(f"DROP INDEX IF EXISTS {quote(index.name)}")
                self.dropped.append(index)

    def _bulk_end(self) -> None:
        for index in self.dropped or ():
            index.create(self.conn, checkfirst=True)
        self.dropped = []

    def flush(self) -> None:
        """Create the import record (once) and write every row held."""
        if self.import_id is None:
            r = self.report
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            self.import_id = int(self.conn.execute(S.imports.insert().values(
                kind=self.kind, file_name=r.file_name, checksum=r.checksum, n_rows=0, user=self.user,
                imported_at=now, status="active", is_demo=self.demo, origin=self.origin,
                schema_version=S.SCHEMA_VERSION)).inserted_primary_key[0])
        held, self.held, self.n_held = self.held, [], 0
        for records, replace in held:
            self._write(records, replace)

    def _write(self, records: list[dict], replace: list) -> None:
        conn = self.conn
        if replace:
            snapshots = []
            for _, old in replace:
                data = {c.name: _jsonable(old[c.name]) for c in self.table.columns}
                snapshots.append({"import_id": self.import_id, "table_name": self.table.name,
                                  "old_import_id": int(old["import_id"]), "row_key": old["row_key"],
                                  "data": json.dumps(data, ensure_ascii=False)})
                self.touched_imports.add(int(old["import_id"]))
                if self.kind == "cases":
                    self.groups.add((old["prov_code_2025"], bool(old["is_demo"])))
            conn.execute(S.replaced_rows.insert(), snapshots)
            ids = [int(old["id"]) for _, old in replace]
            for i in range(0, len(ids), 500):
                conn.execute(delete(self.table).where(self.table.c.id.in_(ids[i:i + 500])))
        recs = list(records) + [r for r, _ in replace]
        if not recs:
            return
        names = self.names
        n = len(recs)
        # column by column from here: one C-level getter per record and transposes, not a dict look-up or a
        # store per cell (the records themselves are not changed)
        cols = list(zip(*_pick(recs, names)))
        at = self.positions
        demo = bool(self.demo)
        cols[at["import_id"]] = (self.import_id,) * n
        flags = (True,) * n if demo else tuple(map(bool, cols[at["is_demo"]]))
        cols[at["is_demo"]] = flags
        self.n_demo += sum(flags)
        if self.table is S.cases:  # the record key of the cell-key method, set once here and kept (geo.stats.cellkey)
            cols[at["ckey"]] = store.record_keys(conn, cols[at["row_key"]])
        if self.kind == "cases":
            self.groups.update(zip(cols[at["prov_code_2025"]], flags))
            if self.frame_cols is not None and self.n + n > KEEP_FRAME_ROWS:
                self.rows_by_province = Counter(self.frame_cols["prov_code_2025"])
                self.frame_cols = None
            if self.rows_by_province is not None:
                self.rows_by_province.update(cols[at["prov_code_2025"]])
            for name, values in (self.frame_cols or {}).items():
                values.extend(cols[at[name]] if name != "row_key" else  # a case's key is rebuilt from its ID and
                              [None if t == "case" else k  # agency when counting (less to keep)
                               for k, t in zip(cols[at["row_key"]], cols[at["record_type"]])])
        if conn.dialect.name == "sqlite":  # dates as the ISO text SQLite stores (no adapter call per value)
            iso = self.__dict__.get("_iso")
            if iso is None:
                iso = self._iso = _IsoText()
            for name in self.date_names:
                cols[at[name]] = list(map(iso.__getitem__, cols[at[name]]))
        keep = empty_columns_left_out(conn, self.table, names, cols, n)
        _insert(conn, self.table, [names[k] for k in keep], list(zip(*[cols[k] for k in keep])))
        self.n += n

    def finish(self) -> None:
        self.flush()
        self._bulk_end()
        conn = self.conn
        r = self.report
        note = {"mode": r.mode, "new": r.n_new, "unchanged": r.n_unchanged, "changed": r.n_changed,
                "replaced": r.n_replaced, "kept": r.n_kept} if r.mode == "update" else None
        conn.execute(update(S.imports).where(S.imports.c.id == self.import_id).values(
            n_rows=self.n, is_demo=bool(self.demo or (self.n and self.n_demo == self.n)),
            note=json.dumps(note) if note else None))
        if self.kind == "cases":
            from geo.data import counting

            found: list = []
            if self.frame_cols is None:  # a big file: counted from the rows written, a few provinces at a time
                changed = counting.recount_import(conn, self.groups, self.import_id, found, self.rows_by_province)
            else:
                changed = self._recount_kept(found)
            store.rebuild_rollup(conn, changed | self.touched_imports | {self.import_id})
            mine = self.import_id
            for o in found:
                if o["import_a"] == mine or o["import_b"] == mine or mine in o.get("imports", ()):
                    r.overlap_counts[o["kind"]] += 1
            c = S.cases.c
            for status, n in conn.execute(select(c.count_status, func.count()).where(c.import_id == self.import_id)
                                          .group_by(c.count_status)).all():
                r.count_status[status or "counted"] = int(n)

    def _recount_kept(self, found: list) -> set[int]:
        """:func:`geo.data.counting.recount` of the import's provinces, the rows written given from memory."""
        from geo.data import counting

        new = counting.written_frame(self.frame_cols)
        self.frame_cols = {}
        return counting.recount(self.conn, self.groups, found, new=new, import_id=self.import_id)


class _IsoText(dict):
    """A date -> its ISO text, remembered (``None`` and text stay as they are): ``iso[value]``."""

    def __missing__(self, value):
        text = value if value is None or value.__class__ is str else value.isoformat()
        if len(self) < 100_000:
            self[value] = text
        return text


def _pick(recs: list[dict], names: list[str]) -> list[tuple]:
    """The values of ``names`` of every record as tuples (None where a record has no such key)."""
    get = operator.itemgetter(*names)
    try:
        return list(map(get, recs))
    except KeyError:  # some record lacks a column: give it None there
        for rec in recs:
            for n in names:
                rec.setdefault(n, None)
        return list(map(get, recs))


_PLACEHOLDER = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def _insert(conn, table, names: list[str], rows: list[tuple]) -> None:
    """Insert many rows at once: straight to the driver's ``executemany`` (SQLite, psycopg) with positional
    parameters, which is several times faster than a Core insert of dicts for 100,000 rows; other drivers
    get the Core insert."""
    mark = _PLACEHOLDER.get(conn.dialect.paramstyle)
    if mark is None:
        conn.execute(table.insert(), [dict(zip(names, r)) for r in rows])
        return
    quote = conn.dialect.identifier_preparer.quote
    sql = (f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "
           f"VALUES ({', '.join([mark] * len(names))})")
    for i in range(0, len(rows), 10_000):
        conn.exec_driver_sql(sql, rows[i:i + 10_000])


def _present(conn, table, column: str, values: list, current: int | None) -> list:
    """The ``values`` (sorted) that occur in ``table.column`` outside import ``current``: a probe of the
    column's index straight through the driver, so the full look-up (the same query as before, with its
    typed rows) runs only for the values found, usually none (building a 2,000-value IN list through the
    SQL layer costs more than the look-up itself). Other drivers: every value."""
    mark = _PLACEHOLDER.get(conn.dialect.paramstyle)
    if mark is None or not values:
        return values
    quote = conn.dialect.identifier_preparer.quote
    col = quote(column)
    found: set = set()
    for j in range(0, len(values), 2000):
        chunk = values[j:j + 2000]
        sql = f"SELECT DISTINCT {col} FROM {quote(table.name)} WHERE {col} IN ({', '.join([mark] * len(chunk))})"
        params = list(chunk)
        if current is not None:
            sql += f" AND {quote('import_id')} != {mark}"
            params.append(current)
        found.update(v for (v,) in conn.exec_driver_sql(sql, tuple(params)).fetchall())
    return [v for v in values if v in found]


def counting_frame_columns() -> tuple[str, ...]:
    from geo.data import counting

    return counting.FRAME_COLUMNS


def _jsonable(v):
    if isinstance(v, (date, datetime)):
        return v.isoformat()
    return v


def _restore_value(column, v):
    if v is None:
        return None
    if isinstance(column.type, S.DateTime):
        return datetime.fromisoformat(v)
    if isinstance(column.type, S.Date):
        return date.fromisoformat(v)
    return v


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------
def _name_of(path_or_bytes, filename: str | None) -> str:
    if filename:
        return str(filename)
    if isinstance(path_or_bytes, (str, Path)):
        return Path(path_or_bytes).name
    return str(getattr(path_or_bytes, "name", None) or "upload")


def _checksum(data) -> str:
    """SHA-256 of the file: bytes, or a file read a megabyte at a time (:class:`geo.data.reading._FileBytes`,
    computed once)."""
    if isinstance(data, _FileBytes):
        if data.checksum is None:
            digest = hashlib.sha256()
            for chunk in data.chunks():
                digest.update(chunk)
            data.checksum = digest.hexdigest()
        return data.checksum
    return hashlib.sha256(data).hexdigest()


def validate_file(path_or_bytes, filename: str | None = None, kind: str | None = None, engine: Engine | None = None,
                  reg=None, today: date | None = None, demo: bool = False, check_store: bool = True,
                  scope: tuple[str, ...] | None = None, mode: str = "new") -> ImportReport:
    """Read and check a file without writing anything.

    ``path_or_bytes``: a path, raw bytes or a file-like object (e.g. a Streamlit upload); ``filename``
    names it in messages and decides CSV vs Excel. ``kind``: one of :data:`geo.data.schema.IMPORT_KINDS`
    (None: detected from the headers). Duplicates against the store (``engine`` or the default one) are
    checked unless ``check_store`` is false. ``demo`` marks every row as demonstration data. ``scope``:
    the pre-2025 province codes the importing user may write (None or empty: the whole country); a row
    outside it is an error naming its row and province column. ``mode``: ``new`` (every row must be new)
    or ``update`` (a cumulative sheet: the report says which rows are new, unchanged or changed).

    For case files the report also lists the overlaps the counting rule finds between the file and the
    store (``report.overlaps``, ``report.overlap_counts``) and how the rows would be counted
    (``report.count_status``), before anything is written.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    name = _name_of(path_or_bytes, filename)
    report = ImportReport(file_name=str(name), kind=kind, mode=mode)
    try:
        data, name = _load_bytes(path_or_bytes, filename)
    except _FileProblem as problem:
        report.add(problem.issue)
        return report
    if engine is None and check_store:
        engine = store.get_engine()
    with gc_paused():
        if not check_store:
            return _check(data, name, kind, report, None, None, reg, today, demo, scope, mode)
        with engine.connect() as conn:
            return _check(data, name, kind, report, engine, conn, reg, today, demo, scope, mode)


def _start(data: bytes, name: str, kind: str | None, report: ImportReport, engine, conn, reg, today, demo, scope,
           mode, changed: str = "ask") -> _Validator | None:
    """Read the header and set up the validator (None when the file cannot be checked at all)."""
    report.file_name = name
    report.size_bytes = len(data)
    report.checksum = _checksum(data)
    try:
        table = _read_table(data, name)
    except _FileProblem as problem:
        report.add(problem.issue)
        return None
    if kind is not None and kind not in S.IMPORT_KINDS:
        report.add(_issue(name, None, None, kind, "bad_kind", kind=kind, kinds=", ".join(S.IMPORT_KINDS)))
        return None
    from geo.data import htcds

    if kind in (None, "cases") and htcds.is_htcds(table.headers):
        try:
            table, problems = htcds.to_cases_table(table, name)
        except _FileProblem as problem:
            report.add(problem.issue)
            return None
        for issue in problems:
            report.add(issue)
        kind = "cases"
    kind = kind or detect_kind(table.headers)
    if kind is None:
        report.add(_issue(name, 1, None, None, "unknown_kind"))
        return None
    report.kind = kind
    validator = _Validator(name, S.IMPORT_KINDS[kind], table, report, engine, reg=reg, today=today, force_demo=demo,
                           mode=mode, changed=changed, conn=conn, scope=scope)
    if not validator.check_structure():
        return None
    return validator


def _check(data, name, kind, report, engine, conn, reg, today, demo, scope, mode) -> ImportReport:
    validator = _start(data, name, kind, report, engine, conn, reg, today, demo, scope, mode)
    if validator is None:
        return report
    sink = _Collector(report, report.kind)
    validator.run(sink)
    report.n_demo_rows = sink.n_demo
    if mode == "new":
        report.n_new = report.n_valid
    if report.errors or report.n_errors_total:
        report._records = []
        return report
    report.status = "valid"
    if report.kind == "cases" and sink.frame_rows and conn is not None:
        _preview_overlaps(conn, report, sink)
    return report


def _preview_overlaps(conn, report: ImportReport, sink: _Collector) -> None:
    """The overlaps the counting rule finds between the file's case rows and the store, and how the file's
    rows would be counted (nothing written)."""
    from geo.data import counting

    new = pd.DataFrame(sink.frame_rows, columns=list(_PREVIEW_COLUMNS))
    result, frame = counting.preview(conn, new, exclude_ids=sink.replaced_ids)
    news = result.values[frame["id"].to_numpy() < 0]
    report.count_status.update(news["count_status"].value_counts().to_dict())
    labels = counting.row_labels(conn, frame)
    for o in result.overlaps:
        report.overlap_counts[o["kind"]] += 1
        if len(report.overlaps) < MAX_LISTED:
            o = dict(o)
            o["a"], o["b"] = labels.get(o["id_a"]), labels.get(o["id_b"])
            report.overlaps.append(o)


def import_file(path_or_bytes, filename: str | None = None, kind: str | None = None, dry_run: bool = False,
                user: str | None = None, engine: Engine | None = None, origin: str = "api", reg=None,
                today: date | None = None, demo: bool = False, scope: tuple[str, ...] | None = None,
                address: str | None = None, mode: str = "new", changed: str = "ask") -> ImportReport:
    """Validate and import one file, all or nothing.

    Nothing is written when there is any error, when ``dry_run`` is true, or when the same file (same
    SHA-256) is already imported and not undone (``status`` = ``already_imported``). Otherwise the rows
    and the import record are written in one transaction (``status`` = ``imported``, ``import_id`` set),
    the provinces they touch are counted again (:mod:`geo.data.counting`) and the summary table refreshed.
    ``user`` is recorded in the import log when known. ``scope``: see :func:`validate_file`.

    ``mode="update"`` (cumulative sheets): rows already stored with the same values are skipped, new rows
    added; rows stored with other values are replaced when ``changed="replace"``, left as stored when
    ``changed="keep"``, and with ``changed="ask"`` (default) nothing is written while there are any
    (``status`` = ``needs_confirmation``, the rows in ``report.changed``). Every import and every refused
    file is written to the audit trail (who, what, the decision on changed rows, from ``address``).
    """
    if mode not in MODES or changed not in CHANGED:
        raise ValueError(f"mode must be one of {MODES} and changed one of {CHANGED}")
    engine = engine or store.get_engine()
    with gc_paused():
        report = _import_file(path_or_bytes, filename, kind, dry_run, user, engine, origin, reg, today, demo, scope,
                              mode, changed)
    if not dry_run and origin != "demo":
        audit_import(report, user, address, engine)
    return report


def audit_import(report: ImportReport, user, address, engine=None) -> None:
    """Write one import (or a refused file) to the audit trail."""
    from geo.auth import audit

    if report.status == "imported":
        detail = f"#{report.import_id} {report.kind}: {report.file_name} ({report.n_written} rows"
        if report.mode == "update":
            detail += (f"; update: {report.n_new} new, {report.n_unchanged} unchanged skipped, {report.n_changed} "
                       f"changed: {report.n_replaced} replaced, {report.n_kept} kept as stored")
        detail += ")"
        if report.overlap_counts:
            detail += "; overlaps: " + ", ".join(f"{k} {n}" for k, n in sorted(report.overlap_counts.items()))
        audit.record("import", user, detail, address, engine=engine)
    elif report.errors:
        first = report.errors[0]
        where = f"row {first.row}, column {first.column}" if first.row else "file"
        audit.record("import_rejected", user, f"{report.file_name}: {report.n_errors_total} errors; first: {where}: "
                     f"{first.code}", address, outcome="refused", engine=engine)
    elif report.status == "needs_confirmation":
        audit.record("import_rejected", user, f"{report.file_name}: update with {report.n_changed} changed rows "
                     f"not confirmed; nothing written", address, outcome="refused", engine=engine)


def _import_file(path_or_bytes, filename, kind, dry_run, user, engine, origin, reg, today, demo, scope,
                 mode="new", changed="ask") -> ImportReport:
    try:
        data, name = _load_bytes(path_or_bytes, filename)
    except _FileProblem as problem:
        report = ImportReport(file_name=_name_of(path_or_bytes, filename), kind=kind, dry_run=dry_run, mode=mode)
        report.add(problem.issue)
        return report
    checksum = _checksum(data)
    try:
        with store.write_transaction(engine) as conn:  # an undo or import under way finishes first: no stale answer
            prior = _prior(conn, checksum)
    except store.StoreBusy:
        report = ImportReport(file_name=name, kind=kind, checksum=checksum, size_bytes=len(data), dry_run=dry_run,
                              mode=mode)
        report.add(_issue(name, None, None, None, "store_busy"))
        return report
    if prior is not None:
        return _already(name, checksum, data, prior, dry_run, mode)
    if dry_run:
        report = validate_file(data, name, kind, engine=engine, reg=reg, today=today, demo=demo, scope=scope, mode=mode)
        report.dry_run = True
        return report
    report = ImportReport(file_name=name, kind=kind, mode=mode)
    try:
        # one transaction under the store's write lock: the "already imported?" check, the checks against the
        # store and the writes see the same data; any error rolls everything back
        with store.write_transaction(engine) as conn:
            prior = _prior(conn, checksum)
            if prior is not None:
                return _already(name, checksum, data, prior, dry_run, mode)
            _import_into(conn, data, name, kind, report, engine, reg, today, demo, scope, mode, changed, user, origin)
    except _Rollback:
        report.import_id = None
        report.n_written = 0
        return report
    except store.StoreBusy:
        report.import_id = None
        report.status = "invalid"
        report.add(_issue(report.file_name, None, None, None, "store_busy"))
        return report
    except IntegrityError:
        report.import_id = None
        report.status = "invalid"
        report.add(_issue(report.file_name, None, None, None, "store_conflict"))
        return report
    return report


def _import_into(conn, data, name, kind, report, engine, reg, today, demo, scope, mode, changed, user, origin,
                 check_store: bool = True) -> None:
    """Check and write one file on an open write transaction; raises :class:`_Rollback` when anything
    stops the import (the caller's transaction then writes nothing)."""
    validator = _start(data, name, kind, report, engine, conn if check_store else None, reg, today, demo, scope,
                       mode, changed)
    if validator is None:
        raise _Rollback()
    writer = _Writer(conn, report, report.kind, user, origin, demo)
    validator.writer = writer
    validator.run(writer)
    if mode == "new":
        report.n_new = report.n_valid
    if report.n_errors_total:
        report.status = "invalid"
        report._records = []
        raise _Rollback()
    if mode == "update" and report.n_changed and changed == "ask":
        report.status = "needs_confirmation"
        raise _Rollback()
    if writer.n == 0 and writer.n_held == 0:
        report.status = "up_to_date" if mode == "update" else "invalid"
        raise _Rollback()
    writer.finish()
    report.import_id = writer.import_id
    report.n_written = writer.n
    report.n_demo_rows = writer.n_demo
    report.status = "imported"


def _prior(conn, checksum: str):
    return conn.execute(
        select(S.imports.c.id, S.imports.c.imported_at, S.imports.c.kind, S.imports.c.n_rows)
        .where(S.imports.c.checksum == checksum, S.imports.c.status == "active").order_by(S.imports.c.id)
    ).first()


def _already(name, checksum, data, prior, dry_run, mode) -> ImportReport:
    report = ImportReport(file_name=name, kind=prior.kind, checksum=checksum, size_bytes=len(data),
                          n_rows=int(prior.n_rows), status="already_imported", already_import_id=int(prior.id),
                          dry_run=dry_run, mode=mode)
    report.warnings.append(_issue(name, None, None, None, "already_imported", (), "warning",
                                  imp=prior.id, when=_fmt_when(prior.imported_at)))
    return report


def scope_2025(scope: tuple[str, ...]) -> set[str]:
    """The 2025 provinces wholly inside ``scope`` (every pre-2025 province merged into them is in it): the
    same rule as the views (:func:`geo.data.store.scope_provinces_2025`), so a user can import and undo
    exactly the rows they can see."""
    return set(store.scope_provinces_2025(scope))


def row_in_scope(prov_pre2025, prov_2025, scope: tuple[str, ...], new_codes: set[str] | None = None) -> bool | None:
    """Whether a stored/imported row's place lies in ``scope`` (pre-2025 codes); None when the row has no
    Vietnamese province (e.g. a waypoint abroad)."""
    pre = str(prov_pre2025) if prov_pre2025 not in (None, "") and not pd.isna(prov_pre2025) else None
    new = str(prov_2025) if prov_2025 not in (None, "") and not pd.isna(prov_2025) else None
    if pre is not None:
        return pre in scope
    if new is not None:
        return new in (new_codes if new_codes is not None else scope_2025(scope))
    return None


#: kinds whose rows may lie outside Vietnam (reference layers): such rows are not tied to a province
_REFERENCE_KINDS = ("gates", "hotspots", "routes")


def _province_names(scope: tuple[str, ...]) -> str:
    from geo.admin.cache import load_layer

    provinces = load_layer("provinces_pre2025", "national").set_index("code")["prov_name_vi"]
    return ", ".join(str(provinces.get(c, c)) for c in scope)


def write_file(conn, path_or_bytes, kind: str, user: str | None, origin: str, demo: bool = False, reg=None,
               check_store: bool = False) -> ImportReport:
    """Check and write one file on an open write transaction (the demo loader replaces every demo file in
    one transaction). Raises ``ValueError`` with the report's text when the file has an error."""
    data, name = _load_bytes(path_or_bytes, None)
    report = ImportReport(file_name=name, kind=kind)
    try:
        _import_into(conn, data, name, kind, report, None, reg, None, demo, None, "new", "ask", user, origin,
                     check_store=check_store)
    except _Rollback:
        raise ValueError(report.to_text("en", max_lines=20)) from None
    return report


def list_imports(engine: Engine | None = None, include_undone: bool = True) -> pd.DataFrame:
    """The import log, newest first, with ``rows_now`` (rows still stored for each import)."""
    engine = engine or store.get_engine()
    i = S.imports.c
    stmt = select(S.imports).order_by(i.id.desc())
    if not include_undone:
        stmt = stmt.where(i.status == "active")
    with engine.connect() as conn:
        result = conn.execute(stmt)
        df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        counts: dict[int, int] = {}
        for table in S.DATA_TABLES:
            for imp, n in conn.execute(select(table.c.import_id, func.count()).group_by(table.c.import_id)).all():
                counts[int(imp)] = counts.get(int(imp), 0) + int(n)
    df["rows_now"] = [counts.get(int(x), 0) for x in df["id"]] if len(df) else []
    if len(df):
        df["is_demo"] = df["is_demo"].astype(bool)
    return df


@dataclass
class UndoResult:
    ok: bool
    import_id: int
    rows_removed: int = 0
    message_vi: str = ""
    message_en: str = ""
    rows_restored: int = 0

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


def undo_import(import_id: int, user: str | None = None, engine: Engine | None = None,
                scope: tuple[str, ...] | None = None, address: str | None = None) -> UndoResult:
    """Remove every row written by one import (one transaction), put back the rows it replaced (update
    mode), count the provinces again and mark the import as undone. ``scope`` (pre-2025 province codes):
    refused when any row of the import lies outside it. Written to the audit trail."""
    engine = engine or store.get_engine()
    result = _undo_import(int(import_id), user, engine, tuple(scope or ()))
    from geo.auth import audit

    audit.record("undo" if result.ok else "undo_refused", user, f"#{import_id}: {result.message_en}", address,
                 outcome="ok" if result.ok else "refused", engine=engine)
    return result


def _undo_import(import_id: int, user, engine, scope: tuple[str, ...]) -> UndoResult:
    try:
        return _undo_locked(import_id, user, engine, scope)
    except store.StoreBusy as exc:
        return UndoResult(False, import_id, 0, exc.message("vi"), exc.message("en"))


def _undo_locked(import_id: int, user, engine, scope: tuple[str, ...]) -> UndoResult:
    from geo.data import counting

    with store.write_transaction(engine) as conn:
        rec = conn.execute(select(S.imports).where(S.imports.c.id == import_id)).mappings().first()
        if rec is None:
            return UndoResult(False, import_id, 0, f"Không có lần nhập #{import_id}.", f"There is no import #{import_id}.")
        if rec["status"] != "active":
            return UndoResult(False, import_id, 0, f"Lần nhập #{import_id} đã được hoàn tác trước đó.",
                              f"Import #{import_id} was already undone.")
        if scope:
            table = S.KIND_TABLES.get(rec["kind"])
            outside = 0
            if table is not None and "prov_code_pre2025" in table.c:
                new_codes = scope_2025(scope)
                rows = conn.execute(select(table.c.prov_code_pre2025, table.c.prov_code_2025)
                                    .where(table.c.import_id == import_id)).all()
                for pre, new in rows:
                    inside = row_in_scope(pre, new, scope, new_codes)
                    if inside is False or (inside is None and rec["kind"] not in _REFERENCE_KINDS):
                        outside += 1
            if outside:
                names = _province_names(scope)
                return UndoResult(False, import_id, 0,
                                  f"Không hoàn tác được lần nhập #{import_id}: {outside} dòng nằm ngoài phạm vi của bạn "
                                  f"({names}). Không có gì thay đổi.",
                                  f"Import #{import_id} cannot be undone: {outside} rows lie outside your scope "
                                  f"({names}). Nothing was changed.")
        groups = counting.groups_of_import(conn, import_id) if rec["kind"] == "cases" else set()
        removed = 0
        conn.execute(delete(S.case_rollup).where(S.case_rollup.c.import_id == import_id))
        for table in S.DATA_TABLES:
            removed += conn.execute(delete(table).where(table.c.import_id == import_id)).rowcount or 0
        restored, touched = _restore_replaced(conn, import_id, groups)
        conn.execute(update(S.imports).where(S.imports.c.id == import_id).values(
            status="undone", undone_at=datetime.now(timezone.utc).replace(tzinfo=None), undone_by=user))
        if groups:
            changed = counting.recount(conn, groups)
            store.rebuild_rollup(conn, (changed | touched) - {import_id})
    back_vi = f"; đặt lại {restored} dòng mà lần nhập này đã thay" if restored else ""
    back_en = f"; {restored} rows it had replaced put back" if restored else ""
    return UndoResult(True, import_id, removed,
                      f"Đã hoàn tác lần nhập #{import_id} ({rec['file_name']}): xóa {removed} dòng{back_vi}.",
                      f"Import #{import_id} ({rec['file_name']}) undone: {removed} rows removed{back_en}.",
                      rows_restored=restored)


def _restore_replaced(conn, import_id: int, groups: set) -> tuple[int, set[int]]:
    """Put back the rows an update-mode import replaced, when the import that wrote them is still active and
    nothing else has taken their place. Returns (rows put back, their imports)."""
    t = S.replaced_rows
    snaps = conn.execute(select(t).where(t.c.import_id == import_id).order_by(t.c.id)).mappings().all()
    if not snaps:
        return 0, set()
    active = {int(i) for (i,) in conn.execute(select(S.imports.c.id).where(
        S.imports.c.id.in_(sorted({s["old_import_id"] for s in snaps})), S.imports.c.status == "active")).all()}
    by_name = {tb.name: tb for tb in S.DATA_TABLES}
    restored, touched = 0, set()
    for s in snaps:
        table = by_name.get(s["table_name"])
        if table is None or int(s["old_import_id"]) not in active:
            continue
        if conn.execute(select(table.c.id).where(table.c.row_key == s["row_key"])).first() is not None:
            continue
        data = json.loads(s["data"])
        row = {c.name: _restore_value(c, data.get(c.name)) for c in table.columns if c.name != "id"}
        conn.execute(table.insert().values(**row))
        restored += 1
        touched.add(int(s["old_import_id"]))
        if table is S.cases:
            groups.add((row["prov_code_2025"], bool(row["is_demo"])))
    return restored, touched


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------
def _default_user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available
        return None


def main_import(argv: list[str] | None = None) -> int:
    """``python -m geo import FILE [FILE ...] [--kind KIND] [--dry-run] [--update [--replace-changed |
    --keep-changed]] [--user NAME] [--lang vi|en] [--errors-csv FILE]``.

    Exit code 0 when every file was imported (or was already imported / valid in a dry run / up to date),
    1 when a file had errors or changed rows without a decision (nothing from that file was written),
    2 on bad usage.
    """
    parser = argparse.ArgumentParser(prog="python -m geo import",
                                     description="Validate and import CSV/XLSX files (all or nothing per file).")
    parser.add_argument("files", nargs="+", help="CSV (UTF-8) or XLSX files")
    parser.add_argument("--kind", choices=sorted(S.IMPORT_KINDS), help="table (default: detected from the headers)")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    parser.add_argument("--update", action="store_true",
                        help="cumulative sheet: skip rows already stored unchanged, add the new ones")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--replace-changed", action="store_true", help="with --update: replace rows that changed")
    group.add_argument("--keep-changed", action="store_true", help="with --update: keep the stored values of changed rows")
    parser.add_argument("--user", default=None, help="who imports (default: the login name)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--errors-csv", default=None, help="also write the error list to this CSV file")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    status = 0
    all_errors = []
    changed = "replace" if args.replace_changed else ("keep" if args.keep_changed else "ask")
    for file in args.files:
        if not Path(file).exists():
            print(f"{file}: " + ("file not found" if args.lang == "en" else "không tìm thấy tệp"))
            status = 1
            continue
        report = import_file(file, kind=args.kind, dry_run=args.dry_run, user=args.user or _default_user(), origin="cli",
                             mode="update" if args.update else "new", changed=changed)
        print(report.to_text(args.lang))
        if report.errors or report.status == "needs_confirmation":
            status = 1
        if report.errors:
            all_errors.append(report)
    if args.errors_csv and all_errors:
        if len(all_errors) == 1:
            Path(args.errors_csv).write_bytes(all_errors[0].errors_csv_bytes(args.lang))
        else:
            frames = pd.concat([r.errors_frame(args.lang, include_warnings=True) for r in all_errors], ignore_index=True)
            more = [t for t in (r.more_text(args.lang) for r in all_errors) if t]
            Path(args.errors_csv).write_bytes(store.export_csv_bytes(frames, args.lang, demo=False,
                                                                     title=" ".join(more) or None))
    return status


def main_imports(argv: list[str] | None = None) -> int:
    """``python -m geo imports [--undo ID] [--all] [--template KIND [--lang en] [--xlsx] [--out FILE]]
    [--overlaps] [--htcds FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m geo imports",
                                     description="List recorded imports, undo one, write an import template, list "
                                                 "open overlaps, or export the case table in HTCDS field names.")
    parser.add_argument("--undo", type=int, default=None, metavar="ID", help="undo the import with this number")
    parser.add_argument("--user", default=None)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--active", action="store_true", help="list only imports that are not undone")
    parser.add_argument("--template", choices=sorted(S.IMPORT_KINDS), default=None, help="write an empty template")
    parser.add_argument("--xlsx", action="store_true", help="template as .xlsx (default .csv)")
    parser.add_argument("--out", default=None, help="template output path (default: template file name)")
    parser.add_argument("--overlaps", action="store_true", help="list the overlaps still open (counting rule)")
    parser.add_argument("--htcds", default=None, metavar="FILE",
                        help="export the case rows in UN HTCDS field names (CSV) to FILE")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if args.template:
        fmt = "xlsx" if args.xlsx else "csv"
        out = Path(args.out or template_filename(args.template, args.lang, fmt))
        out.write_bytes(template_bytes(args.template, args.lang, fmt))
        print(out)
        return 0
    if args.htcds:
        from geo.data import htcds

        frame = htcds.export_frame(store.cases_frame())
        Path(args.htcds).write_bytes(htcds.export_csv_bytes(frame))
        print(f"{args.htcds}: {len(frame)} " + ("case rows (HTCDS field names)" if args.lang == "en"
                                                else "dòng vụ việc (tên trường HTCDS)"))
        return 0
    if args.overlaps:
        from geo.data import counting
        from geo.i18n.data import overlap_text

        df = counting.overlaps_frame(status=["open"])
        if df.empty:
            print("No open overlaps." if args.lang == "en" else "Không có trùng lặp nào cần xem xét.")
            return 0
        for _, o in df.iterrows():
            print(f"- [{o['kind']}] {overlap_text(o, args.lang)}")
        return 0
    if args.undo is not None:
        result = undo_import(args.undo, user=args.user or _default_user())
        print(result.message(args.lang))
        return 0 if result.ok else 1
    df = list_imports(include_undone=not args.active)
    if df.empty:
        print("No imports recorded." if args.lang == "en" else "Chưa có lần nhập nào.")
        return 0
    view = df[["id", "imported_at", "kind", "file_name", "n_rows", "rows_now", "user", "status", "is_demo"]].copy()
    view["imported_at"] = view["imported_at"].map(_fmt_when)
    view["is_demo"] = view["is_demo"].map(lambda x: S.DEMO_LABEL if x else "")
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 40):
        print(view.to_string(index=False))
    return 0


main = main_import


def _preview_columns() -> tuple[str, ...]:
    from geo.data import counting

    return tuple(dict.fromkeys((*counting.FRAME_COLUMNS, *counting.LABEL_COLUMNS)))


_PREVIEW_COLUMNS = _preview_columns()
assert _PREVIEW_COLUMNS[0] == "id" and "id" not in _PREVIEW_COLUMNS[1:]
_PREVIEW_REST = operator.itemgetter(*_PREVIEW_COLUMNS[1:])


def _recount_columns() -> tuple[str, ...]:
    from geo.data import counting

    return tuple(dict.fromkeys((*counting.FRAME_COLUMNS, *counting.RESULT_COLUMNS)))


_RECOUNT_COLUMNS = _recount_columns()
