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
    "year_words_now": ("Năm {year} — tình trạng đến {day}", "{year} — situation on {day}"),
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
    "low_baseline": ("Số nền thấp: kỳ trước không quá {low_norm}, kỳ này không quá {low_current} vụ (quy tắc ACLED)",
                     "Low baseline: at most {low_norm} before and {low_current} now (ACLED's rule)"),
    "new": ("Kỳ trước không có vụ nào, kỳ này từ {new_min} vụ", "None before, {new_min} or more now"),
    "percent": ("Theo tỷ lệ thay đổi (ngưỡng ACLED)", "By the percentage change (ACLED's thresholds)"),
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

#: plain words on the hotspot page (geo/stats/hotspots.py, geo/stats/clusters.py): what each method says,
#: how sure it is, and when there is too little data to say anything
HOTSPOT_EXPLANATION = {
    "vi": {
        "title": "Điểm nóng thống kê (Getis-Ord Gi*) là gì?",
        "what": [
            "Một huyện được tô đỏ khi **huyện đó cùng các huyện giáp ranh** có số vụ cao hơn hẳn số dự kiến nếu "
            "mọi người dân ở mọi nơi có cùng một nguy cơ (số dự kiến tính theo dân số). Màu xanh là ngược lại: "
            "thấp hơn hẳn số dự kiến. Màu xám: không khác biệt rõ so với ngẫu nhiên.",
            "**Mức tin cậy** 99/95/90% nghĩa là: trong các huyện được tô đỏ ở mức đó, tỷ lệ báo động nhầm dự kiến "
            "không quá 1/5/10% (tỷ lệ phát hiện sai – FDR, hiệu chỉnh riêng cho điểm nóng và điểm lạnh vì kiểm "
            "định cùng lúc hàng trăm huyện).",
            "Xác suất được tính chính xác (phân phối nhị thức theo dân số), không phải bằng xáo trộn ngẫu nhiên, "
            "nên vẫn phân biệt được một cụm nhỏ vài huyện.",
            "**Cần bằng chứng:** một huyện chỉ có thể là điểm nóng khi nó cùng các huyện giáp ranh có **ít nhất 3 "
            "vụ**; chỉ có thể là điểm lạnh khi ở đó **dự kiến ít nhất 3 vụ**. Quy tắc này nằm ngay trong kiểm định.",
            "Với số nạn nhân (một vụ có thể nhiều người), kiểm định tính đến việc nạn nhân đi theo từng vụ "
            "(hệ số phân tán φ), để một vụ đông người không bị coi là nhiều vụ.",
            "Láng giềng = huyện có chung ranh giới. Huyện đảo (Cô Tô, Côn Đảo, Phú Quốc, Lý Sơn...) được nối với "
            "huyện gần nhất; Hoàng Sa, Trường Sa không có dân cư nên không kiểm định.",
        ],
        "not": [
            "**Không phải bằng chứng** có mua bán người ở huyện đó, và không xếp hạng mức độ nguy hiểm.",
            "Gi* nói về **vùng lân cận**: huyện sát một cụm mạnh có thể đỏ dù chính nó ít vụ (cột “Cộng cả vùng "
            "lân cận” cho thấy điều này). Phép quét Kulldorff cho biết phạm vi của chính cụm.",
            "Bản đồ phản ánh **số vụ được phát hiện, báo cáo**: nơi lực lượng hoạt động mạnh có thể phát hiện "
            "nhiều hơn; nơi không có báo cáo không có nghĩa là không có vụ việc.",
            "Dân số dùng để tính số dự kiến là **dân số 2009** (Tổng điều tra 2009), nguồn duy nhất có cho 702 "
            "huyện (xã năm 2025: ước tính theo diện tích).",
            "**Khi quá ít số liệu** (cả nước dưới khoảng 10 vụ trong kỳ), không phương pháp nào phân biệt được cụm "
            "thật với ngẫu nhiên: bản đồ xám khi đó có nghĩa là “chưa đủ số liệu để nói”, không phải “không có "
            "nguy cơ”.",
        ],
    },
    "en": {
        "title": "What is a statistical hotspot (Getis-Ord Gi*)?",
        "what": [
            "A district is red when it **together with the districts bordering it** has clearly more cases than "
            "expected if every person everywhere had the same risk (the expected count follows population). Blue "
            "is the opposite: clearly fewer than expected. Grey: no clear difference from chance.",
            "**Confidence** 99/95/90% means: among the districts red at that level, the expected share of false "
            "alarms is at most 1/5/10% (false discovery rate, FDR, corrected separately for hot and cold spots "
            "because hundreds of districts are tested at once).",
            "Probabilities are computed exactly (binomial, by population), not by random shuffling, so a small "
            "cluster of a few districts can still be told apart.",
            "**Evidence needed:** a district can only be a hotspot when it and its neighbours hold **at least 3 "
            "cases**, and only a cold spot where **at least 3 cases were expected**. The rule is part of the test.",
            "For victims (one case can involve many people) the test allows for victims coming in cases "
            "(dispersion φ), so one large case does not count as many.",
            "Neighbours = districts sharing a border. Island districts (Cô Tô, Côn Đảo, Phú Quốc, Lý Sơn...) are "
            "linked to their nearest districts; Hoàng Sa and Trường Sa have no resident population and are not tested.",
        ],
        "not": [
            "It is **not proof** of trafficking in a district, and it does not rank danger.",
            "Gi* speaks of **neighbourhoods**: a district next to a strong cluster can be red with few cases of "
            "its own (the column “With its neighbours” shows this). The Kulldorff scan gives the cluster's own extent.",
            "The map reflects **cases detected and reported**: where units are active more is found; no report "
            "does not mean no case.",
            "Expected counts use the **2009 population** (2009 census), the only figure for all 702 districts "
            "(2025 communes: estimated by area).",
            "**With too little data** (fewer than about 10 cases nationally in the period) no method can tell a "
            "real cluster from chance: a grey map then means “not enough data to say”, not “no risk”.",
        ],
    },
}

