"""View models of the hotspot layers (``layer=gi``, the default of ``page=diem-nong``; ``layer=change``;
also on ``tong-quan`` and ``bien-gioi``): the Gi* or change class of every pre-2025 district, computed on
the whole country as the hotspot page does (:mod:`geo.stats.hotspots`, :mod:`geo.stats.change`; same classes, colours and
labels); the table lists the hot (or most increased) districts of the view with their counts protected
("<5") and no total; the key figures count districts only.
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
    short_province,
    view_units,
)
from geo.i18n.views import _ATEXT
from geo.views.model import ViewModel
from geo.views.spec import BriefingError, ViewSpec, MAX_TABLE_LINES, _analysis_metric, _display_metric, _metric_header, _metric_label, _tx, parse_period
from geo.views.units import _case_filter, _data_source, _highlight, _no_data_message, perturb_aggregate

_CONFIDENCE = {"hot_99": "99%", "hot_95": "95%", "hot_90": "90%"}


def _atx(key: str, lang: str, **kw) -> str:
    vi, en = _ATEXT[key]
    return (en if lang == "en" else vi).format(**kw)


def _analysis_aggregate(req: ViewSpec, start, end, engine, keys: bool = False) -> pd.DataFrame:
    """District sums of the whole country (Gi* needs every district as context: no province filter; the
    user's scope still applies). For a protected view the counts are perturbed (cell-key method) per
    district, so every analysis works on protected figures; ``keys=True``: the true sums with their cell
    keys instead (for cells built from several districts, e.g. a corridor, perturbed from their own keys)."""
    from geo.data import store
    f = _case_filter(req)
    f.pop("provinces", None)
    f.pop("provinces_2025", None)
    f["start"], f["end"] = start, end
    try:
        agg = store.aggregate_cases("district", "all", filters=f, engine=engine)
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    return agg if keys else perturb_aggregate(req, agg)


def covered(req: ViewSpec):
    """Which districts the data covers for the analyses: the whole country, or the user's scope."""
    return list(req.scope) if req.scope else "all"


def _analysis_briefing(req: ViewSpec, engine, made_on: date) -> ViewModel:
    """Gi* classes (``layer=gi``) or change classes (``layer=change``) per district, with the classes,
    colours and labels of the interactive page; the table lists the hot (or
    most increased) districts of the view with their counts protected, and no total."""
    from dataclasses import replace as dc_replace

    from geo.stats import change, hotspots
    from geo.views.filters import previous_period
    from geo.stats.classify import CategoryClasses

    lang = req.lang
    kind = req.page
    metric = _analysis_metric(req)
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    codes = [str(c) for c in units["code"]]
    in_view = set(codes)
    current = _analysis_aggregate(req, req.period.start, req.period.end, engine)
    if current.empty:
        raise BriefingError(_no_data_message(req))
    frames = [current]
    previous_words = ""
    if req.layer == "gi":
        table = hotspots.hotspot_table(current, metric=metric, covered=covered(req))
        class_table = hotspots.CLASSES
    else:
        p_start, p_end = previous_period(req.period.start, req.period.end)
        previous = _analysis_aggregate(req, p_start, p_end, engine)
        frames.append(previous)
        table = change.district_change(current, previous, covered=covered(req), metric=metric)
        class_table = change.CLASSES
        previous_words = parse_period(f"{p_start.isoformat()}/{p_end.isoformat()}").words(lang)
    table = table.assign(code=table["code"].astype(str))
    view = table[table["code"].isin(in_view)].copy()
    values = dict(zip(view["code"], view["class"]))
    full = CategoryClasses.from_table(class_table)
    present = set(values.values())
    cls = dc_replace(full, order=tuple(k for k in full.order if k in present))  # legend: the classes present

    # the listed districts and their protected counts (no total: it would give a hidden count away)
    name_col = "full_name_vi" if "full_name_vi" in view.columns else "name_vi"
    with_province = req.province is None
    if req.layer == "gi":
        listed = hotspots.rank_hotspots(view)
        count_cols = {"count": _metric_header(metric, lang)}
        class_header = _atx("class", lang)
        class_text = {k: (f"{v} confidence" if lang == "en" else f"Tin cậy {v}") for k, v in _CONFIDENCE.items()}
        empty_text = _atx("no_hot", lang)
    else:
        listed = change.top_changes(view, "increase", n=len(view))
        count_cols = {"previous": _atx("previous", lang), "current": _atx("current", lang)}
        class_header = _atx("change_class", lang)
        class_text = {k: _atx(f"short_{k}", lang) for k in change.INCREASE_CLASSES}
        empty_text = _atx("no_increase", lang)
    n_listed = len(listed)
    listed = listed.head(MAX_TABLE_LINES)
    keys = [f"u:{c}" for c in listed["code"]]
    counts = pd.DataFrame({c: pd.to_numeric(listed[c], errors="coerce").to_numpy() for c in count_cols},
                          index=keys)
    if req.protected:  # the counts are perturbed already (the aggregate): masked only
        suppressed = sup.protect_ckm(counts, list(count_cols), req.threshold, lang=lang)
    else:
        suppressed = sup.suppress_counts(counts, list(count_cols), req.threshold, enabled=req.suppress, lang=lang)
    header = [_atx("district", lang)] + ([_tx("province", lang)] if with_province else []) + [class_header] + \
        list(count_cols.values())
    rows = []
    for key, (_, r) in zip(keys, listed.iterrows()):
        row = [str(r.get(name_col) or r.get("name_vi") or r["code"])]
        if with_province:
            row.append(short_province(str(r.get("prov_name_vi", ""))))
        row.append(class_text.get(r["class"], str(r["class"])))
        row += [suppressed.display.at[key, c] for c in count_cols]
        rows.append(row)
    if n_listed > len(listed):
        rows.append([_atx("others_n", lang, n=format_number(n_listed - len(listed), lang))] + [""] * (len(header) - 1))
        keys.append("others")
    if not rows:
        rows.append([empty_text] + [""] * (len(header) - 1))
        keys.append("none")
    out_table = pd.DataFrame(rows, columns=header, index=keys)
    status = pd.DataFrame([[suppressed.status.at[k, c] for c in count_cols] for k in keys if k.startswith("u:")],
                          columns=list(count_cols.values()), index=[k for k in keys if k.startswith("u:")])

    # key figures: district counts only, written as a share so that no small number stands alone
    if req.layer == "gi":
        tested = view[~view["class"].isin(("not_tested", "no_data"))]
        n_tested = len(tested)
        kpis = [(_atx("kpi_hot", lang), f"{int(view['class'].isin(hotspots.HOT_CLASSES).sum())}/{n_tested}"),
                (_atx("kpi_cold", lang), f"{int(view['class'].isin(hotspots.COLD_CLASSES).sum())}/{n_tested}")]
    else:
        known_units = view[view["class"] != "no_data"]
        n_known = len(known_units)
        kpis = [(_atx("kpi_inc", lang), f"{int(view['class'].isin(change.INCREASE_CLASSES).sum())}/{n_known}"),
                (_atx("kpi_dec", lang), f"{int(view['class'].isin(change.DECREASE_CLASSES).sum())}/{n_known}")]

    demo_rows = int(sum(pd.to_numeric(f_["demo_rows"], errors="coerce").fillna(0).sum() for f_ in frames
                        if "demo_rows" in f_))
    all_rows = int(sum(pd.to_numeric(f_["n_rows"], errors="coerce").fillna(0).sum() for f_ in frames
                       if "n_rows" in f_))
    demo_used = demo_rows > 0 or bool(table.attrs.get("is_demo"))
    label = _atx(f"{req.layer}_label", lang)
    metric_words = _metric_label(metric, lang)
    filters = [t("era_pre2025", lang),
               f"{_tx('metric', lang)}: {metric_words}"
               + (f" ({_atx('rate_words', lang)})" if req.layer == "gi" else "")]
    if req.forms:
        filters.append(f"{_tx('form', lang)}: " + ", ".join(S.FORMS.label(f_, lang) for f_ in req.forms))
    if req.agencies:
        filters.append(f"{_tx('agency', lang)}: " + ", ".join(S.AGENCIES.label(a, lang) for a in req.agencies))
    filters.append(_tx(f"demo_{req.demo}", lang))
    from geo.views.spec import _protection_words
    filters.append(_protection_words(req))
    notes = [_atx("gi_note", lang)] if req.layer == "gi" else \
        [_atx("change_note", lang, prev=previous_words, b=change.MIN_BASELINE)]
    notes.append(_atx("covered_note", lang))
    mark_notes = {}
    index = 1 if lang == "en" else 0
    if req.protected:
        mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold)}
        notes.append(sup.NOTES["ckm"][index])
    elif req.suppress:
        mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold),
                      sup.HIDDEN: sup.NOTES["hidden"][index]}
    period_label = req.period.words(lang)
    if previous_words:
        period_label += " " + _atx("versus", lang, p=previous_words[:1].lower() + previous_words[1:])
    highlight, highlight_label = _highlight(req, kind)
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   metric=req.layer, metric_label=f"{label}: {_display_metric(metric, lang)}",
                   highlight=highlight, highlight_label=highlight_label,
                   values=values, value_labels={c: "" for c in values}, classification=cls,
                   period_label=period_label, filters_text=" · ".join(filters), demo=demo_used,
                   kpis=kpis, table=out_table, table_total_rows=0,
                   table_title=_atx("gi_table" if req.layer == "gi" else "change_table", lang),
                   notes=notes, mark_notes=mark_notes,
                   data_source=_data_source(req, engine, demo_used, all_rows - demo_rows > 0),
                   made_on=made_on, suppress=req.protected or req.suppress, threshold=req.threshold)
    return ViewModel(view=req, map=spec, table=out_table, table_status=status, kpis=kpis, made_on=made_on,
                    has_data=True, figures={})
