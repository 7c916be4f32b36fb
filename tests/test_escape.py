"""Text from data never renders as Markdown, HTML, LaTeX or script: the escaping helpers
(:mod:`geo.i18n.escape`), the folium popups and tooltips, and every page run through AppTest with imported
targets, gates, hotspots and routes whose names, sources and notes carry payloads."""
from __future__ import annotations

import csv
import io
import re

import pytest

from geo.i18n.escape import html_text, md, md_join, unescape_md

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

IMG = "![b](http://127.0.0.1:9/x.png)"
LINK = "[bấm vào](http://127.0.0.1:9/l)"
HTML = "<img src=http://127.0.0.1:9/i.png> <script>alert(1)</script> &lt;b&gt;"
TEX = "$\\frac{1}{2}$ và 5$"
JS = "${alert(1)}`\\x3cimg src=x onerror=alert(2)\\x3e"
MARKS = "**đậm** _nghiêng_ ~~gạch~~ `mã` :red[đỏ] :material/home: | a | b | a@b.vn www.x.vn"
PAYLOADS = [IMG, LINK, HTML, TEX, JS, MARKS, "# Tiêu đề", "- mục", "1. mục", "> trích", "\\*không\\*",
            "dòng 1\n===\n    mã", "a\u2028b\u2029c\r\nd", "Nghệ An (2023) – 30%"]

# what must never reach a Markdown source unescaped
UNSAFE = [re.compile(p) for p in (r"!\[", r"\]\(http", r"<img", r"<script", r"<a\b", r"(?<!\\)\$", r"(?<!\\)`",
                                  r"(?<!\\)\*\*", r"(?<!\\)~~", r"(?<!\\)\[")]


