"""The folium maps: offline assets only, escaped text, credits and map conventions."""
from __future__ import annotations

import re

import folium
import folium.plugins
import geopandas as gpd
import pytest
import shapely

from geo.render.layers import PolygonLayer, Style
from geo.render.maps import MapView, admin_map, border_units_table
from geo.render.webmap import STATIC_DIR, OfflineAssetMissing, localize_assets, new_map

LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def _unescape_js(text: str) -> str:
    """Undo the \\uXXXX escapes that folium's JSON serialisation writes."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)


def _html(view: MapView) -> str:
    return _unescape_js(admin_map(view).fmap.get_root().render())


@pytest.fixture(scope="module")
def national_html() -> str:
    return _html(MapView())


def test_no_external_links(national_html):
    links = LINK.findall(national_html)
    assert links, "the map must load Leaflet from somewhere"
    external = [u for u in links if u.startswith(("http:", "https:", "//"))]
    assert external == []
    for url in links:
        assert url.startswith("/app/static/"), url
        assert (STATIC_DIR / url.removeprefix("/app/static/")).is_file(), f"{url} not installed in static/"


def test_no_tiles_by_default(national_html, monkeypatch):
    assert "L.tileLayer" not in national_html
    monkeypatch.setenv("TDN_TILE_URL", "http://tiles.example.invalid/{z}/{x}/{y}.png")
    assert "L.tileLayer" in _html(MapView(province="40"))


def test_national_view_conventions(national_html):
    for text in ("Biển Đông", "Quần đảo Hoàng Sa", "(Đà Nẵng, Việt Nam)", "Quần đảo Trường Sa",
                 "(Khánh Hòa, Việt Nam)", "Trung Quốc", "Lào", "Campuchia", "Biên giới Việt – Lào"):
        assert text in national_html, text
    assert "South China Sea" not in national_html
    english = _html(MapView(lang="en"))
    assert "East Sea" in english and "South China Sea" not in english


def test_credits_on_every_map(national_html):
    assert "Open Development Mekong" in national_html and "CC BY-SA 4.0" in national_html
    assert "Natural Earth" in national_html
    html_2025 = _html(MapView(era="2025", province="40"))
    assert "bando" in html_2025.lower() or "Bản đồ" in html_2025
    assert "giấy phép chưa rõ" in html_2025


def test_province_view_is_the_province():
    result = admin_map(MapView(province="40"))
    assert result.feature_count == 21
    assert "Tỉnh Nghệ An" in result.title
    names = set(result.units["unit_name"])
    assert "Huyện Kỳ Sơn" in names and any(n.startswith("Thị xã Cửa Lò") for n in names)


def test_the_chosen_district_is_outlined():
    import folium

    def selected(view):
        fmap = admin_map(view).fmap
        return [c for c in fmap._children.values() if isinstance(c, folium.GeoJson) and c.layer_name == "selected"]

    layers = selected(MapView(province="40", highlight="40417"))
    assert len(layers) == 1 and len(layers[0].data["features"]) == 1  # Kỳ Sơn, in its own layer over the units
    from shapely.geometry import shape

    from geo.admin.cache import load_layer

    ky_son = load_layer("districts_pre2025", "province").set_index("code").geometry["40417"]
    outline = shape(layers[0].data["features"][0]["geometry"])
    assert abs(outline.area - ky_son.area) / ky_son.area < 0.01
    html = admin_map(MapView(province="40", highlight="40417")).fmap.get_root().render()
    assert re.search(r"border-color:#111111;[^>]*></span><span>Huyện Kỳ Sơn</span>", html)  # named in the legend
    assert not selected(MapView(province="40"))
    assert not selected(MapView(province="42", highlight="40417"))  # not a unit of Hà Tĩnh: nothing drawn


def test_tooltips_carry_vietnamese_names_and_border_facts():
    html = _html(MapView(province="40"))
    assert "Huyện Kỳ Sơn" in html and "Việt – Lào: 187" in html
    assert "cách biên giới Việt – Lào" in html  # inland districts say how far the border is


def test_border_table_for_a_province():
    table = border_units_table(MapView(province="10"))
    assert set(table["unit_name"]) == {"Huyện Bát Xát", "Huyện Mường Khương", "Thành phố Lào Cai",
                                       "Huyện Si Ma Cai", "Huyện Bảo Thắng"}


def test_2025_era_maps():
    national = admin_map(MapView(era="2025"))
    assert national.feature_count == 34
    province = admin_map(MapView(era="2025", province="40"))
    assert province.feature_count == 130


def test_text_from_data_is_escaped():
    frame = gpd.GeoDataFrame({"code": ["x"], "name": ['<img src=x onerror="alert(1)">']},
                             geometry=[shapely.box(105, 20, 106, 21)], crs="EPSG:4326")
    fmap = new_map([[20, 105], [21, 106]], "credits")
    PolygonLayer("t", frame, {"a": Style()}, tooltip=[("name", "Tên <b>")]).add_to(fmap)
    raw = localize_assets(fmap).get_root().render()
    assert "<img src=x" not in raw
    html = _unescape_js(raw)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "Tên &lt;b&gt;" in html


def test_unknown_cdn_asset_is_refused():
    fmap = new_map([[20, 105], [21, 106]], "credits")
    folium.plugins.MarkerCluster().add_to(fmap)
    with pytest.raises(OfflineAssetMissing):
        localize_assets(fmap)


def test_localize_is_idempotent_and_per_map():
    first = new_map([[20, 105], [21, 106]], "a")
    localize_assets(first)
    localize_assets(first)
    assert all(url.startswith("/app/static/") for _, url in first.default_js)
    assert any(url.startswith("https://") for _, url in folium.Map.default_js)  # class lists untouched


def test_reference_layers_keep_sources_and_coordinate_quality():
    from geo.data import facts
    from geo.render.reference_layers import add_reference_layers

    fmap = new_map([[18.5, 103.8], [20.0, 105.8]], "credits")
    result = add_reference_layers(fmap, ("gates", "routes", "hotspots"), "vi", include_user=False)
    assert result.counts["gates"] == int(facts.gates()["has_coords"].sum())
    assert result.counts["hotspots"] > 0 and result.counts["routes"] > 0
    html = _unescape_js(localize_assets(fmap).get_root().render())
    assert "Cửa khẩu quốc tế Nậm Cắn" in html and "baonghean.vn" in html
    assert "không phải vị trí thật của cửa khẩu" in html  # the gate caveat travels with the point
    # centroid points are hollow and dashed; an exact point would be filled and solid
    assert '"dashArray": "4 3"' in html or '"dashArray":"4 3"' in html
    legend = [item.label for item in result.legend]
    assert "Đặt tại tâm xã (ước lượng)" in legend and "Vị trí chính xác (có nguồn)" in legend


def test_reference_popups_escape_text(monkeypatch):
    from geo.data import facts
    from geo.render.reference_layers import add_reference_layers

    gates = facts.gates().head(1).copy()
    gates["gate_name_vi"] = "<script>alert('x')</script>"
    gates["source"] = "<b>src</b>"
    monkeypatch.setattr(facts, "gates", lambda user_points=None: gates)
    fmap = new_map([[18.5, 103.8], [20.0, 105.8]], "credits")
    add_reference_layers(fmap, ("gates",), "vi")
    html = localize_assets(fmap).get_root().render()
    assert "<script>alert(" not in html and "<b>src</b>" not in html
    assert "&lt;script&gt;alert(" in html


def test_map_with_reference_layers_is_offline():
    html = _html(MapView(province="40", reference=("gates", "routes", "hotspots")))
    links = LINK.findall(html)
    assert links and all(u.startswith("/app/static/") for u in links)
    assert (STATIC_DIR / "vendor/jquery/jquery.min.js").is_file()


def test_a_map_loads_only_the_scripts_its_elements_use(national_html):
    """jQuery is for popups and awesome-markers for folium.Icon markers: a choropleth loads neither (each
    script is one more round trip before the map frame draws); a map with gate popups keeps jQuery, and
    the popups still open (their content is built with $())."""
    plain = LINK.findall(national_html)
    assert any(u.endswith("leaflet/leaflet.js") for u in plain)
    assert not [u for u in plain if "jquery" in u or "awesome-markers" in u or "fontawesome" in u], plain
    html = _html(MapView(province="40", reference=("gates", "routes", "hotspots")))
    links = LINK.findall(html)
    assert "$(" in html and any(u.endswith("jquery/jquery.min.js") for u in links)
    assert not [u for u in links if "awesome-markers" in u or "fontawesome" in u], links
    assert any(url.endswith("jquery-3.7.1.min.js") for _, url in folium.Map.default_js)  # class lists untouched


def test_a_choropleth_can_name_its_grey_class():
    from geo.stats import prevention
    from geo.render.maps import Choropleth

    values = {"40417": 66.0, "40415": None}
    cls = prevention.coverage_classes(values, 40)
    fmap = admin_map(MapView(province="40"), choropleth=Choropleth(values, cls, "Tỷ lệ (%)",
                                                                   no_data_label="Không có xã trọng điểm")).fmap
    html = fmap.get_root().render()
    assert "Không có xã trọng điểm" in html and "Không có dữ liệu" not in html


def test_the_context_under_a_province_is_fetched_once_not_sent_with_every_map(tmp_path):
    """Neighbouring countries and the other provinces are the same for every filter of a view: their GeoJSON
    is a content-named file (data/cache/web/, served at /map-layers/) that the browser fetches and keeps, not
    part of each map."""
    import json

    from geo.render.fetched import FetchedLayer, fetched_layer, layer_file

    fmap = admin_map(MapView(province="40")).fmap
    fetched = [c for c in fmap._children.values() if isinstance(c, FetchedLayer)]
    assert sorted(f.layer_name for f in fetched) == ["context", "neighbours"]
    for layer in fetched:
        url = json.loads(layer.url_json)
        assert url.startswith("/map-layers/")
        data = json.loads(layer_file(url.removeprefix("/map-layers/")).read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and len(data["features"]) == layer.feature_count > 0
    html = _unescape_js(fmap.get_root().render())
    assert len(html) < 400_000  # 1.07 MB with the context inside
    assert "Thanh Hóa" in html and "Lào" in html  # the names of the context are still on the map
    national = admin_map(MapView()).fmap
    assert [c.layer_name for c in national._children.values() if isinstance(c, FetchedLayer)] == ["neighbours"]
    # a folder that cannot be written: the layer is sent inside the map, as before
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    layer = PolygonLayer("neighbours", gpd.GeoDataFrame({"geometry": [shapely.box(100, 10, 101, 11)]}, crs=4326),
                         {"n": Style()}, interactive=False, id_column=None)
    assert fetched_layer(("test",), layer, blocked) is layer
    assert layer_file("../manifest.json") is None and layer_file("0" * 24 + ".json") is None


def test_the_map_script_is_a_file_the_browser_fetches(tmp_path):
    """The web map's Leaflet code is written once as a content-named script (served at /map-layers/ behind the
    sign-in): the component is handed its address, so the websocket never carries a megabyte of map."""
    import streamlit_folium as sf

    from geo.render.fetched import layer_file, media_type, published_script

    fmap = admin_map(MapView()).fmap
    fmap.get_root().render()
    script = sf._get_map_string(fmap)
    assert len(script) > 500_000  # the national map: its units, lines and tooltips
    url = published_script(script)
    assert url == published_script(script)  # same content, same name: written once
    name = url.removeprefix("/map-layers/")
    assert name.endswith(".js") and layer_file(name).read_text(encoding="utf-8") == script
    assert media_type(name).startswith("text/javascript") and media_type("0" * 24 + ".json") == "application/json"
    assert "var map_div = L.map(" in script  # the component's hand-over line after it names this map
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert published_script(script, blocked) is None  # the caller then sends the script itself
    assert layer_file("0" * 24 + ".js") is None and layer_file(name[:-3] + ".py") is None


def test_map_files_no_map_uses_are_pruned_and_a_map_in_use_keeps_its_file(tmp_path):
    """Scripts change with every filter and import: a file unused for a week is deleted, a used one is kept
    (touched), and a map whose file went is given it back before the browser asks for it."""
    import os
    import time

    from geo.render.fetched import KEEP_DAYS, keep, layer_file, prune, published_script

    old_url = published_script("var map_div = 1;", tmp_path)
    used_url = published_script("var map_div = 2;", tmp_path)
    week_ago = time.time() - KEEP_DAYS * 86400 - 60
    for url in (old_url, used_url):
        os.utime(tmp_path / url.removeprefix("/map-layers/"), (week_ago, week_ago))
    kept = keep(used_url, "var map_div = 2;", 0.0, tmp_path)  # shown again: touched
    assert keep(used_url, "var map_div = 2;", kept, tmp_path) == kept  # at most once an hour
    (tmp_path / "unrelated.txt").write_text("not ours")
    context = tmp_path / ("0" * 24 + ".json")  # a context layer: named by the scripts, never pruned
    context.write_text("{}")
    for path in (tmp_path / "unrelated.txt", context):
        os.utime(path, (week_ago, week_ago))
    assert prune(tmp_path) == 1
    assert not (tmp_path / old_url.removeprefix("/map-layers/")).exists()
    assert (tmp_path / used_url.removeprefix("/map-layers/")).exists() and (tmp_path / "unrelated.txt").exists()
    assert context.exists()
    (tmp_path / used_url.removeprefix("/map-layers/")).unlink()  # pruned by another process meanwhile
    keep(used_url, "var map_div = 2;", 0.0, tmp_path)
    assert (tmp_path / used_url.removeprefix("/map-layers/")).read_text() == "var map_div = 2;"
    assert layer_file(used_url.removeprefix("/map-layers/")) is None  # tmp_path is not the served folder


def test_an_english_map_names_the_province_in_english():
    """English views say "Lào Cai province" (diacritics kept), not the Vietnamese unit word "Tỉnh"."""
    from geo.views.mapspec import province_name, short_province

    assert province_name("pre2025", "10", "en") == "Lào Cai province"
    assert province_name("pre2025", "31", "en") == "Hải Phòng city"
    assert province_name("pre2025", "10") == "Tỉnh Lào Cai"
    assert short_province(province_name("pre2025", "10", "en")) == short_province("Tỉnh Lào Cai") == "Lào Cai"
    english = admin_map(MapView(province="10", lang="en"))
    assert "Lào Cai province" in english.title and "Tỉnh" not in english.title


def test_a_gate_popup_opens_clear_of_the_map_title():
    """The title panel sits at the top left: a gate's popup opened near the top pans the map below it."""
    from geo.render.reference_layers import POPUP_CLEAR_TOP_LEFT

    html = _html(MapView(province="40", reference=("gates",)))
    x, y = POPUP_CLEAR_TOP_LEFT
    assert re.search(rf'"autoPanPaddingTopLeft":\s*\[\s*{x},\s*{y}\s*\]', html)


def test_flow_destinations_hide_when_the_view_is_zoomed_far_beyond_their_frame():
    """A route leaving the view is labelled with its destination at the frame's edge; zoomed far out, that edge
    lies inland, so the map hides those labels (container class ``tdn-wide``) instead of writing "Trung Quốc"
    on Vietnamese land."""
    html = _html(MapView(province="40", reference=("routes",)))
    assert "tdn-label flow" in html
    assert "classList.toggle('tdn-wide'" in html and ".tdn-wide .tdn-label.flow { visibility: hidden; }" in html
    plain = _html(MapView(province="40"))
    assert "tdn-wide'" not in plain
