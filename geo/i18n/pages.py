"""Strings of single pages (vi, en); shared strings are in :mod:`geo.i18n`."""
from __future__ import annotations

#: the Hotspot analytics page (pages/diem_nong.py) and its view model's tables (geo/views/pages.py)
HOTSPOT_PAGE: dict[str, tuple[str, str]] = {
    "title": ("Phân tích điểm nóng", "Hotspot analytics"),
    "view": ("Bản đồ", "Map"),
    "view_gi": ("Điểm nóng thống kê (Gi*)", "Statistical hotspots (Gi*)"),
    "view_change": ("Thay đổi so với kỳ trước", "Change vs previous period"),
    "need_period": ("Chọn một kỳ ở thanh bên để so sánh với kỳ trước.",
                    "Choose a period in the sidebar to compare with the previous one."),
    "what": ("Điểm nóng thống kê nghĩa là gì — và không nghĩa là gì", "What statistical hotspots mean — and do not"),
    "ranked_hot": ("Các huyện là điểm nóng thống kê", "Districts that are statistical hotspots"),
    "ranked_change": ("Xếp hạng thay đổi", "Ranked changes"),
    "corridors": ("Hành lang tuyến trọng điểm ({km} km)", "Key route corridors ({km} km)"),
    "corridors_note": ("Số vụ trong các huyện có phần lãnh thổ cách tuyến không quá số km đã chọn, so với các huyện "
                       "ngoài mọi hành lang; tỷ lệ trên 100.000 dân (dân số 2009).",
                       "Cases in the districts within the chosen distance of the route, against the districts "
                       "outside every corridor; rates per 100,000 people (2009 population)."),
    "corridor_km": ("Khoảng cách tới tuyến (km)", "Distance from the route (km)"),
    "route": ("Tuyến", "Route"),
    "nature": ("Tính chất tuyến", "Nature of the route"),
    "n_districts_in": ("Số huyện trong hành lang", "Districts in the corridor"),
    "cases_in": ("Số vụ trong hành lang", "Cases in the corridor"),
    "rate_in": ("Tỷ lệ trong hành lang", "Rate in the corridor"),
    "cases_away": ("Số vụ ngoài các hành lang", "Cases outside the corridors"),
    "rate_away": ("Tỷ lệ ngoài các hành lang", "Rate outside the corridors"),
    "rate_ratio": ("Tỷ số tỷ lệ", "Rate ratio"),
    "named": ("Điểm nóng được nêu tên so với điểm nóng thống kê", "Named hotspots vs computed hotspots"),
    "named_name": ("Điểm nóng được nêu tên", "Named hotspot"),
    "named_district": ("Huyện", "District"),
    "named_period": ("Kỳ được nêu", "Period named"),
    "named_status": ("So với kết quả thống kê", "Against the statistics"),
    "source": ("Nguồn", "Source"),
    "along": ("Số vụ dọc tuyến — {route}", "Cases along the route — {route}"),
    "along_note": ("Từ điểm đầu tới cửa khẩu; vị trí là km tính từ điểm đầu của tuyến (tuyến là đường nối các điểm "
                   "mốc, không phải con đường thật).",
                   "From the origin to the gate; positions are km from the route's origin (the route joins "
                   "waypoints: it is not the road itself)."),
    "position_km": ("Vị trí (km từ điểm đầu)", "Position (km from the origin)"),
    "waypoints": ("Điểm mốc trên tuyến", "Waypoints"),
    "cases_col": ("Số vụ", "Cases"),
    "no_hot": ("Không có huyện nào là điểm nóng thống kê với bộ lọc này.",
               "No district is a statistical hotspot for these filters."),
}

