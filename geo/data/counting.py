"""One count per victim: the counting rule of the case store, the overlaps it finds, and keeping both up to date.

The rule (documented for data officers in ``data/SCHEMA.md`` § "Quy tắc đếm / Counting rule"):

1. **Case rows are the primary source.** A case reported more than once — the same reference number (case ID
   compared by :func:`geo.data.cells.normalise_id`), or by two agencies with the same date, compatible places
   (one contains the other), the same number of victims and no contradicting form, children or women — is
   one case. It is counted once, on its *counted report* (the one with the finest place, then the first
   stored, then the first in the file); the other reports add nothing (``count_status = duplicate``,
   ``dup_of`` names the counted report) and every reporting agency is kept in ``sources``. Near-duplicate IDs
   (``RV-1`` / ``RV-l``) are flagged, not merged, until an officer decides.
2. **Aggregates are not added on top of what they contain.** An aggregate row counts only the part of each
   of its figures that the case rows and smaller aggregates *of the same agency* inside its place, period
   and form (an aggregate without a form contains every form) do not already count:
   ``counted = max(0, aggregate − contained)``, column by column (``residual``; ``covered`` when nothing is
   left). So a province's 2023-H1 total over its 2023-Q1 total and its single cases adds only the victims
   not reported otherwise, and totals equal the largest report of each agency. Aggregates whose places and
   periods overlap without one containing the other (``partial_overlap``), aggregates smaller than their
   parts (``aggregate_below_parts``) and overlapping aggregates of different agencies (``agencies_overlap``,
   both counted: they may include the same victims) are listed for the officer.

Rows only meet rows of the same 2025 province and the same demo flag (demonstration data never changes the
count of real data). What a row adds to every total is stored beside it (``k_<count>``), so the store's
queries (:func:`geo.data.store.aggregate_cases`, the ``case_rollup`` summary) sum those and agree.
:func:`recount` refreshes a province after an import, an undo or a decision, in the same transaction.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import and_, delete, func, or_, select, update

from geo.data import schema as S

COUNTS = S.COUNTED
K = S.K_COLUMNS
LEVEL = {"province": 0, "district": 1, "commune": 2}
#: overlap kinds, whether they need an officer's look (open) or only say what the rule did (info)
KINDS = {
    "same_reference": "info",  # the same reference number from two agencies: one case
    "same_reference_same_agency": "open",  # the same reference number written twice by one agency
    "probable_same_case": "open",  # two agencies, same date, place, victims: counted once until decided
    "near_duplicate_id": "open",  # look-alike IDs (RV-1 / RV-l): counted twice until decided
    "aggregate_with_cases": "info",  # an aggregate over case rows of its agency: only the rest is added
    "nested_aggregates": "info",  # an aggregate inside another of the same agency (2023-Q1 in 2023-H1)
    "aggregate_below_parts": "open",  # an aggregate smaller than the rows inside it
    "partial_overlap": "open",  # two aggregates of an agency overlap without one containing the other
    "agencies_overlap": "open",  # aggregates of two agencies for overlapping places and periods
}
#: decisions an officer can take, by kind
DECISIONS = {
    "same_reference": ("different",),
    "same_reference_same_agency": ("different", "accepted"),
    "probable_same_case": ("same", "different"),
    "near_duplicate_id": ("same", "different"),
    "aggregate_below_parts": ("accepted",),
    "partial_overlap": ("accepted",),
    "agencies_overlap": ("accepted",),
    "aggregate_with_cases": ("accepted",),
    "nested_aggregates": ("accepted",),
}
#: columns :func:`compute` reads
FRAME_COLUMNS = ("id", "import_id", "row_key", "record_type", "agency", "form", "place_era", "place_level",
                 "province_code", "district_code5", "commune_code", "commune_code_2025", "prov_code_2025",
                 "prov_code_pre2025", "is_demo", "period_start", "period_end", "case_id", "id_key", "id_skel",
                 *COUNTS)
RESULT_COLUMNS = (*K, "count_status", "dup_of", "sources")
MAX_PAIRS = 200_000  # per group and kind: a safety cap on the pairwise checks


def pair_key(key_a: str, key_b: str | None) -> tuple[str, str]:
    """The order-free key of a pair of rows (or of one row: ``key_b`` None) for decisions."""
    if key_b is None:
        return (key_a, "")
    return (key_a, key_b) if key_a <= key_b else (key_b, key_a)


@dataclass
class Counted:
    """What :func:`compute` found: ``values`` (index of the input: ``k_<count>``, ``count_status``,
    ``dup_of``, ``sources``) and the ``overlaps`` (dicts: kind, key_a, key_b, import_a, import_b, province
    codes, is_demo, detail, status, decision)."""

    values: pd.DataFrame
    overlaps: list[dict] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------
# The rule
# --------------------------------------------------------------------------------------------------
def compute(frame: pd.DataFrame, decisions: dict | None = None, firsts: dict | None = None) -> Counted:
    """Apply the counting rule to ``frame`` (columns :data:`FRAME_COLUMNS`; ``id`` positive for stored rows,
    negative for rows of a file not yet stored: ``-row number``). ``decisions``: :func:`pair_key` → decision.

    Most rows of a big province meet no other row: a case whose ID, ID skeleton, and (date, victims) are its
    own and that lies inside no aggregate of its agency counts as reported. Those rows are found with a few
    vectorised checks and get their values at once; the rule runs row by row on the others only.

    Groups ((2025 province, demo flag) pairs) never meet: the overlaps are listed group by group, in the order
    of each group's first row that may meet another. ``firsts`` (a dict): filled with that position in
    ``frame`` of each such group (``(province or "", demo)`` → position)."""
    df = frame.reset_index(drop=True)
    n = len(df)
    out = _as_reported(df)
    overlaps: list[dict] = []
    if n:
        sub = np.flatnonzero(_may_meet(df))
        if firsts is not None and len(sub):
            provs = df["prov_code_2025"].to_numpy(dtype=object)[sub].tolist()
            demos = df["is_demo"].to_numpy(dtype=object)[sub].tolist()
            for p, d, pos in zip(provs, demos, sub.tolist()):  # (the group keys of _compute_rows)
                firsts.setdefault((p if isinstance(p, str) else "", False if d is None or d != d else bool(d)), pos)
        if len(sub):
            detailed = _compute_rows(df.iloc[sub].reset_index(drop=True), decisions or {})
            for c in RESULT_COLUMNS:
                column = out[c].to_numpy(dtype=object).copy()
                column[sub] = detailed.values[c].to_numpy(dtype=object)
                out[c] = pd.array(column, dtype="Int64") if c.startswith("k_") else column
            overlaps = detailed.overlaps
    out.index = frame.index
    return Counted(out, overlaps)


def _as_reported(df: pd.DataFrame) -> pd.DataFrame:
    """Every row counted as reported (a case counts 1): what a row that meets no other row adds."""
    out = pd.DataFrame(index=df.index)
    is_case = (df["record_type"] == "case").to_numpy() if len(df) else np.array([], dtype=bool)
    for k, c in zip(K, COUNTS):
        values = pd.to_numeric(df[c], errors="coerce").astype("Int64") if len(df) else pd.array([], dtype="Int64")
        if c == "n_cases":
            values = values.where(~is_case, 1)
        out[k] = values
    out["count_status"] = np.array(["counted"] * len(df), dtype=object)
    out["dup_of"] = np.array([None] * len(df), dtype=object)
    out["sources"] = df["agency"].astype(object).where(df["agency"].notna(), None).to_numpy(dtype=object)
    return out


def _codes(*columns) -> np.ndarray:
    """One integer per row for the combination of ``columns`` (missing values are a value of their own)."""
    key = np.zeros(len(columns[0]), dtype=np.int64)
    for col in columns:
        codes, uniques = pd.factorize(np.asarray(col, dtype=object), use_na_sentinel=False)
        key = key * (len(uniques) + 1) + codes
        if len(uniques) and key.max() > 2 ** 40:  # keep the combined key small: number it again
            key = pd.factorize(key)[0].astype(np.int64)
    return key


def _repeated(key: np.ndarray) -> np.ndarray:
    """Whether each row's key occurs more than once."""
    if not len(key):
        return np.zeros(0, dtype=bool)
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    return counts[inverse] > 1


