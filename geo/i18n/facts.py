"""Vietnamese (and English) renderings of the descriptive values of the sourced facts.

The facts in the facts folder (:func:`geo.config.facts_dir`; loaded by :mod:`geo.data.facts`) were curated
with their descriptive fields in English. The Vietnamese interface must not show them in English, so
every descriptive value the app shows is translated here, keyed by the EXACT source string: when a
source value changes, its translation is missing and ``tests/test_facts_i18n.py`` says so.

Usage::

    from geo.i18n import facts as fx
    fx.text("hotspots.category", row["category"], lang)      # "Điểm nóng mua bán thai nhi, trẻ sơ sinh"
    fx.with_qualifier("SEED-F05", "1.700", "vi")             # "hơn 1.700"

``field`` is ``"<table>.<column>"`` (see :data:`FIELDS`) or ``"countries"`` for one country name.
A value that is not known (for example a user's own hotspot) is returned unchanged, and so is any
value of a field not listed in :data:`FIELDS`. Proper names keep their Vietnamese spelling as in the
sources; official document numbers stay as published (``6654/UBND-NC``, ``1199/QĐ-TTg``).

``figures.value`` covers only the values that are not a plain number ("22 (rising to nearly 30)",
"3,243 / 4,731 / 7,147", ">30"): plain numbers are formatted by the caller. The qualifier of a
published figure ("more than 1,700") is given by :func:`qualifier`, decided per figure from its
``value``, ``unit`` and ``notes`` (see :data:`QUALIFIERS`).

Vietnamese-only source text (a Vietnamese newspaper or association named in ``reporting_body``, a
``xã`` in a waypoint name) has an English rendering in :func:`en`; everything else is already English
and :func:`en` returns it unchanged.
"""
from __future__ import annotations

import math
import re

# --------------------------------------------------------------------------------------------------
# Country names (Vietnamese conventional names, as used by the Ministry of Foreign Affairs)
# --------------------------------------------------------------------------------------------------
COUNTRIES_VI: dict[str, str] = {
    "Vietnam": "Việt Nam",
    "Viet Nam": "Việt Nam",
    "Laos": "Lào",
    "China": "Trung Quốc",
    "Cambodia": "Campuchia",
    "Thailand": "Thái Lan",
    "Myanmar": "Mi-an-ma",
    "Malaysia": "Ma-lai-xi-a",
    "Singapore": "Xin-ga-po",
    "Indonesia": "In-đô-nê-xi-a",
    "Philippines": "Phi-líp-pin",
    "Korea": "Hàn Quốc",
    "South Korea": "Hàn Quốc",
    "Japan": "Nhật Bản",
    "Taiwan": "Đài Loan (Trung Quốc)",
    "Hong Kong": "Hồng Công (Trung Quốc)",
    "Hong Kong (China)": "Hồng Công (Trung Quốc)",
    "Hong Kong SAR": "Đặc khu hành chính Hồng Công (Trung Quốc)",
    "United Kingdom": "Vương quốc Anh",
    "UK": "Vương quốc Anh",
    "England": "Anh",
    "France": "Pháp",
    "Belgium": "Bỉ",
    "Germany": "Đức",
    "Russia": "Nga",
    "Ukraine": "U-crai-na",
    "Europe": "Châu Âu",
    "European countries": "Các nước châu Âu",
    "African countries": "Các nước châu Phi",
    "Yunnan": "Vân Nam (Trung Quốc)",
}

#: English names of the countries, also from their Vietnamese names (as the store keeps them)
COUNTRIES_EN: dict[str, str] = {
    "Việt Nam": "Viet Nam", "Việt Nam (trong nước)": "Viet Nam (domestic)", "Lào": "Laos",
    "Trung Quốc": "China", "Campuchia": "Cambodia", "Thái Lan": "Thailand", "Mi-an-ma": "Myanmar",
    "Ma-lai-xi-a": "Malaysia", "Malaysia": "Malaysia", "Myanmar": "Myanmar", "Xin-ga-po": "Singapore",
    "In-đô-nê-xi-a": "Indonesia", "Phi-líp-pin": "Philippines", "Hàn Quốc": "South Korea",
    "Nhật Bản": "Japan", "Đài Loan": "Taiwan", "Đài Loan (Trung Quốc)": "Taiwan", "Hồng Công": "Hong Kong",
    "Hồng Công (Trung Quốc)": "Hong Kong (China)", "Hồng Kông": "Hong Kong", "Vương quốc Anh": "United Kingdom",
    "Anh": "England", "Pháp": "France", "Bỉ": "Belgium", "Đức": "Germany", "Nga": "Russia",
    "U-crai-na": "Ukraine", "Châu Âu": "Europe", "Các nước châu Âu": "European countries",
    "Các nước châu Phi": "African countries", "Vân Nam (Trung Quốc)": "Yunnan (China)",
}

# --------------------------------------------------------------------------------------------------
# Shared small vocabularies
# --------------------------------------------------------------------------------------------------
_COORD_TYPE_VI = {
    "exact": "Vị trí chính xác (có nguồn)",
    "commune centroid": "Tâm xã (ước lượng)",
    "district centroid": "Tâm huyện (ước lượng)",
    "province centroid": "Tâm tỉnh (ước lượng thô)",
    "none": "Không có tọa độ",
}
_COORD_TYPE_EN = {
    "exact": "Exact location (sourced)",
    "commune centroid": "Commune centroid (approximate)",
    "district centroid": "District centroid (approximate)",
    "province centroid": "Province centroid (rough)",
    "none": "No coordinate",
}
_NATURE_VI = {
    "trafficking": "Mua bán người",
    "smuggling": "Đưa người di cư trái phép",
    "transport": "Giao thông vận tải",
    "mixed": "Hỗn hợp",
}
_NATURE_EN = {
    "trafficking": "Trafficking",
    "smuggling": "People smuggling",
    "transport": "Transport",
    "mixed": "Mixed",
}

# --------------------------------------------------------------------------------------------------
# figures.csv
# --------------------------------------------------------------------------------------------------
_FIG_SCOPE = {
    "national": "Toàn quốc",
    "national (campaign)": "Toàn quốc (đợt cao điểm)",
    "province": "Tỉnh",
    "multi-province": "Liên tỉnh",
    "district": "Huyện",
    "commune": "Xã",
    "village": "Thôn, bản",
    "gate": "Cửa khẩu",
}

_FIG_GEOGRAPHY = {
    "Bản Phố (Bắc Hà)": "Xã Bản Phố (huyện Bắc Hà)",
    "Hữu Kiệm (Kỳ Sơn)": "Xã Hữu Kiệm (huyện Kỳ Sơn)",
    "Kỳ Sơn": "Huyện Kỳ Sơn",
    "Kỳ Sơn (mainly Hữu Kiệm)": "Huyện Kỳ Sơn (chủ yếu ở xã Hữu Kiệm)",
    "Lào Cai": "Tỉnh Lào Cai",
    "Lào Cai (Border Guard)": "Tỉnh Lào Cai (Bộ đội Biên phòng)",
    "Lào Cai (police) with MPS": "Tỉnh Lào Cai (Công an tỉnh phối hợp với Bộ Công an)",
    "Lào Cai (shelter)": "Tỉnh Lào Cai (cơ sở tạm lánh của tỉnh)",
    "Lào Cai International Border Gate (Border Guard)": "Cửa khẩu quốc tế Lào Cai (Bộ đội Biên phòng)",
    "Mỹ Lý (Kỳ Sơn)": "Xã Mỹ Lý (huyện Kỳ Sơn)",
    "Nghệ An": "Tỉnh Nghệ An",
    "Nghệ An (victims from mountain communes)": "Tỉnh Nghệ An (nạn nhân ở các xã miền núi)",
    "Tương Dương": "Huyện Tương Dương",
    "Vietnam": "Toàn quốc",
    "Vietnam (MOLISA report that also names Hải Phòng/Quảng Ninh ports)":
        "Toàn quốc (báo cáo của Bộ Lao động – Thương binh và Xã hội, có nêu các cảng Hải Phòng, Quảng Ninh)",
    "Vietnam (Peaceful House model, Women's Union)":
        "Toàn quốc (mô hình “Ngôi nhà Bình yên” của Hội Liên hiệp Phụ nữ Việt Nam)",
    "Vietnam (cross-border to Laos/Cambodia context)":
        "Toàn quốc (bối cảnh mua bán người qua biên giới sang Lào, Campuchia)",
    "Yên Bái (now part of Lào Cai)": "Tỉnh Yên Bái (nay thuộc tỉnh Lào Cai)",
    "Điện Biên, Sơn La, Lào Cai → China (case 419D)": "Điện Biên, Sơn La, Lào Cai → Trung Quốc (chuyên án 419D)",
    "Đỉnh Sơn 1 & 2 (Hữu Kiệm)": "Bản Đỉnh Sơn 1 và bản Đỉnh Sơn 2 (xã Hữu Kiệm)",
    "Đỉnh Sơn 1, Đỉnh Sơn 2, Huồi Thơ (Hữu Kiệm)": "Các bản Đỉnh Sơn 1, Đỉnh Sơn 2, Huồi Thơ (xã Hữu Kiệm)",
}

_FIG_PERIOD = {
    "'2014-25' as printed (probably 2014–2015)": "“2014-25” theo bản in của nguồn (có thể là 2014–2015)",
    "2007–2024": "2007–2024",
    "2008": "Năm 2008",
    "2010 – Jul 2017": "2010 – tháng 7/2017",
    "2010–2018": "2010–2018",
    "2011 – Sep 2018": "2011 – tháng 9/2018",
    "2011–2015": "2011–2015",
    "2011–2020 / 2018–2022 / 2022–H1 2023": "2011–2020 / 2018–2022 / 2022 – 6 tháng đầu năm 2023",
    "2013–2019": "2013–2019",
    "2015": "Năm 2015",
    "2016": "Năm 2016",
    "2016 – Jun 2019": "2016 – tháng 6/2019",
    "2016–2018 (annual)": "2016–2018 (mỗi năm)",
    "2016–2020 (annual average)": "2016–2020 (bình quân mỗi năm)",
    '2016–early 2019 ("past three years")': "2016 – đầu năm 2019 (“ba năm qua”)",
    "2017": "Năm 2017",
    "2018": "Năm 2018",
    "2018 – Q1 2019": "2018 – quý I/2019",
    "2018–2019": "2018–2019",
    "2018–2022": "2018–2022",
    "2019": "Năm 2019",
    "2019–2020": "2019–2020",
    "2021 plan (Action Program 2021)": "Kế hoạch năm 2021 (Chương trình hành động năm 2021)",
    "2021 target": "Chỉ tiêu năm 2021",
    "2021–2025 (Decision 193/QĐ-TTg, 9 Feb 2021)": "2021–2025 (Quyết định 193/QĐ-TTg ngày 9/2/2021)",
    "2022 (Plan 179/KH-UBND)": "Năm 2022 (Kế hoạch 179/KH-UBND)",
    "2022 (Plan 179/KH-UBND, 16 Mar 2022)": "Năm 2022 (Kế hoạch 179/KH-UBND ngày 16/3/2022)",
    "2023 plan": "Kế hoạch năm 2023",
    "2025": "Năm 2025",
    "Dec 2020 – early 2024": "Tháng 12/2020 – đầu năm 2024",
    "H1 2012": "6 tháng đầu năm 2012",
    "H1 2018": "6 tháng đầu năm 2018",
    "H1 2023": "6 tháng đầu năm 2023",
    "H1 2024": "6 tháng đầu năm 2024",
    "Jan 2026": "Tháng 1/2026",
    "Jan–Apr 2016": "4 tháng đầu năm 2016 (tháng 1–4/2016)",
    "Jan–Jun 2006": "6 tháng đầu năm 2006",
    "Jul–Sep 2015": "Quý III/2015 (tháng 7–9/2015)",
    "as of 2023": "Tính đến năm 2023",
    "as of 2025": "Tính đến năm 2025",
    "since 2008 (article date not shown)": "Từ năm 2008 (bài báo không ghi ngày đăng)",
    "since 2009 (article date not shown)": "Từ năm 2009 (bài báo không ghi ngày đăng)",
    "since early 2010 (article date not shown)": "Từ đầu năm 2010 (bài báo không ghi ngày đăng)",
    "statement of 12 Dec (year not shown in accessible excerpt)":
        "Phát biểu ngày 12/12 (đoạn trích đọc được không ghi năm)",
    "visit in early April (year not shown; article probably 2022)":
        "Chuyến khảo sát đầu tháng 4 (không ghi năm; bài báo có thể đăng năm 2022)",
}

