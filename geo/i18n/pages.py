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
    "no_hot": ("Không có huyện nào là điểm nóng thống kê với bộ lọc này.",
               "No district is a statistical hotspot for these filters."),
}
