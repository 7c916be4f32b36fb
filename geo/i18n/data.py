"""Strings of the data store and the importer (vi, en)."""
from __future__ import annotations

#: import messages (geo/data/importer.py)
IMPORT_MESSAGES: dict = {
    "empty_file": ("Tệp trống, không có dữ liệu.", "The file is empty: there is no data."),
    "no_rows": ("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.", "The file has a header row but no data rows."),
    "too_large": ("Tệp quá lớn ({size}); giới hạn là {limit}. Hãy chia thành nhiều tệp nhỏ hơn.",
                  "The file is too large ({size}); the limit is {limit}. Split it into smaller files."),
    "too_many_rows": ("Tệp có hơn {limit} dòng; hãy chia thành nhiều tệp.", "The file has more than {limit} rows; split it."),
    "binary_file": ("Đây không phải tệp CSV dạng văn bản ({what}). Hãy mở tệp trong Excel và lưu lại dưới dạng "
                    "'CSV UTF-8' hoặc '.xlsx'.",
                    "This is not a text CSV file ({what}). Open it in Excel and save it as 'CSV UTF-8' or '.xlsx'."),
    "not_utf8": ("Tệp không phải mã UTF-8 (byte lỗi ở vị trí {pos}). Trong Excel chọn Lưu thành > 'CSV UTF-8 "
                 "(Comma delimited)'.",
                 "The file is not UTF-8 (bad byte at position {pos}). In Excel choose Save As > 'CSV UTF-8 "
                 "(Comma delimited)'."),
    "bad_csv": ("Tệp CSV bị lỗi định dạng ({detail}).", "The CSV file is malformed ({detail})."),
    "old_excel": ("Định dạng Excel cũ (.xls) không được hỗ trợ; hãy lưu lại thành .xlsx hoặc CSV UTF-8.",
                  "Old Excel format (.xls) is not supported; save it as .xlsx or CSV UTF-8."),
    "bad_excel": ("Không đọc được tệp Excel: {detail}.", "The Excel file cannot be read: {detail}."),
    "bad_extension": ("Chỉ nhận tệp .csv hoặc .xlsx (tệp này: '{ext}').", "Only .csv or .xlsx files are accepted (this one: '{ext}')."),
    "unknown_kind": ("Không xác định được đây là bảng nào (vụ việc, mô hình, xã trọng điểm, chỉ tiêu, cửa khẩu, "
                     "điểm nóng, tuyến). Hãy dùng tệp mẫu hoặc chọn loại bảng.",
                     "Cannot tell which table this is (cases, prevention models, key areas, targets, gates, hotspots, "
                     "routes). Use a template or choose the table."),
    "bad_kind": ("Loại bảng '{kind}' không tồn tại. Các loại: {kinds}.", "Unknown table '{kind}'. Tables: {kinds}."),
    "missing_column": ("Thiếu cột bắt buộc '{vi}' ('{en}'). Các cột có trong tệp: {found}.",
                       "Required column '{vi}' ('{en}') is missing. Columns in the file: {found}."),
    "missing_one_of": ("Cần ít nhất một trong các cột: {cols}. Các cột có trong tệp: {found}.",
                       "At least one of these columns is needed: {cols}. Columns in the file: {found}."),
    "duplicate_column": ("Cột '{col}' trùng nghĩa với cột '{other}' (cả hai là '{vi}').",
                         "Column '{col}' means the same as column '{other}' (both are '{en}')."),
    "unknown_column": ("Cột '{col}' không được nhận dạng nên bị bỏ qua.", "Column '{col}' is not recognised and is ignored."),
    "formula": ("Ô bắt đầu bằng '{ch}' sẽ chạy như công thức trong bảng tính. Hãy xóa ký tự đó (hoặc thay công "
                "thức bằng giá trị).",
                "The cell starts with '{ch}' and would run as a formula in a spreadsheet. Remove that character "
                "(or replace the formula with its value)."),
    "required_value": ("Ô bắt buộc đang trống.", "A required value is empty."),
    "negative_count": ("Số lượng không được âm.", "Counts cannot be negative."),
    "non_integer": ("Số lượng phải là số nguyên.", "Counts must be whole numbers."),
    "not_a_number": ("Không phải là số.", "Not a number."),
    "bad_date": ("Ngày không hợp lệ; hãy ghi dd/mm/yyyy (ví dụ 14/05/2023) hoặc yyyy-mm-dd.",
                 "Not a valid date; write dd/mm/yyyy (e.g. 14/05/2023) or yyyy-mm-dd."),
    "future_date": ("Ngày {value} ở tương lai (hôm nay là {today}).", "The date {value} is in the future (today is {today})."),
    "old_date": ("Ngày {value} quá xa (trước {min}); hãy kiểm tra lại năm.", "The date {value} is too early (before {min}); check the year."),
    "bad_period": ("Kỳ báo cáo không hợp lệ. Ví dụ: 06/2023, Quý 2/2023, 6 tháng đầu năm 2023, 2023, "
                   "hoặc 01/01/2023-30/06/2023.",
                   "Not a valid reporting period. Examples: 2023-06, Q2 2023, H1 2023, 2023, or 2023-01-01/2023-06-30."),
    "future_period": ("Kỳ báo cáo {value} bắt đầu sau hôm nay ({today}).", "The period {value} starts after today ({today})."),
    "period_open": ("Kỳ báo cáo {value} chưa kết thúc (hôm nay là {today}); số liệu có thể chưa đủ.",
                    "The period {value} has not ended yet (today is {today}); figures may be incomplete."),
    "date_outside_period": ("Ngày {date} không nằm trong kỳ báo cáo {period}.", "The date {date} is outside the period {period}."),
    "bad_choice": ("Giá trị không hợp lệ. Giá trị được nhận: {allowed}.", "Not an accepted value. Accepted: {allowed}."),
    "bad_bool": ("Hãy ghi 1/0, có/không hoặc yes/no.", "Write 1/0, có/không or yes/no."),
    "bad_year": ("Năm không hợp lệ (cần từ {min} đến {max}).", "Not a valid year (expected {min} to {max})."),
    "too_long": ("Nội dung quá dài ({n} ký tự; tối đa {max}).", "The text is too long ({n} characters; at most {max})."),
    "control_chars": ("Ô chứa ký tự điều khiển không hợp lệ.", "The cell contains invalid control characters."),
    "place": ("{msg}", "{msg}"),
    "unknown_place": ("{msg}", "{msg}"),
    "ambiguous_place": ("{msg}", "{msg}"),
    "wrong_era": ("{msg}", "{msg}"),
    "era_conflict": ("Thời kỳ địa danh '{era}' không khớp với thời gian {when}: {rule}",
                     "Place era '{era}' does not match the time {when}: {rule}"),
    "district_in_2025": ("Từ 1/7/2025 không còn cấp huyện; bỏ trống cột huyện cho địa danh 2025 (hàng này thuộc "
                         "thời kỳ 2025 do {why}).",
                         "There are no districts since 1 July 2025; leave the district empty for 2025 places (this "
                         "row is in the 2025 era because {why})."),
    "code_name_mismatch": ("Mã '{code}' là {code_unit} nhưng tên '{name}' là {name_unit}.",
                           "Code '{code}' is {code_unit} but the name '{name}' is {name_unit}."),
    "place_level_required": ("Cần ghi đến cấp {level_vi}.", "The place must be given down to the {level_en}."),
    "children_gt_victims": ("Số nạn nhân trẻ em ({children}) lớn hơn tổng số nạn nhân ({victims}).",
                            "Child victims ({children}) exceed the number of victims ({victims})."),
    "women_gt_victims": ("Số nạn nhân nữ ({women}) lớn hơn tổng số nạn nhân ({victims}).",
                         "Female victims ({women}) exceed the number of victims ({victims})."),
    "rescued_gt_victims": ("Số nạn nhân được giải cứu, tiếp nhận ({rescued}) lớn hơn tổng số nạn nhân ({victims}).",
                           "Victims rescued or received ({rescued}) exceed the number of victims ({victims})."),
    "supported_gt_victims": ("Số nạn nhân được hỗ trợ ({supported}) lớn hơn tổng số nạn nhân ({victims}).",
                             "Victims supported ({supported}) exceed the number of victims ({victims})."),
    "case_needs_id": ("Vụ việc đơn lẻ phải có mã vụ việc.", "A single case needs a case ID."),
    "case_n_cases": ("Một vụ việc đơn lẻ được tính là 1 vụ; nếu là số liệu tổng hợp hãy ghi Loại bản ghi = 'tổng hợp'.",
                     "A single case counts as 1; for a total write Record type = 'aggregate'."),
    "aggregate_needs_cases": ("Số liệu tổng hợp phải có Số vụ (có thể là 0).", "An aggregate row needs the number of cases (0 is allowed)."),
    "duplicate_in_file": ("'{key}' trùng với dòng {other} trong cùng tệp.", "'{key}' duplicates row {other} of the same file."),
    "duplicate_in_store": ("'{key}' đã có trong dữ liệu (lần nhập #{imp}: tệp '{file}', {when}). Nhập lại sẽ tính hai "
                           "lần; nếu muốn thay thế, hãy hoàn tác lần nhập đó trước.",
                           "'{key}' is already stored (import #{imp}: file '{file}', {when}). Importing it again would "
                           "count it twice; to replace it, undo that import first."),
    "reserved_id": ("Mã '{key}' đã được dùng cho lớp tham chiếu có nguồn; hãy chọn mã khác.",
                    "ID '{key}' is used by a sourced reference layer; choose another ID."),
    "coords_incomplete": ("Cần cả vĩ độ và kinh độ.", "Both latitude and longitude are needed."),
    "coord_range": ("Tọa độ ngoài phạm vi ({what}).", "Coordinate out of range ({what})."),
    "coord_type_without_coords": ("Loại tọa độ '{value}' nhưng không có vĩ độ/kinh độ.",
                                  "Coordinate type '{value}' but no latitude/longitude."),
    "percent_over_100": ("Tỷ lệ phần trăm không thể lớn hơn 100.", "A percentage cannot exceed 100."),
    "negative_value": ("Giá trị không được âm.", "The value cannot be negative."),
    "end_before_start": ("Ngày dừng ({end}) trước ngày thành lập ({start}).", "End date ({end}) is before the start date ({start})."),
    "already_imported": ("Tệp này đã được nhập (lần nhập #{imp}, {when}); không ghi lại lần nữa.",
                         "This file was already imported (import #{imp}, {when}); nothing was written again."),
    "out_of_scope": ("Dòng này thuộc tỉnh ngoài phạm vi của bạn ({scope}); chỉ được nhập số liệu của các tỉnh đó.",
                     "This row lies in a province outside your scope ({scope}); you may only import figures of those provinces."),
    "store_busy": ("Kho dữ liệu đang bận (một lần nhập hoặc hoàn tác khác đang ghi); không có gì được ghi. Hãy thử lại sau ít phút.",
                   "The store is busy (another import or undo is writing); nothing was written. Try again in a few minutes."),
    "duplicate_id_variant": ("Mã '{key}' trùng với mã '{other_key}' ({where}) khi không phân biệt chữ hoa/thường, "
                             "khoảng trắng, các kiểu gạch nối và dấu chấm câu ở cuối mã; cùng một cơ quan ghi hai lần "
                             "sẽ tính một vụ việc hai lần.",
                             "ID '{key}' is the same ID as '{other_key}' ({where}) once case, spaces, dash variants and "
                             "punctuation at the end are ignored; the same agency listing it twice would count one case "
                             "twice."),
    "duplicate_id_variant_store": ("Mã '{key}' trùng với mã '{other_key}' đã có trong dữ liệu (lần nhập #{imp}: tệp "
                                   "'{file}', {when}) khi không phân biệt chữ hoa/thường, khoảng trắng, gạch nối và dấu "
                                   "chấm câu ở cuối. Nếu là bảng cộng dồn hãy dùng chế độ 'Cập nhật'; nếu muốn thay thế, "
                                   "hãy hoàn tác lần nhập đó trước.",
                                   "ID '{key}' is the same ID as '{other_key}', already stored (import #{imp}: file "
                                   "'{file}', {when}), once case, spaces, dashes and punctuation at the end are ignored. "
                                   "For a cumulative sheet use 'update' mode; to replace it, undo that import first."),
    "near_duplicate_id": ("Mã '{key}' rất giống mã '{other_key}' ({where}). Nếu là cùng một vụ việc hãy sửa lại mã; "
                          "nếu không, có thể bỏ qua cảnh báo này (hai mã được tính là hai vụ việc cho đến khi cán bộ "
                          "quyết định ở mục Chất lượng dữ liệu).",
                          "ID '{key}' looks like ID '{other_key}' ({where}). If it is the same case, correct the ID; "
                          "otherwise this warning can be ignored (the two IDs count as two cases until an officer "
                          "decides under Data quality)."),
    "update_mode_hint": ("Có dòng đã có trong dữ liệu. Nếu đây là bảng cộng dồn (ví dụ tháng 1–4 sau khi đã nhập "
                         "tháng 1–3), hãy chọn chế độ 'Cập nhật bảng cộng dồn': dòng không đổi được bỏ qua, chỉ thêm "
                         "dòng mới, dòng thay đổi được liệt kê để bạn xác nhận.",
                         "Some rows are already stored. If this is a cumulative sheet (e.g. January–April after "
                         "January–March), choose 'update a cumulative sheet': unchanged rows are skipped, only new "
                         "rows are added, and changed rows are listed for you to confirm."),
    "htcds_country": ("Nơi xảy ra (hte_Country) phải ở Việt Nam (VN); dòng ở nước khác không nhập được vào bảng này.",
                      "The place (hte_Country) must be in Viet Nam (VN); rows in other countries cannot go into this table."),
    "htcds_conflict": ("Các người của cùng vụ việc '{case}' ghi khác nhau ở '{field}' (dòng {rows}).",
                       "The persons of case '{case}' differ in '{field}' (rows {rows})."),
    "store_conflict": ("Dữ liệu vừa thay đổi trong lúc nhập (trùng khóa); không có gì được ghi. Hãy thử lại.",
                       "The stored data changed during the import (duplicate key); nothing was written. Try again."),
}


