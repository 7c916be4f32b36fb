"""Choropleth classes shared by the interactive and the static maps."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from geo.stats import classify as C
def test_count_legend_labels_vi_en_and_no_data_class():
    cls = C.classify([0, 1, 3, 7, 12, 30, 80, None, float("nan")], "fixed")
    assert [e.label for e in cls.legend("vi")] == ["≥ 50", "20–49", "10–19", "5–9", "1–4", "0", "Không có dữ liệu"]
    assert [e.label for e in cls.legend("en")][-2:] == ["0", "No data"]
    # no data is not zero, and neither looks like a class
    assert cls.colour_of(None) == C.NO_DATA_COLOUR and cls.colour_of(float("nan")) == C.NO_DATA_COLOUR
    assert cls.colour_of(0) == C.ZERO_COLOUR != C.NO_DATA_COLOUR
    assert C.ZERO_COLOUR not in cls.colours and C.NO_DATA_COLOUR not in cls.colours
    assert cls.label_of(None, "vi") == "Không có dữ liệu" and cls.label_of(0) == "0"
    assert cls.label_of(3) == "1–4" and cls.label_of(9) == "5–9" and cls.label_of(500) == "≥ 50"


@pytest.mark.parametrize("method", ["quantiles", "natural_breaks", "fixed"])
def test_breaks_are_whole_numbers_that_increase(method):
    rng = np.random.default_rng(7)
    values = list(rng.poisson(4, 300)) + [0] * 40 + [None] * 5
    cls = C.classify(values, method, 5)
    assert all(float(b).is_integer() for b in cls.bins)
    assert list(cls.bins) == sorted(set(cls.bins)) and len(cls.bins) <= 6
    assert cls.bins[-1] >= max(v for v in values if v is not None)
    # every positive value falls in exactly one class, in order
    previous = 0
    for v in sorted(v for v in values if v):
        c = cls.class_of(v)
        assert c is not None and c >= previous
        previous = c
    assert len(cls.colours) == len(cls.bins) and len(set(cls.colours)) == len(cls.colours)


def test_protection_makes_the_first_class_one_to_threshold_minus_one():
    values = [1, 2, 2, 3, 5, 6, 9, 14, 22, 40]
    cls = C.classify(values, "natural_breaks", 5, protect=5)
    assert cls.label_of(1) == cls.label_of(4) == "1–4"
    assert cls.interval_of(2) == (1.0, 4.0)
    assert cls.label_of(5) != "1–4"
    # all small: a single closed class, never "≥ 1"
    small = C.classify([1, 2, 3], "quantiles", 5, protect=5)
    assert [e.label for e in small.legend()] == ["1–4", "0", "Không có dữ liệu"]
    assert small.interval_of(3) == (1.0, 4.0)
    # the top class is open: its interval has no upper bound and the maximum is never printed
    assert cls.interval_of(40)[1] == math.inf
    assert "40" not in [e.label for e in cls.legend()]


def test_fixed_breaks_given():
    cls = C.classify([0, 2, 8, 15], "fixed", breaks=(2, 9))
    assert [e.label for e in cls.legend("en")] == ["≥ 10", "3–9", "1–2", "0", "No data"]
    with pytest.raises(ValueError):
        C.classify([1, 2], "fixed", breaks=(9, 4))
    with pytest.raises(ValueError):
        C.classify([1, 2], "jenks")
    with pytest.raises(ValueError):
        C.classify([-1, 2], "quantiles")


def test_natural_breaks_match_mapclassify_on_many_values():
    import mapclassify

    rng = np.random.default_rng(3)
    y = rng.poisson(3, 600) + rng.integers(0, 30, 600) * (rng.random(600) < 0.1)
    y = y[y > 0].astype(float)
    ours = C.classify(y, "natural_breaks", 5, nice=False).bins
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = tuple(float(b) for b in mapclassify.FisherJenks(y, k=5).bins)
    assert ours == ref
    small = y[:120]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert C.classify(small, "natural_breaks", 4, nice=False).bins == tuple(float(b) for b in
                                                                   mapclassify.FisherJenks(small, k=4).bins)


def test_quantiles_match_mapclassify():
    import mapclassify

    rng = np.random.default_rng(11)
    y = (rng.gamma(2.0, 3.0, 200)).round(1) + 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = tuple(float(b) for b in mapclassify.Quantiles(y, k=5).bins)
    assert C.classify(y, "quantiles", 5, integer=False, nice=False).bins == ref


def test_legend_bounds_are_round_not_taken_from_the_data():
    values = [1, 2, 3, 6, 7, 13, 17, 23, 31, 58, 61, 97]
    cls = C.classify(values, "natural_breaks", 5, protect=5)
    ladder = {4, 9, 14, 19, 24, 29, 39, 49, 74, 99, 149}
    assert set(cls.bins[:-1]) <= ladder
    for entry in cls.legend("vi"):
        if entry.kind == "class" and entry.upper is not None:
            assert entry.upper in ladder
    rates = C.classify([0.37, 1.24, 2.9, 4.41, 8.06], "quantiles", 4)
    assert all(round(b / 10 ** math.floor(math.log10(b)), 6) in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5)
               for b in rates.bins[:-1])
    assert rates.legend("vi")[-3].label.startswith("≤ ")


def test_real_values_and_mapping_input():
    cls = C.classify({"a": 0.5, "b": 1.25, "c": 3.75, "d": None}, "quantiles", 3)
    assert not cls.integer
    assert cls.colour_of(0.5) != cls.colour_of(3.75)
    assert cls.legend("en")[0].label.startswith("> ")
    assert C.format_number(1234.5, "vi", integer=False) == "1.234,5"
    assert C.format_number(1234, "en") == "1,234"


def test_empty_and_all_zero():
    cls = C.classify([0, 0, None], "natural_breaks", 5)
    assert cls.bins == ()
    assert [e.label for e in cls.legend("vi")] == ["0", "Không có dữ liệu"]
    assert cls.colour_of(0) == C.ZERO_COLOUR
