"""Schema, migrations, query helpers, safe export and the reference layers."""
from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from sqlalchemy import inspect, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable

from geo.data import facts, importer
from geo.data import schema as S
from geo.data import store  # --------------------------------------------------------------------------------------------------
# Schema and migrations
# --------------------------------------------------------------------------------------------------
def test_fresh_database_is_migrated(fresh_engine):
    engine = fresh_engine  # migrated here, from empty (``engine`` is a copy of such a store)
    names = set(inspect(engine).get_table_names())
    assert {t.name for t in S.metadata.sorted_tables} <= names
    assert store.schema_version(engine) == S.SCHEMA_VERSION == max(v for v, _, _ in store.MIGRATIONS)
    assert store.migrate(engine) == S.SCHEMA_VERSION  # idempotent
    with engine.connect() as conn:
        rows = conn.execute(select(S.schema_migrations)).all()
    assert [r.version for r in rows] == [v for v, _, _ in store.MIGRATIONS]


def test_schema_is_portable_to_postgresql():
    dialect = postgresql.dialect()
    for table in S.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert table.name in ddl
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))


def test_every_data_table_carries_import_and_demo_flags():
    for table in S.DATA_TABLES:
        assert {"import_id", "is_demo", "row_key", "row_number"} <= set(table.c.keys()), table.name
        assert not table.c.is_demo.nullable


@pytest.mark.parametrize("kind", sorted(S.IMPORT_KINDS))
def test_column_headers_are_unambiguous(kind):
    spec = S.IMPORT_KINDS[kind]
    owner: dict[str, str] = {}
    for col in spec.columns:
        for key in col.keys():
            assert owner.setdefault(key, col.key) == col.key, f"{kind}: '{key}' means {owner[key]} and {col.key}"
    # every template header is recognised as its own column, in both languages
    for lang in ("vi", "en"):
        mapping, unknown = importer._match_headers([c.header(lang) for c in spec.columns], spec)
        assert not unknown and [m.key for m in mapping.values()] == [c.key for c in spec.columns]
    table = S.KIND_TABLES[kind]
    stored = set(table.c.keys())
    for col in spec.columns:
        if col.kind not in ("place", "place_code", "era") and col.key not in ("is_demo",):
            stored_otherwise = (kind, col.key) in {("cases", "period")}  # kept as period_start/end/label
            assert col.key in stored or stored_otherwise, (kind, col.key)


def test_vocabularies_parse_vietnamese_english_and_plain_text():
    assert S.FORMS.parse("Bóc lột tình dục") == "sexual"
    assert S.FORMS.parse("bao thai") == "fetus_infant"
    assert S.FORMS.parse("Forced labor") == "forced_labour"
    assert S.FORMS.parse("organ removal") == "organ_removal"
    assert S.FORMS.parse("cưỡng ép kết hôn") == "forced_marriage"
    assert S.AGENCIES.parse("BĐBP") == "border_guard"
    assert S.AGENCIES.parse("Sở LĐTBXH") == "social_affairs"
    assert S.MODEL_TYPES.parse("Ngôi nhà Bình yên") == "peaceful_house"
    assert S.MODEL_TYPES.parse("địa chỉ tin cậy") == "trusted_address"
    assert S.ERAS.parse("trước 2025") == "pre2025" and S.ERAS.parse("2025") == "2025"
    assert S.FORMS.parse("du lịch") is None
    assert S.FORMS.label("sexual", "en") == "Sexual exploitation"


def test_period_helpers():
    assert store.period_parts(date(2023, 5, 1), date(2023, 5, 31)) == {"p_year": 2023, "p_half": 1, "p_quarter": 2, "p_month": 5}
    assert store.period_parts(date(2023, 1, 1), date(2023, 6, 30)) == {"p_year": 2023, "p_half": 1, "p_quarter": None, "p_month": None}
    assert store.period_parts(date(2022, 7, 1), date(2023, 6, 30))["p_year"] is None
    assert store.period_label(date(2024, 2, 1), date(2024, 2, 29)) == "2024-02"
    assert store.period_label(date(2023, 7, 1), date(2023, 12, 31)) == "2023-H2"
    assert store.period_label(date(2023, 1, 1), date(2023, 2, 15)) == "2023-01-01/2023-02-15"
    assert store.bucket_bounds(2023, "quarter", 4) == (date(2023, 10, 1), date(2023, 12, 31))


