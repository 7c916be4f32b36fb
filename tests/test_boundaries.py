"""The real boundary files, read through geo.admin.boundaries and the prepared cache."""
from __future__ import annotations

import unicodedata

import geopandas as gpd
import pytest
import shapely

from geo.admin import boundaries, cache

from geo import config
from geo.admin.boundaries import METRIC_CRS, BoundaryDataMissing, check_sources
from geo.admin.cache import load_layer


@pytest.fixture(scope="module")
def districts() -> gpd.GeoDataFrame:
    cache.ensure_cache()
    return load_layer("districts_pre2025")


@pytest.fixture(scope="module")
def provinces() -> gpd.GeoDataFrame:
    return load_layer("provinces_pre2025")


def test_missing_folder_gives_one_clear_message(tmp_path, monkeypatch):
    monkeypatch.setenv("TDN_BOUNDARIES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(BoundaryDataMissing) as err:
        check_sources()
    message = str(err.value)
    assert str(tmp_path / "nowhere") in message
    assert "TDN_BOUNDARIES_DIR" in message and "SOURCES.md" in message


def test_missing_file_and_layer_are_named(tmp_path, monkeypatch):
    real = config.boundaries_dir()
    (tmp_path / "vn_admin_pre2025_odm.gpkg").symlink_to(real / "vn_admin_pre2025_odm.gpkg")
    monkeypatch.setenv("TDN_BOUNDARIES_DIR", str(tmp_path))
    with pytest.raises(BoundaryDataMissing) as err:
        check_sources(["districts_pre2025", "communes_2025", "neighbours"])
    message = str(err.value)
    assert "vn_admin_2025_bando.gpkg" in message and "neighbours_naturalearth.gpkg" in message
    assert "vn_admin_pre2025_odm.gpkg" not in message.split("Looked in")[0]


def test_layer_counts_per_era(districts, provinces):
    assert len(districts) == 702
    assert districts["code"].is_unique
    assert len(provinces) == 63
    assert len(load_layer("provinces_2025")) == 34
    assert len(load_layer("communes_2025")) == 3321
    assert load_layer("communes_2025")["code"].is_unique
    assert sorted(load_layer("border_segments")["border"]) == ["cambodia", "china", "laos"]


def test_names_are_nfc(districts):
    for name in list(districts["name_vi"]) + list(districts["prov_name_vi"]):
        assert unicodedata.normalize("NFC", name) == name


def test_every_district_nests_in_its_province(districts, provinces):
    metric_d = districts.to_crs(METRIC_CRS)
    metric_p = provinces.to_crs(METRIC_CRS).set_index("code")
    shares = [
        d.intersection(metric_p.loc[code, "geometry"]).area / d.area
        for d, code in zip(metric_d.geometry, metric_d["prov_code"])
    ]
    assert min(shares) > 0.999


def _touching(frame, province, border):
    rows = frame[(frame["prov_code"] == province) & frame[f"touches_{border}"]]
    return set(rows["name_vi"])


def test_nghe_an_laos_border_districts(districts):
    assert _touching(districts, "40", "laos") == {
        "Kỳ Sơn", "Quế Phong", "Tương Dương", "Con Cuông", "Thanh Chương", "Anh Sơn"}
    ky_son = districts[districts["code"] == "40417"].iloc[0]
    assert ky_son["shared_km_laos"] == pytest.approx(187, abs=2)
    assert ky_son["dist_km_laos"] == 0


def test_lao_cai_china_border_units(districts):
    assert _touching(districts, "10", "china") == {"Bát Xát", "Mường Khương", "Lào Cai", "Si Ma Cai", "Bảo Thắng"}
    city = districts[(districts["prov_code"] == "10") & (districts["name_vi"] == "Lào Cai")].iloc[0]
    assert city["type_2025"] == "Thành phố"


def test_border_counts_and_distances(districts, provinces):
    assert int(districts["touches_china"].sum()) == 34
    assert int(districts["touches_laos"].sum()) == 35
    assert int(districts["touches_cambodia"].sum()) == 35
    china_provinces = set(provinces.loc[provinces["touches_china"], "prov_name_vi"])
    assert {"Tỉnh Lào Cai", "Tỉnh Hà Giang", "Tỉnh Quảng Ninh"} <= china_provinces and len(china_provinces) == 7
    # an inland district: positive distance, consistent with the geometry in km
    quy_chau = districts[districts["code"] == "40416"].iloc[0]
    assert not quy_chau["touches_laos"] and 10 < quy_chau["dist_km_laos"] < 40
    assert quy_chau["nearest_border"] == "laos"
    hai_phong = districts[districts["prov_code"] == "31"]
    assert not hai_phong["touches_any"].any()


def test_neighbours_never_cover_vietnamese_territory(districts):
    neighbours = load_layer("neighbours")
    assert "VNM" not in set(neighbours["iso3"])
    vn = shapely.union_all(districts.to_crs(METRIC_CRS).geometry.to_numpy())
    overlap = neighbours.to_crs(METRIC_CRS).intersection(vn).area.sum() / 1e6
    assert overlap < 1.0  # km²: nothing but rounding slivers
    # Natural Earth draws China over the Paracels (Hoàng Sa); none of that may remain
    paracels = shapely.box(111.0, 15.5, 113.0, 17.5)
    spratlys = shapely.box(111.5, 7.0, 117.0, 11.5)
    assert not neighbours.intersects(paracels).any()
    assert not neighbours.intersects(spratlys).any()
    names = dict(zip(neighbours["iso3"], neighbours["name_vi"]))
    assert names["LAO"] == "Lào" and names["CHN"] == "Trung Quốc" and names["KHM"] == "Campuchia"


def test_archipelagos_are_vietnamese_districts(districts):
    hoang_sa = districts[districts["name_vi"] == "Hoàng Sa"].iloc[0]
    truong_sa = districts[districts["name_vi"] == "Trường Sa"].iloc[0]
    assert hoang_sa["prov_name_vi"] == "Thành phố Đà Nẵng"
    assert truong_sa["prov_name_vi"] == "Tỉnh Khánh Hòa"


@pytest.mark.parametrize("level", ["national", "province"])
def test_simplification_keeps_a_coverage(districts, level):
    simple = load_layer("districts_pre2025", level)
    assert len(simple) == len(districts) and not simple.geometry.is_empty.any()
    metric = simple.to_crs(METRIC_CRS)
    union_area = shapely.union_all(shapely.make_valid(metric.geometry.to_numpy())).area
    full_area = shapely.union_all(districts.to_crs(METRIC_CRS).geometry.to_numpy()).area
    assert abs(union_area - full_area) / full_area < 0.01  # no gaps opened, outline kept
    assert abs(metric.area.sum() - union_area) / union_area < 0.002  # no overlaps created
    coords = shapely.get_coordinates(simple.geometry.to_numpy())
    decimals = cache.LEVELS[level][1]
    assert (abs(coords * 10**decimals - (coords * 10**decimals).round()) < 1e-6).all()


def test_cache_is_reused_and_rebuilt_on_source_change(monkeypatch):
    cache.ensure_cache()
    assert cache.cache_is_current()
    assert cache.build_cache(verbose=False) is False  # current: nothing rebuilt
    real = boundaries.source_checksums()
    changed = dict(real, **{"province_63_to_34.csv": "0" * 64})
    monkeypatch.setattr(cache, "source_checksums", lambda: changed)
    assert not cache.cache_is_current()


def test_countries_a_national_view_can_show_are_land_not_sea():
    """At the widest national zoom the map shows Taiwan, the Philippines, Malaysia and Brunei: they are drawn
    as countries (Natural Earth 1:110m packaged with pyogrio), named in Vietnamese, never over Vietnamese
    islands."""
    from geo.admin.cache import distant_source

    assert distant_source() is not None, "pyogrio (pinned in requirements.txt) ships Natural Earth 1:110m"
    neighbours = load_layer("neighbours")
    names = dict(zip(neighbours["iso3"], neighbours["name_vi"]))
    assert names["PHL"] == "Phi-líp-pin" and names["MYS"] == "Ma-lai-xi-a" and names["TWN"] == "Đài Loan (Trung Quốc)"
    land = shapely.union_all(neighbours.geometry.to_numpy())
    for lon, lat in [(121.0, 14.6), (117.2, 5.6), (121.0, 23.8), (114.9, 4.6), (118.8, 9.8)]:  # Luzon, Sabah,
        assert land.contains(shapely.Point(lon, lat)), (lon, lat)  # Taiwan, Brunei, Palawan
