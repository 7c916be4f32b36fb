"""Import templates: the columns of each kind of table with Vietnamese or English headers, as CSV or XLSX (with a guide sheet), and the files in ``data/templates/``."""
from __future__ import annotations

import csv
import io
from pathlib import Path


from geo.data import schema as S


# --------------------------------------------------------------------------------------------------
# Templates
# --------------------------------------------------------------------------------------------------
def template_filename(kind: str, lang: str = "vi", fmt: str = "csv") -> str:
    base = {"vi": "mau", "en": "template"}.get(lang, "mau")
    return f"{base}_{kind}{'' if lang == 'vi' else '_en'}.{fmt}"


def template_headers(kind: str, lang: str = "vi") -> list[str]:
    """Template headers (the optional demo-flag column is left out of templates for real data)."""
    return [c.header(lang) for c in S.IMPORT_KINDS[kind].columns if c.key != "is_demo"]


def template_bytes(kind: str, lang: str = "vi", fmt: str = "csv") -> bytes:
    """An empty template: headers only (CSV, UTF-8 with BOM so Excel shows diacritics), or an .xlsx
    workbook with a data sheet and a guide sheet listing every column, whether it is required, and the
    accepted values."""
    spec = S.IMPORT_KINDS[kind]
    headers = template_headers(kind, lang)
    if fmt == "csv":
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(headers)
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt != "xlsx":
        raise ValueError("fmt must be csv or xlsx")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Dữ liệu" if lang == "vi" else "Data"
    ws.append(headers)
    for i, h in enumerate(headers, start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(12, min(40, len(h) + 4))
    ws.freeze_panes = "A2"
    guide = wb.create_sheet("Hướng dẫn" if lang == "vi" else "Guide")
    en = lang == "en"
    guide.append([spec.label(lang)])
    guide.append([spec.description_en if en else spec.description_vi])
    guide.append([])
    guide.append(["Column" if en else "Cột", "Other header" if en else "Tên khác", "Required" if en else "Bắt buộc",
                  "Accepted values / format" if en else "Giá trị / định dạng"])
    for c in spec.columns:
        if c.key == "is_demo":
            continue
        accepted = c.vocab.help(lang) if c.vocab else (c.help_en if en else c.help_vi)
        if c.kind == "count" and not accepted:
            accepted = "whole number ≥ 0" if en else "số nguyên ≥ 0"
        if c.kind == "date" and not accepted:
            accepted = "dd/mm/yyyy or yyyy-mm-dd" if en else "dd/mm/yyyy hoặc yyyy-mm-dd"
        required = c.required or any(c.key in g for g in spec.one_of)
        guide.append([c.header(lang), c.header("vi" if en else "en"),
                      ("yes" if en else "có") if c.required else (("one of date/period" if en else "ngày hoặc kỳ") if required else ""),
                      accepted])
    for col, width in zip("ABCD", (34, 34, 14, 90)):
        guide.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def write_templates(folder: Path | str) -> list[Path]:
    """Write ``<kind>.csv`` (Vietnamese headers) and ``<kind>.en.csv`` (English headers) for every kind."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in S.IMPORT_KINDS:
        for lang, suffix in (("vi", ".csv"), ("en", ".en.csv")):
            path = folder / f"{kind}{suffix}"
            path.write_bytes(template_bytes(kind, lang, "csv"))
            written.append(path)
    return written
