"""Validated import: one test per kind of bad input (message + store unchanged), re-import, undo, formats."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from geo.data import facts, importer
from geo.data import schema as S
from geo.data import store
HEAD = ("Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Xã/Phường,Hình thức bóc lột,Số nạn nhân,Trong đó trẻ em,"
        "Trong đó nữ,Nạn nhân được giải cứu,Nạn nhân được hỗ trợ,Đối tượng bị bắt,Cơ quan báo cáo,Ghi chú")
GOOD = [
    "VV-001,14/05/2023,Nghệ An,Kỳ Sơn,Hữu Kiệm,bào thai,2,0,2,2,1,1,công an,",
    "VV-002,2023-06-01,nghe an,ky son,,tình dục,3,1,3,1,1,2,biên phòng,bị lừa sang Trung Quốc",
    "VV-003,02/03/2024,Hải Phòng,Thủy Nguyên,,lao động,1,0,1,1,0,0,công an,",
]


def csv_of(*rows: str, head: str = HEAD) -> bytes:
    return ("\n".join([head, *rows]) + "\n").encode("utf-8")


@pytest.fixture()
def seeded(engine, reg):
    """A store that already holds one good import, so 'unchanged' is a real check."""
    report = importer.import_file(csv_of(*GOOD), "good.csv", engine=engine, reg=reg, user="tester")
    assert report.status == "imported", report.to_text("en")
    return report


def expect_error(engine, reg, snapshot, data: bytes, code: str, *, filename="bad.csv", row=None, column=None,
                 value=None, en=None, vi=None, kind=None):
    """Import ``data``; assert it failed with ``code`` at the given place and that nothing changed."""
    before = snapshot()
    report = importer.import_file(data, filename, kind=kind, engine=engine, reg=reg)
    assert report.status == "invalid"
    assert report.import_id is None
    matches = [e for e in report.errors if e.code == code]
    assert matches, f"expected {code}, got {[(e.code, e.reason_en) for e in report.errors]}"
    issue = matches[0]
    assert issue.file == filename
    if row is not None:
        assert issue.row == row
    if column is not None:
        assert issue.column == column
    if value is not None:
        assert issue.value == value
    assert issue.reason_vi and issue.reason_en
    if en is not None:
        assert en in issue.reason_en, issue.reason_en
    if vi is not None:
        assert vi in issue.reason_vi, issue.reason_vi
    assert snapshot() == before, "a failed import changed the store"
    return report, issue


# --------------------------------------------------------------------------------------------------
# Bad input: one test per kind
# --------------------------------------------------------------------------------------------------
def test_unknown_province_with_suggestion(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghe Ann,,,,1,,,,,,,")
    _, issue = expect_error(engine, reg, snapshot, data, "unknown_place", row=2, column="Tỉnh/Thành phố", value="Nghe Ann",
                            en="not found")
    assert any("Nghệ An" in s for s in issue.suggestions)
    assert "Nghệ An" in issue.reason_en  # "Did you mean: Nghệ An, ..."


def test_unknown_commune(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,Xyzabc,,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "unknown_place", row=2, column="Xã/Phường", value="Xyzabc", en="not found",
                 vi="Không tìm thấy")


def test_ambiguous_commune(engine, reg, seeded, snapshot):
    # Nghệ An has two communes named Tam Hợp (Quỳ Hợp and Tương Dương): the district is needed
    data = csv_of("VV-010,14/05/2023,Nghệ An,,Tam Hợp,,1,,,,,,,")
    _, issue = expect_error(engine, reg, snapshot, data, "ambiguous_place", row=2, column="Xã/Phường", value="Tam Hợp",
                            en="state the district")
    assert len(issue.suggestions) == 2


def test_missing_diacritics_and_prefixes_are_fine(engine, reg):
    data = csv_of("VV-020,14/05/2023,tinh nghe an,huyen ky son,xa huu kiem,,1,,,,,,,")
    report = importer.import_file(data, "ok.csv", engine=engine, reg=reg)
    assert report.status == "imported", report.to_text("en")
    row = store.cases_frame(engine=engine).iloc[0]
    assert (row["province_code"], row["district_code"], row["commune_code"]) == ("40", "40417", "16861")


def test_wrong_era_province_after_reform(engine, reg, seeded, snapshot):
    # Yên Bái was merged into Lào Cai on 1 July 2025
    data = csv_of("VV-010,01/08/2025,Yên Bái,,,,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "wrong_era", row=2, column="Tỉnh/Thành phố", value="Yên Bái",
                 en="from 1 July 2025 the new units")


def test_wrong_era_new_commune_in_old_data(engine, reg, seeded, snapshot):
    # Thành Vinh ward exists only since the 2025 reform; a 2023 case must use the old units
    data = csv_of("VV-010,01/05/2023,Nghệ An,,Thành Vinh,,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "wrong_era", row=2, column="Xã/Phường", value="Thành Vinh",
                 en="before 1 July 2025 the old units")


def test_wrong_era_district_after_reform(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,01/09/2025,Nghệ An,Kỳ Sơn,,,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "wrong_era", row=2, column="Quận/Huyện", value="Kỳ Sơn",
                 en="no districts")


def test_explicit_era_conflicts_with_date(engine, reg, seeded, snapshot):
    head = HEAD + ",Thời kỳ địa danh"
    data = csv_of("VV-010,01/05/2023,Nghệ An,,,,1,,,,,,,,2025", head=head)
    expect_error(engine, reg, snapshot, data, "era_conflict", row=2, column="Thời kỳ địa danh",
                 en="before 1 July 2025")


@pytest.mark.parametrize("bad", ["31/02/2023", "2023-13-01", "hôm qua", "14/05/23"])
def test_bad_date(engine, reg, seeded, snapshot, bad):
    data = csv_of(f"VV-010,{bad},Nghệ An,,,,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "bad_date", row=2, column="Ngày", value=bad, en="dd/mm/yyyy")


def test_future_date(engine, reg, seeded, snapshot):
    future = (date.today() + timedelta(days=30)).strftime("%d/%m/%Y")
    data = csv_of(f"VV-010,{future},Nghệ An,,,,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "future_date", row=2, column="Ngày", en="in the future")


def test_bad_and_future_period(engine, reg, seeded, snapshot):
    head = "Mã vụ việc,Kỳ báo cáo,Tỉnh/Thành phố,Số nạn nhân"
    expect_error(engine, reg, snapshot, csv_of("VV-010,Quý 5/2023,Nghệ An,1", head=head), "bad_period",
                 row=2, column="Kỳ báo cáo", value="Quý 5/2023")
    year = date.today().year + 1
    expect_error(engine, reg, snapshot, csv_of(f"VV-010,{year},Nghệ An,1", head=head), "future_period",
                 row=2, column="Kỳ báo cáo")


def test_negative_count(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,-1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "negative_count", row=2, column="Số nạn nhân", value="-1",
                 en="cannot be negative")


@pytest.mark.parametrize("bad", ["2.5", "1,5"])
def test_non_integer_count(engine, reg, seeded, snapshot, bad):
    data = csv_of(f'VV-010,14/05/2023,Nghệ An,,,,"{bad}",,,,,,,')
    expect_error(engine, reg, snapshot, data, "non_integer", row=2, column="Số nạn nhân", value=bad,
                 en="whole numbers")


def test_count_not_a_number(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,ba,,,,,,,")
    expect_error(engine, reg, snapshot, data, "not_a_number", row=2, column="Số nạn nhân", value="ba")


def test_children_greater_than_victims(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,2,3,,,,,,")
    expect_error(engine, reg, snapshot, data, "children_gt_victims", row=2, column="Trong đó trẻ em", value="3",
                 en="Child victims (3) exceed the number of victims (2)")


def test_women_greater_than_victims(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,2,,5,,,,,")
    expect_error(engine, reg, snapshot, data, "women_gt_victims", row=2, column="Trong đó nữ", value="5",
                 en="Female victims (5) exceed")


def test_rescued_greater_than_victims(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,2,,,4,,,,")
    expect_error(engine, reg, snapshot, data, "rescued_gt_victims", row=2, column="Nạn nhân được giải cứu",
                 value="4", en="rescued or received (4) exceed")


def test_supported_greater_than_victims(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,2,,,,7,,,")
    expect_error(engine, reg, snapshot, data, "supported_gt_victims", row=2, column="Nạn nhân được hỗ trợ")


def test_duplicate_case_id_in_file(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,1,,,,,,,", "VV-010,15/05/2023,Nghệ An,,,,2,,,,,,,")
    expect_error(engine, reg, snapshot, data, "duplicate_in_file", row=3, column="Mã vụ việc", value="VV-010",
                 en="duplicates row 2")


def test_duplicate_case_id_already_stored(engine, reg, seeded, snapshot):
    data = csv_of("VV-001,20/05/2023,Nghệ An,,,,1,,,,,,,")
    _, issue = expect_error(engine, reg, snapshot, data, "duplicate_in_store", row=2, column="Mã vụ việc",
                            value="VV-001", en=f"import #{seeded.import_id}")
    assert "good.csv" in issue.reason_en and "undo that import" in issue.reason_en


def test_missing_required_column(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,1", head="Mã vụ việc,Ngày,Số nạn nhân")
    expect_error(engine, reg, snapshot, data, "missing_column", row=1, column="Tỉnh/Thành phố", kind="cases",
                 en="Required column 'Tỉnh/Thành phố' ('Province') is missing")


def test_missing_date_and_period_columns(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,Nghệ An,1", head="Mã vụ việc,Tỉnh,Số nạn nhân")
    expect_error(engine, reg, snapshot, data, "missing_one_of", kind="cases", en="'Date' / 'Reporting period'")


def test_unrecognised_table(engine, reg, seeded, snapshot):
    expect_error(engine, reg, snapshot, csv_of("1,2", head="foo,bar"), "unknown_kind", en="Cannot tell which table")


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", b"\xef\xbb\xbf", b"# only a comment\n"])
def test_empty_file(engine, reg, seeded, snapshot, data):
    expect_error(engine, reg, snapshot, data, "empty_file", en="empty")


@pytest.mark.parametrize("above", ["", "# ghi chú\n"])
def test_a_malformed_header_row_is_named_not_called_empty(engine, reg, seeded, snapshot, tmp_path, above):
    """A header row the CSV reader cannot read (a quote left open runs past the field limit) is a malformed
    file at that row, from bytes and from a path alike; not "the file is empty"."""
    data = (above + '"' + "x" * 140_000 + "\n" + "Mã vụ việc,Ngày,Tỉnh/Thành phố,Số nạn nhân\n").encode()
    row = 1 + above.count("\n")
    expect_error(engine, reg, snapshot, data, "bad_csv", row=row, en="malformed")
    path = tmp_path / "bad.csv"
    path.write_bytes(data)
    report = importer.validate_file(path, engine=engine, reg=reg)
    assert [(e.code, e.row) for e in report.errors] == [("bad_csv", row)]


def test_header_only(engine, reg, seeded, snapshot):
    expect_error(engine, reg, snapshot, csv_of(), "no_rows", en="no data rows")


def test_file_over_size_limit(engine, reg, seeded, snapshot, monkeypatch, tmp_path):
    monkeypatch.setenv("TDN_IMPORT_MAX_MB", "0.001")  # about 1 KB
    data = csv_of(*[f"VV-{i:04d},14/05/2023,Nghệ An,,,,1,,,,,,," for i in range(100, 140)])
    expect_error(engine, reg, snapshot, data, "too_large", en="too large")
    path = tmp_path / "big.csv"
    path.write_bytes(data)
    before = snapshot()
    report = importer.import_file(path, engine=engine, reg=reg)
    assert [e.code for e in report.errors] == ["too_large"] and report.errors[0].file == "big.csv"
    assert snapshot() == before


def _xlsx_bytes(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_binary_file_renamed_csv(engine, reg, seeded, snapshot):
    xlsx = _xlsx_bytes([HEAD.split(","), GOOD[0].split(",")])
    expect_error(engine, reg, snapshot, xlsx, "binary_file", filename="cases.csv", en="renamed .csv")
    expect_error(engine, reg, snapshot, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary_file", en="PNG")
    expect_error(engine, reg, snapshot, b"abc\x00\x01\x02" * 50, "binary_file", en="binary file")


def test_not_utf8(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,,1,,,,,,,").decode("utf-8").encode("cp1258", errors="replace")
    expect_error(engine, reg, snapshot, data, "not_utf8", en="CSV UTF-8")


@pytest.mark.parametrize("cell,char", [("=HYPERLINK(\"http://x\")", "="), ("+84 912", "+"), ("-2+3", "-"),
                                       ("@SUM(A1)", "@"), ("\t=1+1", "TAB"), ("\r=1+1", "CR"), ("  =cmd", "=")])
def test_formula_cells_rejected(engine, reg, seeded, snapshot, cell, char):
    quoted = '"' + cell.replace('"', '""') + '"'
    data = csv_of(f"VV-010,14/05/2023,Nghệ An,,,,1,,,,,,,{quoted}")
    expect_error(engine, reg, snapshot, data, "formula", row=2, column="Ghi chú", en=f"starts with '{char}'")


def test_formula_in_excel_cell(engine, reg, seeded, snapshot):
    xlsx = _xlsx_bytes([HEAD.split(","), ["VV-010", "14/05/2023", "Nghệ An", None, None, None, "=1+1"]])
    expect_error(engine, reg, snapshot, xlsx, "formula", filename="cases.xlsx", row=2, column="Số nạn nhân")


def test_bad_choice_lists_accepted_values(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghệ An,,,du lịch,1,,,,,,,")
    expect_error(engine, reg, snapshot, data, "bad_choice", row=2, column="Hình thức bóc lột", value="du lịch",
                 en="forced_labour")


def test_case_and_aggregate_count_rules(engine, reg, seeded, snapshot):
    head = "Mã vụ việc,Loại bản ghi,Kỳ báo cáo,Tỉnh/Thành phố,Số vụ,Số nạn nhân"
    expect_error(engine, reg, snapshot, csv_of("VV-010,vụ việc,2023,Nghệ An,3,4", head=head), "case_n_cases",
                 column="Số vụ")
    expect_error(engine, reg, snapshot, csv_of(",tổng hợp,2023,Nghệ An,,4", head=head), "aggregate_needs_cases")
    expect_error(engine, reg, snapshot, csv_of(",vụ việc,2023,Nghệ An,,4", head=head), "case_needs_id")


def test_many_errors_all_reported_with_rows(engine, reg, seeded, snapshot):
    data = csv_of("VV-010,14/05/2023,Nghe Ann,,,,1,,,,,,,", "VV-011,31/02/2023,Nghệ An,,,,-1,,,,,,,",
                  "VV-012,14/05/2023,Nghệ An,,,,1,,,,,,,")
    report, _ = expect_error(engine, reg, snapshot, data, "unknown_place")
    assert {(e.row, e.code) for e in report.errors} >= {(2, "unknown_place"), (3, "bad_date"), (3, "negative_count")}
    frame = report.errors_frame("en")
    assert list(frame.columns[:5]) == ["file", "row", "column", "value", "code"] and "reason" in frame.columns
    text = report.to_text("vi")
    assert "không có dữ liệu nào được ghi" in text and "dòng 3" in text


# --------------------------------------------------------------------------------------------------
# Good input, formats, idempotency, undo
# --------------------------------------------------------------------------------------------------
def test_good_import_stores_place_as_entered_and_derived_codes(engine, reg, seeded):
    df = store.cases_frame(engine=engine).set_index("case_id")
    assert len(df) == 3
    r = df.loc["VV-001"]
    assert (r["place_era"], r["place_level"], r["province_code"], r["district_code"], r["commune_code"]) == \
        ("pre2025", "commune", "40", "40417", "16861")
    assert (r["prov_code_pre2025"], r["district_code5"], r["prov_code_2025"], r["commune_code_2025"]) == \
        ("40", "40417", "40", "16849")
    assert r["form"] == "fetus_infant" and r["agency"] == "police" and r["period_label"] == "2023-05-14"
    assert df.loc["VV-002", "note"] == "bị lừa sang Trung Quốc" and df.loc["VV-002", "agency"] == "border_guard"
    assert df.loc["VV-003", "district_code5"] == "31311" and not df["is_demo"].any()


def test_2025_units_after_reform(engine, reg):
    data = csv_of("VV-030,15/08/2025,Lào Cai,,,,1,,,,,,,", "VV-031,15/08/2025,Hải Phòng,,Phù Liễn,,1,,,,,,,")
    report = importer.import_file(data, "new.csv", engine=engine, reg=reg)
    assert report.status == "imported", report.to_text("en")
    df = store.cases_frame(engine=engine).set_index("case_id")
    assert df.loc["VV-030", "place_era"] == "2025" and df.loc["VV-030", "prov_code_2025"] == "15"
    assert pd.isna(df.loc["VV-030", "prov_code_pre2025"]) and pd.isna(df.loc["VV-031", "district_code5"])
    assert df.loc["VV-031", "commune_code_2025"] == df.loc["VV-031", "commune_code"]


def test_english_headers_semicolons_bom(engine, reg):
    head = "Case ID;Date;Province;District;Victims;Of whom children;Reporting agency"
    body = "\ufeff" + head + "\nEN-1;2023-05-14;Lao Cai;Bat Xat;2;1;border guard\n"
    report = importer.import_file(body.encode("utf-8"), "english.csv", engine=engine, reg=reg)
    assert report.status == "imported", report.to_text("en")
    r = store.cases_frame(engine=engine).iloc[0]
    assert (r["province_code"], r["district_code"], r["agency"], r["victims_children"]) == ("10", "10082", "border_guard", 1)


def test_xlsx_with_excel_types_and_lost_leading_zeros(engine, reg):
    rows = [["# một dòng chú thích"],
            ["Mã vụ việc", "Ngày", "Mã tỉnh", "Mã huyện", "Mã xã", "Số nạn nhân", "Trong đó trẻ em"],
            ["X-1", datetime(2023, 5, 14), 1, 1016, 433, 3, 1.0],
            [None, None, None, None, None, None, None]]
    report = importer.import_file(_xlsx_bytes(rows), "cases.xlsx", engine=engine, reg=reg)
    assert report.status == "imported", report.to_text("en")
    r = store.cases_frame(engine=engine).iloc[0]
    assert (r["province_code"], r["district_code"], r["commune_code"], r["victims"]) == ("01", "01016", "00433", 3)


def test_code_and_name_must_agree(engine, reg, snapshot):
    data = csv_of("VV-040,14/05/2023,Hải Phòng,1", head="Mã vụ việc,Ngày,Tỉnh/Thành phố,Mã tỉnh")
    expect_error(engine, reg, snapshot, data, "code_name_mismatch", column="Tỉnh/Thành phố")


def test_reimport_same_file_does_not_double_count(engine, reg, seeded, snapshot):
    before = snapshot()
    again = importer.import_file(csv_of(*GOOD), "good.csv", engine=engine, reg=reg)
    assert again.status == "already_imported" and again.already_import_id == seeded.import_id
    assert not again.errors and "already imported" in again.summary("en")
    renamed = importer.import_file(csv_of(*GOOD), "good (1).csv", engine=engine, reg=reg)
    assert renamed.status == "already_imported"
    assert snapshot() == before
    # the same rows in another file (e.g. re-saved with other line endings) are duplicates, not new cases
    resaved = csv_of(*GOOD).replace(b"\n", b"\r\n")
    report = importer.import_file(resaved, "good_resaved.csv", engine=engine, reg=reg)
    assert report.status == "invalid" and {e.code for e in report.errors} == {"duplicate_in_store"}
    assert snapshot() == before


def test_dry_run_writes_nothing(engine, reg, snapshot):
    before = snapshot()
    report = importer.import_file(csv_of(*GOOD), "good.csv", dry_run=True, engine=engine, reg=reg)
    assert report.status == "valid" and report.ok and report.n_rows == 3 and report.dry_run
    assert len(report.records_frame()) == 3
    assert snapshot() == before
    assert importer.validate_file(csv_of(*GOOD), "good.csv", engine=engine, reg=reg).status == "valid"
    assert snapshot() == before


def test_import_log_and_undo(engine, reg, seeded, snapshot):
    log = importer.list_imports(engine=engine)
    assert len(log) == 1
    entry = log.iloc[0]
    assert (entry["file_name"], entry["n_rows"], entry["rows_now"], entry["user"], entry["status"]) == \
        ("good.csv", 3, 3, "tester", "active")
    assert entry["checksum"] == seeded.checksum and len(entry["checksum"]) == 64
    result = importer.undo_import(seeded.import_id, user="chief", engine=engine)
    assert result.ok and result.rows_removed == 3 and "undone" in result.message("en")
    assert store.cases_frame(engine=engine).empty
    entry = importer.list_imports(engine=engine).iloc[0]
    assert (entry["status"], entry["undone_by"], entry["rows_now"]) == ("undone", "chief", 0)
    before = snapshot()
    again = importer.undo_import(seeded.import_id, engine=engine)
    assert not again.ok and "already undone" in again.message("en")
    assert not importer.undo_import(9999, engine=engine).ok
    assert snapshot() == before
    # after an undo the same file can be imported again, under a new number
    report = importer.import_file(csv_of(*GOOD), "good.csv", engine=engine, reg=reg)
    assert report.status == "imported" and report.import_id > seeded.import_id
    assert len(store.cases_frame(engine=engine)) == 3


def test_undo_is_per_import(engine, reg, seeded):
    other = importer.import_file(csv_of("VV-100,14/05/2023,Nghệ An,,,,1,,,,,,,"), "other.csv", engine=engine, reg=reg)
    importer.undo_import(other.import_id, engine=engine)
    assert sorted(store.cases_frame(engine=engine)["case_id"]) == ["VV-001", "VV-002", "VV-003"]


def test_aggregate_rows_first_class(engine, reg):
    head = "Loại bản ghi,Kỳ báo cáo,Tỉnh/Thành phố,Quận/Huyện,Số vụ,Đối tượng bị bắt,Nạn nhân được giải cứu"
    data = csv_of("tổng hợp,6 tháng đầu năm 2023,Nghệ An,,5,6,4", "tổng hợp,Quý 1/2023,Nghệ An,Kỳ Sơn,2,2,1",
                  head=head)
    report = importer.import_file(data, "agg.csv", engine=engine, reg=reg)
    assert report.status == "imported", report.to_text("en")
    df = store.cases_frame(engine=engine).sort_values("period_end")
    q, h = df.iloc[0], df.iloc[1]
    assert (q["record_type"], q["place_level"], q["period_label"], q["p_quarter"], q["n_cases"]) == \
        ("aggregate", "district", "2023-Q1", 1, 2)
    assert (h["place_level"], h["period_label"], h["p_half"], h["n_cases"]) == ("province", "2023-H1", 1, 5)
    assert pd.isna(h["p_quarter"]) and pd.isna(h["p_month"])
    # the same aggregate again (other file) is a duplicate
    again = importer.import_file(csv_of("tổng hợp,H1 2023,nghe an,,5,6,4", head=head), "agg2.csv", engine=engine, reg=reg)
    assert [e.code for e in again.errors] == ["duplicate_in_store"]


@pytest.mark.parametrize("text,expected", [
    ("2023", ("2023-01-01", "2023-12-31")), ("năm 2023", ("2023-01-01", "2023-12-31")),
    ("2023-06", ("2023-06-01", "2023-06-30")), ("06/2023", ("2023-06-01", "2023-06-30")),
    ("T2/2024", ("2024-02-01", "2024-02-29")), ("tháng 6/2023", ("2023-06-01", "2023-06-30")),
    ("Q2 2023", ("2023-04-01", "2023-06-30")), ("Quý II/2023", ("2023-04-01", "2023-06-30")),
    ("2023-Q4", ("2023-10-01", "2023-12-31")), ("H1 2023", ("2023-01-01", "2023-06-30")),
    ("6 tháng cuối năm 2022", ("2022-07-01", "2022-12-31")), ("2023-01-01/2023-06-30", ("2023-01-01", "2023-06-30")),
    ("01/01/2023 - 30/06/2023", ("2023-01-01", "2023-06-30")), ("14/05/2023", ("2023-05-14", "2023-05-14")),
])
def test_period_parsing(text, expected):
    start, end = importer.parse_period(text)
    assert (start.isoformat(), end.isoformat()) == expected


def test_prevention_models_key_areas_and_targets(engine, reg):
    models = ("Mã mô hình,Loại mô hình,Tỉnh/Thành phố,Quận/Huyện,Xã/Phường,Ngày thành lập,Tình trạng\n"
              "M1,địa chỉ tin cậy,Nghệ An,Kỳ Sơn,Hữu Kiệm,01/03/2021,đang hoạt động\n"
              "M2,Ngôi nhà Bình yên,Nghệ An,,Mường Xén,01/03/2020,đã dừng\n").encode()
    r = importer.import_file(models, "models.csv", engine=engine, reg=reg)
    assert r.status == "imported" and r.kind == "prevention_models", r.to_text("en")
    areas = "Năm,Tỉnh/Thành phố,Quận/Huyện,Xã/Phường\n2021,Nghệ An,Kỳ Sơn,Hữu Kiệm\n2021,Nghệ An,Kỳ Sơn,Mường Xén\n"
    r = importer.import_file(areas.encode(), "areas.csv", engine=engine, reg=reg)
    assert r.status == "imported" and r.kind == "key_areas", r.to_text("en")
    cov = store.coverage_frame(engine=engine)
    row = cov.iloc[0]
    assert (row["key_communes"], row["covered_communes"], row["coverage_pct"]) == (2, 1, 50.0)
    # the published Nghệ An 2021 target (SEED-T01, at least 30%) is attached with its source
    assert row["target_value"] == 30.0 and row["target_is_published"] and "aonghean" in row["target_source"]
    assert row["meets_target"]
    targets = ("Năm,Tỉnh/Thành phố,Chỉ tiêu,Giá trị,Nguồn\n2022,Nghệ An,key_area_model_coverage,40,KH 179/KH-UBND\n"
               "2022,Nghệ An,cases_prosecuted,120,KH 179/KH-UBND\n").encode()
    bad = importer.import_file(targets, "targets.csv", engine=engine, reg=reg)
    assert [e.code for e in bad.errors] == ["percent_over_100"]
    missing_source = "Năm,Tỉnh/Thành phố,Chỉ tiêu,Giá trị,Nguồn\n2022,Nghệ An,key_area_model_coverage,40,\n"
    assert importer.import_file(missing_source.encode(), "t.csv", engine=engine, reg=reg).errors[0].code == "required_value"
    commune_needed = "Năm,Tỉnh/Thành phố,Quận/Huyện,Xã/Phường\n2021,Nghệ An,Kỳ Sơn,\n"
    r = importer.import_file(commune_needed.encode(), "a2.csv", kind="key_areas", engine=engine, reg=reg)
    assert [e.code for e in r.errors] == ["required_value"]


def test_user_gates_hotspots_routes(engine, reg, snapshot):
    gates = ("Mã cửa khẩu,Tên cửa khẩu,Tỉnh/Thành phố,Vĩ độ,Kinh độ\n"
             "U-G1,Lối mở A,Lào Cai,22.5,103.96\nU-G2,Lối mở B,Lào Cai,,\n").encode()
    r = importer.import_file(gates, "gates.csv", engine=engine, reg=reg)
    assert r.status == "imported" and r.kind == "gates", r.to_text("en")
    layer = facts.gates(user_points=lambda kind: store.user_points_frame(kind, engine=engine))
    user = layer[layer["origin"] == "user"].set_index("gate_id")
    assert user.loc["U-G1", "coord_type"] == "exact" and user.loc["U-G2", "coord_type"] == "none"
    assert (layer["origin"] == "reference").sum() == len(facts.gates())
    expect_error(engine, reg, snapshot, "Mã cửa khẩu,Tên cửa khẩu\nNA-G01,Trùng\n".encode(), "reserved_id",
                 en="sourced reference layer")
    expect_error(engine, reg, snapshot, "Mã cửa khẩu,Tên cửa khẩu,Vĩ độ\nU-G3,X,22.1\n".encode(), "coords_incomplete")
    expect_error(engine, reg, snapshot, "Mã cửa khẩu,Tên cửa khẩu,Vĩ độ,Kinh độ\nU-G3,X,95,10\n".encode(), "coord_range")
    hotspots = ("Mã điểm nóng,Tên điểm nóng,Tính chất,Tỉnh/Thành phố,Xã/Phường,Vĩ độ,Kinh độ,Loại tọa độ\n"
                "U-H1,Bản X,mua bán người,Nghệ An,Hữu Kiệm,19.35,104.2,tâm xã\n").encode()
    assert importer.import_file(hotspots, "hs.csv", engine=engine, reg=reg).status == "imported"
    hs = facts.hotspots(user_points=lambda kind: store.user_points_frame(kind, engine=engine))
    assert hs.set_index("hotspot_id").loc["U-H1", "coord_type"] == "commune centroid"
    routes = ("Mã tuyến,Tên tuyến,Tính chất,Thứ tự,Tên điểm,Vĩ độ,Kinh độ\n"
              "U-R1,Tuyến thử,vượt biên,1,A,19.0,104.0\nU-R1,Tuyến thử,vượt biên,2,B,19.5,104.5\n").encode()
    assert importer.import_file(routes, "routes.csv", engine=engine, reg=reg).status == "imported"
    lines = facts.routes(user_points=lambda kind: store.user_points_frame(kind, engine=engine)).set_index("route_id")
    assert lines.loc["U-R1", "nature"] == "smuggling" and lines.loc["U-R1", "n_drawn"] == 2
    assert "not all of it is trafficking" in lines.loc["U-R1", "caveat_en"]


@pytest.mark.parametrize("kind", sorted(S.IMPORT_KINDS))
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_templates_are_recognised(kind, lang, engine, reg):
    data = importer.template_bytes(kind, lang)
    assert data.startswith(b"\xef\xbb\xbf")
    headers = data.decode("utf-8-sig").strip().split(",")
    assert importer.detect_kind(next(iter([importer._read_csv(data, "t.csv").headers]))) == kind
    assert len(headers) >= len(S.IMPORT_KINDS[kind].required())
    report = importer.validate_file(data, importer.template_filename(kind, lang), engine=engine, reg=reg)
    assert [e.code for e in report.errors] == ["no_rows"]
    wb = load_workbook(io.BytesIO(importer.template_bytes(kind, lang, "xlsx")))
    assert [c.value for c in wb.worksheets[0][1]] == importer.template_headers(kind, lang)
    assert len(wb.worksheets) == 2


def test_committed_templates_match_code():
    from geo import config
    folder = config.PROJECT_ROOT / "data" / "templates"
    for kind in S.IMPORT_KINDS:
        assert (folder / f"{kind}.csv").read_bytes() == importer.template_bytes(kind, "vi")
        assert (folder / f"{kind}.en.csv").read_bytes() == importer.template_bytes(kind, "en")


def test_cli_import_and_imports(engine, reg, tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_of(*GOOD))
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_of("VV-050,31/02/2023,Nghệ An,,,,1,,,,,,,"))
    assert importer.main_import([str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "bad.csv, row 2, column 'Ngày'" in out and "nothing was written" in out
    assert importer.main_import([str(good), "--dry-run"]) == 0
    assert importer.main_import([str(good), "--user", "officer"]) == 0
    assert importer.main_import([str(good)]) == 0  # already imported: nothing new, not an error
    assert importer.main_imports([]) == 0
    out = capsys.readouterr().out
    assert "good.csv" in out and "officer" in out
    with store.get_engine().connect() as conn:
        assert conn.execute(select(func.count()).select_from(S.cases)).scalar() == 3
    assert importer.main_imports(["--undo", "1"]) == 0
    assert importer.main_imports(["--template", "cases", "--out", str(tmp_path / "t.xlsx"), "--xlsx"]) == 0
    assert (tmp_path / "t.xlsx").exists()


def test_file_like_upload_can_be_validated_then_imported(engine, reg):
    upload = io.BytesIO(csv_of(*GOOD))
    upload.name = "upload.csv"
    assert importer.validate_file(upload, engine=engine, reg=reg).status == "valid"
    report = importer.import_file(upload, engine=engine, reg=reg, user="page")
    assert report.status == "imported" and report.file_name == "upload.csv" and report.n_rows == 3


def test_a_csv_given_by_its_path_is_read_from_the_file_not_held(engine, reg, tmp_path):
    """A CSV file given by its path is hashed and parsed from the file a megabyte at a time (memory grows with a
    batch, not with the file): the same checksum, the same report and the same rows as its bytes."""
    import hashlib

    from geo.data import reading

    head = "Mã vụ việc,Ngày,Tỉnh/Thành phố,Số nạn nhân,Cơ quan báo cáo\n"
    text = head + "".join(f"P-{i},10/02/2023,Nghệ An,{1 + i % 3},công an\n" for i in range(30_000))
    data = ("\ufeff" + text + "P-9x,31/02/2023,Nghệ An,1,công an\n").encode("utf-8")  # > 1 MB, one bad date at the end
    path = tmp_path / "cases.csv"
    path.write_bytes(data)
    loaded, name = reading._load_bytes(path, None)
    assert isinstance(loaded, reading._FileBytes) and (len(loaded), name) == (len(data), "cases.csv")
    assert importer._checksum(loaded) == hashlib.sha256(data).hexdigest()
    assert list(reading._read_table(loaded, name)) == list(reading._read_table(data, name))
    from_path = importer.validate_file(path, engine=engine, reg=reg)
    from_bytes = importer.validate_file(data, "cases.csv", engine=engine, reg=reg)
    assert from_path.checksum == from_bytes.checksum and from_path.size_bytes == len(data)
    assert [(e.row, e.code) for e in from_path.errors] == [(e.row, e.code) for e in from_bytes.errors] == [
        (30_002, "bad_date")]
    # a byte that is not UTF-8 past the first megabyte is found at its place
    path.write_bytes(data[:-40] + b"\xe9" + data[-39:])
    report = importer.validate_file(path, engine=engine, reg=reg)
    assert [e.code for e in report.errors] == ["not_utf8"]
    assert report.errors[0].reason_en == importer.validate_file(path.read_bytes(), "cases.csv", engine=engine,
                                                                reg=reg).errors[0].reason_en