def _may_meet(df: pd.DataFrame) -> np.ndarray:
    """Rows the rule must look at one by one: aggregates, and case rows that share their normalised ID, ID
    skeleton, or date and number of victims (two agencies, places that may be one) with another row of their
    group, or lie within the period of an aggregate of their group, place era, province and agency.
    Integer keys only (a province of 100,000 rows costs a few arrays of integers)."""
    prov = df["prov_code_2025"].fillna("").to_numpy(dtype=object)
    demo = df["is_demo"].fillna(False).astype(bool).to_numpy()
    group = _codes(prov, demo)
    is_case = (df["record_type"] == "case").to_numpy()
    meet = ~is_case
    for col in ("id_key", "id_skel"):
        has = is_case & df[col].notna().to_numpy()
        if has.sum() > 1:
            rows = np.flatnonzero(has)
            meet[rows[_repeated(_codes(group[has], df[col].to_numpy(dtype=object)[has]))]] = True
    # two agencies, the same date and victims, places that may be one (the same 2025 commune, or one unknown)
    has = is_case & (df["agency"].notna() & df["victims"].notna()).to_numpy()
    if has.sum() > 1:
        rows = np.flatnonzero(has)
        bucket = _codes(group[has], df["period_start"].to_numpy(dtype=object)[has], df["victims"].to_numpy(dtype=object)[has])
        dup = _repeated(bucket)
        if dup.any():
            rows, bucket = rows[dup], bucket[dup]
            agency = pd.factorize(df["agency"].to_numpy(dtype=object)[rows])[0]
            commune = df["commune_code_2025"].to_numpy(dtype=object)[rows]
            no_commune = pd.isna(commune) | (commune == "")
            frame = pd.DataFrame({"b": bucket, "a": agency, "n": no_commune})
            by = frame.groupby("b", sort=False)
            two_agencies = (by["a"].transform("nunique") > 1).to_numpy()
            any_unknown = by["n"].transform("max").to_numpy(dtype=bool)
            same_commune = _repeated(_codes(bucket, np.where(no_commune, "", commune)))
            meet[rows[two_agencies & (same_commune | any_unknown)]] = True
    if meet.all() or not (~is_case).any():
        return meet
    bucket = pd.DataFrame({"g": group, "era": df["place_era"].fillna("").to_numpy(dtype=object),
                           "pc": df["province_code"].fillna("").to_numpy(dtype=object),
                           "ag": df["agency"].fillna("").to_numpy(dtype=object),
                           "s": pd.to_datetime(df["period_start"]).to_numpy(),
                           "e": pd.to_datetime(df["period_end"]).to_numpy()})
    keys = ["g", "era", "pc", "ag"]
    spans = bucket[~is_case].groupby(keys, sort=False).agg(s=("s", "min"), e=("e", "max")).reset_index()
    cases = bucket[is_case].assign(pos=np.flatnonzero(is_case))
    joined = cases.merge(spans, on=keys, suffixes=("", "_agg"))
    inside = joined[(joined["s"] >= joined["s_agg"]) & (joined["e"] <= joined["e_agg"])]["pos"].to_numpy()
    meet[inside] = True
    return meet


def _compute_rows(df: pd.DataFrame, decisions: dict) -> Counted:
    """The rule, row by row (``df``: the rows that may meet another row)."""
    n = len(df)
    R = {c: _objects(df[c]) if c in df.columns else np.array([None] * n, dtype=object) for c in FRAME_COLUMNS}
    R["is_demo"] = np.array([bool(v) for v in R["is_demo"]], dtype=object)
    kv = {k: np.array([None if v is None else int(v) for v in R[c]], dtype=object) for k, c in zip(K, COUNTS)}
    is_case = R["record_type"] == "case"
    kv["k_n_cases"][is_case] = 1
    status = np.array(["counted"] * n, dtype=object)
    dup_of = np.array([None] * n, dtype=object)
    sources = R["agency"].copy()
    overlaps: list[dict] = []
    if n:
        prov = np.array([p or "" for p in R["prov_code_2025"]], dtype=object)
        keys = pd.Series(list(zip(prov, R["is_demo"])))
        for _, idx in keys.groupby(keys, sort=False).indices.items():
            _group(R, np.asarray(idx), kv, status, dup_of, sources, overlaps, decisions)
    out = pd.DataFrame({k: pd.array(list(kv[k]), dtype="Int64") for k in K}, index=df.index)
    out["count_status"] = status
    out["dup_of"] = dup_of
    out["sources"] = sources
    return Counted(out, overlaps)


