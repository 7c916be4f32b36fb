"""Cells of an import: text, counts, numbers, dates, reporting periods (through :mod:`geo.periods`), yes/no, and places resolved in the registry of either era. A bad cell raises ``_CellError`` with a message key of :data:`geo.i18n.data.IMPORT_MESSAGES`."""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any


from geo import periods
from geo.data import schema as S


# --------------------------------------------------------------------------------------------------
# Cell parsing
# --------------------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INT_RE = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_NUM_RE = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
_DASHES = {"-", "–", "—"}


class _CellError(Exception):
    def __init__(self, code: str, **fmt):
        super().__init__(code)
        self.code = code
        self.fmt = fmt


# Characters a reader (or a spreadsheet) does not see: spaces and line/paragraph separators of every kind
# (U+3000, U+2003, U+2028, ...), controls (U+001C..U+001F, TAB, CR, ...), format characters (U+200B, U+FEFF,
# U+2060, U+00AD, ...), combining marks with nothing to combine with, and the blank "letters" (Hangul fillers,
# the blank Braille pattern). A formula start hidden behind any of them is still a formula start.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    if ch.isspace() or ch in _BLANK_LETTERS:
        return True
    cat = unicodedata.category(ch)
    return cat[0] in ("C", "Z") or cat in ("Mn", "Me")


def _formula_char(raw: str) -> str | None:
    """The character that would make a spreadsheet run ``raw`` as a formula (None if safe).

    Leading invisible characters (see :func:`_invisible`) are skipped, and the first visible character is
    compared after compatibility folding, so a full-width or small "＝", "＋", "－", "＠" counts as "=", "+", "-",
    "@". A lone dash (the "no value" placeholder, in any of its forms) is not a formula."""
    if not raw:
        return None
    if raw[0] in ("\t", "\r", "\n"):
        return {"\t": "TAB", "\r": "CR", "\n": "LF"}[raw[0]]
    i = 0
    while i < len(raw) and _invisible(raw[i]):
        i += 1
    if i >= len(raw):
        return None
    first = unicodedata.normalize("NFKC", raw[i])[:1]
    if first not in _FORMULA_START:
        return None
    rest = raw[i:]
    j = len(rest)
    while j > 1 and _invisible(rest[j - 1]):
        j -= 1
    if unicodedata.normalize("NFKC", rest[:j]) in _DASHES:
        return None
    return raw[i]


def _text(value: Any) -> str | None:
    """Cell as clean NFC text (None for empty). Raises for formula-like or control characters.

    The formula check runs twice: on the cell as written (so a leading TAB or CR is named as such) and on
    the cleaned text, exactly as it would be stored, so nothing the cleaning removes (spaces of every width,
    line separators, controls) can uncover a formula start."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        return _number_text(value)
    raw = str(value)
    if raw.isprintable():  # no control, format or separator character (but the ASCII space): the common case
        text = raw.strip(" ")
        if not text:
            return None
        if text[0].isascii() and text[0] not in _FORMULA_START:
            if not text.isascii() and not unicodedata.is_normalized("NFC", text):
                text = unicodedata.normalize("NFC", text)
            return text
    ch = _formula_char(raw)
    if ch:
        raise _CellError("formula", ch=ch)
    text = unicodedata.normalize("NFC", raw).replace("\u00a0", " ").strip()
    if _CONTROL_RE.search(text):
        raise _CellError("control_chars")
    if text in _DASHES:
        return None
    ch = _formula_char(text)
    if ch:
        raise _CellError("formula", ch=ch)
    return text or None


def _number_text(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _count(value: Any) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit():  # the common case
        return int(value)
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bool):
        raise _CellError("not_a_number")
    if isinstance(value, int):
        if value < 0:
            raise _CellError("negative_count")
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value < 0:
            raise _CellError("negative_count")
        if not value.is_integer():
            raise _CellError("non_integer")
        return int(value)
    if isinstance(value, (datetime, date)):
        raise _CellError("not_a_number")
    raw = str(value).replace("\u00a0", " ").strip()
    if raw in _DASHES:
        return None
    if _INT_RE.match(raw):
        n = int(float(raw))
        if n < 0 or raw.startswith("-"):
            if n == 0:
                return 0
            raise _CellError("negative_count")
        return n
    if _NUM_RE.match(raw):
        if raw.startswith("-"):
            raise _CellError("negative_count")
        raise _CellError("non_integer")
    ch = _formula_char(str(value))
    if ch:
        raise _CellError("formula", ch=ch)
    raise _CellError("not_a_number")


def _number(value: Any) -> float | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, bool):
        raise _CellError("not_a_number")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        return float(value)
    raw = str(value).replace("\u00a0", " ").strip().replace("%", "").strip()
    if raw in _DASHES:
        return None
    if _NUM_RE.match(raw):
        return float(raw.replace(",", "."))
    ch = _formula_char(str(value))
    if ch:
        raise _CellError("formula", ch=ch)
    raise _CellError("not_a_number")


_parse_date_text = periods.parse_date_text


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, str) and not value.strip():
        return None
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            return value.date()
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise _CellError("bad_date")
    if isinstance(value, str):
        hit = _DATE_MEMO.get(value)
        if hit is not None:
            return hit
    text = _text(value)
    if text is None:
        return None
    try:
        parsed = _parse_date_text(text)
    except ValueError as exc:
        raise _CellError("bad_date") from exc
    if isinstance(value, str):
        if len(_DATE_MEMO) > 50_000:
            _DATE_MEMO.clear()
        _DATE_MEMO[value] = parsed
    return parsed


#: dates as written -> date (a sheet repeats a few thousand dates; only valid ones are kept)
_DATE_MEMO: dict[str, date] = {}


def parse_period(value: Any) -> tuple[date, date] | None:
    """A reporting period as (start, end). Accepts a year, month, quarter, half-year, a date, or a range.

    Examples: 2023 | năm 2023 | 2023-06 | 06/2023 | T6/2023 | tháng 6/2023 | Q2 2023 | 2023-Q2 | Quý II/2023 |
    H1 2023 | 2023-H1 | 6 tháng đầu năm 2023 | 6 tháng cuối năm 2023 | 2023-01-01/2023-06-30 |
    01/01/2023 - 30/06/2023 | 14/05/2023 (one day). Raises _CellError("bad_period").
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        d = value.date()
        return d, d
    if isinstance(value, date):
        return value, value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= int(value) <= 2100:
            y = int(value)
            return date(y, 1, 1), date(y, 12, 31)
        raise _CellError("bad_period")
    text = _text(value)
    if text is None:
        return None
    try:
        return _parse_period_text(text)
    except (ValueError, KeyError) as exc:
        raise _CellError("bad_period") from exc


