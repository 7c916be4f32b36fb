"""Demo data: labelled, reproducible, idempotent, and adding up exactly to the published totals."""
from __future__ import annotations

import pandas as pd
from datetime import date

import pytest

from geo import config

from geo.data import demo, facts, importer
from geo.data import schema as S
from geo.data import store
FOLDER = config.PROJECT_ROOT / "data" / "demo"


@pytest.fixture()
def demo_engine(demo_engine):
    """conftest's store with the demo data (a copy of what ``load_demo`` loaded into a new store, once per test
    process), with the counts ``load_demo`` reported then."""
    from tests.db_support import demo_counts

    counts = demo_counts()
    assert counts["cases"] > 300
    return demo_engine


@pytest.fixture()
def engine(demo_engine):
    """The store the tests here work on (``snapshot`` reads it)."""
    return demo_engine


def _published_sum(df: pd.DataFrame, t) -> int:
    sub = df[(df["period_start"] >= t["period_start"]) & (df["period_end"] <= t["period_end"])]
    if t["scope"] == "province":
        sub = sub[sub["prov_code_pre2025"] == t["province_code"]]
    if t["metric"] == "child_cases":
        return int((sub["victims_children"].fillna(0) > 0).sum())
    return int(sub[t["metric"]].sum())


def test_demo_totals_equal_published_totals(demo_engine):
    df = store.cases_frame(engine=demo_engine)
    totals = facts.published_totals()
    assert set(totals["group"]) == {"NA-2023-H1", "YB-2024-H1", "VN-2024-H1", "VN-2023-H1"}
    for _, t in totals.iterrows():
        assert _published_sum(df, t) == t["value"], (t["figure_id"], t["metric"])
    # the worked example of the issue: Nghệ An H1 2023 = 5 cases, 6 suspects, 4 victims rescued
    agg = store.aggregate_cases("province", "half", filters={"provinces": ["40"]}, engine=demo_engine)
    h1 = agg.set_index("period").loc["2023-H1"]
    assert (h1["cases"], h1["suspects_arrested"], h1["victims_rescued"]) == (5, 6, 4) and h1["all_demo"]
    # and the district rows of that province-period add up to it
    by_district = store.aggregate_cases("district", "half", filters={"provinces": ["40"]}, engine=demo_engine)
    d = by_district[by_district["period"] == "2023-H1"]
    assert d["district_code5"].notna().all() and d["cases"].sum() == 5 and d["suspects_arrested"].sum() == 6


def test_every_demo_row_and_file_is_marked(demo_engine):
    status = store.data_status(demo_engine)
    for kind, t in status["tables"].items():
        assert t["real_rows"] == 0, kind
    assert status["has_demo"]
    log = importer.list_imports(engine=demo_engine)
    assert log["is_demo"].all() and set(log["origin"]) == {"demo"}
    cases = store.cases_frame(engine=demo_engine)
    assert cases["case_id"].str.startswith("DEMO-").all()
    for kind, name in demo.FILES.items():
        path = FOLDER / name
        assert name.startswith("demo_")
        text = path.read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("# " + S.DEMO_LABEL)
        df = pd.read_csv(path, comment="#", dtype=str, encoding="utf-8-sig")
        assert (df["Dữ liệu minh họa"] == "1").all(), kind
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert "DỮ LIỆU MINH HỌA" in readme and "DEMO DATA" in readme
    assert sum((FOLDER / n).stat().st_size for n in demo.FILES.values()) < 800 * 1024


def test_generator_is_reproducible_and_matches_committed_files(reg):
    first = demo.generate(demo.SEED, reg=reg)
    second = demo.generate(demo.SEED, reg=reg)
    for kind in demo.FILES:
        pd.testing.assert_frame_equal(first[kind], second[kind])
        assert demo.to_csv_bytes(kind, first[kind]) == (FOLDER / demo.FILES[kind]).read_bytes(), \
            f"data/demo/{demo.FILES[kind]} is stale: run python -m geo demo --regenerate"
    other = demo.generate(demo.SEED + 1, reg=reg)
    assert not first["cases"].equals(other["cases"])


