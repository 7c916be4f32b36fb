"""Vietnamese renderings of the sourced facts (geo/i18n/facts.py): every descriptive value the app shows from
the facts folder has a Vietnamese text with no English left in it, proper names keep their diacritics, and
published figures print their qualifier ("hơn 1.700" / "more than 1,700")."""
from __future__ import annotations

import functools
import math
import re

import pandas as pd
import pytest

from geo.data import facts
from geo.i18n import facts as fx

#: common English words that must not be left in a Vietnamese rendering (short words that are also
#: Vietnamese or proper names, such as "in", "on", "na", are left out)
ENGLISH = (
    "village", "villages", "commune", "communes", "hamlet", "hotspot", "trafficking", "trafficked", "persons",
    "cases", "case", "road", "gate", "province", "district", "districts", "the", "and", "of", "with", "from",
    "victims", "victim", "women", "children", "girls", "border", "plan", "target", "targets", "since", "year",
    "report", "police", "people", "route", "town", "city", "ward", "station", "port", "ports", "national",
    "international", "secondary", "planned", "missing", "smuggling", "transport", "corridor", "via", "rescued",
    "arrested", "suspects", "per", "share", "percent", "approx", "shown", "not", "by", "to", "for", "or", "as",
    "at", "near", "county", "zone", "lane", "airport", "seaport", "sea", "rail", "air", "freight", "expressway",
    "network", "sold", "lured", "deputy", "minister", "ministry", "committee", "union", "office", "department",
    "officials", "local", "authorities", "statement", "visit", "early", "annual", "average", "mainly", "now",
    "existing", "upgrade", "upgraded", "opened", "decision", "dispatch", "official", "provincial", "headline",
    "reposted", "unclear", "medium", "high", "low", "domestic", "intended", "transit", "brothels", "den",
    "england", "laos", "china", "cambodia", "myanmar", "vietnam", "thailand", "taiwan", "hong kong", "golden",
    "triangle", "sez", "scam", "mountain", "mountainous", "yunnan", "hekou", "centroid", "exact", "none",
    "mixed", "yes", "no", "level", "area", "key", "than", "more", "over", "about", "nearly", "least", "jan",
    "apr", "jun", "jul", "aug", "sep", "dec", "april", "h1", "q1", "mps", "molisa", "ppc", "plan", "prov",
)
ENGLISH_RE = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in ENGLISH) + r")\b", re.IGNORECASE)
#: a word with a Vietnamese diacritic (Latin letters only)
DIACRITIC_WORD = re.compile(r"[A-Za-zÀ-ỹĐđ]*[À-ỹĐđ][A-Za-zÀ-ỹĐđ]*")


@functools.lru_cache(maxsize=None)
def _frame(table: str) -> pd.DataFrame:
    return getattr(facts, table)()


def _values(field: str) -> list[str]:
    """The distinct non-empty values of a covered field in the current facts files (as the app loads them);
    for ``figures.value`` only the values that are not a plain number."""
    table, column = fx.SOURCE_COLUMNS[field]
    values = sorted({v for v in _frame(table)[column] if isinstance(v, str) and v.strip()})
    if field == "figures.value":
        values = [v for v in values if pd.isna(pd.to_numeric(v, errors="coerce"))]
    return values


def _pairs():
    return [(field, value) for field in fx.SOURCE_COLUMNS for value in _values(field)]


def _country_names() -> set[str]:
    """Single country names in the facts: waypoint countries and the parts of the country lists, without
    their parenthesised remarks."""
    names = set(_values("route_waypoints.country"))
    for field in ("routes.destination_countries", "gates.counterpart_country", "destinations.destination"):
        for value in _values(field):
            for part in value.split(";"):
                part = re.sub(r"\s*\(.*?\)\s*", " ", part).strip()
                if part:
                    names.add(part)
    return names