_FIG_METRIC = {
    # Nghệ An
    "trafficking cases discovered and arrested": "Số vụ mua bán người được phát hiện, bắt giữ",
    "subjects (suspects) arrested": "Số đối tượng bị bắt giữ",
    "victims rescued": "Số nạn nhân được giải cứu",
    "hubs (đầu mối) with signs of trafficking": "Số đầu mối có dấu hiệu mua bán người",
    "cases prosecuted": "Số vụ đã khởi tố",
    "subjects arrested (trafficking women and children)": "Số đối tượng bị bắt (mua bán phụ nữ, trẻ em)",
    "female victims rescued": "Số nạn nhân nữ được giải cứu",
    "target: denunciations/crime reports/petitions received and classified":
        "Chỉ tiêu: tỷ lệ tố giác, tin báo về tội phạm và kiến nghị khởi tố được tiếp nhận, phân loại",
    "target: resolution rate of denunciations/reports (over)":
        "Chỉ tiêu: tỷ lệ giải quyết tố giác, tin báo về tội phạm (đạt trên)",
    "target: investigation & discovery rate of prosecuted cases (over)":
        "Chỉ tiêu: tỷ lệ điều tra, khám phá các vụ án đã khởi tố (đạt trên)",
    "target: cases resolved and prosecuted": "Chỉ tiêu: tỷ lệ vụ án được giải quyết, truy tố",
    "target: cases resolved and tried": "Chỉ tiêu: tỷ lệ vụ án được giải quyết, xét xử",
    "targets (same set): 100% received; >90% resolved; >90% investigated/discovered; 95% prosecuted; 90% tried":
        "Các chỉ tiêu (cùng bộ chỉ tiêu năm 2022): tiếp nhận 100%; giải quyết trên 90%; điều tra, khám phá trên 90%; "
        "truy tố 95%; xét xử 90%",
    "plan issued; focus on key routes/areas, especially the Laos border (numeric targets NOT visible in the accessible excerpt)":
        "Ban hành kế hoạch; tập trung vào các tuyến, địa bàn trọng điểm, nhất là tuyến biên giới Việt – Lào "
        "(đoạn trích đọc được KHÔNG nêu chỉ tiêu bằng số)",
    "women who crossed into China to sell fetuses and returned (counted by police)":
        "Số phụ nữ sang Trung Quốc bán thai nhi rồi trở về (công an thống kê)",
    "pregnant women from Kỳ Sơn who crossed the border in late pregnancy (recorded)":
        "Số phụ nữ mang thai ở Kỳ Sơn vượt biên khi thai đã ở những tháng cuối (được ghi nhận)",
    "pregnant women who went to China to sell newborns (initial local estimate)":
        "Số phụ nữ mang thai sang Trung Quốc để bán trẻ sơ sinh (ước tính ban đầu của địa phương)",
    "Khơ Mú women who crossed the border and sold newborns":
        "Số phụ nữ dân tộc Khơ Mú vượt biên và bán trẻ sơ sinh",
    "households / population of the two villages": "Số hộ / số dân của hai bản",
    "cases / subjects discovered (trafficking-related)": "Số vụ / số đối tượng bị phát hiện (liên quan mua bán người)",
    "cases / subjects prosecuted": "Số vụ / số đối tượng đã khởi tố",
    "trafficking lines eliminated / victims rescued / suspected lines investigated":
        "Số đường dây mua bán người bị triệt xóa / số nạn nhân được giải cứu / số đường dây nghi vấn được điều tra",
    "cases / criminals arrested / children rescued": "Số vụ / số đối tượng bị bắt / số trẻ em được giải cứu",
    "people trafficked to Golden Triangle SEZ (Laos) in one case":
        "Số người bị mua bán sang Đặc khu kinh tế Tam giác Vàng (Lào) trong một vụ án",
    "Laos border length / districts / communes": "Chiều dài đường biên giới với Lào / số huyện / số xã biên giới",
    "border length with Laos": "Chiều dài đường biên giới với Lào",
    "border length with Laos (longest of any commune)": "Chiều dài đường biên giới với Lào (dài nhất trong các xã)",
    "cases busted / victims rescued / people arrested / suspects monitored":
        "Số vụ triệt phá / số nạn nhân được giải cứu / số người bị bắt / số đối tượng bị theo dõi",
    # Lào Cai, Yên Bái
    "cases discovered and handled / victims rescued": "Số vụ phát hiện, xử lý / số nạn nhân được giải cứu",
    "cases uncovered / individuals arrested / victims rescued":
        "Số vụ phát hiện / số đối tượng bị bắt / số nạn nhân được giải cứu",
    "trafficking victims received": "Số nạn nhân bị mua bán được tiếp nhận",
    "victims helped to reintegrate by the provincial shelter":
        "Số nạn nhân được cơ sở tạm lánh của tỉnh hỗ trợ tái hòa nhập cộng đồng",
    "Vietnamese women freed with Chinese counterparts":
        "Số phụ nữ Việt Nam được giải cứu phối hợp với lực lượng chức năng Trung Quốc",
    "women reported missing (mostly ethnic minorities)":
        "Số phụ nữ được trình báo mất tích (phần lớn là người dân tộc thiểu số)",
    "women who disappeared": "Số phụ nữ mất tích",
    "people lured or suspected trafficked to China": "Số người bị dụ dỗ hoặc nghi bị bán sang Trung Quốc",
    "suspects held / victims rescued (one network, Hải Phòng–Lào Cai–Bắc Ninh)":
        "Số đối tượng bị tạm giữ / số nạn nhân được giải cứu (một đường dây Hải Phòng – Lào Cai – Bắc Ninh)",
    "trafficking victims supported by Women's Union units":
        "Số nạn nhân bị mua bán được các cấp Hội Liên hiệp Phụ nữ hỗ trợ",
    "women and children sold to China by the ring (headline)":
        "Số phụ nữ, trẻ em bị đường dây bán sang Trung Quốc (theo tít bài báo)",
    # national
    "trafficking networks dismantled / suspects arrested / victims rescued":
        "Số đường dây mua bán người bị triệt phá / số đối tượng bị bắt / số nạn nhân được giải cứu",
    "cases of trafficking to China / suspects / victims": "Số vụ mua bán người sang Trung Quốc / số đối tượng / số nạn nhân",
    "people verified / identified as victims / victims supported":
        "Số người được xác minh / số người được xác định là nạn nhân / số nạn nhân được hỗ trợ",
    "cases / subjects detected and investigated (Art. 150, 151) / victims":
        "Số vụ / số đối tượng bị phát hiện, điều tra (Điều 150, 151 Bộ luật Hình sự) / số nạn nhân",
    "cases / violators / victims": "Số vụ / số đối tượng vi phạm / số nạn nhân",
    "cases / accused prosecuted": "Số vụ / số bị can đã khởi tố",
    "cases / culprits / victims": "Số vụ / số đối tượng phạm tội / số nạn nhân",
    "cases detected / criminals arrested / victims per year":
        "Số vụ phát hiện / số đối tượng bị bắt / số nạn nhân mỗi năm",
    "cases / subjects / victims": "Số vụ / số đối tượng / số nạn nhân",
    "cases / victims": "Số vụ / số nạn nhân",
    "cases / victims / victims rescued": "Số vụ / số nạn nhân / số nạn nhân được giải cứu",
    "victims": "Số nạn nhân",
    "victims (>90% women and children)": "Số nạn nhân (trên 90% là phụ nữ và trẻ em)",
    "cases uncovered per year": "Số vụ phát hiện mỗi năm",
    "share of domestic trafficking cases / male victims": "Tỷ lệ vụ mua bán người trong nước / tỷ lệ nạn nhân nam",
    "target: denunciations/reports/petitions received and classified; settlement rate":
        "Chỉ tiêu: tỷ lệ tố giác, tin báo về tội phạm và kiến nghị khởi tố được tiếp nhận, phân loại; tỷ lệ giải quyết",
    'cases of sexual assault, domestic violence and trafficking "called out" by Women\'s Union units':
        "Số vụ xâm hại tình dục, bạo lực gia đình và mua bán người được các cấp Hội Liên hiệp Phụ nữ "
        "“lên tiếng” (phát hiện, phản ánh)",
    "share of trafficking victims taken to China": "Tỷ lệ nạn nhân bị mua bán sang Trung Quốc",
    "trafficked people rescued (national)": "Số người bị mua bán được giải cứu (toàn quốc)",
    # seed articles
    "trafficking cases discovered and fought": "Số vụ mua bán người được phát hiện, đấu tranh",
    "victims in those cases": "Số nạn nhân trong các vụ này",
    "child trafficking cases": "Số vụ mua bán trẻ em",
    "child victims in those cases": "Số nạn nhân là trẻ em trong các vụ này",
    "people given temporary shelter": "Số người được tiếp nhận, hỗ trợ tạm lánh",
    "trafficking victims sheltered": "Số nạn nhân bị mua bán được hỗ trợ tạm lánh",
    "child trafficking victims sheltered": "Số nạn nhân trẻ em bị mua bán được hỗ trợ tạm lánh",
    "communes in key areas with specialised prevention models (target, at least)":
        "Tỷ lệ xã thuộc địa bàn trọng điểm có mô hình chuyên đề phòng ngừa (chỉ tiêu, ít nhất)",
    "people in key areas aged 14-60 (esp. women, children) with access to information and legal knowledge (target)":
        "Tỷ lệ người dân từ 14 đến 60 tuổi ở địa bàn trọng điểm (nhất là phụ nữ, trẻ em) được tiếp cận "
        "thông tin, kiến thức pháp luật (chỉ tiêu)",
    "key routes and areas where competent authorities apply professional measures (target)":
        "Tỷ lệ tuyến, địa bàn trọng điểm được cơ quan chức năng áp dụng biện pháp nghiệp vụ (chỉ tiêu)",
    "trafficking information transferred to authorities that is classified and processed (target)":
        "Tỷ lệ tin báo về mua bán người chuyển đến cơ quan chức năng được phân loại, xử lý (chỉ tiêu)",
    "trafficking cases prosecuted and tried, of cases handled by procuracy and court (target)":
        "Tỷ lệ vụ án mua bán người được truy tố, xét xử trên tổng số vụ Viện kiểm sát, Tòa án thụ lý (chỉ tiêu)",
    "received cases verified and victims identified and supported (target)":
        "Tỷ lệ trường hợp tiếp nhận được xác minh, xác định nạn nhân và hỗ trợ (chỉ tiêu)",
    "victims and relatives in need protected (target)":
        "Tỷ lệ nạn nhân và người thân có nhu cầu được bảo vệ (chỉ tiêu)",
}

