"""User-facing strings in Vietnamese (default) and English.

Kept in geo/ because static exports need the same labels as the interactive pages.
"""
from __future__ import annotations

LANGS = ("vi", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "app_title": ("Tuyến & Điểm nóng", "Routes & Hotspots"),
    "app_subtitle": ("Bản đồ phòng, chống mua bán người", "Anti-human-trafficking map"),
    "language": ("Ngôn ngữ / Language", "Ngôn ngữ / Language"),
    "page_map": ("Bản đồ hành chính & biên giới", "Administrative & border map"),
    "era": ("Thời kỳ đơn vị hành chính", "Administrative units"),
    "era_pre2025": ("Trước 2025 (63 tỉnh, huyện)", "Before 2025 (63 provinces, districts)"),
    "era_2025": ("Từ 1/7/2025 (34 tỉnh, xã)", "Since 1 July 2025 (34 provinces, communes)"),
    "province": ("Tỉnh/thành phố", "Province"),
    "whole_country": ("Toàn quốc", "Whole country"),
    "borders": ("Biên giới đất liền", "Land borders"),
    "border_districts": ("Huyện biên giới", "Border districts"),
    "border_communes": ("Xã biên giới", "Border communes"),
    "district": ("Huyện", "District"),
    "commune": ("Xã/phường", "Commune/ward"),
    "province_col": ("Tỉnh", "Province"),
    "touches": ("Giáp biên giới", "On the border"),
    "shared_km": ("Chiều dài biên giới (km)", "Border length (km)"),
    "dist_km": ("Khoảng cách đến biên giới (km)", "Distance to border (km)"),
    "nearest_border": ("Biên giới gần nhất", "Nearest border"),
    "code": ("Mã", "Code"),
    "no_border": ("Không giáp biên giới đất liền", "Not on a land border"),
    "legend": ("Chú giải", "Legend"),
    "legend_district": ("Ranh giới huyện", "District boundary"),
    "legend_province": ("Ranh giới tỉnh", "Province boundary"),
    "legend_commune": ("Ranh giới xã/phường", "Commune/ward boundary"),
    "legend_border_unit": ("Đơn vị giáp biên giới", "Unit on the border"),
    "legend_neighbour": ("Nước láng giềng", "Neighbouring country"),
    "sea": ("Biển Đông", "East Sea"),
    "gulf": ("Vịnh Bắc Bộ", "Gulf of Tonkin"),
    "hoang_sa": ("Quần đảo Hoàng Sa\n(Đà Nẵng, Việt Nam)", "Hoàng Sa archipelago\n(Đà Nẵng, Viet Nam)"),
    "truong_sa": ("Quần đảo Trường Sa\n(Khánh Hòa, Việt Nam)", "Trường Sa archipelago\n(Khánh Hòa, Viet Nam)"),
    "sources": ("Nguồn dữ liệu và giấy phép", "Data sources and licences"),
    "map_hint": ("Rê chuột lên huyện để xem tên; chọn tỉnh ở thanh bên để phóng to.",
                 "Hover a district to see its name; choose a province in the sidebar to zoom in."),
    "layer_error": ("Không tải được lớp bản đồ", "A map layer could not be loaded"),
    "boundaries_missing": ("Thiếu dữ liệu ranh giới", "Boundary data missing"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "historical": ("(đơn vị cũ)", "(former unit)"),
    "province_2025": ("Tỉnh sau 1/7/2025", "Province since 1 July 2025"),
    "page_data": ("Dữ liệu", "Data"),
    "data_import": ("Nhập dữ liệu", "Import"),
    "data_templates": ("Mẫu nhập liệu", "Templates"),
    "data_history": ("Lịch sử nhập", "Import history"),
    "data_import_help": ("Tải lên tệp CSV (UTF-8, dấu phân cách tự nhận) hoặc Excel (.xlsx), tiêu đề cột tiếng Việt "
                         "hoặc tiếng Anh. Tệp được kiểm tra trước; tệp có lỗi không ghi gì vào kho dữ liệu.",
                         "Upload a CSV (UTF-8, separator detected) or Excel (.xlsx) file with Vietnamese or English "
                         "headers. The file is checked first; a file with any error writes nothing."),
    "data_choose_file": ("Chọn tệp", "Choose a file"),
    "data_kind": ("Loại bảng", "Table"),
    "data_kind_auto": ("Tự nhận theo tiêu đề cột", "Detect from the headers"),
    "data_do_import": ("Nhập vào kho dữ liệu", "Import into the store"),
    "data_nothing_written": ("Chưa ghi gì: kho dữ liệu giữ nguyên. Sửa các lỗi trên rồi tải lại tệp.",
                             "Nothing was written: the stored data is unchanged. Fix the errors above and upload again."),
    "data_templates_help": ("Mẫu có tiêu đề cột đúng; bản Excel có thêm trang hướng dẫn từng cột.",
                            "Templates carry the right headers; the Excel version adds a guide sheet for every column."),
    "data_schema_doc": ("Mô tả đầy đủ các cột: `data/SCHEMA.md`.", "Full column reference: `data/SCHEMA.md`."),
    "data_no_imports": ("Chưa có lần nhập nào.", "No imports yet."),
    "data_undo_which": ("Hoàn tác lần nhập", "Undo import"),
    "data_undo": ("Hoàn tác (xóa mọi dòng của lần nhập này)", "Undo (remove every row of this import)"),
    "sources_boundaries": ("Ranh giới hành chính", "Administrative boundaries"),
    "sources_facts": ("Số liệu công bố và nguồn", "Published figures and their sources"),
    "data_all_errors": ("Tải toàn bộ danh sách lỗi (CSV)", "Download every error (CSV)"),
    "err_file": ("Tệp", "File"),
    "err_row": ("Dòng", "Row"),
    "err_column": ("Cột", "Column"),
    "err_value": ("Giá trị", "Value"),
    "err_reason": ("Lý do", "Reason"),
    "err_suggestions": ("Gợi ý", "Suggestions"),
    "reference_layers": ("Lớp tham chiếu (có nguồn)", "Reference layers (sourced)"),
    "units_in_view": ("đơn vị trên bản đồ", "units on the map"),
}


def t(key: str, lang: str = "vi") -> str:
    """The string ``key`` in ``lang`` ('vi' or 'en'); falls back to Vietnamese."""
    vi, en = STRINGS[key]
    return en if lang == "en" else vi
