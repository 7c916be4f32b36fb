"""The third renderer of a view model: its tables as CSV and XLSX files.

Every table a page shows is downloaded from here, never from the grid widget (its built-in export is
switched off in ``.streamlit/config.toml``): the cells are the view model's display strings, so small
counts are already written ``<5`` exactly as on the page and the export, and every text cell that a
spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR, LF first) gets a leading
apostrophe (:func:`geo.data.store.escape_cell`). A file of a view holding demonstration data says so in
its first line (CSV) or first row (XLSX), and every file names its view, period and data version.
"""
from __future__ import annotations

import io

import pandas as pd

from geo.data import schema as S
from geo.data.store import escape_cell, export_csv_bytes
from geo.render.static_maps import place_text


def _heading(model) -> list[str]:
    """Lines that say what the file is: demo label, title, place and period, protection, version."""
    spec, mp = model.view, model.map
    lang = spec.lang
    lines = []
    if mp.demo:
        lines.append(f"{S.DEMO_LABEL}: " + ("số liệu minh họa, không phải số liệu thật" if lang == "vi"
                                              else "demonstration figures, not real data"))
    title = mp.title or (f"{mp.metric_label} — {place_text(mp)}" if mp.metric_label else place_text(mp))
    lines.append(" · ".join(x for x in (title, mp.period_label, mp.filters_text) if x))
    for mark, note in (mp.mark_notes or {}).items():
        lines.append(f"{mark}: {note}")
    lines.append(("Phiên bản dữ liệu" if lang == "vi" else "Data version") + f": {model.data_version or '-'}")
    return lines


def _frame(table) -> pd.DataFrame:
    """The table as shown: display strings, no internal index (element keys stay out of files)."""
    return table.frame.reset_index(drop=True)


def table_csv(model, table) -> bytes:
    """One table of ``model`` as CSV (UTF-8 with BOM, opens in Excel), with ``#`` heading lines."""
    frame = _frame(table)
    heading = _heading(model)
    body = export_csv_bytes(frame, lang=model.view.lang, demo=False, title=table.title or None)
    text = body.decode("utf-8").lstrip("\ufeff")
    head = "".join("# " + line.replace("\n", " ") + "\n" for line in heading)
    return ("\ufeff" + head + text).encode("utf-8")


def table_xlsx(model, table) -> bytes:
    """One table of ``model`` as an XLSX workbook: heading rows, then the table; every cell is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = (table.title or "Bang")[:31].replace("/", "-").replace(":", " ") or "Bang"
    for line in _heading(model) + ([table.title] if table.title else []):
        ws.append([escape_cell(line)])
    ws.append([])
    frame = _frame(table)
    ws.append([escape_cell(str(c)) for c in frame.columns])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        ws.append([escape_cell("" if v is None else str(v)) for v in row])
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column[-len(frame) - 1:]) if len(frame) else 12
        ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def table_filename(model, table, ext: str) -> str:
    """``{view file name}_{table key}.{ext}``, ASCII."""
    stem = model.filename(ext).rsplit(".", 1)[0]
    return f"{stem}_{table.key}.{ext}"
