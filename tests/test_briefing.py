"""Briefing exports: PNG 1920×1080 and one A4 PDF page per map page, small counts protected.

Exports are made for Nghệ An and for the Laos border, for every map page (administrative, choropleth,
border, prevention coverage, district; the hotspot layers further down), from a temporary store holding the
demo data; one store holds only "real" (non-demo) rows.
Samples are written to artifacts/briefing-tests/ for looking at.
"""
from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest
from PIL import Image
from pypdf import PdfReader

from geo.render import briefing as B
from geo import config
from geo.data import schema as S
from geo.render import static_maps as SM
from geo.data import store
from geo.stats import cellkey
TODAY = date(2026, 11, 23)
ARTIFACTS = config.PROJECT_ROOT / "artifacts" / "briefing-tests"
CREDITS = ("Open Development Mekong", "CC BY-SA 4.0", "Natural Earth")
#: a small integer standing alone (not part of 1–4, 4.0, 1.0.4, Q1, 2024-H1, 23/11/2026, "(7)")
SMALL_NUMBER = re.compile(r"(?<![\w.,/–\-(<])([1-4])(?![\w.,/–\-)])")

VIEWS = {
    "nghe-an-admin": "page=admin&prov=40&period=2024-H1",
    "nghe-an-choropleth": "page=choropleth&prov=40&period=2024-H1&metric=victims",
    "nghe-an-border": "page=border&border=laos&prov=40&period=2024-H1",
    "laos-border": "page=border&border=laos&period=2024-H1",
    "laos-border-cases-en": "page=choropleth&border=laos&period=2024&metric=cases&lang=en",
    "national-admin": "page=admin&period=2024-H1",
    "nghe-an-prevention": "page=phong-ngua&prov=40&period=2024",
    "laos-border-prevention": "page=phong-ngua&border=laos&period=2023",
    "nghe-an-district": "page=huyen&prov=40&dist=40415&period=2021-01-01/2024-12-31",
    "laos-border-district-en": "page=huyen&dist=40417&period=2022&lang=en&metric=cases",
}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    from tests.db_support import demo_store_url
    folder = tmp_path_factory.mktemp("demo_store")
    with demo_store_url(folder, "demo") as url:  # a new store with the demo data loaded (a copy)
        mp = pytest.MonkeyPatch()
        mp.setenv("TDN_DATABASE_URL", url)
        mp.delenv("TDN_SUPPRESSION_THRESHOLD", raising=False)
        engine = store.get_engine(url)
        yield engine
        store.dispose_engines()
        mp.undo()


