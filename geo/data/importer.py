"""Validated, all-or-nothing import of CSV/XLSX files into the case store, with an import log and undo.

Function API (used by the import page and the command line):

- :func:`validate_file` checks a file without writing anything and returns an :class:`ImportReport`.
- :func:`import_file` validates and, when there is no error, writes every row in one transaction and
  records the import; with ``dry_run=True`` it only validates. A file already imported (same checksum,
  import still active) is not imported again.
- :func:`list_imports`, :func:`undo_import`: the import log and undoing one import.
- :func:`template_bytes`: an empty template (CSV or XLSX, Vietnamese or English headers) for each table.

Every problem is reported with the file, the row as a spreadsheet shows it (header = row 1), the column
as written in the file, the value and the reason in Vietnamese and English. A file with any error writes
nothing. Counts of victims are sensitive: this module never prints or logs them (the command line prints
the report, which names a value only where it is wrong).
"""
from __future__ import annotations

import argparse
import getpass
import hashlib
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
    _read_csv,
    _load_bytes,
    _read_table,
    _match_headers,
    _satisfied,
    detect_kind,
)
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
)


# --------------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------------
from geo.i18n.data import IMPORT_MESSAGES as MESSAGES  # noqa: E402  (strings live in geo/i18n)
from geo.data.templates import template_filename, template_headers, template_bytes  # noqa: F401,E402  (moved; re-exported)


