"""The Data page's tables in the reader's language: the column reference of every import kind, the upload
preview, the import history and the sourced facts.

Every function returns a DataFrame of display strings (headers and cells in ``lang``; numbers with the
language's separators — ``1.234,5`` in Vietnamese, ``1,234.5`` in English; no ``None``/``NaN`` cell), ready
for a table widget. Nothing here computes a figure: counts are printed as stored.
"""
from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

from geo.data import schema as S
from geo.stats.classify import format_number

_KIND_WORDS = {
    "text": ("Văn bản", "Text"), "id": ("Mã (văn bản)", "ID (text)"), "count": ("Số nguyên ≥ 0", "Whole number ≥ 0"),
    "number": ("Số", "Number"), "date": ("Ngày (dd/mm/yyyy)", "Date (dd/mm/yyyy)"),
    "period": ("Kỳ (năm, quý, tháng, 6 tháng…)", "Period (year, quarter, month, half-year…)"),
    "year": ("Năm (4 chữ số)", "Year (4 digits)"), "choice": ("Một trong các giá trị", "One of the values"),
    "bool": ("Có/Không (1/0)", "Yes/No (1/0)"), "place": ("Tên địa danh", "Place name"),
    "place_code": ("Mã đơn vị hành chính (GSO)", "Administrative code (GSO)"),
    "era": ("Thời kỳ địa danh", "Place era"),
}
REFERENCE_HEADERS = {"column": ("Cột", "Column"), "also": ("Tên khác được nhận", "Also accepted"),
                     "required": ("Bắt buộc", "Required"), "type": ("Kiểu", "Type"),
                     "values": ("Giá trị / ghi chú", "Values / notes")}
YES_NO = {True: ("Có", "Yes"), False: ("Không", "No")}


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def cell(value, lang: str = "vi") -> str:
    """One value as the reader's language prints it ('' for missing)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return YES_NO[value][_i(lang)]
    if isinstance(value, (int,)) or (hasattr(value, "dtype") and pd.api.types.is_integer(value)):
        return format_number(int(value), lang)
    if isinstance(value, float):
        return format_number(value, lang, integer=float(value).is_integer())
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def column_reference(kind: str, lang: str = "vi") -> pd.DataFrame:
    """The columns of one import kind: name, other accepted names, required, type and allowed values."""
    spec = S.IMPORT_KINDS[kind]
    i = _i(lang)
    one_of = {k: group for group in spec.one_of for k in group}
    rows = []
    for c in spec.columns:
        if c.required:
            required = YES_NO[True][i]
        elif c.key in one_of:
            others = [spec.column(k) for k in one_of[c.key] if k != c.key]
            names = ", ".join(f"“{(o.en if i else o.vi)}”" for o in others)
            required = ("Có, nếu không có " if i == 0 else "Yes, unless ") + names + (" given" if i else "")
        else:
            required = YES_NO[False][i]
        values = ""
        if c.vocab is not None:
            values = "; ".join(ch.label(lang) for ch in c.vocab.choices)
        help_text = c.help_en if i else c.help_vi
        notes = " — ".join(x for x in (values, help_text) if x)
        rows.append({
            "column": c.en if i else c.vi,
            "also": c.vi if i else c.en,
            "required": required,
            "type": _KIND_WORDS.get(c.kind, (c.kind, c.kind))[i],
            "values": notes,
        })
    frame = pd.DataFrame(rows, columns=list(REFERENCE_HEADERS))
    return frame.rename(columns={k: v[i] for k, v in REFERENCE_HEADERS.items()})


HISTORY_COLUMNS = ["id", "imported_at", "kind", "file_name", "n_rows", "rows_now", "user", "origin", "status",
                   "undone_at", "undone_by", "is_demo"]
HISTORY_HEADERS = {
    "id": ("Lần nhập", "Import"), "imported_at": ("Thời điểm nhập (UTC)", "Imported at (UTC)"),
    "kind": ("Loại bảng", "Table"), "file_name": ("Tệp", "File"), "n_rows": ("Số dòng", "Rows"),
    "rows_now": ("Dòng đang lưu", "Rows stored now"), "user": ("Người nhập", "Imported by"),
    "origin": ("Nhập từ", "Imported through"), "status": ("Trạng thái", "Status"),
    "undone_at": ("Thời điểm hoàn tác (UTC)", "Undone at (UTC)"), "undone_by": ("Người hoàn tác", "Undone by"),
    "is_demo": ("Dữ liệu minh họa", "Demo data"),
}
ORIGINS = {"page": ("Trang Dữ liệu", "Data page"), "cli": ("Dòng lệnh", "Command line"),
           "demo": ("Bộ sinh dữ liệu minh họa", "Demo generator"), "api": ("Giao diện lập trình", "API")}
STATUSES = {"active": ("Đang dùng", "Active"), "undone": ("Đã hoàn tác", "Undone")}


def kind_label(kind: str, lang: str = "vi") -> str:
    spec = S.IMPORT_KINDS.get(kind)
    return spec.label(lang) if spec is not None else str(kind)


def history_display(history: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The import log (:func:`geo.data.importer.list_imports`) as the page shows it."""
    i = _i(lang)
    out = pd.DataFrame(index=history.index)
    for col in HISTORY_COLUMNS:
        if col not in history:
            continue
        values = history[col]
        if col == "id":
            shown = [f"#{int(v)}" for v in values]
        elif col == "kind":
            shown = [kind_label(v, lang) for v in values]
        elif col == "origin":
            shown = [ORIGINS.get(v, (v, v))[i] if isinstance(v, str) else "" for v in values]
        elif col == "status":
            shown = [STATUSES.get(v, (v, v))[i] if isinstance(v, str) else "" for v in values]
        elif col in ("imported_at", "undone_at"):
            shown = [cell(pd.Timestamp(v).to_pydatetime(), lang) if v is not None and not pd.isna(v) else ""
                     for v in values]
        elif col == "is_demo":
            shown = [YES_NO[bool(v)][i] if v is not None and not pd.isna(v) else "" for v in values]
        else:
            shown = [cell(v.item() if hasattr(v, "item") else v, lang) for v in values]
        out[HISTORY_HEADERS[col][i]] = shown
    return out.reset_index(drop=True)


