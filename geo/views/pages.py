"""What an app page shows besides the view's map, key figures and main table.

The key figures' change against the previous period, and the page's further tables, are added to the
view model here, so that the page, its export and its downloads read them from one place.
"""
from __future__ import annotations

import pandas as pd

from geo.stats import suppression as sup


def add_page_parts(model, engine=None) -> None:
    """Add the key figures' changes (and, by page, further tables) to ``model``."""
    model.kpi_changes = kpi_changes(model, engine)
    if model.view.page_path == "diem-nong" and model.view.era == "pre2025":  # corridors, named: by district
        model.tables += hotspot_page_tables(model, engine)
    if model.view.page_path == "tong-quan":
        model.tables.append(published_figures(model))
    if model.view.page_path == "ban-do" and model.view.province is None:
        model.tables.append(national_border_units(model))
    if model.view.page == "district" and model.view.district and model.view.page_path == "huyen":
        model.tables += district_page_tables(model, engine)


def national_border_units(model):
    """The administrative map of the whole country lists every unit on a land border (no counts)."""
    from geo.i18n import t
    from geo.views.mapspec import MapSpec, _unit_layer_name, view_units
    from geo.views.model import Table
    from geo.views.units import border_units_table

    spec = model.view
    units = view_units(MapSpec(kind="border", era=spec.era, border="all", lang=spec.lang))
    layer = _unit_layer_name(spec.era, None, "border", "all")
    frame = border_units_table(spec, units, layer, with_province=True)
    word = t("border_districts" if spec.era == "pre2025" else "border_communes", spec.lang)
    return Table("border_units", f"{word} ({max(len(frame) - 1, 0)})", frame)


def _corridor_cells(spec, summary: pd.DataFrame, true_aggregate: pd.DataFrame) -> pd.DataFrame:
    """A protected view's corridor counts: each corridor's (and the "away" districts') cases perturbed
    from the cell keys of exactly its own records (never summed from perturbed districts), and the rates
    recomputed from those perturbed counts."""
    from geo.stats import cellkey

    agg = true_aggregate[true_aggregate["district_code5"].notna()]
    true = pd.to_numeric(agg["cases"], errors="coerce").fillna(0).groupby(agg["district_code5"].astype(str)).sum()
    keys = agg["ck_cases"].groupby(agg["district_code5"].astype(str)).sum()
    members = {rid: [c for c in str(codes).split(";") if c] for rid, codes in
               zip(summary["route_id"], summary["corridor_codes"])}
    in_any = set().union(*members.values()) if members else set()
    away = [c for c in true.index if c not in in_any]

    def cell(codes):
        codes = [c for c in codes if c in true.index]
        return cellkey.perturb(float(true.reindex(codes).sum()), float(keys.reindex(codes).sum()))

    out = summary.copy()
    cases_in = [cell(members[r]) for r in out["route_id"]]
    cases_out = [cell([c for c in true.index if c not in set(members[r])]) for r in out["route_id"]]
    cases_away = cell(away)
    out["cases_in"] = [float(v) if pd.notna(o) else float("nan") for v, o in zip(cases_in, summary["cases_in"])]
    out["cases_away"] = [float(cases_away) if pd.notna(o) else float("nan") for o in summary["cases_away"]]

    def rate(n, pop):
        return n / pop * 100_000 if pop and pop > 0 and not pd.isna(n) else float("nan")

    out["rate_in"] = [rate(n, p) for n, p in zip(out["cases_in"], out["population_in"])]
    out["rate_away"] = [rate(n, p) for n, p in zip(out["cases_away"], out["population_away"])]
    rate_out = [rate(n, p) for n, p in zip(cases_out, out["population_out"])]
    out["rate_ratio"] = [r / o if o and o > 0 and not pd.isna(r) else float("nan")
                         for r, o in zip(out["rate_in"], rate_out)]
    return out


def _dec2(x: float, lang: str) -> str:
    """Two decimals with the language's separator (``1,31`` / ``1.31``)."""
    text = f"{float(x):.2f}"
    return text if lang == "en" else text.replace(".", ",")


def _protected_rate(counts, rates, threshold: int, lang: str) -> list[str]:
    """A rate is printed only where its count is: next to a small count it would give the count away."""
    from geo.stats.classify import format_number

    out = []
    for n, r in zip(counts, rates):
        if pd.isna(n) or pd.isna(r):
            out.append(sup.NO_DATA)
        elif 0 < float(n) < threshold:
            out.append(f"<{threshold}")
        else:
            out.append(format_number(float(r), lang, integer=False))
    return out


