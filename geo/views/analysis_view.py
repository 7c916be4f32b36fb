"""View models of the analysis layers (``layer=gi``, the default of ``page=diem-nong``; ``layer=scan``,
``layer=agree`` and ``layer=change``; gi/change also on ``tong-quan`` and ``bien-gioi``): the class of every
unit, computed on the whole country as the hotspot page does — pre-2025 districts (``era=pre2025``) or the
3,321 communes of 2025 (``era=2025``) — with the classes, colours and labels of :mod:`geo.stats.hotspots`,
:mod:`geo.stats.clusters` and :mod:`geo.stats.change`. The table lists the flagged units of the view (or
the scan's clusters) with their counts protected ("<5") and no total; the key figures count units only.
"""
from __future__ import annotations

from datetime import date

import pandas as pd

from geo.data import schema as S
from geo.stats import suppression as sup
from geo.stats.classify import format_number
from geo.i18n import t
from geo.views.mapspec import (
    MapSpec,
    _unit_layer_name,
    short_province,
    view_units,
)
from geo.i18n.views import _ATEXT
from geo.views.model import ViewModel
from geo.views.spec import BriefingError, ViewSpec, MAX_TABLE_LINES, _analysis_metric, _display_metric, _metric_header, _metric_label, _tx, parse_period
from geo.views.units import _case_filter, _data_source, _highlight, _no_data_message, perturb_aggregate

_CONFIDENCE = {"hot_99": "99%", "hot_95": "95%", "hot_90": "90%"}
#: unit words per era (the analysis layer's units)
_UNIT_WORDS = {"pre2025": {"u": "huyện", "U": "Huyện", "u_en": "district", "U_en": "District"},
               "2025": {"u": "xã", "U": "Xã", "u_en": "commune", "U_en": "Commune"}}
#: (unit layer, aggregate grouping, aggregate code column) per era
_ERA_UNITS = {"pre2025": ("districts_pre2025", "district", "district_code5"),
              "2025": ("communes_2025", "commune", "commune_code")}


def _atx(key: str, lang: str, era: str = "pre2025", **kw) -> str:
    vi, en = _ATEXT[key]
    return (en if lang == "en" else vi).format(**(_UNIT_WORDS[era] | kw))


def _analysis_aggregate(req: ViewSpec, start, end, engine, keys: bool = False) -> pd.DataFrame:
    """Unit sums of the whole country (the analyses need every unit as context: no province filter; the
    user's scope still applies): pre-2025 districts, or 2025 communes for ``era=2025``. For a protected
    view the counts are perturbed (cell-key method) per unit, so every analysis works on protected
    figures; ``keys=True``: the true sums with their cell keys instead (for cells built from several
    units, e.g. a corridor, perturbed from their own keys)."""
    from geo.data import store
    f = _case_filter(req)
    f.pop("provinces", None)
    f.pop("provinces_2025", None)
    f["start"], f["end"] = start, end
    by = _ERA_UNITS.get(req.era, _ERA_UNITS["pre2025"])[1]
    try:
        agg = store.aggregate_cases(by, "all", filters=f, engine=engine)
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    if by == "commune" and not agg.empty and "place_era" in agg.columns:
        # only rows placed in a 2025 commune count as placed; older rows stay visible as unplaced
        agg = agg.assign(commune_code=agg["commune_code"].where(agg["place_era"].astype(str) == "2025"))
    return agg if keys else perturb_aggregate(req, agg)


def covered(req: ViewSpec):
    """Which units the data covers for the analyses: the whole country, or the user's scope."""
    return list(req.scope) if req.scope else "all"


def _covered(req: ViewSpec):
    """:func:`covered` in the units' own province codes (2025 codes for the communes)."""
    cov = covered(req)
    if req.era == "2025" and cov != "all":
        from geo.data import store

        return store.scope_provinces_2025(cov)
    return cov


