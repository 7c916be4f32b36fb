"""Class breaks and colours of a choropleth, shared by the interactive map and the static exports.

One :class:`Classification` decides, for every value, its class, colour and legend label, so a map
on screen and the picture pasted into a briefing show the same classes in the same colours.

Classes, from the legend's top to bottom:

- positive classes (``k`` of them at most), coloured with a sequential ramp (:data:`RAMP`,
  ColorBrewer YlOrRd): for counts they are integer ranges ``1–4``, ``5–9``, ``10–19`` and an
  open top class ``≥ 20`` (the largest value is never printed in the legend);
- ``0`` (:data:`ZERO_COLOUR`, white): a unit with data and nothing recorded;
- "Không có dữ liệu" / "No data" (:data:`NO_DATA_COLOUR`, grey): a unit without data (``None``/NaN),
  which is not the same as zero.

Methods: ``"quantiles"``, ``"natural_breaks"`` (Fisher-Jenks: the optimum ``mapclassify.FisherJenks``
finds, computed here on distinct values for speed; mapclassify's sampled variant for many distinct
real values) and ``"fixed"`` (given breaks). Computed breaks are then rounded to round bounds
(``nice``, default) so the legend never prints a figure taken from the data. Breaks are computed on the positive values only. ``breaks`` and
:attr:`Classification.bins` are the inclusive upper bounds of the positive classes, as in mapclassify.

With ``protect=threshold`` (small-count protection, see :mod:`geo.stats.suppression`) the first positive
class is exactly ``1 – threshold-1``, so that a colour never tells more than the "<5" label does.
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import numpy as np

METHODS = ("quantiles", "natural_breaks", "fixed")

#: ColorBrewer YlOrRd, 9 classes; positive classes take evenly spaced colours from index 1 on
RAMP: tuple[str, ...] = ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
                         "#bd0026", "#800026")
ZERO_COLOUR = "#ffffff"
NO_DATA_COLOUR = "#c4c4c4"
#: outline of choropleth units (same grey as the administrative map's unit outline)
OUTLINE_COLOUR = "#8c8c8c"
#: breaks used by ``method="fixed"`` for counts when none are given: 1–4, 5–9, 10–19, 20–49, ≥ 50
DEFAULT_COUNT_BREAKS = (4, 9, 19, 49)
MAX_CLASSES = 8

from geo.i18n.stats import CLASSES as _TEXT  # noqa: E402  (strings live in geo/i18n)
#: up to this many distinct values natural breaks are computed exactly here (see :func:`_natural_breaks`)
_EXACT_MAX_DISTINCT = 400


def _text(key: str, lang: str) -> str:
    vi, en = _TEXT[key]
    return en if lang == "en" else vi


@dataclass(frozen=True)
class LegendEntry:
    label: str
    colour: str
    kind: str  # "class", "zero" or "no_data"
    lower: float | None = None
    upper: float | None = None  # None: open top class


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(np.isnan(value))
    except TypeError:
        return False


def format_number(value: float, lang: str = "vi", integer: bool = True) -> str:
    """``1.234`` (vi) / ``1,234`` (en); one decimal for non-integers (``2,5`` / ``2.5``)."""
    if integer:
        text = f"{int(round(value)):,}"
        return text.replace(",", ".") if lang == "vi" else text
    text = f"{value:,.1f}"
    if lang == "vi":
        text = text.replace(",", " ").replace(".", ",").replace(" ", ".")
    return text


@dataclass(frozen=True)
class Classification:
    """Classes of one set of values. ``bins``: inclusive upper bounds of the positive classes (the
    last one is the largest value, or the protection bound when every value is small)."""

    method: str
    bins: tuple[float, ...]
    colours: tuple[str, ...]
    integer: bool = True
    open_top: bool = True  # the top class is labelled "≥ lower" (its upper bound is not shown)
    zero_colour: str = ZERO_COLOUR  # e.g. a dark red where zero is the worst value (coverage)
    zero_label: str = "0"

    @property
    def k(self) -> int:
        return len(self.bins)

    def lowers(self) -> tuple[float, ...]:
        """Inclusive lower bound of each positive class (integers) or exclusive (real values)."""
        if not self.bins:
            return ()
        if self.integer:
            return (1,) + tuple(int(b) + 1 for b in self.bins[:-1])
        return (0.0,) + tuple(self.bins[:-1])

    def class_of(self, value) -> int | None:
        """None for no data, -1 for zero, else the positive class index (0-based)."""
        if _is_missing(value):
            return None
        v = float(value)
        if v <= 0:
            return -1
        for i, upper in enumerate(self.bins):
            if v <= upper:
                return i
        return len(self.bins) - 1 if self.bins else -1

    def colour_of(self, value) -> str:
        c = self.class_of(value)
        if c is None:
            return NO_DATA_COLOUR
        if c < 0:
            return self.zero_colour
        return self.colours[c]

    def interval_of(self, value) -> tuple[float, float]:
        """What the colour of ``value`` tells a reader: the [lower, upper] of its class (inf when
        the top class is open). No data reads as (0, 0) (it adds nothing to a total)."""
        c = self.class_of(value)
        if c is None or c < 0:
            return (0.0, 0.0)
        lower = self.lowers()[c]
        if not self.integer and c > 0:
            lower = math.nextafter(lower, math.inf)
        upper = math.inf if (self.open_top and c == len(self.bins) - 1) else float(self.bins[c])
        return (float(lower), upper)

    def label_of_class(self, c: int, lang: str = "vi") -> str:
        lower = self.lowers()[c]
        upper = self.bins[c]
        fmt = lambda v: format_number(v, lang, self.integer)  # noqa: E731
        if self.open_top and c == len(self.bins) - 1:
            return f"≥ {fmt(lower)}" if self.integer else f"> {fmt(lower)}"
        if self.integer and upper == lower:
            return fmt(lower)
        if not self.integer and c == 0:
            return f"≤ {fmt(upper)}"  # (0, upper]: zero is its own class
        return f"{fmt(lower)}–{fmt(upper)}"

    def label_of(self, value, lang: str = "vi") -> str:
        c = self.class_of(value)
        if c is None:
            return _text("no_data", lang)
        if c < 0:
            return "0"
        return self.label_of_class(c, lang)

    def legend(self, lang: str = "vi", zero: bool = True, no_data: bool = True) -> list[LegendEntry]:
        """Legend rows, highest class first, then ``0`` and "no data" (each optional)."""
        rows = []
        lowers = self.lowers()
        for c in reversed(range(len(self.bins))):
            upper = None if (self.open_top and c == len(self.bins) - 1) else float(self.bins[c])
            rows.append(LegendEntry(self.label_of_class(c, lang), self.colours[c], "class", float(lowers[c]), upper))
        if zero:
            rows.append(LegendEntry(self.zero_label, self.zero_colour, "zero", 0.0, 0.0))
        if no_data:
            rows.append(LegendEntry(_text("no_data", lang), NO_DATA_COLOUR, "no_data"))
        return rows

    def colours_for(self, values: Iterable) -> list[str]:
        return [self.colour_of(v) for v in values]


def ramp(n: int) -> tuple[str, ...]:
    """``n`` colours of the sequential ramp, light to dark (the palest one is never used, so that a
    low class stays distinct from the white zero class)."""
    if n <= 0:
        return ()
    if n == 1:
        return (RAMP[4],)
    if n >= len(RAMP) - 1:
        return RAMP[1:]
    index = np.round(np.linspace(2 if n <= 5 else 1, len(RAMP) - 1, n)).astype(int)
    return tuple(RAMP[i] for i in index)


def _weighted_fisher_jenks(values: np.ndarray, weights: np.ndarray, k: int) -> list[float]:
    """Exact Fisher-Jenks on sorted distinct ``values`` with frequencies ``weights``: upper bounds."""
    m = len(values)
    k = min(k, m)
    cw = np.concatenate([[0.0], np.cumsum(weights)])
    cx = np.concatenate([[0.0], np.cumsum(weights * values)])
    cxx = np.concatenate([[0.0], np.cumsum(weights * values * values)])

    def cost(a: np.ndarray, b: int) -> np.ndarray:  # sum of squared deviations of values[a..b]
        w = cw[b + 1] - cw[a]
        s = cx[b + 1] - cx[a]
        return (cxx[b + 1] - cxx[a]) - s * s / w

    inf = np.inf
    best = np.full((k, m), inf)
    start = np.zeros((k, m), dtype=int)
    best[0] = cost(np.zeros(m, dtype=int), 0) if m == 1 else np.array([cost(np.array([0]), b)[0] for b in range(m)])
    for j in range(1, k):
        for b in range(j, m):
            a = np.arange(j, b + 1)
            total = best[j - 1, a - 1] + cost(a, b)
            i = int(np.argmin(total))
            best[j, b] = total[i]
            start[j, b] = a[i]
    uppers = []
    b = m - 1
    for j in reversed(range(k)):
        uppers.append(float(values[b]))
        b = start[j, b] - 1
    return sorted(uppers)


def _natural_breaks(positive: np.ndarray, k: int) -> list[float]:
    """Fisher-Jenks natural breaks: the exact optimum of ``mapclassify.FisherJenks``, computed on the
    distinct values with their frequencies (counts have few distinct values; mapclassify's pure-Python
    version takes seconds for a few hundred units and its import alone over a second). Beyond
    :data:`_EXACT_MAX_DISTINCT` distinct values, ``mapclassify.FisherJenksSampled``."""
    distinct, counts = np.unique(positive, return_counts=True)
    if len(distinct) <= k:
        return [float(v) for v in distinct]
    if len(distinct) <= _EXACT_MAX_DISTINCT:
        return _weighted_fisher_jenks(distinct.astype(float), counts.astype(float), k)
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Numba not installed"
        return [float(b) for b in mapclassify.FisherJenksSampled(positive, k=k).bins]


def _quantiles(positive: np.ndarray, k: int) -> list[float]:
    """Quantile breaks, as ``mapclassify.Quantiles`` (linear percentiles at 100/k steps, repeats merged)."""
    w = 100.0 / k
    p = np.arange(w, 100 + w, w)
    p[p > 100.0] = 100.0
    return [float(q) for q in np.unique(np.percentile(positive, p))]


def _ladder(integer: bool, top: float) -> np.ndarray:
    """Round class bounds, independent of the data: counts 1, 2, 3, 4, 9, 14, 19, 24, 29, 39, 49, 74,
    99, 149... (classes 5–9, 10–14, ...); real values 1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5 times a power of ten."""
    out: list[float] = []
    if integer:
        out += [1, 2, 3, 4]
        e = 1
        while not out or out[-1] < top * 2:
            out += [m * 10 ** e - 1 for m in (1, 1.5, 2, 2.5, 3, 4, 5, 7.5)]
            e += 1
    else:
        for e in range(-4, int(math.log10(max(top, 1e-9))) + 2):
            out += [m * 10.0 ** e for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5)]
    return np.array(sorted(set(out)), dtype=float)


def _snap(bounds: list[float], integer: bool, top: float) -> list[float]:
    """Each bound moved to the nearest round bound (see :func:`_ladder`)."""
    ladder = _ladder(integer, top)
    return [float(ladder[int(np.argmin(np.abs(ladder - b)))]) for b in bounds]


def classify(values: Iterable | Mapping, method: str = "natural_breaks", k: int = 5,
             breaks: Sequence[float] | None = None, *, integer: bool | None = None,
             protect: int | None = None, nice: bool = True) -> Classification:
    """Classes of ``values`` (a sequence, Series or mapping; None/NaN are "no data").

    ``k`` is the number of positive classes at most (zero and no data are classes of their own).
    ``breaks`` (``method="fixed"``): inclusive upper bounds of every positive class but the top one;
    default :data:`DEFAULT_COUNT_BREAKS`. ``integer``: integer ranges (default: every value is whole).
    ``protect``: small-count threshold; the first positive class becomes ``1 – protect-1``.
    ``nice`` (default): quantile and natural breaks are moved to the nearest round bound (``5–9``,
    ``10–14``, ``15–19``...), so that a legend never prints a value taken from the data (the largest
    value of a class could otherwise be read off the legend, and with it a hidden unit's figure).
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, not {method!r}")
    if isinstance(values, Mapping):
        values = list(values.values())
    raw = [v for v in values if not _is_missing(v)]
    data = np.asarray(raw, dtype=float)
    if (data < 0).any():
        raise ValueError("choropleth values must not be negative")
    if integer is None:
        integer = bool(np.all(np.mod(data, 1) == 0))
    k = max(1, min(int(k), MAX_CLASSES))
    positive = data[data > 0]
    top = float(positive.max()) if len(positive) else 0.0
    low = float(protect - 1) if protect is not None and protect > 1 else None

    if method == "fixed":
        uppers = [float(b) for b in (DEFAULT_COUNT_BREAKS if breaks is None else breaks)]
        if any(b2 <= b1 for b1, b2 in zip(uppers, uppers[1:])):
            raise ValueError("fixed breaks must increase")
        uppers = [b for b in uppers if b > 0]
        if low is not None:
            uppers = [low] + [b for b in uppers if b > low]
        # the open top class is always listed, so a fixed legend is the same on every map
        uppers.append(max(top, uppers[-1] + 1 if uppers else 1.0))
    else:
        compute = _quantiles if method == "quantiles" else _natural_breaks
        if low is not None:
            above = positive[positive > low]
            found = compute(above, k - 1) if len(above) and k > 1 else ([top] if len(above) else [])
        else:
            found = compute(positive, k) if len(positive) else []
        if nice and found:
            found = _snap(found[:-1], integer, top) + found[-1:]
        uppers = ([low] if low is not None else []) + found
    if integer:
        uppers = [float(math.floor(b)) for b in uppers]
    clean: list[float] = []
    for b in uppers:
        if b > 0 and (not clean or b > clean[-1]):
            clean.append(b)
    if clean and clean[-1] < top:
        clean[-1] = top
    # the top class reads "≥ n" unless it is the protected small class ("1–4")
    open_top = bool(clean) and not (low is not None and clean[-1] == low)
    return Classification(method=method, bins=tuple(clean), colours=ramp(len(clean)), integer=integer,
                          open_top=open_top)


@dataclass(frozen=True)
class _Entry:
    label: str
    colour: str


@dataclass(frozen=True)
class CategoryClasses:
    """Categorical classes (e.g. Gi* hot/cold, change classes) with the Classification interface
    that :func:`admin_map` uses: ``colour_of``, ``label_of`` and ``legend``."""

    order: tuple[str, ...]
    colours: dict
    labels_vi: dict
    labels_en: dict
    missing_colour: str = "#c4c4c4"
    missing_vi: str = "Không có dữ liệu"
    missing_en: str = "No data"
    integer: bool = False

    @classmethod
    def from_table(cls, table: dict[str, tuple[int, str, str, str]]) -> "CategoryClasses":
        """From a ``{class: (order, colour, vi label, en label)}`` table (geo.stats.hotspots / geo.stats.change)."""
        keys = tuple(sorted(table, key=lambda k: table[k][0]))
        return cls(keys, {k: table[k][1] for k in keys}, {k: table[k][2] for k in keys},
                   {k: table[k][3] for k in keys})

    def colour_of(self, value) -> str:
        return self.colours.get(value, self.missing_colour) if isinstance(value, str) else self.missing_colour

    def label_of(self, value, lang: str = "vi") -> str:
        labels = self.labels_en if lang == "en" else self.labels_vi
        if isinstance(value, str) and value in labels:
            return labels[value]
        return self.missing_en if lang == "en" else self.missing_vi

    def legend(self, lang: str = "vi", present: set | None = None) -> list[_Entry]:
        keys = [k for k in self.order if present is None or k in present]
        return [_Entry(self.label_of(k, lang), self.colours[k]) for k in keys]