def hotspot_page_tables(model, engine=None) -> list:
    """The Hotspot page's tables besides the ranked districts: route corridors (counts protected, rates
    only next to a shown count), and named hotspots against the computed ones (no counts)."""
    from geo.i18n import facts as fx
    from geo.i18n.pages import HOTSPOT_PAGE as TEXT
    from geo.stats import corridors, hotspots, named_vs_computed
    from geo.views.analysis_view import _analysis_aggregate
    from geo.views.model import Table
    from geo.views.spec import _analysis_metric

    from geo.views.analysis_view import covered

    spec = model.view
    lang = spec.lang
    i = 1 if lang == "en" else 0
    masked = spec.protected or spec.suppress
    threshold = spec.threshold if masked else 1
    tables = []
    start, end = spec.period.start, spec.period.end
    aggregate = _analysis_aggregate(spec, start, end, engine)  # perturbed per district for a protected view
    summary = corridors.corridor_summary(aggregate, km=spec.corridor_km, covered=covered(spec))
    if spec.protected and not summary.empty:
        summary = _corridor_cells(spec, summary, _analysis_aggregate(spec, start, end, engine, keys=True))
    if not summary.empty:
        frame = pd.DataFrame({
            TEXT["route"][i]: [fx.text("routes.route_name", v, lang) for v in summary["route_name"]],
            TEXT["nature"][i]: summary["nature_en" if lang == "en" else "nature_vi"],
            TEXT["n_districts_in"][i]: summary["n_districts_in"].astype(int).astype(str),
            TEXT["cases_in"][i]: [sup.label_count(v, threshold, lang, masked) if not pd.isna(v) else sup.NO_DATA
                                  for v in summary["cases_in"]],
            TEXT["rate_in"][i]: _protected_rate(summary["cases_in"], summary["rate_in"], threshold, lang),
            TEXT["cases_away"][i]: [sup.label_count(v, threshold, lang, masked) if not pd.isna(v)
                                    else sup.NO_DATA for v in summary["cases_away"]],
            TEXT["rate_away"][i]: _protected_rate(summary["cases_away"], summary["rate_away"], threshold, lang),
            TEXT["rate_ratio"][i]: [sup.NO_DATA if (pd.isna(r) or (0 < n < threshold)) else _dec2(r, lang)
                                    for r, n in zip(summary["rate_ratio"], summary["cases_in"].fillna(0))],
        })
        status = pd.DataFrame({TEXT[c][i]: [sup.SMALL if (not pd.isna(v) and 0 < v < threshold) else sup.SHOWN
                                            for v in summary[c]] for c in ("cases_in", "cases_away")})
        tables.append(Table("corridors", TEXT["corridors"][i].format(km=spec.corridor_km), frame, status,
                            note=TEXT["corridors_note"][i], sensitive=True))
        tables += route_profile(model, summary, aggregate, threshold)
    try:
        gi = hotspots.hotspot_table(aggregate, metric=_analysis_metric(spec), covered=covered(spec))
        named = named_vs_computed.named_vs_computed(gi)
    except Exception:  # named hotspots need the facts folder; the page goes on without this table
        named = pd.DataFrame()
    if not named.empty:
        frame = pd.DataFrame({
            TEXT["named_name"][i]: [fx.text("hotspots.name", v, lang) for v in named["name"]],
            TEXT["named_district"][i]: named.get("district_name", ""),
            TEXT["named_period"][i]: [fx.text("hotspots.period", v, lang) for v in named.get("named_period", [""] * len(named))],
            TEXT["named_status"][i]: named["status_en" if lang == "en" else "status_vi"],
            TEXT["source"][i]: named.get("source", ""),
        }).fillna("")
        tables.append(Table("named", TEXT["named"][i], frame))
    return tables


