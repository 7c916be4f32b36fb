"""Page logic through Streamlit's AppTest: filters from the URL, URL written back, empty and error states.

Every test runs the real entry point (``app.py`` with ``st.navigation``) on a temporary SQLite store
holding the demo data, so nothing touches ``data/tdn.sqlite``. Maps are not drawn by AppTest (the
folium iframe is a component), but ``geo.render.maps.admin_map`` runs, and patching it to fail shows the
page's layer error state.
"""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from geo.views.filters import Filters
from tests.apptest_support import RISKY, demo_store_at, make_user, run_page

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

NO_DATA = "Không có dữ liệu cho bộ lọc này"
LAYER_ERROR = "Không tải được lớp bản đồ"


@pytest.fixture(scope="module", autouse=True)
def demo_store(tmp_path_factory):
    """A temporary store with the demo data (one case of Kỳ Sơn gets a formula-like source)."""
    with demo_store_at(tmp_path_factory.mktemp("pages")) as engine:
        yield engine


def run(page: str, **params: str) -> AppTest:
    return run_page(page, params)


def text(at: AppTest) -> str:
    """Everything the page says in words (titles, messages, captions, metrics, markdown)."""
    parts = []
    for kind in ("title", "header", "subheader", "info", "warning", "error", "caption", "markdown", "success"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    return "\n".join(parts)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    found = [df for df in frames(at) if column in df.columns]
    assert found, f"no table with column {column!r}: {[list(df.columns) for df in frames(at)]}"
    return found[0]


def query(at: AppTest) -> dict:
    return {k: at.query_params[k] for k in at.query_params}


def sidebar_value(at: AppTest, key: str):
    return next(w.value for w in at.sidebar.selectbox if w.key == key)


def fail_maps(monkeypatch) -> None:
    import streamlit as st

    from geo.render import maps
    st.cache_resource.clear()  # prepared maps are cached per view and data version
    def broken(*_args, **_kwargs):
        raise OSError("boundary layer unreadable (test)")

    monkeypatch.setattr(maps, "admin_map", broken)


def kpi_values(f: Filters) -> dict[str, float]:
    from geo.views.metrics import kpis

    cards, _ = kpis(f)
    return {k.key: k.current for k in cards}


def model_kpis(**params: str) -> dict[str, str]:
    """The key figures of a view model, as the page and its export show them."""
    from geo.views.model import build_view
    from geo.views.spec import parse_view

    return dict(build_view(parse_view(params)).kpis)


def noisy_match(text: str, true: float) -> bool:
    """Whether a protected figure can come from the true one (cell-key noise of at most D, then "<5")."""
    from geo.stats import cellkey

    d = cellkey.ptable().D
    if text == "<5":
        return 1 <= true <= 4 + d
    return abs(shown_number(text) - true) <= d and (true > 0 or text == "0")


def shown_number(value: str) -> float:
    return float(value.replace(".", "").replace(",", "."))


# --- Tổng quan (overview) -------------------------------------------------------------------------------------
def test_overview_reads_filters_from_the_url_and_writes_changes_back():
    at = run("pages/tong_quan.py", prov="40", dist="40417", period="2022")
    assert sidebar_value(at, "_w_province") == "40"
    assert sidebar_value(at, "_w_district") == "40417"
    assert sidebar_value(at, "_w_period") == "2022"
    # the key figures are the view model's (as the export prints them: small counts protected)
    expected = model_kpis(page="tong-quan", prov="40", dist="40417", period="2022")
    shown = {m.label: m.value for m in at.metric}
    assert shown == expected and shown["Số vụ việc"] and shown["Số nạn nhân"]
    assert "DỮ LIỆU MINH HỌA" in text(at)
    assert query(at) == {"prov": "40", "dist": "40417", "period": "2022"}
    next(w for w in at.sidebar.selectbox if w.key == "_w_period").select("2023").run()
    assert not at.exception
    assert query(at)["period"] == "2023"
    later = model_kpis(page="tong-quan", prov="40", dist="40417", period="2023")
    assert at.metric[0].value == next(iter(later.values()))


def test_overview_says_when_nothing_matches():
    at = run("pages/tong_quan.py", prov="40", period="2021-01", form="organ_removal")
    assert NO_DATA in text(at)
    assert all(shown_number(m.value) == 0 for m in at.metric)


def test_overview_survives_a_map_layer_that_fails(monkeypatch):
    fail_maps(monkeypatch)
    at = run("pages/tong_quan.py", prov="40")
    assert LAYER_ERROR in text(at)
    assert len(at.metric) == 5 and at.dataframe  # KPIs and the published figures still render


# --- Bản đồ (administrative map) -------------------------------------------------------------------------------
def test_map_page_reads_and_writes_the_url():
    at = run("pages/ban_do.py", prov="40")
    assert sidebar_value(at, "_w_province") == "40"
    assert "Huyện biên giới (6)" in text(at)
    assert set(frame_with(at, "Huyện")["Huyện"]) >= {"Huyện Kỳ Sơn", "Huyện Quế Phong"}
    at.sidebar.radio(key="_w_era").set_value("2025").run()
    assert not at.exception
    assert query(at).get("era") == "2025"


def test_map_page_survives_a_map_layer_that_fails(monkeypatch):
    fail_maps(monkeypatch)
    at = run("pages/ban_do.py", prov="40")
    assert LAYER_ERROR in text(at)
    assert "Huyện biên giới (6)" in text(at)  # the table under the map still renders


# --- Huyện (district) ------------------------------------------------------------------------------------------
def test_district_page_shows_the_district_of_the_url():
    from geo.data import store
    at = run("pages/huyen.py", prov="40", dist="40417")
    words = text(at)
    assert "Huyện Kỳ Sơn — Tỉnh Nghệ An" in words and "Toàn bộ thời gian" in words
    assert [e.label for e in at.expander][:1] == ["Bản đồ Tỉnh Nghệ An"]  # the district on its province's map
    expected = kpi_values(Filters(province="40", district="40417"))
    # the key figures are the view model's (as the export prints them: protected with the cell-key method,
    # so a viewer's figure may differ from the exact one by a few, never by more than the noise allows)
    shown = {m.label: m.value for m in at.metric}
    assert shown == model_kpis(page="huyen", dist="40417")
    assert noisy_match(shown["Số vụ việc"], expected["cases"])
    assert noisy_match(shown["Số nạn nhân"], expected["victims"])
    # a viewer never gets the case rows (exact access only)
    assert not [df for df in frames(at) if "Mã vụ việc" in df.columns]
    assert len(store.cases_frame({"districts": ["40417"]})) > 0
    forms = frame_with(at, "Hình thức bóc lột")
    destinations = frame_with(at, "Nơi đến")
    assert not forms.empty and not destinations.empty
    assert not destinations["Nạn nhân"].astype(str).str.fullmatch(r"[1-4]").any()
    assert at.button_group[0].value == "month"
    at.button_group[0].set_value("quarter").run()
    assert not at.exception and query(at).get("grain") == "quarter"
    at.multiselect(key="_huyen_cmp").select("40415").select("40418").run()
    assert not at.exception
    assert query(at)["cmp"] == "40415,40418" and query(at)["dist"] == "40417"
    compared = frame_with(at, "Dân số 2009")
    assert list(compared["Huyện"]) == ["Huyện Kỳ Sơn (Nghệ An)", "Huyện Quế Phong (Nghệ An)",
                                        "Huyện Tương Dương (Nghệ An)"]


def test_district_comparison_comes_back_from_the_url_and_is_capped_at_three():
    at = run("pages/huyen.py", prov="40", dist="40417", cmp="40415,40418,40422,40428", grain="quarter")
    assert at.multiselect(key="_huyen_cmp").value == ["40415", "40418", "40422"]
    assert at.button_group[0].value == "quarter"
    assert len(frame_with(at, "Dân số 2009")) == 4


def test_district_is_picked_from_the_list_and_survives_other_pages():
    at = run("pages/huyen.py", prov="40")
    assert "bấm vào huyện trên bản đồ" in text(at)
    at.selectbox(key="_huyen_pick").select("40417").run()
    assert not at.exception
    assert query(at)["dist"] == "40417" and sidebar_value(at, "_w_district") == "40417"
    assert "Huyện Kỳ Sơn — Tỉnh Nghệ An" in text(at)
    at.switch_page("pages/tong_quan.py").run()
    assert not at.exception and sidebar_value(at, "_w_district") == "40417"
    at.switch_page("pages/phong_ngua.py").run()
    assert not at.exception and "Các xã trọng điểm — Huyện Kỳ Sơn" in text(at)
    assert query(at)["dist"] == "40417"


def test_filters_set_on_the_overview_carry_to_the_district_page():
    at = run("pages/tong_quan.py", prov="40", dist="40417", period="2022")
    at.switch_page("pages/huyen.py").run()
    assert not at.exception
    words = text(at)
    assert "Huyện Kỳ Sơn — Tỉnh Nghệ An" in words and "Năm 2022" in words
    assert query(at)["period"] == "2022"


def test_district_page_says_when_nothing_matches():
    at = run("pages/huyen.py", prov="40", dist="40417", period="2021-01", form="organ_removal")
    assert NO_DATA in text(at)
    assert not [df for df in frames(at) if "Mã vụ việc" in df.columns]


def test_district_csv_is_formula_safe_and_named_after_the_district(monkeypatch):
    import streamlit as st

    calls = []
    original = st.download_button

    def spy(label, data, *args, **kwargs):
        calls.append((label, data, kwargs))
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", spy)
    monkeypatch.setenv("TDN_EXACT_EXPORTS", "1")  # the case rows: only where users may see exact figures
    run_page("pages/huyen.py", {"prov": "40", "dist": "40417"}, user=make_user("analyst"))  # (never viewers)
    label, data, kwargs = calls[-1]
    assert kwargs["file_name"].startswith("vu-viec_40417-huyen-ky-son_") and kwargs["file_name"].endswith(".csv")
    csv = data.decode("utf-8-sig")
    assert csv.startswith("# DỮ LIỆU MINH HỌA")
    assert "'" + RISKY.replace('"', '""') in csv  # escaped with a leading apostrophe
    assert not any(cell.lstrip('"').startswith("=") for line in csv.splitlines() for cell in line.split(","))


def test_district_page_survives_a_map_layer_that_fails(monkeypatch):
    fail_maps(monkeypatch)
    at = run("pages/huyen.py", prov="40")
    assert LAYER_ERROR in text(at)
    assert at.selectbox(key="_huyen_pick")  # the list still works


def test_district_page_in_the_2025_era_offers_the_switch():
    at = run("pages/huyen.py", era="2025")
    assert "không còn cấp huyện" in text(at)
    at.button(key="huyen_era_switch").click().run()
    assert not at.exception
    assert "era" not in query(at) and "Chọn một huyện" in text(at)


# --- Phòng ngừa (prevention coverage) --------------------------------------------------------------------------
def test_prevention_page_against_the_published_target():
    from geo.data import store
    at = run("pages/phong_ngua.py", prov="40", period="2021")
    words = text(at)
    cover = store.coverage_frame(2021)
    nghe_an = cover[cover["province_code"] == "40"].iloc[0]
    assert f"{nghe_an['covered_communes']}/{nghe_an['key_communes']}" in words
    assert "Chỉ tiêu ≥ 30%" in words and "Baonghean" in words and "chỉ tiêu đã công bố" in words
    assert "trước sắp xếp 1/7/2025" in words and "mẫu số khác" in words  # which era's communes are counted
    progress = frame_with(at, "Tỷ lệ có mô hình")
    assert progress["Số xã trọng điểm"].sum() == nghe_an["key_communes"]
    assert progress["Có mô hình"].sum() == nghe_an["covered_communes"]  # districts add up to the province
    assert set(progress["Đạt chỉ tiêu"]) <= {"✔ Đạt", "✘ Chưa đạt"}
    assert at.toggle(key="_prevention_points").value
    assert query(at) == {"prov": "40", "period": "2021"}


def test_prevention_page_lists_the_communes_of_the_selected_district():
    at = run("pages/phong_ngua.py", prov="40", dist="40417", period="2023")
    assert "Các xã trọng điểm — Huyện Kỳ Sơn" in text(at)
    communes = frame_with(at, "Xã/phường")
    assert len(communes) and set(communes["Huyện"]) == {"Huyện Kỳ Sơn"}


def test_prevention_page_in_english_and_2025_units():
    at = run("pages/phong_ngua.py", lang="en", era="2025", prov="15", period="2022")
    words = text(at)
    assert "Prevention coverage" in words and "before the 1 July 2025 reorganisation" in words
    # the 2025 province holds two lists, each with its own (demo) target: one value, or the range of both
    import pandas as pd
    from geo import config as _config

    targets = pd.read_csv(_config.PROJECT_ROOT / "data" / "demo" / "demo_targets.csv", comment=None, skiprows=1,
                          dtype=str)
    values = sorted({int(v) for v in targets.loc[(targets["Năm"] == "2022") & targets["Mã tỉnh"].isin(["10", "15"]),
                                                 "Giá trị"]})
    expected = f"Target ≥ {values[0]}%" if len(values) == 1 else f"Target ≥ {values[0]}–{values[-1]}%"
    assert expected in words, expected
    lists = frame_with(at, "Province")
    assert sorted(lists["Province"]) == ["Tỉnh Lào Cai (former unit)", "Tỉnh Yên Bái (former unit)"]
    assert query(at)["era"] == "2025" and query(at)["lang"] == "en"


def test_prevention_page_says_when_there_is_no_list():
    at = run("pages/phong_ngua.py", prov="01")
    assert NO_DATA in text(at) and "Tỉnh Nghệ An" in text(at)  # and where lists exist
    at = run("pages/phong_ngua.py", prov="40", period="2019")
    assert NO_DATA in text(at) and "2021, 2022, 2023, 2024, 2025" in text(at)


def test_prevention_page_survives_failing_layers(monkeypatch):
    fail_maps(monkeypatch)
    at = run("pages/phong_ngua.py", prov="40")
    assert LAYER_ERROR in text(at)
    assert len(frame_with(at, "Tỷ lệ có mô hình")) == 9  # progress bars still render
    monkeypatch.undo()

    from geo.admin import cache
    real = cache.load_layer

    def no_communes(name, level=None):
        if name == "communes_2025":
            raise OSError("communes layer unreadable (test)")
        return real(name, level)

    monkeypatch.setattr(cache, "load_layer", no_communes)
    at = run("pages/phong_ngua.py", prov="40")
    assert "Không vẽ được lớp xã trọng điểm" in text(at) and LAYER_ERROR not in text(at)
    assert len(frame_with(at, "Tỷ lệ có mô hình")) == 9


def test_a_link_with_a_code_of_the_wrong_era_falls_back_to_the_whole_country():
    at = run("pages/tong_quan.py", era="2025", prov="10", dist="40417")  # 10 is no 2025 province
    assert not at.exception
    assert "prov" not in query(at) and "dist" not in query(at)
    assert at.sidebar.selectbox(key="_w_province").value == ""  # shown as "Toàn quốc"


def test_hotspot_page_shows_the_explanation_and_the_corridors():
    at = run("pages/diem_nong.py", period="2024", metric="cases", section="corridors")
    assert not at.exception
    body = text(at)
    assert "Phân tích điểm nóng" in body and "Hành lang tuyến trọng điểm" in body
    assert "dân số 2009" in body or "dân số năm 2009" in body


def test_hotspot_page_draws_only_the_open_tab_and_a_link_opens_the_same_tab():
    """Below the map: the ranking, the route corridors and the named hotspots in tabs; only the open tab's
    tables are drawn (the map is not kept waiting by the others), and ?section= names the open tab."""
    at = run("pages/diem_nong.py", period="2024", metric="cases")
    assert [tab.label for tab in at.tabs] == ["Xếp hạng", "Hành lang tuyến trọng điểm", "Điểm nóng được nêu tên"]
    assert len(at.dataframe) == 1 and "section" not in query(at)
    assert "Các đơn vị là điểm nóng thống kê" in text(at)
    corridors = run("pages/diem_nong.py", period="2024", metric="cases", section="corridors")
    assert len(corridors.dataframe) == 2 and query(corridors)["section"] == "corridors"
    assert "Hành lang tuyến trọng điểm (10 km)" in text(corridors).replace("\\", "")
    named = run("pages/diem_nong.py", period="2024", metric="cases", section="named", lang="en")
    assert [tab.label for tab in named.tabs] == ["Ranking", "Key route corridors", "Named hotspots"]
    assert len(named.dataframe) == 1 and "Named hotspots vs computed hotspots" in text(named)