# --------------------------------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------------------------------
CASES = """Mã vụ việc,Loại bản ghi,Ngày,Kỳ báo cáo,Tỉnh/Thành phố,Quận/Huyện,Số vụ,Số nạn nhân,Trong đó trẻ em,Đối tượng bị bắt,Hình thức bóc lột
A1,vụ việc,03/05/2023,,Nghệ An,Kỳ Sơn,,2,1,1,bào thai
A2,vụ việc,20/05/2023,,Nghệ An,Kỳ Sơn,,3,0,2,tình dục
A3,vụ việc,02/06/2023,,Nghệ An,Tương Dương,,1,1,0,tình dục
A4,vụ việc,15/02/2024,,Lào Cai,Bát Xát,,4,,1,hôn nhân
,tổng hợp,,Quý 2/2023,Nghệ An,Kỳ Sơn,2,5,,3,
,tổng hợp,,6 tháng đầu năm 2023,Nghệ An,,5,,,6,
"""


@pytest.fixture()
def loaded(engine, reg):
    r = importer.import_file(CASES.encode(), "cases.csv", engine=engine, reg=reg)
    assert r.status == "imported", r.to_text("en")
    demo = "Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Số nạn nhân\nD1,10/05/2023,Nghệ An,Kỳ Sơn,7\n"
    r = importer.import_file(demo.encode(), "demo_x.csv", engine=engine, reg=reg, demo=True)
    assert r.status == "imported" and r.n_demo_rows == 1
    return engine


def test_aggregate_by_district_and_month(loaded):
    df = store.aggregate_cases("district", "month", engine=loaded)
    ks = df[(df["district_code5"] == "40417")].set_index("period")
    may = ks.loc["2023-05"]
    assert (may["n_rows"], may["cases"], may["victims"], may["victims_children"], may["suspects_arrested"]) == (3, 3, 12, 1, 3)
    assert may["is_demo"] and not may["all_demo"] and may["demo_rows"] == 1 and may["exact_grain"]
    # the quarter aggregate does not fit a month: kept as its own period, not split or dropped. Counting rule
    # (geo.data.counting): Kỳ Sơn's Q2 total (2 cases, 5 victims, 3 suspects) is exactly its case rows A1 and A2,
    # so it adds nothing on top of them
    q2 = ks.loc["2023-Q2"]
    assert not q2["exact_grain"] and q2["n_rows"] == 1 and q2["cases"] == 0 and q2["victims"] == 0
    assert q2["period_start"] == pd.Timestamp("2023-04-01") and q2["period_end"] == pd.Timestamp("2023-06-30")
    # the province-level H1 total has no district: it stays visible with an empty district code, and adds only
    # what the case rows and the Q2 total inside it do not count (5 cases - 3 case rows = 2)
    prov_only = df[df["district_code5"].isna() & (df["prov_code_pre2025"] == "40")]
    assert list(prov_only["period"]) == ["2023-H1"] and prov_only["cases"].iloc[0] == 2


def test_aggregate_by_province_half_and_year(loaded):
    half = store.aggregate_cases("province", "half", engine=loaded).set_index(["prov_code_pre2025", "period"])
    na = half.loc[("40", "2023-H1")]
    # one count per victim: the real rows of Nghệ An's first half are the province's own H1 total (5 cases,
    # 6 suspects; its Q2 total of Kỳ Sơn and its 3 case rows lie inside it), plus the demo case D1 (demo rows
    # never meet real rows)
    assert na["cases"] == 5 + 1 and na["n_rows"] == 6 and na["suspects_arrested"] == 6
    year = store.aggregate_cases("national", "year", engine=loaded).set_index("period")
    assert year.loc["2023", "cases"] == 6 and year.loc["2024", "cases"] == 1
    real = store.aggregate_cases("national", "year", filters={"demo": "exclude"}, engine=loaded).set_index("period")
    assert real.loc["2023", "cases"] == 5 and not real["is_demo"].any()
    by_form = store.aggregate_cases("province_2025", "all", extra_by=["form"], engine=loaded)
    assert set(by_form["form"].dropna()) == {"fetus_infant", "sexual", "forced_marriage"}