def test_fields_are_table_columns_of_the_loaders():
    assert "countries" in fx.FIELDS
    for needed in ("figures.metric", "figures.period_label", "figures.unit", "figures.reporting_body",
                   "figures.geography", "figures.value", "hotspots.name", "hotspots.category", "hotspots.period",
                   "hotspots.level", "hotspots.nature", "routes.route_name", "routes.category", "routes.purpose",
                   "routes.destination_countries", "routes.nature", "gates.gate_type", "gates.mode",
                   "gates.counterpart_country", "gates.counterpart_gate", "gates.counterpart_area",
                   "gates.planning_status", "gates.coord_type", "hotspots.coord_type"):
        assert needed in fx.FIELDS, needed
    for field, (table, column) in fx.SOURCE_COLUMNS.items():
        assert column in _frame(table).columns, field


def test_every_value_has_its_own_vietnamese_rendering():
    """Keyed by the exact source string: a changed or new source value shows up here."""
    missing = [(f, v) for f, v in _pairs() if v not in fx._VI[f]]
    assert not missing, missing
    # counts of the main fields (the facts as curated); a new value fails above, not here
    assert len(_values("figures.metric")) >= 70 and len(_values("figures.period_label")) >= 40


def test_no_english_left_in_vietnamese():
    left = []
    for field, value in _pairs():
        rendered = fx.vi(field, value)
        assert rendered and rendered.strip(), (field, value)
        hits = ENGLISH_RE.findall(rendered)
        if hits:
            left.append((field, rendered, hits))
        if ENGLISH_RE.search(value):  # an English source value is really translated
            assert rendered != value, (field, value)
    assert not left, left


def test_proper_names_keep_their_diacritics():
    lost = []
    for field, value in _pairs():
        rendered = fx.vi(field, value).casefold()
        for word in DIACRITIC_WORD.findall(value):
            if word.casefold() not in rendered:
                lost.append((field, value, word))
    assert not lost, lost
    # the names the ministry reader checks first
    every = " ".join(fx.vi(f, v) for f, v in _pairs())
    for name in ("Hữu Kiệm", "Kỳ Sơn", "Tương Dương", "Nậm Cắn", "Móng Cái", "Lào Cai", "Quế Phong", "Thông Thụ",
                 "Bản Phố", "Mường Khương", "Hải Phòng", "Yên Thành", "Đỉnh Sơn 1", "Huồi Thơ"):
        assert name in every, name


def test_examples_from_the_brief():
    assert fx.vi("hotspots.name", "Đỉnh Sơn 1 village (bản Đỉnh Sơn 1), Hữu Kiệm commune") == \
        "Bản Đỉnh Sơn 1, xã Hữu Kiệm"
    assert fx.vi("hotspots.category", "fetal/newborn trafficking hotspot") == "Điểm nóng mua bán thai nhi, trẻ sơ sinh"
    assert fx.vi("figures.period_label", "H1 2023") == "6 tháng đầu năm 2023"
    assert fx.vi("figures.metric", "trafficking cases discovered and arrested").startswith("Số vụ mua bán người")
    assert fx.vi("figures.unit", "persons") == "người"
    assert fx.vi("figures.reporting_body", "Nghệ An PPC (Official Dispatch 6654/UBND-NC, 10 Aug 2023)") == \
        "UBND tỉnh Nghệ An (Công văn 6654/UBND-NC, 10/8/2023)"
    assert fx.vi("gates.gate_type", "international") == "Cửa khẩu quốc tế"
    assert fx.vi("gates.gate_type", "main (national)") == "Cửa khẩu chính (song phương)"
    assert fx.vi("gates.gate_type", "secondary") == "Cửa khẩu phụ"
    assert fx.vi("gates.gate_type", "planned") == "Quy hoạch"
    assert fx.vi("gates.counterpart_country", "Laos") == "Lào"
    assert "Quý III/2015" in fx.vi("figures.period_label", "Jul–Sep 2015")
    assert fx.vi("figures.value", "22 (rising to nearly 30)") == "22 (sau tăng lên gần 30)"
    assert fx.vi("figures.value", "3,243 / 4,731 / 7,147") == "3.243 / 4.731 / 7.147"