#: values that are not a plain number (plain numbers are formatted by the caller)
_FIG_VALUE = {
    "100 / >90 / >90 / 95 / 90": "100 / trên 90 / trên 90 / 95 / 90",
    "22 (rising to nearly 30)": "22 (sau tăng lên gần 30)",
    ">25": "hơn 25",
    ">200 households; ~900 people": "hơn 200 hộ; khoảng 900 người",
    "9 / 15": "9 / 15",
    "4 / 9": "4 / 9",
    "3 / 10 / 6": "3 / 10 / 6",
    "1 / 2 / 3": "1 / 2 / 3",
    "468 km; 6 districts; 27 communes": "468 km; 6 huyện; 27 xã",
    "22 / 40 / 43 / 235": "22 / 40 / 43 / 235",
    "13 / 25": "13 / 25",
    "67 / 92 / 214": "67 / 92 / 214",
    "~3,000": "khoảng 3.000",
    ">30": "hơn 30",
    "10 / 21": "10 / 21",
    "35 / 78 / 103": "35 / 78 / 103",
    ">100 / >200 / ~200": "hơn 100 / hơn 200 / khoảng 200",
    "114 / 82 / 65": "114 / 82 / 65",
    "88 / 229 / 224": "88 / 229 / 224",
    "440 / 876 / 1,240": "440 / 876 / 1.240",
    "244 / 330": "244 / 330",
    ">1,000 / ~1,500 / >2,600": "hơn 1.000 / khoảng 1.500 / hơn 2.600",
    "260 / 340 / 500": "260 / 340 / 500",
    "3,243 / 4,731 / 7,147": "3.243 / 4.731 / 7.147",
    "3,078 / 6,594": "3.078 / 6.594",
    "383 / 1,128 / 600": "383 / 1.128 / 600",
    "~3,500": "khoảng 3.500",
    "15%/10% ; 34%/27% ; >40%": "15%/10%; 34%/27%; trên 40%",
    "100% ; >90%": "100%; trên 90%",
    ">2,500": "hơn 2.500",
}
_FIG_VALUE_EN = {
    "100 / >90 / >90 / 95 / 90": "100 / over 90 / over 90 / 95 / 90",
    ">25": "more than 25",
    ">200 households; ~900 people": "more than 200 households; about 900 people",
    "~3,000": "about 3,000",
    ">30": "more than 30",
    ">100 / >200 / ~200": "more than 100 / more than 200 / about 200",
    ">1,000 / ~1,500 / >2,600": "more than 1,000 / about 1,500 / more than 2,600",
    "~3,500": "about 3,500",
    "15%/10% ; 34%/27% ; >40%": "15%/10%; 34%/27%; over 40%",
    "100% ; >90%": "100%; over 90%",
    ">2,500": "more than 2,500",
}

_FIG_UNIT = {
    "cases": "vụ",
    "cases / persons": "vụ / người",
    "cases / persons / persons": "vụ / người / người",
    "cases per year (approx.)": "vụ mỗi năm (xấp xỉ)",
    "households; persons": "hộ; người",
    "hubs": "đầu mối",
    "km": "km",
    "km; count": "km; số đơn vị",
    "lines / persons / lines": "đường dây / người / đường dây",
    "networks / persons / persons": "đường dây / người / người",
    "per year": "mỗi năm",
    "percent": "%",
    "percent (approx.)": "% (xấp xỉ)",
    "persons": "người",
}

_FIG_BODY = {
    "(via VnExpress)": "(theo VnExpress)",
    "Báo Lào Cai (via GDVN; VietNamNet)": "Báo Lào Cai (theo GDVN; VietNamNet)",
    "Báo Nghệ An": "Báo Nghệ An",
    "Báo Nghệ An (via Viet Reader)": "Báo Nghệ An (theo Viet Reader)",
    "Bắc Hà district police (via Báo Lào Cai/GDVN)": "Công an huyện Bắc Hà (theo Báo Lào Cai/GDVN)",
    "CAND": "Báo Công an nhân dân (CAND)",
    "Commune officials (via VnExpress)": "Cán bộ xã (theo VnExpress)",
    "Commune police officer (via Báo Nghệ An)": "Cán bộ Công an xã (theo Báo Nghệ An)",
    "Deputy Minister Nguyễn Duy Ngọc (via VOV)": "Thứ trưởng Bộ Công an Nguyễn Duy Ngọc (theo VOV)",
    "Deputy Minister of Public Security (via VNA)": "Thứ trưởng Bộ Công an (theo TTXVN)",
    "Hội hữu nghị Việt-Lào Nghệ An": "Hội hữu nghị Việt-Lào Nghệ An",
    "Local authorities (via VnExpress)": "Chính quyền địa phương (theo VnExpress)",
    "Lào Cai (via VietnamPlus)": "Tỉnh Lào Cai (theo VietnamPlus)",
    "Lào Cai Border Guard": "Bộ đội Biên phòng tỉnh Lào Cai",
    "Lào Cai Department of Social Evil Prevention (via VietnamPlus)":
        "Chi cục Phòng, chống tệ nạn xã hội tỉnh Lào Cai (theo VietnamPlus)",
    "Lào Cai Provincial Police": "Công an tỉnh Lào Cai",
    "Lào Cai Provincial Police (via Thanh Niên)": "Công an tỉnh Lào Cai (theo báo Thanh Niên)",
    "Lào Cai gate Border Guard (via CAND)": "Đồn Biên phòng cửa khẩu quốc tế Lào Cai (theo báo CAND)",
    "MOLISA (via SGGP)": "Bộ Lao động – Thương binh và Xã hội (theo SGGP)",
    "MOLISA Dept. of Social Evil Prevention (via ANTĐ)":
        "Cục Phòng, chống tệ nạn xã hội, Bộ Lao động – Thương binh và Xã hội (theo ANTĐ)",
    "MPS & National Committee (via VnExpress)": "Bộ Công an và Ủy ban quốc gia (theo VnExpress)",
    "MPS (via PLO)": "Bộ Công an (theo PLO)",
    "MPS (via Thanh Niên)": "Bộ Công an (theo báo Thanh Niên)",
    "MPS (via VNA)": "Bộ Công an (theo TTXVN)",
    "MPS (via VietnamPlus)": "Bộ Công an (theo VietnamPlus)",
    "MPS Criminal Police (via VNS)": "Cục Cảnh sát hình sự, Bộ Công an (theo Việt Nam News)",
    "MPS Department No. 05 (Đinh Văn Trình)": "Cục 05, Bộ Công an (ông Đinh Văn Trình)",
    "MPS anti-trafficking office (via Mekong Migration Network)":
        "Văn phòng phòng, chống mua bán người của Bộ Công an (theo Mạng lưới Di cư Mê Kông)",
    "MPS via National Assembly Judicial Committee": "Bộ Công an, qua Ủy ban Tư pháp của Quốc hội",
    "Ministry of Public Security": "Bộ Công an",
    "Ministry of Public Security (quoted at the 2024 national launch)":
        "Bộ Công an (số liệu nêu tại lễ phát động toàn quốc năm 2024)",
    "NA Justice Committee deputy head (via VnExpress)": "Phó Chủ nhiệm Ủy ban Tư pháp của Quốc hội (theo VnExpress)",
    "Nghệ An PPC": "UBND tỉnh Nghệ An",
    "Nghệ An PPC (Official Dispatch 6654/UBND-NC)": "UBND tỉnh Nghệ An (Công văn 6654/UBND-NC)",
    "Nghệ An PPC (Official Dispatch 6654/UBND-NC, 10 Aug 2023)": "UBND tỉnh Nghệ An (Công văn 6654/UBND-NC, 10/8/2023)",
    "Nghệ An Province (via VnExpress)": "Tỉnh Nghệ An (theo VnExpress)",
    "Nghệ An Provincial People's Committee": "UBND tỉnh Nghệ An",
    "Nghệ An Provincial Police (via VnExpress/VnNow)": "Công an tỉnh Nghệ An (theo VnExpress/VnNow)",
    "Nghệ An Provincial Police Director (statement on 12 Dec; year not shown)":
        "Giám đốc Công an tỉnh Nghệ An (phát biểu ngày 12/12; không ghi năm)",
    "Nghệ An Provincial Police report (via PLO)": "Báo cáo của Công an tỉnh Nghệ An (theo PLO)",
    "Police report cited at MPS–Laos–Cambodia conference":
        "Báo cáo của công an nêu tại hội nghị giữa Bộ Công an Việt Nam với Lào, Campuchia",
    "Prime Minister": "Thủ tướng Chính phủ",
    "Standing agency of Steering Committee 138/CP (reposted)": "Cơ quan thường trực Ban Chỉ đạo 138/CP (đăng lại)",
    "Thanh Niên News": "Báo Thanh Niên (Thanh Niên News)",
    "Tương Dương district police": "Công an huyện Tương Dương",
    "Vietnam Women's Union": "Hội Liên hiệp Phụ nữ Việt Nam",
    "Vietnam Women's Union (via VietNamNet)": "Hội Liên hiệp Phụ nữ Việt Nam (theo VietNamNet)",
}
_FIG_BODY_EN = {
    "Hội hữu nghị Việt-Lào Nghệ An": "Nghệ An Vietnam–Laos Friendship Association (Hội hữu nghị Việt-Lào Nghệ An)",
    "Báo Nghệ An": "Nghệ An newspaper (Báo Nghệ An)",
    "Báo Nghệ An (via Viet Reader)": "Nghệ An newspaper (Báo Nghệ An, via Viet Reader)",
    "Báo Lào Cai (via GDVN; VietNamNet)": "Lào Cai newspaper (Báo Lào Cai, via GDVN; VietNamNet)",
    "Bắc Hà district police (via Báo Lào Cai/GDVN)": "Bắc Hà district police (via Lào Cai newspaper/GDVN)",
    "Commune police officer (via Báo Nghệ An)": "Commune police officer (via Nghệ An newspaper)",
    "CAND": "CAND (People's Public Security newspaper)",
}

_FIG_RELIABILITY = {
    "high": "Cao",
    "high (for the two targets listed)": "Cao (đối với hai chỉ tiêu được nêu)",
    "low (missing persons, not verified trafficking)": "Thấp (người mất tích, chưa xác minh là bị mua bán)",
    "low (reposted on a low-reliability site)": "Thấp (đăng lại trên trang có độ tin cậy thấp)",
    "low (scope unclear; blog repost)": "Thấp (không rõ phạm vi; blog đăng lại)",
    "medium": "Trung bình",
    "medium (internal inconsistency)": "Trung bình (số liệu tự mâu thuẫn)",
    "medium (mixed category)": "Trung bình (gộp nhiều loại vụ việc)",
    "medium (period uncertain)": "Trung bình (kỳ số liệu không chắc chắn)",
    "medium (year not shown)": "Trung bình (không ghi năm)",
    "unverified numeric targets": "Chỉ tiêu bằng số chưa được kiểm chứng",
}

# --------------------------------------------------------------------------------------------------
# hotspots.csv
# --------------------------------------------------------------------------------------------------
_HS_NAME = {
    "Đỉnh Sơn 1 village (bản Đỉnh Sơn 1), Hữu Kiệm commune": "Bản Đỉnh Sơn 1, xã Hữu Kiệm",
    "Đỉnh Sơn 2 village (bản Đỉnh Sơn 2), Hữu Kiệm commune": "Bản Đỉnh Sơn 2, xã Hữu Kiệm",
    "Huồi Thơ village, Hữu Kiệm commune": "Bản Huồi Thơ, xã Hữu Kiệm",
    "Hữu Kiệm commune": "Xã Hữu Kiệm",
    "Hữu Lập commune": "Xã Hữu Lập",
    "Keng Đu commune": "Xã Keng Đu",
    "Tà Cạ commune": "Xã Tà Cạ",
    "Lập village, Ngọc Lâm commune": "Bản Lập, xã Ngọc Lâm",
    "Nga My commune": "Xã Nga My",
    "Yên Thành district": "Huyện Yên Thành",
    "Diễn Châu district": "Huyện Diễn Châu",
    "Con Cuông district": "Huyện Con Cuông",
    "Tương Dương district": "Huyện Tương Dương",
    "Kỳ Sơn district": "Huyện Kỳ Sơn",
    "Quế Phong district": "Huyện Quế Phong",
    "Quỳ Châu district": "Huyện Quỳ Châu",
    "Thanh Chương district": "Huyện Thanh Chương",
    "Anh Sơn district": "Huyện Anh Sơn",
    "Nghệ An – Laos border (province level)": "Tuyến biên giới Nghệ An – Lào (cấp tỉnh)",
    "Bản Phố commune (Pho village), Bắc Hà district": "Xã Bản Phố, huyện Bắc Hà",
    "Suối Thầu village, near Sa Pa": "Thôn Suối Thầu (gần Sa Pa)",
    "Ý Lình Hồ commune (Sa Pa)": "Xã Ý Lình Hồ (Sa Pa)",
    "Lào Cai International Border Gate (interception/handover point)":
        "Cửa khẩu quốc tế Lào Cai (điểm ngăn chặn, bàn giao nạn nhân)",
    "Bát Xát district": "Huyện Bát Xát",
    "Mường Khương district": "Huyện Mường Khương",
    "Si Ma Cai district": "Huyện Si Ma Cai",
    "Lào Cai city": "Thành phố Lào Cai",
    "Bảo Thắng district": "Huyện Bảo Thắng",
    "Bản Lầu commune, Na Lốc 4 hamlet": "Thôn Na Lốc 4, xã Bản Lầu",
    "Mù Cang Chải district (Yên Bái, now Lào Cai)": "Huyện Mù Cang Chải (tỉnh Yên Bái, nay thuộc tỉnh Lào Cai)",
    "Điện Quang commune (Bảo Yên) and Bản Phố (Bắc Hà) – trafficker residences":
        "Xã Điện Quang (huyện Bảo Yên) và xã Bản Phố (huyện Bắc Hà) – nơi cư trú của đối tượng mua bán người",
    "Thủy Nguyên (Hải Phòng)": "Thủy Nguyên (Hải Phòng)",
    "An Dương (Hải Phòng)": "An Dương (Hải Phòng)",
    "Phú Liễn ward and Tân Minh commune (Hải Phòng, post-2025 units)":
        "Phường Phú Liễn và xã Tân Minh (Hải Phòng, đơn vị hành chính từ ngày 1/7/2025)",
    "Hải Phòng seaports": "Các cảng biển Hải Phòng",
}
_HS_NAME_EN = {
    "Đỉnh Sơn 1 village (bản Đỉnh Sơn 1), Hữu Kiệm commune": "Đỉnh Sơn 1 village, Hữu Kiệm commune",
    "Đỉnh Sơn 2 village (bản Đỉnh Sơn 2), Hữu Kiệm commune": "Đỉnh Sơn 2 village, Hữu Kiệm commune",
}