def test_demo_is_denser_in_focus_provinces_and_spans_the_country(demo_engine):
    df = store.cases_frame(engine=demo_engine)
    per_province = df.groupby("prov_code_pre2025")["n_cases"].sum()
    median = per_province.median()
    for code in ("40", "10", "15", "31", "30"):
        assert per_province[code] > median, code
    assert df["prov_code_2025"].nunique() >= 30
    years = pd.to_datetime(df["period_start"]).dt.year
    through = demo.through_month()
    assert set(years) == set(range(2021, through.year + 1))
    # after 1 July 2025 the places are 2025 units; before, pre-2025 units
    post = df[df["period_start"] >= pd.Timestamp(S.ERA_CHANGE)]
    assert len(post) and (post["place_era"] == "2025").all()
    assert (df.loc[df["period_end"] < pd.Timestamp(S.ERA_CHANGE), "place_era"] == "pre2025").all()
    assert (df["record_type"] == "aggregate").any()


def test_published_targets_are_never_shadowed_by_demo_ones(demo_engine):
    tg = store.targets_frame(engine=demo_engine)
    coverage = tg[tg["indicator"] == "key_area_model_coverage"]
    na2021 = coverage[(coverage["province_code"] == "40") & (coverage["year"] == 2021)]
    assert len(na2021) == 1 and na2021["is_published"].all() and not na2021["is_demo"].any()
    demo_rows = tg[tg["is_demo"]]
    assert len(demo_rows) and not demo_rows["is_published"].any()
    assert demo_rows["source"].str.contains(S.DEMO_LABEL, regex=False).all()
    cov = store.coverage_frame(engine=demo_engine).set_index(["province_code", "year"])
    row = cov.loc[("40", 2021)]
    assert row["target_is_published"] and row["is_demo"] and row["key_communes"] > 0


def test_main_demo_is_idempotent_and_keeps_user_rows(demo_engine, reg, snapshot):
    user = "Mã vụ việc,Ngày,Tỉnh/Thành phố,Số nạn nhân\nU-1,14/05/2023,Nghệ An,2\n"
    report = importer.import_file(user.encode(), "user.csv", engine=demo_engine, reg=reg)
    assert report.status == "imported"
    before = store.data_status(demo_engine)
    assert demo.main_demo([]) == 0  # uses TDN_DATABASE_URL = the same temporary store
    after = store.data_status(demo_engine)
    assert after == before
    cases = store.cases_frame(engine=demo_engine)
    assert list(cases.loc[~cases["is_demo"], "case_id"]) == ["U-1"]
    log = importer.list_imports(engine=demo_engine)
    assert (log["origin"] == "demo").sum() == len(demo.demo_files())
    assert demo.main_demo(["--remove"]) == 0
    left = store.data_status(demo_engine)["tables"]
    assert left["cases"] == {"rows": 1, "demo_rows": 0, "real_rows": 1} and left["key_areas"]["rows"] == 0


def test_broken_demo_files_leave_the_store_unchanged(demo_engine, reg, snapshot, tmp_path):
    for kind, name in demo.FILES.items():
        (tmp_path / name).write_bytes((FOLDER / name).read_bytes())
    broken = (tmp_path / demo.FILES["cases"]).read_text(encoding="utf-8-sig").replace("Tỉnh Nghệ An", "Tỉnh Nghe Ann", 1)
    (tmp_path / demo.FILES["cases"]).write_text(broken, encoding="utf-8")
    before = snapshot()
    with pytest.raises(demo.DemoError):
        demo.load_demo(engine=demo_engine, folder=tmp_path, reg=reg)
    assert snapshot() == before


def test_demo_export_says_demo(demo_engine):
    agg = store.aggregate_cases("province", "year", engine=demo_engine)
    data = store.export_csv_bytes(agg).decode("utf-8-sig")
    assert data.startswith("# " + S.DEMO_LABEL)


