"""One count per victim (issue 17): overlapping reports of several agencies give the documented totals, ID
variants are flagged, every error of every row is reported, cumulative sheets add only what is new, decisions
are applied and audited, and a rejected upload leaves the store exactly as it was. Runs on SQLite and on the
PostgreSQL test cluster (scripts/setup.sh)."""
from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from sqlalchemy import select

from geo.data import counting, importer, store
from geo.data import schema as S

AGG = "Loại bản ghi,Kỳ báo cáo,Tỉnh/Thành phố,Số vụ,Số nạn nhân,Đối tượng bị bắt,Cơ quan báo cáo\n"
CASE = "Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Số nạn nhân,Đối tượng bị bắt,Cơ quan báo cáo\n"
H1 = AGG + "tổng hợp,6 tháng đầu năm 2023,Nghệ An,10,12,7,công an\n"
Q1 = AGG + "tổng hợp,Quý 1/2023,Nghệ An,4,5,3,công an\n"
POLICE = CASE + ("RV-1,10/02/2023,Nghệ An,Kỳ Sơn,1,1,công an\n"
                 "RV-2,20/02/2023,Nghệ An,Kỳ Sơn,2,1,công an\n"
                 "RV-3,05/05/2023,Nghệ An,Kỳ Sơn,3,2,công an\n")
# the border guard reports RV-1 again under its own number (same date, place and victims) and RV-2 as "rv-2."
BORDER = CASE + ("BP-7,10/02/2023,Nghệ An,Kỳ Sơn,1,,biên phòng\n"
                 "rv-2.,20/02/2023,Nghệ An,,2,,biên phòng\n")
H1_2023 = {"start": date(2023, 1, 1), "end": date(2023, 6, 30)}


def imp(engine, reg, text: str, name: str, **kw):
    report = importer.import_file(text.encode("utf-8"), name, engine=engine, reg=reg, user="officer", **kw)
    assert report.status == "imported", report.to_text("en")
    return report


def totals(engine, source="auto", **flt):
    df = store.aggregate_cases("national", "all", filters=flt or None, engine=engine, source=source)
    return {c: int(df[c].sum()) for c in ("cases", "victims", "suspects_arrested", "n_rows")}


def full_snapshot(engine) -> dict:
    """Every row of every table an import, an undo or a decision may touch."""
    tables = [S.imports, *S.DATA_TABLES, S.case_rollup, S.case_overlaps, S.overlap_decisions, S.replaced_rows]
    with engine.connect() as conn:
        return {t.name: [tuple(r) for r in conn.execute(select(t).order_by(t.c.id)).all()] for t in tables}