def _objects(series: pd.Series) -> np.ndarray:
    """Column values as Python objects, missing values as None (dates stay dates, whole numbers become int)."""
    missing = pd.isna(series).to_numpy()
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        out = np.array(series.dt.date.to_numpy(dtype=object), dtype=object)
    elif pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        out = np.empty(len(values), dtype=object)
        out[:] = [int(v) if v == v else None for v in values.tolist()]
        return out
    else:
        out = series.to_numpy(dtype=object).copy()
        if out.size and any(isinstance(v, (np.integer, np.floating, pd.Timestamp)) for v in out[:50]):
            out = np.array([int(v) if isinstance(v, (np.integer,)) else (v.date() if isinstance(v, pd.Timestamp) else v)
                            for v in out], dtype=object)
    out[missing] = None
    return out


def _group(R, idx, kv, status, dup_of, sources, overlaps, decisions) -> None:
    rtype = R["record_type"][idx]
    cases = idx[rtype == "case"]
    aggs = idx[rtype == "aggregate"]
    comp: dict[int, int] = {}  # union-find over the case rows that are linked (the others are their own case)
    if len(cases) > 1:
        _link_cases(R, cases, comp, kv, status, dup_of, sources, overlaps, decisions)
    if len(aggs):
        _aggregates(R, aggs, cases, comp, kv, status, overlaps, decisions)


def _find(comp: dict, i: int) -> int:
    parent = comp.get(i, i)
    while parent != i:
        grand = comp.get(parent, parent)
        comp[i] = grand
        i, parent = parent, comp.get(parent, parent)
    return i


def _overlap(R, kind: str, a: int, b: int | None, decisions, detail: dict | None = None) -> dict:
    key_a = R["row_key"][a]
    key_b = R["row_key"][b] if b is not None else None
    decision = decisions.get(pair_key(key_a, key_b))
    status = "decided" if decision else KINDS[kind]
    return {"kind": kind, "key_a": key_a, "key_b": key_b, "import_a": R["import_id"][a],
            "import_b": R["import_id"][b] if b is not None else None,
            "prov_code_2025": R["prov_code_2025"][a], "prov_code_pre2025": R["prov_code_pre2025"][a],
            "is_demo": bool(R["is_demo"][a]), "detail": detail or {}, "status": status, "decision": decision,
            "id_a": R["id"][a], "id_b": R["id"][b] if b is not None else None}


def _places_compatible(R, a: int, b: int) -> bool:
    """Two places could be the same place: one contains the other (same 2025 province already)."""
    if R["place_era"][a] == R["place_era"][b]:
        if R["province_code"][a] != R["province_code"][b]:
            return False
        for col in ("district_code5", "commune_code"):
            x, y = R[col][a], R[col][b]
            if x and y and x != y:
                return False
        return True
    x, y = R["commune_code_2025"][a], R["commune_code_2025"][b]
    return not (x and y and x != y)


def _buckets(values, rows: np.ndarray) -> list[np.ndarray]:
    """Groups (of 2 or more) of ``rows`` sharing a non-empty value (values seen once are dropped first, so
    a large province costs one hash of its rows, not a group per row)."""
    values = pd.Series(values, dtype=object)
    keep = (values.notna() & values.duplicated(keep=False)).to_numpy()
    if not keep.any():
        return []
    out: dict = {}
    for r, v in zip(np.asarray(rows)[keep], values[keep]):
        out.setdefault(v, []).append(int(r))
    return [np.array(g) for g in out.values() if len(g) > 1]


def _link_cases(R, cases, comp, kv, status, dup_of, sources, overlaps, decisions) -> None:
    agency = R["agency"]
    links: list[tuple[int, int, str]] = []
    agencies_of: dict[int, set] = {}

    def agencies(root: int) -> set:
        if root not in agencies_of:
            agencies_of[root] = {agency[root]} if agency[root] else set()
        return agencies_of[root]

    def union(i, j, check_agencies: bool) -> None:
        ri, rj = _find(comp, i), _find(comp, j)
        if ri == rj:
            return
        if check_agencies and agencies(ri) & agencies(rj):
            return  # an agency does not report one case twice under different IDs
        comp[rj] = ri
        agencies(ri).update(agencies(rj))

    # (a) the same reference number
    for members in _buckets(R["id_key"][cases], cases):
        first = int(members[0])
        for other in members[1:]:
            other = int(other)
            same_agency = not (agency[first] and agency[other] and agency[first] != agency[other])
            kind = "same_reference_same_agency" if same_agency else "same_reference"
            ov = _overlap(R, kind, first, other, decisions, {"id_a": R["case_id"][first], "id_b": R["case_id"][other]})
            overlaps.append(ov)
            if ov["decision"] != "different":
                links.append((first, other, kind))
    # (b) two agencies, same date, compatible places, same victims
    ok = np.array([bool(agency[i]) and R["victims"][i] is not None for i in cases], dtype=bool)
    cand = cases[ok]
    if len(cand) > 1:
        n_pairs = 0
        keys = pd.Series(R["period_start"][cand]).astype(str) + "|" + pd.Series(R["victims"][cand]).astype(str)
        for rows in _buckets(keys.to_numpy(dtype=object), cand):
            if len({agency[r] for r in rows}) < 2:
                continue
            for x in range(len(rows)):
                for y in range(x + 1, len(rows)):
                    a, b = int(rows[x]), int(rows[y])
                    if agency[a] == agency[b]:
                        continue
                    if R["id_key"][a] and R["id_key"][a] == R["id_key"][b]:
                        continue  # (a) already
                    if not _places_compatible(R, a, b):
                        continue
                    if R["form"][a] and R["form"][b] and R["form"][a] != R["form"][b]:
                        continue
                    if any(R[c][a] is not None and R[c][b] is not None and R[c][a] != R[c][b]
                           for c in ("victims_children", "victims_women")):
                        continue
                    n_pairs += 1
                    if n_pairs > MAX_PAIRS:
                        break
                    ov = _overlap(R, "probable_same_case", a, b, decisions,
                                  {"id_a": R["case_id"][a], "id_b": R["case_id"][b]})
                    overlaps.append(ov)
                    if ov["decision"] != "different":
                        links.append((a, b, "probable_same_case"))
    # (c) look-alike IDs: flagged; merged only when an officer says they are the same case
    for members in _buckets(R["id_skel"][cases], cases):
        by_key: dict = {}
        for m in members:
            by_key.setdefault(R["id_key"][m], int(m))
        reps = list(by_key.values())
        for x in range(len(reps)):
            for y in range(x + 1, len(reps)):
                a, b = reps[x], reps[y]
                ov = _overlap(R, "near_duplicate_id", a, b, decisions, {"id_a": R["case_id"][a], "id_b": R["case_id"][b]})
                overlaps.append(ov)
                if ov["decision"] == "same":
                    links.append((a, b, "near_duplicate_id"))
    if not links:
        return
    # merge: reference numbers and decisions first, then the probable matches
    order = {"same_reference": 0, "same_reference_same_agency": 0, "near_duplicate_id": 1, "probable_same_case": 2}
    for i, j, kind in sorted(links, key=lambda t: order[t[2]]):
        union(i, j, check_agencies=(kind == "probable_same_case"))
    members: dict[int, list[int]] = {}
    for i, j, _ in links:
        for r in (i, j):
            root = _find(comp, r)
            if r not in members.setdefault(root, []):
                members[root].append(r)
    for group in members.values():
        if len(group) < 2:
            continue
        primary = min(group, key=lambda r: (-LEVEL.get(R["place_level"][r], 0), 0 if R["id"][r] > 0 else 1,
                                            abs(int(R["id"][r]))))
        others = sorted((r for r in group if r != primary), key=lambda r: (0 if R["id"][r] > 0 else 1, abs(int(R["id"][r]))))
        for k, c in zip(K, COUNTS):
            if c != "n_cases" and kv[k][primary] is None:
                for r in others:
                    if R[c][r] is not None:
                        kv[k][primary] = int(R[c][r])
                        break
        for r in others:
            for k in K:
                kv[k][r] = 0
            status[r] = "duplicate"
            dup_of[r] = R["row_key"][primary]
        reported_by = ",".join(sorted({agency[r] for r in group if agency[r]})) or None
        for r in group:
            sources[r] = reported_by


