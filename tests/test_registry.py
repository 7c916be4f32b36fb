"""Tests of geo.admin.text and geo.admin.registry on the real data (boundary folder + vietnamadminunits package).

Run: /work/main/.venv/bin/python -m pytest tests/test_registry.py -q
"""
from __future__ import annotations

import csv
import json
import sqlite3
import unicodedata
from pathlib import Path

import pytest

from geo import config
from geo.admin.registry import (
    ERAS,
    LEVELS,
    AdminRegistry,
    GAPS_CSV_COLUMNS,
    Resolution,
    Unit,
    gaps_csv_path,
    load_registry,
    package_data_dir,
)
from geo.admin.text import accent_key, name_key, nfc, split_prefix, strip_diacritics

pytestmark = pytest.mark.skipif(
    not (config.boundaries_dir() / "crosswalk_odm_districts_to_gso.csv").exists(),
    reason="boundary folder not available",
)

# The 19 names listed in SOURCES.md §1 (early-2025 districts without a same-name boundary unit).
SOURCES_GAP_NAMES = {
    "Nam Từ Liêm", "Bắc Từ Liêm", "Quảng Hòa", "Vân Hồ", "Chũ", "Nghi Sơn", "Kỳ Anh", "Ba Đồn", "Thuận Hóa",
    "Phú Xuân", "Ia H'Drai", "Phú Riềng", "Bàu Bàng", "Bắc Tân Uyên", "Long Đất", "Phú Mỹ", "Cai Lậy",
    "Duyên Hải", "Long Mỹ",
}


@pytest.fixture(scope="module")
def reg() -> AdminRegistry:
    return load_registry()


@pytest.fixture(scope="module")
def legacy_db() -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{package_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    yield con
    con.close()


def _crosswalk() -> list[dict[str, str]]:
    with open(config.boundaries_dir() / "crosswalk_odm_districts_to_gso.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# --------------------------------------------------------------------------------------------------
# geo.admin.text
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("Kỳ Sơn", "Ky Son"), ("Đô Lương", "Do Luong"), ("Thừa Thiên Huế", "Thua Thien Hue"), ("ĐẮK LẮK", "DAK LAK")],
)
def test_strip_diacritics(raw: str, expected: str) -> None:
    assert strip_diacritics(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Huyện Kỳ Sơn", ("Huyện", "Kỳ Sơn")),
        ("TP. Lào Cai", ("Thành phố", "Lào Cai")),
        ("TP Lào Cai", ("Thành phố", "Lào Cai")),
        ("T.P. Vinh", ("Thành phố", "Vinh")),
        ("thành phố Vinh", ("Thành phố", "Vinh")),
        ("Quận 1", ("Quận", "1")),
        ("Q.1", ("Quận", "1")),
        ("Phường 10", ("Phường", "10")),
        ("P.10", ("Phường", "10")),
        ("TX. Cửa Lò", ("Thị xã", "Cửa Lò")),
        ("TX Cửa Lò", ("Thị xã", "Cửa Lò")),
        ("Thị trấn Mường Xén", ("Thị trấn", "Mường Xén")),
        ("TT. Mường Xén", ("Thị trấn", "Mường Xén")),
        ("H. Kỳ Sơn", ("Huyện", "Kỳ Sơn")),
        ("Xã Hữu Kiệm", ("Xã", "Hữu Kiệm")),
        ("Đặc khu Phú Quốc", ("Đặc khu", "Phú Quốc")),
        ("Tỉnh Nghệ An", ("Tỉnh", "Nghệ An")),
        ("huyen ky son", ("Huyện", "ky son")),
        ("Kỳ Anh (Thị xã)", ("Thị xã", "Kỳ Anh")),
        # Not prefixes: the first word carries other diacritics.
        ("Tĩnh Gia", ("", "Tĩnh Gia")),
        ("Phương Sơn", ("", "Phương Sơn")),
        ("Xà Phìn", ("", "Xà Phìn")),
        ("Huyện", ("", "Huyện")),
    ],
)
def test_split_prefix(raw: str, expected: tuple[str, str]) -> None:
    assert split_prefix(raw) == expected