# --------------------------------------------------------------------------------------------------
# Validation of one file
# --------------------------------------------------------------------------------------------------
class _Validator:
    def __init__(self, file: str, kind: S.ImportKind, table: _Table, report: ImportReport, engine: Engine | None,
                 reg=None, today: date | None = None, force_demo: bool = False):
        self.file = file
        self.kind = kind
        self.table = table
        self.report = report
        self.engine = engine
        self.reg = reg
        self.today = today or _today()
        self.force_demo = force_demo
        self.places: _PlaceResolver | None = None
        self.headers: dict[str, str] = {}  # column key -> header text in the file
        self.index: dict[str, int] = {}

    # -- helpers ---------------------------------------------------------------------------------
    def err(self, row, col_key, value, code, suggestions=(), severity="error", /, **fmt):
        column = self.headers.get(col_key, col_key) if col_key else None
        self.report.add(_issue(self.file, row, column, value, code, suggestions, severity, **fmt))

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
        if ok and not self.table.rows:
            self.report.add(_issue(self.file, None, None, None, "no_rows"))
            ok = False
        return ok

    # -- rows -------------------------------------------------------------------------------------
    def parse_row(self, values: list, row: int) -> tuple[dict, bool, bool]:
        """(parsed values by column key, any cell failed, a required cell failed); errors are reported.

        Cells that failed are left out so the row checks can still run on the others."""
        out: dict[str, Any] = {}
        failed = required_failed = False
        n = len(values)
        for key, i, spec in self.cols:
            raw = values[i] if i < n else None
            try:
                out[key] = self._parse_cell(spec, raw)
            except _CellError as exc:
                failed = True
                required_failed = required_failed or spec.required or spec.kind in ("place", "place_code", "era", "date", "period")
                fmt = dict(exc.fmt)
                if exc.code == "bad_choice":
                    fmt["allowed"] = (spec.vocab.help("vi"), spec.vocab.help("en"))
                self.err(row, key, raw, exc.code, **fmt)
                continue
            if spec.required and out[key] in (None, "") and not (
                    spec.kind == "place" and f"{key}_code" in self.index
                    and (values[self.index[f"{key}_code"]] if self.index[f"{key}_code"] < n else None) not in (None, "")):
                failed = required_failed = True
                self.err(row, key, None, "required_value")
        return out, failed, required_failed

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
            place, errors = self._resolve_in_era(v, names, codes, era, required_level, when_text, explicit)
            if place is not None:
                return place
            if first_errors is None:
                first_errors = errors
        # A place that is not found in the right era but exists in the other one is the "wrong era" error
        # (an ambiguous or mis-scoped name is reported as such).
        findable = all(e[2] in ("unknown_place", "wrong_era", "district_in_2025") for e in first_errors or [])
        for era in disallowed if findable else ():
            place, _ = self._resolve_in_era(v, names, codes, era, required_level, when_text, explicit)
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

    def _resolve_in_era(self, v, names, codes, era, required_level, when_text, explicit):
        """(place, errors): errors are (key, value, code, fmt) tuples for the caller to report."""
        errors: list = []
        P = self.places
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

    # -- whole file -------------------------------------------------------------------------------
    def run(self) -> list[dict]:
        records: list[dict] = []
        seen: dict[str, int] = {}
        seen_ids: dict[str, int] = {}
        reserved = set()
        if self.kind.key in ("gates", "hotspots", "routes"):
            from geo.data import facts
            reserved = facts.reference_ids(self.kind.key)
        for values, row in zip(self.table.rows, self.table.row_numbers):
            v, failed, required_failed = self.parse_row(values, row)
            if required_failed:
                continue
            rec = getattr(self, f"_row_{self.kind.key}")(v, row)
            if rec is None:
                continue
            rec["row_number"] = row
            rec["is_demo"] = bool(self.force_demo or v.get("is_demo"))
            key = rec["row_key"]
            if key in seen:
                self.err(row, self._key_column(), self._key_value(rec), "duplicate_in_file",
                         key=self._key_value(rec), other=seen[key])
                continue
            seen[key] = row
            if self.kind.key == "cases" and rec.get("case_id") and rec["record_type"] == "aggregate":
                cid = rec["case_id"]
                if cid in seen_ids:
                    self.err(row, "case_id", cid, "duplicate_in_file", key=cid, other=seen_ids[cid])
                    continue
                seen_ids[cid] = row
            if self.kind.key == "cases" and rec.get("case_id") and rec["record_type"] == "case":
                seen_ids.setdefault(rec["case_id"], row)
            id_col = {"gates": "gate_id", "hotspots": "hotspot_id", "routes": "route_id"}.get(self.kind.key)
            if id_col and rec[id_col] in reserved:
                self.err(row, id_col, rec[id_col], "reserved_id", key=rec[id_col])
                continue
            if not failed:
                records.append(rec)
        if self.engine is not None and records and not self.report.errors:
            self._check_store(records)
        return records

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

    def _check_store(self, records: list[dict]) -> None:
        table = S.KIND_TABLES[self.kind.key]
        keys = [r["row_key"] for r in records]
        by_key = {r["row_key"]: r for r in records}
        found: list[tuple] = []
        with self.engine.connect() as conn:
            for i in range(0, len(keys), 500):
                chunk = keys[i:i + 500]
                stmt = (select(table.c.row_key, table.c.import_id, S.imports.c.file_name, S.imports.c.imported_at)
                        .join(S.imports, S.imports.c.id == table.c.import_id).where(table.c.row_key.in_(chunk)))
                found.extend(conn.execute(stmt).all())
            if self.kind.key == "cases":
                ids = sorted({r["case_id"] for r in records if r.get("case_id")})
                by_id: dict[str, dict] = {}
                for r in records:
                    if r.get("case_id"):
                        by_id.setdefault(r["case_id"], r)
                for i in range(0, len(ids), 500):
                    chunk = ids[i:i + 500]
                    stmt = (select(table.c.case_id, table.c.row_key, table.c.import_id, S.imports.c.file_name,
                                   S.imports.c.imported_at)
                            .join(S.imports, S.imports.c.id == table.c.import_id).where(table.c.case_id.in_(chunk)))
                    for cid, rk, imp, fname, when in conn.execute(stmt).all():
                        rec = by_id[cid]
                        if rk == rec["row_key"]:
                            continue  # reported below through row_key
                        self.err(rec["row_number"], "case_id", cid, "duplicate_in_store", key=cid, imp=imp, file=fname,
                                 when=_fmt_when(when))
        for key, imp, fname, when in found:
            rec = by_key[key]
            self.err(rec["row_number"], self._key_column(), self._key_value(rec), "duplicate_in_store",
                     key=self._key_value(rec), imp=imp, file=fname, when=_fmt_when(when))

    # -- kinds ------------------------------------------------------------------------------------
    def _when_of(self, v: dict, row: int) -> tuple[date, date] | None:
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

    def _row_cases(self, v: dict, row: int) -> dict | None:
        when = self._when_of(v, row)
        if when is None:
            return None
        if when[1] > self.today and when[0] != when[1]:
            self.err(row, "period", store.period_label(*when), "period_open", (), "warning",
                     value=store.period_label(*when), today=self.today.isoformat())
        rtype = v.get("record_type") or "case"
        ok = True
        if rtype == "case":
            if not v.get("case_id"):
                self.err(row, "case_id", None, "case_needs_id")
                ok = False
            if v.get("n_cases") not in (None, 1):
                self.err(row, "n_cases", v.get("n_cases"), "case_n_cases")
                ok = False
        else:
            if v.get("n_cases") is None:
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
        place = self.resolve_place(v, row, when, None, "province")
        if place is None or not ok:
            return None
        rec = place.columns(self.places.reg)
        start, end = when
        rec.update(store.period_parts(start, end))
        agg_key = "|".join(str(x or "") for x in (
            rec["place_era"], rec["province_code"], rec["district_code"], rec["commune_code"], start, end,
            v.get("form"), v.get("agency")))
        rec.update({
            "case_id": v.get("case_id"),
            "record_type": rtype,
            "row_key": ("case:" + v["case_id"]) if rtype == "case" else ("agg:" + agg_key),
            "date": v.get("date") if v.get("date") else (start if start == end else None),
            "period_label": store.period_label(start, end),
            "period_start": start,
            "period_end": end,
            "form": v.get("form"),
            "n_cases": 1 if rtype == "case" else v.get("n_cases"),
            **{k: v.get(k) for k in ("victims", "victims_children", "victims_women", "victims_rescued",
                                     "victims_supported", "suspects_arrested", "destination_country", "route",
                                     "border_gate", "agency", "source", "note")},
        })
        return rec

    def _row_prevention_models(self, v: dict, row: int) -> dict | None:
        start, end = v.get("start_date"), v.get("end_date")
        if start and end and end < start:
            self.err(row, "end_date", end.isoformat(), "end_before_start", end=end.isoformat(), start=start.isoformat())
            return None
        place = self.resolve_place(v, row, (start, start) if start else None, None, "commune")
        if place is None:
            return None
        rec = place.columns(self.places.reg)
        mid = v.get("model_id")
        natural = "|".join(str(x or "") for x in (rec["place_era"], rec["commune_code"], v["model_type"],
                                                   S.fold(v.get("name") or ""), start))
        rec.update({"model_id": mid, "row_key": "model:" + (mid if mid else natural),
                    **{k: v.get(k) for k in ("name", "model_type", "start_date", "end_date", "status", "source", "note")}})
        return rec

    def _row_key_areas(self, v: dict, row: int) -> dict | None:
        place = self.resolve_place(v, row, None, v["year"], "commune")
        if place is None:
            return None
        rec = place.columns(self.places.reg)
        rec.update({"year": v["year"], "row_key": f"ka:{v['year']}:{rec['place_era']}:{rec['commune_code']}",
                    "basis": v.get("basis"), "source": v.get("source"), "note": v.get("note")})
        return rec

    def _row_targets(self, v: dict, row: int) -> dict | None:
        value, unit = v["value"], v.get("unit")
        if value < 0:
            self.err(row, "value", value, "negative_value")
            return None
        if unit is None and v["indicator"] != "other":
            unit = "%"
        if unit and ("%" in unit or "percent" in unit.lower() or "phan tram" in S.fold(unit).replace("_", " ")) and value > 100:
            self.err(row, "value", value, "percent_over_100")
            return None
        place = self.resolve_place(v, row, None, v["year"], "province")
        if place is None:
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

    def _points(self, v: dict, row: int) -> dict | None:
        lat, lon, ctype = v.get("lat"), v.get("lon"), v.get("coord_type")
        if (lat is None) != (lon is None):
            self.err(row, "lat" if lat is None else "lon", None, "coords_incomplete")
            return None
        if lat is not None:
            if not (-90 <= lat <= 90):
                self.err(row, "lat", lat, "coord_range", what=("vĩ độ -90..90", "latitude -90..90"))
                return None
            if not (-180 <= lon <= 180):
                self.err(row, "lon", lon, "coord_range", what=("kinh độ -180..180", "longitude -180..180"))
                return None
            ctype = ctype or "exact"
            if ctype == "none":
                ctype = "exact"
        else:
            if ctype and ctype != "none":
                self.err(row, "coord_type", ctype, "coord_type_without_coords", value=ctype)
                return None
            ctype = "none"
        return {"lat": lat, "lon": lon, "coord_type": ctype, "caveat": v.get("caveat")}

    def _ref_place(self, v: dict, row: int) -> dict | None:
        place = self.resolve_place(v, row, None, None, None)
        if place is None:
            return None
        return place.columns(self.places.reg) if self.places else _Place(None, None, None).columns(None)

    def _row_gates(self, v: dict, row: int) -> dict | None:
        pts = self._points(v, row)
        cols = self._ref_place(v, row)
        if pts is None or cols is None:
            return None
        cols.update(pts)
        cols.update({k: v.get(k) for k in ("gate_id", "name_vi", "name_en", "gate_type", "mode", "counterpart_country",
                                           "source", "note")})
        cols["row_key"] = "gate:" + v["gate_id"]
        return cols

    def _row_hotspots(self, v: dict, row: int) -> dict | None:
        pts = self._points(v, row)
        cols = self._ref_place(v, row)
        if pts is None or cols is None:
            return None
        cols.update(pts)
        cols.update({k: v.get(k) for k in ("hotspot_id", "name", "category", "purpose", "country", "village", "period",
                                           "description", "source")})
        cols["row_key"] = "hotspot:" + v["hotspot_id"]
        return cols

    def _row_routes(self, v: dict, row: int) -> dict | None:
        pts = self._points(v, row)
        cols = self._ref_place(v, row)
        if pts is None or cols is None:
            return None
        cols.update(pts)
        cols.update({k: v.get(k) for k in ("route_id", "route_name", "purpose", "seq", "waypoint_name", "country",
                                           "source", "note")})
        cols["row_key"] = f"route:{v['route_id']}:{v['seq']}"
        return cols