#: Overlaps found by the counting rule (geo/data/counting.py): a short name and a sentence per kind.
OVERLAP_KINDS: dict = {
    "same_reference": ("Cùng mã vụ việc, hai cơ quan", "Same case ID, two agencies"),
    "same_reference_same_agency": ("Cùng mã vụ việc ghi hai lần", "Same case ID written twice"),
    "probable_same_case": ("Có thể là cùng một vụ việc", "Probably the same case"),
    "near_duplicate_id": ("Mã vụ việc gần giống nhau", "Look-alike case IDs"),
    "aggregate_with_cases": ("Số tổng hợp bao gồm vụ việc", "Aggregate over case rows"),
    "nested_aggregates": ("Số tổng hợp lồng nhau", "Nested aggregates"),
    "aggregate_below_parts": ("Số tổng hợp nhỏ hơn các phần", "Aggregate below its parts"),
    "partial_overlap": ("Số tổng hợp chồng lấn một phần", "Partly overlapping aggregates"),
    "agencies_overlap": ("Số tổng hợp của hai cơ quan chồng lấn", "Aggregates of two agencies overlap"),
}
OVERLAP_TEXT: dict = {
    "same_reference": ("{a} và {b} có cùng mã vụ việc: tính là một vụ việc, giữ cả hai cơ quan làm nguồn.",
                       "{a} and {b} share the case ID: counted as one case, both agencies kept as sources."),
    "same_reference_same_agency": ("{b} là mã của {a} viết khác (chữ hoa/thường, gạch nối, dấu câu): tính một lần.",
                                   "{b} is the ID of {a} written differently (case, dashes, punctuation): counted once."),
    "probable_same_case": ("{a} và {b}: hai cơ quan, cùng ngày, cùng địa bàn, cùng số nạn nhân — tính là một vụ việc "
                           "cho đến khi cán bộ quyết định khác.",
                           "{a} and {b}: two agencies, same date, place and number of victims — counted as one case "
                           "unless an officer decides otherwise."),
    "near_duplicate_id": ("{a} và {b} có mã gần giống nhau: tính là hai vụ việc cho đến khi cán bộ quyết định là một.",
                          "{a} and {b} have look-alike IDs: counted as two cases unless an officer decides they are one."),
    "aggregate_with_cases": ("{a} bao gồm {n} dòng vụ việc của cùng cơ quan trong địa bàn và kỳ đó: chỉ phần chưa "
                             "có trong các vụ việc được cộng thêm.",
                             "{a} contains {n} case rows of the same agency in its place and period: only the part "
                             "they do not count is added."),
    "nested_aggregates": ("{a} bao gồm {b} (cùng cơ quan, kỳ hoặc địa bàn nằm trong): chỉ phần chênh lệch được cộng.",
                          "{a} contains {b} (same agency, period or place inside it): only the difference is added."),
    "aggregate_below_parts": ("{a} nhỏ hơn tổng các dòng nằm trong nó ({columns}): không cộng thêm gì cho các cột "
                              "đó; hãy kiểm tra lại số liệu.",
                              "{a} is smaller than the rows inside it ({columns}): it adds nothing for those "
                              "columns; check the figures."),
    "partial_overlap": ("{a} và {b} của cùng cơ quan chồng lấn một phần (không cái nào nằm trọn trong cái kia): cả hai "
                        "đều được cộng, có thể tính trùng nạn nhân.",
                        "{a} and {b} of the same agency partly overlap (neither lies inside the other): both are "
                        "added, victims may be counted twice."),
    "agencies_overlap": ("{a} và {b} là số tổng hợp của hai cơ quan cho địa bàn và kỳ chồng lấn: cả hai đều được "
                         "cộng (có thể gồm cùng nạn nhân).",
                         "{a} and {b} are aggregates of two agencies for overlapping places and periods: both are "
                         "added (they may include the same victims)."),
}
DECISION_LABELS: dict = {
    "same": ("Là cùng một vụ việc (tính một lần)", "The same case (count once)"),
    "different": ("Là hai vụ việc khác nhau (tính riêng)", "Different cases (count each)"),
    "accepted": ("Đã xem, giữ cách tính theo quy tắc", "Reviewed, keep the rule's count"),
}
STATUS_LABELS: dict = {
    "counted": ("được tính", "counted"),
    "duplicate": ("báo cáo lại một vụ việc đã tính", "another report of a counted case"),
    "residual": ("chỉ tính phần chưa có", "only the part not counted elsewhere"),
    "covered": ("đã nằm trong các dòng khác", "already counted in other rows"),
}
#: The counting rule in one sentence (pages, exports: geo/views/units.py) and in full (the data page).
COUNTING_RULE: dict = {
    "short": ("Quy tắc đếm: mỗi vụ việc tính một lần dù nhiều cơ quan báo cáo; số tổng hợp chỉ cộng phần chưa có "
              "trong các dòng của cùng cơ quan.",
              "Counting rule: each case once, however many agencies report it; an aggregate adds only what its "
              "agency's rows inside it do not count."),
    "long": ("**Quy tắc đếm (mỗi nạn nhân tính một lần).** Dòng vụ việc là nguồn chính. Một vụ việc do nhiều cơ quan "
             "báo cáo (cùng mã vụ việc khi không phân biệt chữ hoa/thường, khoảng trắng, gạch nối, dấu câu ở cuối; "
             "hoặc hai cơ quan, cùng ngày, cùng địa bàn, cùng số nạn nhân) chỉ được tính một lần, giữ tất cả cơ quan "
             "làm nguồn. Số tổng hợp của một cơ quan chỉ cộng phần chưa có trong các dòng vụ việc và số tổng hợp nhỏ "
             "hơn của chính cơ quan đó nằm trong địa bàn, kỳ và hình thức của nó (ví dụ 6 tháng đầu năm trừ quý 1 và "
             "các vụ việc); số tổng hợp của các cơ quan khác nhau được cộng và được liệt kê để xem xét.",
             "**Counting rule (each victim once).** Case rows are the primary source. A case reported more than "
             "once (the same case ID, ignoring case, spaces, dashes and punctuation at the end; or two agencies with "
             "the same date, place and number of victims) is counted once, with every agency kept as a source. An "
             "agency's aggregate adds only what the case rows and smaller aggregates of that agency inside its place, "
             "period and form do not already count (e.g. the first half-year minus its first quarter and its cases); "
             "aggregates of different agencies are added and listed for review."),
}