PREVIEW_EXTRA = {"row_number": ("Dòng", "Row"), "place_text": ("Địa danh", "Place"), "period_label": ("Kỳ", "Period")}
_PLACE_KEYS = {"province", "province_code", "district", "district_code", "commune", "commune_code"}


def preview_display(records: pd.DataFrame, kind: str, lang: str = "vi", limit: int = 50) -> pd.DataFrame:
    """The first rows of an upload as they would be stored, under the import kind's column names."""
    spec = S.IMPORT_KINDS[kind]
    i = _i(lang)
    head = records.head(limit)
    out = pd.DataFrame(index=head.index)
    if "row_number" in head:
        out[PREVIEW_EXTRA["row_number"][i]] = [cell(int(v), lang) for v in head["row_number"]]
    placed = False
    for c in spec.columns:
        if c.key in _PLACE_KEYS or c.kind in ("place", "place_code"):
            if not placed and "place_text" in head:
                out[PREVIEW_EXTRA["place_text"][i]] = [cell(v, lang) for v in head["place_text"]]
                placed = True
            continue
        key = c.key
        if c.kind == "period" or (key == "date" and "period_label" in head and kind == "cases"):
            if key == "date":
                continue  # one "Kỳ" column says the day or the period
            key = "period_label"
        if key not in head:
            continue
        values = head[key]
        if key == "period_label":
            if "period_start" in head and "period_end" in head:
                shown = [_range_words(a, b, lang) for a, b in zip(head["period_start"], head["period_end"])]
            else:
                shown = [_period_words(v, lang) for v in values]
            out[PREVIEW_EXTRA["period_label"][i]] = shown
            continue
        if c.vocab is not None:
            shown = [c.vocab.label(v, lang) if isinstance(v, str) else "" for v in values]
        elif c.kind == "bool":
            shown = [YES_NO[bool(v)][i] if v is not None and not pd.isna(v) else "" for v in values]
        elif c.kind == "date":
            shown = [_date_text(v) for v in values]
        else:
            shown = [cell(v.item() if hasattr(v, "item") else v, lang) for v in values]
        out[c.en if i else c.vi] = shown
    return out.reset_index(drop=True)


def _date_text(v) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    try:
        return pd.Timestamp(v).strftime("%d/%m/%Y")
    except (ValueError, TypeError):
        return str(v)


def _range_words(a, b, lang: str) -> str:
    try:
        start, end = pd.Timestamp(a).date(), pd.Timestamp(b).date()
    except (ValueError, TypeError):
        return ""
    if start == end:
        return start.strftime("%d/%m/%Y")
    from geo.periods import period_of

    return period_of(start, end).words(lang)


def _period_words(v, lang: str) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    text = str(v)
    try:
        from geo.periods import parse_period

        return parse_period(text).words(lang)
    except Exception:  # a label the period parser does not know is shown as stored
        return text


SOURCE_HEADERS = {"source_key": ("Mã nguồn", "Source key"), "url_or_title": ("Địa chỉ hoặc tiêu đề", "Address or title"),
                  "description": ("Mô tả (nguyên văn tiếng Anh của bộ dữ liệu)", "Description")}


def sources_display(sources: pd.DataFrame, lang: str = "vi") -> pd.DataFrame:
    """The sources of the facts folder; descriptions are the curators' English notes (labelled as such)."""
    i = _i(lang)
    cols = [c for c in SOURCE_HEADERS if c in sources]
    out = sources[cols].astype(object).where(sources[cols].notna(), "").astype(str)
    return out.rename(columns={c: SOURCE_HEADERS[c][i] for c in cols}).reset_index(drop=True)
