"""What a commander's slide and a Vietnamese planner's screen must show (issue 15): checked on the real
pages (AppTest), exports and map HTML."""
from __future__ import annotations

import pytest

from tests.apptest_support import make_user, run_page


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [w.value for w in at.warning] + [i.value for i in at.info]
    parts += [c.value for c in at.caption]
    return " ".join(str(p) for p in parts)


def test_a_province_and_a_border_that_do_not_match_are_said_so():
    at = run_page("pages/bien_gioi.py", {"border": "china", "prov": "40"}, user=make_user("admin"))
    text = _texts(at)
    assert "Không giáp biên giới đất liền" not in text  # Nghệ An borders Laos: that would be false
    assert "không giáp Biên giới Việt – Trung" in text and "Biên giới Việt – Lào" in text
    buttons = [b.label for b in at.button]
    assert any("Việt – Lào" in label for label in buttons)
    next(b for b in at.button if "Việt – Lào" in b.label).click().run()
    assert at.session_state["filters"].border == "laos"
    assert "không giáp" not in _texts(at)


def test_an_inland_province_on_the_border_page_says_so_truthfully():
    at = run_page("pages/bien_gioi.py", {"prov": "01"}, user=make_user("admin"))
    assert "không giáp biên giới đất liền" in _texts(at)


def test_the_border_briefing_carries_gates_routes_and_named_hotspots_with_their_legend():
    """The export of the Laos-border view of Nghệ An names Nậm Cắn and Thanh Thủy (issue 15, item 3), with
    the reference layers in its legend, and names the Gulf of Tonkin as the page does (item 12)."""
    from geo.render import briefing as B

    from geo.render import static_maps as SM

    export = B.build_briefing("page=bien-gioi&border=laos&prov=40&period=2024-H1")
    for layout in ("slide", "a4"):
        fig = SM.render_map(export.spec, layout=layout)
        texts = [t.get_text() for t in fig.texts] + [t.get_text() for ax in fig.axes for t in ax.texts]
        flat = " ".join(" ".join(texts).split())
        for name in ("Nậm Cắn", "Thanh Thủy", "Lớp tham chiếu", "Cửa khẩu quốc tế", "Tuyến mua bán người"):
            assert name in flat, (layout, name)
        assert "Vịnh Bắc Bộ" in flat  # the gulf off Nghệ An, named as the interactive map names it
    png = export.png()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_key_figure_cards_say_where_and_when_and_keep_their_change_short():
    import re

    at = run_page("pages/tong_quan.py", {"prov": "40", "period": "2024-H1"}, user=make_user("admin"))
    captions = " ".join(c.value for c in at.caption).replace("\\", "")  # markdown escapes
    assert "Số liệu của: Tỉnh Nghệ An · 6 tháng đầu năm 2024" in captions
    assert "6 tháng cuối năm 2023" in captions  # what the changes are against, said once
    deltas = [m.delta for m in at.metric if m.delta]
    assert deltas, "the demo data should give changes for Nghệ An in 2024-H1"
    for delta in deltas:  # short enough for a card at 1280×800: no words to cut off
        assert re.fullmatch(r"(±0|[+-]\d+)%", delta), delta


def test_the_selected_district_is_outlined_on_the_prevention_map_and_export():
    from geo.render.maps import MapView, admin_map
    from geo.views.model import build_view
    from geo.views.spec import parse_view

    model = build_view(parse_view("page=phong-ngua&prov=40&dist=40417&period=2024"))
    assert model.map.highlight == {"40417"} and model.map.highlight_label == "Huyện Kỳ Sơn"
    html = admin_map(MapView(province="40", highlight="40417")).fmap.get_root().render()
    assert "40417" in html and "#111111" in html  # the chosen district's bold outline layer


# --- the Data page (item 10 and the Data-page part of item 4) ----------------------------------------------

@pytest.fixture()
def data_store(tmp_path):
    from tests.apptest_support import demo_store_at

    with demo_store_at(tmp_path) as engine:
        yield engine


INTERNAL = {"id", "kind", "checksum", "user", "origin", "status", "is_demo", "place_era", "period_start",
            "row_key", "n_rows", "file_name", "imported_at", "undone_at", "undone_by"}