def shown(text: str) -> str:
    """What a reader should see: the characters of the text, on one line, runs of spaces as one."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------------
# The helpers
# --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", PAYLOADS)
def test_md_is_inert_and_reads_as_the_text(text):
    out = md(text)
    for pattern in UNSAFE:
        assert not pattern.search(out), (pattern.pattern, out)
    assert "\n" not in out and "\r" not in out and "\u2028" not in out  # no block of its own
    assert not out.startswith(" ")  # no indented code block
    assert unescape_md(out) == shown(text)


def test_md_examples():
    assert md("![b](http://x/y.png)") == "\\!\\[b\\]\\(http\\://x/y\\.png\\)"
    assert md("<img src=x>") == "&lt;img src\\=x&gt;"
    assert md("$x$") == "\\$x\\$"
    assert md("a & b") == "a &amp; b"
    assert md(None) == "" and md(float("nan")) == "" and md(12) == "12"
    assert md("Huyện Kỳ Sơn") == "Huyện Kỳ Sơn"  # ordinary names unchanged
    assert md_join(["a*b", "c"]) == "a\\*b, c"


def test_html_text_is_safe_in_html_and_in_folium_template_literals():
    out = html_text(JS + HTML + "\"'")
    for bad in ("<", ">", "`", "${", "\\", "\"", "'"):
        assert bad not in out, (bad, out)
    import html
    assert html.unescape(out) == JS + HTML + "\"'"
    assert html_text(None) == ""


def test_reference_layer_popups_and_tooltips_escape_data(monkeypatch):
    """Gates, routes and hotspots whose names, sources and caveats carry HTML or JavaScript: the rendered map
    holds them only as inert text (folium writes popups and tooltips into JavaScript template literals)."""
    import folium
    from shapely.geometry import LineString, Point
    import geopandas as gpd

    from geo.data import facts
    from geo.render import reference_layers

    evil = JS + " " + HTML
    gates = gpd.GeoDataFrame({"gate_name_vi": [evil], "gate_name_en": [evil], "gate_type": ["secondary"],
                              "record_type": ["border gate"], "mode": ["road"], "coord_type": ["exact"],
                              "counterpart_gate": [evil], "counterpart_country": [evil], "source": [evil],
                              "caveat_vi": [evil], "caveat_en": [evil]}, geometry=[Point(104.1, 19.4)], crs=4326)
    hotspots = gpd.GeoDataFrame({"name": [evil], "nature": ["trafficking"], "category": [evil], "period": [evil],
                                 "coord_type": ["exact"], "source": [evil], "caveat_vi": [evil], "caveat_en": [evil]},
                                geometry=[Point(104.2, 19.3)], crs=4326)
    routes = gpd.GeoDataFrame({"route_name": [evil], "nature": ["smuggling"], "category": [evil],
                               "destination_countries": [evil], "source": [evil], "caveat_vi": [evil],
                               "caveat_en": [evil]}, geometry=[LineString([(104.9, 19.0), (104.1, 19.4)])], crs=4326)
    monkeypatch.setattr(facts, "gates", lambda **_k: gates)
    monkeypatch.setattr(facts, "hotspots", lambda **_k: hotspots)
    monkeypatch.setattr(facts, "routes", lambda **_k: routes)
    fmap = folium.Map(location=[19.3, 104.5], zoom_start=8, tiles=None)
    result = reference_layers.add_reference_layers(fmap, reference_layers.KINDS, "vi")
    assert result.counts == {"routes": 1, "gates": 1, "hotspots": 1}
    page = fmap.get_root().render()
    assert "alert(" in page  # the text is there ...
    for bad in ("${alert", "<script>alert", "<img src=http", "\\x3cimg", "`\\x3c"):
        assert bad not in page, bad  # ... but never as markup or code


# --------------------------------------------------------------------------------------------------
# Every page, with payloads imported into the store
# --------------------------------------------------------------------------------------------------
NAME = f"Cổng {IMG} {HTML}"
SOURCE = f"{LINK} {TEX} {JS}"
NOTE = f"{MARKS} {IMG}"


def _csv(header: list[str], rows: list[list]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


@pytest.fixture(scope="module")
def payload_store(tmp_path_factory):
    """The demo store, with the demo targets replaced by an imported one, and user gates, hotspots and a route,
    all carrying Markdown/HTML/LaTeX/script payloads in their names, sources and notes."""
    from sqlalchemy import select

    from geo.data import importer
    from geo.data import schema as S
    from tests.apptest_support import demo_store_at

    with demo_store_at(tmp_path_factory.mktemp("escape")) as engine:
        with engine.connect() as conn:
            demo_targets = [r.id for r in conn.execute(select(S.imports.c.id).where(S.imports.c.kind == "targets"))]
        for imp in demo_targets:
            assert importer.undo_import(imp, engine=engine).ok
        files = {
            "targets": _csv(["Năm", "Tỉnh/Thành phố", "Chỉ tiêu", "Giá trị", "Nguồn", "Ghi chú"],
                            [[2023, "Nghệ An", "key_area_model_coverage", 40, SOURCE, NOTE]]),
            "gates": _csv(["Mã cửa khẩu", "Tên cửa khẩu", "Tên tiếng Anh", "Tỉnh/Thành phố", "Vĩ độ", "Kinh độ", "Nguồn",
                           "Lưu ý", "Ghi chú"],
                          [["U-G1", NAME, NAME, "Nghệ An", 19.39, 104.07, SOURCE, NOTE, NOTE]]),
            "hotspots": _csv(["Mã điểm nóng", "Tên điểm nóng", "Tính chất", "Tỉnh/Thành phố", "Vĩ độ", "Kinh độ",
                              "Giai đoạn", "Mô tả", "Nguồn", "Lưu ý"],
                             [["U-H1", NAME, "mua bán người", "Nghệ An", 19.35, 104.2, "2023", NOTE, SOURCE, NOTE]]),
            "routes": _csv(["Mã tuyến", "Tên tuyến", "Tính chất", "Thứ tự", "Tên điểm", "Vĩ độ", "Kinh độ", "Nguồn",
                            "Ghi chú"],
                           [["U-R1", NAME, "mua bán người", 1, NAME, 18.68, 105.68, SOURCE, NOTE],
                            ["U-R1", NAME, "mua bán người", 2, NAME, 19.39, 104.07, SOURCE, NOTE]]),
        }
        for kind, data in files.items():
            report = importer.import_file(data, f"{IMG}<img src=x>_{kind}.csv", kind=kind, engine=engine)
            assert report.status == "imported", report.to_text("en")
        yield engine
    _clear_streamlit_caches()


def _clear_streamlit_caches() -> None:
    import streamlit as st

    st.cache_data.clear()
    st.cache_resource.clear()


MARKDOWN_VALUES = {"title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                   "metric", "toast"}
MARKDOWN_OPTIONS = {"radio", "segmented_control", "pills"}


def markdown_sources(at) -> list[tuple[str, str]]:
    """(element type, text) of everything the page hands to Streamlit's Markdown renderer."""
    out: list[tuple[str, str]] = []

    def walk(node):
        kind = getattr(node, "type", "")
        for attr in ("label", "help"):
            try:
                value = getattr(node, attr, None)
            except Exception:  # noqa: BLE001 - an element without that field
                value = None
            if isinstance(value, str) and value:
                out.append((f"{kind}.{attr}", value))
        if kind in MARKDOWN_VALUES:
            out.append((kind, str(node.value)))
            if kind == "metric":
                out.append(("metric.delta", str(node.delta or "")))
        if kind in MARKDOWN_OPTIONS:
            out.extend((f"{kind}.option", str(o)) for o in node.options)
        if kind == "table":
            frame = node.value
            out.extend(("table.cell", str(v)) for v in frame.to_numpy().ravel())
            out.extend(("table.header", str(c)) for c in [*frame.columns, *frame.index])
        children = getattr(node, "children", None)
        if children:
            for child in (children.values() if isinstance(children, dict) else children):
                walk(child)

    walk(at._tree)
    return out


