"""Bad input from data files: no formula survives the importer's cleaning (any leading invisible character, every
text column of every import kind, CSV and XLSX), and text from data never renders as Markdown/HTML (the ``md``
escaping helper)."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook

from geo.data import importer
from geo.data import schema as S
from geo.data.cells import _formula_char, _text

# --------------------------------------------------------------------------------------------------
# One valid row per import kind (Vietnamese headers), every text column filled
# --------------------------------------------------------------------------------------------------
GOOD_ROWS: dict[str, dict[str, str]] = {
    "cases": {"case_id": "VV-900", "date": "14/05/2023", "province": "Nghệ An", "district": "Kỳ Sơn",
              "commune": "Hữu Kiệm", "form": "tình dục", "victims": "2", "destination_country": "Trung Quốc",
              "route": "Kỳ Sơn – Trung Quốc", "border_gate": "Nậm Cắn", "agency": "công an",
              "source": "Báo cáo 12/BC", "note": "ghi chú"},
    "prevention_models": {"model_id": "M-900", "name": "Mô hình A", "model_type": "địa chỉ tin cậy",
                          "province": "Nghệ An", "district": "Kỳ Sơn", "commune": "Hữu Kiệm",
                          "start_date": "01/03/2021", "status": "đang hoạt động", "source": "KH 1", "note": "ghi chú"},
    "key_areas": {"year": "2021", "province": "Nghệ An", "district": "Kỳ Sơn", "commune": "Hữu Kiệm",
                  "basis": "QĐ 1", "source": "KH 1", "note": "ghi chú"},
    "targets": {"target_id": "T-900", "year": "2022", "province": "Nghệ An", "indicator": "key_area_model_coverage",
                "metric": "độ phủ", "value": "40", "unit": "%", "source": "KH 179/KH-UBND", "note": "ghi chú"},
    "gates": {"gate_id": "U-G900", "name_vi": "Lối mở A", "name_en": "Crossing A", "gate_type": "lối mở",
              "mode": "đường bộ", "counterpart_country": "Lào", "province": "Lào Cai", "lat": "22.5", "lon": "103.96",
              "source": "BĐBP", "caveat": "vị trí gần đúng", "note": "ghi chú"},
    "hotspots": {"hotspot_id": "U-H900", "name": "Bản X", "category": "bản", "purpose": "mua bán người",
                 "country": "Việt Nam", "province": "Nghệ An", "commune": "Hữu Kiệm", "village": "Bản X",
                 "lat": "19.35", "lon": "104.2", "period": "2023", "description": "mô tả", "source": "báo chí",
                 "caveat": "lưu ý"},
    "routes": {"route_id": "U-R900", "route_name": "Tuyến thử", "purpose": "vượt biên", "seq": "1",
               "waypoint_name": "A", "country": "Việt Nam", "lat": "19.0", "lon": "104.0", "source": "BĐBP",
               "caveat": "lưu ý", "note": "ghi chú"},
}
TEXT_KINDS = ("text", "id", "place", "place_code")


def text_columns() -> list[tuple[str, str]]:
    out = []
    for kind_key, kind in S.IMPORT_KINDS.items():
        for spec in kind.columns:
            if spec.kind in TEXT_KINDS and spec.key in GOOD_ROWS[kind_key]:
                out.append((kind_key, spec.key))
    return out


def header(kind: str, key: str) -> str:
    return S.IMPORT_KINDS[kind].column(key).vi


def csv_bytes(kind: str, row: dict[str, object]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")  # Excel's CSV: a CR or LF in a cell is quoted
    keys = list(row)
    w.writerow([header(kind, k) for k in keys])
    w.writerow([row[k] for k in keys])
    return buf.getvalue().encode("utf-8")


def xlsx_bytes(kind: str, row: dict[str, object]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu"
    keys = list(row)
    ws.append([header(kind, k) for k in keys])
    ws.append([row[k] for k in keys])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def file_of(kind: str, row: dict, fmt: str) -> tuple[bytes, str]:
    if fmt == "xlsx":
        return xlsx_bytes(kind, row), f"bad_{kind}.xlsx"
    return csv_bytes(kind, row), f"bad_{kind}.csv"


@pytest.fixture(scope="module")
def store_once(tmp_path_factory, reg):
    """One store for the module, holding one good import of every kind, so "unchanged" is a real check (a
    rejected file writes nothing, so the tests can share it): (engine, snapshot)."""
    from sqlalchemy import select

    from geo.data import store

    from tests.db_support import temp_store_url  # a SQLite file, or a PostgreSQL database (TDN_TEST_PG_URL)

    with temp_store_url(tmp_path_factory.mktemp("bad_input"), "store") as url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("TDN_DATABASE_URL", url)
        engine = store.get_engine(url)
        for kind, row in GOOD_ROWS.items():
            r = importer.import_file(csv_bytes(kind, row), f"good_{kind}.csv", kind=kind, engine=engine, reg=reg)
            assert r.status == "imported", r.to_text("en")

        def snapshot():
            with engine.connect() as conn:
                return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(t.c.id)).all()]
                        for t in [S.imports, *S.DATA_TABLES]}

        yield engine, snapshot
        store.dispose_engines()


def expect_formula(store_once, reg, kind: str, key: str, cell: str, fmt: str = "csv"):
    row = {**GOOD_ROWS[kind], key: cell}
    # another row key, so only the formula can make the file fail
    for id_key in ("case_id", "model_id", "target_id", "gate_id", "hotspot_id", "route_id"):
        if id_key in row and id_key != key:
            row[id_key] = row[id_key] + "-2"
    data, name = file_of(kind, row, fmt)
    engine, snapshot = store_once
    before = snapshot()
    report = importer.import_file(data, name, kind=kind, engine=engine, reg=reg)
    assert report.status == "invalid" and report.import_id is None, (kind, key, repr(cell), report.to_text("en"))
    formula = [e for e in report.errors if e.code == "formula"]
    assert formula, (kind, key, repr(cell), [(e.code, e.reason_en) for e in report.errors])
    issue = formula[0]
    assert issue.file == name and issue.row == 2 and issue.column == header(kind, key), issue
    assert "formula" in issue.reason_en and "công thức" in issue.reason_vi
    assert snapshot() == before, "a rejected file changed the store"
    return issue


# --------------------------------------------------------------------------------------------------
# 1. Formulas behind characters the cleaning removes
# --------------------------------------------------------------------------------------------------
INVISIBLE = {
    "U+3000": "\u3000", "U+2003": "\u2003", "U+2002": "\u2002", "U+00A0": "\u00a0", "U+2028": "\u2028",
    "U+2029": "\u2029", "U+001C": "\x1c", "U+001D": "\x1d", "U+001E": "\x1e", "U+001F": "\x1f",
    "U+200B": "\u200b", "U+FEFF": "\ufeff", "U+0009": "\t", "U+000D": "\r", "U+000A": "\n", "U+0085": "\x85",
    "U+000B": "\x0b", "U+000C": "\x0c", "U+2060": "\u2060", "U+00AD": "\u00ad", "U+180E": "\u180e",
    "U+3164": "\u3164", "U+2800": "\u2800", "U+202F": "\u202f", "U+205F": "\u205f",
    "space+U+3000": " \u3000", "U+200B+U+3000": "\u200b\u3000", "U+FEFF+U+2028+U+001F": "\ufeff\u2028\x1f",
    "NBSP+U+2003+space": "\u00a0\u2003 ", "CR+LF+U+3000": "\r\n\u3000", "U+2029+TAB+U+200B": "\u2029\t\u200b",
}
# ASCII formula starts, and their full-width / small forms (a Japanese or Chinese input method types "＝"; Excel
# in those locales converts it to "=" when a cell is entered, so they are refused as well).
STARTS = ['=HYPERLINK("http://127.0.0.1:9/x","bấm")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|'/C calc'!A0",
          "＝1+1", "＋1+1", "－2+3", "＠SUM(A1)", "﹦1+1"]
# openpyxl cannot write these controls into a workbook (nor can Excel): CSV only
XLSX_ILLEGAL = set("\x0b\x0c\x1c\x1d\x1e\x1f")


@pytest.mark.parametrize("prefix", list(INVISIBLE.values()), ids=list(INVISIBLE))
@pytest.mark.parametrize("start", STARTS)
def test_formula_start_checked_on_the_cleaned_text(prefix, start):
    """Unit level: whatever the cleaning removes, the text that would be stored is never a formula."""
    with pytest.raises(Exception) as exc:
        _text(prefix + start)
    assert getattr(exc.value, "code", None) in ("formula", "control_chars"), exc.value
    # the check on its own finds the formula start behind the invisible characters
    assert _formula_char(prefix + start) is not None


# every invisible prefix in CSV; in XLSX only those a workbook can hold (openpyxl refuses the other
# control characters, so no spreadsheet can carry them)
_FORMAT_PREFIXES = [pytest.param(fmt, prefix, id=f"{fmt}-{name}") for fmt in ("csv", "xlsx")
                    for name, prefix in INVISIBLE.items() if not (fmt == "xlsx" and set(prefix) & XLSX_ILLEGAL)]


@pytest.mark.parametrize(("fmt", "prefix"), _FORMAT_PREFIXES)
@pytest.mark.parametrize("start", ['=HYPERLINK("http://127.0.0.1:9/x","bấm")', "+1+1", "-2+3", "@SUM(A1)",
                                   "＝1+1", "－2+3"])
def test_formula_after_invisible_characters_rejected(store_once, reg, fmt, prefix, start):
    issue = expect_formula(store_once, reg, "cases", "note", prefix + start, fmt)
    assert start[0] in issue.reason_en or "TAB" in issue.reason_en \
        or "CR" in issue.reason_en or "LF" in issue.reason_en


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind,key", text_columns())
@pytest.mark.parametrize("cell", ['\u3000=HYPERLINK("http://127.0.0.1:9/x","x")', "\u200b\u2028@SUM(A1)",
                                  "\u2003+1+1", "\u00a0\u2029-2+3"],
                         ids=["ideographic-eq", "zwsp-ls-at", "emsp-plus", "nbsp-ps-minus"])
def test_every_text_column_of_every_kind(store_once, reg, fmt, kind, key, cell):
    expect_formula(store_once, reg, kind, key, cell, fmt)


def test_excel_array_formula_is_a_formula(store_once, reg):
    """openpyxl gives an array formula as an object: it is refused, not stored under the object's name."""
    from openpyxl.worksheet.formula import ArrayFormula

    row = {**GOOD_ROWS["gates"], "gate_id": "U-G901"}
    keys = list(row)
    wb = Workbook()
    ws = wb.active
    ws.append([header("gates", k) for k in keys])
    ws.append([row[k] for k in keys])
    col = keys.index("note") + 1
    ws.cell(row=2, column=col).value = ArrayFormula(f"{ws.cell(row=2, column=col).coordinate}",
                                                    '=HYPERLINK("http://127.0.0.1:9/x")')
    buf = io.BytesIO()
    wb.save(buf)
    engine, snapshot = store_once
    before = snapshot()
    report = importer.import_file(buf.getvalue(), "gates.xlsx", kind="gates", engine=engine, reg=reg)
    assert report.status == "invalid" and [(e.code, e.row, e.column) for e in report.errors] == [
        ("formula", 2, "Ghi chú")]
    assert snapshot() == before