def test_overlapping_reports_give_the_documented_totals(engine, reg):
    # the worked example of data/SCHEMA.md §2a
    imp(engine, reg, H1, "h1.csv")
    before = full_snapshot(engine)
    check = importer.validate_file(Q1.encode(), "q1.csv", engine=engine, reg=reg)
    assert check.status == "valid" and dict(check.overlap_counts) == {"nested_aggregates": 1}
    assert full_snapshot(engine) == before, "the preview wrote something"
    imp(engine, reg, Q1, "q1.csv")
    cases = imp(engine, reg, POLICE, "police.csv")
    assert cases.overlap_counts["aggregate_with_cases"] == 2  # inside the H1 and the Q1 totals
    check = importer.validate_file(BORDER.encode(), "bp.csv", engine=engine, reg=reg)
    assert {o["kind"] for o in check.overlaps} == {"probable_same_case", "same_reference"}
    assert dict(check.count_status) == {"duplicate": 2}  # shown before anything is written
    imp(engine, reg, BORDER, "bp.csv")

    rows = store.cases_frame(engine=engine).set_index("row_key")
    # as reported, the rows add up to 19 cases and 26 victims; counted once, Nghệ An's first half is the police's
    # own total: 10 cases, 12 victims, 7 suspects
    assert int(rows["n_cases"].sum()) == 19 and int(rows["victims"].sum()) == 26
    for source in ("auto", "cases"):
        assert totals(engine, source) == {"cases": 10, "victims": 12, "suspects_arrested": 7, "n_rows": 7}
        assert totals(engine, source, **H1_2023)["victims"] == 12
    # each row's share: the Q1 total keeps 4 - 2 cases, the H1 total 10 - 2 - 3; the border guard adds nothing
    by = {r["period_label"] if r["record_type"] == "aggregate" else r["case_id"]: r
          for r in rows.reset_index().to_dict("records")}
    assert (by["2023-Q1"]["k_n_cases"], by["2023-Q1"]["k_victims"], by["2023-Q1"]["count_status"]) == (2, 2, "residual")
    assert (by["2023-H1"]["k_n_cases"], by["2023-H1"]["k_victims"], by["2023-H1"]["k_suspects_arrested"]) == (5, 4, 2)
    assert by["BP-7"]["count_status"] == by["rv-2."]["count_status"] == "duplicate"
    assert by["BP-7"]["dup_of"] == by["RV-1"]["row_key"] and by["rv-2."]["dup_of"] == by["RV-2"]["row_key"]
    assert by["RV-1"]["sources"] == "border_guard,police"  # both agencies kept as sources
    # a quarter filter counts the Q1 total with its cases (the H1 total does not lie inside Q1)
    q1 = totals(engine, start=date(2023, 1, 1), end=date(2023, 3, 31))
    assert (q1["cases"], q1["victims"]) == (4, 5)
    # the summary table and the case rows agree at every grouping
    for by_ in ("province", "district", "province_2025"):
        for grain in ("quarter", "half", "all"):
            fast = store.aggregate_cases(by_, grain, engine=engine)
            slow = store.aggregate_cases(by_, grain, engine=engine, source="cases")
            keys = list(store.GROUPINGS[by_]) + ["period"]
            cols = keys + ["cases", "victims", "suspects_arrested", "ck_victims"]
            pd.testing.assert_frame_equal(fast[cols].sort_values(keys).reset_index(drop=True),
                                          slow[cols].sort_values(keys).reset_index(drop=True), check_dtype=False)
    # the list of overlaps: the probable match is open for an officer, the rest say what the rule did
    found = counting.overlaps_frame(engine=engine)
    assert sorted(found[found["status"] == "open"]["kind"]) == ["probable_same_case"]
    assert set(found["kind"]) == {"probable_same_case", "same_reference", "aggregate_with_cases", "nested_aggregates"}
    # undoing the police's cases: the border guard's two reports are now its own cases, added to the police's
    # totals (another agency), and the police's Q1 and H1 totals count in full again (10 + 2 cases)
    log = importer.list_imports(engine=engine).set_index("file_name")
    assert importer.undo_import(int(log.loc["police.csv", "id"]), engine=engine).ok
    assert totals(engine) == totals(engine, "cases") == {"cases": 12, "victims": 15, "suspects_arrested": 7, "n_rows": 4}
    assert store.cases_frame(engine=engine).set_index("case_id").loc["BP-7", "count_status"] == "counted"


def test_decisions_change_the_count_and_are_audited(engine, reg):
    from geo.auth import audit

    imp(engine, reg, POLICE, "police.csv")
    imp(engine, reg, BORDER, "bp.csv")
    assert totals(engine)["cases"] == 3
    version = store.data_version(engine)
    probable = counting.overlaps_frame(engine=engine, status=["open"]).iloc[0]
    assert probable["kind"] == "probable_same_case"
    assert not counting.decide("probable_same_case", probable["key_a"], probable["key_b"], "accepted", "chief",
                               engine=engine)  # not a decision for this kind
    assert counting.decide("probable_same_case", probable["key_a"], probable["key_b"], "different", "chief",
                           engine=engine, note="two girls, two villages", address="10.0.0.7")
    assert totals(engine) == totals(engine, "cases") and totals(engine)["cases"] == 4  # now two cases
    assert store.data_version(engine) != version  # every page recounts
    assert counting.overlaps_frame(engine=engine, status=["open"]).empty
    trail = audit.entries(engine=engine, action="overlap_decision")
    assert len(trail) == 1 and trail.iloc[0]["username"] == "chief" and "different" in trail.iloc[0]["detail"]
    assert trail.iloc[0]["address"] == "10.0.0.7"
    # a data manager of another province cannot decide on Nghệ An rows
    same_ref = counting.overlaps_frame(engine=engine, status=["info"]).iloc[0]
    assert not counting.decide(same_ref["kind"], same_ref["key_a"], same_ref["key_b"], "different", "lc-manager",
                               engine=engine, scope=("10",))