def kpi_changes(model, engine=None) -> dict[str, str]:
    """Key figure label -> change against the previous period of the same length ("+12%"), only for
    counts not protected in this view and at least the small-count threshold in both periods (a change
    computed on small numbers would tell them)."""
    from geo.data import store
    from geo.periods import comparison_window
    from geo.views.spec import KPI_METRICS, _kpi_label
    from geo.views.units import _case_filter

    spec = model.view
    if spec.layer != "metric" or spec.page not in ("choropleth", "border", "district") or spec.period.bounds is None:
        return {}
    if spec.period.start is None or spec.period.end is None or spec.page == "border":
        return {}
    _, start, end = comparison_window(spec.period.start, spec.period.end, model.made_on)  # a running period: same part
    filters = _case_filter(spec)
    filters.update(start=start, end=end)
    if spec.district:
        filters["districts"] = [spec.district]
    previous = store.aggregate_cases("national", "all", filters=filters, engine=engine)
    current = dict(model.kpis)
    out = {}
    for metric in KPI_METRICS:
        label = _kpi_label(metric, spec.lang)
        text = current.get(label)
        if text is None:
            continue
        cur = _number(text)  # the shown (perturbed, for a protected view) figure
        prev = float(pd.to_numeric(previous[metric], errors="coerce").fillna(0).sum()) if not previous.empty else 0.0
        if spec.protected:  # the previous period's figure perturbed from its own records' keys
            from geo.stats import cellkey
            prev = float(cellkey.perturb(prev, float(previous[f"ck_{metric}"].sum()) if not previous.empty else 0.0))
        threshold = spec.threshold if (spec.protected or spec.suppress) else 1
        if cur is None or prev < threshold or cur < threshold:
            continue
        out[label] = f"{(cur - prev) / prev * 100:+.0f}%"
    return out


def _number(text: str) -> float | None:
    """A printed count ("1.234" or "1,234") back to a number; None for marks ("<5", "x", "–")."""
    digits = str(text).replace(".", "").replace(",", "").strip()
    return float(digits) if digits.isdigit() else None


#: headers of the published-figures table (vi, en)
PUBLISHED_COLUMNS = {
    "geography": ("Địa bàn", "Area"), "period_label": ("Kỳ", "Period"), "metric": ("Chỉ tiêu", "Measure"),
    "value": ("Giá trị", "Value"), "unit": ("Đơn vị tính", "Unit"), "reporting_body": ("Cơ quan công bố", "Published by"),
    "source": ("Nguồn", "Source"),
}


def published_figures(model):
    """Published figures with their source (the Overview), for the view's place and period: figures of
    the chosen province (and national ones), whose period overlaps the chosen period. Sourced facts
    (:func:`geo.data.facts.figures`), printed as published — with their qualifier ("hơn 1.700") — in the
    view's language, never mixed with the store."""
    from geo.data import facts
    from geo.i18n import t
    from geo.views.mapspec import province_name, short_province
    from geo.views.model import Table

    spec = model.view
    lang = spec.lang
    i = 1 if lang == "en" else 0
    figures = facts.figures()
    if spec.province:
        short = short_province(province_name(spec.era, spec.province))
        figures = figures[figures["geography"].fillna("").str.contains(short, regex=False) |
                          (figures["scope"] == "national")]
    start, end = spec.period.start, spec.period.end
    if start is not None and end is not None:  # figures whose period overlaps the chosen one
        f_start = pd.to_datetime(figures["period_start"], errors="coerce").dt.date
        f_end = pd.to_datetime(figures["period_end"], errors="coerce").dt.date
        figures = figures[(f_start <= end) & (f_end >= start)]
    frame = published_frame(figures, lang)
    note = facts.CAVEATS["figures"][i]
    if frame.empty:
        note = t("no_published_for_view", lang) + " " + note
    return Table("published", t("published_figures", lang), frame.reset_index(drop=True), note=note)