_HS_LEVEL = {
    "village": "Thôn, bản",
    "commune": "Xã",
    "district": "Huyện",
    "gate": "Cửa khẩu",
    "port": "Cảng biển",
    "border area": "Khu vực biên giới",
}

_HS_CATEGORY = {
    "border city (international gates)": "Thành phố biên giới (có các cửa khẩu quốc tế)",
    "border district": "Huyện biên giới",
    "border district (Bản Vược gate; auxiliary gates)": "Huyện biên giới (cửa khẩu Bản Vược; các cửa khẩu phụ)",
    "border district (Cao Vều gate)": "Huyện biên giới (cửa khẩu phụ Cao Vều)",
    "border district (Mường Khương gate; exit point in trafficking case)":
        "Huyện biên giới (cửa khẩu Mường Khương; nơi đưa nạn nhân qua biên giới trong vụ mua bán người)",
    "border-gate economic zone district (border status not confirmed in sources)":
        "Huyện thuộc Khu kinh tế cửa khẩu (nguồn chưa xác nhận là huyện biên giới)",
    "fetal/newborn trafficking (mentioned)": "Mua bán thai nhi, trẻ sơ sinh (được nhắc đến)",
    "fetal/newborn trafficking hotspot": "Điểm nóng mua bán thai nhi, trẻ sơ sinh",
    "interception point for victims leaving for China": "Điểm ngăn chặn nạn nhân bị đưa sang Trung Quốc",
    "irregular border crossing point (migrant smuggling case, 2020)":
        "Điểm vượt biên trái phép (vụ đưa người di cư trái phép, năm 2020)",
    "key route/area in provincial plans": "Tuyến, địa bàn trọng điểm trong kế hoạch của tỉnh",
    "missing girls (suspected trafficking)": "Trẻ em gái mất tích (nghi bị mua bán)",
    "missing women / suspected trafficking to China": "Phụ nữ mất tích / nghi bị bán sang Trung Quốc",
    "named as particularly affected area": "Được nêu là địa bàn bị ảnh hưởng nặng",
    "named as particularly affected area; border district": "Được nêu là địa bàn bị ảnh hưởng nặng; huyện biên giới",
    "named as particularly affected area; border district (Nậm Cắn gate); fetal trafficking":
        "Được nêu là địa bàn bị ảnh hưởng nặng; huyện biên giới (cửa khẩu Nậm Cắn); mua bán thai nhi",
    "named as particularly affected area; border district (Tam Hợp gate)":
        "Được nêu là địa bàn bị ảnh hưởng nặng; huyện biên giới (cửa khẩu Tam Hợp)",
    "named as particularly affected area; border district (Thông Thụ gate)":
        "Được nêu là địa bàn bị ảnh hưởng nặng; huyện biên giới (cửa khẩu Thông Thụ)",
    "named target area; border district (Thanh Thủy gate)":
        "Được nêu là địa bàn trọng điểm; huyện biên giới (cửa khẩu Thanh Thủy)",
    "named target area; origin of victim (Myanmar scam case)":
        "Được nêu là địa bàn trọng điểm; nơi ở của nạn nhân (vụ lừa đảo ở Mi-an-ma)",
    "origin area (Essex case; named as particularly affected area)":
        "Địa bàn nơi nạn nhân ra đi (vụ Essex; được nêu là địa bàn bị ảnh hưởng nặng)",
    "origin of trafficking victim (case)": "Nơi ở của nạn nhân bị mua bán (vụ việc)",
    "origin of trafficking victims (case)": "Nơi ở của các nạn nhân bị mua bán (vụ việc)",
    "origin of victims (case)": "Nơi ở của các nạn nhân (vụ việc)",
    "origin of victims / ringleaders (case)": "Nơi ở của nạn nhân / đối tượng cầm đầu (vụ việc)",
    "residence of ringleaders (2026 case)": "Nơi cư trú của các đối tượng cầm đầu (vụ việc năm 2026)",
    "residence of suspects (scam-compound trafficking case)":
        "Nơi cư trú của các đối tượng (vụ mua bán người vào cơ sở lừa đảo)",
    "residence of traffickers (case)": "Nơi cư trú của đối tượng mua bán người (vụ việc)",
    "sea exit used to ship people to Hong Kong/Taiwan (2008 report)":
        "Cửa ngõ đường biển dùng để đưa người sang Hồng Công/Đài Loan (báo cáo năm 2008)",
    "trafficker arrest location (case)": "Nơi bắt giữ đối tượng mua bán người (vụ việc)",
}

_HS_PERIOD = {
    "2006–2025": "2006–2025",
    "2008": "Năm 2008",
    "2008–2020": "2008–2020",
    "2008–c.2011": "2008 – khoảng năm 2011",
    "2011–2024": "2011–2024",
    "2012–2024": "2012–2024",
    "2013": "Năm 2013",
    "2013–": "Từ năm 2013",
    "2017–2023": "2017–2023",
    "2018": "Năm 2018",
    "2018–2019": "2018–2019",
    "2018–2019 (hotspot, VnExpress); Báo Nghệ An visit in early April (year not shown)":
        "2018–2019 (điểm nóng, theo VnExpress); Báo Nghệ An khảo sát đầu tháng 4 (không ghi năm)",
    "2018–2024": "2018–2024",
    "2019": "Năm 2019",
    "2019; 2024": "Năm 2019; năm 2024",
    "2020": "Năm 2020",
    "2021": "Năm 2021",
    "2023": "Năm 2023",
    "2024": "Năm 2024",
    "2025": "Năm 2025",
    "2026": "Năm 2026",
    "since 2009": "Từ năm 2009",
    "undated": "Không rõ thời gian",
}

# --------------------------------------------------------------------------------------------------
# routes.csv
# --------------------------------------------------------------------------------------------------
_RT_NAME = {
    "QL7 / QL7A corridor: Diễn Châu – Đô Lương – (Anh Sơn) – Tương Dương – Mường Xén – Nậm Cắn gate – Nong Het – Phonsavan (Lao Route 7)":
        "Hành lang QL7 / QL7A: Diễn Châu – Đô Lương – (Anh Sơn) – Tương Dương – Mường Xén – cửa khẩu Nậm Cắn – "
        "Noọng Hét – Phonsavan (đường số 7 của Lào)",
    "QL46: Cửa Lò port – Vinh – Đô Lương": "QL46: cảng Cửa Lò – Vinh – Đô Lương",
    "Vinh – Thanh Thủy gate – Nậm On – Vientiane corridor (incl. planned Hanoi–Vientiane expressway)":
        "Hành lang Vinh – cửa khẩu Thanh Thủy – Nậm On – Viêng Chăn (gồm cả tuyến cao tốc Hà Nội – Viêng Chăn "
        "theo quy hoạch)",
    "Thông Thụ – Nậm Tạy crossing (Quế Phong – Sam Tay, Hủa Phăn)":
        "Tuyến qua cặp cửa khẩu Thông Thụ – Nậm Tạy (Quế Phong – Sầm Tạy, Hủa Phăn)",
    "Phúc Sơn (QL7) – Provincial Road 534C – Cao Vều gate": "Phúc Sơn (QL7) – đường tỉnh 534C – cửa khẩu Cao Vều",
    "Freight: Lao ore (Vientiane prov. barite, Xiêng Khoảng iron ore) – Nậm Cắn gate – Cửa Lò port":
        "Tuyến hàng hóa: quặng từ Lào (barit tỉnh Viêng Chăn, quặng sắt Xiêng Khoảng) – cửa khẩu Nậm Cắn – cảng Cửa Lò",
    "Fetal/newborn trafficking: Hữu Kiệm (Kỳ Sơn) – bus – Móng Cái (Quảng Ninh) – China":
        "Mua bán thai nhi, trẻ sơ sinh: Hữu Kiệm (Kỳ Sơn) – xe khách – Móng Cái (Quảng Ninh) – Trung Quốc",
    "Newborn sale route: Tương Dương / Kỳ Sơn – Cao Lộc (Lạng Sơn) – border trail – China":
        "Tuyến bán trẻ sơ sinh: Tương Dương / Kỳ Sơn – Cao Lộc (Lạng Sơn) – đường mòn biên giới – Trung Quốc",
    "2013 case: Ngọc Lâm (Thanh Chương) – Hải Yên ward, Móng Cái (Quảng Ninh) – China":
        "Vụ việc năm 2013: Ngọc Lâm (Thanh Chương) – phường Hải Yên, Móng Cái (Quảng Ninh) – Trung Quốc",
    "Thanh Chương women – Quảng Ninh border – China (intercepted)":
        "Phụ nữ Thanh Chương – biên giới Quảng Ninh – Trung Quốc (bị ngăn chặn)",
    "Scam-compound trafficking: Nghệ An mountain communes – Laos – Golden Triangle SEZ (Bokeo)":
        "Mua bán người vào cơ sở lừa đảo: các xã miền núi Nghệ An – Lào – Đặc khu kinh tế Tam giác Vàng (Bokeo)",
    "Scam-compound trafficking: Quỳ Châu – illegal border crossing – Myanmar; escape via Mekong (Golden Triangle)":
        "Mua bán người vào cơ sở lừa đảo: Quỳ Châu – vượt biên trái phép – Mi-an-ma; trốn thoát theo sông Mê Kông "
        "(Tam giác Vàng)",
    "Essex lorry case (2019): Yên Thành (Nghệ An) – via China – France (Dunkirk, Lille) – Belgium (Bruges, Zeebrugge) – UK (Purfleet, Grays)":
        "Vụ xe tải ở Essex (2019): Yên Thành (Nghệ An) – qua Trung Quốc – Pháp (Dunkirk, Lille) – Bỉ (Bruges, "
        "Zeebrugge) – Anh (Purfleet, Grays)",
    "Boten case (2024): Hưng Yên – Điện Biên – Tây Trang gate – Boten SEZ (Luang Namtha, Laos); one victim born in Nghệ An":
        "Vụ Boten (2024): Hưng Yên – Điện Biên – cửa khẩu Tây Trang – Đặc khu kinh tế Boten (Luang Namtha, Lào); "
        "một nạn nhân sinh ra ở Nghệ An",
    "Nội Bài – Lào Cai Expressway (CT.05): Thanh Xuân (Sóc Sơn, Hà Nội) – Vĩnh Phúc – Phú Thọ – Yên Bái – Lào Cai (Bình Minh → Duyên Hải / Kim Thành) → G8011 Kaiyuan–Hekou":
        "Cao tốc Nội Bài – Lào Cai (CT.05): Thanh Xuân (Sóc Sơn, Hà Nội) – Vĩnh Phúc – Phú Thọ – Yên Bái – Lào Cai "
        "(Bình Minh → Duyên Hải / Kim Thành) → cao tốc G8011 Khai Viễn – Hà Khẩu",
    "QL4D: Sa Pa – Lào Cai city – Mường Khương town (– border ~5 km)":
        "QL4D: Sa Pa – thành phố Lào Cai – thị trấn Mường Khương (– biên giới khoảng 5 km)",
    "QL70 / China G326 crossing at Hồ Kiều II bridge (Lào Cai road gate No. I – Hekou)":
        "QL70 / quốc lộ G326 (Trung Quốc) qua cầu Hồ Kiều II (cửa khẩu đường bộ số I Lào Cai – Hà Khẩu)",
    "Rail: Lào Cai station – Hà Khẩu Bắc (Hekou North); planned Lào Cai – Hà Nội – Hải Phòng (Lạch Huyện) railway":
        "Đường sắt: ga Lào Cai – ga Hà Khẩu Bắc; tuyến đường sắt Lào Cai – Hà Nội – Hải Phòng (Lạch Huyện) theo quy hoạch",
    "Bản Phố (Bắc Hà) – Mường Khương / Xín Mần (Hà Giang) / Lào Cai International Border Gate – China":
        "Bản Phố (Bắc Hà) – Mường Khương / Xín Mần (Hà Giang) / Cửa khẩu quốc tế Lào Cai – Trung Quốc",
    "2023 case: Mù Cang Chải (Yên Bái) – Lào Cai – China": "Vụ việc năm 2023: Mù Cang Chải (Yên Bái) – Lào Cai – Trung Quốc",
    "Điện Biên victims – Hekou (China) den – returned via Lào Cai International Border Gate":
        "Nạn nhân ở Điện Biên – ổ nhóm ở Hà Khẩu (Trung Quốc) – trở về qua Cửa khẩu quốc tế Lào Cai",
    "2025 case: Điện Biên Đông – Lào Cai International Border Gate – China (intercepted at exit)":
        "Vụ việc năm 2025: Điện Biên Đông – Cửa khẩu quốc tế Lào Cai – Trung Quốc (bị ngăn chặn khi làm thủ tục "
        "xuất cảnh)",
    "2026 network: Hải Phòng – Lào Cai – Bắc Ninh (karaoke/massage; under-16 trafficking; domestic)":
        "Đường dây năm 2026: Hải Phòng – Lào Cai – Bắc Ninh (karaoke, massage; mua bán người dưới 16 tuổi; trong nước)",
    "Sea route: Hải Phòng (and Quảng Ninh) ports – Hong Kong / Taiwan":
        "Tuyến đường biển: cảng Hải Phòng (và Quảng Ninh) – Hồng Công / Đài Loan",
    "Hải Phòng (An Dương, Thủy Nguyên) – Quảng Ninh – China (brothels)":
        "Hải Phòng (An Dương, Thủy Nguyên) – Quảng Ninh – Trung Quốc (nhà chứa)",
    "Hải Phòng – England (irregular migration flow reported after the Essex case)":
        "Hải Phòng – Anh (dòng di cư trái phép được báo chí nêu sau vụ Essex)",
}