def _aggregates(R, aggs, cases, comp, kv, status, overlaps, decisions) -> None:
    def col(name, rows):
        return np.array([v if v is not None else "" for v in R[name][rows]], dtype=object)

    era_a, prov_a, agency_a = col("place_era", aggs), col("province_code", aggs), col("agency", aggs)
    start_a = np.array([np.datetime64(v, "D") for v in R["period_start"][aggs]])
    end_a = np.array([np.datetime64(v, "D") for v in R["period_end"][aggs]])
    level_a = np.array([LEVEL.get(v, 0) for v in R["place_level"][aggs]], dtype=int)
    dist_a, com_a, form_a = col("district_code5", aggs), col("commune_code", aggs), col("form", aggs)
    buckets: dict = {}
    if len(cases):
        cb = {"era": col("place_era", cases), "prov": col("province_code", cases), "agency": col("agency", cases)}
        bkey = pd.Series(list(zip(cb["era"], cb["prov"], cb["agency"])))
        c_start = np.array([np.datetime64(v, "D") for v in R["period_start"][cases]])
        c_end = np.array([np.datetime64(v, "D") for v in R["period_end"][cases]])
        c_dist, c_com, c_form = col("district_code5", cases), col("commune_code", cases), col("form", cases)
        c_comp = np.array([_find(comp, int(i)) for i in cases])
        c_vals = {c: np.array([np.nan if v is None else float(v) for v in R[c][cases]]) for c in COUNTS}
        c_vals["n_cases"] = np.ones(len(cases))
        for key, pos in bkey.groupby(bkey, sort=False).indices.items():
            pos = np.asarray(pos)
            pos = pos[np.argsort(c_start[pos], kind="stable")]
            buckets[key] = {"start": c_start[pos], "end": c_end[pos], "dist": c_dist[pos], "com": c_com[pos],
                            "form": c_form[pos], "comp": c_comp[pos], "row": cases[pos],
                            **{"v_" + c: c_vals[c][pos] for c in COUNTS}}
    bucket_of_a = list(zip(era_a, prov_a, agency_a))
    # finest aggregates first: shortest period, finest place, a form before "all forms"
    span = (end_a - start_a).astype(int)
    order = sorted(range(len(aggs)), key=lambda p: (span[p], -level_a[p], form_a[p] == "", int(aggs[p])))
    done: dict[tuple, list[int]] = {}
    for p in order:
        i = int(aggs[p])
        bucket = bucket_of_a[p]
        contained = {c: 0.0 for c in COUNTS}
        n_case_rows = 0
        inside_rows: list = []
        b = buckets.get(bucket)
        if b is not None:
            lo = np.searchsorted(b["start"], start_a[p], side="left")
            hi = np.searchsorted(b["start"], end_a[p], side="right")
            if hi > lo:
                m = b["end"][lo:hi] <= end_a[p]
                if level_a[p] >= 1 and dist_a[p]:
                    m &= b["dist"][lo:hi] == dist_a[p]
                if level_a[p] >= 2:
                    m &= b["com"][lo:hi] == com_a[p]
                if form_a[p]:
                    m &= b["form"][lo:hi] == form_a[p]
                if m.any():
                    _, first = np.unique(b["comp"][lo:hi][m], return_index=True)  # one report per case
                    n_case_rows = len(first)
                    inside_rows = list(b["row"][lo:hi][m])
                    for c in COUNTS:
                        contained[c] += float(np.nansum(b["v_" + c][lo:hi][m][first]))
        inner = []
        for q in done.get(bucket, []):
            if _agg_contains(p, q, start_a, end_a, level_a, dist_a, com_a, form_a, strict=True):
                inner.append(q)
                j = int(aggs[q])
                for k, c in zip(K, COUNTS):
                    contained[c] += float(kv[k][j] or 0)
        clamped = []
        for k, c in zip(K, COUNTS):
            rv = R[c][i]
            if rv is None:
                kv[k][i] = None
                continue
            rest = int(rv) - int(round(contained[c]))
            if rest < 0:
                clamped.append(c)
            kv[k][i] = max(0, rest)
        if n_case_rows or inner:
            left = [kv[k][i] for k in K if kv[k][i] is not None]
            status[i] = "covered" if left and not any(left) else "residual"
        if n_case_rows:
            ov = _overlap(R, "aggregate_with_cases", i, None, decisions, {"n_rows": n_case_rows})
            ov["ids"] = [R["id"][r] for r in inside_rows]  # the case rows inside (not stored with the overlap)
            ov["imports"] = {R["import_id"][r] for r in inside_rows}
            overlaps.append(ov)
        for q in inner:
            overlaps.append(_overlap(R, "nested_aggregates", i, int(aggs[q]), decisions))
        if clamped:
            overlaps.append(_overlap(R, "aggregate_below_parts", i, None, decisions, {"columns": clamped}))
        done.setdefault(bucket, []).append(p)
    _aggregate_pairs(R, aggs, era_a, prov_a, agency_a, start_a, end_a, level_a, dist_a, com_a, form_a, overlaps,
                     decisions)


