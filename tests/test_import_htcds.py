"""Exchange with the UN Human Trafficking Case Data Standard (HTCDS 2.0): the case table exported in HTCDS field
names comes back with every mapped field, and a person-level HTCDS sheet becomes case rows (issue 17)."""
from __future__ import annotations

import io

import pandas as pd

from geo.data import htcds, importer, store

CASES = ("Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Xã/Phường,Hình thức bóc lột,Số nạn nhân,Trong đó trẻ em,Trong đó nữ,"
         "Nạn nhân được giải cứu,Nạn nhân được hỗ trợ,Đối tượng bị bắt,Nước đến,Tuyến,Cửa khẩu,Cơ quan báo cáo,Nguồn,"
         "Ghi chú\n"
         "HT-1,14/05/2023,Nghệ An,Kỳ Sơn,Hữu Kiệm,bào thai,2,0,2,2,1,1,Trung Quốc,Kỳ Sơn – Trung Quốc,Nậm Cắn,công an,"
         "BC 12/BC-CA,\"ghi chú, có dấu phẩy\"\n"
         "HT-2,2023-06-01,Lào Cai,Bát Xát,,tình dục,3,1,3,1,1,2,,,,biên phòng,,\n"
         "HT-3,15/08/2025,Hải Phòng,,Phù Liễn,lao động,1,0,0,,,,,,,LĐTBXH,,\n"
         "HT-4,02/03/2024,Hải Phòng,Thủy Nguyên,,cưỡng ép kết hôn,1,,1,,,,,,,khác,,\n")
AGGREGATE = "Loại bản ghi,Kỳ báo cáo,Tỉnh/Thành phố,Số vụ\ntổng hợp,2023,Nghệ An,4\n"
#: every stored field the mapping carries (data/HTCDS_MAPPING.md)
MAPPED = sorted({col for _, col, _, _ in htcds.MAPPING if col not in ("-", "count_status", "dup_of", "case_id")}
                | {"province_code", "district_code", "commune_code"})


def test_export_uses_htcds_field_names_and_round_trips_every_mapped_field(engine, reg, tmp_path):
    assert importer.import_file(CASES.encode(), "cases.csv", engine=engine, reg=reg).status == "imported"
    assert importer.import_file(AGGREGATE.encode(), "agg.csv", engine=engine, reg=reg).status == "imported"
    original = store.cases_frame(engine=engine)
    frame = htcds.export_frame(original)
    assert frame.attrs["aggregates_left_out"] == 1 and len(frame) == 4
    data = htcds.export_csv_bytes(frame)
    header = data.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[:8] == ["cas_CaseNumber", "hte_Date", "hte_Country", "hte_State", "hte_City",
                          "vic_TypeOfExploitation", "vic_TraffickingStatusDecisionMakingOrg", "cco_CaseComment"]
    rows = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False).set_index("cas_CaseNumber")
    assert rows.loc["HT-1", "vic_TypeOfExploitation"] == "Other" and rows.loc["HT-1", "x_tdn_Form"] == "fetus_infant"
    assert rows.loc["HT-2", "vic_TypeOfExploitation"] == "SexualExploitation"
    assert rows.loc["HT-3", "vic_TraffickingStatusDecisionMakingOrg"] == "NonPoliceGovernmentalOrganization"
    assert rows.loc["HT-1", "hte_Date"] == "2023-05-14" and set(rows["hte_Country"]) == {"VN"}
    assert rows.loc["HT-1", "hte_State"] == "Tỉnh Nghệ An" and rows.loc["HT-3", "hte_City"] == ""  # 2025: no district
    assert list(rows["x_tdn_SuspectsArrested"]) == ["1", "2", "", ""]  # whole numbers, empty when unknown
    # into a new store: the same case rows, every mapped field equal
    from tests.db_support import temp_store_url

    with temp_store_url(tmp_path, "other") as url:
        other = store.get_engine(url)
        report = importer.import_file(data, "htcds.csv", engine=other, reg=reg)
        assert report.status == "imported" and report.kind == "cases", report.to_text("en")
        back = store.cases_frame(engine=other)
        a = original[original["record_type"] == "case"].set_index("case_id")[MAPPED].sort_index()
        b = back.set_index("case_id")[MAPPED].sort_index()
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
        # and out again: the same file
        assert htcds.export_csv_bytes(htcds.export_frame(back)) == data
        store.dispose_engines()


def test_htcds_sheet_errors_name_the_htcds_columns(engine, reg, snapshot):
    before = snapshot()
    sheet = ("cas_CaseNumber,hte_Date,hte_Country,hte_State,vic_TypeOfExploitation,x_tdn_Victims\n"
             "A-1,2023-05-14,VN,Nghe Ann,ForcedLabour,1\n"
             "A-2,2023-05-14,TH,Nghệ An,ForcedLabour;SexualExploitation,1\n")
    report = importer.import_file(sheet.encode(), "htcds.csv", engine=engine, reg=reg)
    found = {(e.row, e.column, e.code) for e in report.errors}
    assert found >= {(2, "hte_State", "unknown_place"), (3, "hte_Country", "htcds_country")}
    assert any(e.column == "vic_TypeOfExploitation" and e.code == "bad_choice" for e in report.errors)
    assert snapshot() == before


def test_person_level_htcds_sheet_becomes_case_rows(engine, reg):
    """An HTCDS sheet of persons (one row per victim, as the HTCDS Excel toolkit): the persons of a case are
    one case row; names and contacts are not kept."""
    persons = ("cas_CaseNumber,prs_FirstName,prs_Gender,vic_AgeWhenTrafficked,hte_Date,hte_Country,hte_State,hte_City,"
               "vic_TypeOfExploitation,vic_TraffickingStatusDecisionMakingOrg\n"
               "IOM-7,Lan,Feminine,16,2023-05-14,VN,Nghệ An,Kỳ Sơn,SexualExploitation,Police\n"
               "IOM-7,Mai,Feminine,19,2023-05-14,VN,Nghệ An,Kỳ Sơn,SexualExploitation,Police\n"
               "IOM-7,Nam,Masculine,15,2023-05-14,VN,Nghệ An,Kỳ Sơn,SexualExploitation,Police\n"
               "IOM-8,Hoa,Feminine,30,2023-06-02,VN,Lào Cai,,ChildLabour,NGO\n")
    report = importer.import_file(persons.encode(), "iom.csv", engine=engine, reg=reg)
    assert report.status == "imported", report.to_text("en")
    assert {w.code for w in report.warnings} == {"unknown_column"}  # prs_FirstName is not kept
    df = store.cases_frame(engine=engine).set_index("case_id")
    seven = df.loc["IOM-7"]
    assert (seven["victims"], seven["victims_women"], seven["victims_children"]) == (3, 2, 2)
    assert (seven["form"], seven["agency"], seven["district_code"]) == ("sexual", "police", "40417")
    assert (df.loc["IOM-8", "form"], df.loc["IOM-8", "agency"]) == ("forced_labour", "other")
    assert "Lan" not in store.cases_frame(engine=engine).to_string()
    conflict = persons.replace("IOM-8,Hoa,Feminine,30,2023-06-02", "IOM-7,Hoa,Feminine,30,2023-06-02")
    refused = importer.validate_file(conflict.encode(), "iom2.csv", engine=engine, reg=reg)
    assert {e.code for e in refused.errors} >= {"htcds_conflict"}
    assert any(e.column == "hte_Date" and "2, 3, 4, 5" in e.reason_en for e in refused.errors)
