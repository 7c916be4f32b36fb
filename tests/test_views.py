"""One view model behind every page, export and download (real boundaries, demo data in a temporary store).

- the page (Streamlit's AppTest on the real app), the briefing export (``python -m geo briefing``'s own
  road: ``build_briefing`` from the URL) and the CSV/XLSX downloads show the same figures cell for cell,
  with the same cells protected, on a national, province, border, district, prevention and hotspot view;
- an import and its undo change the next model, export and page of the affected view without a restart
  (the caches are keyed on the store's data version);
- no table download of any page holds a count 1–4 or a cell a spreadsheet would run as a formula;
- one period parser serves the pages, the exports and the importer.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from geo import periods
from geo.data import importer, store
from geo.render import downloads
from geo.render.briefing import build_briefing, render_briefing
from geo.views.model import build_view
from geo.views.spec import ViewSpec, parse_view, spec_from_filters
from geo.views.filters import Filters
from tests.apptest_support import APP, RISKY, demo_store_at
from tests.apptest_support import run_page as run_app_page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

SMALL = re.compile(r"^\s*[1-4]\s*$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: (app page file, URL query) of the views checked on all three roads
VIEWS = [
    ("pages/tong_quan.py", {"period": "2024"}),
    ("pages/tong_quan.py", {"prov": "40", "period": "2024-H1"}),
    ("pages/bien_gioi.py", {"border": "laos", "prov": "40", "period": "2024-H1"}),
    ("pages/huyen.py", {"dist": "40417", "period": "2023"}),
    ("pages/tong_quan.py", {"layer": "gi", "prov": "10", "period": "2024"}),
]
PATHS = {"pages/tong_quan.py": "tong-quan", "pages/bien_gioi.py": "bien-gioi", "pages/huyen.py": "huyen",
         "pages/phong_ngua.py": "phong-ngua", "pages/diem_nong.py": "diem-nong"}


@pytest.fixture(scope="module", autouse=True)
def demo_store(tmp_path_factory):
    """A temporary store holding the demo data; one Kỳ Sơn case gets a formula-like source."""
    with demo_store_at(tmp_path_factory.mktemp("views")) as engine:
        yield engine


def run_page(page: str, query: dict) -> AppTest:
    return run_app_page(page, query, timeout=120)


def csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text)) if row and not row[0].startswith("#")]


def test_one_period_parser_for_pages_exports_and_importer():
    assert periods.parse_period("2024-H1").bounds == (date(2024, 1, 1), date(2024, 6, 30))
    assert periods.parse_period("6 tháng đầu năm 2024").code == "2024-H1"
    assert periods.parse_period("Quý II/2024").code == "2024-Q2"
    assert periods.parse_period("2024-01-01..2024-03-31").code == "2024-Q1"
    assert periods.parse_period("2024-01-05/2024-03-15").code == "2024-01-05_2024-03-15"
    # the page filter, the export and the importer all read the same forms the same way
    assert Filters(period="2024-Q2").dates() == parse_view("period=2024-Q2").period.bounds
    assert importer.parse_period("Q2 2024") == periods.parse_period("2024-Q2").bounds
    with pytest.raises(ValueError):
        Filters(period="2024-H3").dates()


def test_a_page_s_widgets_and_its_url_give_the_same_spec():
    f = Filters(province="40", period="2024-H1", metric="victims_per100k", border="laos")
    from_widgets = spec_from_filters("bien-gioi", f, "en")
    from_url = parse_view({"page": "bien-gioi", "prov": "40", "period": "2024-H1", "metric": "victims_per100k",
                           "border": "laos", "lang": "en"})
    assert from_widgets == from_url
    assert isinstance(from_url, ViewSpec) and hash(from_url) == hash(from_widgets)
    assert from_url.page == "border" and from_url.rate and from_url.page_path == "bien-gioi"


@pytest.mark.parametrize("page,query", VIEWS, ids=lambda v: v if isinstance(v, str) else "&".join(
    f"{k}={x}" for k, x in v.items()))
def test_page_export_and_download_show_the_same_cells(page, query):
    params = {"page": PATHS[page], **query}
    model = build_view(parse_view(params))
    export = build_briefing(params)  # the command line's own road
    at = run_page(page, query)

    # key figures: page cards == export tiles (the same protected texts)
    shown = [(m.label, m.value) for m in at.metric]
    assert shown == [tuple(k) for k in export.kpis] == [tuple(k) for k in model.kpis]

    # the main table: page grid == export table == CSV download == XLSX download
    main = model.all_tables()[0]
    expected = [[str(c) for c in main.frame.columns]] + main.frame.astype(str).values.tolist()
    assert [[str(c) for c in export.table.columns]] + export.table.astype(str).values.tolist() == expected
    grids = [d.value for d in at.dataframe]
    assert any([[str(c) for c in g.columns]] + g.astype(str).values.tolist() == expected for g in grids), \
        "the page does not show the view model's table"
    assert csv_rows(downloads.table_csv(model, main)) == expected
    sheet = load_workbook(io.BytesIO(downloads.table_xlsx(model, main))).active
    rows = [[("" if c is None else str(c)) for c in r] for r in sheet.iter_rows(values_only=True)]
    assert expected[0] in rows
    start = rows.index(expected[0])
    assert rows[start:start + len(expected)] == expected

    # protected cells are protected on all three roads
    if main.status is not None:
        protected = main.status.isin(["small", "hidden"])
        if protected.to_numpy().any():
            assert any("<5" in row or "x" in row for row in expected[1:])
    if main.status is not None:  # counts of cases and victims (the prevention page counts communes)
        counts = [expected[0].index(c) for c in main.status.columns]
        for row in expected[1:]:
            for i in counts:
                assert not SMALL.match(row[i]), f"exact small count {row[i]!r} in {row}"


def test_an_import_and_its_undo_change_the_next_view_export_and_page(tmp_path, demo_store):
    params = {"page": "tong-quan", "prov": "40", "period": "2024-H1", "metric": "cases"}
    before = build_view(parse_view(params))
    png_before = render_briefing(before).png()
    page_before = dict((m.label, m.value) for m in run_page("pages/tong_quan.py", {k: v for k, v in params.items()
                                                                                     if k != "page"}).metric)
    path = tmp_path / "more_cases.csv"
    path.write_text("Case ID,Record type,Date,Place era,Province,District,Form of exploitation,Cases,Victims,"
                    "Reporting agency,Source\n"
                    + "".join(f"TV-{i},case,2024-03-{i + 1:02d},pre2025,Nghệ An,Kỳ Sơn,sexual,1,2,police,test import\n"
                              for i in range(30)), encoding="utf-8")
    report = importer.import_file(path)
    assert report.ok, report.errors
    after = build_view(parse_view(params))
    assert after.data_version != before.data_version
    assert dict(after.kpis)["Số vụ việc"] != dict(before.kpis)["Số vụ việc"]
    assert render_briefing(after).png() != png_before
    # the running app's cache is keyed on the data version: the next run of the page shows the import
    page_after = dict((m.label, m.value) for m in run_page("pages/tong_quan.py", {k: v for k, v in params.items()
                                                                                    if k != "page"}).metric)
    assert page_after["Số vụ việc"] == dict(after.kpis)["Số vụ việc"] != page_before["Số vụ việc"]
    importer.undo_import(report.import_id)
    undone = build_view(parse_view(params))
    assert undone.data_version not in (before.data_version, after.data_version)
    assert undone.kpis == before.kpis


@pytest.mark.parametrize("page,query", [
    ("pages/tong_quan.py", {"prov": "40", "period": "2024"}),
    ("pages/bien_gioi.py", {"border": "china", "period": "2024"}),
    ("pages/diem_nong.py", {"period": "2024"}),
    ("pages/huyen.py", {"dist": "40417"}),
    ("pages/ban_do.py", {"prov": "10"}),
])
def test_table_downloads_hold_no_small_count_and_no_live_formula(page, query):
    params = {"page": PATHS.get(page, "ban-do"), **query}
    if page == "pages/diem_nong.py":
        params.setdefault("layer", "gi")
    model = build_view(parse_view(params))
    at = run_page(page, query)
    labels = [b.label for b in at.get("download_button")]
    assert any("CSV" in label for label in labels), labels
    assert any(table.sensitive for table in model.all_tables()) or page == "pages/ban_do.py"
    for table in model.all_tables():
        for data in (downloads.table_csv(model, table),):
            for row in csv_rows(data):
                for cell in row:
                    assert not cell.startswith(FORMULA_START), cell
            rows = csv_rows(data)
            counts = [rows[0].index(c) for c in (table.status.columns if table.status is not None else [])]
            for row in rows[1:]:
                for i in counts:  # the count columns of the table (its suppression status says which)
                    assert not SMALL.match(row[i]), (table.key, row)
        sheet = load_workbook(io.BytesIO(downloads.table_xlsx(model, table))).active
        for row in sheet.iter_rows(values_only=True):
            for cell in row:
                assert cell is None or not str(cell).startswith(FORMULA_START), cell


def test_formula_like_text_is_escaped_in_downloads():
    from geo.views.model import Table
    import pandas as pd

    model = build_view(parse_view("page=tong-quan&prov=40&period=2024"))
    table = Table("test", "=1+1", pd.DataFrame({"Nguồn": [RISKY, "-3", "@SUM(A1)", "ok"]}))
    rows = csv_rows(downloads.table_csv(model, table))
    assert rows[1:] == [["'" + RISKY], ["'-3"], ["'@SUM(A1)"], ["ok"]]
    sheet = load_workbook(io.BytesIO(downloads.table_xlsx(model, table))).active
    cells = [c for r in sheet.iter_rows(values_only=True) for c in r if c]
    assert "'" + RISKY in cells and RISKY not in cells and "=1+1" not in cells


def test_an_import_in_another_process_makes_cached_views_stale(tmp_path, demo_store):
    """The data version comes from the store, so a command-line import (another process) changes it."""
    import os
    import subprocess
    import sys

    before = store.data_version()
    path = tmp_path / "cli_cases.csv"
    path.write_text("Case ID,Record type,Date,Place era,Province,District,Form of exploitation,Cases,Victims,"
                    "Reporting agency,Source\nCLI-1,case,2024-02-01,pre2025,Lào Cai,Si Ma Cai,labour,1,1,police,cli\n",
                    encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "geo", "import", str(path)], capture_output=True, text=True,
                          env=dict(os.environ), cwd=str(__import__("pathlib").Path(APP).parent), timeout=300)
    assert done.returncode == 0, done.stderr
    assert store.data_version() != before
    undo = store.data_version()
    import_id = max(int(r) for r in store.table_frame("cases", engine=demo_store).get("import_id", [0]))
    importer.undo_import(import_id)
    assert store.data_version() not in (before, undo)


def test_the_app_never_offers_the_grids_own_export_and_compresses_its_websocket():
    import tomllib

    config = tomllib.loads((__import__("pathlib").Path(APP).parent / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True  # tables download through geo.render.downloads
    assert config["server"]["enableWebsocketCompression"] is True