def test_case_id_variants_are_one_id_and_near_duplicates_are_flagged(engine, reg):
    variants = CASE + ("RV-1,10/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n"
                       "rv-1,11/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n"
                       "RV\u20111,12/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n"  # non-breaking hyphen
                       "RV-1.,13/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n"
                       " RV - 1 ,14/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n")
    report = importer.validate_file(variants.encode(), "variants.csv", engine=engine, reg=reg)
    assert [(e.row, e.code) for e in report.errors] == [(r, "duplicate_id_variant") for r in (3, 4, 5, 6)]
    assert all("'RV-1' (row 2)" in e.reason_en for e in report.errors)
    imp(engine, reg, CASE + "RV-1,10/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n", "first.csv")
    again = importer.import_file((CASE + "RV-1.,10/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n").encode(), "again.csv",
                                 engine=engine, reg=reg)
    assert [e.code for e in again.errors] == ["duplicate_id_variant_store"] and "import #1" in again.errors[0].reason_en
    # a look-alike ID (l for 1) is a warning, counted as another case until an officer decides
    near = imp(engine, reg, CASE + "RV-l,10/02/2023,Nghệ An,Kỳ Sơn,1,,công an\n", "near.csv")
    assert [w.code for w in near.warnings] == ["near_duplicate_id"] and "'RV-1'" in near.warnings[0].reason_en
    assert near.overlap_counts["near_duplicate_id"] == 1 and totals(engine)["cases"] == 2
    flagged = counting.overlaps_frame(engine=engine, status=["open"]).iloc[0]
    assert counting.decide("near_duplicate_id", flagged["key_a"], flagged["key_b"], "same", "chief", engine=engine)
    assert totals(engine)["cases"] == totals(engine, "cases")["cases"] == 1
    # the same ID from another agency is the same case: accepted, counted once, both agencies kept
    imp(engine, reg, CASE + "rv-1,10/02/2023,Nghệ An,Kỳ Sơn,1,,LĐTBXH\n", "social.csv")
    assert totals(engine)["cases"] == 1
    kept = store.cases_frame(engine=engine).set_index("case_id").loc["RV-1"]
    assert kept["sources"] == "police,social_affairs"


def test_every_error_of_every_row_in_one_pass(engine, reg, snapshot):
    before = snapshot()
    # a case row with three errors gets three messages
    three = CASE + "VV-9,31/02/2023,Nghe Ann,,-2,,công an\n"
    report = importer.import_file(three.encode(), "three.csv", engine=engine, reg=reg)
    assert sorted((e.row, e.code) for e in report.errors) == [(2, "bad_date"), (2, "negative_count"), (2, "unknown_place")]
    # a reused ID is not hidden behind a latitude error, nor a 130% target behind a missing source
    gates = "Mã cửa khẩu,Tên cửa khẩu,Vĩ độ,Kinh độ\nU-G1,A,22.1,104.0\nU-G1,B,95,\n"
    report = importer.import_file(gates.encode(), "gates.csv", engine=engine, reg=reg)
    assert sorted((e.row, e.code) for e in report.errors) == [(3, "coord_range"), (3, "coords_incomplete"),
                                                              (3, "duplicate_in_file")]
    targets = "Năm,Tỉnh/Thành phố,Chỉ tiêu,Giá trị,Nguồn\n2022,Nghệ An,cases_prosecuted,130,\n"
    report = importer.import_file(targets.encode(), "targets.csv", engine=engine, reg=reg)
    assert sorted(e.code for e in report.errors) == ["percent_over_100", "required_value"]
    # a huge file: the first 1,000 messages listed, every error counted by code (page and error CSV)
    rows = "".join(f"X-{n},31/02/2023,Nghệ An,,1,,công an\n" for n in range(1200))
    big = importer.import_file((CASE + rows + "X-0,01/02/2023,Nghệ An,,1,,công an\n").encode(), "big.csv",
                               engine=engine, reg=reg)
    assert len(big.errors) == 1000 and big.n_errors_total == 1201
    assert big.error_counts == {"bad_date": 1200, "duplicate_in_file": 1}
    assert big.not_listed() == {"bad_date": 200, "duplicate_in_file": 1}
    text = big.errors_csv_bytes("en").decode("utf-8-sig")
    assert text.splitlines()[0] == "# The first 1,000 of 1,201 errors are listed; not listed: bad_date 200, duplicate_in_file 1."
    assert len(text.splitlines()) == 1 + 1 + 1000  # the counts line, the header, the listed messages
    assert snapshot() == before