def test_cases_frame_filters(loaded):
    assert len(store.cases_frame(engine=loaded)) == 7
    assert len(store.cases_frame({"provinces": ["40"]}, engine=loaded)) == 6
    assert len(store.cases_frame({"provinces_2025": "15"}, engine=loaded)) == 1  # old Lào Cai -> new Lào Cai
    assert len(store.cases_frame({"districts": ["40417"]}, engine=loaded)) == 4
    # periods are kept only when they lie inside the range: the half-year total is not in May
    may = store.cases_frame({"start": date(2023, 5, 1), "end": date(2023, 5, 31)}, engine=loaded)
    assert sorted(may["case_id"].dropna()) == ["A1", "A2", "D1"]
    assert list(store.cases_frame({"demo": "only"}, engine=loaded)["case_id"]) == ["D1"]
    assert "D1" not in set(store.cases_frame(store.CaseFilter(demo="exclude"), engine=loaded)["case_id"])
    assert len(store.cases_frame({"record_types": ["aggregate"]}, engine=loaded)) == 2
    with pytest.raises(ValueError):
        store.cases_frame({"demo": "maybe"}, engine=loaded)


def test_aggregation_uses_sql_portable_constructs(loaded):
    # every aggregation grain compiles for PostgreSQL too (no SQLite-only functions in the app path)
    from sqlalchemy import case as sa_case
    from sqlalchemy import func

    c = S.cases.c
    stmt = select(c.district_code5, c.p_year, c.p_month, sa_case((c.p_month.is_(None), c.period_start), else_=None),
                  func.sum(c.victims)).group_by(c.district_code5, c.p_year, c.p_month)
    assert "GROUP BY" in str(stmt.compile(dialect=postgresql.dialect()))


def test_data_status_counts_rows_not_victims(loaded):
    status = store.data_status(loaded)
    assert status["tables"]["cases"] == {"rows": 7, "demo_rows": 1, "real_rows": 6}
    assert status["has_demo"] and status["has_real"] and store.has_demo(loaded)


def test_export_csv_escapes_formulas_and_labels_demo():
    df = pd.DataFrame({"note": ["=cmd|' /C calc'!A0", "+1", "ok", "@x", "\tx", "-3"], "n": [1, -2, 3, 4, 5, 6],
                       "is_demo": [True, False, False, False, False, False]})
    text = store.export_csv_bytes(df).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("# " + S.DEMO_LABEL)
    body = pd.read_csv(io.StringIO(text), comment="#", dtype=str)
    assert list(body["note"]) == ["'=cmd|' /C calc'!A0", "'+1", "ok", "'@x", "'\tx", "'-3"]
    assert list(body["n"]) == ["1", "-2", "3", "4", "5", "6"]  # numbers are data, not formulas
    plain = store.export_csv_bytes(df.assign(is_demo=False)).decode("utf-8-sig")
    assert not plain.startswith("#")
    assert store.escape_cell(None) is None and store.escape_cell(3.5) == 3.5


def test_targets_frame_keeps_published_separate(engine):
    tg = store.targets_frame(engine=engine)
    pub = tg[tg["is_published"]]
    assert set(pub["figure_id"]) >= {"SEED-T01", "SEED-T05", "NA-F11"}
    t01 = pub.set_index("target_id").loc["SEED-T01"]
    assert (t01["year"], t01["province_code"], t01["indicator"], t01["value"], t01["comparator"]) == \
        (2021, "40", "key_area_model_coverage", 30.0, "at_least")
    assert "baonghean" in t01["source"].lower() and not pub["is_demo"].any()
    assert store.targets_frame(include_published=False, engine=engine).empty