# --------------------------------------------------------------------------------------------------
# Legitimate values accepted as before
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("cell,stored", [
    ("-", None), ("–", None), ("—", None), (" - ", None), ("\u3000-\u3000", None), ("\u00a0—", None),
    ("– nạn nhân được giải cứu", "– nạn nhân được giải cứu"), ("— xem báo cáo", "— xem báo cáo"),
    ("a-b=c", "a-b=c"), ("3 + 4 vụ", "3 + 4 vụ"), ("email@example.org", "email@example.org"),
    ("\u3000Bản X\u3000", "Bản X"), ("Kỳ Sơn\u2028Nghệ An", "Kỳ Sơn\u2028Nghệ An"), ("'=1+1", "'=1+1"),
])
def test_legitimate_text_still_accepted(cell, stored):
    assert _text(cell) == stored


def test_legitimate_values_import(engine, reg):
    """Dash placeholders in text and count cells, negative coordinates, "-0" counts: imported as today."""
    cases = {**GOOD_ROWS["cases"], "note": "–  ghi chú", "source": "-", "route": "—", "border_gate": "\u3000-",
             "victims": "-"}
    r = importer.import_file(csv_bytes("cases", cases), "cases.csv", kind="cases", engine=engine, reg=reg)
    assert r.status == "imported", r.to_text("en")
    gate = {**GOOD_ROWS["gates"], "province": "", "lat": "-5.5", "lon": "-70.25", "note": "-"}
    r = importer.import_file(csv_bytes("gates", gate), "gates.csv", kind="gates", engine=engine, reg=reg)
    assert r.status == "imported", r.to_text("en")
    xl = {**GOOD_ROWS["hotspots"], "description": -5, "caveat": "–"}
    r = importer.import_file(xlsx_bytes("hotspots", xl), "hs.xlsx", kind="hotspots", engine=engine, reg=reg)
    assert r.status == "imported", r.to_text("en")