#: the unit keeps the highest of its communes' classes, in this order (for the national 2025 map)
def _province_classes(values: dict, communes: pd.DataFrame, class_table: dict) -> dict:
    """The class of each 2025 province: the strongest (lowest order) class among its communes, "no data"
    or "not tested" only when every commune is."""
    prov = dict(zip(communes["code"].astype(str), communes["prov_code"].astype(str)))
    best: dict[str, str] = {}
    for code, cls in values.items():
        p = prov.get(code)
        if p is None:
            continue
        if p not in best or class_table[cls][0] < class_table[best[p]][0]:
            best[p] = cls
    return best


def _analysis_briefing(req: ViewSpec, engine, made_on: date) -> ViewModel:
    """Gi* classes (``layer=gi``), the spatial scan's clusters (``layer=scan``), the agreement of the two
    (``layer=agree``) or change classes (``layer=change``) per unit, with the classes, colours and labels
    of the interactive page; the table lists the flagged units (or the clusters) of the view with their
    counts protected, and no total."""
    from dataclasses import replace as dc_replace

    from geo.admin.cache import load_layer
    from geo.stats import change, clusters, hotspots
    from geo.views.filters import previous_period
    from geo.stats.classify import CategoryClasses

    lang = req.lang
    era = req.era if req.era in _ERA_UNITS else "pre2025"
    unit_layer, _, key = _ERA_UNITS[era]
    kind = req.page
    metric = _analysis_metric(req)
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    layer_frame = load_layer(unit_layer)
    national_2025 = era == "2025" and _unit_layer_name(req.era, req.province, kind, req.border) == "provinces_2025"
    if national_2025:  # the 34 provinces: the analysis units are their communes
        in_view = set(layer_frame.loc[layer_frame["prov_code"].astype(str).isin(set(units["code"].astype(str))),
                                      "code"].astype(str))
    else:
        in_view = set(str(c) for c in units["code"])
    if era == "2025":
        from geo.views.filters import previous_period as _prev

        first = date(2025, 7, 1)
        start = req.period.start
        if start is None or start < first or (req.layer == "change" and _prev(start, req.period.end)[0] < first):
            raise BriefingError(_atx("era_2025_period", lang, **_UNIT_WORDS["2025"]))
    current = _analysis_aggregate(req, req.period.start, req.period.end, engine)
    if current.empty:
        raise BriefingError(_no_data_message(req))
    frames = [current]
    previous_words = ""
    settings: dict = {}
    cluster_frame = pd.DataFrame()
    names = pd.DataFrame(layer_frame[[c for c in ("code", "name_vi", "full_name_vi", "name_vi_full", "prov_code",
                                                  "prov_name_vi") if c in layer_frame.columns]]).copy()
    names["code"] = names["code"].astype(str)
    if req.layer in ("gi", "scan", "agree"):
        result = clusters.cluster_analysis(current, metric=metric, covered=_covered(req), layer=unit_layer, key=key,
                                           with_scan=req.layer != "gi")
        table = result["gi"]
        settings = result["settings"]
        cluster_frame = result["clusters"]
        if req.layer != "gi":
            u = result["units"].set_index("code")
            table = table.assign(**{"class": table["code"].astype(str).map(
                u["scan_class" if req.layer == "scan" else "agree_class"]).to_numpy(),
                "cluster": table["code"].astype(str).map(u["cluster"]).to_numpy()})
        class_table = clusters.class_table(req.layer)
    else:
        p_start, p_end = previous_period(req.period.start, req.period.end)
        previous = _analysis_aggregate(req, p_start, p_end, engine)
        frames.append(previous)
        table = change.district_change(current, previous, covered=_covered(req), metric=metric,
                                       districts=layer_frame, key=key)
        class_table = change.CLASSES
        previous_words = parse_period(f"{p_start.isoformat()}/{p_end.isoformat()}").words(lang)
    table = table.assign(code=table["code"].astype(str))
    view = table[table["code"].isin(in_view)].copy()
    values = dict(zip(view["code"], view["class"]))
    if national_2025:
        values = _province_classes(values, layer_frame, class_table)
    full = CategoryClasses.from_table(class_table)
    present = set(values.values())
    cls = dc_replace(full, order=tuple(k for k in full.order if k in present))  # legend: the classes present

    # the listed units (or clusters) and their protected counts (no total: it would give a hidden count away)
    name_col = next((c for c in ("full_name_vi", "name_vi_full", "name_vi") if c in view.columns), "code")
    with_province = req.province is None
    W = {"era": era}
    nb_header = _atx("nb_count", lang, **W)
    if req.layer == "gi":
        listed = hotspots.rank_hotspots(view)
        count_cols = {"count": _metric_header(metric, lang), "neighbourhood_count": nb_header}
        class_header = _atx("class", lang, **W)
        class_text = {k: (f"{v} confidence" if lang == "en" else f"Tin cậy {v}") for k, v in _CONFIDENCE.items()}
        empty_text = _atx("no_hot", lang, **W)
    elif req.layer == "agree":
        order = {k: v[0] for k, v in clusters.AGREE_CLASSES.items()}
        listed = view[view["class"].isin(("both", "gi_only", "scan_only"))].copy()
        listed = listed.assign(_o=listed["class"].map(order)).sort_values(["_o", "z"], ascending=[True, False],
                                                                          kind="stable").drop(columns="_o")
        count_cols = {"count": _metric_header(metric, lang), "neighbourhood_count": nb_header}
        class_header = _atx("agree_col", lang, **W)
        class_text = {k: clusters.AGREE_CLASSES[k][3 if lang == "en" else 2] for k in ("both", "gi_only", "scan_only")}
        empty_text = _atx("no_flag", lang, **W)
    elif req.layer == "scan":
        listed = pd.DataFrame()
        count_cols = {"observed": _atx("observed", lang, **W)}
        class_header = ""
        class_text = {}
        empty_text = _atx("no_cluster", lang, **W)
    else:
        listed = change.top_changes(view, "increase", n=len(view))
        count_cols = {"previous": _atx("previous", lang, **W), "current": _atx("current", lang, **W)}
        class_header = _atx("change_class", lang, **W)
        class_text = {k: _atx(f"short_{k}", lang, **W) for k in change.INCREASE_CLASSES}
        empty_text = _atx("no_increase", lang, **W)
    threshold = req.threshold

    def protect(counts: pd.DataFrame):
        if req.protected:  # the counts are perturbed already (the aggregate): masked only
            return sup.protect_ckm(counts, list(count_cols), threshold, lang=lang)
        return sup.suppress_counts(counts, list(count_cols), threshold, enabled=req.suppress, lang=lang)

    if req.layer == "scan":
        header, rows, keys, status = _cluster_rows(req, cluster_frame, names, in_view, count_cols, protect, W)
        if not rows:
            rows.append([empty_text] + [""] * (len(header) - 1))
            keys.append("none")
    else:
        n_listed = len(listed)
        listed = listed.head(MAX_TABLE_LINES)
        keys = [f"u:{c}" for c in listed["code"]]
        counts = pd.DataFrame({c: pd.to_numeric(listed[c], errors="coerce").to_numpy() for c in count_cols},
                              index=keys)
        suppressed = protect(counts)
        if req.protected and era == "pre2025":  # beside a published province total (geo.views.units.part_hidden)
            from geo.views.units import part_hidden
            bounds = {"previous": previous_period(req.period.start, req.period.end) if req.layer == "change"
                      and req.period.start else (None, None)}
            suppressed = sup.hide_cells(suppressed, [
                (k_, c) for k_ in keys for c in count_cols
                if part_hidden(req, k_[2:4], metric, *bounds.get(c, (req.period.start, req.period.end)))])
        header = [_atx("district", lang, **W)] + ([_tx("province", lang)] if with_province else []) + [class_header] + \
            list(count_cols.values())
        rows = []
        for k_, (_, r) in zip(keys, listed.iterrows()):
            row = [str(r.get(name_col) or r.get("name_vi") or r["code"])]
            if with_province:
                row.append(short_province(str(r.get("prov_name_vi", ""))))
            row.append(class_text.get(r["class"], str(r["class"])))
            row += [suppressed.display.at[k_, c] for c in count_cols]
            rows.append(row)
        if n_listed > len(listed):
            rows.append([_atx("others_n", lang, n=format_number(n_listed - len(listed), lang), **W)]
                        + [""] * (len(header) - 1))
            keys.append("others")
        if not rows:
            rows.append([empty_text] + [""] * (len(header) - 1))
            keys.append("none")
        status = pd.DataFrame([[suppressed.status.at[k_, c] for c in count_cols] for k_ in keys if k_.startswith("u:")],
                              columns=list(count_cols.values()), index=[k_ for k_ in keys if k_.startswith("u:")])
    out_table = pd.DataFrame(rows, columns=header, index=keys)

    # key figures: unit counts only, written as a share so that no small number stands alone
    tested = view[~view["class"].isin(("not_tested", "no_data"))]
    n_tested = len(tested)
    if req.layer == "gi":
        kpis = [(_atx("kpi_hot", lang, **W), f"{int(view['class'].isin(hotspots.HOT_CLASSES).sum())}/{n_tested}"),
                (_atx("kpi_cold", lang, **W), f"{int(view['class'].isin(hotspots.COLD_CLASSES).sum())}/{n_tested}")]
    elif req.layer == "scan":
        sig = cluster_frame[cluster_frame["significant"].astype(bool)] if not cluster_frame.empty else cluster_frame
        n_sig = sum(1 for codes in (sig["codes"] if not sig.empty else []) if set(map(str, codes)) & in_view)
        kpis = [(_atx("kpi_clusters", lang, **W), format_number(n_sig, lang)),
                (_atx("kpi_in_clusters", lang, **W),
                 f"{int(view['class'].isin(('scan_mlc', 'scan_secondary')).sum())}/{n_tested}")]
    elif req.layer == "agree":
        kpis = [(_atx("kpi_both", lang, **W), f"{int((view['class'] == 'both').sum())}/{n_tested}"),
                (_atx("kpi_one", lang, **W), f"{int(view['class'].isin(('gi_only', 'scan_only')).sum())}/{n_tested}")]
    else:
        known_units = view[view["class"] != "no_data"]
        n_known = len(known_units)
        kpis = [(_atx("kpi_inc", lang, **W), f"{int(view['class'].isin(change.INCREASE_CLASSES).sum())}/{n_known}"),
                (_atx("kpi_dec", lang, **W), f"{int(view['class'].isin(change.DECREASE_CLASSES).sum())}/{n_known}")]

    demo_rows = int(sum(pd.to_numeric(f_["demo_rows"], errors="coerce").fillna(0).sum() for f_ in frames
                        if "demo_rows" in f_))
    all_rows = int(sum(pd.to_numeric(f_["n_rows"], errors="coerce").fillna(0).sum() for f_ in frames
                       if "n_rows" in f_))
    demo_used = demo_rows > 0 or bool(table.attrs.get("is_demo"))
    label = _atx(f"{req.layer}_label", lang, **W)
    metric_words = _metric_label(metric, lang)
    filters = [t("era_pre2025" if era == "pre2025" else "era_2025", lang),
               f"{_tx('metric', lang)}: {metric_words}"
               + (f" ({_atx('rate_words', lang, **W)})" if req.layer != "change" else "")]
    if req.forms:
        filters.append(f"{_tx('form', lang)}: " + ", ".join(S.FORMS.label(f_, lang) for f_ in req.forms))
    if req.agencies:
        filters.append(f"{_tx('agency', lang)}: " + ", ".join(S.AGENCIES.label(a, lang) for a in req.agencies))
    filters.append(_tx(f"demo_{req.demo}", lang))
    from geo.views.spec import _protection_words
    filters.append(_protection_words(req))
    notes = _analysis_notes(req, settings, metric, previous_words, W)
    if national_2025:
        notes.append(_atx("national_2025", lang, **W))
    notes.append(_atx("covered_note", lang, **W))
    mark_notes = {}
    index = 1 if lang == "en" else 0
    if req.protected:
        mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold)}
        notes.append(sup.NOTES["ckm"][index])
        if (out_table == sup.HIDDEN).to_numpy().any():
            from geo.views.units import published_note
            mark_notes[sup.HIDDEN] = published_note(req)
    elif req.suppress:
        mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold),
                      sup.HIDDEN: sup.NOTES["hidden"][index]}
    period_label = req.period.words(lang)
    if previous_words:
        period_label += " " + _atx("versus", lang, p=previous_words[:1].lower() + previous_words[1:], **W)
    highlight, highlight_label = _highlight(req, kind)
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   metric=req.layer, metric_label=f"{label}: {_display_metric(metric, lang)}",
                   highlight=highlight, highlight_label=highlight_label,
                   values=values, value_labels={c: "" for c in values}, classification=cls,
                   period_label=period_label, filters_text=" · ".join(filters), demo=demo_used,
                   kpis=kpis, table=out_table, table_total_rows=0,
                   table_title=_atx(f"{req.layer}_table", lang, **W),
                   notes=notes, mark_notes=mark_notes,
                   data_source=_data_source(req, engine, demo_used, all_rows - demo_rows > 0),
                   made_on=made_on, suppress=req.protected or req.suppress, threshold=req.threshold)
    options = {"analysis": settings} if settings else {}
    return ViewModel(view=req, map=spec, table=out_table, table_status=status, kpis=kpis, made_on=made_on,
                     has_data=True, figures={}, options=options)