def _fmt_when(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    return str(value)


# --------------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------------
def _name_of(path_or_bytes, filename: str | None) -> str:
    if filename:
        return str(filename)
    if isinstance(path_or_bytes, (str, Path)):
        return Path(path_or_bytes).name
    return str(getattr(path_or_bytes, "name", None) or "upload")


def _checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def validate_file(path_or_bytes, filename: str | None = None, kind: str | None = None, engine: Engine | None = None,
                  reg=None, today: date | None = None, demo: bool = False, check_store: bool = True,
                  scope: tuple[str, ...] | None = None) -> ImportReport:
    """Read and check a file without writing anything.

    ``path_or_bytes``: a path, raw bytes or a file-like object (e.g. a Streamlit upload); ``filename``
    names it in messages and decides CSV vs Excel. ``kind``: one of :data:`geo.data.schema.IMPORT_KINDS`
    (None: detected from the headers). Duplicates against the store (``engine`` or the default one) are
    checked unless ``check_store`` is false. ``demo`` marks every row as demonstration data. ``scope``:
    the pre-2025 province codes the importing user may write (None or empty: the whole country); a row
    outside it is an error naming its row and province column (see :func:`_check_scope`).
    """
    name = _name_of(path_or_bytes, filename)
    report = ImportReport(file_name=str(name), kind=kind)
    try:
        data, name = _load_bytes(path_or_bytes, filename)
        report.file_name = name
        report.size_bytes = len(data)
        report.checksum = _checksum(data)
        table = _read_table(data, name)
    except _FileProblem as problem:
        report.add(problem.issue)
        return report
    if kind is not None and kind not in S.IMPORT_KINDS:
        report.add(_issue(name, None, None, kind, "bad_kind", kind=kind, kinds=", ".join(S.IMPORT_KINDS)))
        return report
    kind = kind or detect_kind(table.headers)
    if kind is None:
        report.add(_issue(name, 1, None, None, "unknown_kind"))
        return report
    report.kind = kind
    if engine is None and check_store:
        engine = store.get_engine()
    validator = _Validator(name, S.IMPORT_KINDS[kind], table, report, engine if check_store else None, reg=reg,
                           today=today, force_demo=demo)
    if not validator.check_structure():
        return report
    records = validator.run()
    if scope:
        _check_scope(validator, records, tuple(scope))
    report.n_rows = len(table.rows)
    report.n_demo_rows = sum(1 for r in records if r.get("is_demo"))
    if not report.errors:
        report._records = records
        report.status = "valid"
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


def _check_scope(validator: "_Validator", records: list[dict], scope: tuple[str, ...]) -> None:
    new_codes = scope_2025(scope)
    names = _province_names(scope)
    for rec in records:
        inside = row_in_scope(rec.get("prov_code_pre2025"), rec.get("prov_code_2025"), scope, new_codes)
        if inside is None and validator.report.kind in _REFERENCE_KINDS:
            continue
        if not inside:
            value = rec.get("province_name") or rec.get("place_text") or rec.get("prov_code_pre2025") or ""
            validator.err(rec.get("row_number"), "province", value, "out_of_scope", scope=names)


def _province_names(scope: tuple[str, ...]) -> str:
    from geo.admin.cache import load_layer

    provinces = load_layer("provinces_pre2025", "national").set_index("code")["prov_name_vi"]
    return ", ".join(str(provinces.get(c, c)) for c in scope)


def _write(conn, report: ImportReport, user: str | None, origin: str, is_demo: bool) -> int:
    table = S.KIND_TABLES[report.kind]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    import_id = conn.execute(S.imports.insert().values(
        kind=report.kind, file_name=report.file_name, checksum=report.checksum, n_rows=len(report._records),
        user=user, imported_at=now, status="active", is_demo=is_demo, origin=origin,
        schema_version=S.SCHEMA_VERSION)).inserted_primary_key[0]
    names = [c.name for c in table.columns if c.name != "id"]
    rows = []
    for rec in report._records:
        row = {n: rec.get(n) for n in names}
        row["import_id"] = import_id
        rows.append(row)
    if table is S.cases:  # the record key of the cell-key method, set once here and kept (geo.stats.cellkey)
        for row, key in zip(rows, store.record_keys(conn, [row["row_key"] for row in rows])):
            row["ckey"] = key
    for i in range(0, len(rows), _CHUNK * 10):
        conn.execute(table.insert(), rows[i:i + _CHUNK * 10])
    if table is S.cases:
        conn.execute(store.rollup_insert([import_id]))
    return int(import_id)


def import_file(path_or_bytes, filename: str | None = None, kind: str | None = None, dry_run: bool = False,
                user: str | None = None, engine: Engine | None = None, origin: str = "api", reg=None,
                today: date | None = None, demo: bool = False, scope: tuple[str, ...] | None = None,
                address: str | None = None) -> ImportReport:
    """Validate and import one file, all or nothing.

    Nothing is written when there is any error, when ``dry_run`` is true, or when the same file (same
    SHA-256) is already imported and not undone (``status`` = ``already_imported``). Otherwise the rows
    and the import record are written in one transaction (``status`` = ``imported``, ``import_id`` set).
    ``user`` is recorded in the import log when known. ``scope``: see :func:`validate_file`. Every
    import and every refused file is written to the audit trail (who, what, from ``address``).
    """
    engine = engine or store.get_engine()
    report = _import_file(path_or_bytes, filename, kind, dry_run, user, engine, origin, reg, today, demo, scope)
    if not dry_run and origin != "demo":
        audit_import(report, user, address, engine)
    return report


def audit_import(report: ImportReport, user, address, engine=None) -> None:
    """Write one import (or a refused file) to the audit trail."""
    from geo.auth import audit

    if report.status == "imported":
        audit.record("import", user, f"#{report.import_id} {report.kind}: {report.file_name} ({report.n_rows} rows)",
                     address, engine=engine)
    elif report.errors:
        first = report.errors[0]
        where = f"row {first.row}, column {first.column}" if first.row else "file"
        audit.record("import_rejected", user, f"{report.file_name}: {len(report.errors)} errors; first: {where}: "
                     f"{first.code}", address, outcome="refused", engine=engine)


def _import_file(path_or_bytes, filename, kind, dry_run, user, engine, origin, reg, today, demo, scope) -> ImportReport:
    try:
        data, name = _load_bytes(path_or_bytes, filename)
    except _FileProblem as problem:
        report = ImportReport(file_name=_name_of(path_or_bytes, filename), kind=kind, dry_run=dry_run)
        report.add(problem.issue)
        return report
    checksum = _checksum(data)
    try:
        with store.write_transaction(engine) as conn:  # an undo or import under way finishes first: no stale answer
            prior = conn.execute(
                select(S.imports.c.id, S.imports.c.imported_at, S.imports.c.kind, S.imports.c.n_rows)
                .where(S.imports.c.checksum == checksum, S.imports.c.status == "active").order_by(S.imports.c.id)
            ).first()
    except store.StoreBusy:
        report = ImportReport(file_name=name, kind=kind, checksum=checksum, size_bytes=len(data), dry_run=dry_run)
        report.add(_issue(name, None, None, None, "store_busy"))
        return report
    if prior is not None:
        report = ImportReport(file_name=name, kind=prior.kind, checksum=checksum, size_bytes=len(data),
                              n_rows=int(prior.n_rows), status="already_imported", already_import_id=int(prior.id),
                              dry_run=dry_run)
        report.warnings.append(_issue(name, None, None, None, "already_imported", (), "warning",
                                      imp=prior.id, when=_fmt_when(prior.imported_at)))
        return report
    report = validate_file(data, name, kind, engine=engine, reg=reg, today=today, demo=demo, scope=scope)
    report.dry_run = dry_run
    if report.errors or dry_run:
        return report
    try:
        # under the store's write lock: the "already imported?" check and the write see the same data,
        # so an import racing an undo (or the same file imported twice at once) never misreports
        with store.write_transaction(engine) as conn:
            prior = conn.execute(
                select(S.imports.c.id, S.imports.c.imported_at)
                .where(S.imports.c.checksum == checksum, S.imports.c.status == "active").order_by(S.imports.c.id)
            ).first()
            if prior is not None:
                report.status = "already_imported"
                report.already_import_id = int(prior.id)
                report.warnings.append(_issue(name, None, None, None, "already_imported", (), "warning",
                                              imp=prior.id, when=_fmt_when(prior.imported_at)))
                report._records = []
                return report
            all_demo = bool(report._records) and report.n_demo_rows == len(report._records)
            report.import_id = _write(conn, report, user, origin, demo or all_demo)
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
    report.status = "imported"
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

    def message(self, lang: str = "vi") -> str:
        return self.message_en if lang == "en" else self.message_vi


def undo_import(import_id: int, user: str | None = None, engine: Engine | None = None,
                scope: tuple[str, ...] | None = None, address: str | None = None) -> UndoResult:
    """Remove every row written by one import (one transaction) and mark the import as undone.
    ``scope`` (pre-2025 province codes): refused when any row of the import lies outside it. Written to
    the audit trail."""
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
        removed = 0
        conn.execute(delete(S.case_rollup).where(S.case_rollup.c.import_id == import_id))
        for table in S.DATA_TABLES:
            removed += conn.execute(delete(table).where(table.c.import_id == import_id)).rowcount or 0
        conn.execute(update(S.imports).where(S.imports.c.id == import_id).values(
            status="undone", undone_at=datetime.now(timezone.utc).replace(tzinfo=None), undone_by=user))
    return UndoResult(True, import_id, removed,
                      f"Đã hoàn tác lần nhập #{import_id} ({rec['file_name']}): xóa {removed} dòng.",
                      f"Import #{import_id} ({rec['file_name']}) undone: {removed} rows removed.")


# --------------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------------
def _default_user() -> str | None:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name available
        return None


def main_import(argv: list[str] | None = None) -> int:
    """``python -m geo import FILE [FILE ...] [--kind KIND] [--dry-run] [--user NAME] [--lang vi|en]``.

    Exit code 0 when every file was imported (or was already imported / valid in a dry run), 1 when a
    file had errors (nothing from that file was written), 2 on bad usage.
    """
    parser = argparse.ArgumentParser(prog="python -m geo import",
                                     description="Validate and import CSV/XLSX files (all or nothing per file).")
    parser.add_argument("files", nargs="+", help="CSV (UTF-8) or XLSX files")
    parser.add_argument("--kind", choices=sorted(S.IMPORT_KINDS), help="table (default: detected from the headers)")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    parser.add_argument("--user", default=None, help="who imports (default: the login name)")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--errors-csv", default=None, help="also write the error list to this CSV file")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    status = 0
    all_errors = []
    for file in args.files:
        if not Path(file).exists():
            print(f"{file}: " + ("file not found" if args.lang == "en" else "không tìm thấy tệp"))
            status = 1
            continue
        report = import_file(file, kind=args.kind, dry_run=args.dry_run, user=args.user or _default_user(), origin="cli")
        print(report.to_text(args.lang))
        if report.errors:
            status = 1
            all_errors.append(report.errors_frame(args.lang))
    if args.errors_csv and all_errors:
        Path(args.errors_csv).write_bytes(store.export_csv_bytes(pd.concat(all_errors, ignore_index=True), demo=False))
    return status


def main_imports(argv: list[str] | None = None) -> int:
    """``python -m geo imports [--undo ID] [--all] [--template KIND [--lang en] [--xlsx] [--out FILE]]``."""
    parser = argparse.ArgumentParser(prog="python -m geo imports",
                                     description="List recorded imports, undo one, or write an import template.")
    parser.add_argument("--undo", type=int, default=None, metavar="ID", help="undo the import with this number")
    parser.add_argument("--user", default=None)
    parser.add_argument("--lang", choices=("vi", "en"), default="vi")
    parser.add_argument("--active", action="store_true", help="list only imports that are not undone")
    parser.add_argument("--template", choices=sorted(S.IMPORT_KINDS), default=None, help="write an empty template")
    parser.add_argument("--xlsx", action="store_true", help="template as .xlsx (default .csv)")
    parser.add_argument("--out", default=None, help="template output path (default: template file name)")
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