def _agg_contains(p, q, start, end, level, dist, com, form, strict: bool) -> bool:
    """Aggregate ``p`` contains aggregate ``q`` (same bucket): place, period and form."""
    if not (start[q] >= start[p] and end[q] <= end[p]):
        return False
    if level[q] < level[p]:
        return False
    if level[p] >= 1 and dist[p] and dist[q] != dist[p]:
        return False
    if level[p] >= 2 and com[q] != com[p]:
        return False
    if form[p] and form[q] != form[p]:
        return False
    if strict and start[q] == start[p] and end[q] == end[p] and level[q] == level[p] and form[q] == form[p]:
        return False
    return True


def _aggregate_pairs(R, aggs, era, prov, agency, start, end, level, dist, com, form, overlaps, decisions) -> None:
    m = len(aggs)
    if m < 2:
        return
    # vectorised: periods overlap, same era and province, places nested, forms compatible
    s = start.astype(np.int64)
    e = end.astype(np.int64)
    found = 0
    for p in range(m - 1):
        q = np.arange(p + 1, m)
        cand = (s[q] <= e[p]) & (s[p] <= e[q]) & (era[q] == era[p]) & (prov[q] == prov[p])
        cand &= (form[q] == form[p]) | (form[q] == "") | (form[p] == "")
        for qq in q[cand]:
            qq = int(qq)
            if not _places_nested(p, qq, level, dist, com):
                continue
            if agency[p] == agency[qq]:
                if (_agg_contains(p, qq, start, end, level, dist, com, form, strict=False)
                        or _agg_contains(qq, p, start, end, level, dist, com, form, strict=False)):
                    continue
                kind = "partial_overlap"
            else:
                kind = "agencies_overlap"
            overlaps.append(_overlap(R, kind, int(aggs[p]), int(aggs[qq]), decisions))
            found += 1
            if found > MAX_PAIRS:
                return


def _places_nested(p, q, level, dist, com) -> bool:
    lo, hi = (p, q) if level[p] <= level[q] else (q, p)
    if level[lo] >= 1 and dist[lo] and dist[hi] != dist[lo]:
        return False
    if level[lo] >= 2 and com[hi] != com[lo]:
        return False
    return True


# --------------------------------------------------------------------------------------------------
# The store: recount after a change, decisions, the list of overlaps
# --------------------------------------------------------------------------------------------------
def load_decisions(conn) -> dict:
    """The officers' decisions, newest first wins: :func:`pair_key` → decision."""
    t = S.overlap_decisions
    out: dict = {}
    for key_a, key_b, decision in conn.execute(select(t.c.key_a, t.c.key_b, t.c.decision).order_by(t.c.id.desc())):
        out.setdefault(pair_key(key_a, key_b or None), decision)
    return out


def group_frame(conn, groups: Iterable[tuple[str, bool]], extra: Iterable[str] = (),
                exclude_import: int | None = None) -> pd.DataFrame:
    """The stored case rows of ``groups`` ((2025 province, demo flag) pairs), with :data:`FRAME_COLUMNS`,
    the stored counting columns and the ``extra`` columns (without the rows of ``exclude_import``)."""
    groups = {(str(p), bool(d)) for p, d in groups if p}
    cols = [S.cases.c[c] for c in dict.fromkeys((*FRAME_COLUMNS, *RESULT_COLUMNS, *extra))]
    if not groups:
        return pd.DataFrame(columns=[c.name for c in cols])
    provs = sorted({p for p, _ in groups})
    frames = []
    for i in range(0, len(provs), 200):
        stmt = select(*cols).where(S.cases.c.prov_code_2025.in_(provs[i:i + 200]))
        if exclude_import is not None:
            stmt = stmt.where(_not_of_import(conn, exclude_import))
        result = conn.execute(stmt)
        frames.append(pd.DataFrame(result.fetchall(), columns=list(result.keys())))
    df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[c.name for c in cols])
    if len(df):
        keep = [(p, bool(d)) in groups for p, d in zip(df["prov_code_2025"], df["is_demo"])]
        df = df[keep].reset_index(drop=True)
    return df


def _not_of_import(conn, import_id: int):
    """The condition "the case row is not one of import ``import_id``'s". On SQLite as "its id is not among
    the ids of that import's rows" (the same rows: ``import_id`` is never NULL): the ids come from the
    ``import_id`` index and the rows found through the province index are tested on their id, which that
    index holds, instead of each being read from the table to see its ``import_id`` (an import's own rows,
    just written, are most of what the province index finds). Other databases: ``import_id != ...``."""
    c = S.cases.c
    if conn.dialect.name == "sqlite":
        return c.id.not_in(select(c.id).where(c.import_id == import_id).scalar_subquery())
    return c.import_id != import_id


def recount(conn, groups: Iterable[tuple[str, bool]], found: list | None = None, new: pd.DataFrame | None = None,
            import_id: int | None = None) -> set[int]:
    """Apply the rule again to the stored rows of ``groups`` (inside the caller's transaction): write the
    counted values of every row whose values changed, rebuild the groups' overlap list, and return the
    imports whose counted values changed (their ``case_rollup`` rows must be rebuilt). ``new``: the rows
    an import has just written (import ``import_id``), given from memory instead of read back (same
    columns as :func:`group_frame`, ``id`` = -row number)."""
    groups = {(str(p), bool(d)) for p, d in groups if p}
    if not groups:
        return set()
    df = group_frame(conn, groups, exclude_import=import_id if new is not None else None)
    if new is not None and len(new):
        df = pd.concat([df, new[list(df.columns)]], ignore_index=True) if len(df) else new[list(df.columns)]
    result = compute(df, load_decisions(conn)) if len(df) else Counted(pd.DataFrame(columns=RESULT_COLUMNS))
    changed_imports = _write_counted(conn, df, result.values) if len(df) else set()
    t = S.case_overlaps
    for prov, demo in groups:
        conn.execute(delete(t).where(and_(t.c.prov_code_2025 == prov, t.c.is_demo.is_(demo))))
    if found is not None:
        found.extend(result.overlaps)
    rows = [_overlap_row(o) for o in result.overlaps]
    for i in range(0, len(rows), 5000):
        conn.execute(t.insert(), rows[i:i + 5000])
    return changed_imports


