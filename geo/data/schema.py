"""Tables of the case store (SQLAlchemy Core) and the columns users import, in Vietnamese and English.

Everything a page, the importer or a template needs to know about a table lives here:

- the controlled vocabularies (forms of exploitation, reporting agencies, prevention-model types and
  statuses, coordinate quality, eras of place names), each value with a Vietnamese and an English label
  and the spellings accepted on import;
- :data:`IMPORT_KINDS`: for every importable table, its columns (:class:`ColumnSpec`) with the Vietnamese
  header used in templates, the English header, other accepted spellings, type and whether it is required;
- :data:`metadata`: the stored tables. Every data row carries ``import_id`` (which import wrote it, so it
  can be undone) and ``is_demo`` (demonstration data, never mixed silently with real figures).

The SQL is portable (SQLite by default, PostgreSQL possible): no engine-specific types or statements.
See ``data/SCHEMA.md`` for the same content written for data officers.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date as _date

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

#: Current schema version; :mod:`geo.data.store` migrates a database up to it.
SCHEMA_VERSION = 5

DEMO_LABEL = "DỮ LIỆU MINH HỌA / DEMO DATA"
DEMO_LABEL_VI = "DỮ LIỆU MINH HỌA"
DEMO_LABEL_EN = "DEMO DATA"
#: Sentence for pages and exports that show demo rows.
DEMO_NOTICE = {
    "vi": "DỮ LIỆU MINH HỌA: các số liệu có đánh dấu minh họa do máy sinh ngẫu nhiên, không phải số liệu thật.",
    "en": "DEMO DATA: figures marked as demo are randomly generated, not real data.",
}

#: Date from which place names must be the post-reform (2025) units: 34 provinces, communes, no districts.
ERA_CHANGE = _date(2025, 7, 1)


# --------------------------------------------------------------------------------------------------
# Text folding used for header and vocabulary matching (not for place names: the registry does those)
# --------------------------------------------------------------------------------------------------
def fold(text: object) -> str:
    """Lower-case ASCII key of ``text``: diacritics and đ removed, runs of other characters -> ``_``.

    >>> fold("Tỉnh/Thành phố")
    'tinh_thanh_pho'
    """
    s = unicodedata.normalize("NFD", str(text or "").strip())
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn")
    s = s.replace("đ", "d").replace("Đ", "D").lower()
    s = re.sub(r"[^a-z0-9]+", "_", s)
    return s.strip("_")


# --------------------------------------------------------------------------------------------------
# Controlled vocabularies
# --------------------------------------------------------------------------------------------------
_VOCAB_INDEX: dict[str, dict[str, str]] = {}
_PARSE_MEMO: dict[str, dict[str, str | None]] = {}


@dataclass(frozen=True)
class Choice:
    """One allowed value: stored ``code``, labels, and other spellings accepted on import."""

    code: str
    vi: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


@dataclass(frozen=True)
class Vocabulary:
    name: str
    choices: tuple[Choice, ...]

    def codes(self) -> list[str]:
        return [c.code for c in self.choices]

    def get(self, code: str | None) -> Choice | None:
        for c in self.choices:
            if c.code == code:
                return c
        return None

    def label(self, code: str | None, lang: str = "vi") -> str:
        c = self.get(code)
        return c.label(lang) if c else ("" if code is None else str(code))

    def parse(self, text: object) -> str | None:
        """Stored code for ``text`` (code, label or alias, any case, with or without diacritics)."""
        memo = _PARSE_MEMO.setdefault(self.name, {})
        raw = str(text or "")
        if raw in memo:
            return memo[raw]
        index = _VOCAB_INDEX.get(self.name)
        if index is None:
            index = {}
            for c in self.choices:
                for k in (c.code, c.vi, c.en, *c.aliases):
                    index.setdefault(fold(k), c.code)
            _VOCAB_INDEX[self.name] = index
        key = fold(raw)
        code = index.get(key) if key else None
        if len(memo) < 10_000:
            memo[raw] = code
        return code

    def help(self, lang: str = "vi") -> str:
        return "; ".join(f"{c.code} = {c.label(lang)}" for c in self.choices)


FORMS = Vocabulary("form", (
    Choice("sexual", "Bóc lột tình dục", "Sexual exploitation",
           ("tinh duc", "mai dam", "ban dam", "sex", "sexual", "boc lot tinh duc", "ep ban dam", "SexualExploitation")),
    Choice("forced_labour", "Cưỡng bức lao động", "Forced labour",
           ("lao dong", "boc lot lao dong", "forced labor", "labour", "labor", "cuong buc lao dong",
            # HTCDS vic_TypeOfExploitation values read as forced labour (geo/data/htcds.py)
            "ForcedLabour", "ChildLabour", "Servitude", "ForcedBegging")),
    Choice("forced_marriage", "Cưỡng ép kết hôn", "Forced marriage",
           ("ket hon", "hon nhan", "lay chong", "ep ket hon", "marriage", "cuong buc ket hon", "ep lay chong",
            "ForcedMarriage")),
    Choice("fetus_infant", "Mua bán bào thai, trẻ sơ sinh", "Sale of fetuses or newborns",
           ("bao thai", "tre so sinh", "ban bao thai", "ban con", "fetus", "foetus", "infant", "newborn",
            "sale of fetuses", "sale of infants", "fetus infant", "mua ban bao thai")),
    Choice("organ_removal", "Lấy bộ phận cơ thể", "Organ removal",
           ("lay noi tang", "noi tang", "bo phan co the", "organ", "organs", "organ removal", "lay bo phan co the nguoi",
            "OrganRemoval")),
    Choice("other", "Mục đích khác / chưa rõ", "Other or not stated",
           ("khac", "chua ro", "khong ro", "other", "unknown", "not stated", "muc dich khac",
            "ForcedMilitaryByNonStateActors", "ForcedAdoption", "Surrogacy")),
))

AGENCIES = Vocabulary("agency", (
    Choice("police", "Công an", "Police", ("ca", "cong an", "police", "cong an tinh", "cong an huyen", "mps")),
    Choice("border_guard", "Bộ đội Biên phòng", "Border guard",
           ("bien phong", "bdbp", "bo doi bien phong", "border guard", "border guards", "border")),
    Choice("social_affairs", "Ngành Lao động – Thương binh và Xã hội", "Social affairs",
           ("ldtbxh", "lao dong thuong binh va xa hoi", "so ldtbxh", "xa hoi", "social affairs", "molisa",
            "social", "bao tro xa hoi", "y te")),
    Choice("other", "Cơ quan khác (Hội LHPN, Viện kiểm sát, Tòa án...)", "Other agency (Women's Union, procuracy, court...)",
           ("khac", "other", "hoi phu nu", "hoi lhpn", "women union", "women's union", "vien kiem sat", "toa an",
            # HTCDS vic_TraffickingStatusDecisionMakingOrg values other than Police (geo/data/htcds.py)
            "NGO", "CourtOrProsecution", "NonPoliceGovernmentalOrganization")),
))

RECORD_TYPES = Vocabulary("record_type", (
    Choice("case", "Vụ việc", "Case", ("vu", "vu viec", "vu an", "case", "single case")),
    Choice("aggregate", "Số liệu tổng hợp", "Aggregate",
           ("tong hop", "so lieu tong hop", "aggregate", "total", "tong", "bao cao tong hop")),
))

MODEL_TYPES = Vocabulary("model_type", (
    Choice("community_team", "Tổ/đội phòng, chống mua bán người ở cộng đồng", "Community anti-trafficking team",
           ("to cong dong", "doi cong dong", "to phong chong mua ban nguoi", "community team", "community",
            "to tu quan", "to an ninh", "community anti trafficking team")),
    Choice("trusted_address", "Địa chỉ tin cậy", "Trusted address",
           ("dia chi tin cay", "trusted address", "dctc")),
    Choice("peaceful_house", "Ngôi nhà Bình yên", "Peaceful House shelter",
           ("ngoi nha binh yen", "nha binh yen", "peaceful house", "shelter")),
    Choice("club", "Câu lạc bộ phòng, chống mua bán người", "Anti-trafficking club",
           ("cau lac bo", "clb", "club")),
    Choice("hotline", "Đường dây nóng / điểm tiếp nhận tin báo", "Hotline or reporting point",
           ("duong day nong", "hotline", "diem tiep nhan")),
    Choice("other", "Mô hình khác", "Other model", ("khac", "other", "mo hinh khac")),
))

MODEL_STATUSES = Vocabulary("model_status", (
    Choice("active", "Đang hoạt động", "Active", ("hoat dong", "dang hoat dong", "active", "running", "co")),
    Choice("paused", "Tạm dừng", "Paused", ("tam dung", "paused", "suspended", "tam ngung")),
    Choice("ended", "Đã dừng", "Ended", ("da dung", "ngung", "ket thuc", "ended", "closed", "stopped", "giai the")),
    Choice("planned", "Dự kiến", "Planned", ("du kien", "ke hoach", "planned", "plan")),
))

COORD_TYPES = Vocabulary("coord_type", (
    Choice("exact", "Tọa độ chính xác", "Exact coordinate", ("chinh xac", "exact", "gps")),
    Choice("commune centroid", "Tâm xã (ước lượng)", "Commune centroid (approximate)",
           ("tam xa", "commune centroid", "commune_centroid", "commune")),
    Choice("district centroid", "Tâm huyện (ước lượng)", "District centroid (approximate)",
           ("tam huyen", "district centroid", "district_centroid", "district")),
    Choice("province centroid", "Tâm tỉnh (ước lượng)", "Province centroid (approximate)",
           ("tam tinh", "province centroid", "province_centroid", "province")),
    Choice("none", "Chưa có tọa độ", "No coordinate", ("khong", "none", "no", "chua co", "")),
))

ERAS = Vocabulary("era", (
    Choice("pre2025", "Trước 1/7/2025 (63 tỉnh, có huyện)", "Before 1 July 2025 (63 provinces, districts)",
           ("truoc 2025", "cu", "dia gioi cu", "old", "legacy", "pre 2025", "pre-2025", "63 tinh", "truoc 1 7 2025")),
    Choice("2025", "Từ 1/7/2025 (34 tỉnh, không cấp huyện)", "Since 1 July 2025 (34 provinces, no districts)",
           ("moi", "dia gioi moi", "new", "2025", "sau 2025", "post 2025", "post-2025", "34 tinh", "tu 1 7 2025")),
))

PLACE_LEVELS = Vocabulary("place_level", (
    Choice("province", "Tỉnh", "Province"),
    Choice("district", "Huyện", "District"),
    Choice("commune", "Xã", "Commune"),
))

#: Indicators of plan targets. ``key_area_model_coverage`` is computed by :func:`geo.data.store.coverage_frame`.
INDICATORS = Vocabulary("indicator", (
    Choice("key_area_model_coverage", "Tỷ lệ xã trọng điểm có mô hình chuyên biệt",
           "Key-area communes with a specialised prevention model", ("coverage", "ty le xa trong diem co mo hinh")),
    Choice("awareness_reach", "Tỷ lệ người dân địa bàn trọng điểm (14–60 tuổi) được tiếp cận thông tin",
           "People aged 14–60 in key areas reached with information", ("tuyen truyen", "awareness")),
    Choice("key_routes_measures", "Tỷ lệ tuyến, địa bàn trọng điểm áp dụng biện pháp nghiệp vụ",
           "Key routes and areas with professional measures applied", ()),
    Choice("reports_received", "Tỷ lệ tố giác, tin báo được tiếp nhận, phân loại",
           "Denunciations and reports received and classified", ("tiep nhan tin bao",)),
    Choice("reports_resolved", "Tỷ lệ tố giác, tin báo được giải quyết", "Denunciations and reports resolved", ()),
    Choice("cases_investigated", "Tỷ lệ điều tra, khám phá án đã khởi tố", "Prosecuted cases investigated and solved", ()),
    Choice("cases_prosecuted", "Tỷ lệ vụ án được truy tố", "Cases prosecuted", ()),
    Choice("cases_tried", "Tỷ lệ vụ án được xét xử", "Cases tried", ()),
    Choice("cases_prosecuted_tried", "Tỷ lệ vụ án được truy tố, xét xử", "Cases prosecuted and tried", ()),
    Choice("victims_identified_supported", "Tỷ lệ vụ việc được xác minh, nạn nhân được xác định và hỗ trợ",
           "Cases verified, victims identified and supported", ()),
    Choice("victims_protected", "Tỷ lệ nạn nhân, người thân có nhu cầu được bảo vệ",
           "Victims and relatives in need protected", ()),
    Choice("other", "Chỉ tiêu khác", "Other target", ("khac", "other")),
))

COMPARATORS = Vocabulary("comparator", (
    Choice("at_least", "Ít nhất (≥)", "At least (≥)", (">=", "≥", "toi thieu", "it nhat", "at least", "min")),
    Choice("over", "Trên (>)", "Over (>)", (">", "tren", "hon", "over", "more than")),
    Choice("equal", "Bằng (=)", "Equal (=)", ("=", "bang", "equal", "dat")),
    Choice("at_most", "Nhiều nhất (≤)", "At most (≤)", ("<=", "≤", "toi da", "at most", "max")),
))

ROUTE_PURPOSES = Vocabulary("route_purpose", (
    Choice("trafficking", "Mua bán người", "Human trafficking", ("mua ban nguoi", "trafficking", "buon nguoi")),
    Choice("smuggling", "Đưa người xuất cảnh trái phép / di cư trái phép",
           "People smuggling or irregular migration (not all trafficking)",
           ("xuat canh trai phep", "di cu trai phep", "smuggling", "irregular migration", "vuot bien")),
    Choice("transport", "Tuyến giao thông", "Transport corridor", ("giao thong", "transport", "corridor", "road")),
    Choice("mixed", "Hỗn hợp / chưa phân biệt", "Mixed or not distinguished", ("hon hop", "mixed", "chua ro")),
))


#: Stored column -> vocabulary, for display labels (see geo.data.store.with_labels).
LABELLED_COLUMNS: dict[str, Vocabulary] = {
    "form": FORMS, "agency": AGENCIES, "record_type": RECORD_TYPES, "model_type": MODEL_TYPES,
    "status": MODEL_STATUSES, "place_era": ERAS, "indicator": INDICATORS, "comparator": COMPARATORS,
    "coord_type": COORD_TYPES, "purpose": ROUTE_PURPOSES, "place_level": PLACE_LEVELS,
}


# --------------------------------------------------------------------------------------------------
# Import column specifications
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnSpec:
    """One column users can import.

    ``kind`` is one of: ``text``, ``id``, ``count``, ``number``, ``date``, ``period``, ``year``,
    ``choice`` (with ``vocab``), ``bool``, ``place`` (a place-name part; ``level`` says which),
    ``place_code``, ``era``.
    """

    key: str
    vi: str
    en: str
    kind: str = "text"
    required: bool = False
    vocab: Vocabulary | None = None
    level: str | None = None
    aliases: tuple[str, ...] = ()
    help_vi: str = ""
    help_en: str = ""
    max_len: int = 500

    def header(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def keys(self) -> set[str]:
        out = {fold(self.key), fold(self.vi), fold(self.en)} | {fold(a) for a in self.aliases}
        return out | {k.replace("_", "") for k in out}


@dataclass(frozen=True)
class ImportKind:
    key: str
    vi: str
    en: str
    columns: tuple[ColumnSpec, ...]
    #: Columns of which at least one must be present (e.g. date or period).
    one_of: tuple[tuple[str, ...], ...] = ()
    description_vi: str = ""
    description_en: str = ""
    extra: dict = field(default_factory=dict)

    def label(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi

    def column(self, key: str) -> ColumnSpec:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def required(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.required]


def _place_columns(required_level: str = "province", with_district: bool = True) -> tuple[ColumnSpec, ...]:
    cols = [
        ColumnSpec("place_era", "Thời kỳ địa danh", "Place era", "era", vocab=ERAS,
                   aliases=("era", "dia gioi", "place_era", "thoi ky dia gioi", "x_tdn_PlaceEra"),
                   help_vi="truoc2025 (tên trước 1/7/2025) hoặc 2025; để trống thì suy ra từ ngày/kỳ báo cáo",
                   help_en="pre2025 (names before 1 July 2025) or 2025; empty: taken from the date or period"),
        ColumnSpec("province", "Tỉnh/Thành phố", "Province", "place", level="province",
                   required=required_level in ("province", "district", "commune"),
                   aliases=("tinh", "tinh thanh", "tinh tp", "thanh pho", "province", "province name", "ten tinh", "hte_State"),
                   help_vi="Tên tỉnh, có hoặc không dấu, có hoặc không chữ 'Tỉnh'",
                   help_en="Province name, with or without diacritics or the word 'Tỉnh'"),
        ColumnSpec("province_code", "Mã tỉnh", "Province code", "place_code", level="province",
                   aliases=("ma tinh", "province code", "prov code", "province_code", "x_tdn_ProvinceCode")),
    ]
    if with_district:
        cols += [
            ColumnSpec("district", "Quận/Huyện", "District", "place", level="district",
                       required=required_level in ("district",),
                       aliases=("huyen", "quan huyen", "quan", "district", "thi xa", "district name", "ten huyen", "hte_City"),
                       help_vi="Chỉ cho địa danh trước 1/7/2025", help_en="Only for places before 1 July 2025"),
            ColumnSpec("district_code", "Mã huyện", "District code", "place_code", level="district",
                       aliases=("ma huyen", "district code", "district_code", "x_tdn_DistrictCode")),
        ]
    cols += [
        ColumnSpec("commune", "Xã/Phường", "Commune", "place", level="commune",
                   required=required_level == "commune",
                   aliases=("xa", "xa phuong", "phuong", "commune", "ward", "xa phuong thi tran", "ten xa", "x_tdn_Commune"),
                   help_vi="Tên xã/phường/thị trấn", help_en="Commune, ward or township"),
        ColumnSpec("commune_code", "Mã xã", "Commune code", "place_code", level="commune",
                   aliases=("ma xa", "commune code", "ward code", "commune_code", "x_tdn_CommuneCode")),
    ]
    return tuple(cols)


_DEMO_COL = ColumnSpec("is_demo", "Dữ liệu minh họa", "Demo data", "bool",
                       aliases=("du lieu minh hoa", "minh hoa", "demo", "is demo", "is_demo", "x_tdn_DemoData"),
                       help_vi="1 nếu là dữ liệu minh họa (không phải số liệu thật)",
                       help_en="1 if the row is demonstration data (not real figures)")
_SOURCE_COL = ColumnSpec("source", "Nguồn", "Source", "text", aliases=("nguon", "source", "nguon so lieu", "x_tdn_Source"),
                         help_vi="Văn bản/báo cáo gốc (số hiệu, ngày)", help_en="Original report (number, date)")
_NOTE_COL = ColumnSpec("note", "Ghi chú", "Note", "text", aliases=("ghi chu", "note", "notes", "mo ta", "cco_CaseComment"),
                      max_len=2000)

COUNT_COLUMNS = ("n_cases", "victims", "victims_children", "victims_women", "victims_rescued",
                 "victims_supported", "suspects_arrested")

CASES = ImportKind(
    "cases", "Vụ việc và số liệu tổng hợp", "Cases and aggregate figures",
    (
        ColumnSpec("case_id", "Mã vụ việc", "Case ID", "id",
                   aliases=("ma vu", "ma vu viec", "so hieu vu viec", "case id", "case", "id", "ma ho so",
                            "cas_CaseNumber", "CaseNumber", "x_tdn_CaseId"),
                   help_vi="Bắt buộc với vụ việc; không trùng", help_en="Required for single cases; unique"),
        ColumnSpec("record_type", "Loại bản ghi", "Record type", "choice", vocab=RECORD_TYPES,
                   aliases=("loai", "loai ban ghi", "record type", "type"),
                   help_vi="vu_viec (mặc định) hoặc tong_hop (số liệu tổng hợp của tỉnh/huyện)",
                   help_en="case (default) or aggregate (a province or district total)"),
        ColumnSpec("date", "Ngày", "Date", "date",
                   aliases=("ngay", "ngay phat hien", "ngay xay ra", "date", "case date", "ngay bao cao", "hte_Date"),
                   help_vi="dd/mm/yyyy hoặc yyyy-mm-dd", help_en="dd/mm/yyyy or yyyy-mm-dd"),
        ColumnSpec("period", "Kỳ báo cáo", "Reporting period", "period",
                   aliases=("ky", "ky bao cao", "thoi ky bao cao", "period", "reporting period"),
                   help_vi="Ví dụ 06/2023, Quý 2/2023, 6 tháng đầu năm 2023, 2023",
                   help_en="E.g. 2023-06, Q2 2023, H1 2023, 2023"),
        *_place_columns("province"),
        ColumnSpec("form", "Hình thức bóc lột", "Form of exploitation", "choice", vocab=FORMS,
                   aliases=("hinh thuc", "muc dich", "hinh thuc boc lot", "form", "exploitation", "form of exploitation",
                            "vic_TypeOfExploitation", "x_tdn_Form")),
        ColumnSpec("n_cases", "Số vụ", "Cases", "count",
                   aliases=("so vu", "so vu viec", "cases", "number of cases", "n cases"),
                   help_vi="Chỉ cho số liệu tổng hợp; vụ việc đơn lẻ = 1",
                   help_en="Aggregates only; a single case counts 1"),
        ColumnSpec("victims", "Số nạn nhân", "Victims", "count",
                   aliases=("nan nhan", "so nan nhan", "victims", "number of victims", "tong so nan nhan", "x_tdn_Victims")),
        ColumnSpec("victims_children", "Trong đó trẻ em", "Of whom children", "count",
                   aliases=("tre em", "nan nhan tre em", "so tre em", "children", "child victims", "of whom children",
                            "x_tdn_VictimsChildren")),
        ColumnSpec("victims_women", "Trong đó nữ", "Of whom women and girls", "count",
                   aliases=("nu", "nan nhan nu", "phu nu", "women", "female victims", "of whom women", "x_tdn_VictimsWomen")),
        ColumnSpec("victims_rescued", "Nạn nhân được giải cứu, tiếp nhận", "Victims rescued or received", "count",
                   aliases=("giai cuu", "tiep nhan", "duoc giai cuu", "rescued", "victims rescued", "rescued or received",
                            "nan nhan duoc giai cuu", "so nan nhan duoc giai cuu tiep nhan", "x_tdn_VictimsRescued")),
        ColumnSpec("victims_supported", "Nạn nhân được hỗ trợ", "Victims supported", "count",
                   aliases=("ho tro", "duoc ho tro", "supported", "victims supported", "nan nhan duoc ho tro",
                            "x_tdn_VictimsSupported")),
        ColumnSpec("suspects_arrested", "Đối tượng bị bắt", "Suspects arrested", "count",
                   aliases=("doi tuong", "so doi tuong", "doi tuong bi bat", "suspects", "suspects arrested",
                            "arrested", "so doi tuong bi bat giu", "x_tdn_SuspectsArrested")),
        ColumnSpec("destination_country", "Nước đến", "Destination country", "text",
                   aliases=("nuoc den", "quoc gia den", "noi den", "destination", "destination country",
                            "x_tdn_DestinationCountry")),
        ColumnSpec("route", "Tuyến", "Route", "text", aliases=("tuyen", "tuyen duong", "route", "route id", "x_tdn_Route")),
        ColumnSpec("border_gate", "Cửa khẩu", "Border gate", "text",
                   aliases=("cua khau", "border gate", "gate", "diem xuat canh", "x_tdn_BorderGate")),
        ColumnSpec("agency", "Cơ quan báo cáo", "Reporting agency", "choice", vocab=AGENCIES,
                   aliases=("co quan", "don vi bao cao", "co quan bao cao", "agency", "reporting agency",
                            "vic_TraffickingStatusDecisionMakingOrg", "x_tdn_Agency")),
        _SOURCE_COL,
        _NOTE_COL,
        _DEMO_COL,
    ),
    one_of=(("date", "period"),),
    description_vi="Mỗi dòng là một vụ việc, hoặc số liệu tổng hợp của một tỉnh/huyện trong một kỳ.",
    description_en="Each row is one case, or an aggregate figure of a province or district for a period.",
)

PREVENTION_MODELS = ImportKind(
    "prevention_models", "Mô hình phòng ngừa", "Prevention models",
    (
        ColumnSpec("model_id", "Mã mô hình", "Model ID", "id", aliases=("ma mo hinh", "model id", "id")),
        ColumnSpec("name", "Tên mô hình", "Model name", "text", aliases=("ten", "ten mo hinh", "name", "model name")),
        ColumnSpec("model_type", "Loại mô hình", "Model type", "choice", vocab=MODEL_TYPES, required=True,
                   aliases=("loai", "loai mo hinh", "model type", "type")),
        *_place_columns("commune"),
        ColumnSpec("start_date", "Ngày thành lập", "Start date", "date", required=True,
                   aliases=("ngay thanh lap", "ngay bat dau", "thanh lap", "start date", "start", "established")),
        ColumnSpec("status", "Tình trạng", "Status", "choice", vocab=MODEL_STATUSES, required=True,
                   aliases=("tinh trang", "trang thai", "status")),
        ColumnSpec("end_date", "Ngày dừng", "End date", "date", aliases=("ngay dung", "ngay ket thuc", "end date", "end")),
        _SOURCE_COL,
        _NOTE_COL,
        _DEMO_COL,
    ),
    description_vi="Mỗi dòng là một mô hình phòng, chống mua bán người ở một xã.",
    description_en="Each row is one anti-trafficking prevention model in a commune.",
)

KEY_AREAS = ImportKind(
    "key_areas", "Xã trọng điểm", "Key-area communes",
    (
        ColumnSpec("year", "Năm", "Year", "year", required=True, aliases=("nam", "year")),
        *_place_columns("commune"),
        ColumnSpec("basis", "Căn cứ xác định", "Designation basis", "text",
                   aliases=("can cu", "quyet dinh", "basis", "decision")),
        _SOURCE_COL,
        _NOTE_COL,
        _DEMO_COL,
    ),
    description_vi="Các xã thuộc địa bàn trọng điểm về mua bán người do tỉnh xác định cho từng năm (mẫu số của chỉ tiêu bao phủ mô hình).",
    description_en="Communes designated as key areas (địa bàn trọng điểm) by the province for each year: "
                   "the denominator of the model-coverage target.",
)

TARGETS = ImportKind(
    "targets", "Chỉ tiêu kế hoạch", "Plan targets",
    (
        ColumnSpec("target_id", "Mã chỉ tiêu", "Target ID", "id", aliases=("ma chi tieu", "target id", "id")),
        ColumnSpec("year", "Năm", "Year", "year", required=True, aliases=("nam", "year")),
        ColumnSpec("place_era", "Thời kỳ địa danh", "Place era", "era", vocab=ERAS, aliases=("era", "dia gioi")),
        ColumnSpec("province", "Tỉnh/Thành phố", "Province", "place", level="province", required=True,
                   aliases=("tinh", "tinh thanh", "province")),
        ColumnSpec("province_code", "Mã tỉnh", "Province code", "place_code", level="province",
                   aliases=("ma tinh", "province code")),
        ColumnSpec("indicator", "Chỉ tiêu", "Indicator", "choice", vocab=INDICATORS, required=True,
                   aliases=("chi tieu", "indicator", "ma chi so")),
        ColumnSpec("metric", "Nội dung chỉ tiêu", "Target wording", "text",
                   aliases=("noi dung", "noi dung chi tieu", "metric", "wording", "description")),
        ColumnSpec("comparator", "So sánh", "Comparator", "choice", vocab=COMPARATORS,
                   aliases=("so sanh", "comparator")),
        ColumnSpec("value", "Giá trị", "Value", "number", required=True, aliases=("gia tri", "value", "muc", "ty le")),
        ColumnSpec("unit", "Đơn vị", "Unit", "text", aliases=("don vi", "unit")),
        ColumnSpec("source", "Nguồn", "Source", "text", required=True, aliases=("nguon", "source"),
                   help_vi="Văn bản kế hoạch (số hiệu, ngày) - bắt buộc", help_en="Plan document (number, date) - required"),
        _NOTE_COL,
        _DEMO_COL,
    ),
    description_vi="Chỉ tiêu kế hoạch theo tỉnh và năm, kèm nguồn.",
    description_en="Plan targets per province and year, each with its source.",
)

_POINT_COLS = (
    ColumnSpec("lat", "Vĩ độ", "Latitude", "number", aliases=("vi do", "lat", "latitude", "y")),
    ColumnSpec("lon", "Kinh độ", "Longitude", "number", aliases=("kinh do", "lon", "lng", "long", "longitude", "x")),
    ColumnSpec("coord_type", "Loại tọa độ", "Coordinate type", "choice", vocab=COORD_TYPES,
               aliases=("loai toa do", "coord type", "coordinate type", "coord_type"),
               help_vi="exact (chính xác) / commune centroid / district centroid / province centroid / none",
               help_en="exact / commune centroid / district centroid / province centroid / none"),
)

GATES = ImportKind(
    "gates", "Cửa khẩu", "Border gates",
    (
        ColumnSpec("gate_id", "Mã cửa khẩu", "Gate ID", "id", required=True, aliases=("ma cua khau", "gate id", "id")),
        ColumnSpec("name_vi", "Tên cửa khẩu", "Gate name (Vietnamese)", "text", required=True,
                   aliases=("ten", "ten cua khau", "gate name", "name", "gate_name_vi", "name vi")),
        ColumnSpec("name_en", "Tên tiếng Anh", "Gate name (English)", "text", aliases=("ten tieng anh", "name en", "gate_name_en")),
        ColumnSpec("gate_type", "Loại cửa khẩu", "Gate type", "text",
                   aliases=("loai cua khau", "gate type", "loai"), help_en="international, main (national), secondary, planned, other"),
        ColumnSpec("mode", "Phương thức", "Mode", "text", aliases=("phuong thuc", "mode", "loai hinh")),
        ColumnSpec("counterpart_country", "Nước đối diện", "Counterpart country", "text",
                   aliases=("nuoc doi dien", "nuoc lang gieng", "counterpart country", "country")),
        *_place_columns("none"),
        *_POINT_COLS,
        _SOURCE_COL,
        ColumnSpec("caveat", "Lưu ý", "Caveat", "text", aliases=("luu y", "caveat", "caveats")),
        _NOTE_COL,
        _DEMO_COL,
    ),
    description_vi="Cửa khẩu, lối mở, cảng, sân bay do người dùng bổ sung.",
    description_en="Border gates, crossings, ports or airports added by users.",
)

HOTSPOTS = ImportKind(
    "hotspots", "Điểm nóng", "Hotspots",
    (
        ColumnSpec("hotspot_id", "Mã điểm nóng", "Hotspot ID", "id", required=True, aliases=("ma diem nong", "hotspot id", "id")),
        ColumnSpec("name", "Tên điểm nóng", "Hotspot name", "text", required=True, aliases=("ten", "ten diem", "name")),
        ColumnSpec("category", "Loại điểm nóng", "Category", "text", aliases=("loai", "loai diem nong", "category")),
        ColumnSpec("purpose", "Tính chất", "Nature", "choice", vocab=ROUTE_PURPOSES,
                   aliases=("tinh chat", "purpose", "nature"),
                   help_en="trafficking / smuggling / transport / mixed"),
        ColumnSpec("country", "Quốc gia", "Country", "text", aliases=("quoc gia", "nuoc", "country"),
                   help_vi="Để trống nếu ở Việt Nam", help_en="Empty for Vietnam"),
        *_place_columns("none"),
        ColumnSpec("village", "Thôn/Bản", "Village", "text", aliases=("thon", "ban", "thon ban", "village")),
        *_POINT_COLS,
        ColumnSpec("period", "Giai đoạn", "Period", "text", aliases=("giai doan", "thoi ky", "thoi gian", "period")),
        ColumnSpec("description", "Mô tả", "Description", "text", aliases=("mo ta", "description"), max_len=2000),
        _SOURCE_COL,
        ColumnSpec("caveat", "Lưu ý", "Caveat", "text", aliases=("luu y", "caveat")),
        _DEMO_COL,
    ),
    description_vi="Điểm nóng (thôn, xã, huyện, khu vực biên giới, bến, cảng) do người dùng bổ sung.",
    description_en="Hotspots (villages, communes, districts, border areas, ports) added by users.",
)

ROUTES = ImportKind(
    "routes", "Tuyến (các điểm theo thứ tự)", "Routes (ordered waypoints)",
    (
        ColumnSpec("route_id", "Mã tuyến", "Route ID", "id", required=True, aliases=("ma tuyen", "route id")),
        ColumnSpec("route_name", "Tên tuyến", "Route name", "text", required=True, aliases=("ten tuyen", "route name")),
        ColumnSpec("purpose", "Tính chất", "Nature", "choice", vocab=ROUTE_PURPOSES,
                   aliases=("tinh chat", "purpose", "nature")),
        ColumnSpec("seq", "Thứ tự", "Order", "count", required=True, aliases=("thu tu", "stt", "seq", "order", "sequence")),
        ColumnSpec("waypoint_name", "Tên điểm", "Waypoint name", "text", required=True,
                   aliases=("ten diem", "diem", "waypoint", "waypoint name")),
        ColumnSpec("country", "Quốc gia", "Country", "text", aliases=("quoc gia", "nuoc", "country")),
        *_place_columns("none"),
        *_POINT_COLS,
        _SOURCE_COL,
        ColumnSpec("caveat", "Lưu ý", "Caveat", "text", aliases=("luu y", "caveat")),
        _NOTE_COL,
        _DEMO_COL,
    ),
    description_vi="Mỗi dòng là một điểm của tuyến; các điểm cùng mã tuyến được nối theo thứ tự.",
    description_en="Each row is one waypoint; waypoints with the same route ID are joined in order.",
)

IMPORT_KINDS: dict[str, ImportKind] = {k.key: k for k in (CASES, PREVENTION_MODELS, KEY_AREAS, TARGETS, GATES, HOTSPOTS, ROUTES)}


# --------------------------------------------------------------------------------------------------
# Stored tables
# --------------------------------------------------------------------------------------------------
metadata = MetaData()

schema_migrations = Table(
    "schema_migrations", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("name", String(200), nullable=False),
    Column("applied_at", DateTime, nullable=False),
)

imports = Table(
    "imports", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("checksum", String(64), nullable=False, index=True),
    Column("n_rows", Integer, nullable=False),
    Column("user", String(200)),
    Column("imported_at", DateTime, nullable=False),
    Column("status", String(20), nullable=False, default="active"),  # active | undone
    Column("undone_at", DateTime),
    Column("undone_by", String(200)),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("origin", String(40)),  # cli | page | demo | api
    Column("schema_version", Integer),
    Column("note", Text),
    sqlite_autoincrement=True,  # never reuse an import number after a deletion (the log is an audit trail)
)


def _place_cols() -> list[Column]:
    """Place as entered (era + resolved codes/names) plus the derived codes used for mapping."""
    return [
        Column("place_era", String(10)),  # pre2025 | 2025 (empty only for foreign points)
        Column("place_level", String(10)),  # province | district | commune
        Column("place_text", String(500)),  # the names as written in the file
        Column("province_code", String(2)),  # in place_era
        Column("province_name", String(100)),
        Column("district_code", String(5)),  # pre2025 5-digit code (province + district)
        Column("district_name", String(100)),
        Column("commune_code", String(5)),  # in place_era
        Column("commune_name", String(100)),
        # derived, for mapping
        Column("prov_code_pre2025", String(2)),
        Column("district_code5", String(5)),  # pre-2025 district when known
        Column("prov_code_2025", String(2)),  # always
        Column("commune_code_2025", String(5)),  # when the commune maps to one 2025 commune
    ]


def _common_tail() -> list[Column]:
    return [
        Column("source", Text),
        Column("note", Text),
        Column("is_demo", Boolean, nullable=False, default=False),
        Column("row_number", Integer),  # row in the imported file (for tracing back)
    ]


def _import_fk() -> Column:
    return Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False, index=True)


cases = Table(
    "cases", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("case_id", String(100)),
    Column("record_type", String(10), nullable=False),  # case | aggregate
    Column("row_key", String(400), nullable=False),  # duplicate detection key (case id or aggregate key)
    Column("date", Date),
    Column("period_label", String(40), nullable=False),  # e.g. 2023-05-14, 2023-05, 2023-Q2, 2023-H1, 2023
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("p_year", Integer),  # set when the period lies within one calendar year
    Column("p_half", Integer),  # 1-2, when within one half-year
    Column("p_quarter", Integer),  # 1-4, when within one quarter
    Column("p_month", Integer),  # 1-12, when within one month
    *_place_cols(),
    Column("form", String(30)),
    Column("n_cases", Integer, nullable=False),
    Column("victims", Integer),
    Column("victims_children", Integer),
    Column("victims_women", Integer),
    Column("victims_rescued", Integer),
    Column("victims_supported", Integer),
    Column("suspects_arrested", Integer),
    Column("destination_country", String(200)),
    Column("route", String(200)),
    Column("border_gate", String(200)),
    Column("agency", String(30)),
    *_common_tail(),
    # cell-key method: the row's record key in [0, 1) (HMAC of row_key with the server secret; migration 4).
    # Never shown, exported or logged (geo.stats.cellkey)
    Column("ckey", Float),
    # one count per victim (migration 5, geo.data.counting): the case ID as compared (geo.data.cells.normalise_id)
    # and its skeleton for near-duplicates, what the row adds to every total under the counting rule
    # (k_<count>), why (count_status: counted | duplicate | residual | covered), the counted report of the
    # same case (dup_of: its row_key) and the agencies that reported the case (sources, on the counted row)
    Column("id_key", String(100)),
    Column("id_skel", String(100)),
    *[Column(f"k_{c}", Integer) for c in ("n_cases", "victims", "victims_children", "victims_women",
                                           "victims_rescued", "victims_supported", "suspects_arrested")],
    Column("count_status", String(12)),
    Column("dup_of", String(400)),
    Column("sources", String(200)),
    UniqueConstraint("row_key", name="uq_cases_row_key"),
)
Index("ix_cases_district_month", cases.c.district_code5, cases.c.p_year, cases.c.p_month)
# (ix_cases_case_id was dropped by migration 5: case IDs are looked up by their normalised form, id_key)
Index("ix_cases_id_key", cases.c.id_key)
Index("ix_cases_id_skel", cases.c.id_skel)
Index("ix_cases_prov2025_period", cases.c.prov_code_2025, cases.c.period_start)
Index("ix_cases_period", cases.c.period_start, cases.c.period_end)

#: Pre-aggregated cases (one row per import, demo flag, record type, place and period bucket), kept in
#: step with ``cases`` by the importer (same transaction) and by undo. The district/province aggregations
#: read it instead of scanning every case row (see geo.data.store.aggregate_cases). Added by migration 2.
case_rollup = Table(
    "case_rollup", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("is_demo", Boolean, nullable=False),
    Column("record_type", String(10), nullable=False),
    Column("place_era", String(10)),
    Column("prov_code_2025", String(2)),
    Column("prov_code_pre2025", String(2)),
    Column("district_code5", String(5)),
    Column("p_year", Integer),
    Column("p_half", Integer),
    Column("p_quarter", Integer),
    Column("p_month", Integer),
    Column("own_start", Date),  # the rows' own period when it is longer than a month
    Column("own_end", Date),
    Column("g_start", Date, nullable=False),  # earliest period_start of the rows
    Column("g_end", Date, nullable=False),  # latest period_end of the rows
    Column("n_rows", Integer, nullable=False),
    Column("n_cases", Integer),
    Column("victims", Integer),
    Column("victims_children", Integer),
    Column("victims_women", Integer),
    Column("victims_rescued", Integer),
    Column("victims_supported", Integer),
    Column("suspects_arrested", Integer),
    # cell-key sums (migration 4): SUM(column * ckey) per sum column (geo.stats.cellkey)
    Column("ck_n_cases", Float),
    Column("ck_victims", Float),
    Column("ck_victims_children", Float),
    Column("ck_victims_women", Float),
    Column("ck_victims_rescued", Float),
    Column("ck_victims_supported", Float),
    Column("ck_suspects_arrested", Float),
)
Index("ix_case_rollup_district", case_rollup.c.district_code5, case_rollup.c.p_year, case_rollup.c.p_month)

#: What the counting rule found (geo.data.counting): one row per overlap between stored case rows, rebuilt for
#: a province whenever an import, an undo or a decision changes its rows (migration 5). Rows are named by
#: ``row_key`` (stable across imports); ``key_b`` is empty for an aggregate's own finding.
case_overlaps = Table(
    "case_overlaps", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("prov_code_2025", String(2)),
    Column("prov_code_pre2025", String(2)),
    Column("is_demo", Boolean, nullable=False, default=False),
    Column("key_a", String(400), nullable=False),
    Column("key_b", String(400)),
    Column("import_a", Integer),
    Column("import_b", Integer),
    Column("detail", Text),  # JSON: the numbers of the finding (never victim counts of a single case)
    Column("status", String(10), nullable=False),  # open | decided | info
    Column("decision", String(20)),
)
Index("ix_case_overlaps_prov", case_overlaps.c.prov_code_2025, case_overlaps.c.is_demo)

#: Decisions of data officers on overlaps (same case / different cases / accepted), newest wins; only added,
#: never changed (each is also written to the audit trail).
overlap_decisions = Table(
    "overlap_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(30), nullable=False),
    Column("key_a", String(400), nullable=False),
    Column("key_b", String(400)),
    Column("decision", String(20), nullable=False),  # same | different | accepted
    Column("username", String(200)),
    Column("at", DateTime, nullable=False),
    Column("note", Text),
    sqlite_autoincrement=True,
)
Index("ix_overlap_decisions_keys", overlap_decisions.c.key_a, overlap_decisions.c.key_b)

#: Rows an update-mode import replaced (changed rows the officer confirmed): the stored row as it was, so
#: undoing that import puts it back (migration 5).
replaced_rows = Table(
    "replaced_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("table_name", String(40), nullable=False),
    Column("old_import_id", Integer, nullable=False),
    Column("row_key", String(400), nullable=False),
    Column("data", Text, nullable=False),  # JSON of the stored row
)

#: Stored count columns and the counted columns of the counting rule (``k_<count>``).
COUNTED = ("n_cases", "victims", "victims_children", "victims_women", "victims_rescued", "victims_supported",
           "suspects_arrested")
K_COLUMNS = tuple(f"k_{c}" for c in COUNTED)
V5_TABLES = (case_overlaps, overlap_decisions, replaced_rows)

ROLLUP_KEYS = ("import_id", "is_demo", "record_type", "place_era", "prov_code_2025", "prov_code_pre2025",
               "district_code5", "p_year", "p_half", "p_quarter", "p_month")
ROLLUP_SUMS = ("n_cases", "victims", "victims_children", "victims_women", "victims_rescued", "victims_supported",
               "suspects_arrested")

prevention_models = Table(
    "prevention_models", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("model_id", String(100)),
    Column("row_key", String(400), nullable=False),
    Column("name", String(300)),
    Column("model_type", String(30), nullable=False),
    *_place_cols(),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date),
    Column("status", String(20), nullable=False),
    *_common_tail(),
    UniqueConstraint("row_key", name="uq_models_row_key"),
)

key_area_communes = Table(
    "key_area_communes", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("row_key", String(400), nullable=False),
    Column("year", Integer, nullable=False),
    *_place_cols(),
    Column("basis", Text),
    *_common_tail(),
    UniqueConstraint("row_key", name="uq_key_areas_row_key"),
)

targets = Table(
    "targets", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("target_id", String(100)),
    Column("row_key", String(400), nullable=False),
    Column("year", Integer, nullable=False),
    Column("place_era", String(10), nullable=False),
    Column("province_code", String(2), nullable=False),
    Column("province_name", String(100)),
    Column("prov_code_2025", String(2)),
    Column("indicator", String(40), nullable=False),
    Column("metric", Text),
    Column("comparator", String(20)),
    Column("value", Float, nullable=False),
    Column("unit", String(40)),
    *_common_tail(),
    UniqueConstraint("row_key", name="uq_targets_row_key"),
)


def _point_cols() -> list[Column]:
    return [
        Column("lat", Float),
        Column("lon", Float),
        Column("coord_type", String(30), nullable=False),
        Column("caveat", Text),
    ]


user_gates = Table(
    "user_gates", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("gate_id", String(100), nullable=False),
    Column("row_key", String(400), nullable=False),
    Column("name_vi", String(300), nullable=False),
    Column("name_en", String(300)),
    Column("gate_type", String(100)),
    Column("mode", String(100)),
    Column("counterpart_country", String(100)),
    *_place_cols(),
    *_point_cols(),
    *_common_tail(),
    UniqueConstraint("row_key", name="uq_user_gates_row_key"),
)

user_hotspots = Table(
    "user_hotspots", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("hotspot_id", String(100), nullable=False),
    Column("row_key", String(400), nullable=False),
    Column("name", String(300), nullable=False),
    Column("category", String(200)),
    Column("purpose", String(20)),
    Column("country", String(100)),
    Column("village", String(200)),
    *_place_cols(),
    *_point_cols(),
    Column("period", String(200)),
    Column("description", Text),
    *_common_tail(),
    UniqueConstraint("row_key", name="uq_user_hotspots_row_key"),
)

user_route_waypoints = Table(
    "user_route_waypoints", metadata,
    Column("id", Integer, primary_key=True),
    _import_fk(),
    Column("route_id", String(100), nullable=False),
    Column("row_key", String(400), nullable=False),
    Column("route_name", String(500), nullable=False),
    Column("purpose", String(20)),
    Column("seq", Integer, nullable=False),
    Column("waypoint_name", String(300), nullable=False),
    Column("country", String(100)),
    *_place_cols(),
    *_point_cols(),
    *_common_tail(),
    UniqueConstraint("row_key", name="uq_user_waypoints_row_key"),
)

#: Import kind -> table its rows go to.
KIND_TABLES: dict[str, Table] = {
    "cases": cases,
    "prevention_models": prevention_models,
    "key_areas": key_area_communes,
    "targets": targets,
    "gates": user_gates,
    "hotspots": user_hotspots,
    "routes": user_route_waypoints,
}

DATA_TABLES: tuple[Table, ...] = tuple(KIND_TABLES.values())


# --------------------------------------------------------------------------------------------------
# Accounts, sessions, audit and server settings (migration 3; see geo.auth)
# --------------------------------------------------------------------------------------------------
#: Server-side settings shared by every process of a deployment: the secret that signs session cookies
#: and the secret behind the cell keys. Never shown in the app, never exported.
app_settings = Table(
    "app_settings", metadata,
    Column("name", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

#: One row per account. ``role``: viewer | analyst | data_manager | admin. ``provinces``: comma-separated
#: pre-2025 province codes the user is limited to (empty: the whole country). ``auth``: local (password in
#: this store, argon2id) or oidc (signed in through the organisation's identity provider).
users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(200), nullable=False),
    Column("display_name", String(200)),
    Column("password_hash", Text),
    Column("role", String(20), nullable=False, default="viewer"),
    Column("provinces", Text, nullable=False, default=""),
    Column("auth", String(10), nullable=False, default="local"),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("must_change_password", Boolean, nullable=False, default=False),
    Column("failed_attempts", Integer, nullable=False, default=0),
    Column("locked_until", DateTime),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("password_changed_at", DateTime),
    UniqueConstraint("username", name="uq_users_username"),
    sqlite_autoincrement=True,
)

#: Signed-in browser sessions. ``id`` is the SHA-256 of the random token in the cookie (the token itself
#: is never stored), so a copy of the database cannot be used to sign in.
user_sessions = Table(
    "user_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),
    Column("address", String(100)),
    Column("revoked_at", DateTime),
)

#: The audit trail: every sign-in (and failed attempt), import, undo, export and account change. Rows are
#: only ever added; nothing in the app changes or deletes them.
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("username", String(200)),
    Column("action", String(40), nullable=False),
    Column("outcome", String(20), nullable=False, default="ok"),
    Column("detail", Text),
    Column("address", String(100)),
    sqlite_autoincrement=True,
)

AUTH_TABLES: tuple[Table, ...] = (app_settings, users, user_sessions, audit_log)
