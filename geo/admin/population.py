"""Population at risk per unit, for rates and the cluster statistics.

* **Pre-2025 districts** (702): the 2009 census population that the boundary source carries
  (``pop_2009_odm``; ``Nam_TK`` = 2009 on every feature, see ``../shared/boundaries/SOURCES.md``).
* **2025 communes** (3,321): no source in ``../shared/boundaries`` gives a commune population, so it is
  **estimated by areal weighting** of the 2009 district populations: each district's people are spread
  evenly over its area and every commune receives the people of the district parts it covers
  (``pop_c = Σ_d pop_d · area(c ∩ d) / area(d)``, areas in :data:`geo.admin.boundaries.METRIC_CRS`, on the
  district-level simplified layers). Within a district this assumes an even density, so a town ward and a
  mountain commune of the same district get the same density; the figures are an estimate of where
  people lived in 2009, good enough to weight the expected counts of the statistics, not for display as
  a population. The pages say so wherever a commune analysis is shown.

The estimate is derived from the boundary files, so it is written to the git-ignored cache
(``data/cache/derived/``), rebuilt when the boundary cache is rebuilt (keyed by its manifest), and never
committed. This module never imports Streamlit.
"""
from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import numpy as np
import pandas as pd

from geo import config

#: bump when the estimation changes
VERSION = 1
SOURCE_WORDS = {
    "districts_pre2025": ("dân số 2009, Tổng điều tra 2009", "2009 census population"),
    "communes_2025": ("dân số ước tính theo diện tích từ dân số huyện năm 2009",
                      "population estimated by area from the 2009 district populations"),
}
_LOCK = threading.Lock()
_MEMO: dict[str, pd.Series] = {}


def derived_dir() -> Path:
    """``data/cache/derived`` (git-ignored): tables derived from the boundary cache."""
    path = config.cache_dir() / "derived"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_key(*parts) -> str:
    """A key that changes when the boundary cache is rebuilt (its manifest) or ``parts`` change."""
    manifest = config.cache_dir() / "manifest.json"
    try:
        built = json.loads(manifest.read_text(encoding="utf-8"))
        base = json.dumps({k: built.get(k) for k in ("version", "code", "sources", "built_at")}, sort_keys=True)
    except (OSError, ValueError):
        base = "no-manifest"
    return hashlib.sha256("|".join([base, *map(str, parts)]).encode()).hexdigest()[:20]


def _estimate_communes() -> pd.Series:
    import geopandas as gpd

    from geo.admin.boundaries import METRIC_CRS
    from geo.admin.cache import load_layer

    communes = load_layer("communes_2025", "district")[["code", "geometry"]].to_crs(METRIC_CRS)
    districts = load_layer("districts_pre2025", "district")[["code", "pop_2009_odm", "geometry"]].to_crs(METRIC_CRS)
    districts = districts.assign(d_area=districts.area,
                                 d_pop=pd.to_numeric(districts["pop_2009_odm"], errors="coerce").fillna(0.0))
    parts = gpd.overlay(communes.rename(columns={"code": "c_code"}),
                        districts[["code", "d_area", "d_pop", "geometry"]].rename(columns={"code": "d_code"}),
                        how="intersection", keep_geom_type=True)
    share = np.where(parts["d_area"] > 0, parts.area / parts["d_area"], 0.0)
    pop = pd.Series(share * parts["d_pop"].to_numpy(), index=parts["c_code"].astype(str)).groupby(level=0).sum()
    out = pop.reindex(communes["code"].astype(str)).fillna(0.0)
    out.index.name = "code"
    return out.rename("population")


def population(layer: str = "districts_pre2025") -> pd.Series:
    """Population at risk by unit ``code`` for ``layer`` (``districts_pre2025``: the 2009 census;
    ``communes_2025``: the areal estimate above; ``provinces_2025``/``provinces_pre2025``: sums of the
    district figures). Units without a figure are NaN. Cached on disk and per process."""
    with _LOCK:
        if layer in _MEMO:
            return _MEMO[layer]
    from geo.admin.cache import load_layer

    if layer == "districts_pre2025":
        d = load_layer("districts_pre2025")
        out = pd.Series(pd.to_numeric(d["pop_2009_odm"], errors="coerce").to_numpy(), index=d["code"].astype(str))
    elif layer == "provinces_pre2025":
        d = load_layer("districts_pre2025")
        out = pd.to_numeric(d["pop_2009_odm"], errors="coerce").groupby(d["prov_code"].astype(str)).sum(min_count=1)
    elif layer == "communes_2025":
        path = derived_dir() / f"commune_population_{cache_key('communes', VERSION)}.parquet"
        if path.is_file():
            out = pd.read_parquet(path)["population"]
        else:
            out = _estimate_communes()
            tmp = path.with_suffix(".tmp")
            out.to_frame().to_parquet(tmp)
            tmp.replace(path)
    elif layer == "provinces_2025":
        c = population("communes_2025")
        from geo.admin.cache import load_layer as _ll

        codes = _ll("communes_2025")[["code", "prov_code"]].astype(str).set_index("code")["prov_code"]
        out = c.groupby(codes.reindex(c.index)).sum(min_count=1)
    else:
        raise ValueError(f"no population for layer {layer!r}")
    out = out.astype(float)
    out.index = out.index.astype(str)
    out.index.name = "code"
    out = out.rename("population")
    with _LOCK:
        _MEMO[layer] = out
    return out


def commune_population() -> pd.Series:
    """Estimated population of the 3,321 communes of 2025 (see the module docstring)."""
    return population("communes_2025")


def source_words(layer: str, lang: str = "vi") -> str:
    vi, en = SOURCE_WORDS.get(layer, SOURCE_WORDS["districts_pre2025"])
    return en if lang == "en" else vi


def build_derived(verbose: bool = True) -> None:
    """Build the derived tables once (set-up): the commune population and the contiguity weights of
    both layers (:func:`geo.stats.hotspots.spatial_weights` keeps them on disk)."""
    import time

    from geo.admin.cache import load_layer
    from geo.stats import hotspots

    started = time.perf_counter()
    population("communes_2025")
    for name in ("districts_pre2025", "communes_2025"):
        hotspots.spatial_weights(load_layer(name))
    if verbose:
        print(f"derived tables ready in {time.perf_counter() - started:.1f} s: {derived_dir()}")


def main(argv: list[str]) -> int:
    """``python -m geo build-cache [--force]``: the boundary cache, then the derived tables."""
    from geo.admin.cache import main_build_cache

    status = main_build_cache(argv)
    if status == 0:
        build_derived()
    return status