#: rows of an import counted at a time by :func:`recount_import` (whole provinces: a province's rows meet)
CHUNK_ROWS = 30_000


def recount_import(conn, groups: Iterable[tuple[str | None, bool]], import_id: int, found: list | None = None,
                   rows_by_province: dict | None = None, chunk_rows: int | None = None) -> set[int]:
    """:func:`recount` after an import whose rows were not kept (a big file): the same counted values,
    overlaps (in the same order) and changed imports, but computed a few provinces at a time, the rows of
    import ``import_id`` read back from the store, so memory grows with about :data:`CHUNK_ROWS` rows, not
    with the file. ``groups``: the groups the import touched (rows without a 2025 province included, as
    :func:`recount` with ``new`` counts them); ``rows_by_province``: the import's rows per 2025 province, to
    cut the provinces into chunks of about ``chunk_rows`` rows.

    :func:`compute` lists the overlaps group by group in the order of each group's first row that may meet
    another, over the stored rows of other imports (in the order :func:`group_frame` reads them: province by
    province) followed by the import's rows (as written): each chunk's groups get that position and the
    overlaps of every chunk are put in that order before they are written."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    rows_by_province = rows_by_province or {}
    groups = {(str(p) if p else None, bool(d)) for p, d in groups}
    provs = sorted({p for p, _ in groups if p})
    chunks: list[list] = []
    current: list = []
    size = 0
    for p in provs:
        current.append(p)
        size += int(rows_by_province.get(p, 0))
        if size >= chunk_rows:
            chunks.append(current)
            current, size = [], 0
    if current:
        chunks.append(current)
    if any(p is None for p, _ in groups):
        chunks.append([None])  # the import's rows without a 2025 province (no stored rows meet them)
    decisions = load_decisions(conn)
    changed_imports: set[int] = set()
    listed: list[tuple] = []
    stored_before = 0  # stored rows of other imports in the chunks before (group_frame reads by province)
    c = S.cases.c
    others = (conn.execute(select(func.count()).select_from(S.cases)).scalar()
              > conn.execute(select(func.count()).where(c.import_id == import_id)).scalar())
    for chunk in chunks:
        if chunk == [None] or not others:  # (no stored rows of other imports at all: nothing to read)
            stored = pd.DataFrame()
        else:
            inside = set(chunk)
            stored = group_frame(conn, {g for g in groups if g[0] in inside}, exclude_import=import_id)
        mine = _import_rows(conn, import_id, chunk)
        if not len(mine) and not len(stored):
            continue
        written_order = mine.pop("_order").to_numpy() if len(mine) else np.zeros(0, dtype=np.int64)
        if len(stored) and len(mine):
            df = pd.concat([stored, mine[list(stored.columns)]], ignore_index=True)
        elif len(stored):
            df = stored
        else:
            df = mine.reset_index(drop=True)
        firsts: dict = {}
        result = compute(df, decisions, firsts)
        changed_imports |= _write_counted(conn, df, result.values)
        n_stored = len(stored)
        for o in result.overlaps:
            pos = firsts[(o["prov_code_2025"] or "", bool(o["is_demo"]))]
            key = (0, stored_before + pos) if pos < n_stored else (1, int(written_order[pos - n_stored]))
            listed.append((key, len(listed), o))
        stored_before += n_stored
        del df, stored, mine, result
    listed.sort(key=lambda t: (t[0], t[1]))
    overlaps = [o for _, _, o in listed]
    t = S.case_overlaps
    for prov, demo in groups:
        if prov:
            conn.execute(delete(t).where(and_(t.c.prov_code_2025 == prov, t.c.is_demo.is_(demo))))
    if found is not None:
        found.extend(overlaps)
    rows = [_overlap_row(o) for o in overlaps]
    for i in range(0, len(rows), 5000):
        conn.execute(t.insert(), rows[i:i + 5000])
    return changed_imports


#: columns whose values repeat within a province (:func:`_import_rows` keeps one copy of each value)
_REPEATED = frozenset(("record_type", "agency", "form", "place_era", "place_level", "province_code", "district_code5",
                       "commune_code", "commune_code_2025", "prov_code_2025", "prov_code_pre2025", "period_start",
                       "period_end"))


def _import_rows(conn, import_id: int, provs: list) -> pd.DataFrame:
    """The rows of import ``import_id`` in the 2025 provinces ``provs`` (``[None]``: rows without one), as
    written (``_order``: their store id), framed by :func:`written_frame` as :func:`recount` is given an
    import's new rows. On SQLite straight through the driver, the dates and flags then typed as the SQL layer
    types them (rows of the SQL layer cost several times more)."""
    c = S.cases.c
    names = [n for n in FRAME_COLUMNS if n != "id"] + ["row_number", "id"]
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer.quote
        prov = quote("prov_code_2025")
        # (a chunk of provinces through the province index, "+" keeping SQLite off the import's index: a chunk
        # reads its provinces' rows, as group_frame does, not every row of the import again)
        if provs == [None]:
            where, params = f"{quote('import_id')} = ? AND ({prov} IS NULL OR {prov} = '')", (import_id,)
        else:
            where = f"+{quote('import_id')} = ? AND {prov} IN ({', '.join('?' * len(provs))})"
            params = (import_id, *provs)
        result = conn.exec_driver_sql(
            f"SELECT {', '.join(quote(n) for n in names)} FROM {quote(S.cases.name)} WHERE {where} "
            f"ORDER BY {quote('id')}", params)
        # a block of rows at a time, the texts a province repeats (places, agency, dates, ...) kept once
        columns: list[list] = [[] for _ in names]
        shared = [{} if n in _REPEATED else None for n in names]
        while True:
            block = result.fetchmany(10_000)
            if not block:
                break
            for values, column, memo in zip(zip(*block), columns, shared):
                column.extend(values if memo is None else map(memo.setdefault, values, values))
            del block
        days: dict = {}
        for k, name in enumerate(names):
            kind = c[name].type
            if isinstance(kind, S.Date) and not isinstance(kind, S.DateTime):
                columns[k] = [v if v is None else days.get(v) or days.setdefault(v, date.fromisoformat(v))
                              for v in columns[k]]
            elif isinstance(kind, S.Boolean):
                columns[k] = [v if v is None else bool(v) for v in columns[k]]
    else:
        result = conn.execute(select(*(c[n] for n in names)).where(
            c.import_id == import_id,
            or_(c.prov_code_2025.is_(None), c.prov_code_2025 == "") if provs == [None] else c.prov_code_2025.in_(provs))
            .order_by(c.id))
        rows = result.fetchall()
        columns = [list(col) for col in zip(*rows)] if rows else [[] for _ in names]
        del rows
    order = columns.pop()
    out = written_frame(dict(zip(names, columns)))
    out["_order"] = np.asarray(order, dtype=np.int64)
    return out


def written_frame(columns: dict) -> pd.DataFrame:
    """The frame of an import's rows just written that :func:`recount` is given (``new``), from their
    :data:`FRAME_COLUMNS` (without ``id``) and ``row_number``, column by column: ``id`` = -row number (the
    counting's order of new rows), the row key of a case rebuilt from its ID and agency where it is None,
    and the counted values as written (its own figures, a case counts 1; counted; its agency as source)."""
    new = pd.DataFrame({c: _objects_of(values) for c, values in columns.items()})
    new["id"] = -pd.to_numeric(new.pop("row_number")).astype("int64")
    cases = new["row_key"].isna()
    new.loc[cases, "row_key"] = ("case:" + new.loc[cases, "id_key"].astype(str) + "@"
                                 + new.loc[cases, "agency"].fillna("").astype(str))
    for k, c in zip(K, COUNTS):
        new[k] = new[c]
    new.loc[new["record_type"] == "case", "k_n_cases"] = 1
    new["count_status"], new["dup_of"], new["sources"] = "counted", None, new["agency"]
    return new


def _objects_of(values: list) -> np.ndarray:
    """A list of cell values as one object array (no type guessed)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _write_counted(conn, df: pd.DataFrame, new: pd.DataFrame) -> set[int]:
    """Write the counted values ``new`` (:data:`RESULT_COLUMNS`, index of ``df``) of the rows of ``df`` whose
    stored values differ; returns the imports of those rows."""
    changed_imports: set[int] = set()
    diff = np.zeros(len(df), dtype=bool)
    for c in RESULT_COLUMNS:  # what changed (missing on both sides is no change)
        if c.startswith("k_"):
            a = pd.to_numeric(df[c], errors="coerce").fillna(-1).to_numpy(dtype=float)
            b = pd.to_numeric(new[c], errors="coerce").astype(float).fillna(-1).to_numpy(dtype=float)
        else:
            a = df[c].astype(object).where(df[c].notna(), "\0").to_numpy(dtype=object)
            b = new[c].astype(object).where(new[c].notna(), "\0").to_numpy(dtype=object)
        diff |= a != b
    if diff.any():
        params = []
        for pos in np.flatnonzero(diff):
            row = {"b_key": df["row_key"].iat[pos]}
            for c in RESULT_COLUMNS:
                v = new[c].iat[pos]
                row["b_" + c] = None if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)) else (
                    int(v) if c.startswith("k_") else v)
            params.append(row)
            changed_imports.add(int(df["import_id"].iat[pos]))
        from sqlalchemy import bindparam
        stmt = update(S.cases).where(S.cases.c.row_key == bindparam("b_key")).values(
            **{c: bindparam("b_" + c) for c in RESULT_COLUMNS})
        for i in range(0, len(params), 5000):
            conn.execute(stmt, params[i:i + 5000])
    return changed_imports