def test_name_key() -> None:
    assert name_key("TX. Cửa Lò") == "cua lo"
    assert name_key("Huyện Kỳ Sơn") == name_key("huyen ky son") == name_key("Kỳ Sơn") == "ky son"
    assert name_key("Quận 1") == name_key("Q.01") == "1"
    assert name_key("Ia H'Drai") == name_key("Ia H’Drai") == "ia hdrai"
    assert name_key("Bà Rịa - Vũng Tàu") == "ba ria vung tau"
    assert name_key("  Đô   Lương ") == "do luong"


def test_tone_placement_variants() -> None:
    assert accent_key("Hoà Bình") == accent_key("Hòa Bình")
    assert accent_key("Thuỷ Nguyên") == accent_key("Thủy Nguyên")
    assert accent_key("Hòa") != accent_key("Hóa")
    assert accent_key(unicodedata.normalize("NFD", "Kỳ Sơn")) == accent_key("Kỳ Sơn")
    assert nfc(unicodedata.normalize("NFD", "Nghệ An")) == "Nghệ An"


# --------------------------------------------------------------------------------------------------
# Counts, codes, names
# --------------------------------------------------------------------------------------------------


def test_counts(reg: AdminRegistry, legacy_db: sqlite3.Connection) -> None:
    assert len(reg.units("province", "pre2025")) == 63
    assert len(reg.units("district", "pre2025")) == 702
    assert len(reg.units("province", "2025")) == 34
    assert len(reg.units("commune", "2025")) == 3321
    assert reg.units("district", "2025") == []
    n_wards = legacy_db.execute(
        "SELECT COUNT(DISTINCT wardCode) FROM admin_units_legacy WHERE wardCode IS NOT NULL"
    ).fetchone()[0]
    assert len(reg.units("commune", "pre2025")) == n_wards
    assert 10_000 <= n_wards <= 10_100
    assert len(reg.legacy_districts()) == 696


def test_codes_unique_and_well_formed(reg: AdminRegistry) -> None:
    for era in ERAS:
        for level in LEVELS:
            units = reg.units(level, era)
            codes = [u.code for u in units]
            assert len(codes) == len(set(codes)), (era, level)
            for unit in units:
                assert unit.era == era and unit.level == level
                if level == "province":
                    assert len(unit.code) == 2 and unit.code.isdigit()
                    assert unit.province_code == unit.code
                elif not unit.historical:
                    assert len(unit.code) == 5 and unit.code.isdigit(), unit
                    if level == "district":
                        assert unit.code[:2] == unit.province_code
                assert reg.get(unit.code, level, era) is unit


def test_names_nfc_and_types(reg: AdminRegistry) -> None:
    allowed = {
        "province": {"Tỉnh", "Thành phố"},
        "district": {"Huyện", "Quận", "Thị xã", "Thành phố"},
        "commune": {"Xã", "Phường", "Thị trấn", "Đặc khu"},
    }
    for era in ERAS:
        for level in LEVELS:
            for unit in reg.units(level, era):
                for text in (unit.name_vi, unit.full_name_vi, unit.province_name_vi, unit.district_name_vi or ""):
                    assert text == unicodedata.normalize("NFC", text), unit
                assert unit.name_vi and unit.full_name_vi.startswith(unit.unit_type + " "), unit
                assert unit.unit_type in allowed[level], unit
                assert unit.label().startswith(unit.full_name_vi)


def test_geometry_flags(reg: AdminRegistry) -> None:
    assert all(u.has_geometry for u in reg.units("district"))
    assert all(u.has_geometry for u in reg.units("commune", "2025"))
    assert not any(u.has_geometry for u in reg.units("commune", "pre2025"))


