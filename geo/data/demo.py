"""DỮ LIỆU MINH HỌA / DEMO DATA: a seeded, reproducible generator and its loader.

``python -m geo demo`` loads the committed demonstration files of ``data/demo/`` into the store through
the importer (generating them first when they are missing); ``--regenerate`` rebuilds the files from the
generator. Re-running replaces the previous demo rows and never touches rows a user imported.

What the generator makes (2021 up to the current month, the whole country, denser in Nghệ An, Lào Cai/Yên Bái,
Hải Phòng/Hải Dương and in border districts):

- ``demo_cases.csv``: single cases placed in districts and communes (pre-2025 units until 30 June 2025,
  2025 units from 1 July 2025), plus district half-year aggregate rows for a few interior provinces in
  2021–2022;
- ``demo_key_areas.csv``: key-area communes (địa bàn trọng điểm) per province and year;
- ``demo_prevention_models.csv``: prevention models in those communes, with start dates and status;
- ``demo_targets.csv``: model-coverage targets for province-years that have no published target.

Where a published total exists (:func:`geo.data.facts.published_totals`: Nghệ An H1 2023, Yên Bái H1 2024,
Vietnam H1 2023 and H1 2024), the demo rows of that province (or the whole country) and period add up
exactly to it. Everything else is random.

The files of 2021–2025 are committed (``data/demo/*.csv``, fixed). The months from January 2026 up to the
current month (``TDN_DEMO_THROUGH=YYYY-MM`` pins another month) are generated at each load into the
git-ignored ``data/demo/recent/``: cases in 2025 units, each month from its own seed (a month's rows never
change when later months are added), and the key-area lists and targets of those years (each province keeps
its 2025 list, in the communes it was merged into). So no view from 2021 to today is empty. Every row says ``Dữ liệu minh họa = 1`` and every file starts
with the line ``# DỮ LIỆU MINH HỌA / DEMO DATA``. Published figures are never written into these files:
they stay in the facts folder with their source.
"""
from __future__ import annotations

import argparse
import io
import os
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, or_, select

from geo import config, periods

from geo.data import facts
from geo.data import schema as S
from geo.data import store
SEED = 20250701
DEMO_DIR = config.PROJECT_ROOT / "data" / "demo"
FILES = {
    "cases": "demo_cases.csv",
    "key_areas": "demo_key_areas.csv",
    "prevention_models": "demo_prevention_models.csv",
    "targets": "demo_targets.csv",
}
YEARS = range(2021, 2026)
#: The committed files end on 31 December 2025; from this month on, demo months are generated at load.
FIRST_RECENT = date(2026, 1, 1)
RECENT_FILES = {
    "cases": "demo_cases_recent.csv",
    "key_areas": "demo_key_areas_recent.csv",
    "targets": "demo_targets_recent.csv",
}
RECENT_SUBDIR = "recent"

#: Relative weight of each pre-2025 province when placing demo cases.
FOCUS_WEIGHTS = {"40": 10.0, "10": 7.0, "15": 5.0, "31": 5.0, "30": 4.0}
BORDER_WEIGHT = 2.0
OTHER_WEIGHT = 0.5
#: Interior provinces whose 2021–2022 demo figures are given as district half-year aggregates.
AGGREGATE_PROVINCES = ("01", "25", "27", "34", "36")
AGGREGATE_UNTIL_YEAR = 2022
#: Provinces with demo key-area lists: pre-2025 code -> number of key communes.
KEY_AREA_PROVINCES = {"40": 30, "10": 20, "15": 12, "31": 10, "30": 8, "02": 14, "11": 12, "20": 12, "38": 12, "42": 10}

HEADER_LINE = f"# {S.DEMO_LABEL}: số liệu minh họa do geo/data/demo.py sinh ngẫu nhiên (seed {{seed}}), KHÔNG phải số liệu thật / " \
              "randomly generated demonstration figures, NOT real data"

COUNTRIES = {"CN": "Trung Quốc", "LA": "Lào", "KH": "Campuchia", "MM": "Myanmar", "VN": "Việt Nam (trong nước)"}


class DemoError(RuntimeError):
    """The demo files did not validate (nothing was changed in the store)."""


# --------------------------------------------------------------------------------------------------
# Small integer helpers
# --------------------------------------------------------------------------------------------------
def _partition(rng: np.random.Generator, total: int, n: int, mins=None, caps=None, weights=None) -> list[int]:
    """``n`` integers summing to ``total`` with ``mins[i] <= x[i] <= caps[i]``, randomly (weighted)."""
    mins = [0] * n if mins is None else list(mins)
    caps = [10**9] * n if caps is None else list(caps)
    if n == 0:
        if total:
            raise ValueError("cannot place a positive total in zero rows")
        return []
    if sum(mins) > total or sum(caps) < total or any(m > c for m, c in zip(mins, caps)):
        raise ValueError(f"infeasible partition of {total} in {n} rows")
    out = list(mins)
    w = np.asarray(weights if weights is not None else rng.gamma(1.2, 1.0, n), dtype=float) + 1e-9
    remaining = total - sum(out)
    while remaining > 0:
        free = np.array([out[i] < caps[i] for i in range(n)])
        p = np.where(free, w, 0.0)
        i = int(rng.choice(n, p=p / p.sum()))
        out[i] += 1
        remaining -= 1
    return out