_RT_CATEGORY = {
    "border crossing road": "Đường qua cửa khẩu biên giới",
    "expressway to border gate": "Đường cao tốc đến cửa khẩu",
    "freight corridor": "Hành lang vận tải hàng hóa",
    "national road": "Quốc lộ",
    "national road crossing": "Quốc lộ qua biên giới",
    "national road to border gate": "Quốc lộ đến cửa khẩu",
    "national road toward border": "Quốc lộ hướng ra biên giới",
    "provincial road to border gate": "Đường tỉnh đến cửa khẩu",
    "railway corridor": "Hành lang đường sắt",
    "reported smuggling/irregular migration flow": "Dòng đưa người, di cư trái phép (theo báo cáo)",
    "reported smuggling/trafficking route": "Tuyến đưa người trái phép/mua bán người (theo báo cáo)",
    "reported trafficking network (domestic)": "Đường dây mua bán người trong nước (theo báo cáo)",
    "reported trafficking route": "Tuyến mua bán người (theo vụ việc được báo cáo)",
    "reported trafficking route (intercepted)": "Tuyến mua bán người (theo báo cáo; đã bị ngăn chặn)",
    "reported trafficking route (rescue/return)": "Tuyến mua bán người (theo báo cáo; giải cứu, đưa nạn nhân trở về)",
    "reported trafficking sea route": "Tuyến mua bán người đường biển (theo báo cáo)",
    "road corridor to border gate": "Hành lang đường bộ đến cửa khẩu",
}

_RT_PURPOSE = {
    "border crossing (passengers)": "Qua lại biên giới (hành khách)",
    "cross-border freight movement": "Vận chuyển hàng hóa qua biên giới",
    "forced criminality (online scams)": "Bị ép buộc phạm tội (lừa đảo trực tuyến)",
    "forced criminality (phone scams)": "Bị ép buộc phạm tội (lừa đảo qua điện thoại)",
    "freight corridor (Kunming–Lào Cai–Hà Nội–Hải Phòng)":
        "Hành lang vận tải hàng hóa (Côn Minh – Lào Cai – Hà Nội – Hải Phòng)",
    "girls and women sold in China (prostitution brokers), VND 10–15 million each":
        "Trẻ em gái và phụ nữ bị bán sang Trung Quốc (cho đối tượng môi giới mại dâm), 10–15 triệu đồng mỗi người",
    "irregular migration to the UK (39 deaths; described as people-smuggling/trafficking)":
        "Di cư trái phép sang Anh (39 người chết; được mô tả là đưa người trái phép/mua bán người)",
    "irregular migration to the UK (not confirmed as trafficking)":
        "Di cư trái phép sang Anh (chưa xác nhận là mua bán người)",
    "job/marriage brokering to China via TikTok contacts":
        "Môi giới việc làm, hôn nhân sang Trung Quốc qua quen biết trên TikTok",
    "people shipped abroad by traffickers (MOLISA, 2008)":
        "Đối tượng mua bán người đưa người ra nước ngoài bằng tàu biển (Bộ Lao động – Thương binh và Xã hội, 2008)",
    "pregnant women taken to China to sell newborns": "Phụ nữ mang thai bị đưa sang Trung Quốc để bán trẻ sơ sinh",
    "sale of newborns in China (pregnant women taken across the border)":
        "Bán trẻ sơ sinh ở Trung Quốc (phụ nữ mang thai được đưa qua biên giới)",
    "sexual exploitation of minors": "Bóc lột tình dục người chưa thành niên",
    "sexual/labour exploitation via debt bondage; victims transferred between groups":
        "Bóc lột tình dục, bóc lột sức lao động thông qua gán nợ; nạn nhân bị chuyển qua lại giữa các nhóm",
    "transport": "Giao thông vận tải",
    "transport corridor": "Hành lang giao thông",
    "transport corridor (Kunming–Lào Cai–Hà Nội–Hải Phòng economic corridor; AH14)":
        "Hành lang giao thông (hành lang kinh tế Côn Minh – Lào Cai – Hà Nội – Hải Phòng; đường AH14)",
    "transport corridor from the sea port inland (joins QL7/HCM road at Đô Lương)":
        "Hành lang giao thông từ cảng biển vào nội địa (nối với QL7/đường Hồ Chí Minh tại Đô Lương)",
    "transport corridor; named in provincial plans as key route area (border with Laos)":
        "Hành lang giao thông; được kế hoạch của tỉnh xác định là tuyến, địa bàn trọng điểm (biên giới với Lào)",
    "women lured to China for marriage/work": "Phụ nữ bị dụ dỗ sang Trung Quốc lấy chồng, làm việc",
    "women sold as wives in China (3,000–10,000 yuan each)":
        "Phụ nữ bị bán sang Trung Quốc làm vợ (3.000–10.000 nhân dân tệ mỗi người)",
    "women sold in China (VND 10–20 million per woman)": "Phụ nữ bị bán sang Trung Quốc (10–20 triệu đồng mỗi người)",
    "women sold into China": "Phụ nữ bị bán sang Trung Quốc",
    "young women sold to brothels in China": "Phụ nữ trẻ bị bán vào nhà chứa ở Trung Quốc",
}

_RT_PROVINCES = {
    "Hà Nội; Vĩnh Phúc; Phú Thọ; Yên Bái; Lào Cai; Yunnan": "Hà Nội; Vĩnh Phúc; Phú Thọ; Yên Bái; Lào Cai; Vân Nam (Trung Quốc)",
    "Hưng Yên; Điện Biên; Laos": "Hưng Yên; Điện Biên; Lào",
    "Hải Phòng; Lào Cai; Bắc Ninh": "Hải Phòng; Lào Cai; Bắc Ninh",
    "Hải Phòng; Quảng Ninh": "Hải Phòng; Quảng Ninh",
    "Hải Phòng; Quảng Ninh; China": "Hải Phòng; Quảng Ninh; Trung Quốc",
    "Hải Phòng; UK": "Hải Phòng; Vương quốc Anh",
    "Laos; Nghệ An": "Lào; Nghệ An",
    "Lào Cai": "Lào Cai",
    "Lào Cai; Hà Giang; China": "Lào Cai; Hà Giang; Trung Quốc",
    "Lào Cai; Yunnan": "Lào Cai; Vân Nam (Trung Quốc)",
    "Nghệ An": "Nghệ An",
    "Nghệ An; Bolikhamxay (Laos)": "Nghệ An; Bô-ly-khăm-xay (Lào)",
    "Nghệ An; Hà Tĩnh; Europe": "Nghệ An; Hà Tĩnh; châu Âu",
    "Nghệ An; Hủa Phăn (Laos)": "Nghệ An; Hủa Phăn (Lào)",
    "Nghệ An; Laos": "Nghệ An; Lào",
    "Nghệ An; Lạng Sơn; China": "Nghệ An; Lạng Sơn; Trung Quốc",
    "Nghệ An; Myanmar": "Nghệ An; Mi-an-ma",
    "Nghệ An; Quảng Ninh; China": "Nghệ An; Quảng Ninh; Trung Quốc",
    "Nghệ An; Xiêng Khoảng (Laos)": "Nghệ An; Xiêng Khoảng (Lào)",
    "Yunnan; Lào Cai; Hà Nội; Hải Phòng": "Vân Nam (Trung Quốc); Lào Cai; Hà Nội; Hải Phòng",
    "Yên Bái (now Lào Cai); Lào Cai; China": "Yên Bái (nay thuộc Lào Cai); Lào Cai; Trung Quốc",
    "Điện Biên; Lào Cai; China": "Điện Biên; Lào Cai; Trung Quốc",
    "Điện Biên; Sơn La; Yunnan; Lào Cai": "Điện Biên; Sơn La; Vân Nam (Trung Quốc); Lào Cai",
}

_RT_DESTINATIONS = {
    "China": "Trung Quốc",
    "China (Mường Khương–Kiều Đầu gate)": "Trung Quốc (qua cửa khẩu Mường Khương – Kiều Đầu)",
    "Hong Kong (China); Taiwan": "Hồng Công (Trung Quốc); Đài Loan (Trung Quốc)",
    "Laos": "Lào",
    "Myanmar": "Mi-an-ma",
    "United Kingdom": "Vương quốc Anh",
    "Vietnam (domestic)": "Việt Nam (trong nước)",
    "Vietnam (port)": "Việt Nam (cảng biển)",
}

_RT_ORDERED = {
    "yes": "Có",
    "no (network nodes, not a sequence)": "Không (các điểm là nút mạng lưới, không theo thứ tự hành trình)",
    "yes (three alternative exit points, listed together)": "Có (ba điểm thoát thay thế được liệt kê cùng nhau)",
}

# --------------------------------------------------------------------------------------------------
# gates.csv (gate names have their own gate_name_vi / gate_name_en)
# --------------------------------------------------------------------------------------------------
_GT_RECORD = {
    "border gate": "Cửa khẩu biên giới",
    "customs clearance lane (lối thông quan) – planned/listed": "Lối thông quan (theo quy hoạch, danh mục)",
    "other entry point (airport/seaport)": "Cửa khẩu khác (sân bay, cảng biển)",
}
_GT_RECORD_EN = {
    "customs clearance lane (lối thông quan) – planned/listed": "Customs clearance lane – planned/listed",
}

