"""Both cluster methods on one set of counts, and where they agree.

:func:`cluster_analysis` takes a store aggregate of **one** period (pre-2025 districts, or the 2025
communes with ``layer="communes_2025"``), prepares the counts, coverage and population once
(:func:`geo.stats.hotspots.hotspot_table`, which also gives the calibrated Gi*) and runs Kulldorff's
spatial scan (:mod:`geo.stats.scan`) on the same counts and population. Per unit it returns:

* ``gi`` — the Gi* class (hot/cold at 99/95/90%, :data:`geo.stats.hotspots.CLASSES`);
* ``scan`` — the scan class (:data:`SCAN_CLASSES`): in the most likely cluster or a secondary
  cluster with p ≤ 0.05, or not;
* ``agree`` — :data:`AGREE_CLASSES`: hot in Gi* at 95% or more *and* inside a significant scan
  cluster ("both"), one method only, or neither. Two methods with different questions (Gi*: is this
  neighbourhood's count unusually high?; the scan: where is the circle of districts whose rate is
  highest compared with the rest?) agreeing is stronger evidence than either alone.

Parameters that the pages state (:func:`settings_text`): the scan's windows are circles around each unit's
centroid growing to 10% of the population at risk (and 50 km for communes), the Poisson model with
999 Monte Carlo replicates, secondary clusters that share no unit with a stronger one, p ≤ 0.05. Counts
that come in clumps (victims per case) use the same dispersion φ in both methods.

Never imports Streamlit.
"""
from __future__ import annotations

import threading

import numpy as np
import pandas as pd

from geo.stats import hotspots, scan

#: the scan's window caps per layer: (share of the population at risk, radius in km or None)
WINDOW_CAPS = {"districts_pre2025": (0.10, None), "communes_2025": (0.10, 50.0)}
SCAN_ALPHA = 0.05

SCAN_CLASSES: dict[str, tuple[int, str, str, str]] = {
    "scan_mlc": (0, "#b2182b", "Cụm nguy cơ cao nhất (phép quét, p ≤ 0,05)",
                 "Most likely cluster (scan, p ≤ 0.05)"),
    "scan_secondary": (1, "#ef8a62", "Cụm thứ cấp (phép quét, p ≤ 0,05)", "Secondary cluster (scan, p ≤ 0.05)"),
    "not_significant": (2, "#d9d9d9", "Không thuộc cụm có ý nghĩa thống kê", "Not in a significant cluster"),
    "not_tested": (3, "#f0f0f0", "Không kiểm định được (không có dân số)", "Not tested (no population)"),
    "no_data": (4, "#ffffff", "Không có số liệu", "No data"),
}
AGREE_CLASSES: dict[str, tuple[int, str, str, str]] = {
    "both": (0, "#b2182b", "Cả hai phương pháp: Gi* (≥ 95%) và cụm phép quét",
             "Both methods: Gi* (≥ 95%) and a scan cluster"),
    "gi_only": (1, "#f4a582", "Chỉ Gi* (≥ 95%)", "Gi* only (≥ 95%)"),
    "scan_only": (2, "#fddbc7", "Chỉ phép quét (cụm p ≤ 0,05)", "Scan only (cluster p ≤ 0.05)"),
    "neither": (3, "#d9d9d9", "Không phương pháp nào", "Neither method"),
    "not_tested": (4, "#f0f0f0", "Không kiểm định được", "Not tested"),
    "no_data": (5, "#ffffff", "Không có số liệu", "No data"),
}
HOT_95 = ("hot_99", "hot_95")

_WINDOWS: dict[tuple, scan.ScanWindows] = {}
_LOCK = threading.Lock()


def windows_for(layer: str, weights, population: pd.Series) -> scan.ScanWindows:
    """The scan windows of a layer (centroids from the contiguity weights, in metres), cached per
    process for the same units and population."""
    share, radius = WINDOW_CAPS.get(layer, (0.10, None))
    codes = tuple(str(c) for c in weights.id_order)
    pop = pd.to_numeric(population, errors="coerce").reindex(list(codes)).to_numpy(dtype=float)
    key = (layer, codes, np.nan_to_num(pop).round(3).tobytes(), share, radius)
    with _LOCK:
        cached = _WINDOWS.get(key)
    if cached is not None:
        return cached
    win = scan.scan_windows(codes, np.asarray(weights.xy), pop, max_pop_share=share, max_radius_km=radius)
    with _LOCK:
        if len(_WINDOWS) > 8:
            _WINDOWS.clear()
        _WINDOWS[key] = win
    return win