def overlap_kind_label(kind: str, lang: str = "vi") -> str:
    pair = OVERLAP_KINDS.get(kind)
    return pair[1 if lang == "en" else 0] if pair else kind


def _row_words(info, lang: str) -> str:
    """One row of an overlap in words: agency, case ID or period, place, where it comes from."""
    from geo.data import schema as S

    if not info:
        return "?"
    en = lang == "en"
    parts = []
    if info.get("agency"):
        parts.append(S.AGENCIES.label(info["agency"], lang))
    if info.get("case_id"):
        parts.append(f"'{info['case_id']}'")
    if info.get("period_label"):
        parts.append(str(info["period_label"]))
    if info.get("place"):
        parts.append(str(info["place"]))
    if info.get("new"):
        where = f"{'row' if en else 'dòng'} {info.get('row_number')} {'of this file' if en else 'của tệp này'}"
    else:
        where = f"{'import' if en else 'lần nhập'} #{info.get('import_id')}"
        if info.get("file_name"):
            where += f" '{info['file_name']}'"
        if info.get("row_number"):
            where += f", {'row' if en else 'dòng'} {info['row_number']}"
    return " ".join(parts) + f" ({where})"


def overlap_text(o, lang: str = "vi") -> str:
    """A sentence for one overlap: a dict of the import preview (``a``/``b`` row descriptions) or a row of
    ``geo.data.counting.overlaps_frame``."""
    import json

    get = o.get if hasattr(o, "get") else (lambda k, d=None: getattr(o, k, d))
    kind = get("kind")
    if get("a") is not None or get("b") is not None:
        a, b = get("a"), get("b")
    else:
        def side(x):
            if not isinstance(get(f"key_{x}"), str):
                return None
            return {"agency": get(f"agency_{x}"), "case_id": get(f"case_id_{x}"), "period_label": get(f"period_label_{x}"),
                    "place": get(f"place_{x}"), "import_id": get(f"import_{x}"), "file_name": get(f"file_name_{x}"),
                    "row_number": get(f"row_number_{x}"), "new": False}
        a, b = side("a"), side("b")
    detail = get("detail") or {}
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            detail = {}
    template = OVERLAP_TEXT.get(kind, ("{a} / {b}", "{a} / {b}"))[1 if lang == "en" else 0]
    return template.format(a=_row_words(a, lang), b=_row_words(b, lang) if b else "", n=detail.get("n_rows", ""),
                           columns=", ".join(detail.get("columns", [])))