def test_a_cumulative_january_to_april_file_adds_only_april(engine, reg, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 2)  # several batches written one after the other: the streaming path
    monkeypatch.setattr(importer, "WRITE_AFTER", 2)
    jan_mar = CASE + ("T1-1,05/01/2023,Nghệ An,Kỳ Sơn,1,1,công an\n"
                      "T1-2,20/01/2023,Nghệ An,Kỳ Sơn,2,0,công an\n"
                      "T2-1,14/02/2023,Nghệ An,Tương Dương,1,1,công an\n"
                      "T3-1,02/03/2023,Nghệ An,Kỳ Sơn,3,1,công an\n")
    first = imp(engine, reg, jan_mar, "jan_mar.csv")
    jan_apr = jan_mar + "T4-1,11/04/2023,Nghệ An,Kỳ Sơn,2,1,công an\n"
    # as a new file it is refused: its first rows are stored already (with a hint at update mode)
    refused = importer.import_file(jan_apr.encode(), "jan_apr.csv", engine=engine, reg=reg)
    assert refused.status == "invalid" and refused.error_counts == {"duplicate_in_store": 4}
    assert "update_mode_hint" in {w.code for w in refused.warnings}
    check = importer.validate_file(jan_apr.encode(), "jan_apr.csv", engine=engine, reg=reg, mode="update")
    assert (check.status, check.n_new, check.n_unchanged, check.n_changed) == ("valid", 1, 4, 0)
    added = imp(engine, reg, jan_apr, "jan_apr.csv", mode="update")
    assert (added.n_written, added.n_new, added.n_unchanged) == (1, 1, 4)
    stored = store.cases_frame(engine=engine)
    assert len(stored) == 5 and stored.set_index("case_id").loc["T4-1", "import_id"] == added.import_id
    assert totals(engine)["victims"] == totals(engine, "cases")["victims"] == 9
    log = importer.list_imports(engine=engine).set_index("id")
    assert log.loc[added.import_id, "n_rows"] == 1 and log.loc[first.import_id, "rows_now"] == 4
    # the same sheet again: nothing new, nothing written
    up_to_date = importer.import_file((jan_apr + "\n").encode(), "jan_apr (2).csv", engine=engine, reg=reg, mode="update")
    assert up_to_date.status == "up_to_date" and up_to_date.n_unchanged == 5
    # May's sheet corrects March (3 -> 4 victims): listed, written only when confirmed, undone with the import
    jan_may = (jan_apr.replace("T3-1,02/03/2023,Nghệ An,Kỳ Sơn,3,1", "T3-1,02/03/2023,Nghệ An,Kỳ Sơn,4,1")
               + "T5-1,09/05/2023,Nghệ An,Kỳ Sơn,1,0,công an\n")
    before = full_snapshot(engine)
    asked = importer.import_file(jan_may.encode(), "jan_may.csv", engine=engine, reg=reg, mode="update")
    assert asked.status == "needs_confirmation" and asked.n_changed == 1 and full_snapshot(engine) == before
    assert asked.changed[0]["key"] == "T3-1" and asked.changed[0]["diff"] == [("victims", 3, 4)]
    assert "Số nạn nhân: 3 → 4" in asked.changed_frame("vi").iloc[0]["changes"]
    kept = importer.import_file(jan_may.encode(), "jan_may.csv", engine=engine, reg=reg, mode="update", changed="keep",
                                user="officer")
    assert kept.status == "imported" and (kept.n_written, kept.n_kept) == (1, 1) and totals(engine)["victims"] == 10
    assert importer.undo_import(kept.import_id, engine=engine).ok
    replaced = importer.import_file(jan_may.encode(), "jan_may.csv", engine=engine, reg=reg, mode="update",
                                    changed="replace", user="officer")
    assert replaced.status == "imported" and (replaced.n_written, replaced.n_replaced) == (2, 1)
    assert totals(engine)["victims"] == totals(engine, "cases")["victims"] == 11
    from geo.auth import audit
    detail = audit.entries(engine=engine, action="import").iloc[0]["detail"]
    assert "update: 1 new, 4 unchanged skipped, 1 changed: 1 replaced, 0 kept as stored" in detail
    undone = importer.undo_import(replaced.import_id, engine=engine)
    assert undone.ok and undone.rows_restored == 1 and "put back" in undone.message("en")
    assert totals(engine)["victims"] == totals(engine, "cases")["victims"] == 9
    restored = store.cases_frame(engine=engine).set_index("case_id").loc["T3-1"]
    assert restored["victims"] == 3 and restored["import_id"] == first.import_id