_parse_period_text = periods.parse_bounds


def _bool(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise _CellError("bad_bool")
    key = S.fold(value)
    if key in ("", "0", "khong", "no", "false", "n", "f"):
        return False
    if key in ("1", "x", "co", "yes", "true", "y", "t", "demo", "minh_hoa", "du_lieu_minh_hoa", "du_lieu_minh_hoa_demo_data"):
        return True
    raise _CellError("bad_bool")


# --------------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------------
@dataclass
class _Place:
    era: str | None
    level: str | None
    text: str | None
    province: Any = None
    district: Any = None
    commune: Any = None

    def columns(self, reg) -> dict:
        out = {"place_era": self.era, "place_level": self.level, "place_text": self.text,
               "province_code": None, "province_name": None, "district_code": None, "district_name": None,
               "commune_code": None, "commune_name": None, "prov_code_pre2025": None, "district_code5": None,
               "prov_code_2025": None, "commune_code_2025": None}
        if self.province is None:
            return out
        p = self.province
        out["province_code"], out["province_name"] = p.code, p.full_name_vi
        if self.district is not None:
            out["district_code"], out["district_name"] = self.district.code, self.district.full_name_vi
        if self.commune is not None:
            c = self.commune
            out["commune_code"], out["commune_name"] = c.code, c.full_name_vi
        if self.era == "pre2025":
            out["prov_code_pre2025"] = p.code
            if self.district is not None:
                out["district_code5"] = self.district.code
            elif self.commune is not None and self.commune.district_code:
                out["district_code5"] = self.commune.district_code
            out["prov_code_2025"] = reg.province_2025_of(p).code
            if self.commune is not None:
                succ = reg.communes_2025_of(self.commune)
                out["commune_code_2025"] = succ[0].code if len(succ) == 1 else None
        else:
            out["prov_code_2025"] = p.code
            if self.commune is not None:
                out["commune_code_2025"] = self.commune.code
        return out


class _PlaceResolver:
    """Registry look-ups with a cache (a 100,000-row file repeats the same few hundred places)."""

    def __init__(self, reg):
        self.reg = reg
        self.cache: dict[tuple, Any] = {}
        self.quick: dict[tuple, Any] = {}  # answers without suggestions

    def resolve(self, text: str, level: str, era: str, province=None, district=None, suggest: bool = True):
        """``reg.resolve``, cached. ``suggest=False``: no "did you mean" look-up for a name not found (a full
        answer already cached serves both)."""
        key = (text, level, era, province, district)
        res = self.cache.get(key)
        if res is not None:
            return res
        if not suggest:
            res = self.quick.get(key)
            if res is not None:
                return res
        try:
            res = self.reg.resolve(text, level=level, era=era, province=province, district=district, suggest=suggest)
        except TypeError:  # a registry without the suggest switch
            res = self.reg.resolve(text, level=level, era=era, province=province, district=district)
        if len(self.cache) + len(self.quick) > 200_000:
            self.cache.clear()
            self.quick.clear()
        (self.cache if suggest or res.ok or res.status == "ambiguous" else self.quick)[key] = res
        return res


def _unit_names(units) -> list[str]:
    out = []
    for u in units or []:
        try:
            out.append(u.label("vi"))
        except Exception:  # a plain string from a registry stub
            out.append(str(u))
    return out


def _era_rule(kind: str, when: tuple[date, date] | None, year: int | None) -> tuple[list[str], list[str], str]:
    """(allowed eras in preferred order, disallowed eras, human description of the time)."""
    if kind in ("cases",) and when is not None:
        start, end = when
        label = start.isoformat() if start == end else f"{start.isoformat()}..{end.isoformat()}"
        if end < S.ERA_CHANGE:
            return ["pre2025"], ["2025"], label
        if start >= S.ERA_CHANGE:
            return ["2025"], ["pre2025"], label
        return ["pre2025", "2025"], [], label
    if kind in ("key_areas", "targets") and year is not None:
        if year <= 2024:
            return ["pre2025"], ["2025"], str(year)
        if year >= 2026:
            return ["2025"], ["pre2025"], str(year)
        return ["pre2025", "2025"], [], str(year)
    if kind == "prevention_models" and when is not None:
        start = when[0]
        if start >= S.ERA_CHANGE:
            return ["2025"], ["pre2025"], start.isoformat()
        return ["pre2025", "2025"], [], start.isoformat()
    return ["pre2025", "2025"], [], ""


_ERA_RULE_TEXT = {
    "pre2025": ("trước 1/7/2025 phải dùng địa danh cũ (63 tỉnh, có huyện).",
                "before 1 July 2025 the old units (63 provinces, districts) must be used."),
    "2025": ("từ 1/7/2025 phải dùng địa danh mới (34 tỉnh, không còn huyện).",
             "from 1 July 2025 the new units (34 provinces, no districts) must be used."),
}


# --------------------------------------------------------------------------------------------------
# Reference numbers (case IDs): normalised for comparison, and a looser skeleton for near-duplicates
# --------------------------------------------------------------------------------------------------
#: every Unicode dash or minus sign a spreadsheet or a word processor may put in an ID (hyphen U+2010,
#: non-breaking hyphen U+2011, figure dash, en and em dash, horizontal bar, minus sign, small and full-width
#: hyphen-minus, ...), folded to "-"
_ID_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u00ad"), "-")
_ID_TRAILING = ".,;:!?·…'\"`´’‘“”)]}"
_ID_LEADING = "'\"`´’‘“”([{"
#: characters typed for one another in IDs: l/i/I/| and 1, o/O and 0 (after case folding)
_ID_CONFUSABLE = str.maketrans({"l": "1", "i": "1", "|": "1", "!": "1", "o": "0"})
_ID_SEPARATORS = re.compile(r"[-_./\\#:]+")


def normalise_id(value: Any) -> str | None:
    """The form of a reference number (case ID) used to compare IDs: Unicode compatibility form (full-width
    letters become plain), case folded, every kind of dash made "-", spaces removed, and quotes, brackets
    and punctuation at either end dropped. ``RV-1``, ``rv-1``, ``RV‑1`` (non-breaking hyphen), ``RV - 1``
    and ``RV-1.`` are all ``rv-1``. None for an empty ID."""
    if value is None:
        return None
    text = str(value)
    if text.isascii() and text.isprintable():  # the common case: no dash variants, no invisible characters
        text = text.replace(" ", "").lower()
    else:
        text = unicodedata.normalize("NFKC", text).translate(_ID_DASHES).casefold()
        text = "".join(ch for ch in text if not _invisible(ch))
    text = text.strip(_ID_TRAILING + _ID_LEADING + "-")
    return text or None


def id_skeleton(value: Any) -> str | None:
    """A looser key of an ID, to flag near-duplicates: the normalised ID without separators (- _ . / # :)
    and with look-alike characters merged (l, i, | → 1; o → 0). ``RV-1``, ``RV-l``, ``RV1`` and ``RV_1``
    share the skeleton ``rv1``; ``RV-12`` and ``RV-13`` do not."""
    return skeleton_of_key(normalise_id(value))


def skeleton_of_key(key: str | None) -> str | None:
    """:func:`id_skeleton` of an ID already normalised by :func:`normalise_id`."""
    if key is None:
        return None
    return _ID_SEPARATORS.sub("", key).translate(_ID_CONFUSABLE) or None
