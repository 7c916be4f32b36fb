"""View models of the count views: the administrative map, the choropleth (Overview, Hotspot page's
metric layer), a land border, and one district on its province's map.

Data rules:

- *Units*: districts before 2025; since 2025, provinces nationally and communes in a province. A row
  that is not placed in a unit of the era is counted in the view's total and shown on its own line
  ("Chưa gán được huyện"); a border view counts only the rows placed in its border units.
- *No data vs zero*: a unit reads 0 when its province has at least one stored row in the period (the
  province reports), and "no data" otherwise.
- *Tables*: one line per unit in a province view, per province in a national or whole-border view; at
  most :data:`MAX_TABLE_LINES` lines by the chosen metric, the rest summed in one "other" line, then
  the total. The suppression audit ties units, provinces, "other" lines and totals together, and
  knows what the map's colour classes reveal.
- *District* (``page=huyen&dist=40417``): the province's districts coloured by the metric with the
  district outlined in black; key figures of the district; its figures by form of exploitation with the
  district's total. Forms, districts and the district's own figures are suppressed together (the forms
  add up to the district), and the province total is not printed.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date

import pandas as pd

from geo.data import schema as S
from geo.stats import suppression as sup
from geo.admin.borders import BORDERS
from geo.stats.classify import classify, format_number
from geo.i18n import t
from geo.views.mapspec import (
    MapSpec,
    place_text,
    province_name,
    short_province,
    unit_full_name,
    view_units,
)
from geo.periods import format_date
from geo.views.model import ViewModel
from geo.views.spec import BriefingError, ViewSpec, KPI_METRICS, MAX_TABLE_LINES, METRICS, _display_label, _district_row, _filters_text, _kpi_label, _metric_header, _tx



# --------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------
SUMS = tuple(METRICS)
#: the cell-key sums of the counts (``store.aggregate_cases``' ``ck_<sum>``): summed like the counts, so
#: every element (unit, province, "other" line, total) gets the key of exactly its own records
KEYS = tuple(f"ck_{m}" for m in SUMS)
ALL = SUMS + KEYS


def _case_filter(req: ViewSpec) -> dict:
    f: dict = {"start": req.period.start, "end": req.period.end, "demo": req.demo, "forms": req.forms,
               "agencies": req.agencies, "scope": list(req.scope)}
    if req.province is not None:
        f["provinces" if req.era == "pre2025" else "provinces_2025"] = [req.province]
    return f


def perturbed_value(req: ViewSpec, value, key_sum):
    """What a view shows for a true count with its cell-key sum: perturbed for a protected view, else the
    count itself (``None`` stays None)."""
    from geo.stats import cellkey

    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(cellkey.perturb(value, key_sum)) if req.protected else float(value)


def perturb_aggregate(req: ViewSpec, agg: pd.DataFrame) -> pd.DataFrame:
    """A copy of a ``store.aggregate_cases`` frame whose counts are what the view may use: for a protected
    view each row's counts are perturbed from its own cell keys (one row per district and period for a
    district aggregate), and the keys are dropped. The analyses (Gi*, change, corridors) then work on the
    protected figures only."""
    out = agg.copy()
    if req.protected and len(out):
        from geo.stats import cellkey

        table = cellkey.ptable()
        for m in SUMS:
            if m in out.columns and f"ck_{m}" in out.columns:
                vals = pd.to_numeric(out[m], errors="coerce")
                out[m] = pd.array([pd.NA if pd.isna(v) else cellkey.perturb(v, k, table)
                                   for v, k in zip(vals, out[f"ck_{m}"])], dtype="Int64")
    return out.drop(columns=[c for c in KEYS if c in out.columns])


def _unit_rows(req: ViewSpec, engine) -> pd.DataFrame:
    """Stored rows of the scope summed by the finest unit of the era: columns ``unit`` (code or None),
    ``prov`` (province code of the era or None), the metric sums, ``demo_rows``, ``n_rows``."""
    from geo.data import store
    f = _case_filter(req)
    cols = ["unit", "prov", *ALL, "demo_rows", "n_rows"]
    if req.era == "pre2025":
        agg = store.aggregate_cases("district", "all", filters=f, engine=engine)
        if agg.empty:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({"unit": agg["district_code5"], "prov": agg["prov_code_pre2025"]})
        for c in ALL:
            df[c] = pd.to_numeric(agg[c], errors="coerce").fillna(0)
        df["demo_rows"], df["n_rows"] = agg["demo_rows"], agg["n_rows"]
    elif req.province is None and req.page != "border":
        agg = store.aggregate_cases("province_2025", "all", filters=f, engine=engine)
        if agg.empty:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({"unit": agg["prov_code_2025"], "prov": agg["prov_code_2025"]})
        for c in ALL:
            df[c] = pd.to_numeric(agg[c], errors="coerce").fillna(0)
        df["demo_rows"], df["n_rows"] = agg["demo_rows"], agg["n_rows"]
    else:
        rows = store.cases_frame(f, engine=engine, keys=True, counted=True)  # the counting rule's values
        if rows.empty:
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({"unit": rows["commune_code_2025"], "prov": rows["prov_code_2025"]})
        df["cases"] = pd.to_numeric(rows["n_cases"], errors="coerce").fillna(0)
        for c in SUMS[1:]:
            df[c] = pd.to_numeric(rows[c], errors="coerce").fillna(0)
        ckey = pd.to_numeric(rows["ckey"], errors="coerce").fillna(0.0)
        for c in SUMS:
            df[f"ck_{c}"] = df[c] * ckey
        df["demo_rows"] = rows["is_demo"].astype(int)
        df["n_rows"] = 1
    df["unit"] = df["unit"].where(df["unit"].notna(), None)
    df["prov"] = df["prov"].where(df["prov"].notna(), None)
    key_unit = df["unit"].fillna("")
    key_prov = df["prov"].fillna("")
    out = df.groupby([key_unit.rename("unit_k"), key_prov.rename("prov_k")], sort=True)[
        [*ALL, "demo_rows", "n_rows"]].sum().reset_index()
    out["unit"] = out["unit_k"].replace("", None)
    out["prov"] = out["prov_k"].replace("", None)
    return out[cols]


@dataclass
class _Line:
    key: str
    label: str
    members: list[str]  # element keys summed by this line (itself when it is an element)


def _units_table(req: ViewSpec, spec_units: pd.DataFrame, rows: pd.DataFrame, unit_layer: str):
    """Values per element, the lines of the table and the groups tying them (see the module doc)."""
    lang = req.lang
    national = req.province is None and req.page != "border"
    border_view = req.page == "border"
    codes = [str(c) for c in spec_units["code"]]
    prov_of = dict(zip(codes, spec_units["prov_code"] if "prov_code" in spec_units else spec_units["code"]))
    in_view = set(codes)
    reporting = set(rows["prov"].dropna())
    by_unit = rows[rows["unit"].isin(in_view)].groupby("unit")[list(ALL)].sum()

    values: dict[str, dict[str, float | None]] = {}
    for code in codes:
        if code in by_unit.index:
            values[f"u:{code}"] = {m: float(by_unit.at[code, m]) for m in ALL}
        elif prov_of[code] in reporting:
            values[f"u:{code}"] = {m: 0.0 for m in ALL}
        else:
            values[f"u:{code}"] = {m: None for m in ALL}
    # rows of the scope not placed in a unit of the view (not counted in a border view)
    unplaced = rows[~rows["unit"].isin(in_view)] if not border_view else rows.iloc[0:0]
    level_word = {"districts_pre2025": "district", "communes_2025": "commune", "provinces_2025": "province"}[unit_layer]
    table_by_province = (national and unit_layer != "provinces_2025") or (border_view and req.province is None)
    groups: list[tuple[str, list[str]]] = []
    lines: list[_Line] = []
    withheld: set[str] = set()
    unplaced_keys: list[str] = []
    if table_by_province:
        names = _province_names(req.era)
        provs = sorted({prov_of[c] for c in codes})
        for p in provs:
            members = [f"u:{c}" for c in codes if prov_of[c] == p]
            pu = unplaced[unplaced["prov"] == p]
            if len(pu) and not border_view:
                values[f"pu:{p}"] = {m: float(pu[m].sum()) for m in ALL}
                members.append(f"pu:{p}")
            vals = [values[k] for k in members]
            values[f"p:{p}"] = {m: (None if all(v[m] is None for v in vals) else
                                    float(sum(v[m] or 0 for v in vals))) for m in ALL}
            groups.append((f"p:{p}", members))
            lines.append(_Line(f"p:{p}", names.get(p, p), [f"p:{p}"]))
        rest = unplaced[~unplaced["prov"].isin(provs)] if not border_view else unplaced
        if len(rest):
            values["unplaced"] = {m: float(rest[m].sum()) for m in ALL}
            unplaced_keys.append("unplaced")
    else:
        layer_frame = spec_units.set_index("code")
        for code in codes:
            name = unit_full_name(layer_frame.loc[code], unit_layer)
            if unit_layer == "provinces_2025":
                name = short_province(name)
            lines.append(_Line(f"u:{code}", name, [f"u:{code}"]))
        if len(unplaced):
            values["unplaced"] = {m: float(unplaced[m].sum()) for m in ALL}
            unplaced_keys.append("unplaced")
    # top lines by the chosen metric, the rest on one "other" line
    metric = req.metric
    # ordered by what the view shows (the perturbed count for a protected view): the order tells nothing more
    shown = {ln.key: perturbed_value(req, values[ln.key][metric], values[ln.key][f"ck_{metric}"]) for ln in lines}
    lines.sort(key=lambda ln: (-(shown[ln.key] or 0), ln.label))
    top: list[_Line] = lines
    if len(lines) > MAX_TABLE_LINES + 1:
        top, rest_lines = lines[:MAX_TABLE_LINES], lines[MAX_TABLE_LINES:]
        rest_keys = [ln.key for ln in rest_lines]
        values["others"] = {m: (None if all(values[k][m] is None for k in rest_keys) else
                                float(sum(values[k][m] or 0 for k in rest_keys))) for m in ALL}
        groups.append(("others", rest_keys))
        provinces = table_by_province or unit_layer == "provinces_2025"
        label = _tx("others_prov" if provinces else "others", lang, n=len(rest_lines))
        top = top + [_Line("others", label, rest_keys)]
    if unplaced_keys:
        top = top + [_Line("unplaced", _tx(f"unplaced_{level_word if not table_by_province else 'province'}", lang),
                           ["unplaced"])]
    total_members = [ln.key for ln in top]
    values["total"] = {m: float(sum(values[k][m] or 0 for k in total_members)) for m in ALL}
    groups.append(("total", total_members))
    # what is never printed as a number: units of a national map (colours only), provinces and units
    # not listed, the unplaced rows of each province
    listed = {ln.key for ln in top}
    for key in values:
        if key.startswith("pu:"):
            withheld.add(key)
        elif key.startswith("p:") and key not in listed:
            withheld.add(key)
        elif key.startswith("u:") and national and key not in listed:
            withheld.add(key)
    return values, top, groups, withheld, level_word, table_by_province


def _province_names(era: str) -> dict[str, str]:
    from geo.admin.cache import load_layer

    frame = load_layer("provinces_pre2025" if era == "pre2025" else "provinces_2025", "national")
    return {str(c): short_province(str(n)) for c, n in zip(frame["code"], frame["prov_name_vi"])}


def _data_source(req: ViewSpec, engine, demo_used: bool, real_used: bool) -> str:
    from geo.data import importer
    lang = req.lang
    parts = []
    try:
        log = importer.list_imports(engine=engine, include_undone=False)
        log = log[(log["kind"] == "cases") & (log["status"] == "active")]
    except Exception:  # the store may be empty or unreachable: the export still names its source
        log = pd.DataFrame(columns=["is_demo", "file_name", "imported_at"])
    if real_used:
        real = log[~log["is_demo"].astype(bool)]
        files = list(dict.fromkeys(real["file_name"].astype(str)))
        text = _tx("source_store", lang)
        if files:
            shown = ", ".join(files[:3]) + (" …" if len(files) > 3 else "")
            text += "; " + _tx("source_files", lang, files=shown)
        if len(real):
            last = pd.to_datetime(real["imported_at"]).max()
            text += "; " + _tx("source_updated", lang, d=format_date(last.date(), lang))
        parts.append(text)
    if demo_used:
        parts.append(_tx("source_demo", lang, label=S.DEMO_LABEL))
    if not parts:
        parts.append(_tx("source_store", lang) + " (" + _tx("source_none", lang) + ")")
    return f"{_tx('data_source', lang)}: " + " · ".join(parts)


def build_units_view(req: ViewSpec, engine=None, made_on: date | None = None) -> ViewModel:
    """Fetch and protect one count view (admin, choropleth, border, district). Raises
    :class:`BriefingError` when a choropleth view has no stored rows at all for its scope and period."""
    from geo.views.mapspec import _unit_layer_name

    made_on = made_on or date.today()
    lang = req.lang
    kind = "choropleth" if req.page == "district" else req.page
    base = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang)
    units = view_units(base)
    if units.empty:
        raise BriefingError("this view has no units (no unit of that province lies on that border)")
    unit_layer = _unit_layer_name(req.era, req.province, kind, req.border)
    try:
        rows = _unit_rows(req, engine)
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    has_rows = len(rows) > 0
    if kind == "choropleth" and not has_rows:
        raise BriefingError(_no_data_message(req))
    # (an administrative or border view without figures still shows its units and border lengths)
    values, lines, groups, withheld, level_word, by_province = _units_table(req, units, rows, unit_layer)
    mapped = kind == "choropleth" or (kind == "border" and has_rows)
    form_keys: list[str] = []
    if req.district:  # the district's figures by form of exploitation, tied to the district's own figures
        form_keys = _add_district_forms(req, engine, values, groups)

    # protection on one frame holding every element (units, provinces, lines, totals)
    whole = pd.DataFrame.from_dict(values, orient="index")
    frame = whole[list(SUMS)]
    if kind == "admin":  # the administrative map prints only the totals of the view
        withheld = {k for k in values if k != "total"}
    elif req.district:  # the map labels (districts) and the district's form table; no province total
        withheld = {k for k in values if not k.startswith(("u:", "f:"))}
    map_labels_shown = mapped and not (req.province is None and kind != "border")
    protective = req.protected or req.suppress  # small counts masked on the map's classes
    published_used: list = []
    if req.protected:
        # cell-key method: each element perturbed from its own records' keys, then masked; everything
        # below (map classes, rates, labels, key figures) reads the perturbed counts only
        keys = whole[list(KEYS)].rename(columns=dict(zip(KEYS, SUMS)))
        suppressed = sup.protect_ckm(frame, list(SUMS), req.threshold, keys=keys, withheld_rows=withheld, lang=lang)
        hidden_parts, published_used = published_parts(req, list(values), units, unit_layer, kind)
        suppressed = sup.hide_cells(suppressed, hidden_parts)
        shown = {k: (None if pd.isna(v) else float(v)) for k, v in suppressed.values[req.metric].items()}
    else:
        shown = {k: values[k][req.metric] for k in values}
    counts = {k[2:]: shown[k] for k in values if k.startswith("u:")}
    population = _element_population(req, units, unit_layer, values, groups) if req.rate else {}
    rates = {key: _rate(shown[key], population.get(key)) for key in values} if req.rate else {}
    metric_values = {k[2:]: v for k, v in rates.items() if k.startswith("u:")} if req.rate else counts
    cls = None
    if mapped:
        cls = classify(metric_values, req.method, req.k, req.breaks,
                       protect=req.threshold if (protective and not req.rate) else None,
                       integer=False if req.rate else None)

    def known(column: str, row: str, value: float):
        """What a unit's colour tells about its count (rate maps: the rate class times the population;
        small counts are hatched there, which reads as 1 to threshold-1)."""
        if cls is None or column != req.metric or not row.startswith("u:"):
            return None
        if not req.rate:
            return cls.interval_of(value)
        if 0 < value < req.threshold:
            return (1.0, float(req.threshold - 1))
        pop = population.get(row)
        if not pop or rates.get(row) is None:
            return None
        lo, hi = cls.interval_of(rates[row])
        return (math.floor(lo * pop / 100_000), math.ceil(hi * pop / 100_000) if math.isfinite(hi) else math.inf)

    if not req.protected:  # exact access: exact figures, or the audited complementary suppression
        suppressed = sup.suppress_counts(frame, list(SUMS), req.threshold, groups=groups, withheld_rows=withheld,
                                         known=known, enabled=req.suppress, lang=lang)
    demo_rows = int(rows["demo_rows"].sum()) if has_rows else 0
    real_rows = int(rows["n_rows"].sum()) - demo_rows if has_rows else 0
    in_scope_demo = demo_rows > 0

    # map labels: the protected text of each unit for the mapped metric; on a rate map the units whose
    # count is small or hidden are hatched instead of coloured (their rate would give the count away)
    value_labels = None
    protected: set[str] = set()
    if mapped:
        value_labels = {}
        for key in values:
            if not key.startswith("u:"):
                continue
            code = key[2:]
            status = suppressed.status.at[key, req.metric]
            raw = shown[key]
            small = raw is not None and 0 < raw < req.threshold
            text = suppressed.display.at[key, req.metric]
            if req.rate and protective and (status in (sup.SMALL, sup.HIDDEN_STATUS) or small):
                protected.add(code)
                text = text if status in (sup.SMALL, sup.HIDDEN_STATUS) else f"<{req.threshold}"
            elif status == sup.HIDDEN_STATUS:  # beside a published total: no colour that would tell its class
                protected.add(code)
            elif req.rate and rates.get(key) is not None and status != sup.MISSING:
                text = format_number(rates[key], lang, integer=False)
            value_labels[code] = "" if (not map_labels_shown or text in ("0", "0,0", "0.0", sup.NO_DATA)) else text

    hidden_on_map = bool(value_labels) and any(suppressed.status.at[f"u:{c}", req.metric] == sup.HIDDEN_STATUS
                                               for c in value_labels)

    # the table
    if req.district:
        table, table_status = _district_table(req, form_keys, suppressed)
        kpis = _kpis(req, kind, units, suppressed, has_rows, rates, key=f"u:{req.district}")
    else:
        table, table_status = _table(req, kind, units, unit_layer, lines, suppressed, by_province, level_word,
                                     has_rows, rates)
        kpis = _kpis(req, kind, units, suppressed, has_rows, rates)
    notes = []
    mark_notes = {}
    if has_rows:
        index = 1 if lang == "en" else 0
        if req.protected:
            mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold)}
            notes.append(sup.NOTES["ckm"][index])
            if (suppressed.status == sup.HIDDEN_STATUS).to_numpy().any() and published_used:
                mark_notes[sup.HIDDEN] = sup.NOTES["published"][index].format(figures="; ".join(published_used))
        elif req.suppress:
            mark_notes = {f"<{req.threshold}": sup.NOTES["small"][index].format(t=req.threshold),
                          sup.HIDDEN: sup.NOTES["hidden"][index]}
        else:
            notes += suppressed.notes(lang)
    if has_rows:  # which counting rule the figures follow (geo.data.counting)
        from geo.i18n.data import COUNTING_RULE
        notes.append(COUNTING_RULE["short"][1 if lang == "en" else 0])
    if mapped:
        notes.append(_tx("no_data_rule", lang))
    if kind == "border" and has_rows:
        notes.append(_tx("only_border_rows", lang))
    district_name = unit_full_name(_district_row(req.district), "districts_pre2025") if req.district else None
    highlight, highlight_label = _highlight(req, kind)
    spec = MapSpec(kind=kind, era=req.era, province=req.province, border=req.border, lang=lang,
                   reference=("gates", "routes", "hotspots") if kind == "border" else (),
                   metric=req.metric if mapped else None, metric_label=_display_label(req) if mapped else None,
                   title=(f"{_display_label(req)} — {district_name}, {province_name(req.era, req.province)}"
                          if req.district else None),
                   highlight=highlight, highlight_label=highlight_label,
                   protected=protected,
                   values=metric_values if mapped else None, value_labels=value_labels, classification=cls,
                   period_label=req.period.words(lang), filters_text=_filters_text(req), demo=in_scope_demo,
                   kpis=kpis, table=table,
                   table_title=(_tx("by_form", lang, name=district_name) if req.district else
                                _table_title(req, kind, level_word, by_province)),
                   notes=notes, mark_notes=mark_notes, data_source=_data_source(req, engine, in_scope_demo, real_rows > 0),
                   made_on=made_on, suppress=protective, threshold=req.threshold,
                   no_data_label=_tx("no_data_or_hidden", lang) if (mapped and hidden_on_map) else None)
    return ViewModel(view=req, map=spec, table=table, table_status=table_status, kpis=kpis, made_on=made_on,
                    has_data=has_rows)


def _province_totals() -> list[tuple[str, str, date, date, pd.Series]]:
    """(pre-2025 province code, count column, start, end, row) of every published province total (read once
    per version of the facts file: a view asks for every cell)."""
    from geo.data import facts

    try:
        path = facts.facts_path("figures.csv")
        return _province_totals_of(str(path), path.stat().st_mtime)
    except (OSError, KeyError, ValueError):  # no facts folder: nothing published to guard against
        return []


@functools.lru_cache(maxsize=4)
def _province_totals_of(path: str, mtime: float) -> list[tuple[str, str, date, date, pd.Series]]:
    from geo.data import facts

    published = facts.published_totals()
    out = []
    for _, r in published[published["scope"] == "province"].iterrows():
        column = "cases" if r["metric"] == "n_cases" else r["metric"]
        if column in SUMS:
            out.append((str(r["province_code"]).zfill(2), column, r["period_start"].date(), r["period_end"].date(), r))
    return out


def _short_enough(start, end) -> bool:
    return start is not None and end is not None and (end - start).days <= 366


def part_hidden(req: ViewSpec, province_pre2025: str, column: str, start: date | None, end: date | None) -> bool:
    """Whether a viewer's cell of ``column`` for a *part* of a pre-2025 province (a district, its forms, its
    destinations) over ``start``–``end`` is hidden beside a published total of that province (rule of
    :func:`published_parts`)."""
    if not req.protected or not _short_enough(start, end):
        return False
    prov = str(province_pre2025 or "")[:2]
    return any(p == prov and c == column and not (end < ps or start > pe) for p, c, ps, pe, _ in _province_totals())


def published_note(req: ViewSpec) -> str:
    """The "x" note of a viewer's table with cells hidden beside published totals: the totals of the period."""
    from geo.periods import period_of

    start, end = req.period.start, req.period.end
    used: dict[str, list[str]] = {}
    for prov, column, p_start, p_end, r in _province_totals():
        if (end is not None and end < p_start) or (start is not None and start > p_end):
            continue
        where = f"{province_name('pre2025', prov, req.lang)}, {period_of(p_start, p_end).words(req.lang)}"
        used.setdefault(where, []).append(f"{_metric_header(column, req.lang)} {format_number(int(r['value']), req.lang)}")
    figures = "; ".join(f"{w}: {', '.join(f)}" for w, f in used.items())
    return sup.NOTES["published"][1 if req.lang == "en" else 0].format(figures=figures)