def test_a_rejected_upload_leaves_the_store_exactly_as_it_was(engine, reg, monkeypatch):
    monkeypatch.setattr(importer, "BATCH", 1)  # valid rows are written batch by batch before the bad one
    monkeypatch.setattr(importer, "WRITE_AFTER", 1)
    imp(engine, reg, H1, "h1.csv")
    imp(engine, reg, POLICE, "police.csv")
    before = full_snapshot(engine)
    bad = BORDER + "BP-9,31/02/2023,Nghệ An,Kỳ Sơn,1,,biên phòng\n"
    report = importer.import_file(bad.encode(), "bp_bad.csv", engine=engine, reg=reg, user="officer")
    assert report.status == "invalid" and report.import_id is None and [e.row for e in report.errors] == [4]
    assert full_snapshot(engine) == before
    update = importer.import_file((POLICE.replace(",1,1,công an", ",9,1,công an") + "RV-4,40/05/2023,Nghệ An,,1,,công an\n")
                                  .encode(), "upd_bad.csv", engine=engine, reg=reg, mode="update", changed="replace")
    assert update.status == "invalid" and full_snapshot(engine) == before


def test_migration_counts_rows_stored_before_the_rule(tmp_path, reg):
    """A version-4 store holding double-counted rows (RV-1 and rv-1 of one agency, an H1 total over its cases)
    is counted by the rule when it is upgraded."""
    from sqlalchemy import create_engine, text

    from tests.db_support import temp_store_url

    with temp_store_url(tmp_path, "v4") as url:
        engine = store.get_engine(url)
        imp(engine, reg, H1, "h1.csv")
        imp(engine, reg, POLICE, "police.csv")
        store.dispose_engines()
        raw = create_engine(url)
        with raw.begin() as conn:  # back to version 4: counted values unknown, an ID variant slipped in
            conn.execute(text("UPDATE cases SET k_n_cases = n_cases, k_victims = victims, count_status = NULL, "
                              "id_key = NULL, id_skel = NULL"))
            conn.execute(text("UPDATE cases SET case_id = 'rv-1', row_key = 'case:rv-1' WHERE case_id = 'RV-2'"))
            conn.execute(text("DELETE FROM schema_migrations WHERE version = 5"))
        raw.dispose()
        engine = store.get_engine(url)
        assert store.schema_version(engine) == S.SCHEMA_VERSION == 5
        df = store.cases_frame(engine=engine).set_index("period_label")
        assert set(df["count_status"]) == {"counted", "duplicate", "residual"}
        assert totals(engine) == totals(engine, "cases")
        assert totals(engine)["cases"] == 10  # the H1 total, its cases inside it
        kinds = set(counting.overlaps_frame(engine=engine)["kind"])
        assert {"same_reference_same_agency", "aggregate_with_cases"} <= kinds
        store.dispose_engines()


@pytest.mark.parametrize("value,key,skeleton", [
    ("RV-1", "rv-1", "rv1"), ("rv-1", "rv-1", "rv1"), ("RV\u20111", "rv-1", "rv1"), ("RV\u20131", "rv-1", "rv1"),
    ("RV-1.", "rv-1", "rv1"), (" RV - 1 ", "rv-1", "rv1"), ("ＲＶ－１", "rv-1", "rv1"), ("RV-l", "rv-l", "rv1"),
    ("RV_1", "rv_1", "rv1"), ("RV-12", "rv-12", "rv12"), ("", None, None), (None, None, None)])
def test_case_id_normal_form(value, key, skeleton):
    assert importer.normalise_id(value) == key and importer.id_skeleton(value) == skeleton