def test_historical_districts(reg: AdminRegistry) -> None:
    rows = _crosswalk()
    historical = [u for u in reg.units("district") if u.historical]
    assert len(historical) == 25 == sum(1 for r in rows if not r["code5_gso"])
    gso_codes = {r["code5_gso"] for r in rows if r["code5_gso"]}
    legacy_codes = {u.code for u in reg.legacy_districts()}
    for unit in historical:
        # A historical code must never be read as a current GSO code.
        assert unit.code not in gso_codes and unit.code not in legacy_codes, unit
        assert unit.successor_code and unit.successor_name_vi
        assert unit.code.lstrip("H")[:2] == unit.province_code
    by_code = {u.code: u for u in historical}
    assert by_code["40413"].name_vi == "Cửa Lò" and by_code["40413"].unit_type == "Thị xã"
    assert by_code["H79769"].name_vi == "Quận 2"  # 79769 is now Thành phố Thủ Đức
    assert reg.get("79769", "district").full_name_vi == "Thành phố Thủ Đức"
    assert by_code["H68682"].name_vi == "Đạ Tẻh"  # 68682 is now Huyện Đạ Huoai
    assert reg.get("68682", "district").name_vi == "Đạ Huoai"


def test_label_examples(reg: AdminRegistry) -> None:
    assert reg.get("40417", "district").label() == "Huyện Kỳ Sơn (Tỉnh Nghệ An)"
    assert reg.get("40", "province").label() == "Tỉnh Nghệ An"
    assert reg.get("16861", "commune").label() == "Xã Hữu Kiệm (Huyện Kỳ Sơn, Tỉnh Nghệ An)"
    assert reg.get("16849", "commune", "2025").label() == "Xã Hữu Kiệm (Tỉnh Nghệ An)"
    assert reg.get("40417", "district").label("en") == "Kỳ Sơn District (Nghệ An Province)"


# --------------------------------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Kỳ Sơn", "Ky Son", "Huyện Kỳ Sơn", "huyen ky son", "H. Kỳ Sơn", "KỲ SƠN", "Kì Sơn"])
@pytest.mark.parametrize("province", ["Nghệ An", "Nghe An", "40", "Tỉnh Nghệ An"])
def test_ky_son_in_nghe_an(reg: AdminRegistry, text: str, province: str) -> None:
    if text == "Kì Sơn":  # i/y spelling variants are not folded: must not be guessed silently
        res = reg.resolve(text, "district", province=province)
        assert not res.ok or res.unit.code == "40417"
        return
    res = reg.resolve(text, "district", "pre2025", province=province)
    assert res.ok, res.message()
    assert res.unit.code == "40417"
    assert res.unit.name_vi == "Kỳ Sơn" and not res.unit.historical


def test_ky_son_ambiguous(reg: AdminRegistry) -> None:
    for text in ("Kỳ Sơn", "Ky Son", "Huyện Kỳ Sơn"):
        res = reg.resolve(text, "district")
        assert res.status == "ambiguous" and res.unit is None
        assert {u.code for u in res.candidates} == {"40417", "17151"}
        assert res.candidates[0].code == "40417"  # current units before historical ones
        hoa_binh = [u for u in res.candidates if u.code == "17151"][0]
        assert hoa_binh.historical and hoa_binh.province_short == "Hòa Bình"
    message = reg.resolve("Kỳ Sơn").message()
    assert message == 'Tên "Kỳ Sơn" trùng ở 2 tỉnh: Nghệ An, Hòa Bình — hãy ghi rõ tỉnh.'
    assert "2 provinces" in reg.resolve("Kỳ Sơn").message("en")
    # Kỳ Sơn of Hòa Bình on its own:
    res = reg.resolve("Kỳ Sơn", province="Hòa Bình")
    assert res.ok and res.unit.code == "17151" and res.unit.historical