#: the District page (pages/huyen.py)
DISTRICT_PAGE: dict = {
    "pick": ("Chọn huyện", "Choose a district"),
    "pick_prompt": ("Chọn một huyện trong danh sách dưới đây (hoặc ở thanh bên), hoặc bấm vào huyện trên bản đồ — "
                    "trên trang này hay bất kỳ bản đồ nào khác của ứng dụng.",
                    "Choose a district from the list below (or in the sidebar), or click a district on the map — "
                    "on this page or on any other map of the app."),
    "pick_placeholder": ("— Chọn huyện —", "— Choose a district —"),
    "era_2025": ("Trang Huyện dùng đơn vị hành chính trước 2025: từ 1/7/2025 không còn cấp huyện.",
                 "The District page uses the units before 2025: since 1 July 2025 there are no districts."),
    "era_switch": ("Chuyển sang đơn vị trước 2025", "Switch to the units before 2025"),
    "after_reform": ("Vụ việc từ 1/7/2025 được ghi theo xã/phường mới (không còn cấp huyện); chỉ những dòng "
                     "ghi rõ huyện cũ mới được tính vào huyện này.",
                     "Cases from 1 July 2025 are recorded in the new communes (no districts); only rows that "
                     "name the former district count for this district."),
    "trend": ("Diễn biến theo thời gian", "Trend over time"),
    "trend_all_small": ("Mỗi kỳ ({grain}) đều dưới 5 nên được ẩn (“<5”) để bảo vệ nạn nhân; xem theo quý hoặc chọn kỳ dài hơn.",
                        "Every {grain} has fewer than 5, so they are hidden (“<5”) to protect victims; view by quarter "
                        "or choose a longer period."),
    "grain": ("Theo", "By"),
    "grain_month": ("Tháng", "Month"),
    "grain_quarter": ("Quý", "Quarter"),
    "period_col": ("Kỳ", "Period"),
    "longer_rows": ("{n} dòng số liệu tổng hợp cho kỳ dài hơn một {grain} (ví dụ 6 tháng) không chia được vào biểu đồ; "
                    "chúng vẫn được tính trong các tổng và có trong bảng vụ việc.",
                    "{n} aggregate rows cover periods longer than one {grain} (e.g. a half-year) and cannot be split "
                    "in the chart; they are still in the totals and in the cases table."),
    "by_form": ("Theo hình thức bóc lột", "By form of exploitation"),
    "by_destination": ("Theo nơi đến", "By destination"),
    "not_stated": ("Không rõ", "Not stated"),
    "cases_table": ("Các vụ việc và số liệu", "Cases and aggregate rows"),
    "download": ("Tải bảng vụ việc (CSV)", "Download the cases (CSV)"),
    "download_protected": ("Trong tệp tải về, số từ 1 đến {t}−1 được ghi “<{t}” để bảo vệ nạn nhân.",
                           "In the downloaded file, counts from 1 to {t}−1 are written “<{t}” to protect victims."),
    "exact_export": ("Tải số chính xác (chỉ người được phép)", "Download exact counts (authorised users only)"),
    "compare": ("So sánh với huyện khác", "Compare with other districts"),
    "compare_pick": ("Chọn tối đa 3 huyện để so sánh", "Choose up to 3 districts to compare"),
    "compare_hint": ("Chọn huyện để so sánh cạnh nhau (cùng bộ lọc kỳ và hình thức).",
                     "Choose districts to compare side by side (same period and form filters)."),
    "per100k": ("/100.000 dân (dân số 2009)", "per 100,000 (2009 population)"),
    "population": ("Dân số 2009", "Population 2009"),
    "rows": ("Số dòng", "Rows"),
    "demo_col": ("Dữ liệu minh họa", "Demo data"),
    "date_col": ("Ngày / kỳ", "Date / period"),
    "record_type": ("Loại dòng", "Row type"),
    "case_id": ("Mã vụ việc", "Case id"),
    "route": ("Tuyến", "Route"),
    "border_gate": ("Cửa khẩu", "Border gate"),
    "agency": ("Cơ quan", "Agency"),
    "source": ("Nguồn", "Source"),
    "cases": ("Số vụ", "Cases"),
    "victims": ("Nạn nhân", "Victims"),
    "victims_children": ("Nạn nhân trẻ em", "Child victims"),
    "victims_women": ("Nạn nhân nữ", "Women victims"),
    "victims_rescued": ("Được giải cứu, tiếp nhận", "Rescued or received"),
    "suspects_arrested": ("Đối tượng bị bắt", "Suspects arrested"),
    "destination": ("Nơi đến", "Destination"),
    "form": ("Hình thức bóc lột", "Form of exploitation"),
    "map_of_province": ("Bản đồ {province}", "Map of {province}"),
    "layer_map_hint": ("Bấm vào một huyện trên bản đồ để chọn.", "Click a district on the map to choose it."),
    "store_error": ("Không đọc được dữ liệu vụ việc", "The case data could not be read"),
}