def _binom(rng: np.random.Generator, n: int, p: float) -> int:
    return int(rng.binomial(n, p)) if n > 0 else 0


# --------------------------------------------------------------------------------------------------
# Geography
# --------------------------------------------------------------------------------------------------
class _Geo:
    def __init__(self, reg):
        self.reg = reg
        self.provinces = {u.code: u for u in reg.units("province", "pre2025")}
        self.districts: dict[str, list] = {}
        for u in reg.units("district", "pre2025"):
            if not u.historical:
                self.districts.setdefault(u.province_code, []).append(u)
        self.communes: dict[str, list] = {}
        for u in reg.units("commune", "pre2025"):
            if u.district_code:
                self.communes.setdefault(u.district_code, []).append(u)
        self.border: set[str] = set()
        path = config.boundaries_dir() / "crosswalk_odm_districts_to_gso.csv"
        if path.exists():
            cw = pd.read_csv(path, dtype=str, keep_default_na=False)
            flag = (cw["borders_china"] == "True") | (cw["borders_laos"] == "True") | (cw["borders_cambodia"] == "True")
            self.border = set(cw.loc[flag & (cw["code5_gso"] != ""), "code5_gso"])
        self.border_provinces = {c[:2] for c in self.border}
        self.border_country: dict[str, str] = {}
        if path.exists():
            for _, r in cw.iterrows():
                if r["code5_gso"]:
                    self.border_country[r["code5_gso"]] = (
                        "CN" if r["borders_china"] == "True" else "LA" if r["borders_laos"] == "True"
                        else "KH" if r["borders_cambodia"] == "True" else "")
        # no demo case where no civilian population lives: the outpost archipelagos and islands (Hoàng Sa,
        # Trường Sa, Cồn Cỏ, Bạch Long Vĩ: fewer than MIN_POPULATION people in 2009) get none
        self.unpeopled: set[str] = set()
        try:
            from geo.admin.population import population
            from geo.stats.hotspots import MIN_POPULATION

            pop = population("districts_pre2025")
            self.unpeopled = set(pop.index[~(pop >= MIN_POPULATION)])
        except Exception:  # no boundary cache: the registry alone (tests of the generator itself)
            self.unpeopled = set()
        self.hotspot_districts: set[str] = set()
        self.hotspot_communes: set[str] = set()
        try:
            hs = facts.read_facts_csv("hotspots.csv")
            for _, r in hs.iterrows():
                if r.get("province_code") and r.get("district_code"):
                    self.hotspot_districts.add(str(r["province_code"]).zfill(2) + str(r["district_code"]).zfill(3))
                if r.get("commune_code"):
                    self.hotspot_communes.add(str(r["commune_code"]).zfill(5))
        except FileNotFoundError:
            pass

    def province_weight(self, code: str) -> float:
        if code in FOCUS_WEIGHTS:
            return FOCUS_WEIGHTS[code]
        return BORDER_WEIGHT if code in self.border_provinces else OTHER_WEIGHT

    def district_weights(self, prov: str) -> tuple[list, np.ndarray]:
        units = sorted(self.districts.get(prov, []), key=lambda u: u.code)
        w = np.array([(4.0 if u.code in self.border else 1.0) * (3.0 if u.code in self.hotspot_districts else 1.0)
                      * (0.0 if u.code in self.unpeopled else 1.0) for u in units])
        return units, w / w.sum()

    def communes_of(self, district_code: str) -> list:
        return sorted(self.communes.get(district_code, []), key=lambda u: u.code)


# --------------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------------
FORM_PROFILES = {
    "40": {"fetus_infant": 0.2, "forced_labour": 0.3, "forced_marriage": 0.2, "sexual": 0.25, "other": 0.05},
    "north": {"forced_marriage": 0.4, "sexual": 0.35, "fetus_infant": 0.05, "forced_labour": 0.15, "other": 0.05},
    "coast": {"sexual": 0.45, "forced_labour": 0.35, "forced_marriage": 0.1, "other": 0.1},
    "other": {"sexual": 0.35, "forced_labour": 0.35, "forced_marriage": 0.2, "organ_removal": 0.02, "other": 0.08},
}
NORTH = {"02", "04", "06", "08", "10", "11", "12", "14", "15", "20", "22", "24"}
COAST = {"30", "31", "33", "34", "36", "37"}
ROUTES_BY = {("40", "CN"): ["NA-T01", "NA-T02", "NA-T03", "NA-T04"], ("40", "LA"): ["NA-T05"], ("40", "KH"): ["NA-T06"],
             ("10", "CN"): ["LC-T01", "LC-T02", "LC-T03", "LC-T04"], ("15", "CN"): ["LC-T04"],
             ("31", "CN"): ["HP-T02"], ("30", "CN"): ["HP-T02"]}
GATES_BY = {("40", "LA"): ["NA-G01", "NA-G02", "NA-G03", "NA-G04"], ("10", "CN"): ["LC-G01", "LC-G02", "LC-G03"]}


@dataclass
class _Case:
    period: tuple[int, int]
    prov: object
    dist: object
    com: object
    day: date
    form: str = "other"
    dest: str = "VN"
    agency: str = "police"
    route: str | None = None
    gate: str | None = None
    victims: int = 1
    children: int = 0
    women: int = 0
    rescued: int = 0
    supported: int = 0
    suspects: int = 0