def test_chau_thanh_ambiguous(reg: AdminRegistry) -> None:
    res = reg.resolve("Châu Thành", "district")
    assert res.status == "ambiguous"
    assert len(res.candidates) == 10
    assert len({u.province_code for u in res.candidates}) == 10
    assert "10 tỉnh" in res.message()
    res = reg.resolve("Chau Thanh", "district", province="Tiền Giang")
    assert res.ok and res.unit.province_short == "Tiền Giang"


def test_prefix_narrows(reg: AdminRegistry) -> None:
    # Hà Tĩnh: Huyện Kỳ Anh is a boundary unit, Thị xã Kỳ Anh (2015) is a documented vintage gap.
    huyen = reg.resolve("Huyện Kỳ Anh", "district", province="Hà Tĩnh")
    assert huyen.ok and huyen.unit.code == "42447"
    thi_xa = reg.resolve("Thị xã Kỳ Anh", "district", province="Hà Tĩnh")
    assert thi_xa.status == "unknown" and thi_xa.reason == "vintage_gap"
    assert thi_xa.gap["district_code5"] == "42449"
    bare = reg.resolve("Kỳ Anh", "district", province="Hà Tĩnh")
    assert bare.status == "ambiguous" and [u.code for u in bare.candidates] == ["42447"]
    assert "Thị xã Kỳ Anh" in bare.message()
    # Đồng Tháp: both Thành phố and Huyện Cao Lãnh are boundary units.
    city = reg.resolve("TP Cao Lãnh", "district", province="Đồng Tháp")
    rural = reg.resolve("Huyện Cao Lãnh", "district", province="Đồng Tháp")
    assert city.ok and rural.ok and city.unit.code != rural.unit.code
    assert city.unit.unit_type == "Thành phố" and rural.unit.unit_type == "Huyện"
    assert reg.resolve("Cao Lãnh", "district", province="Đồng Tháp").status == "ambiguous"


@pytest.mark.parametrize("text", ["TP Lào Cai", "TP. Lào Cai", "Thành phố Lào Cai", "thanh pho lao cai", "Lào Cai"])
def test_tp_lao_cai(reg: AdminRegistry, text: str) -> None:
    res = reg.resolve(text, "district")
    assert res.ok, res.message()
    assert res.unit.full_name_vi == "Thành phố Lào Cai"
    assert res.unit.province_code == "10"
    assert res.unit.code == "10080"


@pytest.mark.parametrize("text", ["Thị xã Cửa Lò", "TX. Cửa Lò", "Cửa Lò", "cua lo", "40413"])
def test_cua_lo_historical(reg: AdminRegistry, text: str) -> None:
    res = reg.resolve(text, "district", "pre2025")
    assert res.ok, res.message()
    unit = res.unit
    assert unit.code == "40413" and unit.historical
    assert unit.successor_code == "40412"
    assert reg.get(unit.successor_code, "district").name_vi == "Vinh"
    assert "Vinh" in res.message() and "40412" in res.message()


def test_codes(reg: AdminRegistry) -> None:
    assert reg.resolve("40417").unit.code == "40417"
    assert reg.resolve("417").unit.code == "40417"  # 3-digit district codes are national
    assert reg.resolve("417", province="Nghệ An").unit.code == "40417"
    mismatch = reg.resolve("417", province="Hà Tĩnh")
    assert mismatch.status == "unknown" and mismatch.reason == "province_mismatch"
    assert reg.resolve("40", "province").unit.name_vi == "Nghệ An"
    assert reg.resolve("1", "province").unit.code == "01"
    assert reg.resolve("16861", "commune").unit.name_vi == "Hữu Kiệm"
    assert reg.resolve("H79769").unit.name_vi == "Quận 2"
    assert reg.resolve("79769").unit.name_vi == "Thủ Đức"
    gap = reg.resolve("01019")  # Quận Nam Từ Liêm: an early-2025 code the boundary layer lacks
    assert gap.reason == "vintage_gap" and "Từ Liêm" in gap.message()
    missing = reg.resolve("99999")
    assert missing.status == "unknown" and missing.reason == "code_not_found"