def cluster_analysis(aggregates, metric: str = "cases", covered=None, layer: str = "districts_pre2025",
                     key: str | None = None, replicates: int = scan.REPLICATES, seed: int = scan.SEED,
                     with_scan: bool = True) -> dict:
    """Gi* and the spatial scan on one period's counts; see the module docstring.

    Returns a dict: ``gi`` (the :func:`geo.stats.hotspots.hotspot_table`), ``scan`` (the
    :class:`geo.stats.scan.ScanResult` or None), ``units`` (one row per unit: ``code``, ``gi_class``,
    ``scan_class``, ``agree_class``, ``cluster``, counts), ``clusters`` (the scan's clusters with member
    names) and ``settings`` (the parameters, for the page).
    """
    gi = hotspots.hotspot_table(aggregates, metric=metric, covered=covered, layer=layer, key=key)
    weights = hotspots.spatial_weights(_layer_frame(layer))
    units = gi[["code", "count", "population_2009", "class"]].rename(columns={"class": "gi_class"}).copy()
    units["scan_class"] = np.where(gi["class"] == "no_data", "no_data", "not_tested")
    units["cluster"] = 0
    clusters = pd.DataFrame()
    result = None
    tested = gi["count"].notna() & ~gi["no_population"]
    if with_scan and int(tested.sum()) >= hotspots.MIN_UNITS:
        counts = pd.Series(np.where(tested, gi["count"], np.nan), index=gi["code"].astype(str))
        pop = pd.Series(gi["population_2009"].where(tested).to_numpy(dtype=float), index=gi["code"].astype(str))
        win = windows_for(layer, weights, pop)
        result = scan.kulldorff_scan(counts, pop, win, replicates=replicates, seed=seed, alpha=SCAN_ALPHA,
                                     dispersion=float(gi.attrs.get("phi") or 1.0))
        su = result.units.reindex(units["code"].astype(str))
        cl = su["cluster"].fillna(0).astype(int).to_numpy()
        sig = su["in_significant_cluster"].fillna(False).astype(bool).to_numpy()
        mlc = sig & (cl == 1)
        scan_class = np.where(mlc, "scan_mlc", np.where(sig, "scan_secondary", "not_significant"))
        units["scan_class"] = np.where(tested, scan_class, units["scan_class"])
        units["cluster"] = np.where(sig, cl, 0)
        clusters = result.clusters.copy()
    gi_hot = units["gi_class"].isin(HOT_95).to_numpy()
    scan_hot = units["scan_class"].isin(("scan_mlc", "scan_secondary")).to_numpy()
    agree = np.select([gi_hot & scan_hot, gi_hot, scan_hot], ["both", "gi_only", "scan_only"], "neither")
    agree = np.where(units["gi_class"] == "no_data", "no_data",
                     np.where(units["gi_class"] == "not_tested", "not_tested", agree))
    units["agree_class"] = agree
    share, radius = WINDOW_CAPS.get(layer, (0.10, None))
    settings = {"layer": layer, "metric": metric, "phi": float(gi.attrs.get("phi") or 1.0),
                "gi_alpha": float(gi.attrs.get("alpha", hotspots.ALPHA)), "min_support": hotspots.MIN_SUPPORT,
                "scan_replicates": int(replicates), "scan_seed": int(seed), "scan_max_share": share,
                "scan_max_radius_km": radius, "scan_alpha": SCAN_ALPHA,
                "total": float(gi.attrs.get("total") or np.nansum(gi["count"])),
                "n_tested": int(gi.attrs.get("n_tested", 0)), "note": gi.attrs.get("note"),
                "scan_note": None if result is None else result.attrs.get("note"),
                "population_source": gi.attrs.get("population_source")}
    return {"gi": gi, "scan": result, "units": units, "clusters": clusters, "settings": settings}


def _layer_frame(layer: str):
    from geo.admin.cache import load_layer

    return load_layer(layer)


def class_table(layer_kind: str) -> dict:
    """The class table of a map layer kind: ``gi``, ``scan`` or ``agree``."""
    return {"gi": hotspots.CLASSES, "scan": SCAN_CLASSES, "agree": AGREE_CLASSES}[layer_kind]


def agreement_counts(units: pd.DataFrame) -> dict[str, int]:
    """How many units each agreement class holds (for the page's sentence)."""
    counts = units["agree_class"].value_counts()
    return {k: int(counts.get(k, 0)) for k in AGREE_CLASSES}


def explanation(kind: str, settings: dict | None = None, lang: str = "vi") -> str:
    """Plain words on a method (``gi``, ``scan`` or ``agree``), with the parameters used (Markdown)."""
    from geo.i18n.stats import AGREE_EXPLANATION, SCAN_EXPLANATION

    settings = settings or {}
    key = "en" if lang == "en" else "vi"
    communes = settings.get("layer") == "communes_2025"
    if kind == "gi":
        text = hotspots.explanation(lang)
        return text.replace("huyện", "xã").replace("district", "commune") if communes else text
    share = int(round(100 * (settings.get("scan_max_share") or WINDOW_CAPS["districts_pre2025"][0])))
    radius = settings.get("scan_max_radius_km")
    reps = int(settings.get("scan_replicates") or scan.REPLICATES)
    text = SCAN_EXPLANATION[key].format(
        share=share, r=f"{reps:,}".replace(",", "." if key == "vi" else ","),
        radius=f" hoặc bán kính {int(radius)} km" if radius else "",
        radius_en=f" or a {int(radius)} km radius" if radius else "")
    if settings.get("layer") == "communes_2025":
        text = text.replace("huyện", "xã").replace("district", "commune")
    if kind == "agree":
        extra = AGREE_EXPLANATION[key]
        if settings.get("layer") == "communes_2025":
            extra = extra.replace("huyện", "xã").replace("district", "commune")
        return extra + "\n\n" + text + "\n\n" + hotspots.explanation(lang)
    return text
