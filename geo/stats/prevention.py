"""Prevention coverage: which key-area communes have a specialised prevention model, and the classes
the maps use for the share of them that do (against the plan target, e.g. "≥ 30%").

Used by the Prevention page (``pages/phong_ngua.py``) and its briefing export (:mod:`geo.render.briefing`), so
that the picture and the page show the same figures, classes and colours.

The commune-level rule is the one of :func:`geo.data.store.coverage_frame`: a model counts when it started on
or before 31 December of the year and had not ended by then (a model marked ended or paused without an
end date does not count). District figures therefore add up to the province figure.

Coverage values are percentages (0–100) of key-area communes; no count of people is involved.
"""
from __future__ import annotations

import dataclasses
import math
from datetime import date

import pandas as pd

from geo.data import schema, store
from geo.data.store import meets_target, model_active_at  # noqa: F401  (part of this module's interface)
from geo.stats.classify import Classification, classify

#: below the target: reds (darkest = lowest); at or above: blues (darkest = highest). Higher is better
#: here, so the usual YlOrRd ramp (dark = more) would read the wrong way round.
BELOW_COLOURS = ("#d7301f", "#fc8d59", "#fdcc8a")
ABOVE_COLOURS = ("#9ecae1", "#4292c6", "#08519c")
#: no key-area commune with a model at all: the worst case, darker than every other class
ZERO_COVERAGE_COLOUR = "#7f0000"
#: the target used for the classes when a view has none (the national plan's 30 %)
DEFAULT_TARGET = 30.0
COMPARATOR_SIGN = {"at_least": "≥", "over": ">", "at_most": "≤", "equal": "="}

from geo.i18n.stats import PREVENTION as TEXT  # noqa: E402  (strings live in geo/i18n)


def key_commune_status(year: int | None, era: str, province: str | None = None, lang: str = "vi",
                       engine=None) -> pd.DataFrame:
    """One row per key-area commune of the scope and year (the rows of ``key_areas``) with ``covered``
    (bool) and ``models`` (names of the models in place on 31 December, ``"; "``-separated).

    ``era`` says what ``province`` is: a pre-2025 province code (``pre2025``) or a 2025 one (``2025``).
    """
    ka = store.key_areas_frame(engine=engine)
    if year is not None:
        ka = ka[ka["year"] == int(year)]
    if province:
        ka = ka[ka["prov_code_pre2025" if era == "pre2025" else "prov_code_2025"] == province]
    ka = ka.drop_duplicates(["province_code", "year", "place_era", "commune_code"]).copy()
    if ka.empty:
        return ka.assign(covered=pd.Series(dtype=bool), models=pd.Series(dtype=object))
    models = store.prevention_frame(engine=engine)
    covered, names = {}, {}
    for y, grp in ka.groupby("year", sort=False):
        active = models[model_active_at(models, date(int(y), 12, 31))] if len(models) else models
        legacy: dict[str, list[str]] = {}
        new: dict[str, list[str]] = {}
        for _, m in active.iterrows():
            label = m["name"] if isinstance(m["name"], str) and m["name"] else \
                schema.MODEL_TYPES.label(m["model_type"], lang)
            if m["place_era"] == "pre2025" and isinstance(m["commune_code"], str):
                legacy.setdefault(m["commune_code"], []).append(label)
            if isinstance(m["commune_code_2025"], str):
                new.setdefault(m["commune_code_2025"], []).append(label)
        for index, r in grp.iterrows():
            if r["place_era"] == "pre2025":
                hits = legacy.get(r["commune_code"], [])
            else:
                hits = new.get(r["commune_code_2025"], []) if isinstance(r["commune_code_2025"], str) else []
            covered[index] = bool(hits)
            names[index] = "; ".join(hits)
    ka["covered"] = pd.Series(covered).astype(bool)
    ka["models"] = pd.Series(names)
    return ka


#: key-area commune points, as on the page: (fill, outline) with a model and without one
POINT_STYLES = {True: ("#2e7d32", "#1b5e20"), False: ("#ffffff", "#b71c1c")}