def test_a_reused_id_is_reported_beside_the_row_s_other_errors(engine, reg):
    imp(engine, reg, POLICE, "police.csv")
    gates = "Mã cửa khẩu,Tên cửa khẩu,Vĩ độ,Kinh độ\nU-G1,A,22.1,104.0\n"
    imp(engine, reg, gates, "gates.csv")
    bad = CASE + "rv-1,31/02/2023,Nghệ An,Kỳ Sonn,1,,công an\n"
    report = importer.import_file(bad.encode(), "bad.csv", engine=engine, reg=reg)
    assert sorted(e.code for e in report.errors) == ["bad_date", "duplicate_id_variant_store", "unknown_place"]
    again = importer.import_file("Mã cửa khẩu,Tên cửa khẩu,Vĩ độ,Kinh độ\nU-G1,B,95,\n".encode(), "g.csv",
                                 engine=engine, reg=reg)
    assert sorted(e.code for e in again.errors) == ["coord_range", "coords_incomplete", "duplicate_in_store"]


def test_a_big_import_is_counted_province_by_province_with_the_same_result(engine, reg, monkeypatch):
    """A file of more than ``KEEP_FRAME_ROWS`` rows keeps none of its rows for the counting: it is counted a few
    provinces at a time from the rows written (memory grows with a chunk of provinces, not with the file), with
    the same counted values, the same overlaps in the same order and the same report."""
    imp(engine, reg, H1, "h1.csv")
    imp(engine, reg, POLICE, "police.csv")
    text = BORDER + ("HT-1,10/02/2023,Hà Tĩnh,,1,,công an\n"
                     "HT-1,10/02/2023,Hà Tĩnh,,1,,biên phòng\n"
                     "TH-1,11/03/2023,Thanh Hóa,,2,,công an\n"
                     "TH1,12/03/2023,Thanh Hóa,,2,,công an\n"
                     "RV-9,20/02/2023,Nghệ An,,2,,LĐTBXH\n")

    def counted():
        c, o = S.cases.c, S.case_overlaps.c
        with engine.connect() as conn:
            rows = conn.execute(select(c.row_key, *[c[k] for k in S.K_COLUMNS], c.count_status, c.dup_of, c.sources)
                                .order_by(c.row_key)).all()
            overlaps = conn.execute(select(o.kind, o.key_a, o.key_b, o.status, o.detail, o.prov_code_2025)
                                    .order_by(o.id)).all()
        return [tuple(r) for r in rows], [tuple(r) for r in overlaps]

    kept = imp(engine, reg, text, "both.csv")
    expected = counted()
    assert len(expected[1]) >= 5
    assert importer.undo_import(kept.import_id, engine=engine).ok
    monkeypatch.setattr(importer, "KEEP_FRAME_ROWS", 0)
    monkeypatch.setattr(counting, "CHUNK_ROWS", 1)  # every province a chunk of its own
    frames = []
    compute = counting.compute
    monkeypatch.setattr(counting, "compute", lambda frame, *a, **kw: frames.append(
        set(frame["prov_code_2025"])) or compute(frame, *a, **kw))
    big = imp(engine, reg, text, "both.csv")
    assert len(frames) == 3 and all(len(provinces) == 1 for provinces in frames)
    assert counted() == expected
    assert (big.overlap_counts, big.count_status) == (kept.overlap_counts, kept.count_status)


def test_ids_remembered_packed_give_the_same_messages(engine, reg, monkeypatch):
    """A big file remembers each ID it has seen as one integer (row, agency, written form) when it can: the
    duplicate, variant and near-duplicate messages are those of the IDs remembered as they were written."""
    rows = "".join(f"{case_id},10/02/2023,Nghệ An,,1,,{agency}\n" for n in range(3) for case_id, agency in (
        (f"Ab-{n}", "công an"), (f"AB-{n}", "biên phòng"), (f"ab-{n}", ""), (f"Ab-{n}.", "công an"),
        (f"AB\u2011{n}", "LĐTBXH"), (f"Ab{n}", "công an"), (f"AB-{n}", "biên phòng"), (f"x-{n}", ""),
        (f"X-{n}", "công an"), (f"x{n}", "LĐTBXH"), (f"CD-{n}", "công an"), (f"cd-{n}", "công an")))

    def messages():
        report = importer.validate_file((CASE + rows).encode(), "ids.csv", engine=engine, reg=reg)
        return [(e.row, e.code, e.reason_en) for e in report.errors + report.warnings]

    as_written = messages()
    assert {code for _, code, _ in as_written} == {"duplicate_in_file", "duplicate_id_variant", "near_duplicate_id"}
    monkeypatch.setattr(importer, "PACK_IDS_AFTER", 0)
    assert messages() == as_written