def _frames(at):
    return [d.value for d in at.dataframe]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_data_page_history_and_column_reference_in_the_reader_s_language(data_store, lang):
    at = run_page("pages/du_lieu.py", {"lang": lang} if lang == "en" else {}, user=make_user("admin"))
    frames = _frames(at)
    first = "Lần nhập" if lang == "vi" else "Import"
    history = next(f for f in frames if first in f.columns)
    assert not INTERNAL & set(history.columns)
    cells = set(history.astype(str).to_numpy().ravel())
    assert not cells & {"None", "nan", "NaT", "True", "False", "demo", "active", "cases"}
    assert ("Bộ sinh dữ liệu minh họa" if lang == "vi" else "Demo generator") in cells
    assert ("Vụ việc và số liệu tổng hợp" if lang == "vi" else "Cases and aggregate figures") in cells
    # the column reference is in the app, not a path users cannot open
    column = "Cột" if lang == "vi" else "Column"
    reference = [f for f in frames if column in f.columns]
    assert len(reference) == 7
    names = set(reference[0][column])
    assert ("Mã vụ việc" if lang == "vi" else "Case ID") in names
    shown = " ".join(str(m.value) for m in list(at.markdown) + list(at.caption))
    assert "Mô tả đầy đủ các cột: `data/SCHEMA.md`" not in shown and "Full column reference" not in shown
    assert "Mapping: data/HTCDS_MAPPING.md" not in shown
    assert "Bảng đối chiếu: data/HTCDS_MAPPING.md" not in shown and "cas_CaseNumber" in shown  # the mapping is shown
    # the sourced figures of the Sources tab: headers in the language, qualifier part of the figure
    figures = next(f for f in frames if ("Giá trị" if lang == "vi" else "Value") in f.columns)
    assert not {"geography", "period_label", "metric", "reporting_body"} & set(figures.columns)
    assert ("hơn 1.700" if lang == "vi" else "more than 1,700") in set(figures.iloc[:, 3])


