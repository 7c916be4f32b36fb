"""View model of the Prevention page: the share of key-area communes with a specialised prevention
model at the end of the year of ``period`` (latest year with a list when none), in the page's classes
around the target (:mod:`geo.stats.prevention`), per district (per 2025 commune or province in the 2025
era; ``border`` keeps the units on that border); a progress table against the target with its source.
Commune counts only, so nothing is suppressed there.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from geo.periods import format_date
from geo.data import schema as S
from geo.stats.classify import format_number
from geo.i18n import t
from geo.views.mapspec import (
    MapSpec,
    place_text,
    short_province,
    unit_full_name,
    view_units,
)
from geo.i18n.views import _PTEXT
from geo.views.model import ViewModel
from geo.views.spec import BriefingError, ViewSpec, MAX_TABLE_LINES, _tx, parse_period



def _ptx(key: str, lang: str, **kw) -> str:
    vi, en = _PTEXT[key]
    return (en if lang == "en" else vi).format(**kw)


def _prevention_briefing(req: ViewSpec, engine, made_on: date) -> ViewModel:
    """Coverage of key-area communes by a prevention model (:mod:`geo.stats.prevention`): the map of the page
    (districts before 2025; 2025 communes in a province, 2025 provinces nationally; the units on a border
    with ``border``) in the page's classes around the target, the progress table, the key figures, and
    where the target comes from. Commune counts only: nothing to suppress."""
    from dataclasses import replace as dc_replace

    from geo.stats import prevention as P
    from geo.data import store
    from geo.views.mapspec import _unit_layer_name

    lang = req.lang
    tr = lambda key, **kw: P.TEXT[key][1 if lang == "en" else 0].format(**kw)  # noqa: E731
    kind = "border" if req.border else "choropleth"
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    place = place_text(base)
    years = P.list_years(req.era, req.province, engine)
    year = req.period.end.year if req.period.end is not None else (years[-1] if years else None)
    if year is None or year not in years:
        listed = f" (years with a list: {', '.join(map(str, years))})" if years else " (none at all)"
        raise BriefingError(f"no key-area commune list for {place_text(dc_replace(base, lang='en'))}, "
                            f"{year or 'any year'}{listed}. Import one (python -m geo import FILE) or load the "
                            "demo data (python -m geo demo).")
    req = dc_replace(req, period=parse_period(str(year)))
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    unit_layer = _unit_layer_name(req.era, req.province, kind, req.border)
    unit_column = {"districts_pre2025": "district_code5", "communes_2025": "commune_code_2025",
                   "provinces_2025": "prov_code_2025"}[unit_layer]
    codes = [str(c) for c in units["code"]]
    key = P.key_commune_status(year, req.era, req.province, lang, engine)
    if req.border:  # only the key-area communes in the units on the border
        key = key[key[unit_column].isin(codes)]
        if key.empty:
            raise BriefingError(f"no key-area commune of the {year} list lies in {place_text(dc_replace(base, lang='en'))}")
    placed = key[key[unit_column].isin(codes)]
    per_unit = P.coverage_summary(placed, unit_column) if len(placed) else pd.DataFrame(
        columns=[unit_column, "key_communes", "covered_communes", "coverage_pct", "is_demo"])
    values = {str(c): P.class_value(v) for c, v in zip(per_unit[unit_column], per_unit["coverage_pct"])}

    # the lists (provinces of the list's era) of the scope, with their targets
    lists = store.coverage_frame(year, engine=engine)
    lists = lists[lists["province_code"].isin(key["province_code"])].reset_index(drop=True)
    single = len(lists) == 1
    target = float(lists["target_value"].iloc[0]) if single and pd.notna(lists["target_value"].iloc[0]) else None
    comparator = lists["target_comparator"].iloc[0] if single else None
    targets = lists.set_index("province_code")
    cls = P.coverage_classes(values, target)

    # the table, lowest coverage first, as on the page: districts with key-area communes (a province or
    # a border before 2025), else the lists (the provinces that drew them up, before the 2025 reform)
    national = req.province is None and not req.border
    by_units = req.era == "pre2025" and not national
    if not by_units:
        lines = pd.DataFrame({
            "label": lists["province_name"].astype(str) + ("" if req.era == "pre2025" else " " + t("historical", lang)),
            "key_communes": lists["key_communes"], "covered_communes": lists["covered_communes"],
            "coverage_pct": lists["coverage_pct"], "target": lists["target_value"],
            "comparator": lists["target_comparator"]})
        table_title = _ptx("table_lists", lang)
        first = _tx("province", lang)
    else:
        names = units.set_index(units["code"].astype(str))
        summary = per_unit.copy()
        summary["label"] = [unit_full_name(names.loc[str(c)], unit_layer) for c in summary[unit_column]]
        one_list = placed.groupby(unit_column)["province_code"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else None)
        list_of = summary[unit_column].map(one_list)
        summary["target"] = list_of.map(targets["target_value"]) if len(targets) else None
        summary["comparator"] = list_of.map(targets["target_comparator"]) if len(targets) else None
        lines = summary[["label", "key_communes", "covered_communes", "coverage_pct", "target", "comparator"]]
        table_title = _ptx("table_units", lang, level=_tx("level_district", lang))
        first = t("district", lang)
    lines = lines.assign(meets=[P.meets_target(v, c, tv) for v, c, tv in
                                zip(lines["coverage_pct"], lines["comparator"], lines["target"])])
    lines = lines.sort_values(["coverage_pct", "label"], na_position="first").reset_index(drop=True)
    meets_known = [m for m in lines["meets"] if m is not None]

    def meets_words(m) -> str:
        return "—" if m is None else _ptx("meets_yes" if m else "meets_no", lang)

    def row_of(label, n_key, n_cov, share, tv, tc, m) -> list[str]:
        return [label, format_number(n_key, lang), format_number(n_cov, lang), P.pct_text(share, lang),
                P.target_text(tv, tc, lang), meets_words(m)]

    shown = lines
    rows = []
    if len(lines) > MAX_TABLE_LINES + 1:
        shown, rest = lines.iloc[:MAX_TABLE_LINES], lines.iloc[MAX_TABLE_LINES:]
    for r in shown.itertuples():
        rows.append(row_of(r.label, r.key_communes, r.covered_communes, r.coverage_pct, r.target, r.comparator, r.meets))
    if len(shown) < len(lines):
        n_k, n_c = int(rest["key_communes"].sum()), int(rest["covered_communes"].sum())
        rows.append(row_of(_ptx("others", lang, n=len(rest)), n_k, n_c, 100.0 * n_c / n_k if n_k else None,
                           None, None, None)[:4] + ["", ""])
    n_key, n_cov = len(key), int(key["covered"].sum())
    total_pct = round(100.0 * n_cov / n_key, 1) if n_key else None
    rows.append(row_of(_ptx("total", lang, place=short_province(place)), n_key, n_cov, total_pct, target, comparator,
                       P.meets_target(total_pct, comparator, target)))
    header = [first, tr("key_communes"), tr("covered"), tr("coverage_short"), tr("target"), tr("meets")]
    table = pd.DataFrame(rows, columns=header)

    # key figures, as the page's cards
    target_words = P.target_text(target, comparator, lang, none=tr("no_target")) if single else (
        tr("no_target") if lists["target_value"].isna().all() else _ptx("targets_by_list", lang))
    kpis = [(f"{tr('province_coverage')}", P.pct_text(total_pct, lang)),
            (tr("target"), target_words),
            (_ptx("kpi_covered", lang), f"{n_cov}/{n_key}"),
            (_ptx("kpi_meets_districts" if by_units else "kpi_meets_lists", lang),
             f"{sum(meets_known)}/{len(meets_known)}" if meets_known else "—")]

    # notes: the denominator's era, the counting rule, the target's source
    n_pre = int((key["place_era"] == "pre2025").sum())
    n_new = n_key - n_pre
    notes = []
    if n_pre:
        notes.append(tr("era_pre", n=n_pre, year=year).replace("**", ""))
        successors = key.loc[key["place_era"] == "pre2025", "commune_code_2025"].dropna().nunique()
        if req.era == "2025" or year >= 2025:
            notes.append(tr("era_change", n=n_pre, m=successors))
    if n_new:
        notes.append(tr("era_new", n=n_new, year=year).replace("**", ""))
    notes.append(tr("model_rule"))
    sources: dict[tuple[str, str], list[str]] = {}  # (kind, source) -> provinces
    for r in lists[lists["target_source"].notna()].itertuples():
        what = tr("target_published") if r.target_is_published else (
            tr("target_demo") if r.target_is_demo else tr("target_imported"))
        sources.setdefault((what, str(r.target_source)), []).append(short_province(str(r.province_name)))
    for (what, text), provinces in list(sources.items())[:4]:
        notes.append(f"{tr('target_source')} ({', '.join(provinces)}; {what}): {text}")
    unplaced = n_key - len(placed)
    if unplaced and not req.border:
        notes.append(f"{unplaced} " + ("xã trọng điểm không xác định được đơn vị trên bản đồ."
                                       if lang == "vi" else "key-area communes could not be placed on this map."))
    notes.append(_ptx("no_victims", lang))

    demo_used = bool(key["is_demo"].any()) or bool(lists["is_demo"].any()) or bool(
        lists["target_is_demo"].fillna(False).astype(bool).any())
    list_era = P.list_era_words(key, lang)
    filters = " · ".join([t("era_pre2025" if req.era == "pre2025" else "era_2025", lang),
                          f"{tr('list_era_col')}: {list_era}", _tx(f"demo_{req.demo}", lang)])
    source = f"{_tx('data_source', lang)}: {_ptx('source_lists', lang)}"
    if demo_used:
        source += " · " + _tx("source_demo", lang, label=S.DEMO_LABEL)
    points, point_legend = (), ()
    if req.era == "pre2025" and req.province and not req.border:  # as the page shows them (approximate)
        placed_points = P.key_commune_points(key)
        points = [(r.lon, r.lat, *P.POINT_STYLES[bool(r.covered)]) for r in placed_points.itertuples()]
        point_legend = [(tr("key_communes"), "", "")] + [(tr(k), *P.POINT_STYLES[c]) for k, c in
                                                         (("has_model", True), ("no_model", False))]
        notes.append(_ptx("points_note", lang))
    map_labels = {} if national else {str(c): P.pct_text(v, lang) for c, v in
                                      zip(per_unit[unit_column], per_unit["coverage_pct"])}
    from geo.views.units import _highlight

    highlight, highlight_label = _highlight(req, kind)  # the district chosen in the filters, outlined
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   highlight=highlight, highlight_label=highlight_label,
                   metric="coverage", metric_label=f"{tr('coverage')} (%)", values=values,
                   value_labels={c: map_labels.get(c, "") for c in codes}, classification=cls,
                   no_data_label=tr("not_key_area"), label_low_first=True, points=points, point_legend=point_legend,
                   period_label=(tr("year_words_now", year=year, day=format_date(made_on, req.lang)) if year == made_on.year else tr("year_words", year=year)), filters_text=filters, demo=demo_used,
                   kpis=kpis, table=table, table_title=table_title, notes=notes, data_source=source,
                   made_on=made_on, suppress=req.suppress, threshold=req.threshold)
    return ViewModel(view=req, map=spec, table=table, table_status=None, kpis=kpis, made_on=made_on,
                    has_data=True)