def test_no_demo_case_where_no_civilian_population_lives(demo_engine):
    """Hoàng Sa, Trường Sa, Cồn Cỏ, Bạch Long Vĩ (under 1,000 people in 2009) get no demo case, and no unit
    under 1,000 people gets a rate per 100,000 (one case would read as hundreds)."""
    from geo.admin.population import population
    from geo.views.units import _rate

    pop = population("districts_pre2025")
    unpeopled = set(pop.index[~(pop >= 1000)])
    assert {"48498", "56576"} <= unpeopled  # Hoàng Sa (Đà Nẵng), Trường Sa (Khánh Hòa)
    df = store.cases_frame(engine=demo_engine)
    assert not df["district_code5"].isin(unpeopled).any()
    assert _rate(3, 195) is None and _rate(3, 100_000) == 3.0


def test_demo_reaches_the_current_month_and_earlier_months_never_change(demo_engine, reg):
    """Every month from January 2021 up to the current one has demo cases (no default view is empty), and
    generating one more month leaves the rows of the earlier months as they were."""
    df = store.cases_frame(engine=demo_engine)
    single = df[df["record_type"] == "case"]
    months = set(pd.to_datetime(single["period_start"]).dt.to_period("M").astype(str))
    through = demo.through_month()
    for p in pd.period_range("2021-01", f"{through.year}-{through.month:02d}", freq="M"):
        if str(p) == f"{through.year}-{through.month:02d}" and date.today().day < 5:
            continue  # the first days of a month may not have drawn a case yet
        assert str(p) in months, f"no demo case in {p}"
    late = single[pd.to_datetime(single["period_start"]) >= pd.Timestamp(demo.FIRST_RECENT)]
    assert len(late) and (late["place_era"] == "2025").all() and late["is_demo"].all()
    assert pd.to_datetime(late["period_start"]).max().date() <= date.today()
    shorter = demo.generate_recent(date(2026, 3, 1), reg=reg, today=date(2026, 11, 30))
    longer = demo.generate_recent(date(2026, 6, 1), reg=reg, today=date(2026, 11, 30))
    head = longer["cases"][longer["cases"]["case_id"] < "DEMO-202604"].reset_index(drop=True)
    pd.testing.assert_frame_equal(shorter["cases"], head)
    assert set(longer["key_areas"]["year"]) == {2026} and (longer["key_areas"]["place_era"] == "2025").all()
    # the key-area list and the targets of the current year exist (the Prevention page's default year)
    ka = store.key_areas_frame(engine=demo_engine)
    assert through.year in set(ka["year"].astype(int))
    tg = store.targets_frame(engine=demo_engine)
    assert through.year in set(tg["year"].astype(int))


def test_recent_demo_files_are_labelled_and_git_ignored():
    for _, path in demo.demo_files():
        text = path.read_text(encoding="utf-8-sig")
        assert text.splitlines()[0].startswith("# " + S.DEMO_LABEL), path
    ignored = (config.PROJECT_ROOT / ".gitignore").read_text()
    assert "data/demo/recent/" in ignored


def test_if_stale_loads_only_when_a_new_month_began(demo_engine, monkeypatch, tmp_path):
    for name in demo.FILES.values():  # a copy of the folder: other tests (other workers) read data/demo/recent
        (tmp_path / name).write_bytes((FOLDER / name).read_bytes())
    assert not demo.demo_is_stale(engine=demo_engine, folder=tmp_path)  # just loaded: up to date
    monkeypatch.setenv("TDN_DEMO_THROUGH", "2027-02")  # a later month has begun
    assert demo.demo_is_stale(engine=demo_engine, folder=tmp_path)
    monkeypatch.delenv("TDN_DEMO_THROUGH")
    demo.remove_demo(engine=demo_engine)
    assert not demo.demo_is_stale(engine=demo_engine, folder=tmp_path)  # removed by the office: stays removed