def _pick(rng, options: dict[str, float]) -> str:
    keys = list(options)
    p = np.array([options[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _destination(rng, prov: str, district: str, form: str, geo: _Geo) -> str:
    border = geo.border_country.get(district, "")
    if form in ("forced_marriage", "fetus_infant"):
        return "CN"
    if form == "forced_labour":
        return _pick(rng, {"KH": 0.4, "LA": 0.2 + (0.2 if border == "LA" else 0), "MM": 0.2, "CN": 0.2})
    if form == "sexual":
        if border == "KH":
            return _pick(rng, {"KH": 0.7, "VN": 0.3})
        return _pick(rng, {"CN": 0.55, "VN": 0.25, "KH": 0.1, "LA": 0.1})
    return _pick(rng, {"VN": 0.4, "CN": 0.3, "KH": 0.2, "LA": 0.1})


def _fill_case(rng, c: _Case, geo: _Geo) -> None:
    prov = c.prov.code
    profile = FORM_PROFILES["40"] if prov == "40" else FORM_PROFILES["north"] if prov in NORTH else \
        FORM_PROFILES["coast"] if prov in COAST else FORM_PROFILES["other"]
    if c.dist is not None and c.dist.code == "40417":  # Kỳ Sơn: the fetus/newborn-sale hotspot of the sources
        profile = {**profile, "fetus_infant": profile["fetus_infant"] + 0.3}
    c.form = _pick(rng, profile)
    c.dest = _destination(rng, prov, c.dist.code if c.dist is not None else "", c.form, geo)
    on_border = c.dist is not None and c.dist.code in geo.border
    c.agency = _pick(rng, {"police": 0.55, "border_guard": 0.35, "social_affairs": 0.1} if on_border
                     else {"police": 0.8, "border_guard": 0.05, "social_affairs": 0.15})
    if rng.random() < 0.5 and (prov, c.dest) in ROUTES_BY:
        c.route = str(rng.choice(ROUTES_BY[(prov, c.dest)]))
    if rng.random() < 0.4 and (prov, c.dest) in GATES_BY:
        c.gate = str(rng.choice(GATES_BY[(prov, c.dest)]))
    c.victims = int(1 + rng.poisson(0.8)) if rng.random() > 0.05 else int(rng.integers(5, 16))
    c.children = _binom(rng, c.victims, 0.35)
    c.women = _binom(rng, c.victims, 0.8)
    c.rescued = _binom(rng, c.victims, 0.75)
    c.supported = _binom(rng, c.rescued, 0.8)
    c.suspects = int(rng.poisson(1.3)) if rng.random() > 0.1 else 0


def _random_day(rng, start: date, end: date) -> date:
    return start + timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _place(rng, geo: _Geo, prov_code: str, with_commune: float = 0.6):
    prov = geo.provinces[prov_code]
    units, p = geo.district_weights(prov_code)
    dist = units[int(rng.choice(len(units), p=p))]
    communes = geo.communes_of(dist.code)
    com = communes[int(rng.integers(len(communes)))] if communes and rng.random() < with_commune else None
    return prov, dist, com


def _fit_group(rng, cases: list[_Case], totals: dict[str, int], inner: dict[str, tuple[list[int], dict[str, int]]]) -> None:
    """Make the rows of one period add up to published totals.

    ``totals``: metric -> total over all ``cases`` (the outer scope, e.g. the whole country);
    ``inner``: name -> (indexes of the inner scope's rows, its metric totals), e.g. one province.
    Metrics: victims, victims_children (+ child_cases), victims_rescued, victims_supported,
    suspects_arrested. Unconstrained metrics keep their random values (within the new victims caps).
    """
    n = len(cases)
    idx_all = list(range(n))
    non_child: list[int] = []
    # victims: inner scopes that need a floor (their rescued/supported totals) get their share first
    if "victims" in totals:
        fixed: dict[int, int] = {}
        rest = totals["victims"]
        for rows, t in inner.values():
            floor = max([len(rows)] + [t.get(k, 0) for k in ("victims_rescued", "victims_supported", "victims_children")])
            share = floor + int(rng.integers(0, 6))
            vals = _partition(rng, share, len(rows), mins=[1] * len(rows))
            fixed.update(zip(rows, vals))
            rest -= share
        others = [i for i in idx_all if i not in fixed]
        if "child_cases" in totals:
            # the rows without child victims get one victim each so that enough victims remain for the children
            n_child = totals["child_cases"]
            non_child = [i for i in others][: len(idx_all) - n_child]
            for i in non_child:
                fixed[i] = 1
            rest -= len(non_child)
            others = [i for i in others if i not in non_child]
        vals = _partition(rng, rest, len(others), mins=[1] * len(others))
        fixed.update(zip(others, vals))
        for i, v in fixed.items():
            cases[i].victims = v
        if "child_cases" in totals:
            child_rows = [i for i in idx_all if i not in non_child]
            kids = _partition(rng, totals["victims_children"], len(child_rows), mins=[1] * len(child_rows),
                              caps=[cases[i].victims for i in child_rows])
            for i in idx_all:
                cases[i].children = 0
            for i, k in zip(child_rows, kids):
                cases[i].children = k
    for c in cases:  # keep the free metrics within the (new) number of victims
        c.children = min(c.children, c.victims)
        c.women = min(c.women, c.victims)
        c.rescued = min(c.rescued, c.victims)
        c.supported = min(c.supported, c.victims)
    attr = {"victims_rescued": "rescued", "victims_supported": "supported", "suspects_arrested": "suspects"}
    for metric, name in attr.items():
        done: set[int] = set()
        outer_rest = totals.get(metric)
        for rows, t in inner.values():
            if metric in t:
                caps = [cases[i].victims for i in rows] if metric != "suspects_arrested" else None
                vals = _partition(rng, t[metric], len(rows), caps=caps)
                for i, v in zip(rows, vals):
                    setattr(cases[i], name, v)
                done.update(rows)
                if outer_rest is not None:
                    outer_rest -= t[metric]
        if outer_rest is not None:
            rows = [i for i in idx_all if i not in done]
            caps = [cases[i].victims for i in rows] if metric != "suspects_arrested" else None
            vals = _partition(rng, outer_rest, len(rows), caps=caps)
            for i, v in zip(rows, vals):
                setattr(cases[i], name, v)


def _published_groups() -> dict[tuple[int, int], dict]:
    """(year, half) -> {"national": {metric: total}, "provinces": {code: {metric: total}}}."""
    out: dict[tuple[int, int], dict] = {}
    for _, r in facts.published_totals().iterrows():
        start, end = r["period_start"].date(), r["period_end"].date()
        half = 1 if start.month == 1 and end.month == 6 else 2
        key = (start.year, half)
        if start.year != end.year or (start, end) != store.bucket_bounds(start.year, "half", half):
            raise ValueError(f"published total {r['figure_id']} is not a half-year")
        g = out.setdefault(key, {"national": {}, "provinces": {}})
        if r["scope"] == "national":
            g["national"][r["metric"]] = int(r["value"])
        else:
            g["provinces"].setdefault(r["province_code"], {})[r["metric"]] = int(r["value"])
    return out


def _generate_cases(rng, geo: _Geo) -> list[_Case]:
    groups = _published_groups()
    codes = sorted(geo.provinces)
    weights = np.array([geo.province_weight(c) for c in codes])
    cases: list[_Case] = []
    for year in YEARS:
        for half in (1, 2):
            start, end = store.bucket_bounds(year, "half", half)
            g = groups.get((year, half), {"national": {}, "provinces": {}})
            n_total = g["national"].get("n_cases", int(rng.integers(48, 68)))
            fixed_counts = {}
            for code, t in g["provinces"].items():
                if "n_cases" in t:
                    fixed_counts[code] = t["n_cases"]
                else:  # e.g. Yên Bái H1 2024: enough rows to hold a published victims-supported total
                    fixed_counts[code] = int(rng.integers(4, 7))
            free = n_total - sum(fixed_counts.values())
            mask = np.array([c not in fixed_counts for c in codes])
            p = np.where(mask, weights, 0.0)
            drawn = rng.choice(len(codes), size=free, p=p / p.sum())
            prov_list = [c for c, k in sorted(fixed_counts.items()) for _ in range(k)] + [codes[i] for i in drawn]
            period_cases: list[_Case] = []
            for code in prov_list:
                prov, dist, com = _place(rng, geo, code)
                c = _Case((year, half), prov, dist, com, _random_day(rng, start, end))
                _fill_case(rng, c, geo)
                period_cases.append(c)
            if g["national"] or g["provinces"]:
                inner = {code: ([i for i, c in enumerate(period_cases) if c.prov.code == code], t)
                         for code, t in g["provinces"].items()}
                if "child_cases" in g["national"]:
                    # rows without child victims are taken outside the inner scopes
                    inner_idx = {i for rows, _ in inner.values() for i in rows}
                    order = [i for i in range(len(period_cases)) if i not in inner_idx] + sorted(inner_idx)
                    period_cases = [period_cases[i] for i in order]
                    inner = {code: ([i for i, c in enumerate(period_cases) if c.prov.code == code], t)
                             for code, t in g["provinces"].items()}
                _fit_group(rng, period_cases, g["national"], inner)
            period_cases.sort(key=lambda c: (c.day, c.prov.code))
            cases.extend(period_cases)
    return cases


_HALF_TEXT = {1: "6 tháng đầu năm {y}", 2: "6 tháng cuối năm {y}"}


def _cases_frame(cases: list[_Case], geo: _Geo) -> pd.DataFrame:
    reg = geo.reg
    form_vi = {c.code: c.vi for c in S.FORMS.choices}
    agency_vi = {c.code: c.vi for c in S.AGENCIES.choices}
    rows = []
    agg: dict[tuple, dict] = {}
    n = 0
    for c in cases:
        year, half = c.period
        if c.prov.code in AGGREGATE_PROVINCES and year <= AGGREGATE_UNTIL_YEAR:
            key = (c.prov.code, c.dist.code, year, half)
            a = agg.setdefault(key, {"case": c, "n": 0, "victims": 0, "children": 0, "women": 0, "rescued": 0,
                                     "supported": 0, "suspects": 0})
            a["n"] += 1
            for k in ("victims", "children", "women", "rescued", "supported", "suspects"):
                a[k] += getattr(c, k)
            continue
        n += 1
        post = c.day >= S.ERA_CHANGE
        if post:
            prov = reg.province_2025_of(c.prov)
            com = None
            if c.com is not None:
                succ = reg.communes_2025_of(c.com)
                com = succ[0] if succ else None
            dist = None
        else:
            prov, dist, com = c.prov, c.dist, c.com
        rows.append({
            "case_id": f"DEMO-{c.day.year}-{n:05d}", "record_type": "Vụ việc", "date": c.day.strftime("%d/%m/%Y"),
            "period": "", "place_era": "2025" if post else "trước 2025",
            "province": prov.full_name_vi, "province_code": prov.code,
            "district": dist.full_name_vi if dist else "", "district_code": dist.code if dist else "",
            "commune": com.full_name_vi if com else "", "commune_code": com.code if com else "",
            "form": form_vi[c.form], "n_cases": "", "victims": c.victims, "victims_children": c.children,
            "victims_women": c.women, "victims_rescued": c.rescued, "victims_supported": c.supported,
            "suspects_arrested": c.suspects, "destination_country": COUNTRIES[c.dest], "route": c.route or "",
            "border_gate": c.gate or "", "agency": agency_vi[c.agency], "is_demo": 1,
        })
    for i, (key, a) in enumerate(sorted(agg.items()), start=1):
        prov_code, dist_code, year, half = key
        c = a["case"]
        rows.append({
            "case_id": f"DEMO-TH-{year}-{i:04d}", "record_type": "Số liệu tổng hợp", "date": "",
            "period": _HALF_TEXT[half].format(y=year), "place_era": "trước 2025",
            "province": c.prov.full_name_vi, "province_code": c.prov.code,
            "district": c.dist.full_name_vi, "district_code": c.dist.code, "commune": "", "commune_code": "",
            "form": "", "n_cases": a["n"], "victims": a["victims"], "victims_children": a["children"],
            "victims_women": a["women"], "victims_rescued": a["rescued"], "victims_supported": a["supported"],
            "suspects_arrested": a["suspects"], "destination_country": "", "route": "", "border_gate": "",
            "agency": agency_vi["police"], "is_demo": 1,
        })
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Key areas, prevention models, targets
# --------------------------------------------------------------------------------------------------
def _key_areas(rng, geo: _Geo) -> dict[str, dict[int, list]]:
    out: dict[str, dict[int, list]] = {}
    for prov, size in sorted(KEY_AREA_PROVINCES.items()):
        districts = sorted(geo.districts.get(prov, []), key=lambda u: u.code)
        border = [d for d in districts if d.code in geo.border or d.code in geo.hotspot_districts]
        pool_d = border or districts
        pool = [c for d in pool_d for c in geo.communes_of(d.code)]
        if len(pool) < size + 5:
            pool = [c for d in districts for c in geo.communes_of(d.code)]
        first = [c for c in pool if c.code in geo.hotspot_communes]
        rest = [c for c in pool if c.code not in geo.hotspot_communes]
        order = first + [rest[i] for i in rng.permutation(len(rest))]
        base, reserve = order[:size], order[size:]
        years: dict[int, list] = {}
        current = list(base)
        for year in YEARS:
            if year > YEARS[0] and reserve:
                # each year the province drops one commune from the list and adds one or two
                if len(current) > 3:
                    current.pop(int(rng.integers(len(first), len(current))) if len(current) > len(first) else -1)
                for _ in range(1 + int(year >= 2023)):
                    if reserve:
                        current.append(reserve.pop(0))
            years[year] = sorted(current, key=lambda u: u.code)
        out[prov] = years
    return out


def _key_areas_frame(ka: dict[str, dict[int, list]], geo: _Geo) -> pd.DataFrame:
    rows = []
    for prov, years in ka.items():
        for year, communes in years.items():
            for c in communes:
                rows.append({"year": year, "place_era": "trước 2025", "province": c.province_name_vi,
                             "province_code": c.province_code, "district": c.district_name_vi or "",
                             "commune": c.full_name_vi, "commune_code": c.code,
                             "basis": f"Kế hoạch minh họa {year} (DEMO)", "is_demo": 1})
    return pd.DataFrame(rows)


_MODEL_NAMES = {
    "community_team": "Tổ phòng, chống mua bán người {c}",
    "trusted_address": "Địa chỉ tin cậy {c}",
    "club": "Câu lạc bộ phòng, chống mua bán người {c}",
    "peaceful_house": "Ngôi nhà Bình yên {p}",
}


def _models_frame(rng, ka: dict[str, dict[int, list]], geo: _Geo) -> pd.DataFrame:
    reg = geo.reg
    type_vi = {c.code: c.vi for c in S.MODEL_TYPES.choices}
    status_vi = {c.code: c.vi for c in S.MODEL_STATUSES.choices}
    rows = []
    for prov, years in ka.items():
        communes = {c.code: c for cs in years.values() for c in cs}
        plan: list[tuple] = []
        for code in sorted(communes):
            if rng.random() < 0.8:
                start_year = int(rng.choice(np.arange(2018, 2026), p=np.array([1, 1, 2, 3, 3, 3, 2, 1]) / 16))
                plan.append((communes[code], _pick(rng, {"community_team": 0.55, "trusted_address": 0.3, "club": 0.15}),
                             start_year))
                if rng.random() < 0.25:
                    plan.append((communes[code], "trusted_address", min(2025, start_year + int(rng.integers(0, 3)))))
        capital = sorted(geo.districts.get(prov, []), key=lambda u: u.code)[0]
        cap_communes = geo.communes_of(capital.code)
        if cap_communes:
            plan.append((cap_communes[0], "peaceful_house", 2019))
        for i, (c, mtype, start_year) in enumerate(plan, start=1):
            start = _random_day(rng, date(start_year, 1, 1), date(start_year, 12, 31))
            status, end = "active", None
            r = rng.random()
            room = start + timedelta(days=200) <= date(2025, 6, 30)  # ended/paused at least 200 days after it began
            if r < 0.08 and start_year < 2025 and room:
                status, end = "ended", _random_day(rng, start + timedelta(days=200), date(2025, 6, 30))
            elif r < 0.13 and start_year < 2025 and room:
                status, end = "paused", _random_day(rng, start + timedelta(days=200), date(2025, 6, 30))
            post = start >= S.ERA_CHANGE
            com, dist = c, c
            if post:
                succ = reg.communes_2025_of(c)
                com = succ[0]
            prov_unit = reg.province_2025_of(geo.provinces[prov]) if post else geo.provinces[prov]
            rows.append({
                "model_id": f"DEMO-MH-{prov}-{i:04d}",
                "name": _MODEL_NAMES[mtype].format(c=com.full_name_vi, p=prov_unit.name_vi) + " (minh họa)",
                "model_type": type_vi[mtype], "place_era": "2025" if post else "trước 2025",
                "province": prov_unit.full_name_vi, "province_code": prov_unit.code,
                "district": "" if post else (dist.district_name_vi or ""),
                "commune": com.full_name_vi, "commune_code": com.code,
                "start_date": start.strftime("%d/%m/%Y"), "status": status_vi[status],
                "end_date": end.strftime("%d/%m/%Y") if end else "", "is_demo": 1,
            })
    return pd.DataFrame(rows)


def _targets_frame(rng, geo: _Geo) -> pd.DataFrame:
    published = facts.published_targets()
    have = {(r["province_code"], int(r["year"])) for _, r in published.iterrows()
            if r["indicator"] == "key_area_model_coverage"}
    label = S.INDICATORS.get("key_area_model_coverage").vi
    rows = []
    for prov in sorted(KEY_AREA_PROVINCES):
        for year in YEARS:
            if (prov, year) in have:
                continue  # a published target exists: never shadow it with a demo one
            value = 25 + 5 * (year - YEARS[0]) + 5 * int(rng.integers(0, 2))
            rows.append({"target_id": f"DEMO-CT-{prov}-{year}", "year": year, "province": geo.provinces[prov].full_name_vi,
                         "province_code": prov, "indicator": label, "comparator": "Ít nhất (≥)", "value": value,
                         "unit": "%", "source": f"{S.DEMO_LABEL} (không phải chỉ tiêu thật)", "is_demo": 1})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Months after the committed files: January 2026 up to the current month
# --------------------------------------------------------------------------------------------------
def through_month(today: date | None = None) -> date:
    """First day of the last demo month: ``TDN_DEMO_THROUGH`` (``YYYY-MM``) or the current month."""
    text = os.environ.get("TDN_DEMO_THROUGH", "").strip()
    if text:
        y, m = text.split("-")[:2]
        return date(int(y), int(m), 1)
    today = today or date.today()
    return date(today.year, today.month, 1)


def recent_months(through: date) -> list[tuple[int, int]]:
    """(year, month) from :data:`FIRST_RECENT` to ``through`` inclusive (empty before 2026)."""
    out = []
    y, m = FIRST_RECENT.year, FIRST_RECENT.month
    while (y, m) <= (through.year, through.month):
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _recent_cases(seed: int, geo: _Geo, through: date, today: date) -> pd.DataFrame:
    codes = sorted(geo.provinces)
    weights = np.array([geo.province_weight(c) for c in codes])
    frames = []
    for year, month in recent_months(through):
        rng = np.random.default_rng([seed, year, month])  # one stream per month: earlier months never change
        start, end = periods.bucket_bounds(year, "month", month)
        if start > today:
            continue
        end = min(end, today)
        n = int(rng.integers(7, 12))  # about the pace of the committed years (48–68 cases a half-year)
        drawn = rng.choice(len(codes), size=n, p=weights / weights.sum())
        month_cases = []
        for i in drawn:
            prov, dist, com = _place(rng, geo, codes[int(i)])
            c = _Case((year, 1 if month <= 6 else 2), prov, dist, com, _random_day(rng, start, end))
            _fill_case(rng, c, geo)
            month_cases.append(c)
        month_cases.sort(key=lambda c: (c.day, c.prov.code))
        df = _cases_frame(month_cases, geo)
        df["case_id"] = [f"DEMO-{year}{month:02d}-{k:03d}" for k in range(1, len(df) + 1)]
        frames.append(df)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _recent_key_areas(geo: _Geo, years: list[int], fixed: pd.DataFrame) -> pd.DataFrame:
    """Each province keeps its last committed list (2025), in the 2025 communes the communes were merged into."""
    reg = geo.reg
    last = fixed[fixed["year"].astype(int) == YEARS[-1]]
    rows = []
    for year in years:
        seen = set()
        for _, r in last.iterrows():
            succ = reg.communes_2025_of(str(r["commune_code"]).zfill(5))
            if not succ:
                continue
            com = succ[0]
            prov = reg.province_2025_of(geo.provinces[str(r["province_code"]).zfill(2)])
            if (prov.code, com.code) in seen:
                continue
            seen.add((prov.code, com.code))
            rows.append({"year": year, "place_era": "2025", "province": prov.full_name_vi,
                         "province_code": prov.code, "district": "", "commune": com.full_name_vi,
                         "commune_code": com.code, "basis": f"Kế hoạch minh họa {year} (DEMO)", "is_demo": 1})
    return pd.DataFrame(rows)


def _recent_targets(geo: _Geo, years: list[int]) -> pd.DataFrame:
    published = facts.published_targets()
    have = {(str(r["province_code"]), int(r["year"])) for _, r in published.iterrows()
            if r["indicator"] == "key_area_model_coverage"}
    label = S.INDICATORS.get("key_area_model_coverage").vi
    provinces = sorted({geo.reg.province_2025_of(geo.provinces[p]).code: geo.reg.province_2025_of(geo.provinces[p])
                        for p in KEY_AREA_PROVINCES}.items())
    rows = []
    for year in years:
        for code, unit in provinces:
            if (code, year) in have:
                continue
            value = min(70, 25 + 5 * (year - YEARS[0]))
            rows.append({"target_id": f"DEMO-CT-2025-{code}-{year}", "year": year, "province": unit.full_name_vi,
                         "province_code": code, "indicator": label, "comparator": "Ít nhất (≥)", "value": value,
                         "unit": "%", "source": f"{S.DEMO_LABEL} (không phải chỉ tiêu thật)", "is_demo": 1})
    return pd.DataFrame(rows)


def generate_recent(through: date | None = None, seed: int = SEED, reg=None, folder: Path = DEMO_DIR,
                    today: date | None = None) -> dict[str, pd.DataFrame]:
    """The demo tables of the months after the committed files, up to ``through`` (empty dict before 2026).

    Reproducible: the rows of a month depend only on the seed and the month (and, for the current month,
    on the days already gone).
    """
    through = through or through_month(today)
    today = today or date.today()
    if through < FIRST_RECENT:
        return {}
    if reg is None:
        from geo.admin.registry import load_registry

        reg = load_registry()
    geo = _Geo(reg)
    years = sorted({y for y, _ in recent_months(through)})
    fixed_ka = pd.read_csv(Path(folder) / FILES["key_areas"], comment="#", dtype=str, encoding="utf-8-sig")
    fixed_ka = fixed_ka.rename(columns={c.vi: c.key for c in S.IMPORT_KINDS["key_areas"].columns})
    return {
        "cases": _recent_cases(seed, geo, through, min(today, periods.bucket_bounds(through.year, "month", through.month)[1])),
        "key_areas": _recent_key_areas(geo, years, fixed_ka),
        "targets": _recent_targets(geo, years),
    }


def write_recent(frames: dict[str, pd.DataFrame], folder: Path = DEMO_DIR, seed: int = SEED) -> list[Path]:
    """Write the recent months' files into ``folder/recent`` (atomically: several loads may run at once)."""
    out = Path(folder) / RECENT_SUBDIR
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, name in RECENT_FILES.items():
        path = out / name
        if kind not in frames or frames[kind].empty:
            path.unlink(missing_ok=True)
            continue
        tmp = out / f".{name}.{os.getpid()}.tmp"
        tmp.write_bytes(to_csv_bytes(kind, frames[kind], seed))
        os.replace(tmp, path)
        paths.append(path)
    return paths


# --------------------------------------------------------------------------------------------------
# Generate, write, load
# --------------------------------------------------------------------------------------------------
def generate(seed: int = SEED, reg=None) -> dict[str, pd.DataFrame]:
    """The demo tables (column keys of :mod:`geo.data.schema`), reproducible for a given seed and registry."""
    if reg is None:
        from geo.admin.registry import load_registry

        reg = load_registry()
    rng = np.random.default_rng(seed)
    geo = _Geo(reg)
    cases = _generate_cases(rng, geo)
    ka = _key_areas(rng, geo)
    return {
        "cases": _cases_frame(cases, geo),
        "key_areas": _key_areas_frame(ka, geo),
        "prevention_models": _models_frame(rng, ka, geo),
        "targets": _targets_frame(rng, geo),
    }


def to_csv_bytes(kind: str, df: pd.DataFrame, seed: int = SEED) -> bytes:
    """The demo file: the DEMO header line, then Vietnamese headers (UTF-8 with BOM)."""
    spec = S.IMPORT_KINDS[kind]
    out = df.rename(columns={c.key: c.vi for c in spec.columns})
    buf = io.StringIO()
    buf.write(HEADER_LINE.format(seed=seed) + "\n")
    out.to_csv(buf, index=False, lineterminator="\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_files(frames: dict[str, pd.DataFrame], folder: Path = DEMO_DIR, seed: int = SEED) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, name in FILES.items():
        path = folder / name
        path.write_bytes(to_csv_bytes(kind, frames[kind], seed))
        paths.append(path)
    return paths


def remove_demo(engine: Engine | None = None, conn=None, checksums: set[str] = frozenset()) -> int:
    """Delete every demo import (rows and log entries). Rows a user imported are never touched."""
    def run(c) -> int:
        i = S.imports.c
        ids = [r[0] for r in c.execute(select(i.id).where(or_(i.origin == "demo", i.checksum.in_(list(checksums))))).all()]
        removed = 0
        if ids:
            c.execute(delete(S.case_rollup).where(S.case_rollup.c.import_id.in_(ids)))
        for table in S.DATA_TABLES:
            if ids:
                removed += c.execute(delete(table).where(table.c.import_id.in_(ids))).rowcount or 0
        if ids:
            c.execute(delete(S.replaced_rows).where(S.replaced_rows.c.import_id.in_(ids)))
            c.execute(delete(S.imports).where(i.id.in_(ids)))
        c.execute(delete(S.case_overlaps).where(S.case_overlaps.c.is_demo.is_(True)))  # demo rows meet only demo rows
        return removed

    if conn is not None:
        return run(conn)
    with store.write_transaction(engine or store.get_engine()) as c:
        return run(c)


def demo_files(folder: Path = DEMO_DIR, through: date | None = None) -> list[tuple[str, Path]]:
    """(kind, path) of every demo file a load reads: the committed ones, then the recent months' ones."""
    folder = Path(folder)
    out = [(kind, folder / name) for kind, name in FILES.items()]
    if (through or through_month()) >= FIRST_RECENT:
        out += [(kind, folder / RECENT_SUBDIR / name) for kind, name in RECENT_FILES.items()
                if (folder / RECENT_SUBDIR / name).exists()]
    return out


def load_demo(engine: Engine | None = None, folder: Path = DEMO_DIR, reg=None, through: date | None = None,
              seed: int = SEED) -> dict[str, int]:
    """Replace the demo rows in the store with the files of ``folder``, in one transaction.

    The recent months' files (January 2026 up to ``through``, by default the current month) are generated
    first into ``folder/recent``. Every file is validated first; if any has an error nothing changes and
    :class:`DemoError` is raised. Returns the number of rows loaded per table (both files of a kind summed).
    """
    from geo.data import importer
    engine = engine or store.get_engine()
    through = through or through_month()
    if through >= FIRST_RECENT:
        write_recent(generate_recent(through, seed=seed, reg=reg, folder=folder), folder, seed)
    reports = []
    for kind, path in demo_files(folder, through):
        report = importer.validate_file(path, kind=kind, engine=engine, reg=reg, demo=True, check_store=False)
        if report.errors:
            raise DemoError(report.to_text("en", max_lines=20))
        reports.append((kind, path, report))
    checksums = {r.checksum for _, _, r in reports}
    counts = {}
    with store.write_transaction(engine) as conn:  # several `geo demo` at once take turns
        remove_demo(conn=conn, checksums=checksums)
        for kind, path, _ in reports:
            try:
                written = importer.write_file(conn, path, kind, user="geo demo", origin="demo", demo=True, reg=reg)
            except ValueError as exc:
                raise DemoError(str(exc)) from None
            counts[kind] = counts.get(kind, 0) + written.n_written
    return counts


def demo_is_stale(engine: Engine | None = None, folder: Path = DEMO_DIR, seed: int = SEED) -> bool:
    """True when the store holds demo imports but not those of today's demo files (e.g. a new month began).

    A store whose demo data was removed is left without it.
    """
    from geo.data import importer
    engine = engine or store.get_engine()
    i = S.imports.c
    with engine.connect() as c:
        loaded = {r[0] for r in c.execute(select(i.checksum).where(i.origin == "demo", i.undone_at.is_(None))).all()}
    if not loaded:
        return False
    through = through_month()
    if through >= FIRST_RECENT:
        write_recent(generate_recent(through, seed=seed, folder=folder), folder, seed)
    wanted = {importer._checksum(path.read_bytes()) for _, path in demo_files(folder, through)}
    return not wanted <= loaded


def main_demo(argv: list[str] | None = None) -> int:
    """``python -m geo demo [--regenerate] [--seed N] [--remove] [--no-load] [--if-stale]``."""
    parser = argparse.ArgumentParser(prog="python -m geo demo",
                                     description=f"{S.DEMO_LABEL}: load (or rebuild) the demonstration data.")
    parser.add_argument("--regenerate", action="store_true", help="rebuild data/demo/*.csv from the generator first")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--remove", action="store_true", help="remove all demo rows from the store and stop")
    parser.add_argument("--no-load", action="store_true", help="only write the files")
    parser.add_argument("--folder", default=str(DEMO_DIR))
    parser.add_argument("--if-stale", action="store_true",
                        help="only when the store holds demo data older than the current month (run at start)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    t0 = time.perf_counter()
    if args.remove:
        n = remove_demo()
        print(f"{S.DEMO_LABEL}: {n} rows removed.")
        return 0
    folder = Path(args.folder)
    missing = [name for name in FILES.values() if not (folder / name).exists()]
    if args.regenerate or missing:
        write_files(generate(args.seed), folder, args.seed)
        print(f"{S.DEMO_LABEL}: files written to {folder} (seed {args.seed}).")
    if args.no_load:
        return 0
    if args.if_stale and not demo_is_stale(folder=folder, seed=args.seed):
        print(f"{S.DEMO_LABEL}: up to date (or removed from the store); nothing loaded.")
        return 0
    try:
        counts = load_demo(folder=folder, seed=args.seed)
    except DemoError as exc:
        print(f"{S.DEMO_LABEL}: the demo files did not validate; the store was not changed.\n{exc}")
        return 1
    summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
    print(f"{S.DEMO_LABEL}: loaded rows: {summary} ({time.perf_counter() - t0:.1f} s).")
    return 0


main = main_demo
