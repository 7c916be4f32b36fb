"""Administrative registry of Vietnam for two eras: before the July 2025 reform and after it.

Eras and levels
---------------
- ``"pre2025"``: 63 provinces (2-digit GSO code), 702 districts (the units of the ODM boundary layer
  ``districts``; 5-digit code = ``code5_gso``, or for the 25 units discontinued before 2025 their
  historical ``odm_code``), and about 10,035 communes (legacy wards of ``vietnamadminunits``, 5-digit code).
- ``"2025"``: 34 provinces and 3,321 communes (attributes of ``communes_2025`` / ``provinces_2025`` in
  ``vn_admin_2025_bando.gpkg``). There are no districts in 2025.

Codes are unique per (era, level) but **not** across eras: pre-2025 province 15 is Yên Bái, 2025
province 15 is Lào Cai; commune codes are reused too. Always carry the era with a code.

Historical district codes
-------------------------
Eight discontinued units have an ``odm_code`` that GSO later gave to another unit (e.g. Quận 2 = 79769,
now Thành phố Thủ Đức; Đạ Tẻh = 68682, now Đạ Huoai; Từ Liêm = 01019, now Quận Nam Từ Liêm). They get the
code ``"H" + odm_code`` (``H79769``, ``H68682``, ...). The other 17 keep their ``odm_code`` (Cửa Lò = 40413).
See :data:`HISTORICAL_CODE_PREFIX` and the ``odm_code``/``unit_id`` columns of
:meth:`AdminRegistry.districts_dataframe` to join the boundary layer.

Sources (read, never copied): the boundary folder of :func:`geo.config.boundaries_dir` (``SOURCES.md``
§1, §2, §4) and the sqlite/JSON data of the installed PyPI package ``vietnamadminunits`` 1.0.4 (MIT),
read directly (the package's own functions are never called: they may geocode over the network).
The documented vintage gaps are in ``data/boundary_vintage_gaps.csv``.
"""
from __future__ import annotations

import csv
import functools
import importlib.util
import json
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from rapidfuzz import fuzz as rf_fuzz
from rapidfuzz import process as rf_process

