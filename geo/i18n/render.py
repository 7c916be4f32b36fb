"""Strings of the renderers (vi, en): static maps, exports, reference layers."""
from __future__ import annotations

#: static maps and exports (geo/render/static_maps.py)
STATIC_MAPS: dict = {
    "made_on": ("Lập ngày {d}", "Made on {d}"),
    "data_source": ("Nguồn số liệu", "Data source"),
    "boundaries": ("Ranh giới và bản đồ nền", "Boundaries and base map"),
    "locator": ("Vị trí khu vực", "Where this is"),
    "north": ("B", "N"),
    "demo_banner": ("{label}: số liệu minh họa do máy sinh ngẫu nhiên, không phải số liệu thật",
                    "{label}: randomly generated demonstration figures, not real data"),
    "legend": ("Chú giải", "Legend"),
    "protected": ("Số nhỏ/ẩn (<{t}, x): không tô màu", "Small/hidden (<{t}, x): not coloured"),
    "other_units": ("Đơn vị khác", "Other units"),
    "key_figures": ("Số liệu chính", "Key figures"),
    "period": ("Kỳ", "Period"),
    "no_source": ("kho dữ liệu Tuyến & Điểm nóng", "the Routes & Hotspots data store"),
}

#: reference layers (geo/render/reference_layers.py)
REFERENCE_LAYERS: dict = {
    "gates": ("Cửa khẩu", "Border gates"),
    "routes": ("Tuyến trọng điểm", "Key routes"),
    "hotspots": ("Điểm nóng được nêu tên", "Named hotspots"),
    "gate_international": ("Cửa khẩu quốc tế", "International gate"),
    "gate_main": ("Cửa khẩu chính", "Main (national) gate"),
    "gate_secondary": ("Cửa khẩu phụ", "Secondary gate"),
    "gate_planned": ("Cửa khẩu dự kiến", "Planned gate"),
    "gate_other": ("Sân bay, cảng biển", "Airport, seaport"),
    "route_trafficking": ("Tuyến mua bán người (theo vụ việc)", "Trafficking route (reported cases)"),
    "route_smuggling": ("Tuyến đưa người trái phép (không phải mọi trường hợp là mua bán người)",
                        "Smuggling route (not all of it is trafficking)"),
    "route_transport": ("Tuyến giao thông đến cửa khẩu", "Transport corridor to a gate"),
    "hotspot_trafficking": ("Điểm nóng mua bán người", "Trafficking hotspot"),
    "hotspot_smuggling": ("Điểm nóng đưa người trái phép", "Smuggling hotspot"),
    "source": ("Nguồn", "Source"),
    "caveat": ("Lưu ý", "Caveat"),
    "location": ("Vị trí", "Location"),
    "type": ("Loại", "Type"),
    "period": ("Thời gian", "Period"),
    "destination": ("Nước đến", "Destination"),
    "counterpart": ("Cửa khẩu đối diện", "Opposite gate"),
}