def test_numbered_districts(reg: AdminRegistry) -> None:
    for text in ("Quận 1", "Q.1", "Q1", "quan 1", "Quận 01"):
        res = reg.resolve(text, "district", province="Hồ Chí Minh")
        assert res.ok and res.unit.code == "79760", (text, res.message())
    res = reg.resolve("Phường 1", "commune", province="79", district="Quận 3")
    assert res.ok and res.unit.district_code == "79770"
    assert reg.resolve("Phường 1", "commune", province="79").status == "ambiguous"


def test_unknown_with_suggestions(reg: AdminRegistry) -> None:
    res = reg.resolve("Ky Sonn", "district")
    assert res.status == "unknown" and not res.ok
    assert 1 <= len(res.suggestions) <= 5
    assert {"40417", "17151"} <= {u.code for u in res.suggestions}
    message = res.message()
    assert message.startswith('Không tìm thấy "Ky Sonn"') and "Có phải: Kỳ Sơn (Nghệ An)" in message
    assert "Did you mean" in res.message("en")
    res = reg.resolve("Xyzxyz qwq", "district")
    assert res.status == "unknown" and res.suggestions == []


def test_other_province(reg: AdminRegistry) -> None:
    res = reg.resolve("Kỳ Sơn", "district", province="Hà Tĩnh")
    assert res.status == "unknown" and res.reason == "other_province"
    assert {u.code for u in res.suggestions} == {"40417", "17151"}
    bad = reg.resolve("Kỳ Sơn", "district", province="Atlantis")
    assert bad.status == "unknown" and bad.reason == "bad_province"


def test_wrong_era(reg: AdminRegistry) -> None:
    # A 2025-only ward name asked in the pre-2025 list.
    res = reg.resolve("Phường Thành Vinh", "commune", "pre2025")
    assert res.status == "unknown" and res.reason == "wrong_era"
    assert [u.era for u in res.other_era] == ["2025"] and res.other_era[0].province_short == "Nghệ An"
    assert "2025" in res.message() and "sai thời kỳ" in res.message()
    assert reg.resolve("Phường Thành Vinh", "commune", "2025").ok
    res = reg.resolve("Thành Vinh", "commune", "pre2025", province="Nghệ An")
    assert res.reason == "wrong_era"
    # A pre-2025 province asked in 2025 points to its successor.
    res = reg.resolve("Yên Bái", "province", "2025")
    assert res.reason == "wrong_era" and res.suggestions[0].name_vi == "Lào Cai"
    assert "Tỉnh Lào Cai" in res.message()
    # A legacy ward asked in 2025 points to the 2025 ward that absorbed it.
    res = reg.resolve("Phường Trúc Bạch", "commune", "2025", province="Hà Nội")
    assert res.reason == "wrong_era" and res.suggestions[0].era == "2025"
    # A district asked in 2025.
    res = reg.resolve("Kỳ Sơn", "district", "2025")
    assert res.reason == "no_districts_in_era" and "huyện" in res.message()
    res = reg.resolve("Huyện Kỳ Sơn", "commune", "2025")
    assert res.reason == "wrong_era" and res.other_era[0].level == "district"


@pytest.mark.parametrize(
    "text, code",
    [
        ("Hà Nội", "01"), ("Ha Noi", "01"), ("TP Hà Nội", "01"), ("Thành phố Hà Nội", "01"), ("HN", "01"),
        ("Thành phố Hồ Chí Minh", "79"), ("TP.HCM", "79"), ("TP HCM", "79"), ("HCM", "79"), ("Sài Gòn", "79"),
        ("Hồ Chí Minh", "79"), ("Huế", "46"), ("Thừa Thiên Huế", "46"), ("Thừa Thiên - Huế", "46"),
        ("Nghệ An", "40"), ("nghe an", "40"), ("Bà Rịa - Vũng Tàu", "77"), ("Ba Ria Vung Tau", "77"),
        ("Đắk Lắk", "66"), ("Dak Lak", "66"), ("Thanh Hoá", "38"), ("Hòa Bình", "17"), ("Hoà Bình", "17"),
    ],
)
def test_province_names_pre2025(reg: AdminRegistry, text: str, code: str) -> None:
    res = reg.resolve(text, "province", "pre2025")
    assert res.ok, res.message()
    assert res.unit.code == code