from geo import config
from geo.admin.text import (
    PREFIX_LEVELS,
    accent_key,
    clean_spaces,
    nfc,
    plain_key,
    prefix_is_certain,
    split_prefix,
    strip_diacritics,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas

__all__ = [
    "ERAS",
    "LEVELS",
    "Unit",
    "Resolution",
    "AdminRegistry",
    "load_registry",
    "gaps_csv_path",
    "HISTORICAL_CODE_PREFIX",
]

ERAS = ("pre2025", "2025")
LEVELS = ("province", "district", "commune")
HISTORICAL_CODE_PREFIX = "H"

GAPS_CSV_COLUMNS = (
    "province_code",
    "province_name_vi",
    "district_code5",
    "district_name_vi",
    "reason",
    "boundary_units_covering",
)

# Unit type of the 25 discontinued districts (by odm_code); the crosswalk leaves ``type_2025`` empty
# for them. Confirmed where possible by the package's districtAlias ("thixacualo", "huyenkyson", ...).
_HISTORICAL_TYPES = {
    "01019": "Huyện",  # Từ Liêm
    "04044": "Huyện",  # Thông Nông
    "04046": "Huyện",  # Trà Lĩnh
    "04049": "Huyện",  # Quảng Uyên
    "04050": "Huyện",  # Phục Hòa
    "17151": "Huyện",  # Kỳ Sơn (Hòa Bình)
    "22204": "Huyện",  # Hoành Bồ
    "24221": "Huyện",  # Yên Dũng
    "36358": "Huyện",  # Mỹ Lộc
    "37369": "Thành phố",  # Ninh Bình
    "38405": "Huyện",  # Đông Sơn
    "38407": "Huyện",  # Tĩnh Gia
    "40413": "Thị xã",  # Cửa Lò
    "42448": "Huyện",  # Lộc Hà
    "46474": "Thành phố",  # Huế
    "46483": "Huyện",  # Nam Đông
    "49519": "Huyện",  # Nông Sơn
    "51526": "Huyện",  # Tây Trà
    "68682": "Huyện",  # Đạ Tẻh
    "68683": "Huyện",  # Cát Tiên
    "77752": "Huyện",  # Long Điền
    "77753": "Huyện",  # Đất Đỏ
    "77754": "Huyện",  # Tân Thành
    "79763": "Quận",  # Quận 9
    "79769": "Quận",  # Quận 2
}

# Extra province aliases (compact keys) not given by the package: code per era.
_PROVINCE_ALIASES = {
    "pre2025": {"saigon": "79", "tphcm": "79", "hcmc": "79", "thuathienhue": "46", "tthue": "46"},
    "2025": {"saigon": "79", "tphcm": "79", "hcmc": "79", "thuathienhue": "46", "tthue": "46"},
}

_TYPE_EN = {
    "Tỉnh": "Province",
    "Thành phố": "City",
    "Huyện": "District",
    "Quận": "Urban District",
    "Thị xã": "Town",
    "Thị trấn": "Township",
    "Xã": "Commune",
    "Phường": "Ward",
    "Đặc khu": "Special Zone",
}
_LEVEL_VI = {"province": "tỉnh", "district": "huyện", "commune": "xã"}
_LEVEL_EN = {"province": "province", "district": "district", "commune": "commune"}
_ERA_VI = {"pre2025": "trước 2025 (63 tỉnh)", "2025": "từ 7/2025 (34 tỉnh)"}
_ERA_EN = {"pre2025": "pre-2025 (63 provinces)", "2025": "2025 (34 provinces)"}


def _split_official(full_name: str, type_hint: str = "") -> tuple[str, str]:
    """(unit type, short name) of an official full name; numbered units keep their word ("Phường 1").

    The type is read from the name's prefix, which is more reliable than the gazetteer's type column
    (three legacy wards carry a wrong ``wardType``, e.g. "Thị trấn Ngọc Lặc" typed "Xã").
    """
    for unit_type in _OFFICIAL_TYPES:  # fast path: already canonical
        if full_name.startswith(unit_type) and full_name[len(unit_type): len(unit_type) + 1] == " ":
            rest = full_name[len(unit_type) + 1:]
            return unit_type, (full_name if rest.isdigit() else rest)
    full_name = _canonical_full(full_name)
    prefix, rest = split_prefix(full_name)
    if not prefix or not prefix_is_certain(full_name) or full_name.endswith(")"):
        return type_hint, full_name
    return prefix, (full_name if rest.isdigit() else rest)


_OFFICIAL_TYPES = tuple(sorted(PREFIX_LEVELS, key=len, reverse=True))


def _canonical_full(full_name: str) -> str:
    """Official full name with its prefix spelled canonically ("Thành Phố Bắc Kạn" -> "Thành phố Bắc Kạn")."""
    full_name = clean_spaces(full_name)
    for unit_type in _OFFICIAL_TYPES:  # fast path: already canonical
        if full_name.startswith(unit_type) and full_name[len(unit_type): len(unit_type) + 1] == " ":
            return full_name
    prefix, rest = split_prefix(full_name)
    if prefix and prefix_is_certain(full_name) and not full_name.startswith(prefix + " ") and not full_name.endswith(")"):
        return f"{prefix} {rest}"
    return full_name


def _short(full_name: str) -> str:
    """Name without its administrative prefix ("Tỉnh Nghệ An" -> "Nghệ An"; "Quận 3" stays "Quận 3")."""
    prefix, rest = split_prefix(full_name)
    return rest if prefix and not rest.isdigit() else full_name


# --------------------------------------------------------------------------------------------------
# Public data classes
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One administrative unit of one era.

    ``name_vi`` is the short official name ("Kỳ Sơn"; numbered units keep their word: "Quận 1"),
    ``full_name_vi`` the name with its type ("Huyện Kỳ Sơn"). ``district_code``/``district_name_vi`` are
    set for legacy (pre-2025) communes: the early-2025 district they belonged to (its code may be one of
    the documented vintage gaps, i.e. not a boundary unit). ``successor_code`` of a historical district is
    an early-2025 GSO code5, which can itself be a vintage gap (e.g. Tĩnh Gia -> 38407 Thị xã Nghi Sơn).
    """

    code: str
    name_vi: str
    full_name_vi: str
    unit_type: str
    level: str
    era: str
    province_code: str
    province_name_vi: str
    district_code: str | None = None
    has_geometry: bool = True
    historical: bool = False
    successor_code: str | None = None
    note: str = ""
    district_name_vi: str | None = None
    successor_name_vi: str | None = None

    @property
    def province_short(self) -> str:
        """Province name without prefix ("Nghệ An")."""
        return _short(self.province_name_vi)

    @property
    def district_short(self) -> str | None:
        """District name without prefix, for legacy communes."""
        return _short(self.district_name_vi) if self.district_name_vi else None

    def name_en(self) -> str:
        """English form: "Kỳ Sơn District", "District 1", "Nghệ An Province"."""
        type_en = _TYPE_EN.get(self.unit_type, self.unit_type)
        base = _base_name(self.full_name_vi, self.unit_type, self.name_vi)
        if base.isdigit():
            return f"{'District' if self.unit_type == 'Quận' else type_en} {base}"
        return f"{base} {type_en}"

    def label(self, lang: str = "vi") -> str:
        """Display label: "Huyện Kỳ Sơn (Tỉnh Nghệ An)"; provinces just their full name.

        Legacy communes also show their district: "Xã Hữu Kiệm (Huyện Kỳ Sơn, Tỉnh Nghệ An)".
        """
        if lang == "en":
            if self.level == "province":
                return self.name_en()
            province = Unit._province_en(self.province_name_vi)
            if self.district_name_vi:
                district = _short(self.district_name_vi)
                return f"{self.name_en()} ({district}, {province})"
            return f"{self.name_en()} ({province})"
        if self.level == "province":
            return self.full_name_vi
        if self.district_name_vi:
            return f"{self.full_name_vi} ({self.district_name_vi}, {self.province_name_vi})"
        return f"{self.full_name_vi} ({self.province_name_vi})"

    def short_label(self) -> str:
        """Compact form used in messages: "Kỳ Sơn (Nghệ An)", "Hữu Kiệm (Kỳ Sơn, Nghệ An)"."""
        if self.level == "province":
            return self.name_vi
        parts = [p for p in (self.district_short, self.province_short) if p]
        return f"{self.name_vi} ({', '.join(parts)})"

    @staticmethod
    def _province_en(full_name: str) -> str:
        prefix, rest = split_prefix(full_name)
        return f"{rest} {_TYPE_EN.get(prefix, '')}".strip() if prefix else full_name


@dataclass
class Resolution:
    """Outcome of :meth:`AdminRegistry.resolve`.

    ``status`` is "ok" (``unit`` set), "ambiguous" (``candidates`` holds every match) or "unknown"
    (``suggestions`` holds up to 5 closest names). ``reason`` refines "unknown"/"ambiguous":
    "" (plain), "vintage_gap" (an early-2025 district the boundary layer lacks; ``gap`` holds the row of
    ``data/boundary_vintage_gaps.csv`` plus ``covering_units``), "wrong_era" (``other_era`` holds the
    matches of the other era), "other_province" (found only outside the given province or district;
    listed in ``suggestions``), "no_districts_in_era", "bad_province", "bad_district", "province_mismatch",
    "code_not_found", "empty". ``note``/``note_en`` carry extra remarks for an "ok" result (alias used,
    type mismatch, diacritics differ); ``sub`` is the failed province/district look-up for "bad_province" /
    "bad_district".
    """

    query: str
    level: str
    era: str
    status: str
    unit: Unit | None = None
    candidates: list[Unit] = field(default_factory=list)
    suggestions: list[Unit] = field(default_factory=list)
    reason: str = ""
    other_era: list[Unit] = field(default_factory=list)
    gap: dict | None = None
    note: str = ""
    scope: str = ""  # human description of the province/district filter used, if any
    note_en: str = ""
    sub: "Resolution | None" = None

    def add_note(self, vi: str, en: str) -> None:
        """Append a remark in both languages."""
        self.note = f"{self.note} {vi}".strip()
        self.note_en = f"{self.note_en} {en}".strip()

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def code(self) -> str | None:
        """Code of the resolved unit, if any."""
        return self.unit.code if self.unit else None

    # -- messages -----------------------------------------------------------------------------------

    def message(self, lang: str = "vi") -> str:
        """One human sentence (Vietnamese by default, ``lang="en"`` for English)."""
        en = lang == "en"
        q = self.query
        if self.status == "ok" and self.unit is not None:
            return self._message_ok(en)
        if self.status == "ambiguous":
            return self._message_ambiguous(en)
        # unknown
        if self.reason == "empty":
            return "Empty value." if en else "Ô trống."
        if self.reason == "no_districts_in_era":
            return (
                "There are no districts after the July 2025 reform; use a province or a 2025 commune, "
                "or the pre-2025 era."
                if en
                else "Từ 1/7/2025 không còn cấp huyện; hãy dùng tỉnh hoặc xã/phường (danh mục 2025), "
                "hoặc chọn danh mục trước 2025."
            )
        if self.reason == "vintage_gap" and self.gap:
            return self._message_gap(en)
        if self.reason == "wrong_era" and self.other_era:
            labels = ", ".join(u.label("en" if en else "vi") for u in self.other_era[:5])
            if en:
                near = ", ".join(u.label("en") if self.era == "2025" else u.short_label() for u in self.suggestions)
                tail = ""
                if near:
                    tail = (
                        f" Its {_ERA_EN[self.era]} counterpart: {near}."
                        if self.era == "2025"
                        else f" Similar names in the {_ERA_EN[self.era]} list: {near}."
                    )
                return (
                    f'"{q}" is not in the {_ERA_EN[self.era]} list: it is a place of the '
                    f"{_ERA_EN[self.other_era[0].era]} list ({labels}). Use the right era.{tail}"
                )
            near = ", ".join(u.label() if self.era == "2025" else u.short_label() for u in self.suggestions)
            tail = ""
            if near:
                tail = (
                    f" Tương ứng trong danh mục {_ERA_VI[self.era]}: {near}."
                    if self.era == "2025"
                    else f" Tên gần giống trong danh mục {_ERA_VI[self.era]}: {near}."
                )
            return (
                f'Không tìm thấy "{q}" trong danh mục {_ERA_VI[self.era]}: đây là địa danh của danh mục '
                f"{_ERA_VI[self.other_era[0].era]} ({labels}) — địa danh sai thời kỳ.{tail}"
            )
        if self.reason == "other_province" and self.suggestions:
            where = ", ".join(u.short_label() for u in self.suggestions)
            if en:
                return f'"{q}" was not found in {self.scope}. That name exists in: {where}.'
            return f'Không tìm thấy "{q}" trong {self.scope}. Tên này có ở: {where}.'
        if self.reason in ("bad_province", "bad_district") and self.sub is not None:
            what = ("province" if self.reason == "bad_province" else "district") if en else (
                "tỉnh" if self.reason == "bad_province" else "huyện")
            return (f"Invalid {what} filter: " if en else f"Bộ lọc {what} không hợp lệ: ") + self.sub.message(
                "en" if en else "vi")
        if self.reason == "province_mismatch" and self.suggestions:
            unit = self.suggestions[0]
            if en:
                return f'Code "{q}" is {unit.label("en")}, not in {self.scope}.'
            return f'Mã "{q}" là {unit.label()}, không thuộc {self.scope}.'
        if self.reason == "code_not_found":
            level = _LEVEL_EN[self.level] if en else _LEVEL_VI[self.level]
            if en:
                text = f'No {level} code "{q}" in the {_ERA_EN[self.era]} list.'
                if self.other_era:
                    text += f" That code exists in the {_ERA_EN[self.other_era[0].era]} list: {self.other_era[0].label('en')} — check the era."
                return text
            text = f'Không có mã "{q}" ở cấp {level} trong danh mục {_ERA_VI[self.era]}.'
            if self.other_era:
                text += f" Mã này có trong danh mục {_ERA_VI[self.other_era[0].era]}: {self.other_era[0].label()} — kiểm tra thời kỳ."
            return text
        level = _LEVEL_EN[self.level] if en else _LEVEL_VI[self.level]
        era = {"pre2025": "pre-2025", "2025": "2025"}[self.era] if en else {"pre2025": "trước 2025", "2025": "từ 7/2025"}[self.era]
        where = f" {'in' if en else 'trong'} {self.scope}" if self.scope else ""
        if self.suggestions:
            sugg = ", ".join(u.short_label() for u in self.suggestions)
            if en:
                return f'"{q}" not found ({level}, {era}){where}. Did you mean: {sugg}?'
            return f'Không tìm thấy "{q}" (cấp {level}, {era}){where}. Có phải: {sugg}?'
        if en:
            return f'"{q}" not found ({level}, {era}){where}.'
        return f'Không tìm thấy "{q}" (cấp {level}, {era}){where}.'

    def _message_ok(self, en: bool) -> str:
        unit = self.unit
        assert unit is not None
        text = f'"{self.query}" → {unit.label("en" if en else "vi")}.'
        if unit.historical:
            successor = f"{unit.successor_name_vi} ({unit.successor_code})"
            if en:
                text += f" Historical unit, gone by early 2025; successor: {successor}."
            else:
                text += f" Đơn vị cũ, không còn tồn tại từ trước 2025; kế thừa: {successor}."
        note = self.note_en if en else self.note
        if note:
            text += " " + note
        return text

    def _message_ambiguous(self, en: bool) -> str:
        q = self.query
        cands = self.candidates
        provinces = list(dict.fromkeys(u.province_short for u in cands))
        gap_text = ""
        if self.gap:
            covering = ", ".join(u.short_label() for u in self.gap.get("covering_units", []))
            if en:
                gap_text = (
                    f" It may also be {self.gap['district_name_vi']} ({self.gap['province_name_vi']}), an "
                    f"early-2025 unit the boundary layer lacks (covered by {covering})."
                )
            else:
                gap_text = (
                    f" Cũng có thể là {self.gap['district_name_vi']} ({self.gap['province_name_vi']}), đơn vị "
                    f"mà bộ ranh giới không có (nằm trong {covering})."
                )
        if len(cands) == 1 and self.gap:
            u = cands[0]
            gap_name = f"{self.gap['district_name_vi']} ({self.gap['province_name_vi']})"
            covering = ", ".join(c.full_name_vi for c in self.gap.get("covering_units", []))
            if en:
                return (
                    f'"{q}" is ambiguous: {u.label("en")} or {gap_name}, an early-2025 unit that the boundary '
                    f"layer lacks (it lies in {covering}) — state the unit type (Huyện/Thị xã/Thành phố)."
                )
            return (
                f'Tên "{q}" chưa rõ: {u.label()} hay {gap_name}, đơn vị mà bộ ranh giới không có (nằm trong '
                f"{covering}) — hãy ghi rõ loại đơn vị (Huyện/Thị xã/Thành phố)."
            )
        if len(provinces) == len(cands):
            listed = ", ".join(provinces)
            if en:
                return f'"{q}" exists in {len(provinces)} provinces: {listed} — state the province.{gap_text}'
            return f'Tên "{q}" trùng ở {len(provinces)} tỉnh: {listed} — hãy ghi rõ tỉnh.{gap_text}'
        districts = list(dict.fromkeys(u.district_short for u in cands if u.district_short))
        if len(provinces) == 1 and len(districts) == len(cands):
            listed = ", ".join(districts)
            if en:
                return (
                    f'"{q}" exists in {len(districts)} districts of {cands[0].province_name_vi}: {listed} — '
                    f"state the district.{gap_text}"
                )
            return (
                f'Tên "{q}" trùng ở {len(districts)} huyện của {cands[0].province_name_vi}: {listed} — '
                f"hãy ghi rõ huyện.{gap_text}"
            )
        listed = "; ".join(u.label("en" if en else "vi") for u in cands[:12])
        more = f" (+{len(cands) - 12})" if len(cands) > 12 else ""
        if en:
            return f'"{q}" matches {len(cands)} units: {listed}{more} — be more specific (province, district or type).{gap_text}'
        return (
            f'Tên "{q}" khớp {len(cands)} đơn vị: {listed}{more} — hãy ghi rõ hơn (tỉnh, huyện hoặc loại '
            f"đơn vị).{gap_text}"
        )

    def _message_gap(self, en: bool) -> str:
        gap = self.gap or {}
        covering = ", ".join(u.label("en" if en else "vi") for u in gap.get("covering_units", []))
        name = f"{gap.get('district_name_vi')} ({gap.get('province_name_vi')}, {gap.get('district_code5')})"
        if en:
            return (
                f'"{self.query}" is {name}, an early-2025 district that the boundary layer (ODM, older vintage) '
                f"lacks ({gap.get('reason')}). Its territory lies in the boundary unit(s): {covering}. "
                f"Use one of these codes."
            )
        return (
            f'"{self.query}" là {name}, đơn vị cấp huyện có trong danh mục đầu 2025 nhưng bộ ranh giới '
            f"(ODM, phiên bản cũ) không có ({gap.get('reason')}). Lãnh thổ nằm trong đơn vị ranh giới: "
            f"{covering}. Hãy dùng mã của các đơn vị này."
        )


# --------------------------------------------------------------------------------------------------
# Index entries
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Entry:
    """A name in the look-up index: a registry unit or a documented vintage gap."""

    unit: Unit | None
    gap: dict | None
    acc: str
    plain: str
    compact: str
    unit_type: str
    province_code: str
    district_code: str | None
    aliases: tuple[str, ...] = ()


class _Index:
    """Name keys -> entries for one (era, level)."""

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.by_acc: dict[str, list[_Entry]] = defaultdict(list)
        self.by_plain: dict[str, list[_Entry]] = defaultdict(list)
        self.by_compact: dict[str, list[_Entry]] = defaultdict(list)
        self.by_alias: dict[str, list[_Entry]] = defaultdict(list)

    def add(self, entry: _Entry) -> None:
        self.entries.append(entry)
        self.by_acc[entry.acc].append(entry)
        self.by_plain[entry.plain].append(entry)
        self.by_compact[entry.compact].append(entry)
        for alias in entry.aliases:
            if alias and alias != entry.compact:
                self.by_alias[alias].append(entry)

    def tiers(self, acc: str, plain: str, compact: str) -> list[list[_Entry]]:
        """Candidate lists from the strictest to the loosest key."""
        return [
            self.by_acc.get(acc, []),
            self.by_plain.get(plain, []),
            self.by_compact.get(compact, []),
            self.by_alias.get(compact, []),
        ]


def _entry_for_unit(unit: Unit, aliases: Iterable[str] = ()) -> _Entry:
    base = _base_name(unit.full_name_vi, unit.unit_type, unit.name_vi)
    plain = plain_key(base)
    return _Entry(
        unit=unit,
        gap=None,
        acc=accent_key(base),
        plain=plain,
        compact=plain.replace(" ", ""),
        unit_type=unit.unit_type,
        province_code=unit.province_code,
        district_code=unit.district_code,
        aliases=tuple(dict.fromkeys(a for a in aliases if a)),
    )


def _base_name(full_name: str, unit_type: str, name_vi: str) -> str:
    """Name without its own type word: "Quận 1" -> "1", "Huyện Kỳ Sơn" -> "Kỳ Sơn"."""
    if unit_type and full_name.startswith(unit_type + " "):
        return full_name[len(unit_type) + 1:]
    return name_vi


# --------------------------------------------------------------------------------------------------
# Source reading
# --------------------------------------------------------------------------------------------------


def package_data_dir() -> Path:
    """Folder ``vietnamadminunits/data`` of the installed package (found without importing it)."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("PyPI package vietnamadminunits is not installed")
    return Path(list(spec.submodule_search_locations)[0]) / "data"


def gaps_csv_path() -> Path:
    """The committed list of early-2025 districts that the boundary vintage lacks."""
    return config.PROJECT_ROOT / "data" / "boundary_vintage_gaps.csv"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return [{k: nfc(v or "") for k, v in row.items()} for row in csv.DictReader(fh)]


def _read_gpkg_attributes(path: Path, layer: str, columns: list[str]) -> list[dict[str, str]]:
    """Attributes of one GeoPackage layer, without geometry (plain sqlite; pyogrio as fallback)."""
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            cur = con.execute(f'SELECT {", ".join(columns)} FROM "{layer}"')
            return [{c: nfc("" if v is None else str(v)) for c, v in zip(columns, row)} for row in cur]
        finally:
            con.close()
    except sqlite3.Error:  # pragma: no cover - only if the file is not plain sqlite-readable
        import pyogrio

        df = pyogrio.read_dataframe(path, layer=layer, read_geometry=False, columns=columns)
        return [{c: nfc("" if v is None else str(v)) for c, v in zip(columns, row)} for row in df.itertuples(index=False)]


def _read_sqlite(path: Path, sql: str) -> list[dict]:
    """Rows of a read-only sqlite query as dicts (column name -> value)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        cur = con.execute(sql)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur]
    finally:
        con.close()


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


# --------------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------------


class AdminRegistry:
    """All units of both eras, their look-up indexes and the old -> new links.

    Build it with :func:`load_registry` (cached). ``boundaries`` and ``package_data`` override the
    source folders (tests, other deployments).
    """

    def __init__(self, boundaries: Path | None = None, package_data: Path | None = None) -> None:
        self.boundaries_dir = Path(boundaries) if boundaries else config.boundaries_dir()
        self.package_data_dir = Path(package_data) if package_data else package_data_dir()
        self._units: dict[tuple[str, str], list[Unit]] = {}
        self._by_code: dict[tuple[str, str], dict[str, Unit]] = {}
        self._code_alias: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
        self._index: dict[tuple[str, str], _Index] = {}
        self._district_rows: dict[str, dict[str, str]] = {}  # registry district code -> crosswalk row
        self._prov_old_to_new: dict[str, str] = {}
        self._commune_targets: dict[str, list[str]] = {}  # legacy ward code -> 2025 ward codes (default first)
        self._legacy_districts: dict[str, Unit] = {}  # early-2025 district code5 -> Unit (696)
        self._legacy_district_index = _Index()
        self._gaps: dict[str, dict] = {}
        self._suggest_cache: dict = {}  # (index, scope, district scope) -> candidate names ("did you mean")
        self._load()

    # ---------------------------------------------------------------------------------------------
    # loading
    # ---------------------------------------------------------------------------------------------

    def _load(self) -> None:
        crosswalk = _read_csv(self.boundaries_dir / "crosswalk_odm_districts_to_gso.csv")
        prov_map = _read_csv(self.boundaries_dir / "province_63_to_34.csv")
        gpkg = self.boundaries_dir / "vn_admin_2025_bando.gpkg"
        communes_2025 = _read_gpkg_attributes(
            gpkg, "communes_2025", ["ward_code", "prov_code", "name_vi", "name_vi_full", "prov_name_vi"]
        )
        provinces_2025 = _read_gpkg_attributes(gpkg, "provinces_2025", ["prov_code", "prov_name_vi"])
        dataset = self.package_data_dir / "dataset.db"
        legacy = _read_sqlite(
            dataset,
            "SELECT provinceCode, province, provinceKey, provinceAlias, districtCode, district, districtShort, "
            "districtType, districtKey, districtAlias, wardCode, ward, wardShort, wardType, wardKey, wardAlias "
            "FROM admin_units_legacy",
        )
        current = _read_sqlite(
            dataset,
            "SELECT provinceCode, province, provinceKey, provinceAlias, wardCode, ward, wardShort, wardType, "
            "wardKey, wardAlias FROM admin_units",
        )
        with open(self.package_data_dir / "converter_2025.json", encoding="utf-8") as fh:
            converter = json.load(fh)

        self._prov_old_to_new = {r["old_code"]: r["new_code"] for r in prov_map}
        self._load_pre2025_provinces(crosswalk, legacy)
        self._load_pre2025_districts(crosswalk, legacy)
        self._load_legacy_communes(legacy)
        self._load_2025(prov_map, provinces_2025, communes_2025, current)
        self._load_converter(converter, legacy, current)
        self._load_gaps()

    def _register(self, era: str, level: str, units: list[Unit], aliases: dict[str, list[str]] | None = None) -> None:
        units = sorted(units, key=lambda u: u.code)
        by_code: dict[str, Unit] = {}
        for unit in units:
            if unit.code in by_code:
                raise ValueError(f"duplicate code {unit.code} in {era}/{level}")
            by_code[unit.code] = unit
        index = _Index()
        for unit in units:
            index.add(_entry_for_unit(unit, (aliases or {}).get(unit.code, [])))
        self._units[(era, level)] = units
        self._by_code[(era, level)] = by_code
        self._index[(era, level)] = index

    def _load_pre2025_provinces(self, crosswalk: list[dict], legacy: list[dict]) -> None:
        seen: dict[str, dict] = {}
        for row in crosswalk:
            seen.setdefault(row["prov_code"], row)
        pkg_alias: dict[str, set[str]] = defaultdict(set)
        for row in legacy:
            for alias in _json_list(row["provinceAlias"]):
                pkg_alias[row["provinceCode"]].add(alias)
        units, aliases = [], {}
        for code, row in seen.items():
            full = _canonical_full(row["prov_name_vi"])
            prefix, short = _split_official(full)
            units.append(Unit(code, short, full, prefix, "province", "pre2025", code, full, has_geometry=True))
            names = set(pkg_alias[code])
            if row.get("prov_name_odm"):
                names.add(plain_key(split_prefix(row["prov_name_odm"])[1]).replace(" ", ""))
            names |= {k for k, v in _PROVINCE_ALIASES["pre2025"].items() if v == code}
            aliases[code] = sorted(names)
        self._register("pre2025", "province", units, aliases)

    def _load_pre2025_districts(self, crosswalk: list[dict], legacy: list[dict]) -> None:
        provinces = self._by_code[("pre2025", "province")]
        legacy_code5 = {r["provinceCode"] + r["districtCode"] for r in legacy}
        gso_code5 = {r["code5_gso"] for r in crosswalk if r["code5_gso"]}
        odm_counts = Counter(r["odm_code"] for r in crosswalk if not r["code5_gso"])
        dist_alias: dict[str, set[str]] = defaultdict(set)
        for row in legacy:
            for alias in _json_list(row["districtAlias"]):
                dist_alias[row["provinceCode"] + row["districtCode"]].add(alias)
        units, aliases = [], {}
        for row in crosswalk:
            prov = provinces[row["prov_code"]]
            historical = not row["code5_gso"]
            if historical:
                odm = row["odm_code"]
                clash = odm in legacy_code5 or odm in gso_code5 or odm_counts[odm] > 1
                code = f"{HISTORICAL_CODE_PREFIX}{odm}" if clash else odm
                unit_type = _HISTORICAL_TYPES.get(odm, "Huyện")
                name = row["name_vi"]
                full = name if name.startswith(unit_type + " ") else f"{unit_type} {name}"
                successor = row["successor_code5_2025"] or None
                successor_name = row["successor_name_2025"] or None
                note = f"xw_status={row['xw_status']}"
                if clash:
                    note += f"; historical code {odm} is now used by another unit, registry code {code}"
            else:
                code = row["code5_gso"]
                unit_type = row["type_2025"]
                name = row["name_vi"]
                full = _canonical_full(row["name_vi_full_2025"] or f"{unit_type} {name}")
                successor = None
                successor_name = None
                note = ""
            unit = Unit(
                code=code,
                name_vi=name,
                full_name_vi=full,
                unit_type=unit_type,
                level="district",
                era="pre2025",
                province_code=prov.code,
                province_name_vi=prov.full_name_vi,
                has_geometry=True,
                historical=historical,
                successor_code=successor,
                note=note,
                successor_name_vi=successor_name,
            )
            units.append(unit)
            self._district_rows[code] = row
            aliases[code] = sorted(dist_alias.get(row["code5_gso"], ())) if not historical else []
        self._register("pre2025", "district", units, aliases)

        # The 696 early-2025 districts of the package (used to narrow communes and for the vintage check).
        seen: set[str] = set()
        for row in legacy:
            code5 = row["provinceCode"] + row["districtCode"]
            if code5 in seen:
                continue
            seen.add(code5)
            prov = provinces[row["provinceCode"]]
            unit_type, short = _split_official(nfc(row["district"]), nfc(row["districtType"]))
            unit = Unit(
                code=code5,
                name_vi=short,
                full_name_vi=_canonical_full(row["district"]),
                unit_type=unit_type,
                level="district",
                era="pre2025",
                province_code=prov.code,
                province_name_vi=prov.full_name_vi,
                has_geometry=code5 in gso_code5,
                note="" if code5 in gso_code5 else "early-2025 district without its own boundary unit",
            )
            self._legacy_districts[code5] = unit
            self._legacy_district_index.add(_entry_for_unit(unit))

    def _load_legacy_communes(self, legacy: list[dict]) -> None:
        provinces = self._by_code[("pre2025", "province")]
        units, aliases = [], {}
        for row in legacy:
            if not row["wardCode"]:
                continue  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, Hoàng Sa, Lý Sơn, Côn Đảo)
            prov = provinces[row["provinceCode"]]
            district = self._legacy_districts[row["provinceCode"] + row["districtCode"]]
            unit_type, short = _split_official(nfc(row["ward"]), nfc(row["wardType"]))
            unit = Unit(
                code=row["wardCode"],
                name_vi=short,
                full_name_vi=_canonical_full(row["ward"]),
                unit_type=unit_type,
                level="commune",
                era="pre2025",
                province_code=prov.code,
                province_name_vi=prov.full_name_vi,
                district_code=district.code,
                district_name_vi=district.full_name_vi,
                has_geometry=False,
            )
            units.append(unit)
            aliases[unit.code] = _json_list(row["wardAlias"])
        self._register("pre2025", "commune", units, aliases)

    def _load_2025(self, prov_map: list[dict], provinces_2025: list[dict], communes: list[dict], current: list[dict]) -> None:
        full_names = {r["new_code"]: r["new_name"] for r in prov_map}
        pkg_alias: dict[str, set[str]] = defaultdict(set)
        for row in current:
            for alias in _json_list(row["provinceAlias"]):
                pkg_alias[row["provinceCode"]].add(alias)
        units, aliases = [], {}
        for row in provinces_2025:
            code = row["prov_code"]
            full = _canonical_full(full_names.get(code) or row["prov_name_vi"])
            prefix, short = _split_official(full)
            units.append(Unit(code, short, full, prefix, "province", "2025", code, full, has_geometry=True))
            aliases[code] = sorted(pkg_alias[code] | {k for k, v in _PROVINCE_ALIASES["2025"].items() if v == code})
        self._register("2025", "province", units, aliases)
        provinces = self._by_code[("2025", "province")]

        pkg_by_code = {r["wardCode"]: r for r in current}
        pkg_by_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for r in current:
            pkg_by_name[(r["provinceCode"], plain_key(r["wardShort"]))].append(r)
        units, aliases = [], {}
        for row in communes:
            full = _canonical_full(row["name_vi_full"])  # fixes "xã Bắc Sơn" (Lạng Sơn)
            unit_type, _ = _split_official(full)
            prov = provinces[row["prov_code"]]
            notes = []
            pkg = pkg_by_code.get(row["ward_code"])
            if pkg is None:
                same = pkg_by_name.get((row["prov_code"], plain_key(row["name_vi"])), [])
                if len(same) == 1:
                    pkg = same[0]
                    self._code_alias[("2025", "commune")][pkg["wardCode"]] = row["ward_code"]
                    notes.append(f"vietnamadminunits code {pkg['wardCode']}")
            if pkg is not None and pkg["wardType"] and pkg["wardType"] != unit_type:
                notes.append(f"vietnamadminunits type {pkg['wardType']}")
            units.append(
                Unit(
                    code=row["ward_code"],
                    name_vi=row["name_vi"],
                    full_name_vi=full,
                    unit_type=unit_type,
                    level="commune",
                    era="2025",
                    province_code=prov.code,
                    province_name_vi=prov.full_name_vi,
                    has_geometry=True,
                    note="; ".join(notes),
                )
            )
            aliases[row["ward_code"]] = _json_list(pkg["wardAlias"]) if pkg else []
        self._register("2025", "commune", units, aliases)

    def _load_converter(self, converter: dict, legacy: list[dict], current: list[dict]) -> None:
        legacy_code = {
            f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}": r["wardCode"] for r in legacy
        }
        by_code_2025 = self._by_code[("2025", "commune")]
        alias = self._code_alias[("2025", "commune")]
        new_code: dict[tuple[str, str], str] = {}
        for r in current:
            code = r["wardCode"]
            new_code[(r["provinceKey"], r["wardKey"])] = code if code in by_code_2025 else alias.get(code, code)
        targets: dict[str, list[tuple[bool, str]]] = defaultdict(list)
        for prov_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for ward_key, olds in wards.items():
                for old in olds:
                    code = legacy_code.get(old)
                    if code:
                        targets[code].append((True, new_code[(prov_key, ward_key)]))
        for prov_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old, news in olds.items():
                code = legacy_code.get(old)
                if not code:
                    continue
                for item in news:
                    targets[code].append((bool(item.get("isDefaultNewWard")), new_code[(prov_key, item["newWardKey"])]))
        self._commune_targets = {
            code: list(dict.fromkeys(c for _, c in sorted(items, key=lambda t: not t[0]))) for code, items in targets.items()
        }

    def _load_gaps(self) -> None:
        path = gaps_csv_path()
        if not path.exists():
            return
        districts = self._by_code[("pre2025", "district")]
        index = self._index[("pre2025", "district")]
        for row in _read_csv(path):
            covering = [c for c in row["boundary_units_covering"].split(";") if c]
            gap = dict(row)
            gap["boundary_units_covering"] = covering
            gap["covering_units"] = [districts[c] for c in covering if c in districts]
            self._gaps[row["district_code5"]] = gap
            unit_type, base = split_prefix(row["district_name_vi"])
            plain = plain_key(base)
            index.add(
                _Entry(
                    unit=None,
                    gap=gap,
                    acc=accent_key(base),
                    plain=plain,
                    compact=plain.replace(" ", ""),
                    unit_type=unit_type,
                    province_code=row["province_code"],
                    district_code=None,
                )
            )

    # ---------------------------------------------------------------------------------------------
    # simple access
    # ---------------------------------------------------------------------------------------------

    @staticmethod
    def _check(level: str, era: str) -> None:
        if era not in ERAS:
            raise ValueError(f"era must be one of {ERAS}, not {era!r}")
        if level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, not {level!r}")

    def units(self, level: str, era: str = "pre2025", province: str | None = None) -> list[Unit]:
        """All units of a level and era, sorted by code; ``province`` (code or name) filters.

        Districts in era "2025" do not exist: the list is empty. An unknown province raises ValueError.
        """
        self._check(level, era)
        units = self._units.get((era, level), [])
        if province is None:
            return list(units)
        scope = self._province_scope(province, era)
        if isinstance(scope, Resolution):
            raise ValueError(scope.message("en"))
        return [u for u in units if u.province_code in scope]

    def get(self, code: str, level: str, era: str = "pre2025") -> Unit | None:
        """Unit by exact code (also the package's code for the one 2025 commune whose code differs)."""
        self._check(level, era)
        code = str(code).strip()
        table = self._by_code.get((era, level), {})
        unit = table.get(code)
        if unit is None and code in self._code_alias.get((era, level), {}):
            unit = table.get(self._code_alias[(era, level)][code])
        return unit

    def legacy_districts(self, province: str | None = None) -> list[Unit]:
        """The 696 early-2025 districts of ``vietnamadminunits`` (``has_geometry`` False for the 19 gaps).

        These are *not* the registry's pre2025 district units (the 702 boundary units); use them to
        read data keyed to early-2025 district codes, then :meth:`vintage_gaps` for the 19 missing ones.
        """
        units = sorted(self._legacy_districts.values(), key=lambda u: u.code)
        if province is None:
            return units
        scope = self._province_scope(province, "pre2025")
        if isinstance(scope, Resolution):
            raise ValueError(scope.message("en"))
        return [u for u in units if u.province_code in scope]

    def vintage_gaps(self) -> list[dict]:
        """Early-2025 districts that the boundary vintage lacks (``data/boundary_vintage_gaps.csv``).

        Each dict has the CSV columns (``boundary_units_covering`` as a list of registry district codes)
        plus ``covering_units`` (the :class:`Unit` objects).
        """
        return [dict(g) for g in sorted(self._gaps.values(), key=lambda g: g["district_code5"])]

    def province_2025_of(self, unit: Unit) -> Unit:
        """The 2025 province of a unit of either era (pre-2025 provinces merged whole into one)."""
        if unit.era == "2025":
            code = unit.code if unit.level == "province" else unit.province_code
        else:
            old = unit.code if unit.level == "province" else unit.province_code
            code = self._prov_old_to_new[old]
        return self._by_code[("2025", "province")][code]

    def communes_2025_of(self, legacy_commune: Unit | str) -> list[Unit]:
        """2025 commune(s) that absorbed a legacy commune; for split communes the default one first."""
        if isinstance(legacy_commune, Unit):
            if legacy_commune.era != "pre2025" or legacy_commune.level != "commune":
                raise ValueError("communes_2025_of expects a pre2025 commune")
            code = legacy_commune.code
        else:
            code = str(legacy_commune).strip().zfill(5)
        table = self._by_code[("2025", "commune")]
        return [table[c] for c in self._commune_targets.get(code, []) if c in table]

    def code_for_boundary_unit(self, unit_id: int | str) -> str | None:
        """Registry district code of a feature of the boundary layer ``districts`` (by its ``unit_id``)."""
        if not hasattr(self, "_code_by_unit_id"):
            self._code_by_unit_id = {row["unit_id"]: code for code, row in self._district_rows.items()}
        return self._code_by_unit_id.get(str(unit_id).strip())

    def districts_dataframe(self) -> "pandas.DataFrame":
        """One row per pre2025 district unit (702), with 2025 province and boundary join columns.

        Columns: code, name_vi, full_name_vi, unit_type, province_code, province_name_vi,
        province_2025_code, province_2025_name, historical, successor_code, successor_name, has_geometry,
        code5_gso, odm_code, unit_id, xw_status. Join the boundary layer on ``unit_id`` (or ``code5_gso``
        when not empty, or ``odm_code`` for historical units).
        """
        import pandas as pd

        rows = []
        for unit in self._units[("pre2025", "district")]:
            src = self._district_rows[unit.code]
            p2025 = self.province_2025_of(unit)
            rows.append(
                {
                    "code": unit.code,
                    "name_vi": unit.name_vi,
                    "full_name_vi": unit.full_name_vi,
                    "unit_type": unit.unit_type,
                    "province_code": unit.province_code,
                    "province_name_vi": unit.province_name_vi,
                    "province_2025_code": p2025.code,
                    "province_2025_name": p2025.full_name_vi,
                    "historical": unit.historical,
                    "successor_code": unit.successor_code,
                    "successor_name": src["successor_name_2025"] if unit.historical else None,
                    "has_geometry": unit.has_geometry,
                    "code5_gso": src["code5_gso"] or None,
                    "odm_code": src["odm_code"],
                    "unit_id": int(src["unit_id"]),
                    "xw_status": src["xw_status"],
                }
            )
        return pd.DataFrame(rows)

    # ---------------------------------------------------------------------------------------------
    # resolution
    # ---------------------------------------------------------------------------------------------

    def resolve(
        self,
        text: str,
        level: str = "district",
        era: str = "pre2025",
        province: str | None = None,
        district: str | None = None,
        suggest: bool = True,
    ) -> Resolution:
        """Resolve a code or a name to one unit, reporting ambiguity and near misses.

        ``text`` may be a code ("40417"; "417" is a national 3-digit district code; "40" a province) or a
        name with or without diacritics and prefix. ``province`` (code or name, of either era) and
        ``district`` (legacy communes only: an early-2025 district code or name) narrow the search.
        ``suggest=False`` skips the "did you mean" look-up of a name not found (a caller that only needs
        to know whether the name exists, e.g. in the other era).
        """
        self._check(level, era)
        query = clean_spaces("" if text is None else str(text))
        res = Resolution(query=query, level=level, era=era, status="unknown")
        if not query:
            res.reason = "empty"
            return res
        if level == "district" and era == "2025":
            res.reason = "no_districts_in_era"
            return res

        scope: set[str] | None = None
        if province is not None and str(province).strip() and level != "province":
            found = self._province_scope(province, era)
            if isinstance(found, Resolution):
                res.reason, res.sub, res.suggestions = "bad_province", found, found.suggestions
                return res
            scope = found
            res.scope = self._describe_scope(scope, era)
        dscope: set[str] | None = None
        if district is not None and str(district).strip() and level == "commune" and era == "pre2025":
            found_d = self._district_scope(district, scope)
            if isinstance(found_d, Resolution):
                res.reason, res.sub, res.suggestions = "bad_district", found_d, found_d.suggestions
                return res
            dscope = found_d
            names = ", ".join(self._legacy_districts[c].full_name_vi for c in sorted(dscope) if c in self._legacy_districts)
            res.scope = f"{names}" + (f", {res.scope}" if res.scope else "")

        if self._looks_like_code(query):
            by_code = self._resolve_code(res, query, scope, dscope)
            if by_code.ok or len(query) > 3 or level == "province":
                return by_code
            # Short numbers may be names of numbered units ("1" for Quận 1 with province HCM).
            by_name = self._resolve_name(
                Resolution(query=query, level=level, era=era, status="unknown", scope=res.scope), query, scope, dscope,
                suggest,
            )
            return by_name if by_name.status in ("ok", "ambiguous") else by_code
        return self._resolve_name(res, query, scope, dscope, suggest)

    # -- codes -----------------------------------------------------------------------------------------

    @staticmethod
    def _looks_like_code(query: str) -> bool:
        q = query.replace(" ", "")
        if q[:1] in ("H", "h") and q[1:].isdigit() and len(q) == 6:
            return True
        return q.isdigit()

    def _resolve_code(self, res: Resolution, query: str, scope: set[str] | None, dscope: set[str] | None) -> Resolution:
        level, era = res.level, res.era
        q = query.replace(" ", "").upper()
        table = self._by_code[(era, level)]
        unit: Unit | None = None
        gap: dict | None = None
        if level == "province":
            unit = table.get(q.zfill(2)) if len(q) <= 2 else None
        elif level == "district":
            if len(q) == 5 or q.startswith(HISTORICAL_CODE_PREFIX):
                unit = table.get(q)
                if unit is None and q.startswith(HISTORICAL_CODE_PREFIX):
                    bare = table.get(q[1:])  # "H40413" for a historical unit that kept its odm_code
                    unit = bare if bare is not None and bare.historical else None
                gap = self._gaps.get(q) if unit is None else None
            elif len(q) <= 3:
                d3 = q.zfill(3)
                matches = [u for u in table.values() if u.code[-3:] == d3 and (scope is None or u.province_code in scope)]
                if len(matches) == 1:
                    unit = matches[0]
                elif len(matches) > 1:  # a historical odm code sharing 3 digits with a current unit
                    current = [u for u in matches if not u.historical]
                    unit = current[0] if len(current) == 1 else None
                if unit is None:
                    gaps = [g for c, g in self._gaps.items() if c[-3:] == d3 and (scope is None or g["province_code"] in scope)]
                    gap = gaps[0] if len(gaps) == 1 else None
                if unit is None and gap is None and scope is not None:
                    elsewhere = [u for u in table.values() if u.code[-3:] == d3 and not u.historical]
                    unit = elsewhere[0] if len(elsewhere) == 1 else None  # reported as province_mismatch
        else:
            if len(q) <= 5:
                unit = self.get(q.zfill(5), level, era)
        if unit is None and gap is not None:
            res.reason = "vintage_gap"
            res.gap = gap
            return res
        if unit is None:
            res.reason = "code_not_found"
            other = [e for e in ERAS if e != era][0]
            other_unit = None
            if (other, level) in self._by_code and self._by_code[(other, level)]:
                size = {"province": 2, "district": 5, "commune": 5}[level]
                other_unit = self._by_code[(other, level)].get(q.zfill(size)) if len(q) <= size else None
            res.other_era = [other_unit] if other_unit is not None else []
            return res
        if scope is not None and unit.province_code not in scope:
            res.reason = "province_mismatch"
            res.suggestions = [unit]
            return res
        if dscope is not None and unit.district_code not in dscope:
            res.reason = "province_mismatch"
            res.suggestions = [unit]
            return res
        res.status = "ok"
        res.unit = unit
        return res

    # -- names -----------------------------------------------------------------------------------------

    def _parses(self, query: str, level: str) -> list[tuple[str, str]]:
        """(required unit type or "", name part) readings of a query, most specific first."""
        prefix, rest = split_prefix(query)
        readings: list[tuple[str, str]] = []
        if prefix and level in PREFIX_LEVELS.get(prefix, ()):
            readings.append((prefix, rest))
            if not prefix_is_certain(query):
                readings.append(("", query))
        else:
            readings.append(("", query))
            if prefix and not prefix_is_certain(query):
                # "tinh gia": maybe a prefix of another level typed without accents; try without it too.
                readings.append(("", rest))
        return readings

    @staticmethod
    def _in_scope(entry: _Entry, scope: set[str] | None, dscope: set[str] | None) -> bool:
        if scope is not None and entry.province_code not in scope:
            return False
        if dscope is not None and entry.district_code not in dscope:
            return False
        return True

    def _match(
        self,
        index: _Index,
        query: str,
        level: str,
        scope: set[str] | None,
        dscope: set[str] | None,
        use_type: bool = True,
        max_tier: int = 3,
    ) -> tuple[list[_Entry], int]:
        """Entries of the best tier over all readings of ``query`` (tier 0 = exact with diacritics)."""
        best_tier = 99
        found: list[_Entry] = []
        for required_type, name in self._parses(query, level):
            acc, plain = accent_key(name), plain_key(name)
            for tier, entries in enumerate(index.tiers(acc, plain, plain.replace(" ", ""))):
                if tier > best_tier or tier > max_tier:
                    break
                hits = [
                    e
                    for e in entries
                    if self._in_scope(e, scope, dscope)
                    and (not use_type or tier == 3 or not required_type or e.unit_type == required_type)
                ]
                if hits:
                    if tier < best_tier:
                        best_tier, found = tier, []
                    found.extend(h for h in hits if h not in found)
                    break
        return found, best_tier

    def _resolve_name(self, res: Resolution, query: str, scope: set[str] | None, dscope: set[str] | None,
                      suggest: bool = True) -> Resolution:
        level, era = res.level, res.era
        index = self._index[(era, level)]
        found, tier = self._match(index, query, level, scope, dscope)
        if not found:
            loose, loose_tier = self._match(index, query, level, scope, dscope, use_type=False)
            if loose:
                found, tier = loose, loose_tier
                prefix = split_prefix(query)[0]
                kinds = ", ".join(sorted({e.unit_type for e in loose}))
                if prefix:
                    res.add_note(
                        f'(Loại đơn vị ghi "{prefix}" nhưng trong danh mục là "{kinds}".)',
                        f'(Unit type written "{prefix}" but listed as "{kinds}".)',
                    )
        units = [e.unit for e in found if e.unit is not None]
        gaps = [e.gap for e in found if e.gap is not None]
        has_marks = strip_diacritics(query) != query
        if units and tier in (1, 2) and has_marks:
            # Typed with diacritics that match nothing here exactly: an exact name of the other era wins.
            other_exact = self._other_era_matches(query, level, era, scope, max_tier=0)
            if other_exact:
                res.reason, res.other_era = "wrong_era", other_exact[:5]
                res.suggestions = self._order(units)[:5]
                return res
        if tier == 3 and units:
            res.add_note(
                "(Khớp theo tên cũ/bí danh trong vietnamadminunits.)",
                "(Matched an old name/alias listed by vietnamadminunits.)",
            )
        elif tier in (1, 2) and has_marks and len(units) == 1 and not gaps:
            res.add_note(
                f'(Khớp khi bỏ dấu; tên chính thức: "{units[0].full_name_vi}".)',
                f'(Matched ignoring diacritics; official name: "{units[0].full_name_vi}".)',
            )
        if units and not gaps and len(units) == 1:
            res.status, res.unit = "ok", units[0]
            return res
        if units:
            res.status, res.candidates = "ambiguous", self._order(units)
            res.gap = gaps[0] if gaps else None
            if gaps:
                res.reason = "vintage_gap"
            return res
        if gaps:
            res.reason, res.gap = "vintage_gap", gaps[0]
            return res

        # Nothing in scope. Same era and province but another district?
        if dscope is not None:
            same_province, _ = self._match(index, query, level, scope, None)
            near = [e.unit for e in same_province if e.unit is not None]
            if near:
                res.reason, res.suggestions = "other_province", self._order(near)[:5]
                return res
        # In the other era (same province scope)?
        other = self._other_era_matches(query, level, era, scope)
        if other:
            res.reason, res.other_era = "wrong_era", other[:5]
            res.suggestions = self._successors_in(era, other) or (
                self._suggest(index, query, level, scope, dscope) if suggest else [])
            return res
        # Elsewhere in the same era?
        if scope is not None or dscope is not None:
            elsewhere, _ = self._match(index, query, level, None, None)
            elsewhere_units = [e.unit for e in elsewhere if e.unit is not None]
            if elsewhere_units:
                res.reason = "other_province"
                near_first = sorted(self._order(elsewhere_units), key=lambda u: scope is None or u.province_code not in scope)
                res.suggestions = near_first[:5]
                return res
        res.suggestions = self._suggest(index, query, level, scope, dscope) if suggest else []
        return res

    def _successors_in(self, era: str, units: list[Unit]) -> list[Unit]:
        """For pre-2025 units found when era "2025" was asked: their 2025 counterparts (max 5)."""
        if era != "2025":
            return []
        out: list[Unit] = []
        for unit in units:
            if unit.era != "pre2025":
                continue
            targets = self.communes_2025_of(unit) if unit.level == "commune" else [self.province_2025_of(unit)]
            out.extend(t for t in targets if t not in out)
        return out[:5]

    @staticmethod
    def _order(units: list[Unit]) -> list[Unit]:
        """Current units before historical ones, then by province and code."""
        return sorted(units, key=lambda u: (u.historical, u.province_code, u.code))

    def _other_era_matches(
        self, query: str, level: str, era: str, scope: set[str] | None, max_tier: int = 3
    ) -> list[Unit]:
        other = "2025" if era == "pre2025" else "pre2025"
        targets = [(other, level)] if (other, level) in self._index and self._units.get((other, level)) else []
        if era == "pre2025" and level == "district":
            targets.append(("2025", "commune"))
        if era == "2025" and level == "commune":
            targets.append(("pre2025", "district"))
        other_scope = None
        if scope is not None:
            if other == "2025":
                other_scope = {self._prov_old_to_new[c] for c in scope}
            else:
                other_scope = {old for old, new in self._prov_old_to_new.items() if new in scope}
        out: list[Unit] = []
        for key in targets:
            found, _ = self._match(self._index[key], query, key[1], other_scope, None, max_tier=max_tier)
            out.extend(e.unit for e in found if e.unit is not None and e.unit not in out)
        return self._order(out)

    def _suggest(self, index: _Index, query: str, level: str, scope: set[str] | None, dscope: set[str] | None) -> list[Unit]:
        """Up to 5 units whose loose name is closest to the query: the similarity of difflib's
        ``get_close_matches`` (cut-off 0.6), computed by ``rapidfuzz`` (normalised InDel ratio), over the
        candidate names of the scope, built once per (era, level, province, district) and cached."""
        keys, names = self._suggest_candidates(index, scope, dscope)
        out: list[Unit] = []
        probes = list(dict.fromkeys(plain_key(name) for _, name in self._parses(query, level)))
        close: list[str] = []
        for probe in probes:
            found = rf_process.extract(probe, names, scorer=rf_fuzz.ratio, processor=None, limit=5, score_cutoff=60)
            close.extend(k for k, _, _ in found if k not in close)
        for key in close:
            for unit in keys[key]:
                if unit not in out:
                    out.append(unit)
        return out[:5]

    def _suggest_candidates(self, index: _Index, scope: set[str] | None,
                            dscope: set[str] | None) -> tuple[dict[str, list[Unit]], list[str]]:
        """The loose names of the index's units in scope (each with its units, in display order), cached per
        scope: a file with thousands of misspelt names in one province builds the list once."""
        cache_key = (id(index), frozenset(scope) if scope is not None else None,
                     frozenset(dscope) if dscope is not None else None)
        cached = self._suggest_cache.get(cache_key)
        if cached is None:
            by_province = self._suggest_cache.get(("by_province", id(index)))
            if by_province is None:
                by_province = defaultdict(list)
                for entry in index.entries:
                    if entry.unit is not None:
                        by_province[entry.province_code].append(entry)
                self._suggest_cache[("by_province", id(index))] = by_province
            entries = (index.entries if scope is None
                       else [e for code in sorted(scope) for e in by_province.get(code, ())])
            keys: dict[str, list[Unit]] = defaultdict(list)
            for entry in entries:
                if entry.unit is not None and self._in_scope(entry, scope, dscope):
                    keys[entry.plain].append(entry.unit)
            keys = {k: self._order(v) for k, v in keys.items()}
            cached = (keys, list(keys))
            if len(self._suggest_cache) > 5000:
                self._suggest_cache = {k: v for k, v in self._suggest_cache.items() if k[0] == "by_province"}
            self._suggest_cache[cache_key] = cached
        return cached

    # -- scopes ----------------------------------------------------------------------------------------

    def _province_scope(self, province: "str | Unit", era: str) -> set[str] | Resolution:
        """Province filter -> set of province codes of ``era`` (a province of the other era is mapped). The
        answer for a text filter is remembered (a big file names the same few provinces on every row); a
        filter that finds nothing is not (its answer is a fresh :class:`Resolution` each time)."""
        if isinstance(province, str):
            memo = self.__dict__.setdefault("_scope_memo", {})
            hit = memo.get((province, era))
            if hit is None:
                hit = self._province_scope_of(province, era)
                if isinstance(hit, Resolution):
                    return hit
                if len(memo) < 10_000:
                    memo[(province, era)] = frozenset(hit)
            return set(hit)
        return self._province_scope_of(province, era)

    def _province_scope_of(self, province: "str | Unit", era: str) -> set[str] | Resolution:
        if isinstance(province, Unit):
            if province.level != "province":
                province = province.province_code if province.era == era else self.province_2025_of(province).code
            elif province.era == era:
                return {province.code}
            elif era == "2025":
                return {self.province_2025_of(province).code}
            else:
                return {old for old, new in self._prov_old_to_new.items() if new == province.code}
        res = self.resolve(str(province), level="province", era=era)
        if res.ok and res.unit:
            return {res.unit.code}
        other = "2025" if era == "pre2025" else "pre2025"
        res_other = self.resolve(str(province), level="province", era=other)
        if res_other.ok and res_other.unit:
            if era == "2025":
                return {self._prov_old_to_new[res_other.unit.code]}
            return {old for old, new in self._prov_old_to_new.items() if new == res_other.unit.code}
        return res

    def _describe_scope(self, scope: set[str], era: str) -> str:
        table = self._by_code[(era, "province")]
        return ", ".join(table[c].full_name_vi for c in sorted(scope) if c in table)

    def _district_scope(self, district: str, scope: set[str] | None) -> set[str] | Resolution:
        """District filter for legacy communes -> set of early-2025 district code5s."""
        text = clean_spaces(str(district))
        if text.isdigit() and len(text) == 5 and text in self._legacy_districts:
            return {text}
        if text.isdigit() and len(text) <= 3:
            d3 = text.zfill(3)
            codes = {c for c in self._legacy_districts if c[-3:] == d3 and (scope is None or c[:2] in scope)}
            return codes or self._district_error(text, scope)
        codes: set[str] = set()
        if not self._looks_like_code(text):
            found, _ = self._match(self._legacy_district_index, text, "district", scope, None)
            codes = {e.unit.code for e in found if e.unit is not None}
            if codes:
                return codes
        # A boundary-layer unit, e.g. historical "Cửa Lò" / "H01019": its successor and the early-2025
        # districts whose territory it covers (vintage gaps).
        res = self.resolve(text, level="district", era="pre2025", province=None)
        candidates = [res.unit] if res.ok and res.unit else res.candidates
        for unit in candidates:
            if scope is not None and unit.province_code not in scope:
                continue
            wanted = {unit.code}
            if unit.historical:
                wanted.add(unit.successor_code or "")
                wanted |= {c for c, g in self._gaps.items() if unit.code in g["boundary_units_covering"]}
            codes |= {c for c in wanted if c in self._legacy_districts}
        return codes or self._district_error(text, scope)

    def _district_error(self, text: str, scope: set[str] | None = None) -> Resolution:
        """A failed district filter, with close early-2025 district names as suggestions."""
        res = Resolution(query=text, level="district", era="pre2025", status="unknown")
        if not text.isdigit():
            res.suggestions = self._suggest(self._legacy_district_index, text, "district", scope, None)
        return res

    # -- derived tables --------------------------------------------------------------------------------

    def computed_vintage_gaps(self, threshold: float = 0.8) -> list[dict]:
        """Recompute the gap list from the sources (without the hand-written ``reason``).

        Gaps are the early-2025 districts whose code5 is no ``code5_gso`` of the boundary layer. The
        covering boundary units come from the crosswalk's centroid counts (``xw_n``,
        ``xw_share_of_unit``, ``successor_code5_2025``, ``xw_other``): units are taken by decreasing
        count until ``threshold`` of the gap's counted centroids is reached (ties included).
        """
        counts: dict[str, Counter] = defaultdict(Counter)
        for code, row in self._district_rows.items():
            n = int(row["xw_n"] or 0)
            if not n:
                continue
            counts[row["successor_code5_2025"]][code] += round(float(row["xw_share_of_unit"] or 0) * n)
            for part in filter(None, row["xw_other"].split(";")):
                target, k = part.split(":")
                counts[target][code] += int(k)
        gso = {row["code5_gso"] for row in self._district_rows.values() if row["code5_gso"]}
        out = []
        for code5, unit in sorted(self._legacy_districts.items()):
            if code5 in gso:
                continue
            ranked = counts[code5].most_common()
            total = sum(k for _, k in ranked) or 1
            chosen, acc, last = [], 0, None
            for code, k in ranked:
                if acc / total >= threshold and k != last:
                    break
                chosen.append(code)
                acc += k
                last = k
            out.append(
                {
                    "province_code": unit.province_code,
                    "province_name_vi": unit.province_name_vi,
                    "district_code5": code5,
                    "district_name_vi": unit.full_name_vi,
                    "boundary_units_covering": ";".join(chosen),
                }
            )
        return out


@functools.lru_cache(maxsize=1)
def load_registry() -> AdminRegistry:
    """The process-wide registry (built once, in memory, from the boundary folder and the package)."""
    return AdminRegistry()