def test_countries():
    expected = {"Laos": "Lào", "China": "Trung Quốc", "Cambodia": "Campuchia", "Thailand": "Thái Lan",
                "Myanmar": "Mi-an-ma", "Malaysia": "Ma-lai-xi-a"}
    for name, vi_name in expected.items():
        assert fx.vi("countries", name) == vi_name
        assert fx.en("countries", vi_name) == name
    unknown = sorted(n for n in _country_names() if n not in fx.COUNTRIES_VI)
    assert not unknown, unknown
    # a list not in the facts is translated part by part when every part is a known country
    assert fx.vi("routes.destination_countries", "China; Laos") == "Trung Quốc; Lào"
    assert fx.vi("routes.destination_countries", "China; Atlantis") == "China; Atlantis"


def test_qualifiers():
    assert fx.qualifier("SEED-F05") == ("hơn", "more than")
    assert fx.with_qualifier("SEED-F05", "1.700", "vi") == "hơn 1.700"
    assert fx.with_qualifier("SEED-F05", "1,700", "en") == "more than 1,700"
    # never doubled, whatever the caller passes: the raw value, its rendering, or the bare number
    for shown in (">30", "hơn 30", "30", fx.text("figures.value", ">30", "vi")):
        assert fx.with_qualifier("LC-F09", shown, "vi") == "hơn 30"
    assert fx.with_qualifier("LC-F09", fx.text("figures.value", ">30", "en"), "en") == "more than 30"
    assert fx.with_qualifier("LC-F07", "~3,000", "en") == "about 3,000"
    assert fx.with_qualifier("NA-F09", "90", "vi") == "trên 90"
    assert fx.with_qualifier("SEED-T01", "30", "en") == "at least 30"
    # exact and compound figures are unchanged
    assert fx.qualifier("NA-F01") is None and fx.with_qualifier("NA-F01", "5", "vi") == "5"
    assert fx.qualifier("VN-F02") is None
    assert fx.with_qualifier("SEED-F05", "", "vi") == ""
    figures = _frame("figures").set_index("figure_id")
    for fid, (q_vi, q_en) in fx.QUALIFIERS.items():
        assert fid in figures.index, fid
        value = str(figures.loc[fid, "value"])
        assert "/" not in value and ";" not in value, fid  # one number only
        assert q_vi and q_en


def test_quotes_are_figures_and_keep_their_quotation_marks():
    figures = _frame("figures").set_index("figure_id")
    for fid, fields in fx.QUOTES.items():
        assert fid in figures.index, fid
        for field in fields:
            table, column = field.split(".", 1)
            assert table == "figures" and column in figures.columns, (fid, field)
            if field in fx.FIELDS:  # a quoted shown text stays marked as a quote in Vietnamese
                assert "“" in fx.vi(field, figures.loc[fid, column]), (fid, field)


def test_none_nan_and_unknown():
    for missing in (None, float("nan"), pd.NA):
        assert fx.vi("figures.metric", missing) is None
        assert fx.en("figures.metric", missing) is None
        assert fx.text("figures.metric", missing, "vi") == ""
        assert fx.text("figures.metric", missing, "en") == ""
    assert fx.vi("hotspots.category", "a user's own category") == "a user's own category"
    assert fx.vi("no.such_field", "x") == "x"
    assert fx.text("figures.unit", "persons", "en") == "persons"
    assert fx.text("figures.unit", "persons", "vi") == "người"
    assert isinstance(fx.text("figures.value", math.nan, "vi"), str)


def test_english_renderings():
    assert fx.en("figures.reporting_body", "Hội hữu nghị Việt-Lào Nghệ An").startswith("Nghệ An Vietnam–Laos")
    assert fx.en("hotspots.nature", "smuggling") == "People smuggling"
    assert fx.en("figures.value", "~3,000") == "about 3,000"
    assert fx.en("figures.metric", "victims rescued") == "victims rescued"  # English already
    # no stale English entries: every key is a current source value (codes and countries aside)
    for field, mapping in fx._EN.items():
        if field in fx.SOURCE_COLUMNS and not field.endswith((".nature", ".coord_type")):
            stale = set(mapping) - set(_values(field))
            assert not stale, (field, stale)
    for value in fx._EN["route_waypoints.waypoint_name"].values():
        assert not re.search(r"\b(xã|bản)\b", value), value


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_text_gives_a_string_for_every_shown_value(lang):
    for field, value in _pairs():
        out = fx.text(field, value, lang)
        assert isinstance(out, str) and out.strip(), (field, value, lang)