def test_undo_asks_first_and_says_what_will_go(data_store):
    from geo.data import importer, store

    csv = "Mã vụ việc,Ngày,Tỉnh/Thành phố,Quận/Huyện,Số nạn nhân\nU-9,14/05/2023,Nghệ An,Kỳ Sơn,2\n"
    done = importer.import_file(csv.encode(), "bao_cao_thang_5.csv", engine=data_store, user="nguoi-nhap")
    assert done.ok
    n = len(store.cases_frame(engine=data_store))
    at = run_page("pages/du_lieu.py", {}, user=make_user("admin"))
    at.button(key="data_undo").click().run()
    assert len(store.cases_frame(engine=data_store)) == n  # one click removed nothing
    warning = " ".join(w.value for w in at.warning).replace("\\", "")  # Markdown escapes of the data's text
    assert f"Hoàn tác lần nhập #{done.import_id}" in warning and "bao_cao_thang_5.csv" in warning
    assert "nguoi-nhap" in warning and "1 dòng đang lưu" in warning
    at.button(key="data_undo_no").click().run()
    assert len(store.cases_frame(engine=data_store)) == n
    assert not any("Hoàn tác lần nhập" in w.value for w in at.warning)
    at.button(key="data_undo").click().run()
    at.button(key="data_undo_yes").click().run()
    assert len(store.cases_frame(engine=data_store)) == n - 1
    assert any("Đã hoàn tác" in s.value for s in at.success), [e.value for e in list(at.error) + list(at.success) + list(at.info)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_upload_preview_uses_the_template_s_column_names_and_the_language_s_numbers(lang):
    from geo.data import importer
    from geo.i18n import data_tables as D

    csv = ("Năm,Tỉnh/Thành phố,Chỉ tiêu,Giá trị,Đơn vị,Nguồn\n"
           "2026,Nghệ An,Tỷ lệ xã trọng điểm có mô hình chuyên biệt,32.5,%,Kế hoạch thử\n")
    report = importer.validate_file(csv.encode(), filename="chi_tieu.csv", kind="targets", check_store=False)
    assert report.ok, report.summary("en")
    shown = D.preview_display(report.records_frame(), "targets", lang)
    assert not INTERNAL & set(shown.columns) and not {"province_code", "value", "year"} & set(shown.columns)
    value = "Giá trị" if lang == "vi" else "Value"
    assert shown[value].iloc[0] == ("32,5" if lang == "vi" else "32.5")
    assert "None" not in set(shown.astype(str).to_numpy().ravel())


# --- numbers follow the UI language everywhere (item 10) ------------------------------------------------------

SWEEP = [("pages/tong_quan.py", {"prov": "40", "period": "2024"}), ("pages/bien_gioi.py", {"border": "laos", "prov": "40"}),
         ("pages/diem_nong.py", {}), ("pages/diem_nong.py", {"layer": "change", "period": "2024"}),
         ("pages/huyen.py", {"dist": "40417"}), ("pages/phong_ngua.py", {}), ("pages/phong_ngua.py", {"prov": "40"}),
         ("pages/ban_do.py", {"metric": "victims_per100k"}), ("pages/quan_tri.py", {})]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_tables_and_cards_print_numbers_in_the_ui_language(lang):
    """No table cell or key-figure card shows a decimal in the other language's style ("33.3%" on a
    Vietnamese screen, "33,3%" on an English one), no float column is left to the grid's own format, no cell
    reads None/nan and no header is an internal name."""
    import re

    other = r"(?<![\d.,])\d+\.\d{1,2}(?![\d.])" if lang == "vi" else r"(?<![\d.,])\d+,\d{1,2}(?![\d,])"
    problems = []
    for page, query in SWEEP:
        at = run_page(page, dict(query, **({"lang": "en"} if lang == "en" else {})), user=make_user("admin"), timeout=180)
        texts = [str(m.value) for m in at.metric]
        for d in at.dataframe:
            frame = d.value
            for c in frame.columns:
                if len(frame) and str(frame[c].dtype).startswith("float"):
                    problems.append(f"{page}: float column {c!r}")
                if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(c)):
                    problems.append(f"{page}: internal header {c!r}")
                texts += [str(v) for v in frame[c].head(300)]
        for v in texts:
            if v in ("None", "nan", "NaN", "<NA>", "NaT"):
                problems.append(f"{page}: cell {v}")
            problems += [f"{page}: {m.group(0)!r} in {v[:60]!r}" for m in re.finditer(other, v)]
    assert not problems, problems[:20]


def test_a_period_after_the_reform_is_drawn_in_the_2025_units():
    """Rows from 1 July 2025 are in the 34 provinces and new communes: a pre-2025 map of such a period would be
    empty (grey) while the cards count its cases. Pages with the era choice draw the 2025 units and say so."""
    at = run_page("pages/tong_quan.py", {"period": "2026", "prov": "10"}, user=make_user("admin"))
    f = at.session_state["filters"]
    assert (f.era, f.province) == ("2025", "15")  # Lào Cai merged with Yên Bái (the 2025 code is 15)
    assert any("sau 1/7/2025" in c.value for c in at.sidebar.caption)
    kept = run_page("pages/tong_quan.py", {"period": "2026", "era": "pre2025"}, user=make_user("admin"))
    assert kept.session_state["filters"].era == "pre2025"  # a link that names its era keeps it
    district = run_page("pages/huyen.py", {"period": "2026", "prov": "40", "dist": "40417"}, user=make_user("admin"))
    assert district.session_state["filters"].district == "40417"  # a chosen district (pre-2025 unit) stays
    at = run_page("pages/tong_quan.py", {"period": "2024"}, user=make_user("admin"))
    assert at.session_state["filters"].era == "pre2025"
    at.selectbox(key="_w_period").set_value("2026-Q1").run()
    assert at.session_state["filters"].era == "2025"


def test_the_cards_of_a_chosen_district_say_the_district():
    at = run_page("pages/huyen.py", {"prov": "40", "dist": "40417"}, user=make_user("admin"))
    cover = [c.value for c in at.caption if c.value.startswith("Số liệu của")]
    assert cover and "Kỳ Sơn" in cover[0], cover