#: the Prevention page (pages/phong_ngua.py)
PREVENTION_PAGE: dict = {
    "points_vs_target": ("điểm % so với chỉ tiêu", "points vs target"),
    "year_latest": ("(năm mới nhất có danh sách xã trọng điểm; chọn Kỳ ở thanh bên để xem năm khác)",
                    "(latest year with a key-area list; choose a Period in the sidebar for another year)"),
    "years_available": ("Các năm có danh sách xã trọng điểm", "Years with a key-area list"),
    "provinces_available": ("Tỉnh có danh sách xã trọng điểm", "Provinces with a key-area list"),
    "no_list": ("Chưa có danh sách xã trọng điểm cho {place}, năm {year}.",
                "No key-area commune list for {place}, {year}."),
    "no_list_any": ("Chưa có danh sách xã trọng điểm nào cho {place}.", "No key-area commune list for {place}."),
    "map_2025_note": ("Bản đồ tô theo xã mới (2025): mỗi xã mới mang tỷ lệ các xã trọng điểm nằm trong nó.",
                      "The map is shaded by 2025 commune: each new commune shows the share of the key-area "
                      "communes inside it."),
    "map_unplaced": ("{n} xã trọng điểm không xác định được xã mới (2025) nên không vẽ được trên bản đồ này.",
                     "{n} key-area communes have no known 2025 commune and cannot be drawn on this map."),
    "map_unplaced_districts": ("{n} xã trọng điểm không xác định được huyện nên không vẽ được theo huyện.",
                               "{n} key-area communes have no known district and cannot be mapped by district."),
    "show_points": ("Hiện các xã trọng điểm (điểm)", "Show key-area communes (points)"),
    "points_note": ("Vị trí điểm gần đúng: đặt trong xã mới (2025) mà xã cũ đã sáp nhập vào (xã trước 2025 không có "
                    "ranh giới riêng).",
                    "Point positions are approximate: each lies in the 2025 commune its former commune was merged "
                    "into (pre-2025 communes have no boundaries of their own)."),
    "points_error": ("Không vẽ được lớp xã trọng điểm", "The key-area commune layer could not be drawn"),
    "by_district": ("Tiến độ theo huyện", "Progress by district"),
    "by_province": ("Tiến độ theo tỉnh", "Progress by province"),
    "by_list": ("Tiến độ theo danh sách (tỉnh trước sắp xếp)", "Progress by list (province before the reform)"),
    "former_district": ("Huyện (trước 2025)", "District (before 2025)"),
    "communes_of": ("Các xã trọng điểm — {place}", "Key-area communes — {place}"),
    "all_communes": ("Danh sách xã trọng điểm và mô hình", "Key-area communes and their models"),
    "commune_col": ("Xã/phường", "Commune/ward"),
    "new_commune_col": ("Xã/phường mới (2025)", "Commune/ward since 2025"),
    "models_col": ("Mô hình đang hoạt động", "Models in place"),
    "status_col": ("Tình trạng", "Status"),
    "download": ("Tải bảng tiến độ (CSV)", "Download the progress table (CSV)"),
    "by_year": ("Độ bao phủ qua các năm", "Coverage by year"),
    "year_col": ("Năm", "Year"),
    "target_col": ("Chỉ tiêu (%)", "Target (%)"),
    "coverage_col": ("Tỷ lệ có mô hình (%)", "Coverage (%)"),
    "store_error": ("Không đọc được dữ liệu phòng ngừa", "The prevention data could not be read"),
    "pick_province": ("Chọn một tỉnh ở thanh bên để xem tiến độ theo huyện và các xã trọng điểm.",
                      "Choose a province in the sidebar to see progress by district and the key-area communes."),

}

#: destination countries as stored (Vietnamese) -> English (District page)
DESTINATIONS_EN = {"Trung Quốc": "China", "Lào": "Laos", "Campuchia": "Cambodia", "Myanmar": "Myanmar",
                   "Thái Lan": "Thailand", "Malaysia": "Malaysia", "Hàn Quốc": "South Korea", "Nhật Bản": "Japan",
                   "Đài Loan": "Taiwan", "Việt Nam (trong nước)": "Viet Nam (domestic)", "Việt Nam": "Viet Nam"}