# --------------------------------------------------------------------------------------------------
# Reference layers
# --------------------------------------------------------------------------------------------------
def test_reference_gates_keep_source_quality_and_caveats():
    gates = facts.gates()
    assert gates.crs.to_string() == "EPSG:4326" and gates["source"].notna().all()
    assert set(gates["coord_type"]) <= {"exact", "commune centroid", "district centroid", "province centroid", "none"}
    nam_can = gates.set_index("gate_id").loc["NA-G01"]
    assert nam_can["qa_alt_used"] and abs(nam_can["lat"] - 19.4553) < 1e-6 and "mis-geocoded" in nam_can["caveat_en"]
    centroid = gates[gates["coord_type"] == "commune centroid"]
    assert centroid["approximate"].all() and centroid["caveat_en"].str.contains("not the real gate location").all()
    assert gates.loc[gates["coord_type"] == "none", "geometry"].isna().all()


def test_centroid_points_are_drawn_differently_from_exact_points():
    exact, commune, district = (facts.coord_style(t) for t in ("exact", "commune centroid", "district centroid"))
    assert exact["fill"] and not commune["fill"] and commune["dash"] and district["dash"] != commune["dash"]
    assert exact["legend_en"] != commune["legend_en"]
    assert facts.coord_style("none")["radius"] == 0