@pytest.fixture(scope="module")
def exports(demo_store):
    """Every view exported once: (briefing, png bytes, pdf bytes, pdf text, label texts drawn)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, query in VIEWS.items():
        briefing = B.build_briefing(query, engine=demo_store, today=TODAY)
        png = briefing.png()
        pdf = briefing.pdf()
        (ARTIFACTS / briefing.filename("png")).write_bytes(png)
        (ARTIFACTS / briefing.filename("pdf")).write_bytes(pdf)
        reader = PdfReader(io.BytesIO(pdf))
        text = "\n".join(page.extract_text() for page in reader.pages)
        labels = []
        for fig in briefing.figures.values():
            labels += list(getattr(fig.axes[0], "_tdn_label_texts", []))
        out[name] = (briefing, png, reader, text, labels)
    return out


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", list(VIEWS))
def test_png_is_exactly_1920_by_1080(exports, name):
    _, png, *_ = exports[name]
    image = Image.open(io.BytesIO(png))
    assert image.size == (1920, 1080)
    assert image.format == "PNG"


@pytest.mark.parametrize("name", list(VIEWS))
def test_pdf_is_one_a4_page_with_title_period_source_and_credits(exports, name):
    briefing, _, reader, text, _ = exports[name]
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - 595.3) < 2 and abs(float(box.height) - 841.9) < 2  # A4 portrait
    flat = _flat(text)
    title = briefing.spec.title or SM.default_title(briefing.spec)
    assert _flat(title) in flat
    assert briefing.request.period.words(briefing.request.lang) in flat
    assert ("Nguồn số liệu:" if briefing.request.lang == "vi" else "Data source:") in flat
    for credit in CREDITS:
        assert credit in flat, credit
    assert ("Lập ngày 23/11/2026" if briefing.request.lang == "vi" else "Made on 2026-11-23") in flat


def test_titles_and_periods_in_words_as_on_the_pages(exports):
    # "{metric} — {place}" with the pages' metric names and period words (geo.views.filters)
    assert "Nạn nhân — Tỉnh Nghệ An" in _flat(exports["nghe-an-choropleth"][3])
    assert "6 tháng đầu năm 2024" in _flat(exports["nghe-an-choropleth"][3])
    assert "Nạn nhân — Biên giới Việt – Lào, Tỉnh Nghệ An" in _flat(exports["nghe-an-border"][3])
    assert "Cases — Viet Nam – Laos border" in _flat(exports["laos-border-cases-en"][3])
    assert "Period: 2024" in _flat(exports["laos-border-cases-en"][3])
    assert "Bản đồ hành chính & biên giới — Tỉnh Nghệ An" in _flat(exports["nghe-an-admin"][3])


@pytest.mark.parametrize("name", list(VIEWS))
def test_no_count_below_the_threshold_in_any_export(exports, name):
    briefing, _, _, text, labels = exports[name]
    small = {"1", "2", "3", "4"}
    if briefing.request.page == "prevention":  # counts of communes only (no people): nothing to protect
        assert briefing.table_status is None
        assert not set(briefing.table.columns) & {B._metric_header(m, "vi") for m in B.METRICS}
        assert "không có số nạn nhân" in _flat(text)
        return
    # the table the PDF prints, and its suppression status against the exact values
    if briefing.table_status is not None:
        counts = briefing.table[list(briefing.table_status.columns)]
        assert not (counts.isin(small)).any().any(), counts
    # key figures and map labels
    assert not [v for _, v in briefing.kpis if v in small]
    assert not small & set((briefing.spec.value_labels or {}).values())
    assert not small & set(labels)
    # and nothing in the PDF text reads as a small number on its own
    scrubbed = text.replace("1–4", "")
    found = SMALL_NUMBER.findall(scrubbed)
    assert not found, [m.group(0) for m in SMALL_NUMBER.finditer(scrubbed)][:5]


def test_suppression_against_the_exact_values(demo_store):
    briefing = B.build_briefing(VIEWS["nghe-an-choropleth"], engine=demo_store, today=TODAY)
    # the exact district figures of the store
    exact = store.aggregate_cases("district", "all", filters={"provinces": ["40"], "start": date(2024, 1, 1),
                                                               "end": date(2024, 6, 30)}, engine=demo_store)
    by_unit = exact.groupby("district_code5")["victims"].sum()
    keys = exact.groupby("district_code5")["ck_victims"].sum()
    assert ((by_unit > 0) & (by_unit < 5)).any(), "the demo data should have small counts here"
    # cell-key method: each cell perturbed from its own records' keys, then "<5" for 1-4; never a true 1-4
    for code, value in by_unit.items():
        key = f"u:{code}"
        published = cellkey.perturb(value, keys[code])
        text = "<5" if 0 < published < 5 else str(published)
        if key in briefing.table.index:
            assert briefing.table.at[key, "Nạn nhân"] == text
        label = briefing.spec.value_labels.get(code)
        assert label == ("" if text == "0" else text)
        assert not re.fullmatch(r"[1-4]", label)
    total = int(exact["victims"].sum())
    shown_total = briefing.table.at["total", "Nạn nhân"]
    published = cellkey.perturb(total, float(exact["ck_victims"].sum()))
    assert shown_total == ("<5" if 0 < published < 5 else f"{published:,}".replace(",", "."))


def test_demo_watermark_on_demo_data(exports):
    for name, (briefing, _, _, text, _) in exports.items():
        assert briefing.spec.demo, name
        assert S.DEMO_LABEL in text, name


def test_no_watermark_without_demo_data(tmp_path, monkeypatch, reg):
    from geo.data import importer
    url = f"sqlite:///{tmp_path / 'real.sqlite'}"
    monkeypatch.setenv("TDN_DATABASE_URL", url)
    engine = store.get_engine(url)
    try:
        # an empty store: the administrative map still exports, without a watermark
        empty = B.build_briefing("page=admin&prov=40", engine=engine, today=TODAY)
        assert not empty.spec.demo
        text = PdfReader(io.BytesIO(empty.pdf())).pages[0].extract_text()
        assert S.DEMO_LABEL_VI not in text and S.DEMO_LABEL_EN not in text
        # real (non-demo) rows: Nghệ An cases of 2024 from the demo file, re-labelled as real
        demo_file = config.PROJECT_ROOT / "data" / "demo" / "demo_cases.csv"
        frame = pd.read_csv(demo_file, comment="#", dtype=str, encoding="utf-8-sig")
        frame = frame[(frame["Mã tỉnh"] == "40") & frame["Ngày"].fillna("").str.endswith("2024")].copy()
        assert len(frame) > 3
        frame["Mã vụ việc"] = frame["Mã vụ việc"].str.replace("DEMO-", "NA-", regex=False)
        frame["Dữ liệu minh họa"] = "0"
        report = importer.import_file(frame.to_csv(index=False).encode("utf-8"), "nghe_an_2024.csv", kind="cases",
                                      engine=engine, reg=reg)
        assert report.status == "imported", report.to_text("en") if hasattr(report, "to_text") else report
        real = B.build_briefing("page=choropleth&prov=40&period=2024", engine=engine, today=TODAY)
        assert not real.spec.demo and real.has_data
        pdf_text = PdfReader(io.BytesIO(real.pdf())).pages[0].extract_text()
        assert S.DEMO_LABEL_VI not in pdf_text and S.DEMO_LABEL_EN not in pdf_text
        assert "nghe_an_2024.csv" in _flat(pdf_text)  # the data source names the imported file
        png = Image.open(io.BytesIO(real.png()))
        assert png.size == (1920, 1080)
    finally:
        store.dispose_engines()


def test_file_name_rule():
    req = B.parse_params("page=border&border=laos&prov=40&period=2024-H1")
    assert B.briefing_filename(req, "png", TODAY) == "bien-gioi-lao_nghe-an_2024-H1_20261123.png"
    req = B.parse_params({"page": ["choropleth"], "metric": ["victims"], "period": ["2024-05"]})
    assert B.briefing_filename(req, "pdf", TODAY) == "nan-nhan_toan-quoc_2024-05_20261123.pdf"
    req = B.parse_params("page=admin&prov=79&era=2025&lang=en")
    assert B.briefing_filename(req, "png", TODAY) == "ban-do-hanh-chinh_ho-chi-minh-2025_tat-ca_20261123_en.png"
    req = B.parse_params("page=border&period=2024-01-01/2024-03-31")
    name = B.briefing_filename(req, "png", TODAY)
    assert name == "bien-gioi_toan-tuyen_2024-Q1_20261123.png"
    assert re.fullmatch(r"[a-z0-9_.\-A-Z]+", name)
    req = B.parse_params("page=border&period=2024-01-05/2024-03-15")
    assert B.briefing_filename(req, "png", TODAY) == "bien-gioi_toan-tuyen_2024-01-05_2024-03-15_20261123.png"


def test_periods():
    assert B.parse_period("2024-H1").words("vi") == "6 tháng đầu năm 2024"
    assert B.parse_period("2024-q2").words("vi") == "Quý 2/2024"
    assert B.parse_period("2024-05").words("en") == "May 2024"
    assert B.parse_period("2024-H2").words("en") == "Second half of 2024"
    assert B.parse_period("2024-01-01..2024-03-31").code == "2024-Q1"  # the pages' range syntax
    assert B.parse_period("2024").start == date(2024, 1, 1)
    assert B.parse_period("last-month", today=TODAY).code == "2026-10"
    assert B.parse_period("last-quarter", today=TODAY).code == "2026-Q3"
    assert B.parse_period("last-half", today=TODAY).code == "2026-H1"
    assert B.parse_period("last-year", today=TODAY).code == "2025"
    assert B.parse_period("").code == "all"
    for bad in ("2024-H3", "2024-13", "soon", "2024-03-01/2024-02-01"):
        with pytest.raises(B.BriefingError):
            B.parse_period(bad)


def test_the_pages_url_parameters(demo_store):
    # a link copied from the borders page: its path, prov, period, group and classes
    req = B.parse_params({"page": "bien-gioi", "border": "laos", "prov": "40", "period": "2024-H1",
                          "group": "children", "classes": "quantiles"})
    assert (req.page, req.border, req.province, req.metric, req.method) == ("border", "laos", "40",
                                                                          "victims_children", "quantiles")
    assert B.parse_params("page=tong-quan").page == "choropleth"
    assert B.parse_params("page=ban-do").page == "admin"
    assert B.parse_params("page=phong-ngua").page == "prevention"
    with pytest.raises(B.BriefingError, match="no map to export"):
        B.parse_params("page=du-lieu")
    # a rate: its units with small counts are hatched, not coloured, and say "<5"
    briefing = B.build_briefing("page=tong-quan&prov=40&period=2024&metric=victims_per100k", engine=demo_store,
                                today=TODAY)
    assert briefing.spec.metric_label == "Nạn nhân trên 100.000 dân"
    assert briefing.spec.protected
    for code in briefing.spec.protected:
        assert briefing.spec.value_labels[code] in ("<5", "x")
    assert B.briefing_filename(briefing.request, "png", TODAY) == "nan-nhan-ty-le_nghe-an_2024_20261123.png"


def test_bad_filters_are_clear():
    with pytest.raises(B.BriefingError, match="province"):
        B.parse_params("page=admin&prov=99")
    with pytest.raises(B.BriefingError, match="border"):
        B.parse_params("page=border&border=mars")
    with pytest.raises(B.BriefingError, match="metric"):
        B.parse_params("page=choropleth&metric=happiness")
    with pytest.raises(B.BriefingError, match="page"):
        B.parse_params("page=nowhere")


def test_no_suppress_shows_exact_numbers_only_when_allowed(demo_store, monkeypatch):
    with pytest.raises(B.BriefingError, match="not allowed"):
        B.build_briefing(VIEWS["nghe-an-choropleth"] + "&suppress=off", engine=demo_store, today=TODAY)
    monkeypatch.setenv("TDN_SUPPRESSION_THRESHOLD", "10")
    with pytest.raises(B.BriefingError, match="cannot be lowered"):
        B.parse_params("page=admin&threshold=5")
    assert B.parse_params("page=admin").threshold == 10
    monkeypatch.delenv("TDN_SUPPRESSION_THRESHOLD")
    briefing = B.build_briefing(VIEWS["nghe-an-choropleth"] + "&suppress=off", engine=demo_store, today=TODAY,
                                allow_exact=True)
    cells = set(briefing.table["Nạn nhân"])
    assert cells & {"1", "2", "3", "4"}
    assert "không ẩn số nhỏ" in briefing.spec.filters_text


def test_cli(demo_store, tmp_path, capsys):
    out = tmp_path / "out"
    code = B.main_briefing(["--page", "border", "--border", "laos", "--prov", "40", "--period", "2024-H1",
                            "--format", "png,pdf", "--out", str(out), "--date", "2026-11-23"])
    assert code == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == ["bien-gioi-lao_nghe-an_2024-H1_20261123.pdf", "bien-gioi-lao_nghe-an_2024-H1_20261123.png"]
    printed = capsys.readouterr().out
    assert "bien-gioi-lao_nghe-an_2024-H1_20261123.png" in printed
    # the URL's query string works too, and --lang en
    code = B.main_briefing(["--url", "page=choropleth&prov=40&period=2024-H1", "--lang", "en", "--format", "png",
                            "--out", str(out), "--date", "2026-11-23"])
    assert code == 0 and (out / "nan-nhan_nghe-an_2024-H1_20261123_en.png").is_file()
    # bad filters and no data: 1, with a message
    assert B.main_briefing(["--page", "border", "--border", "mars", "--out", str(out)]) == 1
    assert "border" in capsys.readouterr().err
    assert B.main_briefing(["--page", "choropleth", "--period", "2010", "--out", str(out)]) == 1
    assert "no stored case rows" in capsys.readouterr().err
    # usage: 2
    assert B.main_briefing(["--format", "gif", "--out", str(out)]) == 2
    assert B.main_briefing(["--bogus"]) == 2


def test_cli_through_the_dispatcher(demo_store, tmp_path):
    from geo.__main__ import main

    assert main(["briefing", "--page", "admin", "--prov", "40", "--format", "png", "--out", str(tmp_path),
                 "--date", "2026-11-23"]) == 0
    assert (tmp_path / "ban-do-hanh-chinh_nghe-an_tat-ca_20261123.png").is_file()


# --------------------------------------------------------------------------------------------------
# Hotspot exports: Gi* classes and change classes (page=diem-nong, layer=gi | change)
# --------------------------------------------------------------------------------------------------
ANALYSIS_VIEWS = {
    "gi-national": "page=diem-nong&period=2024",
    "gi-nghe-an": "page=diem-nong&prov=40&period=2024-H1",
    "change-national": "page=diem-nong&layer=change&period=2024-H2",
    "gi-laos-border-en": "page=bien-gioi&border=laos&layer=gi&period=2024&lang=en",
    "gi-hotspot-page-laos-border": "page=diem-nong&border=laos&period=2024-H1",
}


@pytest.fixture(scope="module")
def analysis_exports(demo_store):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, query in ANALYSIS_VIEWS.items():
        briefing = B.build_briefing(query, engine=demo_store, today=TODAY)
        png, pdf = briefing.png(), briefing.pdf()
        (ARTIFACTS / briefing.filename("png")).write_bytes(png)
        (ARTIFACTS / briefing.filename("pdf")).write_bytes(pdf)
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        out[name] = (briefing, png, pdf, text)
    return out


def test_hotspot_layer_parameters():
    assert B.parse_params("page=diem-nong").layer == "gi"  # the hotspot page's default
    assert B.parse_params("page=diem-nong&layer=change&period=2024").layer == "change"
    assert B.parse_params("page=tong-quan").layer == "metric"
    assert B.parse_params("page=tong-quan&layer=gi").layer == "gi"
    assert B.parse_params("page=bien-gioi&layer=gi").page == "border"
    with pytest.raises(B.BriefingError, match="period"):
        B.parse_params("page=diem-nong&layer=change")  # change needs a period to compare
    assert B.parse_params("page=diem-nong&era=2025&period=2025-H2").era == "2025"  # the 2025 communes too
    assert B.parse_params("page=diem-nong&layer=scan").layer == "scan"
    assert B.parse_params("page=diem-nong&layer=kulldorff").layer == "scan"
    assert B.parse_params("page=diem-nong&layer=agree").layer == "agree"
    with pytest.raises(B.BriefingError, match="hotspot page"):
        B.parse_params("page=tong-quan&layer=scan")
    with pytest.raises(B.BriefingError, match="layer"):
        B.parse_params("page=diem-nong&layer=heat")
    with pytest.raises(B.BriefingError, match="administrative"):
        B.parse_params("page=ban-do&layer=gi")


@pytest.mark.parametrize("name", list(ANALYSIS_VIEWS))
def test_hotspot_exports_are_slides_and_a4_pages(analysis_exports, name):
    briefing, png, pdf, text = analysis_exports[name]
    assert Image.open(io.BytesIO(png)).size == (1920, 1080)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    flat = _flat(text)
    assert _flat(SM.default_title(briefing.spec)) in flat
    for credit in CREDITS:
        assert credit in flat, credit
    # demo data: watermark
    assert briefing.spec.demo
    assert S.DEMO_LABEL in text


@pytest.mark.parametrize("name", ["gi-national", "gi-nghe-an"])
def test_gi_export_title_note_and_classes(analysis_exports, name):
    from geo.stats import hotspots
    briefing, _, _, text = analysis_exports[name]
    flat = _flat(text)
    assert "Điểm nóng thống kê (Gi*)" in flat
    assert "dân số 2009" in flat
    assert "Gi*: " in flat  # the one-sentence note on what Gi* means
    place = "Toàn quốc" if name == "gi-national" else "Tỉnh Nghệ An"
    assert f"Điểm nóng thống kê (Gi*): Nạn nhân — {place}" in flat
    # colours and labels of the page (geo.stats.hotspots.legend), only the classes present in the legend
    legend = hotspots.legend("vi").set_index("class")
    cls = briefing.spec.classification
    present = set(briefing.spec.values.values())
    assert set(cls.order) == present
    for key in present:
        assert cls.colour_of(key) == legend.at[key, "colour"]
        assert legend.at[key, "label"] in flat
    if name == "gi-nghe-an":
        assert all(code.startswith("40") for code in briefing.spec.values)


@pytest.mark.parametrize("name", list(ANALYSIS_VIEWS))
def test_no_small_count_in_hotspot_exports(analysis_exports, name):
    briefing, _, _, text = analysis_exports[name]
    small = {"1", "2", "3", "4"}
    counts = briefing.table[list(briefing.table_status.columns)]
    assert not counts.isin(small).any().any(), counts
    assert not [v for _, v in briefing.kpis if v in small]
    assert not small & set(briefing.spec.value_labels.values())
    scrubbed = text.replace("1–4", "")
    assert not SMALL_NUMBER.findall(scrubbed), [m.group(0) for m in SMALL_NUMBER.finditer(scrubbed)][:5]
    # no total under the listed districts: it would give a hidden count away
    assert "total" not in briefing.table.index
    assert not [label for label, _ in briefing.kpis if label in ("Tổng", "Total")]


def test_hotspot_counts_are_protected_against_the_exact_values(analysis_exports, demo_store):
    from geo.stats import hotspots
    briefing, *_ = analysis_exports["gi-national"]
    exact = store.aggregate_cases("district", "all", filters={"start": date(2024, 1, 1), "end": date(2024, 12, 31)},
                                  engine=demo_store)
    # Gi* runs on the protected (perturbed) district counts, never on the true ones
    perturbed = exact.assign(**{m: [cellkey.perturb(v, k) for v, k in zip(exact[m], exact[f"ck_{m}"])]
                                for m in ("cases", "victims")})
    table = hotspots.hotspot_table(perturbed, metric="victims", covered="all").set_index("code")
    listed = [k for k in briefing.table.index if k.startswith("u:")]
    assert listed, "the demo data should have hot districts nationally in 2024"
    assert set(k[2:] for k in listed) <= hotspots.hot_codes(table.reset_index())
    by_code = perturbed.groupby("district_code5")["victims"].sum()
    for key in listed:  # the Gi* table lists each district's own protected count
        value = by_code.get(key[2:], 0)
        shown = briefing.table.at[key, "Nạn nhân"]
        assert shown == ("<5" if 0 < value < 5 else str(int(value)))


def test_change_export(analysis_exports):
    from geo.stats import change
    briefing, _, _, text = analysis_exports["change-national"]
    flat = _flat(text)
    assert "Thay đổi so với kỳ trước: Nạn nhân — Toàn quốc" in flat
    assert "6 tháng cuối năm 2024 so với 6 tháng đầu năm 2024" in flat
    legend = change.legend("vi").set_index("class")
    for key in set(briefing.spec.values.values()):
        assert briefing.spec.classification.colour_of(key) == legend.at[key, "colour"]
        assert legend.at[key, "label"] in flat
    assert list(briefing.table.columns[-2:]) == ["Kỳ trước", "Kỳ này"]
    assert B.briefing_filename(briefing.request, "png", TODAY) == "thay-doi-nan-nhan_toan-quoc_2024-H2_20261123.png"


# --- Prevention coverage and District pages ----------------------------------------------------------------------
def test_district_page_parameters():
    req = B.parse_params("page=huyen&dist=40417&period=2024")  # the province is implied by the district
    assert (req.page, req.district, req.province, req.border) == ("district", "40417", "40", None)
    assert B.parse_params("page=huyen&prov=40").page == "choropleth"  # no district chosen yet
    with pytest.raises(B.BriefingError, match="not in province"):
        B.parse_params("page=huyen&prov=42&dist=40417")
    with pytest.raises(B.BriefingError, match="no district"):
        B.parse_params("page=huyen&dist=99999")
    with pytest.raises(B.BriefingError, match="era=pre2025"):
        B.parse_params("page=huyen&era=2025&dist=40417")
    with pytest.raises(B.BriefingError, match="layer=gi"):
        B.parse_params("page=phong-ngua&layer=gi")
    assert B.briefing_filename(B.parse_params("page=huyen&dist=40417&period=2024"), "png", TODAY) == \
        "huyen-ky-son_nghe-an_2024_20261123.png"


def test_prevention_export_matches_the_page(exports, demo_store):
    from geo.stats import prevention
    briefing, *_ , text, _ = exports["nghe-an-prevention"]
    assert briefing.filename("png") == "phong-ngua_nghe-an_2024_20261123.png"
    cover = store.coverage_frame(2024, engine=demo_store)
    nghe_an = cover[cover["province_code"] == "40"].iloc[0]
    total = briefing.table.iloc[-1]
    assert total.iloc[0] == "Tổng — Nghệ An"
    assert (int(total["Số xã trọng điểm"]), int(total["Có mô hình"])) == (nghe_an["key_communes"],
                                                                          nghe_an["covered_communes"])
    lines = briefing.table.iloc[:-1]
    assert lines["Số xã trọng điểm"].astype(int).sum() == nghe_an["key_communes"]  # districts add up
    assert lines["Có mô hình"].astype(int).sum() == nghe_an["covered_communes"]
    assert dict(briefing.kpis)["Xã có mô hình"] == f"{nghe_an['covered_communes']}/{nghe_an['key_communes']}"
    assert dict(briefing.kpis)["Chỉ tiêu"] == prevention.target_text(nghe_an["target_value"],
                                                                     nghe_an["target_comparator"])
    # the page's classes and colours (red below the target, blue from it), every district of the province
    spec = briefing.spec
    same = prevention.coverage_classes(dict(spec.values), nghe_an["target_value"])
    assert (spec.classification.bins, spec.classification.colours) == (same.bins, same.colours)
    assert spec.classification.colour_of(nghe_an["target_value"]) in prevention.ABOVE_COLOURS
    assert spec.classification.colour_of(0) == prevention.ZERO_COVERAGE_COLOUR  # no model at all: the worst
    flat = _flat(text)
    assert "Năm 2024 — tình trạng tại 31/12/2024" in flat and "Nguồn chỉ tiêu" in flat
    assert "Không có xã trọng điểm" in flat  # the grey class says what it means
    # the key-area communes as on the page: one dot each, green with a model, white without
    fills = [p[2] for p in spec.points]
    assert len(fills) == nghe_an["key_communes"]
    assert fills.count(prevention.POINT_STYLES[True][0]) == nghe_an["covered_communes"]
    # a year with the published target (Báo Nghệ An, 2021)
    published = B.build_briefing("page=phong-ngua&prov=40&period=2021", engine=demo_store, today=TODAY)
    assert "chỉ tiêu đã công bố" in " ".join(published.spec.notes)


def test_prevention_export_on_the_laos_border(exports, demo_store):
    briefing, *_ = exports["laos-border-prevention"]
    assert briefing.filename("pdf") == "bien-gioi-lao-phong-ngua_toan-tuyen_2023_20261123.pdf"
    units = SM.view_units(SM.MapSpec(kind="border", border="laos"))
    assert set(briefing.spec.values) <= set(units["code"])  # only the districts on the Laos border
    assert "Biên giới Việt – Lào" in SM.default_title(briefing.spec)
    with pytest.raises(B.BriefingError, match="2021, 2022"):
        B.build_briefing("page=phong-ngua&prov=40&period=2019", engine=demo_store, today=TODAY)


def test_district_export_protects_its_forms_against_the_exact_values(exports, demo_store):
    briefing, *_ , text, labels = exports["nghe-an-district"]
    assert briefing.filename("png") == "huyen-que-phong_nghe-an_2021-01-01_2024-12-31_20261123.png"
    assert briefing.spec.highlight == {"40415"} and briefing.spec.title == "Nạn nhân — Huyện Quế Phong, Tỉnh Nghệ An"
    assert "Theo hình thức bóc lột — Huyện Quế Phong" in _flat(text)
    exact = store.aggregate_cases("district", "all", engine=demo_store, extra_by=("form",), filters={
        "districts": ["40415"], "start": date(2021, 1, 1), "end": date(2024, 12, 31)})
    by_form = exact.groupby(exact["form"].fillna(""))["victims"].sum()
    keys = exact.groupby(exact["form"].fillna(""))["ck_victims"].sum()
    assert ((by_form > 0) & (by_form < 5)).any(), "the demo data should have a small form here"
    table, status = briefing.table, briefing.table_status

    def text(value, key_sum):
        published = cellkey.perturb(value, key_sum)
        return "<5" if 0 < published < 5 else str(published)
    # cell-key method: every form and the district's total perturbed from their own records, then masked
    for form, value in by_form.items():
        shown = table.at[f"f:{form}", "Nạn nhân"]
        assert shown == text(value, keys[form]) and not re.fullmatch(r"[1-4]", shown)
    total = table.at["u:40415", "Nạn nhân"]
    assert total == text(by_form.sum(), keys.sum())
    # the district's figure on the map and in the table are the same protected text
    assert briefing.spec.value_labels["40415"] == ("" if total == "0" else total)
    assert not status.isin(["hidden"]).to_numpy().any()  # no complementary "x" under the cell-key method


def test_cli_district_and_prevention(demo_store, tmp_path, capsys):
    assert B.main_briefing(["--page", "huyen", "--dist", "40417", "--period", "2022", "--date", "2026-11-23",
                            "--format", "png", "--out", str(tmp_path)]) == 0
    assert B.main_briefing(["--page", "phong-ngua", "--prov", "40", "--period", "2024", "--date", "2026-11-23",
                            "--format", "pdf", "--out", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["huyen-ky-son_nghe-an_2022_20261123.png",
                                                          "phong-ngua_nghe-an_2024_20261123.pdf"]


def test_the_district_of_the_filters_is_outlined_on_every_export(demo_store):
    for query in ("page=tong-quan&prov=40&dist=40417&period=2024", "page=bien-gioi&border=laos&prov=40&dist=40417",
                  "page=diem-nong&prov=40&dist=40417&period=2024"):
        briefing = B.build_briefing(query, engine=demo_store, today=TODAY)
        assert briefing.spec.highlight == {"40417"}, query
        assert "Huyện Kỳ Sơn" in [item.label for item in SM.build_scene(briefing.spec).legend], query
    # a district of another province, or an unknown one, in a shared link: no outline, the export goes on
    for query in ("page=tong-quan&prov=42&dist=40417", "page=tong-quan&prov=40&dist=99999"):
        assert not B.build_briefing(query, engine=demo_store, today=TODAY).spec.highlight
