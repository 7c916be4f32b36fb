"""Strings of the statistics (vi, en): class labels, rules, statuses."""
from __future__ import annotations

#: prevention coverage rules (geo/stats/prevention.py)
PREVENTION: dict = {
    "coverage": ("Tỷ lệ xã trọng điểm có mô hình", "Key-area communes with a model"),
    "coverage_short": ("Tỷ lệ có mô hình", "Coverage"),
    "province_coverage": ("Độ bao phủ", "Coverage"),
    "covered_of": ("Xã trọng điểm có mô hình", "Key-area communes with a model"),
    "target": ("Chỉ tiêu", "Target"),
    "no_target": ("Chưa có chỉ tiêu", "No target"),
    "targets_differ": ("chỉ tiêu khác nhau theo tỉnh", "targets differ by province"),
    "districts_meeting": ("Huyện đạt chỉ tiêu", "Districts meeting the target"),
    "provinces_meeting": ("Tỉnh đạt chỉ tiêu", "Provinces meeting the target"),
    "target_source": ("Nguồn chỉ tiêu", "Target source"),
    "target_published": ("chỉ tiêu đã công bố", "published target"),
    "target_demo": ("chỉ tiêu minh họa, không phải chỉ tiêu thật", "demo target, not a real one"),
    "target_imported": ("chỉ tiêu đã nhập", "imported target"),
    "year_words": ("Năm {year} — tình trạng tại 31/12/{year}", "{year} — situation on 31 Dec {year}"),
    "era_pre": ("**Mẫu số:** {n} xã trọng điểm trong danh sách năm {year}, tính theo **xã/phường trước sắp xếp "
                "1/7/2025** (đơn vị cũ, danh sách lập theo địa giới cũ).",
                "**Denominator:** {n} key-area communes on the {year} list, counted as **communes before the "
                "1 July 2025 reorganisation** (former units, as the list was drawn up)."),
    "era_new": ("**Mẫu số:** {n} xã trọng điểm trong danh sách năm {year}, tính theo **xã/phường sau sắp xếp "
                "1/7/2025**.",
                "**Denominator:** {n} key-area communes on the {year} list, counted as **communes after the "
                "1 July 2025 reorganisation**."),
    "era_change": ("Từ 1/7/2025 các xã đã được sắp xếp lại: {n} xã cũ này nay thuộc {m} xã/phường mới. Danh sách "
                   "lập lại theo xã mới sẽ có mẫu số khác, nên tỷ lệ không so sánh trực tiếp được với các năm trước.",
                   "Since 1 July 2025 communes have been merged: these {n} former communes now lie in {m} new "
                   "communes. A list drawn up in new communes has a different denominator, so its rate is not "
                   "directly comparable with earlier years."),
    "model_rule": ("Một mô hình được tính khi bắt đầu trước hoặc vào 31/12 của năm và chưa dừng vào ngày đó; "
                   "mô hình ghi \"đã dừng\"/\"tạm dừng\" mà không có ngày dừng thì không được tính.",
                   "A model counts when it started on or before 31 December of the year and had not ended by "
                   "then; a model marked ended or paused without an end date is not counted."),
    "map_grey_note": ("Màu xám: huyện/đơn vị không có xã nào trong danh sách xã trọng điểm.",
                      "Grey: district/unit with no commune on the key-area list."),
    "not_key_area": ("Không có xã trọng điểm", "No key-area commune"),
    "has_model": ("Có mô hình", "Has a model"),
    "no_model": ("Chưa có mô hình", "No model"),
    "key_communes": ("Số xã trọng điểm", "Key-area communes"),
    "covered": ("Có mô hình", "With a model"),
    "meets": ("Đạt chỉ tiêu", "Meets target"),
    "meets_yes": ("✔ Đạt", "✔ Meets"),
    "meets_no": ("✘ Chưa đạt", "✘ Below"),
    "meets_unknown": ("— (chưa có chỉ tiêu)", "— (no target)"),
    "unknown_district": ("(không rõ huyện)", "(district unknown)"),
    "list_era_col": ("Danh sách theo đơn vị", "List drawn up in"),
    "era_pre_short": ("trước 2025", "pre-2025 units"),
    "era_new_short": ("sau 1/7/2025", "2025 units"),
}

#: class labels of choropleths (geo/stats/classify.py)
CLASSES: dict = {
    "no_data": ("Không có dữ liệu", "No data"),
}

#: change classes (geo/stats/change.py)
CHANGE_RULES: dict = {
    "low_baseline": ("Cả hai kỳ đều dưới {min_baseline} vụ", "Both periods below {min_baseline} cases"),
    "small_change": ("Chênh lệch dưới {min_abs_change} vụ", "Difference below {min_abs_change} cases"),
    "new": ("Kỳ trước không có vụ nào", "No case in the previous period"),
    "percent": ("Theo tỷ lệ thay đổi", "By the percentage change"),
    "no_data": ("Thiếu số liệu một kỳ", "A period has no figure"),
}

#: named vs computed hotspots (geo/stats/named_vs_computed.py)
NAMED_STATUSES: dict = {
    "hot_now": ("Đang là điểm nóng thống kê", "Statistically hot now"),
    "hot_before": ("Từng là điểm nóng thống kê, nay không còn", "Was statistically hot, no longer"),
    "not_hot": ("Không phải điểm nóng thống kê", "Not statistically hot"),
    "no_data": ("Không có số liệu để so sánh", "No data to compare"),
    "no_district": ("Không gắn với huyện nào – không so sánh được", "No district – cannot compare"),
}
