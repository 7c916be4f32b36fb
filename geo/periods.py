"""Reporting periods: the one parser behind the pages, the exports, the command line and the importer.

A period is a closed range of calendar dates (``start`` and ``end`` included, no time of day, no time
zone). Written forms that every entry point accepts:

- ``2024`` (a year), ``2024-H1`` / ``H1 2024`` / ``6 tháng đầu năm 2024`` (a half), ``2024-Q2`` /
  ``Q2 2024`` / ``Quý II/2024`` (a quarter), ``2024-05`` / ``05/2024`` / ``tháng 5/2024`` (a month);
- a range of dates ``2024-01-01..2024-03-31`` (also ``/``, ``_``, ``--``, `` - ``, ``đến``, ``to``) or
  one date (``14/05/2024``);
- for views only: ``all`` or empty (no period filter) and, for scheduled jobs, ``last-month``,
  ``last-quarter``, ``last-half``, ``last-year`` (the last complete one before ``today``).

:func:`parse_period` returns a :class:`Period` with its canonical ``code`` (``2024-H1``; a range that is
exactly a month, quarter, half or year gets that code; other ranges ``2024-01-01_2024-03-15``).
Bad text raises :class:`PeriodError` (a ``ValueError``) whose message gives the accepted forms.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

FORMS_HELP = "use 2024, 2024-H1, 2024-Q2, 2024-05, 2024-01-01..2024-03-31, all or last-month"


class PeriodError(ValueError):
    """Text that is not a period (the message says which forms are accepted)."""


# --------------------------------------------------------------------------------------------------
# Buckets: year, half, quarter, month
# --------------------------------------------------------------------------------------------------
def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def bucket_bounds(year: int, grain: str, part: int | None) -> tuple[date, date]:
    """First and last day of a year, half (part 1–2), quarter (1–4) or month (1–12)."""
    if grain == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if grain == "half":
        return (date(year, 1, 1), date(year, 6, 30)) if part == 1 else (date(year, 7, 1), date(year, 12, 31))
    if grain == "quarter":
        m0 = 3 * (part - 1) + 1
        return date(year, m0, 1), month_end(year, m0 + 2)
    if grain == "month":
        return date(year, part, 1), month_end(year, part)
    raise ValueError(grain)


def bucket_label(year: int, grain: str, part: int | None) -> str:
    if grain == "year":
        return f"{year}"
    if grain == "half":
        return f"{year}-H{part}"
    if grain == "quarter":
        return f"{year}-Q{part}"
    return f"{year}-{part:02d}"


def period_parts(start: date, end: date) -> dict:
    """Stored bucket columns: each set only when the period lies within one bucket of that grain."""
    out = {"p_year": None, "p_half": None, "p_quarter": None, "p_month": None}
    if start.year != end.year:
        return out
    out["p_year"] = start.year
    h1, h2 = (start.month - 1) // 6 + 1, (end.month - 1) // 6 + 1
    if h1 == h2:
        out["p_half"] = h1
    q1, q2 = (start.month - 1) // 3 + 1, (end.month - 1) // 3 + 1
    if q1 == q2:
        out["p_quarter"] = q1
    if start.month == end.month:
        out["p_month"] = start.month
    return out


def period_label(start: date, end: date) -> str:
    """Shortest standard label for [start, end]: day, month, quarter, half, year, or ``start/end``."""
    if start == end:
        return start.isoformat()
    y = start.year
    if start.year == end.year:
        for grain, parts in (("month", range(1, 13)), ("quarter", range(1, 5)), ("half", (1, 2))):
            for p in parts:
                if (start, end) == bucket_bounds(y, grain, p):
                    return bucket_label(y, grain, p)
        if (start, end) == (date(y, 1, 1), date(y, 12, 31)):
            return str(y)
    return f"{start.isoformat()}/{end.isoformat()}"


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (whole months stay whole months)."""
    if start.day == 1 and (end + timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        p_start = date(index // 12, index % 12 + 1, 1)
        last_index = start.year * 12 + start.month - 2
        p_end = month_end(last_index // 12, last_index % 12 + 1)
        return p_start, p_end
    length = end - start
    return start - length - timedelta(days=1), start - timedelta(days=1)


def comparison_window(start: date, end: date, today: date | None = None) -> tuple[date, date, date]:
    """(current end, previous start, previous end) of a change "against the previous period".

    A period still running on ``today`` (e.g. the current year) is compared up to today with the same part
    of the previous period (1 January–30 November 2026 against 1 January–30 November 2025), not with the
    whole previous period, whose later months the current one has not had yet."""
    p_start, p_end = previous_period(start, end)
    today = today or date.today()
    if start <= today < end:
        elapsed = today - start
        p_end = min(p_end, p_start + elapsed)
        # whole previous periods by month keep calendar days (same day of the month a year before)
        if start.day == 1 and p_start.day == 1 and (end.year - start.year) * 12 + end.month - start.month >= 11:
            try:
                p_end = today.replace(year=today.year - (start.year - p_start.year))
            except ValueError:  # 29 February
                p_end = today.replace(year=today.year - (start.year - p_start.year), day=28)
        return today, p_start, p_end
    return end, p_start, p_end


# --------------------------------------------------------------------------------------------------
# Text -> dates
# --------------------------------------------------------------------------------------------------
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_DATE_PATTERNS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$"), ("d", "m", "y")),
]
_RANGE_SEPARATORS = (r"\s*\.\.\s*", r"\s*/\s*(?=\d{4}-)", r"(?<=\d)_(?=\d{4}-)", r"(?<=\d)--(?=\d)", r"\s+-\s+",
                     r"\s*–\s*", r"\s+den\s+", r"\s+to\s+", r"\s+đến\s+")


def _fold(text: str) -> str:
    """Lower case without diacritics (đ -> d), for matching Vietnamese period words."""
    s = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()


def parse_date_text(text: str) -> date:
    """``2024-05-14``, ``2024/05/14``, ``14/05/2024``, ``14.05.2024`` or ``ngày 14 tháng 5 năm 2024``."""
    t = text.strip()
    m = re.match(r"^ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})$", _fold(t).replace("_", " "))
    if m:
        return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    for pattern, order in _DATE_PATTERNS:
        m = pattern.match(t)
        if m:
            parts = dict(zip(order, (int(g) for g in m.groups())))
            return date(parts["y"], parts["m"], parts["d"])
    raise ValueError(text)


def parse_bounds(text: str) -> tuple[date, date]:
    """(start, end) of a written period (any form but ``all`` and ``last-…``); ValueError otherwise."""
    t = re.sub(r"\s+", " ", _fold(text).replace("_", " ")).strip()
    raw = text.strip()
    m = re.match(r"^(?:nam )?(\d{4})$", t)
    if m:
        return bucket_bounds(int(m.group(1)), "year", None)
    m = re.match(r"^(\d{4})[-/.](\d{1,2})$", raw) or re.match(r"^(\d{4}) (\d{1,2})$", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return bucket_bounds(int(m.group(1)), "month", int(m.group(2)))
    m = (re.match(r"^(?:thang |t)?(\d{1,2})(?: nam |[-/. ])(\d{4})$", t)
         or re.match(r"^(?:thang |t)?(\d{1,2})[-/.](\d{4})$", raw.lower()))
    if m and 1 <= int(m.group(1)) <= 12:
        return bucket_bounds(int(m.group(2)), "month", int(m.group(1)))
    m = (re.match(r"^(\d{4}) ?-?q([1-4])$", t) or re.match(r"^q([1-4]) ?(?:nam )?(\d{4})$", t)
         or re.match(r"^quy (i{1,3}|iv|[1-4]) ?/? ?(?:nam )?(\d{4})$", t.replace("/", " / ")))
    if m:
        a, b = m.group(1), m.group(2)
        year, part = (int(a), int(b)) if len(a) == 4 else (int(b), int(_ROMAN.get(a, a)))
        return bucket_bounds(year, "quarter", part)
    m = re.match(r"^(\d{4}) ?-?[hs]([12])$", t) or re.match(r"^[hs]([12]) ?(?:nam )?(\d{4})$", t)
    if m:
        a, b = m.group(1), m.group(2)
        year, part = (int(a), int(b)) if len(a) == 4 else (int(b), int(a))
        return bucket_bounds(year, "half", part)
    m = re.match(r"^(?:6 thang|sau thang|nua) (dau|cuoi) (?:nam )?(\d{4})$", t)
    if m:
        return bucket_bounds(int(m.group(2)), "half", 1 if m.group(1) == "dau" else 2)
    for sep in _RANGE_SEPARATORS:
        parts = re.split(sep, raw, maxsplit=1)
        if len(parts) == 2:
            try:
                start, end = parse_date_text(parts[0]), parse_date_text(parts[1])
            except ValueError:
                continue
            if end < start:
                raise ValueError(f"period ends before it starts: {text}")
            return start, end
    d = parse_date_text(raw)
    return d, d


@dataclass(frozen=True)
class Period:
    """A period filter: ``start``/``end`` (None: open), and its canonical ``code`` (``2024-H1``...)."""

    start: date | None
    end: date | None
    code: str  # 2024 | 2024-H1 | 2024-Q2 | 2024-05 | 2024-01-01_2024-03-15 | all

    @property
    def bounds(self) -> tuple[date, date] | None:
        """(start, end) of a closed period, None for "all time"."""
        return None if self.start is None and self.end is None else (self.start, self.end)

    @property
    def query(self) -> str:
        """The period as a URL writes it (``2024-H1``, ``2024-01-01..2024-03-15``, empty for all)."""
        if self.code == "all":
            return ""
        return self.code.replace("_", "..") if "_" in self.code else self.code

    def words(self, lang: str = "vi") -> str:
        """The period in words, sentence case (``6 tháng đầu năm 2024``)."""
        if self.code == "all":
            text = period_words("", lang)
        elif self.start is not None and self.end is not None and "_" in self.code:
            text = period_words(f"{self.start.isoformat()}..{self.end.isoformat()}", lang)
        elif "_" in self.code:  # open range
            a = format_date(self.start, lang) if self.start else "…"
            b = format_date(self.end, lang) if self.end else "…"
            text = f"từ {a} đến {b}" if lang == "vi" else f"from {a} to {b}"
        else:
            text = period_words(self.code, lang)
        return text[:1].upper() + text[1:]

    @property
    def slug(self) -> str:
        return "tat-ca" if self.code == "all" else self.code


ALL = Period(None, None, "all")


def period_of(start: date, end: date) -> Period:
    """The :class:`Period` of a closed range, with its canonical code."""
    label = period_label(start, end)
    if "/" in label or re.fullmatch(r"\d{4}-\d{2}-\d{2}", label):
        return Period(start, end, f"{start.isoformat()}_{end.isoformat()}")
    return Period(start, end, label)


def parse_period(text: str | None, today: date | None = None) -> Period:
    """The one period parser (see the module doc). Raises :class:`PeriodError`."""
    raw = (text or "").strip()
    if raw.lower() in ("", "all", "tat-ca"):
        return ALL
    low = raw.lower()
    if low.startswith("last-"):
        today = today or date.today()
        unit = low[5:]
        if unit == "month":
            last = today.replace(day=1) - timedelta(days=1)
            return period_of(*bucket_bounds(last.year, "month", last.month))
        if unit == "quarter":
            q = (today.month - 1) // 3 + 1
            y, q = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
            return period_of(*bucket_bounds(y, "quarter", q))
        if unit == "half":
            y, h = (today.year, 1) if today.month > 6 else (today.year - 1, 2)
            return period_of(*bucket_bounds(y, "half", h))
        if unit == "year":
            return period_of(*bucket_bounds(today.year - 1, "year", None))
        raise PeriodError(f"unknown relative period {raw!r} (last-month, last-quarter, last-half, last-year)")
    try:
        start, end = parse_bounds(raw)
    except (ValueError, KeyError) as exc:
        reason = str(exc) if "before it starts" in str(exc) or "day is out of range" in str(exc) else ""
        raise PeriodError(f"bad period {raw!r}" + (f" ({reason})" if reason else "") + f": {FORMS_HELP}") from None
    return period_of(start, end)


# --------------------------------------------------------------------------------------------------
# Words
# --------------------------------------------------------------------------------------------------
def format_date(d: date, lang: str = "vi") -> str:
    """``14/05/2024`` in Vietnamese, ``2024-05-14`` in English."""
    return d.strftime("%d/%m/%Y") if lang == "vi" else d.isoformat()


_CODE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


def period_words(text: str | None, lang: str = "vi") -> str:
    """'2024-H1' -> '6 tháng đầu năm 2024' / 'first half of 2024'; empty -> all time."""
    if not text:
        return "Toàn bộ thời gian" if lang == "vi" else "All time"
    m = _CODE.match(text)
    if not m:
        bounds = parse_period(text).bounds
        if bounds is None:
            return period_words("", lang)
        start, end = bounds
        return (f"{start:%d/%m/%Y} – {end:%d/%m/%Y}" if lang == "vi" else f"{start:%d %b %Y} – {end:%d %b %Y}")
    year, part = m.group(1), m.group(2)
    if part is None:
        return f"Năm {year}" if lang == "vi" else year
    if part.startswith("H"):
        if lang == "vi":
            return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
        return f"{'first' if part == 'H1' else 'second'} half of {year}"
    if part.startswith("Q"):
        return f"Quý {part[1]}/{year}" if lang == "vi" else f"Q{part[1]} {year}"
    return f"Tháng {int(part)}/{year}" if lang == "vi" else f"{date(int(year), int(part), 1):%B %Y}"