def _norm(v):
    if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    return v


def _overlap_row(o: dict) -> dict:
    return {"kind": o["kind"], "prov_code_2025": o["prov_code_2025"], "prov_code_pre2025": o["prov_code_pre2025"],
            "is_demo": o["is_demo"], "key_a": o["key_a"], "key_b": o["key_b"], "import_a": o["import_a"],
            "import_b": o["import_b"], "detail": json.dumps(o["detail"], ensure_ascii=False, default=str),
            "status": o["status"], "decision": o["decision"]}


def recount_all(conn) -> set[int]:
    """Recount every stored case row (migration 5)."""
    groups = {(p, bool(d)) for p, d in conn.execute(
        select(S.cases.c.prov_code_2025, S.cases.c.is_demo).distinct()).all() if p}
    return recount(conn, groups)


def groups_of_import(conn, import_id: int) -> set[tuple[str, bool]]:
    c = S.cases.c
    return {(p, bool(d)) for p, d in conn.execute(
        select(c.prov_code_2025, c.is_demo).where(c.import_id == import_id).distinct()).all() if p}


def decide(kind: str, key_a: str, key_b: str | None, decision: str, user: str | None, engine=None,
           note: str | None = None, address: str | None = None, scope: tuple[str, ...] | None = None) -> bool:
    """Record an officer's decision on an overlap (same case / different cases / accepted), recount the
    province in the same transaction, refresh the summary of the imports whose counts changed, and write
    the decision to the audit trail. Refused (False) when the decision does not apply to the kind, or when
    a row lies outside ``scope``."""
    from geo.auth import audit
    from geo.data import store

    if kind not in DECISIONS or decision not in DECISIONS[kind]:
        return False
    engine = engine or store.get_engine()
    with store.write_transaction(engine) as conn:
        keys = [k for k in (key_a, key_b) if k]
        rows = conn.execute(select(S.cases.c.row_key, S.cases.c.prov_code_2025, S.cases.c.prov_code_pre2025,
                                   S.cases.c.is_demo).where(S.cases.c.row_key.in_(keys))).all()
        if len(rows) != len(set(keys)):
            return False
        outside = False
        if scope:
            from geo.data.importer import row_in_scope, scope_2025
            new_codes = scope_2025(tuple(scope))
            outside = not all(row_in_scope(r[2], r[1], tuple(scope), new_codes) for r in rows)
        if not outside:  # (outside the scope nothing is written)
            a, b = pair_key(key_a, key_b)
            conn.execute(S.overlap_decisions.insert().values(
                kind=kind, key_a=a, key_b=b or None, decision=decision, username=user,
                at=datetime.now(timezone.utc).replace(tzinfo=None), note=note))
            groups = {(r[1], bool(r[3])) for r in rows}
            changed = recount(conn, groups)
            store.rebuild_rollup(conn, changed)
    if outside:  # written after the store's write lock is released
        audit.record("overlap_decision", user, f"{kind} {key_a} / {key_b or '-'}: {decision} (outside scope)",
                     address, outcome="refused", engine=engine)
        return False
    audit.record("overlap_decision", user, f"{kind} {key_a} / {key_b or '-'}: {decision}" + (f" ({note})" if note else ""),
                 address, engine=engine)
    return True


