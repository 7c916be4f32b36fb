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
    "filters": ("Bộ lọc", "Filters"),
    "filter_era": ("Thời kỳ đơn vị hành chính", "Administrative units"),
    "filter_province": ("Tỉnh/thành phố", "Province"),
    "filter_district": ("Huyện", "District"),
    "filter_period": ("Kỳ", "Period"),
    "filter_form": ("Hình thức bóc lột", "Form of exploitation"),
    "filter_group": ("Nhóm nạn nhân", "Victim group"),
    "filter_metric": ("Chỉ tiêu", "Metric"),
    "filter_border": ("Biên giới", "Border"),
    "filter_method": ("Cách chia lớp", "Class breaks"),
    "all_borders": ("Tất cả biên giới đất liền", "All land borders"),
    "all_districts": ("Tất cả huyện", "All districts"),
    "all_forms": ("Tất cả hình thức", "All forms"),
    "group_all": ("Tất cả", "All"),
    "group_children": ("Trẻ em", "Children"),
    "group_women": ("Phụ nữ", "Women"),
    "method_natural_breaks": ("Ngắt tự nhiên (Jenks)", "Natural breaks (Jenks)"),
    "method_quantiles": ("Phân vị", "Quantiles"),
    "method_fixed": ("Ngưỡng cố định (1–4, 5–9, 10–19, 20–49, ≥ 50)", "Fixed (1–4, 5–9, 10–19, 20–49, ≥ 50)"),
    "no_data_for_filters": ("Không có dữ liệu cho bộ lọc này", "No data for these filters"),
    "page_overview": ("Tổng quan", "Overview"),
    "page_borders": ("Biên giới & tuyến", "Borders & routes"),
    "map_layer": ("Lớp bản đồ", "Map layer"),
    "map_layer_metric": ("Chỉ tiêu đã chọn", "Chosen metric"),
    "map_layer_gi": ("Điểm nóng thống kê (Gi*)", "Statistical hotspots (Gi*)"),
    "gi_note": ("Điểm nóng thống kê tính trên cả nước (702 huyện, dân số 2009); xem giải thích ở trang Phân tích điểm nóng.",
                "Statistical hotspots are computed over the whole country (702 districts, 2009 population); see the "
                "Hotspot analytics page for what they mean."),
    "briefing": ("Bản tin", "Briefing"),
    "briefing_mode": ("Chế độ bản tin (ảnh để trình chiếu)", "Briefing mode (picture for slides)"),
    "briefing_make": ("Tạo ảnh PNG và PDF", "Make PNG and PDF"),
    "briefing_working": ("Đang vẽ bản đồ…", "Drawing the map…"),
    "briefing_unavailable": ("Không tạo được bản tin", "No briefing can be made"),
    "briefing_png": ("Tải ảnh PNG 1920×1080", "Download PNG 1920×1080"),
    "briefing_pdf": ("Tải PDF A4", "Download A4 PDF"),
    "briefing_exit": ("Thoát chế độ bản tin", "Leave briefing mode"),
    "page_hotspots": ("Phân tích điểm nóng", "Hotspot analytics"),
    "page_prevention": ("Phòng ngừa", "Prevention coverage"),
    "page_district": ("Huyện", "District"),
    "kpi_cases": ("Số vụ", "Cases"),
    "kpi_victims": ("Nạn nhân", "Victims"),
    "kpi_victims_children": ("Nạn nhân trẻ em", "Child victims"),
    "kpi_victims_rescued": ("Được giải cứu, tiếp nhận", "Rescued or received"),
    "kpi_suspects_arrested": ("Đối tượng bị bắt", "Suspects arrested"),
    "vs_previous": ("so với kỳ trước", "vs previous period"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_xlsx": ("Tải Excel", "Download Excel"),
    "published_figures": ("Số liệu đã công bố (có nguồn)", "Published figures (with source)"),
    "unplaced_rows": ("dòng số liệu chỉ có cấp tỉnh/toàn quốc, không vẽ được theo huyện",
                      "rows are only placed at province/national level and cannot be mapped by district"),
    "population_note": ("Tỷ lệ tính theo dân số năm 2009 (nguồn ranh giới ODM).",
                        "Rates use the 2009 population (from the ODM boundary source)."),
    "units_in_view": ("đơn vị trên bản đồ", "units on the map"),
}


def t(key: str, lang: str = "vi") -> str:
    """The string ``key`` in ``lang`` ('vi' or 'en'); falls back to Vietnamese."""
    vi, en = STRINGS[key]
    return en if lang == "en" else vi


def translator(table: dict[str, tuple[str, str]], lang: str = "vi"):
    """``tr(key, **values)`` for a page's own ``{key: (vi, en)}`` table, with ``str.format`` values."""

    def tr(key: str, **values) -> str:
        vi, en = table[key]
        text = en if lang == "en" else vi
        return text.format(**values) if values else text

    return tr