def unsafe_spots(at) -> list[tuple[str, str, str]]:
    spots = []
    for kind, text in markdown_sources(at):
        for bad in ("![", "](http", "<img", "<script", "${", "$\\frac"):
            if bad in text:
                spots.append((kind, bad, text[:160]))
    return spots


PAGES = [
    ("pages/tong_quan.py", {"prov": "40", "period": "2023"}),
    ("pages/bien_gioi.py", {"border": "laos", "prov": "40", "period": "2023"}),
    ("pages/diem_nong.py", {"prov": "40", "period": "2024", "route": "U-R1"}),
    ("pages/diem_nong.py", {"prov": "40", "period": "2024", "route": "U-R1", "section": "corridors"}),
    ("pages/diem_nong.py", {"prov": "40", "period": "2024", "section": "named"}),
    ("pages/phong_ngua.py", {"prov": "40", "period": "2023"}),
    ("pages/ban_do.py", {"prov": "40", "ref": "gates,routes,hotspots"}),
]


@pytest.mark.parametrize("page,params", PAGES, ids=[p.split("/")[1][:-3] + (f"-{q['section']}" if "section" in q else "")
                                                     for p, q in PAGES])
def test_no_page_renders_data_as_markdown(payload_store, page, params):
    from tests.apptest_support import run_page

    at = run_page(page, params)
    assert not unsafe_spots(at), unsafe_spots(at)


def test_prevention_target_source_is_shown_escaped_and_readable(payload_store):
    """The imported target's source (a Markdown image, a link, LaTeX, script) is on the page, escaped, and
    reads as the characters the file holds."""
    from tests.apptest_support import run_page

    at = run_page("pages/phong_ngua.py", {"prov": "40", "period": "2023"})
    captions = [text for kind, text in markdown_sources(at) if md(SOURCE) in text]
    assert captions, [t for _, t in markdown_sources(at) if "127.0.0.1" in t]
    assert shown(SOURCE) in unescape_md(captions[0])
    assert not unsafe_spots(at)


def test_route_profile_title_from_the_facts_is_escaped(payload_store, tmp_path, monkeypatch):
    """The Hotspot page's "cases along the route" table is titled with the route's name from the facts CSVs (a copy
    here, whose first route's name carries a payload)."""
    import shutil

    import pandas as pd

    from geo import config
    from tests.apptest_support import run_page

    folder = tmp_path / "facts"
    shutil.copytree(config.facts_dir(), folder)
    routes = pd.read_csv(folder / "routes.csv", dtype=str, keep_default_na=False)
    routes.loc[0, "route_name"] = NAME
    routes.to_csv(folder / "routes.csv", index=False)
    monkeypatch.setenv("TDN_FACTS_DIR", str(folder))
    try:
        at = run_page("pages/diem_nong.py", {"prov": "40", "period": "2023", "section": "corridors"})
    finally:
        _clear_streamlit_caches()  # views built from this copy of the facts must not serve later tests
    titles = [text for kind, text in markdown_sources(at) if kind == "subheader" and "Cổng" in text]
    assert titles, [text for kind, text in markdown_sources(at) if kind == "subheader"]
    assert not unsafe_spots(at), unsafe_spots(at)