@pytest.mark.parametrize(
    "text, code",
    [("Hà Nội", "01"), ("TP.HCM", "79"), ("Sài Gòn", "79"), ("Huế", "46"), ("Thừa Thiên Huế", "46"), ("Lào Cai", "15"),
     ("Hải Phòng", "31"), ("Thanh Hóa", "38")],
)
def test_province_names_2025(reg: AdminRegistry, text: str, code: str) -> None:
    res = reg.resolve(text, "province", "2025")
    assert res.ok, res.message()
    assert res.unit.code == code


def test_province_63_to_34(reg: AdminRegistry) -> None:
    def new(name: str) -> Unit:
        return reg.province_2025_of(reg.resolve(name, "province", "pre2025").unit)

    assert new("Yên Bái").full_name_vi == "Tỉnh Lào Cai" and new("Yên Bái").code == "15"
    assert new("Lào Cai").code == "15"
    assert new("Hải Dương").full_name_vi == "Thành phố Hải Phòng"
    assert new("Nghệ An").full_name_vi == "Tỉnh Nghệ An"
    assert all(reg.province_2025_of(p).era == "2025" for p in reg.units("province"))
    assert {reg.province_2025_of(p).code for p in reg.units("province")} == {p.code for p in reg.units("province", "2025")}
    # Districts and communes follow their province; 2025 units map to their own province.
    assert reg.province_2025_of(reg.get("40417", "district")).code == "40"
    assert reg.province_2025_of(reg.get("15", "province")).code == "15"  # old Yên Bái -> Lào Cai
    assert reg.province_2025_of(reg.get("16849", "commune", "2025")).code == "40"


def test_units_filter_by_province(reg: AdminRegistry) -> None:
    nghe_an = reg.units("district", "pre2025", province="Nghệ An")
    assert len(nghe_an) == 21
    assert {u.name_vi for u in nghe_an} >= {"Vinh", "Cửa Lò", "Kỳ Sơn", "Đô Lương"}
    # A 2025 province used for pre-2025 units expands to its predecessors.
    assert len(reg.units("province", "pre2025", province=reg.get("15", "province", "2025"))) == 2
    assert len(reg.units("commune", "2025", province="Lào Cai")) == 99
    with pytest.raises(ValueError):
        reg.units("district", "pre2025", province="Atlantis")


def test_legacy_commune_to_2025(reg: AdminRegistry) -> None:
    huu_kiem = reg.resolve("Xã Hữu Kiệm", "commune", "pre2025", province="Nghệ An", district="Kỳ Sơn")
    assert huu_kiem.ok and huu_kiem.unit.code == "16861"
    targets = reg.communes_2025_of(huu_kiem.unit)
    assert [t.code for t in targets] == ["16849"]
    assert targets[0].full_name_vi == "Xã Hữu Kiệm" and targets[0].era == "2025"
    # Every legacy commune has at least one 2025 commune; split ones list the default target first.
    converter = json.loads((package_data_dir() / "converter_2025.json").read_text(encoding="utf-8"))
    n_split = sum(len(v) for v in converter["DICT_PROVINCE_WARD_DIVIDED"].values())
    multi = [u for u in reg.units("commune") if len(reg.communes_2025_of(u)) > 1]
    assert all(reg.communes_2025_of(u) for u in reg.units("commune"))
    assert len(multi) == n_split
    # Check default-first on the package's own data for one split ward.
    prov_key, olds = next(iter(converter["DICT_PROVINCE_WARD_DIVIDED"].items()))
    old_key, news = next(iter(olds.items()))
    default_key = [n["newWardKey"] for n in news if n["isDefaultNewWard"]][0]
    p, d, w = old_key.split("_")
    con = sqlite3.connect(f"file:{package_data_dir() / 'dataset.db'}?mode=ro", uri=True)
    old_code = con.execute(
        "SELECT wardCode FROM admin_units_legacy WHERE provinceKey=? AND districtKey=? AND wardKey=?", (p, d, w)
    ).fetchone()[0]
    default_code = con.execute(
        "SELECT wardCode FROM admin_units WHERE provinceKey=? AND wardKey=?", (prov_key, default_key)
    ).fetchone()[0]
    con.close()
    assert reg.communes_2025_of(reg.get(old_code, "commune"))[0].code == default_code