SCAN_EXPLANATION = {
    "vi": (
        "**Phép quét không gian Kulldorff (mô hình Poisson)** — phương pháp của phần mềm SaTScan, chuẩn phát hiện "
        "cụm trong giám sát y tế công cộng (Kulldorff 1997). Quanh tâm mỗi huyện, một vòng tròn được mở rộng dần, "
        "mỗi lần thêm huyện gần nhất, cho tới khi chứa {share}% dân số{radius}. Với mỗi vòng tròn, so sánh số vụ bên "
        "trong với số dự kiến theo dân số; vòng tròn chênh lệch lớn nhất (tỷ số khả năng lớn nhất) là **cụm nguy cơ "
        "cao nhất**. Để biết có thể do ngẫu nhiên không, số vụ được rải ngẫu nhiên theo dân số {r} lần và quét lại "
        "mỗi lần: **giá trị p** là tỷ lệ lần mô phỏng cho chênh lệch lớn bằng hoặc hơn. Các **cụm thứ cấp** không "
        "chung huyện nào với cụm mạnh hơn và được so với cùng các lần mô phỏng (thận trọng). Cụm có ý nghĩa khi "
        "p ≤ 0,05.\n\n"
        "**Cách đọc:** “Quan sát/dự kiến” = 3 nghĩa là trong cụm có số vụ gấp 3 lần nếu nguy cơ như nhau. Trần "
        "{share}% dân số (SaTScan mặc định 50%) được chọn vì điều cần cho công tác biên giới là cụm vài huyện, "
        "không phải “nửa phía bắc”; giới hạn này được nêu trên mọi bản xuất.\n\n"
        "**Không nói gì:** cụm là vùng có nhiều vụ **được phát hiện** hơn dự kiến; hình tròn là cách quét, không "
        "phải ranh giới của tội phạm; không có cụm khi quá ít số liệu không có nghĩa là không có nguy cơ."
    ),
    "en": (
        "**Kulldorff's spatial scan (Poisson model)** — the method of SaTScan, the standard for cluster detection "
        "in public-health surveillance (Kulldorff 1997). Around each district's centre a circle grows, adding the "
        "nearest district each time, until it holds {share}% of the population{radius_en}. For every circle the cases "
        "inside are compared with those expected from population; the circle with the largest excess (largest "
        "likelihood ratio) is the **most likely cluster**. To tell whether it could be chance, the cases are spread "
        "at random by population {r} times and scanned again each time: the **p-value** is the share of replicates "
        "with an excess at least as large. **Secondary clusters** share no district with a stronger one and are "
        "ranked against the same replicates (conservative). A cluster is significant at p ≤ 0.05.\n\n"
        "**Reading it:** “observed/expected” = 3 means three times the cases expected if the risk were the same "
        "everywhere. The cap of {share}% of the population (SaTScan's default is 50%) is chosen because what border "
        "work needs is clusters of a few districts, not “the northern half”; the cap is stated on every export.\n\n"
        "**What it does not say:** a cluster is an area with more cases **detected** than expected; the circle is "
        "how the scan searches, not the boundary of the crime; no cluster with too little data does not mean no risk."
    ),
}

AGREE_EXPLANATION = {
    "vi": ("**Nơi hai phương pháp đồng thuận.** Gi* hỏi “vùng lân cận của huyện này có nhiều vụ hơn hẳn dự kiến "
           "không?”; phép quét hỏi “vòng tròn huyện nào có tỷ lệ cao nhất so với phần còn lại?”. Đỏ đậm: huyện là "
           "điểm nóng Gi* (≥ 95%) **và** nằm trong cụm có ý nghĩa của phép quét — bằng chứng mạnh nhất. Cam: chỉ Gi* "
           "(thường là huyện giáp một cụm). Hồng nhạt: chỉ phép quét (thường là huyện trong cụm nhưng vùng lân cận "
           "pha loãng). Xám: không phương pháp nào."),
    "en": ("**Where the two methods agree.** Gi* asks “does this district's neighbourhood have clearly more cases "
           "than expected?”; the scan asks “which circle of districts has the highest rate compared with the rest?”. "
           "Dark red: a Gi* hotspot (≥ 95%) **and** inside a significant scan cluster — the strongest evidence. "
           "Orange: Gi* only (often a district next to a cluster). Light pink: the scan only (often a district inside a "
           "cluster whose neighbourhood dilutes it). Grey: neither."),
}