#: Strings of the Data page added with the counting rule (pages/du_lieu.py)
DATA_PAGE: dict = {
    "mode": ("Loại tệp", "Kind of file"),
    "mode_new": ("Tệp mới (mọi dòng phải chưa có trong dữ liệu)", "New file (every row must be new)"),
    "mode_update": ("Cập nhật bảng cộng dồn (bỏ qua dòng không đổi, thêm dòng mới, xác nhận dòng thay đổi)",
                    "Update a cumulative sheet (skip unchanged rows, add new rows, confirm changed rows)"),
    "mode_help": ("Bảng cộng dồn: ví dụ tháng 1–4 sau khi đã nhập tháng 1–3.",
                  "Cumulative sheet: e.g. January–April after January–March was imported."),
    "counted_as": ("Theo quy tắc đếm, các dòng của tệp: {parts}.", "Under the counting rule, the file's rows: {parts}."),
    "overlaps_title": ("Trùng lặp với dữ liệu đã có (chưa ghi gì)", "Overlaps with the stored data (nothing written yet)"),
    "overlaps_none": ("Không thấy trùng lặp với dữ liệu đã có.", "No overlap with the stored data."),
    "overlaps_more": ("Liệt kê {shown} trên {total} trùng lặp.", "{shown} of {total} overlaps listed."),
    "col_kind": ("Loại", "Kind"),
    "col_what": ("Nội dung", "What"),
    "col_status": ("Trạng thái", "Status"),
    "col_decision": ("Quyết định", "Decision"),
    "n_new": ("Dòng mới", "New rows"),
    "n_unchanged": ("Không đổi (bỏ qua)", "Unchanged (skipped)"),
    "n_changed": ("Thay đổi", "Changed"),
    "changed_title": ("Dòng đã lưu nhưng khác trong tệp này", "Rows stored with other values"),
    "changed_choice": ("Với các dòng thay đổi", "For the changed rows"),
    "changed_replace": ("Thay bằng số liệu trong tệp này", "Replace them with this file's figures"),
    "changed_keep": ("Giữ số liệu đã lưu", "Keep the stored figures"),
    "changed_pick": ("Hãy chọn cách xử lý các dòng thay đổi trước khi nhập.",
                     "Choose what to do with the changed rows before importing."),
    "ch_row": ("Dòng", "Row"),
    "ch_key": ("Mã / khóa", "ID / key"),
    "ch_import": ("Lần nhập đã lưu", "Stored import"),
    "ch_changes": ("Cột thay đổi (đã lưu → trong tệp)", "Changed columns (stored → this file)"),
    "errors_download": ("Tải danh sách lỗi (CSV)", "Download the error list (CSV)"),
    "warnings_title": ("Cảnh báo (không ngăn việc nhập)", "Warnings (do not stop the import)"),
    "tab_quality": ("Chất lượng dữ liệu", "Data quality"),
    "quality_help": ("Các trùng lặp mà quy tắc đếm tìm thấy trong dữ liệu đã lưu (trong phạm vi của bạn). "
                     "Quyết định của bạn được lưu, ghi vào nhật ký kiểm tra và áp dụng ngay cho mọi trang.",
                     "The overlaps the counting rule finds in the stored data (within your scope). Your decisions are "
                     "stored, written to the audit trail and applied at once to every page."),
    "quality_show": ("Hiển thị", "Show"),
    "quality_open": ("Cần xem xét", "Still open"),
    "quality_all": ("Tất cả (kể cả đã áp dụng quy tắc, đã quyết định)", "All (including applied and decided)"),
    "quality_none": ("Không có trùng lặp nào cần xem xét.", "No overlap is open."),
    "quality_counts": ("Cần xem xét: {parts}.", "Open: {parts}."),
    "quality_pick": ("Trùng lặp", "Overlap"),
    "quality_decision": ("Quyết định", "Decision"),
    "quality_note": ("Ghi chú (tùy chọn)", "Note (optional)"),
    "quality_save": ("Ghi quyết định", "Record the decision"),
    "quality_saved": ("Đã ghi quyết định; số liệu đã được đếm lại.", "Decision recorded; the figures were counted again."),
    "quality_refused": ("Không ghi được quyết định (không áp dụng cho loại này, dòng đã thay đổi, hoặc ngoài phạm vi).",
                        "The decision was not recorded (it does not apply to this kind, the rows changed, or they "
                        "lie outside your scope)."),
    "htcds_title": ("Trao đổi theo chuẩn HTCDS của Liên Hợp Quốc", "Exchange with the UN HTCDS standard"),
    "htcds_help": ("Bảng vụ việc theo tên trường của Chuẩn dữ liệu vụ việc mua bán người (HTCDS 2.0, UNMigration/HTCDS); "
                   "trường không có trong HTCDS nằm ở cột x_tdn_…; số liệu tổng hợp không xuất. Tệp HTCDS nhập lại được "
                   "ở thẻ Nhập dữ liệu. Bảng đối chiếu ở mục bên dưới.",
                   "The case table in the field names of the Human Trafficking Case Data Standard (HTCDS 2.0, "
                   "UNMigration/HTCDS); fields HTCDS lacks are in x_tdn_… columns; aggregate rows are not exported. "
                   "HTCDS files can be imported on the Import tab. The mapping is below."),
    "htcds_mapping": ("Bảng đối chiếu HTCDS ↔ các cột của kho dữ liệu", "HTCDS ↔ store columns: the mapping"),
    "preview_title": ("{n} dòng đầu, như sẽ được lưu:", "The first {n} rows, as they would be stored:"),
    "reference_title": ("Các cột của từng bảng", "The columns of each table"),
    "reference_help": ("Tên cột có thể viết có hoặc không dấu, tiếng Việt hoặc tiếng Anh; cột không bắt buộc có thể "
                       "bỏ trống hoặc không có trong tệp.",
                       "Column names may be written with or without diacritics, in Vietnamese or English; optional "
                       "columns may be empty or left out of the file."),
    "undo_confirm": ("Hoàn tác lần nhập {n} ({kind}, tệp “{file}”, {rows} dòng đang lưu, do {who} nhập lúc {when} UTC)? "
                     "Các dòng này sẽ bị xóa khỏi mọi trang, bản đồ và tệp xuất; lần hoàn tác được ghi vào nhật ký.",
                     "Undo import {n} ({kind}, file “{file}”, {rows} rows stored now, imported by {who} at {when} UTC)? "
                     "These rows will leave every page, map and export; the undo is recorded in the audit trail."),
    "undo_confirm_demo": ("Đây là dữ liệu minh họa; có thể tải lại bằng lệnh python -m geo demo.",
                          "This is demonstration data; it can be loaded again with python -m geo demo."),
    "undo_yes": ("Xác nhận hoàn tác", "Yes, undo it"),
    "undo_no": ("Không, giữ lại", "No, keep it"),
    "htcds_download": ("Xuất vụ việc (HTCDS, CSV)", "Export cases (HTCDS, CSV)"),
    "htcds_left_out": ("{n} dòng vụ việc; {agg} dòng tổng hợp không xuất.", "{n} case rows; {agg} aggregate rows not exported."),
}


def td(key: str, lang: str = "vi", **fmt) -> str:
    pair = DATA_PAGE[key]
    text = pair[1 if lang == "en" else 0]
    return text.format(**fmt) if fmt else text