_GT_TYPE = {
    "international": "Cửa khẩu quốc tế",
    "international (air)": "Cửa khẩu quốc tế (đường hàng không)",
    "international (road, freight)": "Cửa khẩu quốc tế (đường bộ, hàng hóa)",
    "main (national)": "Cửa khẩu chính (song phương)",
    "main (national) per vi.Wikipedia — planned international":
        "Cửa khẩu chính (song phương) theo vi.Wikipedia — quy hoạch nâng cấp thành cửa khẩu quốc tế",
    "main (national) — planned international":
        "Cửa khẩu chính (song phương) — quy hoạch nâng cấp thành cửa khẩu quốc tế",
    "secondary": "Cửa khẩu phụ",
    "secondary (planned, to open by 2030)": "Cửa khẩu phụ (quy hoạch, mở đến năm 2030)",
    "planned": "Quy hoạch",
    "seaport": "Cảng biển",
    "seaport(s)": "Cảng biển",
    "clearance lane (Decision 1199/QĐ-TTg, 2023)": "Lối thông quan (Quyết định 1199/QĐ-TTg năm 2023)",
}

_GT_MODE = {
    "air": "Đường hàng không",
    "sea": "Đường biển",
    "rail": "Đường sắt",
    "road": "Đường bộ",
    "road (freight)": "Đường bộ (hàng hóa)",
    "rail (metre gauge, freight)": "Đường sắt (khổ 1.000 mm, hàng hóa)",
    "road (passengers/tourists; vehicles banned from 1 Jan 2020 and moved to Kim Thành)":
        "Đường bộ (hành khách, khách du lịch; từ ngày 1/1/2020 phương tiện không qua đây mà chuyển sang Kim Thành)",
}

_GT_COUNTERPART_GATE = {
    "Bắc Sơn (Beishan)": "Bắc Sơn",
    "Hong Kong; Taiwan (destinations)": "Hồng Công; Đài Loan (nơi đến)",
    "Hà Khẩu (Hekou)": "Hà Khẩu",
    "Hà Khẩu Bắc (Hekou North) station": "Ga Hà Khẩu Bắc",
    "Kiều Đầu": "Kiều Đầu",
    "Lao Kha": "Lao Kha",
    "Loong Ho": "Loong Ho",
    "Lũng Pô Chải": "Lũng Pô Chải",
    "Ma Ngán Tý": "Ma Ngán Tý",
    "Mã Hoàng Pao": "Mã Hoàng Pao",
    "Namkan (Nậm Cắn)": "Nậm Cắn (phía Lào)",
    "Nậm On (Namon)": "Nậm On",
    "Nậm Tạy (Nam Tay)": "Nậm Tạy",
    "Pả Sa (Ba Sa / Basa)": "Pả Sa",
    "Sơn Yêu": "Sơn Yêu",
    "Thoong My Xay": "Thoong My Xay",
}

_GT_COUNTERPART_AREA = {
    "Beishan zone, Hekou, Yunnan": "Khu Bắc Sơn, Hà Khẩu, Vân Nam",
    "Bolikhamxay (Bô-ly-khăm-xay) province": "Tỉnh Bô-ly-khăm-xay",
    "Bolikhamxay province": "Tỉnh Bô-ly-khăm-xay",
    "Hekou Yao Autonomous County, Honghe, Yunnan": "Huyện tự trị dân tộc Dao Hà Khẩu, châu Hồng Hà, Vân Nam",
    "Hekou, Yunnan": "Hà Khẩu, Vân Nam",
    "Hủa Phăn (Houaphanh) province; connecting road to Provincial Road 3206, Sam Tay district":
        "Tỉnh Hủa Phăn; đường nối với tỉnh lộ 3206, huyện Sầm Tạy",
    "Noọng Hét district, Xiêng Khoảng (Xieng Khouang) province": "Huyện Noọng Hét, tỉnh Xiêng Khoảng",
    "Xiêng Khoảng province": "Tỉnh Xiêng Khoảng",
    "Yunnan": "Vân Nam",
    "Yunnan (probably Qiaotou 桥头 township, Hekou County — identification by Sino-Vietnamese reading, an inference)":
        "Vân Nam (có thể là trấn Kiều Đầu 桥头, huyện Hà Khẩu — suy ra từ cách đọc Hán Việt, chưa được xác nhận)",
}

_GT_COUNTERPART_COUNTRY = {
    "China": "Trung Quốc",
    "China (Hong Kong SAR); Taiwan": "Trung Quốc (Đặc khu hành chính Hồng Công); Đài Loan (Trung Quốc)",
    "Laos": "Lào",
}

_GT_PLANNING = {
    "belongs to gate pair: (listed among 7 clearance points, Decision 1199/QĐ-TTg)":
        "Thuộc cặp cửa khẩu: (nằm trong 7 lối thông quan theo Quyết định 1199/QĐ-TTg)",
    "belongs to gate pair: Bản Vược – Pả Sa": "Thuộc cặp cửa khẩu Bản Vược – Pả Sa",
    "belongs to gate pair: Lào Cai road gate – Hà Khẩu": "Thuộc cặp cửa khẩu đường bộ Lào Cai – Hà Khẩu",
    "belongs to gate pair: Mường Khương – Kiều Đầu": "Thuộc cặp cửa khẩu Mường Khương – Kiều Đầu",
    "existing international gate": "Cửa khẩu quốc tế đang hoạt động",
    "existing; Decision 1199/QĐ-TTg (2023) lists it among 4 international gates of Lào Cai, with clearance lanes Bản Quẩn–Sơn Yêu and Na Lốc–Mã Hoàng Pao (and Kim Thành)":
        "Đang hoạt động; Quyết định 1199/QĐ-TTg (2023) xác định là một trong 4 cửa khẩu quốc tế của Lào Cai, với "
        "các lối thông quan Bản Quẩn – Sơn Yêu và Na Lốc – Mã Hoàng Pao (và Kim Thành)",
    "existing; Decision 1199/QĐ-TTg lists Kim Thành as a clearance lane of the Lào Cai road gate pair":
        "Đang hoạt động; Quyết định 1199/QĐ-TTg xác định Kim Thành là lối thông quan của cặp cửa khẩu đường bộ Lào Cai",
    "existing; new Lào Cai–Hà Nội–Hải Phòng railway planned to connect new Lào Cai station with Hà Khẩu Bắc":
        "Đang hoạt động; tuyến đường sắt mới Lào Cai – Hà Nội – Hải Phòng theo quy hoạch sẽ nối ga Lào Cai mới "
        "với ga Hà Khẩu Bắc",
    "planned secondary gate pair to be opened by 2030": "Cặp cửa khẩu phụ theo quy hoạch, mở đến năm 2030",
    "to be opened/upgraded to international gate pair (Decision 1199/QĐ-TTg); clearance lanes Lũng Pô–Lũng Pô Chải and Y Tý–Ma Ngán Tý":
        "Mở, nâng cấp thành cặp cửa khẩu quốc tế (Quyết định 1199/QĐ-TTg); các lối thông quan Lũng Pô – Lũng Pô Chải "
        "và Y Tý – Ma Ngán Tý",
    "to be opened/upgraded to international gate pair (Decision 1199/QĐ-TTg, planning 2021–2030); clearance lane Lồ Cồ Chin–Lao Kha":
        "Mở, nâng cấp thành cặp cửa khẩu quốc tế (Quyết định 1199/QĐ-TTg, quy hoạch thời kỳ 2021–2030); lối thông "
        "quan Lồ Cồ Chin – Lao Kha",
    "to be upgraded to a main gate pair by 2030 (Plan 547/KH-UBND)":
        "Nâng cấp thành cặp cửa khẩu chính đến năm 2030 (Kế hoạch 547/KH-UBND)",
    "to be upgraded to an international gate pair by 2030 (Plan 547/KH-UBND implementing Decision 1201/QĐ-TTg)":
        "Nâng cấp thành cặp cửa khẩu quốc tế đến năm 2030 (Kế hoạch 547/KH-UBND thực hiện Quyết định 1201/QĐ-TTg)",
    "vision 2050: upgrade to main gate pair (Plan 547/KH-UBND)":
        "Tầm nhìn đến năm 2050: nâng cấp thành cặp cửa khẩu chính (Kế hoạch 547/KH-UBND)",
}