def test_facts_agree(reg: AdminRegistry) -> None:
    """Every legacy -> 2025 commune pair in the shared facts matches the registry (default target)."""
    facts = config.facts_dir()
    checked = 0
    for name in ("hotspots.csv", "admin_units_used.csv", "route_waypoints.csv"):
        path = facts / name
        if not path.exists():
            continue
        with open(path, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                old, new = row.get("commune_code"), row.get("commune_code_post2025")
                if old and new:
                    unit = reg.get(old, "commune")
                    assert unit is not None, old
                    assert reg.communes_2025_of(unit)[0].code == new, row
                    res = reg.resolve(row["commune_pre2025"], "commune", province=row["province_code"],
                                      district=row["district_code"])
                    assert res.ok and res.unit.code == old, res.message()
                    checked += 1
                if row.get("district_code") and row.get("province_code"):
                    res = reg.resolve(row["district_code"], "district", province=row["province_code"])
                    assert res.ok or res.reason == "vintage_gap", res.message()
    assert checked > 20, "the sourced facts must give legacy communes to check against"


def test_district_filter_for_legacy_communes(reg: AdminRegistry) -> None:
    # A historical boundary unit as filter covers the early-2025 districts carved from it.
    res = reg.resolve("Phường Mễ Trì", "commune", province="Hà Nội", district="Từ Liêm")
    assert res.ok and res.unit.district_code == "01019" and res.unit.district_name_vi == "Quận Nam Từ Liêm"
    assert reg.resolve("Phường Mễ Trì", "commune", province="Hà Nội", district="Nam Từ Liêm").ok
    # Right province, wrong district: reported with the place where the name exists.
    res = reg.resolve("Xã Hữu Kiệm", "commune", province="40", district="Cửa Lò")
    assert res.status == "unknown" and res.reason == "other_province"
    assert [u.code for u in res.suggestions] == ["16861"]
    bad = reg.resolve("Xã Hữu Kiệm", "commune", province="40", district="Khong Co")
    assert bad.reason == "bad_district" and "huyện" in bad.message()


def test_ba_che_code_alias(reg: AdminRegistry) -> None:
    # SOURCES.md §2: Xã Ba Chẽ is 06978 in the boundary layer but 06970 in vietnamadminunits.
    unit = reg.get("06978", "commune", "2025")
    assert unit is not None and unit.name_vi == "Ba Chẽ"
    assert reg.get("06970", "commune", "2025") is unit
    assert reg.resolve("06970", "commune", "2025").unit is unit


def test_alias_old_ward_name(reg: AdminRegistry) -> None:
    res = reg.resolve("Phường Nguyễn Trung Trực", "commune", "pre2025", province="Hà Nội")
    assert res.ok and res.unit.name_vi == "Trúc Bạch"


# --------------------------------------------------------------------------------------------------
# Vintage gaps
# --------------------------------------------------------------------------------------------------


def test_gaps_file_matches_sources(reg: AdminRegistry) -> None:
    with open(gaps_csv_path(), encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames) == GAPS_CSV_COLUMNS
        rows = list(reader)
    assert len(rows) == 19
    assert {split_prefix(r["district_name_vi"])[1] for r in rows} == SOURCES_GAP_NAMES
    computed = {g["district_code5"]: g for g in reg.computed_vintage_gaps()}
    assert set(computed) == {r["district_code5"] for r in rows}
    districts = {u.code for u in reg.units("district")}
    for row in rows:
        assert row["reason"].strip()
        assert row["boundary_units_covering"] == computed[row["district_code5"]]["boundary_units_covering"]
        covering = row["boundary_units_covering"].split(";")
        assert covering and set(covering) <= districts
        assert all(reg.get(c, "district").province_code == row["province_code"] for c in covering)
    assert len(reg.vintage_gaps()) == 19


def test_every_early_2025_district_resolves_or_is_documented(reg: AdminRegistry, legacy_db: sqlite3.Connection) -> None:
    gaps = {g["district_code5"] for g in reg.vintage_gaps()}
    rows = legacy_db.execute(
        "SELECT DISTINCT provinceCode, districtCode, district, districtShort FROM admin_units_legacy"
    ).fetchall()
    assert len(rows) == 696
    for prov, dist, full, short in rows:
        code5 = prov + dist
        for text in (full, short):  # "Huyện Kỳ Anh" and the gazetteer's "Kỳ Anh (Huyện)"
            res = reg.resolve(text, "district", "pre2025", province=prov)
            if code5 in gaps:
                assert res.status == "unknown" and res.reason == "vintage_gap", (text, res.message())
                assert res.gap["district_code5"] == code5
            else:
                assert res.ok and res.unit.code == code5, (text, res.message())
    # Bare short names: either unique, or ambiguous only because of a same-name unit in the province.
    for prov, dist, full, short in rows:
        bare = split_prefix(full)[1]
        res = reg.resolve(bare, "district", "pre2025", province=prov)
        assert res.ok or res.status == "ambiguous" or (res.reason == "vintage_gap"), (bare, res.message())


def test_gap_message_names_covering_units(reg: AdminRegistry) -> None:
    res = reg.resolve("Nam Từ Liêm", "district", province="Hà Nội")
    assert res.reason == "vintage_gap"
    assert [u.name_vi for u in res.gap["covering_units"]] == ["Từ Liêm"]
    msg = res.message()
    assert "ranh giới" in msg and "Huyện Từ Liêm" in msg
    assert "boundary" in res.message("en")
    res = reg.resolve("Huyện Quảng Hòa", "district")
    assert {u.name_vi for u in res.gap["covering_units"]} == {"Quảng Uyên", "Phục Hòa"}


# --------------------------------------------------------------------------------------------------
# Tables, performance
# --------------------------------------------------------------------------------------------------


def test_districts_dataframe(reg: AdminRegistry) -> None:
    df = reg.districts_dataframe()
    assert len(df) == 702
    for column in ("code", "name_vi", "full_name_vi", "unit_type", "province_code", "province_name_vi",
                   "province_2025_code", "province_2025_name", "historical", "successor_code"):
        assert column in df.columns
    assert df["code"].is_unique
    assert int(df["historical"].sum()) == 25
    rows = {r["unit_id"]: r for r in _crosswalk()}
    for record in df.itertuples():
        assert rows[str(record.unit_id)]["prov_code_2025new"] == record.province_2025_code
    cua_lo = df.set_index("code").loc["40413"]
    assert cua_lo["successor_code"] == "40412" and cua_lo["province_2025_code"] == "40"


def test_resolution_defaults() -> None:
    res = Resolution(query="x", level="district", era="pre2025", status="unknown")
    assert not res.ok and res.candidates == [] and res.suggestions == []
    assert isinstance(res.message(), str) and isinstance(res.message("en"), str)


def test_registry_is_built_once_per_process() -> None:
    # its build time is a speed target: bench/bench_data.py prints it (a timed test fails on a busy machine)
    assert load_registry() is load_registry()


def test_no_streamlit_in_geo() -> None:
    for path in Path(config.PROJECT_ROOT, "geo").glob("*.py"):
        assert "import streamlit" not in path.read_text(encoding="utf-8"), path