def _analysis_notes(req: ViewSpec, settings: dict, metric: str, previous_words: str, W: dict) -> list[str]:
    """The method's notes, with its parameters (stated on the page and the export)."""
    lang = req.lang
    era = W["era"]
    if req.layer == "change":
        return [_atx("change_note", lang, prev=previous_words, **W)]
    from geo.admin.population import source_words

    unit_layer = _ERA_UNITS[era][0]
    notes = []
    total = settings.get("total") or 0
    if total < 10:
        notes.append(_atx("few_total", lang, n=format_number(10, lang), **W))  # no exact (small) total
    pop = source_words(unit_layer, lang)
    if req.layer in ("gi", "agree"):
        notes.append(_atx("gi_note", lang, pop=pop, ms=_in_words(settings.get("min_support", 3), lang), **W))
    if req.layer in ("scan", "agree"):
        share = int(round(100 * (settings.get("scan_max_share") or 0.1)))
        radius = settings.get("scan_max_radius_km")
        rvi = f" hoặc bán kính {int(radius)} km" if radius else ""
        ren = f" or a {int(radius)} km radius" if radius else ""
        notes.append(_atx("scan_note", lang, share=share, radius=rvi, radius_en=ren,
                          r=format_number(settings.get("scan_replicates", 999), lang), **W))
    if req.layer == "agree":
        notes.append(_atx("agree_note", lang, **W))
    phi = settings.get("phi") or 1.0
    if phi > 1.0:
        words = _metric_label(metric, "vi").lower()
        words_en = _metric_label(metric, "en")
        notes.append(_atx("phi_note", lang, m=words, m_en=words_en,
                          phi=f"{phi:.2f}".replace(".", "," if lang != "en" else "."), **W))
    if era == "2025":
        notes.append(_atx("commune_pop_note", lang, **W))
    return notes