def published_parts(req: ViewSpec, keys: list[str], units: pd.DataFrame, unit_layer: str,
                    kind: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Cells a viewer must not see beside a published exact total (:func:`geo.data.facts.published_totals`,
    province scope), and the figures that caused it (texts for the note).

    The cell-key noise is bounded (at most ``D`` either way), so a perturbed figure tells a lower bound of the
    true one; when a province's exact total for a period is public, parts of it whose lower bounds add up to
    that total are pinned exactly, small ones included (e.g. Nghệ An's 6 suspects of H1 2023: a district
    shown "8" is at least 5, the other shown "<5" is then exactly 1). So, for a viewer, for every published
    province total of a metric and a period P that the view's period V overlaps:

    - every part of the province (its districts or communes, its "other" and "unplaced" lines, a district's
      forms, its border districts' subtotal) is hidden ("x") in that metric's column;
    - the province's own figure is hidden too when V lies inside P without being P (a month or a quarter of
      the published half-year: the rest of P would be its exact complement).

    Views longer than a year (all time) are left as they are: the parts of P there are mixed with years of
    other perturbed figures. National totals are not handled here: they are hundreds, far above the noise.
    Units: codes of the view's era (pre-2025 province codes map to their 2025 province in the 2025 era)."""
    from geo.data import store
    from geo.periods import period_of

    bounds = req.period.bounds
    if bounds is None or not _short_enough(*bounds):
        return [], []
    start, end = bounds
    published = _province_totals()
    if not published:
        return [], []
    codes = [str(c) for c in units["code"]]
    prov_of = dict(zip(codes, (units["prov_code"] if "prov_code" in units else units["code"]).astype(str)))
    national = req.province is None and req.page != "border"
    old_to_new = store.province_old_to_new() if req.era != "pre2025" else {}
    cells: list[tuple[str, str]] = []
    used: dict[str, list[str]] = {}  # "province, period" -> "metric value" of the published totals used
    for prov, column, p_start, p_end, r in published:
        if end < p_start or start > p_end:
            continue
        prov = old_to_new.get(prov, prov) if req.era != "pre2025" else prov
        inside = not (start <= p_start and end >= p_end)  # V does not hold all of P
        parts, whole = [], []
        for key in keys:
            if key.startswith("u:"):
                code = key[2:]
                if unit_layer == "provinces_2025":
                    if code == prov:
                        whole.append(key)
                elif prov_of.get(code) == prov:
                    parts.append(key)
            elif key.startswith("p:") and key[2:] == prov:
                (whole if national else parts).append(key)
            elif key.startswith("pu:") and key[3:] == prov:
                parts.append(key)
            elif req.province == prov and (key in ("others", "unplaced") or key.startswith("f:")):
                parts.append(key)
            elif key == "total" and req.province == prov:
                (parts if kind == "border" else whole).append(key)
        hide = parts + (whole if inside else [])
        if hide:
            cells += [(k, column) for k in hide]
            where = (f"{province_name('pre2025', str(r['province_code']).zfill(2), req.lang)}, "
                     f"{period_of(p_start, p_end).words(req.lang)}")
            figure = f"{_metric_header(column, req.lang)} {format_number(int(r['value']), req.lang)}"
            if figure not in used.setdefault(where, []):
                used[where].append(figure)
    return cells, [f"{where}: {', '.join(figures)}" for where, figures in used.items()]


def _rate(count, population) -> float | None:
    """Per 100,000 people; none for a unit with fewer than 1,000 people (2009: the outpost islands Hoàng Sa,
    Trường Sa, Cồn Cỏ, Bạch Long Vĩ), where one case would read as a rate of hundreds."""
    from geo.stats.hotspots import MIN_POPULATION

    if count is None or population is None or not population or population < MIN_POPULATION:
        return None
    return float(count) / float(population) * 100_000


def _element_population(req: ViewSpec, units: pd.DataFrame, unit_layer: str, values: dict,
                        groups: list) -> dict[str, float]:
    """2009 census population of every element (units, provinces, "other" lines, total), as on the pages."""
    from geo.admin.cache import load_layer

    if unit_layer == "districts_pre2025":
        pop = dict(zip(units["code"].astype(str), pd.to_numeric(units["pop_2009_odm"], errors="coerce")))
    elif unit_layer == "provinces_2025":
        old = load_layer("provinces_pre2025", "national")
        by_new = old.groupby("prov_code_2025new")["pop_2009_odm"].sum()
        pop = {str(c): float(by_new.get(c, float("nan"))) for c in units["code"]}
    else:
        raise BriefingError("rates per 100,000 people need a population: there is none for 2025 communes "
                            "(use the pre-2025 era, or the whole country in the 2025 era)")
    out = {f"u:{code}": (None if pd.isna(p) else float(p)) for code, p in pop.items()}
    for key in values:
        out.setdefault(key, None)
    for total, members in groups:  # subtotals before totals (the order they were built in)
        known = [out.get(m) for m in members if not m.startswith(("pu:", "unplaced"))]
        out[total] = float(sum(p for p in known if p)) if any(known) else None
    return out


def _no_data_message(req: ViewSpec) -> str:
    place = place_text(MapSpec(kind="choropleth" if req.page == "district" else req.page, era=req.era, province=req.province, border=req.border, lang="en"))
    return (f"no stored case rows for {place}, period {req.period.code} (filters: demo={req.demo}"
            + (f", form={','.join(req.forms)}" if req.forms else "") + "): nothing to map. "
            "Import data (python -m geo import FILE) or load the demo data (python -m geo demo).")


def _table_title(req, kind, level_word, by_province) -> str:
    lang = req.lang
    if kind == "admin":
        return _tx("border_summary_title" if req.province is None else "border_table_title", lang)
    return _tx("table_title", lang, level=_tx("level_province" if by_province else f"level_{level_word}", lang))


def _border_km(units: pd.DataFrame, border: str | None) -> pd.Series:
    keys = list(BORDERS) if border in (None, "all") else [border]
    return sum(units[f"shared_km_{k}"].fillna(0) for k in keys)


def _km(value: float, lang: str) -> str:
    text = f"{value:,.1f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".") if lang == "vi" else text


def _table(req, kind, units, unit_layer, lines, suppressed, by_province, level_word, has_rows, rates=None):
    lang = req.lang
    if kind == "admin":
        return _admin_table(req, units, unit_layer), None
    first = _tx("province" if by_province or unit_layer == "provinces_2025" else "unit", lang)
    columns = [first]
    if kind == "border":
        columns.append(_tx("border_km", lang))
    metrics = [req.metric] + [m for m in SUMS if m != req.metric and m != "victims_supported"]
    if req.rate:
        columns.append(_tx("rate_header", lang))
    columns += [_metric_header(m, lang) for m in metrics]
    km_of = {}
    if kind == "border":
        km = _border_km(units, req.border)
        codes = units["code"].astype(str).tolist()
        per_unit = dict(zip(codes, km))
        prov_col = units["prov_code"] if "prov_code" in units else units["code"]
        per_prov = pd.Series(km.to_numpy(), index=prov_col.astype(str).to_numpy()).groupby(level=0).sum()
        for ln in lines:
            if ln.key.startswith("u:"):
                km_of[ln.key] = per_unit.get(ln.key[2:], 0.0)
            elif ln.key.startswith("p:"):
                km_of[ln.key] = float(per_prov.get(ln.key[2:], 0.0))
        km_of["total"] = float(km.sum())
    out_rows, status_rows, index = [], [], []
    for ln in lines + [_Line("total", _tx("total", lang), ["total"])]:
        row = [ln.label]
        if kind == "border":
            row.append(_km(km_of[ln.key], lang) if ln.key in km_of else "")
        if req.rate:
            row.append(_rate_text(req, ln.key, suppressed, rates or {}))
        row += [suppressed.display.at[ln.key, m] for m in metrics]
        out_rows.append(row)
        status_rows.append([suppressed.status.at[ln.key, m] for m in metrics])
        index.append(ln.key)
    table = pd.DataFrame(out_rows, columns=columns, index=index)
    status = pd.DataFrame(status_rows, columns=[_metric_header(m, lang) for m in metrics], index=index)
    return table, status


def _rate_text(req, key: str, suppressed, rates: dict) -> str:
    """A rate is printed only where its count is: otherwise the count's mark ("<5", "x")."""
    status = suppressed.status.at[key, req.metric]
    if (req.protected or req.suppress) and status in (sup.SMALL, sup.HIDDEN_STATUS, sup.WITHHELD):
        return suppressed.display.at[key, req.metric] or sup.HIDDEN
    rate = rates.get(key)
    return sup.NO_DATA if rate is None else format_number(rate, req.lang, integer=False)


def _admin_table(req, units: pd.DataFrame, unit_layer: str) -> pd.DataFrame:
    """Border units of a province with their border lengths; nationally one line per border."""
    lang = req.lang
    if req.province is None:
        rows = []
        for key, b in BORDERS.items():
            touching = units[units[f"touches_{key}"].astype(bool)]
            rows.append([b.label(lang), str(touching["prov_code"].nunique() if "prov_code" in touching else len(touching)),
                         str(len(touching)), _km(float(touching[f"shared_km_{key}"].sum()), lang)])
        unit_word = t("border_districts" if req.era == "pre2025" else "border_communes", lang)
        frame = pd.DataFrame(rows, columns=[t("borders", lang), _tx("n_provinces", lang), unit_word, "km"])
        if unit_layer == "provinces_2025":  # the units are the provinces: one column says it
            frame = frame.drop(columns=unit_word)
        return frame
    return border_units_table(req, units, unit_layer)


def border_units_table(req, units: pd.DataFrame, unit_layer: str, with_province: bool = False) -> pd.DataFrame:
    """The units of ``units`` on a land border with their border length per border, then the total
    (``with_province``: a column naming each unit's province, for a national list)."""
    lang = req.lang
    touching = units[units["touches_any"].astype(bool)]
    provinces = _province_names(req.era) if with_province else {}
    rows = []
    for _, u in touching.sort_values(["prov_code", "code"] if "prov_code" in touching else "code").iterrows():
        row = [unit_full_name(u, unit_layer)]
        if with_province:
            row.append(provinces.get(str(u.get("prov_code")), ""))
        for key in BORDERS:
            row.append(_km(float(u[f"shared_km_{key}"]), lang) if bool(u[f"touches_{key}"]) else "")
        rows.append(row)
    first = [t("district" if unit_layer == "districts_pre2025" else "commune", lang)]
    if with_province:
        first.append(t("province_col", lang))
    km_columns = [_tx("border_len", lang, name=(b.name_vi if lang == "vi" else b.name_en)) for b in BORDERS.values()]
    columns = first + km_columns
    frame = pd.DataFrame(rows, columns=columns)
    keep = first + [c for c in km_columns if (frame[c] != "").any()]
    if len(frame):
        total = [_tx("total", lang)] + [""] * (len(first) - 1) + [
            _km(float(touching[f"shared_km_{k}"].sum()), lang) if (frame[c] != "").any() else ""
            for k, c in zip(BORDERS, km_columns)]
        frame.loc[len(frame)] = total
    return frame[keep]


def _kpis(req, kind, units, suppressed, has_rows, rates=None, key: str = "total") -> list[tuple[str, str]]:
    """Key figures of the view (``key``: the element they are of, the view's total by default)."""
    lang = req.lang
    out: list[tuple[str, str]] = []
    if kind == "admin":
        unit_word = t("district" if req.era == "pre2025" else "commune", lang)
        if req.era == "2025" and req.province is None:
            unit_word = t("province_col", lang)
        out.append((f"{_tx('n_units', lang)} ({unit_word.lower()})", f"{len(units):,}".replace(",", ".")))
        out.append((_tx("n_border_units", lang), str(int(units["touches_any"].astype(bool).sum()))))
        for key, b in BORDERS.items():
            km = float(units[f"shared_km_{key}"].sum())
            if km > 0:
                out.append((b.label(lang) + " (km)", _km(km, lang)))
        if has_rows:
            for m in ("cases", "victims"):
                out.append((_kpi_label(m, lang), suppressed.display.at["total", m]))
        return out
    if kind == "border":
        out.append((t("border_districts" if req.era == "pre2025" else "border_communes", lang),
                    str(len(units))))
        out.append((_tx("border_km", lang), _km(float(_border_km(units, req.border).sum()), lang)))
    if not has_rows:
        return out
    if req.rate:
        out.append((_display_label(req), _rate_text(req, key, suppressed, rates or {})))
    order = [req.metric] + [m for m in KPI_METRICS if m != req.metric]
    for m in order[: 6 - len(out)]:
        out.append((_kpi_label(m, lang), suppressed.display.at[key, m]))
    return out


def _highlight(req: ViewSpec, kind: str) -> tuple[set[str], str | None]:
    """The district to outline and its legend text, when it is one of the map's units."""
    if not req.highlight or kind == "admin":
        return set(), None
    units = view_units(MapSpec(kind=kind, era=req.era, province=req.province, border=req.border))
    if req.highlight not in set(units["code"].astype(str)):
        return set(), None
    return {req.highlight}, unit_full_name(_district_row(req.highlight), "districts_pre2025")


def _add_district_forms(req: ViewSpec, engine, values: dict, groups: list) -> list[str]:
    """Add one element per form of exploitation of the district (``f:{form}``, ``f:`` for rows without a
    form) and the group tying them to the district's element; returns their keys, largest first."""
    from geo.data import store
    f = _case_filter(req)
    f["districts"] = [req.district]
    try:
        agg = store.aggregate_cases("district", "all", filters=f, engine=engine, extra_by=("form",))
    except ValueError as exc:
        raise BriefingError(str(exc)) from None
    if agg.empty:
        return []
    form = agg["form"].where(agg["form"].notna(), "").astype(str)
    sums = agg.assign(form=form).groupby("form")[list(ALL)].sum()
    keys = []
    for code, row in sums.iterrows():
        values[f"f:{code}"] = {m: float(pd.to_numeric(row[m], errors="coerce") or 0) for m in ALL}
        keys.append(f"f:{code}")
    shown = {k: perturbed_value(req, values[k][req.metric], values[k][f"ck_{req.metric}"]) for k in keys}
    keys.sort(key=lambda k: (-(shown[k] or 0), k == "f:", k))
    groups.append((f"u:{req.district}", keys))
    return keys


def _district_table(req: ViewSpec, form_keys: list[str], suppressed) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One line per form of exploitation, then the district's total (protected display strings)."""
    lang = req.lang
    name = unit_full_name(_district_row(req.district), "districts_pre2025")
    metrics = [req.metric] + [m for m in SUMS if m != req.metric and m != "victims_supported"]
    columns = [_tx("form_col", lang)] + [_metric_header(m, lang) for m in metrics]
    keys = form_keys + [f"u:{req.district}"]
    rows = []
    for key in keys:
        if key.startswith("f:"):
            code = key[2:]
            label = S.FORMS.label(code, lang) if code else _tx("form_unknown", lang)
        else:
            label = _tx("district_total", lang, name=name)
        rows.append([label] + [suppressed.display.at[key, m] for m in metrics])
    table = pd.DataFrame(rows, columns=columns, index=keys)
    status = pd.DataFrame([[suppressed.status.at[k, m] for m in metrics] for k in keys],
                          columns=[_metric_header(m, lang) for m in metrics], index=keys)
    return table, status