def test_routes_trafficking_vs_smuggling():
    routes = facts.routes().set_index("route_id")
    assert routes.loc["NA-T07", "nature"] == "smuggling" and "not all of it is trafficking" in routes.loc["NA-T07", "caveat_en"]
    assert routes.loc["HP-T03", "nature"] == "smuggling"
    assert routes.loc["NA-T01", "nature"] == "trafficking" and routes.loc["NA-R01", "nature"] == "transport"
    assert routes.loc["LC-T01", "alt_exits"] and "ALT exit" in routes.loc["LC-T01", "alt_exits"]
    assert routes.loc["NA-R01", "geometry"].geom_type == "LineString" and routes.loc["NA-R01", "n_drawn"] >= 2
    waypoints = facts.route_waypoints()
    assert (waypoints.groupby("route_id")["seq"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_hotspots_and_figures_keep_sources():
    hs = facts.hotspots()
    assert hs["source"].notna().all() and len(hs) == 35
    missing = hs[hs["category"].str.contains("missing", case=False)]
    assert missing["caveat_en"].str.contains("not confirmed").all()
    fig = facts.figures()
    assert fig["source"].notna().all() and fig["is_published"].all() and not fig["is_demo"].any()
    totals = facts.published_totals().set_index(["group", "metric"])
    assert totals.loc[("NA-2023-H1", "n_cases"), "value"] == 5
    assert totals.loc[("NA-2023-H1", "suspects_arrested"), "value"] == 6
    assert totals.loc[("NA-2023-H1", "victims_rescued"), "value"] == 4


def test_rollup_gives_the_same_numbers_as_the_case_rows(loaded, reg):
    from geo.data import demo
    demo.load_demo(engine=loaded, reg=reg)
    cols = ["period", "n_rows", "cases", "victims", "victims_children", "victims_rescued", "suspects_arrested",
            "demo_rows"]
    for by in ("national", "province_2025", "province", "district"):
        for grain in ("month", "quarter", "half", "year", "all"):
            for flt in ({}, {"demo": "exclude"}, {"start": date(2023, 1, 1), "end": date(2023, 6, 30)}):
                fast = store.aggregate_cases(by, grain, filters=flt, engine=loaded)
                slow = store.aggregate_cases(by, grain, filters=flt, engine=loaded, source="cases")
                assert fast["n_rows"].sum() == len(store.cases_frame(flt, engine=loaded))
                keys = list(store.GROUPINGS[by])
                a = fast[keys + cols].sort_values(keys + ["period"], na_position="first").reset_index(drop=True)
                b = slow[keys + cols].sort_values(keys + ["period"], na_position="first").reset_index(drop=True)
                pd.testing.assert_frame_equal(a, b, check_dtype=False)
    # an undo removes the import's rollup rows too
    imp = importer.list_imports(engine=loaded)
    first = int(imp[imp["file_name"] == "cases.csv"]["id"].iloc[0])
    importer.undo_import(first, engine=loaded)
    after = store.aggregate_cases("national", "all", filters={"demo": "exclude"}, engine=loaded)
    assert after.empty and len(store.cases_frame({"demo": "exclude"}, engine=loaded)) == 0
    with loaded.connect() as conn:
        assert conn.execute(select(S.case_rollup.c.id).where(S.case_rollup.c.import_id == first)).first() is None


def test_slow_path_matches_fast_path_with_form_filter(loaded):
    all_forms = [c.code for c in S.FORMS.choices]
    fast = store.aggregate_cases("district", "month", engine=loaded)
    slow = store.aggregate_cases("district", "month", filters={"forms": all_forms}, engine=loaded)
    # rows without a form (the aggregates) are not in a form filter; the others agree group by group
    formed = store.cases_frame({"forms": all_forms}, engine=loaded)
    assert slow["n_rows"].sum() == len(formed) < fast["n_rows"].sum()


def test_migration_from_version_1_fills_the_rollup(tmp_path, reg):
    from sqlalchemy import create_engine, func

    from tests.db_support import temp_store_url

    with temp_store_url(tmp_path, "old") as url:  # a SQLite file, or a PostgreSQL database (TDN_TEST_PG_URL)
        old = create_engine(url)
        with old.begin() as conn:
            S.schema_migrations.create(conn)
            store._m001_initial(conn)
            conn.execute(S.schema_migrations.insert().values(version=1, name="initial", applied_at=pd.Timestamp.now().to_pydatetime()))
        assert not inspect(old).has_table("case_rollup")
        old.dispose()
        # a version-1 store with data: import through a v1-shaped write (rows only), then upgrade
        engine = store._make_engine(url)
        with engine.begin() as conn:
            imp = conn.execute(S.imports.insert().values(kind="cases", file_name="old.csv", checksum="x", n_rows=1,
                                                         imported_at=pd.Timestamp.now().to_pydatetime(), status="active",
                                                         is_demo=False)).inserted_primary_key[0]
            conn.execute(S.cases.insert().values(import_id=imp, case_id="O-1", record_type="case", row_key="case:O-1",
                                                 period_label="2023-05-14", period_start=date(2023, 5, 14),
                                                 period_end=date(2023, 5, 14), p_year=2023, p_half=1, p_quarter=2,
                                                 p_month=5, place_era="pre2025", place_level="province",
                                                 province_code="40", prov_code_pre2025="40", prov_code_2025="40",
                                                 n_cases=1, victims=3, is_demo=False))
        assert store.schema_version(engine) == 1
        assert store.migrate(engine) == S.SCHEMA_VERSION
        with engine.connect() as conn:
            assert conn.execute(select(func.sum(S.case_rollup.c.victims))).scalar() == 3
        agg = store.aggregate_cases("province", "month", engine=engine)
        assert agg["victims"].tolist() == [3] and agg["period"].tolist() == ["2023-05"]
        engine.dispose()


def test_schema_doc_lists_every_column_and_error_code():
    from geo import config
    doc = (config.PROJECT_ROOT / "data" / "SCHEMA.md").read_text(encoding="utf-8")
    for kind in S.IMPORT_KINDS.values():
        for col in kind.columns:
            assert f"| {col.vi} | {col.en} |" in doc, (kind.key, col.key)
    error_codes = {k for k in importer.MESSAGES if k not in ("place", "unknown_column", "already_imported",
                                                             "store_conflict", "bad_kind", "unknown_kind",
                                                             "bad_extension")}
    missing = [code for code in error_codes if f"`{code}`" not in doc]
    assert not missing, missing


def test_with_labels(loaded):
    df = store.with_labels(store.cases_frame(engine=loaded), "en")
    assert set(df["form_label"].dropna()) == {"Sale of fetuses or newborns", "Sexual exploitation", "Forced marriage"}
    assert set(df["record_type_label"]) == {"Case", "Aggregate"}
    assert "DEMO DATA" in S.DEMO_NOTICE["en"] and S.DEMO_LABEL_VI in S.DEMO_NOTICE["vi"]