def _cluster_rows(req: ViewSpec, clusters_df: pd.DataFrame, names: pd.DataFrame, in_view: set, count_cols: dict,
                  protect, W: dict):
    """Rows of the scan's cluster table: the significant clusters touching the view, then the strongest
    non-significant one (so the reader sees what was found and how sure it is)."""
    lang = req.lang
    header = [_atx("cluster_no", lang, **W), _atx("cluster_units", lang, **W), _atx("n_units", lang, **W),
              _atx("radius", lang, **W), _atx("observed", lang, **W), _atx("expected", lang, **W),
              _atx("oe", lang, **W), _atx("p_value", lang, **W), _atx("significant", lang, **W)]
    rows: list[list[str]] = []
    keys: list[str] = []
    if clusters_df is None or clusters_df.empty:
        return header, rows, keys, pd.DataFrame(columns=[header[4]])
    name_of = dict(zip(names["code"], names.get("name_vi", names["code"])))
    chosen = []
    for _, r in clusters_df.iterrows():
        members = [str(c) for c in r["codes"]]
        if not (set(members) & in_view):
            continue
        if bool(r["significant"]) or not chosen:
            chosen.append(r)
        if len(chosen) >= MAX_TABLE_LINES:
            break
    keys = [f"c:{int(r['cluster'])}" for r in chosen]
    counts = pd.DataFrame({"observed": [float(r["observed"]) for r in chosen]}, index=keys)
    protected = protect(counts)
    if req.protected:  # a cluster holding a part of a province with a published total (units.part_hidden)
        from geo.views.units import part_hidden
        metric = _analysis_metric(req)
        protected = sup.hide_cells(protected, [
            (k_, "observed") for k_, r in zip(keys, chosen)
            if any(part_hidden(req, str(c)[:2], metric, req.period.start, req.period.end) for c in r["codes"])])
    status_rows = []
    for k_, r in zip(keys, chosen):
        members = [str(c) for c in r["codes"]]
        shown = [name_of.get(c, c) for c in members[:6]]
        more = len(members) - len(shown)
        member_text = ", ".join(shown) + (f" (+{more})" if more > 0 else "")
        number = int(r["cluster"])
        label = _atx("cluster_mlc", lang, **W) if number == 1 else _atx("cluster_secondary", lang, n=number - 1, **W)
        obs = protected.display.at[k_, "observed"]
        small = protected.status.at[k_, "observed"] != sup.SHOWN
        rows.append([label, member_text, format_number(len(members), lang),
                     format_number(float(r["radius_km"]), lang, integer=False),
                     obs, _decimal(float(r["expected"]), lang),
                     sup.NO_DATA if small else f"{float(r['oe_ratio']):.2f}".replace(".", "," if lang != "en" else "."),
                     _p_text(float(r["p_value"]), lang),
                     _atx("yes" if bool(r["significant"]) else "no", lang, **W)])
        status_rows.append([protected.status.at[k_, "observed"]])
    status = pd.DataFrame(status_rows, columns=[header[4]], index=keys)
    return header, rows, keys, status


def _in_words(n: int, lang: str) -> str:
    """Small parameters in words ("ba vụ", "three cases"), so that no printed digit 1–4 reads as a count."""
    words = {"vi": ("không", "một", "hai", "ba", "bốn", "năm"), "en": ("zero", "one", "two", "three", "four", "five")}
    table = words["en" if lang == "en" else "vi"]
    return table[int(n)] if 0 <= int(n) < len(table) else str(n)


def _decimal(x: float, lang: str) -> str:
    text = f"{x:.1f}" if x >= 1 else f"{x:.2f}"
    return text.replace(".", ",") if lang != "en" else text


def _p_text(p: float, lang: str) -> str:
    text = f"{p:.3f}" if p >= 0.001 else "< 0.001"
    return text.replace(".", ",") if lang != "en" else text