def published_frame(figures: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """Sourced figures (rows of :func:`geo.data.facts.figures`) as printed: headers and descriptive values in
    ``lang``, numbers with the language's separators and their qualifier ("hơn 1.700"), source as published."""
    from geo.i18n import facts as fx

    i = 1 if lang == "en" else 0
    rows = []
    for _, r in figures.iterrows():
        v = pd.to_numeric(pd.Series([r["value"]]), errors="coerce").iloc[0]
        if pd.isna(v):
            number = fx.text("figures.value", r["value"], lang) if isinstance(r["value"], str) else ""
        elif float(v).is_integer():
            number = f"{v:,.0f}".replace(",", ".") if i == 0 else f"{v:,.0f}"
        else:
            number = f"{v:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".") if i == 0 else f"{v:,.1f}"
        number = fx.with_qualifier(str(r["figure_id"]), number, lang) if number else number
        rows.append({
            "geography": fx.text("figures.geography", r["geography"], lang),
            "period_label": fx.text("figures.period_label", r["period_label"], lang),
            "metric": fx.text("figures.metric", r["metric"], lang),
            "value": number,
            "unit": fx.text("figures.unit", r["unit"], lang),
            "reporting_body": fx.text("figures.reporting_body", r["reporting_body"], lang),
            "source": "" if pd.isna(r["source"]) else str(r["source"]),
        })
    frame = pd.DataFrame(rows, columns=list(PUBLISHED_COLUMNS)).fillna("").astype(str)
    frame = frame.rename(columns={k: v[i] for k, v in PUBLISHED_COLUMNS.items()})
    return frame.reset_index(drop=True)


def route_profile(model, summary: pd.DataFrame, aggregate: pd.DataFrame, threshold: int) -> list:
    """Districts of one route's corridor from its origin to its end with their cases (protected; no
    running total, whose steps would give each small count away). The page's route choice is the spec's
    ``route``; the routes with a line are offered in ``model.options["routes"]``."""
    from geo.i18n.pages import HOTSPOT_PAGE as TEXT
    from geo.stats import corridors
    from geo.views.model import Table

    spec = model.view
    i = 1 if spec.lang == "en" else 0
    routes = summary[summary["has_line"].astype(bool)] if "has_line" in summary else summary
    if routes.empty:
        return []
    from geo.i18n import facts as fx

    names = {str(k): fx.text("routes.route_name", v, spec.lang) for k, v in zip(routes["route_id"], routes["route_name"])}
    model.options["routes"] = names
    route_id = spec.route if spec.route in names else next(iter(names))
    model.options["route"] = route_id
    from geo.views.analysis_view import covered

    # ``aggregate`` is perturbed per district for a protected view: each district's own protected count
    profile = corridors.along_route_profile(route_id, aggregate, km=spec.corridor_km, covered=covered(spec))
    if profile.empty:
        return []
    cases = [sup.NO_DATA if pd.isna(v) else sup.label_count(v, threshold, spec.lang, spec.protected or spec.suppress)
             for v in profile["cases"]]
    frame = pd.DataFrame({
        TEXT["position_km"][i]: [f"{p:,.0f}".replace(",", ".") for p in profile["position_km"]],
        TEXT["named_district"][i]: profile["name_vi"].astype(str),
        TEXT["waypoints"][i]: profile["waypoints"].fillna("").astype(str),
        TEXT["cases_col"][i]: cases,
    })
    status = pd.DataFrame({TEXT["cases_col"][i]: [sup.SMALL if (not pd.isna(v) and 0 < v < threshold) else sup.SHOWN
                                                  for v in profile["cases"]]})
    return [Table("route_profile", TEXT["along"][i].format(route=names[route_id]), frame, status,
                  note=TEXT["along_note"][i], sensitive=True)]


# --------------------------------------------------------------------------------------------------
# District page: trend, destinations, comparison (and the case rows, for exact access only)
# --------------------------------------------------------------------------------------------------
#: counts of the District page's comparison table
DISTRICT_SUMS = ("cases", "victims", "victims_children", "victims_women", "victims_rescued", "suspects_arrested")


def _count_cell(spec, true, key_sum, part: tuple | None = None) -> tuple[float | None, str, str]:
    """(shown value, display text, status) of one count cell: perturbed from its own records' keys and
    masked for a protected view; exact (masked when ``suppress``) for exact access. ``part``: (district code,
    column, start, end) of a cell that is part of a province, hidden ("x") for a viewer beside a published
    total of the province (:func:`geo.views.units.part_hidden`)."""
    from geo.views.units import part_hidden, perturbed_value

    if part is not None and part_hidden(spec, *part):
        return None, sup.HIDDEN, sup.HIDDEN_STATUS

    value = perturbed_value(spec, true, key_sum)
    masked = spec.protected or spec.suppress
    text = sup.label_count(value, spec.threshold, spec.lang, suppress=masked)
    if value is None:
        status = sup.MISSING
    elif value == 0:
        status = sup.ZERO
    elif masked and value < spec.threshold:
        status = sup.SMALL
    else:
        status = sup.SHOWN
    return value, text, status


def _rate_cell(spec, value, status: str, population) -> tuple[float | None, str]:
    """A rate per 100,000 from the shown count; only where the count is shown (else its mark)."""
    from geo.stats.classify import format_number

    if status == sup.SMALL:
        return None, f"<{spec.threshold}"
    if status == sup.HIDDEN_STATUS:
        return None, sup.HIDDEN
    if value is None or not population or pd.isna(population) or population <= 0:
        return None, sup.NO_DATA
    rate = float(value) / float(population) * 100_000
    return rate, format_number(rate, spec.lang, integer=False)


def _district_info() -> pd.DataFrame:
    from geo.admin.cache import load_layer

    frame = load_layer("districts_pre2025", "national")
    prov = frame["prov_name_vi"].astype(str).str.replace("Tỉnh ", "").str.replace("Thành phố ", "TP ")
    return pd.DataFrame({"name": frame["full_name_vi"].astype(str).to_numpy(),
                         "label": (frame["full_name_vi"].astype(str) + " (" + prov + ")").to_numpy(),
                         "population": pd.to_numeric(frame["pop_2009_odm"], errors="coerce").to_numpy()},
                        index=frame["code"].astype(str).to_numpy())


def _bucket_bounds(label: str) -> tuple:
    """First and last day of a bucket label of :func:`_buckets` ("2024-05", "2024-Q2", "2024")."""
    from geo.periods import parse_period

    return parse_period(label).bounds or (None, None)


def _buckets(start, end, grain: str) -> list[str]:
    months = pd.period_range(start, end, freq="M")
    out: list[str] = []
    for p in months:
        label = {"month": f"{p.year}-{p.month:02d}", "quarter": f"{p.year}-Q{(p.month - 1) // 3 + 1}",
                 "year": str(p.year)}[grain]
        if label not in out:
            out.append(label)
    return out


def _bucket_sums(spec, codes: list[str], grain: str, metric: str, engine) -> tuple[dict, tuple | None, int]:
    """Per district code and bucket: (true count, cell-key sum) of ``metric`` over the rows that fit in one
    bucket; the span of those rows; how many rows span a longer period (not in the chart)."""
    from geo.data import store
    from geo.views.units import _case_filter

    f = _case_filter(spec)
    f.pop("provinces", None)
    f["districts"] = list(codes)
    agg = store.aggregate_cases("district", grain, filters=f, engine=engine)
    if agg.empty:
        return {}, None, 0
    longer = int(agg.loc[~agg["exact_grain"], "n_rows"].sum())
    exact = agg[agg["exact_grain"]]
    if exact.empty:
        return {}, None, longer
    vals = pd.to_numeric(exact[metric], errors="coerce").fillna(0)
    grouped = pd.DataFrame({"code": exact["district_code5"].astype(str), "period": exact["period"], "v": vals,
                            "k": exact[f"ck_{metric}"]}).groupby(["code", "period"])[["v", "k"]].sum()
    sums = {key: (float(r["v"]), float(r["k"])) for key, r in grouped.iterrows()}
    span = (exact["period_start"].min().date(), exact["period_end"].max().date())
    return sums, span, longer


def district_page_tables(model, engine=None) -> list:
    """The District page's trend, destinations and comparison as view-model tables (and chart numbers in
    ``model.charts``), protected like the rest of the view; the case rows only for exact access."""
    from geo.i18n.pages import DESTINATIONS_EN, DISTRICT_PAGE as TEXT
    from geo.data import store
    from geo.views.model import Table
    from geo.views.spec import _display_label
    from geo.views.units import _case_filter

    spec = model.view
    lang = spec.lang
    i = 1 if lang == "en" else 0
    info = _district_info()
    population = info["population"].get(spec.district)
    label = _display_label(spec)
    metric = spec.metric
    tables = []
    span_filter = (spec.period.start, spec.period.end) if spec.period.start and spec.period.end else None

    # --- trend ---
    grain = spec.trend_grain
    sums, span, longer = _bucket_sums(spec, [spec.district], grain, metric, engine)
    model.options["longer_rows"] = longer  # rows spanning a longer period than the grain (a count of rows)
    span = span_filter or span
    if span is not None:
        periods, texts, statuses, chart = [], [], [], []
        for b in _buckets(span[0], span[1], grain):
            true, key = sums.get((spec.district, b), (0.0, 0.0))
            value, text, status = _count_cell(spec, true, key, (spec.district, metric, *_bucket_bounds(b)))
            if spec.rate:
                rate, text = _rate_cell(spec, value, status, population)
                chart.append(rate if rate is not None else float("nan"))
            else:
                chart.append(float("nan") if status in (sup.SMALL, sup.HIDDEN_STATUS) else float(value or 0))
            periods.append(b)
            texts.append(text)
            statuses.append(status)
        frame = pd.DataFrame({TEXT["period_col"][i]: periods, label: texts})
        tables.append(Table("trend", TEXT["trend"][i], frame, pd.DataFrame({label: statuses}), sensitive=True))
        model.charts["trend"] = pd.DataFrame({"period": periods, "value": chart})

    # --- destinations ---
    f = _case_filter(spec)
    f["districts"] = [spec.district]
    agg = store.aggregate_cases("district", "all", filters=f, engine=engine, extra_by=("destination_country",))
    if len(agg):
        def dest_label(v):
            if isinstance(v, str) and v.strip():
                return DESTINATIONS_EN.get(v, v) if lang == "en" else v
            return TEXT["not_stated"][i]
        cols = [metric] + (["cases"] if metric != "cases" else [])
        work = pd.DataFrame({"label": agg["destination_country"].map(dest_label)})
        for c in cols:
            work[c] = pd.to_numeric(agg[c], errors="coerce").fillna(0)
            work[f"ck_{c}"] = agg[f"ck_{c}"]
        grouped = work.groupby("label").sum()
        rows = []
        for name, r in grouped.iterrows():
            cells = {c: _count_cell(spec, r[c], r[f"ck_{c}"], (spec.district, c, spec.period.start, spec.period.end))
                     for c in cols}
            rows.append((name, cells))
        rows.sort(key=lambda x: (-(x[1][metric][0] or 0), x[0]))
        frame = pd.DataFrame({TEXT["destination"][i]: [n for n, _ in rows]})
        status = pd.DataFrame(index=range(len(rows)))
        value_col = label
        if spec.rate:
            frame[value_col] = [_rate_cell(spec, c[metric][0], c[metric][2], population)[1] for _, c in rows]
        else:
            frame[value_col] = [c[metric][1] for _, c in rows]
        status[value_col] = [c[metric][2] for _, c in rows]
        if metric != "cases":
            frame[TEXT["cases"][i]] = [c["cases"][1] for _, c in rows]
            status[TEXT["cases"][i]] = [c["cases"][2] for _, c in rows]
        tables.append(Table("destinations", TEXT["by_destination"][i], frame, status, sensitive=True))

    # --- comparison ---
    if spec.compare:
        from geo.i18n import t

        codes = [spec.district, *spec.compare]
        f = _case_filter(spec)
        f.pop("provinces", None)
        f["districts"] = codes
        agg = store.aggregate_cases("district", "all", filters=f, engine=engine)
        cols = ["district_code5", *DISTRICT_SUMS, *[f"ck_{m}" for m in DISTRICT_SUMS]]
        if metric not in DISTRICT_SUMS:
            cols += [metric, f"ck_{metric}"]
        by_code = (agg[cols].assign(district_code5=agg["district_code5"].astype(str))
                   .groupby("district_code5").sum() if len(agg) else pd.DataFrame())
        frame = pd.DataFrame({t("district", lang): [info["label"].get(c, c) for c in codes]})
        status = pd.DataFrame(index=range(len(codes)))

        def cell(code, m):
            part = (code, m, spec.period.start, spec.period.end)
            if code in by_code.index:
                return _count_cell(spec, float(by_code.at[code, m]), float(by_code.at[code, f"ck_{m}"]), part)
            return _count_cell(spec, 0.0, 0.0, part)
        for m in DISTRICT_SUMS:
            cells = [cell(c, m) for c in codes]
            frame[TEXT[m][i]] = [c[1] for c in cells]
            status[TEXT[m][i]] = [c[2] for c in cells]
        base = [cell(c, metric) for c in codes]
        from dataclasses import replace as dc_replace
        rate_header = f"{_display_label(dc_replace(spec, rate=False))} {TEXT['per100k'][i]}"
        frame[rate_header] = [_rate_cell(spec, v, st, info["population"].get(c))[1]
                              for c, (v, _, st) in zip(codes, base)]
        frame[TEXT["population"][i]] = [("" if pd.isna(info["population"].get(c)) else
                                         f"{int(round(info['population'].get(c))):,}".replace(",", "." if lang == "vi" else ","))
                                        for c in codes]
        tables.append(Table("compare", TEXT["compare"][i], frame, status, sensitive=True))
        # one bar per district and period: quarters within a year or less, else years
        span = span_filter
        cgrain = "quarter" if span and (span[1] - span[0]).days <= 366 else "year"
        sums, found, _ = _bucket_sums(spec, codes, cgrain, metric, engine)
        span = span or found
        short = [info["name"].get(c, c) for c in codes]
        names = short if len(set(short)) == len(short) else [info["label"].get(c, c) for c in codes]
        if span is not None:
            buckets = _buckets(span[0], span[1], cgrain)
            wide = {}
            for c, name in zip(codes, names):
                col = []
                for b in buckets:
                    true, key = sums.get((c, b), (0.0, 0.0))
                    value, _, st = _count_cell(spec, true, key, (c, metric, *_bucket_bounds(b)))
                    if spec.rate:
                        col.append(_rate_cell(spec, value, st, info["population"].get(c))[0])
                    else:
                        col.append(None if st in (sup.SMALL, sup.HIDDEN_STATUS) else value)
                wide[name] = [float("nan") if v is None else float(v) for v in col]
            model.charts["compare"] = pd.DataFrame(wide, index=buckets)

    # --- the case rows: exact access only (a viewer never gets case rows) ---
    if spec.access == "exact":
        tables.append(district_case_rows(spec, engine))
    if spec.protected and model.map is not None and sup.HIDDEN not in (model.map.mark_notes or {}) and any(
            tab.status is not None and (tab.status == sup.HIDDEN_STATUS).to_numpy().any() for tab in tables):
        from geo.views.units import published_note
        model.map.mark_notes = {**(model.map.mark_notes or {}), sup.HIDDEN: published_note(spec)}
    return tables


def district_case_rows(spec, engine=None):
    """The district's stored rows (exact access only), labelled, as a table of the model."""
    from geo.i18n import t
    from geo.i18n.pages import DESTINATIONS_EN, DISTRICT_PAGE as TEXT
    from geo.data import store
    from geo.views.model import Table
    from geo.views.units import _case_filter

    if spec.access != "exact":
        raise PermissionError("case rows are shown with exact access only")
    lang = spec.lang
    i = 1 if lang == "en" else 0
    f = _case_filter(spec)
    f["districts"] = [spec.district]
    rows = store.cases_frame(f, engine=engine)
    labelled = store.with_labels(rows, lang)
    dates = [d.date().isoformat() if pd.notna(d) else p for d, p in zip(labelled["date"], labelled["period_label"])]
    frame = pd.DataFrame({
        TEXT["date_col"][i]: dates,
        TEXT["case_id"][i]: labelled["case_id"],
        TEXT["record_type"][i]: labelled.get("record_type_label", labelled["record_type"]),
        t("commune", lang): labelled["commune_name"].fillna(""),
        TEXT["form"][i]: labelled.get("form_label", labelled["form"]),
        TEXT["cases"][i]: labelled["n_cases"],
        TEXT["victims"][i]: labelled["victims"],
        TEXT["victims_children"][i]: labelled["victims_children"],
        TEXT["victims_women"][i]: labelled["victims_women"],
        TEXT["victims_rescued"][i]: labelled["victims_rescued"],
        TEXT["suspects_arrested"][i]: labelled["suspects_arrested"],
        TEXT["destination"][i]: labelled["destination_country"].map(
            lambda v: (DESTINATIONS_EN.get(v, v) if lang == "en" else v) if isinstance(v, str) else ""),
        TEXT["route"][i]: labelled["route"].fillna(""),
        TEXT["border_gate"][i]: labelled["border_gate"].fillna(""),
        TEXT["agency"][i]: labelled.get("agency_label", labelled["agency"]),
        TEXT["source"][i]: labelled["source"].fillna(""),
        TEXT["demo_col"][i]: labelled["is_demo"].map({True: t("yes", lang), False: t("no", lang)}),
    })
    table = Table("cases", f"{TEXT['cases_table'][i]} ({len(rows)})", frame, note=TEXT["after_reform"][i],
                  sensitive=True)
    table.demo = bool(rows["is_demo"].any()) if len(rows) else False
    return table