# --------------------------------------------------------------------------------------------------
# route_waypoints.csv
# --------------------------------------------------------------------------------------------------
_WP_NAME = {
    "Hải Phòng ports": "Các cảng Hải Phòng",
    "Quảng Ninh ports": "Các cảng Quảng Ninh",
    "Hong Kong": "Hồng Công (Trung Quốc)",
    "Taiwan": "Đài Loan (Trung Quốc)",
    "An Dương district (victims' families reported)": "Huyện An Dương (nơi gia đình nạn nhân trình báo)",
    "Thủy Nguyên district (ringleaders, victims)": "Huyện Thủy Nguyên (đối tượng cầm đầu, nạn nhân)",
    "Quảng Ninh (transit)": "Quảng Ninh (trung chuyển)",
    "China (brothels)": "Trung Quốc (nhà chứa)",
    "Hải Phòng": "Hải Phòng",
    "England (UK)": "Anh (Vương quốc Anh)",
    "Thanh Xuân commune, Sóc Sơn (QL2/QL18 interchange, start)": "Xã Thanh Xuân, Sóc Sơn (nút giao QL2/QL18, điểm đầu)",
    "Vĩnh Phúc (province)": "Tỉnh Vĩnh Phúc",
    "Phú Thọ (province)": "Tỉnh Phú Thọ",
    "Yên Bái (province)": "Tỉnh Yên Bái",
    "Bình Minh ward, Lào Cai city (start of final segment)":
        "Phường Bình Minh, thành phố Lào Cai (điểm đầu đoạn cuối)",
    "Duyên Hải ward – end point at the border gate (Kim Thành)": "Phường Duyên Hải – điểm cuối tại cửa khẩu (Kim Thành)",
    "G8011 Kaiyuan–Hekou Expressway (China)": "Cao tốc G8011 Khai Viễn – Hà Khẩu (Trung Quốc)",
    "Sa Pa (town)": "Thị xã Sa Pa",
    "Lào Cai city": "Thành phố Lào Cai",
    "Mường Khương town": "Thị trấn Mường Khương",
    "Mường Khương border gate (Kiều Đầu opposite)": "Cửa khẩu Mường Khương (đối diện Kiều Đầu)",
    "Lào Cai International Road Border Gate No. I (Hồ Kiều II bridge, Nậm Thi river)":
        "Cửa khẩu quốc tế đường bộ số I Lào Cai (cầu Hồ Kiều II, sông Nậm Thi)",
    "Hekou (China), G326": "Hà Khẩu (Trung Quốc), quốc lộ G326",
    "Hà Khẩu Bắc / Hekou North station (China)": "Ga Hà Khẩu Bắc (Trung Quốc)",
    "Lào Cai railway border gate / Lào Cai station": "Cửa khẩu đường sắt Lào Cai / ga Lào Cai",
    "Hà Nội": "Hà Nội",
    "Hải Phòng – Lạch Huyện port area": "Hải Phòng – khu cảng Lạch Huyện",
    "Bản Phố commune (Bắc Hà)": "Xã Bản Phố (Bắc Hà)",
    "ALT exit A: Mường Khương (district)": "Điểm thoát thay thế A: huyện Mường Khương",
    "ALT exit B: Xín Mần border (Hà Giang)": "Điểm thoát thay thế B: biên giới Xín Mần (Hà Giang)",
    "ALT exit C: Lào Cai International Border Gate": "Điểm thoát thay thế C: Cửa khẩu quốc tế Lào Cai",
    "China": "Trung Quốc",
    "Mù Cang Chải district (Yên Bái)": "Huyện Mù Cang Chải (Yên Bái)",
    "Lào Cai (traffickers' base; report made at the international border control station)":
        "Lào Cai (địa bàn hoạt động của đối tượng; nạn nhân trình báo tại trạm kiểm soát biên phòng cửa khẩu quốc tế)",
    "Na Tông commune (Điện Biên district)": "Xã Na Tông (huyện Điện Biên)",
    "Hà Khẩu (Hekou), China – den": "Hà Khẩu (Trung Quốc) – ổ nhóm",
    "Lào Cai International Border Gate (handover)": "Cửa khẩu quốc tế Lào Cai (bàn giao nạn nhân)",
    "Điện Biên Đông district (Điện Biên)": "Huyện Điện Biên Đông (Điện Biên)",
    "Lào Cai International Border Gate": "Cửa khẩu quốc tế Lào Cai",
    "China (intended)": "Trung Quốc (nơi định đưa sang)",
    "Phú Liễn ward, Hải Phòng (suspect residence; gazetteer spelling Phù Liễn)":
        "Phường Phú Liễn, Hải Phòng (nơi cư trú của đối tượng; danh mục hành chính ghi Phù Liễn)",
    "Tân Minh commune, Hải Phòng (suspect residence; search location)":
        "Xã Tân Minh, Hải Phòng (nơi cư trú của đối tượng; nơi khám xét)",
    "Lào Cai ward, Lào Cai (search location)": "Phường Lào Cai, tỉnh Lào Cai (nơi khám xét)",
    "Mậu A commune, Lào Cai (suspect residence)": "Xã Mậu A, tỉnh Lào Cai (nơi cư trú của đối tượng)",
    "Bảo Yên commune, Lào Cai (suspect residence)": "Xã Bảo Yên, tỉnh Lào Cai (nơi cư trú của đối tượng)",
    "Song Liễu ward, Bắc Ninh (search location)": "Phường Song Liễu, Bắc Ninh (nơi khám xét)",
    "Diễn Châu (district; QL7 start of upgraded section)": "Diễn Châu (huyện; điểm đầu đoạn QL7 được nâng cấp)",
    "Đô Lương town": "Thị trấn Đô Lương",
    "Phúc Sơn commune centre (next to QL7; turn-off to Cao Vều gate)":
        "Trung tâm xã Phúc Sơn (cạnh QL7; điểm rẽ vào cửa khẩu Cao Vều)",
    "Khe Thơi": "Khe Thơi",
    "Tương Dương district (QL7A passes)": "Huyện Tương Dương (QL7A đi qua)",
    "Mường Xén town (Kỳ Sơn district seat)": "Thị trấn Mường Xén (huyện lỵ Kỳ Sơn)",
    "Nậm Cắn commune (bản Noọng Dẻ on QL7A, ~10 km from both Mường Xén and the gate)":
        "Xã Nậm Cắn (bản Noọng Dẻ trên QL7A, cách Mường Xén và cửa khẩu mỗi nơi khoảng 10 km)",
    "Nậm Cắn International Border Gate": "Cửa khẩu quốc tế Nậm Cắn",
    "Nong Het (Laos), Route 7": "Noọng Hét (Lào), đường số 7",
    "Phonsavan (Xiêng Khoảng capital), Route 7": "Phonsavan (thủ phủ tỉnh Xiêng Khoảng), đường số 7",
    "Cửa Lò port (xã Nghi Thiết)": "Cảng Cửa Lò (xã Nghi Thiết)",
    "Vinh (via Vinh airport, old QL1A)": "Vinh (qua sân bay Vinh, QL1A cũ)",
    "Đô Lương town (junction with QL15 / HCM road)": "Thị trấn Đô Lương (giao với QL15 / đường Hồ Chí Minh)",
    "Vinh": "Vinh",
    "Thanh Thủy border gate": "Cửa khẩu Thanh Thủy",
    "Nậm On border gate (Bolikhamxay)": "Cửa khẩu Nậm On (Bô-ly-khăm-xay)",
    "Vientiane": "Viêng Chăn",
    "Thông Thụ secondary gate (xã Thông Thụ)": "Cửa khẩu phụ Thông Thụ (xã Thông Thụ)",
    "Nậm Tạy secondary gate (Hủa Phăn)": "Cửa khẩu phụ Nậm Tạy (Hủa Phăn)",
    "Provincial Road 3206, Sam Tay district (Laos)": "Tỉnh lộ 3206, huyện Sầm Tạy (Lào)",
    "Phúc Sơn commune centre (on QL7)": "Trung tâm xã Phúc Sơn (trên QL7)",
    "Cao Vều secondary gate (xã Phúc Sơn)": "Cửa khẩu phụ Cao Vều (xã Phúc Sơn)",
    "Xiêng Khoảng / Vientiane province (Laos)": "Xiêng Khoảng / tỉnh Viêng Chăn (Lào)",
    "Hữu Kiệm commune (Kỳ Sơn)": "Xã Hữu Kiệm (Kỳ Sơn)",
    "Móng Cái (Quảng Ninh)": "Móng Cái (Quảng Ninh)",
    "China (unspecified)": "Trung Quốc (không rõ địa điểm)",
    "Tương Dương district": "Huyện Tương Dương",
    "Kỳ Sơn district": "Huyện Kỳ Sơn",
    "Cao Lộc district (Lạng Sơn), motel": "Huyện Cao Lộc (Lạng Sơn), nhà nghỉ",
    "China via small trail": "Trung Quốc (qua đường mòn)",
    "Lập village, Ngọc Lâm commune (Thanh Chương)": "Bản Lập, xã Ngọc Lâm (Thanh Chương)",
    "Hải Yên ward, Móng Cái (Quảng Ninh)": "Phường Hải Yên, Móng Cái (Quảng Ninh)",
    "Thanh Chương district": "Huyện Thanh Chương",
    "Quảng Ninh (border with China)": "Quảng Ninh (biên giới với Trung Quốc)",
    "Nga My commune (Tương Dương) – suspects' home; victims from mountain communes":
        "Xã Nga My (Tương Dương) – nơi ở của các đối tượng; nạn nhân ở các xã miền núi",
    "Laos border crossing (not specified)": "Điểm qua biên giới sang Lào (không rõ)",
    "Golden Triangle SEZ, Ton Pheung district, Bokeo (Laos)":
        "Đặc khu kinh tế Tam giác Vàng, huyện Ton Pheung, tỉnh Bokeo (Lào)",
    "Houei Sai, Bokeo capital (reference only)": "Houei Sai, thủ phủ tỉnh Bokeo (chỉ để tham chiếu)",
    "Quỳ Châu district": "Huyện Quỳ Châu",
    "Myanmar (mountainous province, unnamed)": "Mi-an-ma (một tỉnh miền núi, không nêu tên)",
    "Yên Thành district (Nghệ An)": "Huyện Yên Thành (Nghệ An)",
    "China (transit)": "Trung Quốc (trung chuyển)",
    "Dunkirk / Lille (France)": "Dunkirk / Lille (Pháp)",
    "Bruges / Zeebrugge (Belgium)": "Bruges / Zeebrugge (Bỉ)",
    "Purfleet / Grays, Essex (UK)": "Purfleet / Grays, hạt Essex (Anh)",
    "Hưng Yên (recruitment base)": "Hưng Yên (nơi tuyển mộ)",
    "Điện Biên province": "Tỉnh Điện Biên",
    "Tây Trang border gate (Điện Biên)": "Cửa khẩu Tây Trang (Điện Biên)",
    "Boten SEZ, Luang Namtha (Laos)": "Đặc khu kinh tế Boten, tỉnh Luang Namtha (Lào)",
}
_WP_NAME_EN = {
    "Cửa Lò port (xã Nghi Thiết)": "Cửa Lò port (Nghi Thiết commune)",
    "Thông Thụ secondary gate (xã Thông Thụ)": "Thông Thụ secondary gate (Thông Thụ commune)",
    "Cao Vều secondary gate (xã Phúc Sơn)": "Cao Vều secondary gate (Phúc Sơn commune)",
    "Nậm Cắn commune (bản Noọng Dẻ on QL7A, ~10 km from both Mường Xén and the gate)":
        "Nậm Cắn commune (Noọng Dẻ village on QL7A, ~10 km from both Mường Xén and the gate)",
}

_WP_COUNTRY = {
    "Belgium": "Bỉ",
    "China": "Trung Quốc",
    "France": "Pháp",
    "Hong Kong (China)": "Hồng Công (Trung Quốc)",
    "Laos": "Lào",
    "Myanmar": "Mi-an-ma",
    "Taiwan": "Đài Loan (Trung Quốc)",
    "United Kingdom": "Vương quốc Anh",
    "Vietnam": "Việt Nam",
}

_WP_NOTE = {
    "119 km west of Nong Het (Wikipedia); ~130 km from Nam Can (travel page)":
        "Cách Noọng Hét 119 km về phía tây (Wikipedia); cách Nậm Cắn khoảng 130 km (trang du lịch)",
    "alternative": "Điểm thay thế",
    "commune inferred from gate name": "Xã được suy ra từ tên cửa khẩu",
    "commune uncertain (see gates.csv)": "Chưa chắc chắn về xã (xem gates.csv)",
    "district centroid; commune not stated": "Tâm huyện; nguồn không nêu xã",
    "gate has no sourced point; commune centroid repeated": "Cửa khẩu không có tọa độ từ nguồn; dùng lại tâm xã",
    "interception point": "Nơi bị ngăn chặn",
    "legacy centroid QA-flagged; see coord_note": "Tâm xã cũ không đạt kiểm tra chất lượng; xem coord_note",
    "no town named": "Nguồn không nêu tên thị trấn, thành phố",
    "origin (with Kỳ Sơn)": "Nơi xuất phát (cùng Kỳ Sơn)",
    "origin (with Tương Dương)": "Nơi xuất phát (cùng Tương Dương)",
    "post-2025 commune": "Xã từ ngày 1/7/2025",
    "post-2025 commune (former Yên Bái)": "Xã từ ngày 1/7/2025 (trước thuộc Yên Bái)",
    "post-2025 ward": "Phường từ ngày 1/7/2025",
    "province centroid": "Tâm tỉnh",
    "province centroid; Lạch Huyện not located in sources": "Tâm tỉnh; nguồn không cho vị trí Lạch Huyện",
    "reference point for Bokeo province, not part of the reported route":
        "Điểm tham chiếu cho tỉnh Bokeo, không thuộc tuyến được báo cáo",
    "same commune; no separate gate point": "Cùng xã; không có điểm riêng cho cửa khẩu",
    "source says 'Dien Chau Town'; district centroid used": "Nguồn ghi “thị trấn Diễn Châu”; dùng tâm huyện",
    "start of Khe Thơi–Nậm Cắn section": "Điểm đầu đoạn Khe Thơi – Nậm Cắn",
    "victims' exact communes not given": "Nguồn không nêu cụ thể xã của nạn nhân",
    "~13 km from the border": "Cách biên giới khoảng 13 km",
}

# --------------------------------------------------------------------------------------------------
# destinations.csv
# --------------------------------------------------------------------------------------------------
_DS_DESTINATION = {
    "Cambodia": "Campuchia",
    "China": "Trung Quốc",
    "European countries": "Các nước châu Âu",
    "Hong Kong; Taiwan": "Hồng Công (Trung Quốc); Đài Loan (Trung Quốc)",
    "Korea; Malaysia; Taiwan; Russia; Germany; France; Ukraine; African countries (by air); Singapore; Thailand; Malaysia; Taiwan (sold)":
        "Hàn Quốc; Ma-lai-xi-a; Đài Loan (Trung Quốc); Nga; Đức; Pháp; U-crai-na; các nước châu Phi (đường hàng "
        "không); Xin-ga-po; Thái Lan; Ma-lai-xi-a; Đài Loan (Trung Quốc, bị bán)",
    "Laos": "Lào",
    "Myanmar": "Mi-an-ma",
    "South Korea; Thailand; France; Germany": "Hàn Quốc; Thái Lan; Pháp; Đức",
    "United Kingdom": "Vương quốc Anh",
}

_DS_SCOPE = {
    "Hải Phòng; Quảng Ninh": "Hải Phòng; Quảng Ninh",
    "Nghệ An": "Nghệ An",
    "Nghệ An (Quỳ Châu case)": "Nghệ An (vụ việc ở Quỳ Châu)",
    "Nghệ An; Hải Phòng": "Nghệ An; Hải Phòng",
    "national": "Toàn quốc",
    "national (2008)": "Toàn quốc (2008)",
    "national; Nghệ An": "Toàn quốc; Nghệ An",
}