def overlaps_frame(engine=None, scope: tuple[str, ...] | None = None, status: Iterable[str] | None = None,
                   demo: str = "include") -> pd.DataFrame:
    """The stored overlaps (newest provinces first), with both rows' case ID, agency, period, place and import
    (file name), for the data-quality view. ``status``: e.g. ``["open"]``. ``scope``: pre-2025 province codes."""
    from geo.data import store

    engine = engine or store.get_engine()
    t = S.case_overlaps
    stmt = select(t)
    if status:
        stmt = stmt.where(t.c.status.in_(list(status)))
    if demo == "exclude":
        stmt = stmt.where(t.c.is_demo.is_(False))
    elif demo == "only":
        stmt = stmt.where(t.c.is_demo.is_(True))
    if scope:
        scope = tuple(sorted({str(p).zfill(2) for p in scope}))
        new = store.scope_provinces_2025(scope)
        cond = t.c.prov_code_pre2025.in_(scope)
        if new:
            cond = or_(cond, and_(t.c.prov_code_pre2025.is_(None), t.c.prov_code_2025.in_(new)))
        stmt = stmt.where(cond)
    with engine.connect() as conn:
        result = conn.execute(stmt.order_by(t.c.id))
        df = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
        keys = sorted(set(df["key_a"]) | set(df["key_b"].dropna())) if len(df) else []
        info = {}
        c = S.cases.c
        for i in range(0, len(keys), 500):
            for r in conn.execute(select(c.row_key, c.case_id, c.agency, c.period_label, c.place_text,
                                         c.province_name, c.district_name, c.commune_name, c.record_type,
                                         c.import_id, c.row_number, S.imports.c.file_name)
                                  .join(S.imports, S.imports.c.id == c.import_id)
                                  .where(c.row_key.in_(keys[i:i + 500]))).mappings():
                info[r["row_key"]] = dict(r)
    for side in ("a", "b"):
        for col in ("case_id", "agency", "period_label", "record_type", "file_name", "row_number"):
            df[f"{col}_{side}"] = [info.get(k, {}).get(col) if isinstance(k, str) else None for k in df[f"key_{side}"]] \
                if len(df) else []
        df[f"place_{side}"] = [_place_words(info.get(k)) for k in df[f"key_{side}"]] if len(df) else []
    return df


def _place_words(r: dict | None) -> str | None:
    if not r:
        return None
    parts = [r.get("commune_name"), r.get("district_name"), r.get("province_name")]
    return ", ".join(p for p in parts if p) or r.get("place_text")


#: extra columns of a row used to name it in an overlap (period, place, file row)
LABEL_COLUMNS = ("period_label", "province_name", "district_name", "commune_name", "row_number", "case_id",
                 "agency")


def preview(conn, new: pd.DataFrame, exclude_ids=()) -> tuple[Counted, pd.DataFrame]:
    """The rule applied to the stored rows of the provinces a file touches together with the file's rows
    (``new``: :data:`FRAME_COLUMNS` + :data:`LABEL_COLUMNS`, ``id`` = -row number), nothing written.
    ``exclude_ids``: stored rows the file would replace. Returns the overlaps that involve a row of the
    file (with how every row would be counted) and the frame they refer to."""
    groups = {(p, bool(d)) for p, d in zip(new["prov_code_2025"], new["is_demo"]) if p}
    stored = group_frame(conn, groups, extra=LABEL_COLUMNS)
    if len(stored) and len(exclude_ids):
        stored = stored[~stored["id"].isin(list(exclude_ids))]
    cols = list(dict.fromkeys((*FRAME_COLUMNS, *LABEL_COLUMNS)))
    frame = pd.concat([stored[cols], new[cols]], ignore_index=True) if len(stored) else new[cols].reset_index(drop=True)
    result = compute(frame, load_decisions(conn))
    result.overlaps = [o for o in result.overlaps if involves(o, lambda i: i is not None and i < 0)]
    return result, frame


def involves(overlap: dict, test) -> bool:
    """Whether ``test(id)`` holds for a row of the overlap (either side, or a case row inside an aggregate)."""
    return test(overlap.get("id_a")) or test(overlap.get("id_b")) or any(test(i) for i in overlap.get("ids", ()))


def row_labels(conn, frame: pd.DataFrame) -> dict:
    """id → what names a row in an overlap: its case ID, agency, period, place, and where it comes from
    (the file's row, or the stored import and its file)."""
    files = {}
    imports = sorted({int(i) for i in frame["import_id"].dropna()}) if "import_id" in frame else []
    for i in range(0, len(imports), 500):
        for imp, name in conn.execute(select(S.imports.c.id, S.imports.c.file_name)
                                      .where(S.imports.c.id.in_(imports[i:i + 500]))).all():
            files[int(imp)] = name
    out = {}
    for r in frame.itertuples(index=False):
        rid = int(r.id)
        place = ", ".join(p for p in (r.commune_name, r.district_name, r.province_name) if isinstance(p, str) and p)
        imp = None if r.import_id is None or (isinstance(r.import_id, float) and np.isnan(r.import_id)) else int(r.import_id)
        out[rid] = {"case_id": r.case_id if isinstance(r.case_id, str) else None, "agency": r.agency if isinstance(r.agency, str) else None,
                    "period_label": r.period_label, "place": place, "new": rid < 0,
                    "row_number": None if r.row_number is None or pd.isna(r.row_number) else int(r.row_number),
                    "import_id": imp, "file_name": files.get(imp)}
    return out