def key_commune_points(frame: pd.DataFrame, spread_deg: float = 0.012) -> pd.DataFrame:
    """Where to draw each key-area commune of :func:`key_commune_status` (``lon``/``lat``, EPSG:4326).

    Communes before 2025 have no boundaries of their own, so each is placed at a point inside the 2025
    commune it was merged into; several in the same 2025 commune sit on a small ring (``spread_deg``
    degrees). Positions are approximate; rows without a known 2025 commune are left out.
    """
    from geo.admin import cache
    polygons = cache.load_layer("communes_2025", "province")
    polygons = polygons[polygons["code"].isin(frame["commune_code_2025"].dropna())]
    anchor = {c: g.representative_point() for c, g in zip(polygons["code"], polygons.geometry)}
    parts = []
    for new_code, grp in frame.groupby("commune_code_2025"):
        point = anchor.get(new_code)
        if point is None:
            continue
        grp = grp.sort_values("commune_code")
        n = len(grp)
        angles = [2 * math.pi * i / n for i in range(n)]
        spread = spread_deg if n > 1 else 0.0
        parts.append(grp.assign(lon=[point.x + spread * math.cos(a) for a in angles],
                                lat=[point.y + spread * math.sin(a) for a in angles]))
    if not parts:
        return frame.iloc[0:0].assign(lon=pd.Series(dtype=float), lat=pd.Series(dtype=float))
    return pd.concat(parts)


def coverage_summary(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    """Key-area communes, those with a model and the coverage (%, one decimal) per value of ``by``."""
    out = frame.groupby(by, dropna=False).agg(key_communes=("covered", "size"), covered_communes=("covered", "sum"),
                                              is_demo=("is_demo", "any")).reset_index()
    out["coverage_pct"] = (100.0 * out["covered_communes"] / out["key_communes"]).round(1)
    return out


def coverage_breaks(target: float | None) -> tuple[float, ...]:
    """Fixed class breaks around the target (inclusive uppers): for 30 %: 1–14, 15–29, 30–49, ≥ 50."""
    target = DEFAULT_TARGET if target is None or pd.isna(target) else float(target)
    t_int = max(3, int(math.ceil(target)))
    high = t_int + 19 if t_int + 19 < 100 else t_int + max(1, (100 - t_int) // 2)
    return tuple(sorted({max(1, int(round(t_int / 2)) - 1), t_int - 1, high}))


def coverage_classes(values: dict, target: float | None) -> Classification:
    """Fixed classes around the target, coloured red below it and blue from it on; 0 % (key-area communes
    but no model in any) darkest red."""
    classification = classify(values, "fixed", 5, breaks=coverage_breaks(target), integer=True)
    target = DEFAULT_TARGET if target is None or pd.isna(target) else float(target)
    lowers = classification.lowers()
    below = [i for i, low in enumerate(lowers) if low < target]
    above = [i for i, low in enumerate(lowers) if low >= target]
    colours = [""] * len(lowers)
    for rank, i in enumerate(below):
        colours[i] = BELOW_COLOURS[min(rank, len(BELOW_COLOURS) - 1)]
    for rank, i in enumerate(reversed(above)):
        colours[i] = ABOVE_COLOURS[max(len(ABOVE_COLOURS) - 1 - rank, 0)]
    return dataclasses.replace(classification, colours=tuple(colours), zero_colour=ZERO_COVERAGE_COLOUR,
                               zero_label="0%")


def class_value(value) -> float | None:
    """Whole percentages for the classes; any coverage above zero stays above zero."""
    if value is None or pd.isna(value):
        return None
    return 0.0 if value <= 0 else float(max(1, math.floor(value)))


def list_era_words(key_communes: pd.DataFrame, lang: str = "vi") -> str:
    """Which units the key-area list was drawn up in: "trước 2025", "sau 1/7/2025" or both."""
    tr = lambda k: TEXT[k][1 if lang == "en" else 0]  # noqa: E731
    eras = set(key_communes["place_era"])
    if eras == {"pre2025"}:
        return tr("era_pre_short")
    if eras == {"2025"}:
        return tr("era_new_short")
    return f"{tr('era_pre_short')} + {tr('era_new_short')}"


def pct_text(value, lang: str = "vi") -> str:
    """``35,7%`` (vi) / ``35.7%`` (en); ``—`` when unknown."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{float(value):.1f}"
    return (text.replace(".", ",") if lang == "vi" else text) + "%"


def target_text(value, comparator: str | None, lang: str = "vi", none: str = "—") -> str:
    """``≥ 30%``; ``none`` when there is no target."""
    if value is None or pd.isna(value):
        return none
    number = f"{float(value):g}".replace(".", "," if lang == "vi" else ".")
    return f"{COMPARATOR_SIGN.get(comparator or 'at_least', '≥')} {number}%"


def list_years(era: str, province: str | None = None, engine=None) -> list[int]:
    """Years with a key-area list in the scope, ascending."""
    ka = store.key_areas_frame(engine=engine)
    if province:
        ka = ka[ka["prov_code_pre2025" if era == "pre2025" else "prov_code_2025"] == province]
    return sorted(int(y) for y in ka["year"].dropna().unique())