_DS_CONTEXT = {
    "Destination named nationally (VnExpress 2019; VietNamNet 2024) and for Nghệ An victims lured to scam gangs (Báo Nghệ An)":
        "Nơi đến được nêu ở phạm vi toàn quốc (VnExpress 2019; VietNamNet 2024) và đối với nạn nhân Nghệ An bị dụ dỗ "
        "vào các băng nhóm lừa đảo (Báo Nghệ An)",
    "Essex lorry deaths (2019) — victims from Yên Thành; Haiphong departures to England (anecdotal)":
        "Vụ 39 người chết trong xe tải ở Essex (2019) — nạn nhân quê Yên Thành; người từ Hải Phòng đi sang Anh "
        "(thông tin đơn lẻ)",
    "MOLISA 2008: by border share China 65%, Cambodia 10%, Laos 6.3% of finds":
        "Bộ Lao động – Thương binh và Xã hội (2008): tỷ lệ các trường hợp phát hiện theo tuyến biên giới: "
        "Trung Quốc 65%, Campuchia 10%, Lào 6,3%",
    "Nghệ An Provincial Party Committee (2020): trafficking abroad mainly to China and European countries":
        "Tỉnh ủy Nghệ An (2020): mua bán người ra nước ngoài chủ yếu sang Trung Quốc và các nước châu Âu",
    "Nghệ An victims lured to Laos scam operations (Báo Nghệ An); Golden Triangle SEZ, Bokeo (2025 case); Boten SEZ (2024 case)":
        "Nạn nhân Nghệ An bị dụ dỗ sang các cơ sở lừa đảo ở Lào (Báo Nghệ An); Đặc khu kinh tế Tam giác Vàng, "
        "Bokeo (vụ việc năm 2025); Đặc khu kinh tế Boten (vụ việc năm 2024)",
    "Other destinations listed by VnExpress (Dec 2019)": "Các nơi đến khác do VnExpress nêu (tháng 12/2019)",
    "Scam compound in a mountainous province of Myanmar": "Cơ sở lừa đảo ở một tỉnh miền núi của Mi-an-ma",
    "Shipped through Quảng Ninh and Hải Phòng ports (MOLISA 2008)":
        "Đưa đi qua các cảng Quảng Ninh và Hải Phòng (Bộ Lao động – Thương binh và Xã hội, 2008)",
    "~80% of victims end up in China (MPS data, VnExpress Dec 2019); ~75% (NA Justice Committee, 2019); 890 victims sold to China = 84% (2016–Jun 2019, VietnamPlus)":
        "Khoảng 80% nạn nhân bị đưa sang Trung Quốc (số liệu Bộ Công an, VnExpress tháng 12/2019); khoảng 75% "
        "(Ủy ban Tư pháp của Quốc hội, 2019); 890 nạn nhân bị bán sang Trung Quốc = 84% (2016 – tháng 6/2019, "
        "VietnamPlus)",
}

# --------------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------------
_VI: dict[str, dict[str, str]] = {
    "figures.scope": _FIG_SCOPE,
    "figures.geography": _FIG_GEOGRAPHY,
    "figures.period_label": _FIG_PERIOD,
    "figures.metric": _FIG_METRIC,
    "figures.value": _FIG_VALUE,
    "figures.unit": _FIG_UNIT,
    "figures.reporting_body": _FIG_BODY,
    "figures.reliability": _FIG_RELIABILITY,
    "hotspots.name": _HS_NAME,
    "hotspots.level": _HS_LEVEL,
    "hotspots.category": _HS_CATEGORY,
    "hotspots.period": _HS_PERIOD,
    "hotspots.nature": _NATURE_VI,
    "hotspots.coord_type": _COORD_TYPE_VI,
    "routes.route_name": _RT_NAME,
    "routes.category": _RT_CATEGORY,
    "routes.purpose": _RT_PURPOSE,
    "routes.provinces": _RT_PROVINCES,
    "routes.destination_countries": _RT_DESTINATIONS,
    "routes.waypoints_ordered": _RT_ORDERED,
    "routes.nature": _NATURE_VI,
    "gates.record_type": _GT_RECORD,
    "gates.gate_type": _GT_TYPE,
    "gates.mode": _GT_MODE,
    "gates.counterpart_gate": _GT_COUNTERPART_GATE,
    "gates.counterpart_area": _GT_COUNTERPART_AREA,
    "gates.counterpart_country": _GT_COUNTERPART_COUNTRY,
    "gates.planning_status": _GT_PLANNING,
    "gates.coord_type": _COORD_TYPE_VI,
    "route_waypoints.waypoint_name": _WP_NAME,
    "route_waypoints.country": _WP_COUNTRY,
    "route_waypoints.waypoint_note": _WP_NOTE,
    "route_waypoints.coord_type": _COORD_TYPE_VI,
    "destinations.destination": _DS_DESTINATION,
    "destinations.scope": _DS_SCOPE,
    "destinations.context": _DS_CONTEXT,
    "countries": COUNTRIES_VI,
}

#: English renderings where the source value is Vietnamese (or a code); any other value is English already
_EN: dict[str, dict[str, str]] = {
    "figures.value": _FIG_VALUE_EN,
    "figures.reporting_body": _FIG_BODY_EN,
    "hotspots.name": _HS_NAME_EN,
    "hotspots.nature": _NATURE_EN,
    "hotspots.coord_type": _COORD_TYPE_EN,
    "routes.nature": _NATURE_EN,
    "gates.record_type": _GT_RECORD_EN,
    "gates.coord_type": _COORD_TYPE_EN,
    "route_waypoints.waypoint_name": _WP_NAME_EN,
    "route_waypoints.coord_type": _COORD_TYPE_EN,
    "countries": COUNTRIES_EN,
}

#: The fields covered: "<table>.<column>" (table as in :mod:`geo.data.facts`) and "countries".
FIELDS: tuple[str, ...] = tuple(_VI)

#: Where each field's values come from: field -> (loader in :mod:`geo.data.facts`, column).
#: "countries" has no column of its own: it covers single country names, also those inside lists.
SOURCE_COLUMNS: dict[str, tuple[str, str]] = {f: tuple(f.split(".", 1)) for f in FIELDS if "." in f}

#: Fields whose values are country names or ";"-separated lists of them: an unknown list whose every
#: part is a known country is translated part by part.
_COUNTRY_LISTS = {"routes.destination_countries", "gates.counterpart_country", "destinations.destination",
                  "route_waypoints.country", "countries"}

# --------------------------------------------------------------------------------------------------
# Qualifiers of published figures, decided per figure from value, unit and notes
# --------------------------------------------------------------------------------------------------
#: figure_id -> (vi, en). Only figures with ONE number carry a qualifier here; in compound values
#: (">100 / >200 / ~200") each part keeps its own, rendered by ``vi("figures.value", ...)``.
QUALIFIERS: dict[str, tuple[str, str]] = {
    "SEED-F05": ("hơn", "more than"),   # value 1700, notes "'more than 1,700'; seed article"
    "NA-F09": ("trên", "over"),         # value 90 (percent), notes '">90%"'; metric "(over)"
    "NA-F10": ("trên", "over"),         # value 90 (percent), notes '">90%"'; metric "(over)"
    "SEED-T01": ("ít nhất", "at least"),  # metric "(target, at least)"
    "NA-F16": ("hơn", "more than"),     # value ">25"
    "LC-F07": ("khoảng", "about"),      # value "~3,000"
    "LC-F09": ("hơn", "more than"),     # value ">30"
    "VN-F13": ("khoảng", "about"),      # value "~3,500"
    "VN-F14": ("khoảng", "about"),      # value 400, unit "cases per year (approx.)"
    "VN-F18": ("khoảng", "about"),      # value 75, unit "percent (approx.)"
    "VN-F19": ("hơn", "more than"),     # value ">2,500"
}

#: Figures whose shown text carries wording quoted from the source (kept in quotation marks in the
#: translation too): figure_id -> {field: the quoted original}. The lead labels the original.
QUOTES: dict[str, dict[str, str]] = {
    "NA-F17": {"figures.period_label": '"past three years"'},
    "VN-F17": {"figures.metric": '"called out"'},
    "LC-F02": {"figures.period_label": "'2014-25' as printed"},
    "SEED-F05": {"figures.notes": "'more than 1,700'"},
    "NA-F09": {"figures.notes": '">90%"'},
    "NA-F10": {"figures.notes": '">90%"'},
    "NA-F15": {"figures.notes": '"about 2 months ago ... 22 women"; "now increased to nearly 30"'},
}

_QUALIFIER_WORDS = sorted({w for pair in QUALIFIERS.values() for w in pair} |
                          {"hơn", "trên", "khoảng", "gần", "ít nhất", "tối đa", "tới", "xấp xỉ", "more than", "over",
                           "about", "nearly", "at least", "up to", "approximately", "almost", "around"},
                          key=len, reverse=True)
_LEADING_MARK = re.compile(r"^\s*(?:>=|<=|[>≥~≈<≤])\s*")
_LEADING_WORD = re.compile(r"^\s*(?:" + "|".join(re.escape(w) for w in _QUALIFIER_WORDS) + r")\s+", re.IGNORECASE)


# --------------------------------------------------------------------------------------------------
# API
# --------------------------------------------------------------------------------------------------
def _missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, str) else False
    except (TypeError, ValueError, ImportError):
        return False


def _lookup(table: dict[str, dict[str, str]], field: str, value) -> str | None:
    if _missing(value):
        return None
    text = value if isinstance(value, str) else str(value)
    mapping = table.get(field)
    if not mapping:
        return text
    if text in mapping:
        return mapping[text]
    stripped = text.strip()
    if stripped in mapping:
        return mapping[stripped]
    if field in _COUNTRY_LISTS and table is _VI:
        parts = [p.strip() for p in stripped.split(";") if p.strip()]
        if parts and all(p in COUNTRIES_VI for p in parts):
            return "; ".join(COUNTRIES_VI[p] for p in parts)
    if field in _COUNTRY_LISTS and table is _EN:
        parts = [p.strip() for p in stripped.split(";") if p.strip()]
        if parts and all(p in COUNTRIES_EN for p in parts):
            return "; ".join(COUNTRIES_EN[p] for p in parts)
    return text


def vi(field: str, value: str | None) -> str | None:
    """Vietnamese rendering of a facts value (None/NaN -> None); an unknown value (or field) is returned
    unchanged."""
    return _lookup(_VI, field, value)


def en(field: str, value: str | None) -> str | None:
    """English rendering of a facts value: Vietnamese-only source text and codes get an English text,
    anything else (already English) is returned unchanged (None/NaN -> None)."""
    return _lookup(_EN, field, value)


def text(field: str, value, lang: str) -> str:
    """:func:`vi` or :func:`en` by ``lang`` ("en" or anything else for Vietnamese); "" for None/NaN."""
    out = en(field, value) if lang == "en" else vi(field, value)
    return "" if out is None else out


def qualifier(figure_id: str) -> tuple[str, str] | None:
    """(vi, en) qualifier word(s) of a published single-number figure ("hơn"/"more than", "khoảng"/"about",
    "trên"/"over", "ít nhất"/"at least"); None when the figure is exact or compound."""
    return QUALIFIERS.get(str(figure_id))


def with_qualifier(figure_id: str, number_text: str, lang: str) -> str:
    """``number_text`` with the figure's qualifier in front: "hơn 1.700" / "more than 1,700".

    A sign (">", "~") or a qualifier word already at the start of ``number_text`` is replaced, so the
    result never doubles it (">30" or "hơn 30" both give "hơn 30"). Exact figures: unchanged."""
    number = "" if _missing(number_text) else str(number_text)
    q = qualifier(figure_id)
    if q is None or not number.strip():
        return number
    word = q[1] if lang == "en" else q[0]
    bare = _LEADING_MARK.sub("", number, count=1)
    bare = _LEADING_WORD.sub("", bare, count=1).strip()
    return f"{word} {bare}"
