"""What an import reports: one :class:`Issue` per problem (file, row, column, value, message in Vietnamese and English) and the :class:`ImportReport` of a file; the importer's limits."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

import pandas as pd

from geo.data import schema as S
from geo.i18n.data import IMPORT_MESSAGES as MESSAGES  # noqa: E402  (strings live in geo/i18n)

MAX_FILE_MB = float(os.environ.get("TDN_IMPORT_MAX_MB", "50") or 50)
MAX_ROWS = 1_000_000
MAX_REPORTED_ERRORS = 1000  # messages kept per file (errors and warnings each); the rest are counted by code
MAX_LISTED = 1000  # changed rows and overlaps kept for the preview
MIN_DATE = date(1990, 1, 1)
_CHUNK = 2000


def max_file_bytes() -> int:
    return int(float(os.environ.get("TDN_IMPORT_MAX_MB", MAX_FILE_MB) or MAX_FILE_MB) * 1024 * 1024)


def _today() -> date:
    return date.today()


@dataclass
class Issue:
    """One problem in a file. ``row`` is the spreadsheet row (header = 1); None for file-level problems."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    reason_vi: str
    reason_en: str
    suggestions: list[str] = field(default_factory=list)
    severity: str = "error"

    def reason(self, lang: str = "vi") -> str:
        return self.reason_en if lang == "en" else self.reason_vi

    def as_dict(self, lang: str | None = None) -> dict:
        out = {"file": self.file, "row": self.row, "column": self.column, "value": self.value, "code": self.code,
               "severity": self.severity, "suggestions": "; ".join(self.suggestions)}
        if lang is None:
            out["reason_vi"], out["reason_en"] = self.reason_vi, self.reason_en
        else:
            out["reason"] = self.reason(lang)
        return out

    def line(self, lang: str = "vi") -> str:
        where = [self.file]
        if self.row is not None:
            where.append(("row " if lang == "en" else "dòng ") + str(self.row))
        if self.column:
            where.append(("column " if lang == "en" else "cột ") + f"'{self.column}'")
        text = ", ".join(where)
        if self.value not in (None, ""):
            text += f", {'value' if lang == 'en' else 'giá trị'} '{self.value}'"
        return f"{text}: {self.reason(lang)}"


def _issue(file: str, row: int | None, column: str | None, value: Any, code: str,
           suggestions: Iterable[str] = (), severity: str = "error", /, **fmt) -> Issue:
    vi, en = MESSAGES[code]
    fmt_vi = {k: (v[0] if isinstance(v, tuple) else v) for k, v in fmt.items()}
    fmt_en = {k: (v[1] if isinstance(v, tuple) else v) for k, v in fmt.items()}
    return Issue(file, row, column, None if value is None else _show(value), code, vi.format(**fmt_vi),
                 en.format(**fmt_en), list(suggestions), severity)


def _show(value: Any) -> str:
    text = str(value)
    text = text.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return text if len(text) <= 120 else text[:117] + "..."


@dataclass
class ImportReport:
    """Outcome of validating or importing one file.

    ``status``: ``invalid`` (errors: nothing written), ``valid`` (validated only / dry run),
    ``imported`` (written; ``import_id`` set), ``already_imported`` (same file already active:
    ``already_import_id``; nothing written), ``needs_confirmation`` (update mode: rows changed since they were
    stored and no decision was given; nothing written), ``up_to_date`` (update mode: every row is already
    stored unchanged; nothing written).

    Every error of every row is found in one pass; the first :data:`MAX_REPORTED_ERRORS` are kept as
    messages and ``error_counts`` counts all of them by code (``n_errors_total`` in all).
    """

    file_name: str
    kind: str | None = None
    checksum: str | None = None
    size_bytes: int = 0
    n_rows: int = 0
    status: str = "invalid"
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    n_errors_total: int = 0
    n_warnings_total: int = 0
    error_counts: Counter = field(default_factory=Counter)
    warning_counts: Counter = field(default_factory=Counter)
    import_id: int | None = None
    already_import_id: int | None = None
    dry_run: bool = False
    n_demo_rows: int = 0
    columns_found: list[str] = field(default_factory=list)
    columns_used: dict[str, str] = field(default_factory=dict)  # file header -> column key
    #: ``new`` (every row must be new) or ``update`` (a cumulative sheet: stored rows are matched)
    mode: str = "new"
    n_valid: int = 0  # rows that passed every check
    n_new: int = 0  # rows to add (update mode: not stored yet)
    n_unchanged: int = 0  # update mode: already stored with the same values (skipped)
    n_changed: int = 0  # update mode: stored with other values
    n_replaced: int = 0  # changed rows written over the stored ones (confirmed)
    n_kept: int = 0  # changed rows left as stored (the officer kept the stored values)
    n_written: int = 0
    #: update mode: the changed rows (row, key, stored import, columns that differ), the first MAX_LISTED
    changed: list[dict] = field(default_factory=list)
    #: overlaps the counting rule finds between the file's rows and the store (geo.data.counting)
    overlaps: list[dict] = field(default_factory=list)
    overlap_counts: Counter = field(default_factory=Counter)
    #: how the file's rows would be counted: counted | duplicate | residual | covered -> number of rows
    count_status: Counter = field(default_factory=Counter)
    _records: list[dict] = field(default_factory=list, repr=False)  # the first rows, for a preview

    @property
    def ok(self) -> bool:
        return not self.errors and self.status not in ("needs_confirmation",)

    def add(self, issue: Issue) -> None:
        if issue.severity == "warning":
            self.n_warnings_total += 1
            self.warning_counts[issue.code] += 1
            if len(self.warnings) < MAX_REPORTED_ERRORS:
                self.warnings.append(issue)
            return
        self.n_errors_total += 1
        self.error_counts[issue.code] += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(issue)

    def not_listed(self, warnings: bool = False) -> Counter:
        """Errors (or warnings) counted but not kept as messages, by code."""
        listed = Counter(i.code for i in (self.warnings if warnings else self.errors))
        total = self.warning_counts if warnings else self.error_counts
        return Counter({code: n - listed.get(code, 0) for code, n in total.items() if n > listed.get(code, 0)})

    def errors_frame(self, lang: str | None = None, include_warnings: bool = False) -> pd.DataFrame:
        items = self.errors + (self.warnings if include_warnings else [])
        cols = ["file", "row", "column", "value", "code", "severity", "suggestions"] + (
            ["reason_vi", "reason_en"] if lang is None else ["reason"])
        return pd.DataFrame([i.as_dict(lang) for i in items], columns=cols)

    def more_text(self, lang: str = "vi", warnings: bool = False) -> str | None:
        """One sentence for the errors not listed (counts by code), or None when every one is listed."""
        rest = self.not_listed(warnings)
        if not rest:
            return None
        shown = len(self.warnings if warnings else self.errors)
        total = self.n_warnings_total if warnings else self.n_errors_total
        parts = ", ".join(f"{code} {n:,}" for code, n in rest.most_common())
        if lang == "en":
            return (f"The first {shown:,} of {total:,} {'warnings' if warnings else 'errors'} are listed; "
                    f"not listed: {parts}.")
        return f"Liệt kê {shown:,} trên tổng số {total:,} {'cảnh báo' if warnings else 'lỗi'}; chưa liệt kê: {parts}."

    def errors_csv_bytes(self, lang: str = "vi") -> bytes:
        """The error list as CSV (formula-safe, UTF-8 with BOM): every listed message, then warnings, with a
        first ``#`` line giving the counts of the errors not listed."""
        from geo.data.store import export_csv_bytes

        title = self.more_text(lang)
        return export_csv_bytes(self.errors_frame(lang, include_warnings=True), lang, demo=False, title=title)

    def summary(self, lang: str = "vi") -> str:
        kind = S.IMPORT_KINDS[self.kind].label(lang) if self.kind in S.IMPORT_KINDS else (self.kind or "?")
        en = lang == "en"
        if self.status == "invalid":
            n = self.n_errors_total
            return (f"{self.file_name}: {n:,} error(s); nothing was written." if en
                    else f"{self.file_name}: {n:,} lỗi; không có dữ liệu nào được ghi.")
        if self.status == "already_imported":
            return (f"{self.file_name}: already imported as #{self.already_import_id}; nothing was written again." if en
                    else f"{self.file_name}: đã nhập trước đây (lần nhập #{self.already_import_id}); không ghi lại.")
        if self.status == "needs_confirmation":
            return (f"{self.file_name}: {self.n_changed:,} row(s) differ from the stored ones; choose whether to "
                    f"replace them or keep the stored values. Nothing was written." if en else
                    f"{self.file_name}: {self.n_changed:,} dòng khác với dữ liệu đã lưu; hãy chọn thay bằng số liệu "
                    f"mới hay giữ số liệu đã lưu. Chưa ghi gì.")
        if self.status == "up_to_date":
            return (f"{self.file_name}: all {self.n_unchanged:,} rows are already stored unchanged; nothing was written." if en
                    else f"{self.file_name}: cả {self.n_unchanged:,} dòng đã có trong dữ liệu, không thay đổi; không ghi gì.")
        demo = ""
        if self.n_demo_rows:
            demo = f" ({self.n_demo_rows} {'demo rows' if en else 'dòng dữ liệu minh họa'})"
        update = ""
        if self.mode == "update":
            update = (f" — update: {self.n_new:,} new, {self.n_unchanged:,} unchanged (skipped), "
                      f"{self.n_changed:,} changed" if en else
                      f" — cập nhật: {self.n_new:,} dòng mới, {self.n_unchanged:,} dòng không đổi (bỏ qua), "
                      f"{self.n_changed:,} dòng thay đổi")
            if self.status == "imported" and self.n_changed:
                update += (f" ({self.n_replaced:,} replaced, {self.n_kept:,} kept as stored)" if en else
                           f" ({self.n_replaced:,} thay bằng số liệu mới, {self.n_kept:,} giữ như đã lưu)")
        if self.status == "valid":
            return (f"{self.file_name}: {self.n_rows} rows of {kind} are valid{demo}{update}; nothing written (check only)." if en
                    else f"{self.file_name}: {self.n_rows} dòng {kind} hợp lệ{demo}{update}; chưa ghi (chỉ kiểm tra).")
        written = self.n_written if self.mode == "update" else self.n_rows
        return (f"{self.file_name}: {written} rows of {kind} imported as #{self.import_id}{demo}{update}." if en
                else f"{self.file_name}: đã nhập {written} dòng {kind}, lần nhập #{self.import_id}{demo}{update}.")

    def to_text(self, lang: str = "vi", max_lines: int = 200) -> str:
        lines = [self.summary(lang)]
        for issue in self.errors[:max_lines]:
            lines.append("  - " + issue.line(lang))
            if issue.suggestions:
                lines.append("      " + ("suggestions: " if lang == "en" else "gợi ý: ") + "; ".join(issue.suggestions[:5]))
        if self.n_errors_total > min(len(self.errors), max_lines):
            more = self.n_errors_total - min(len(self.errors), max_lines)
            lines.append(f"  ... {more:,} " + ("more errors" if lang == "en" else "lỗi khác"))
            rest = self.more_text(lang)
            if rest:
                lines.append("  " + rest)
        for issue in self.warnings[:50]:
            lines.append("  ! " + issue.line(lang))
        for item in self.changed[:20]:
            lines.append("  ~ " + change_line(item, lang))
        if self.overlap_counts:
            from geo.i18n.data import overlap_kind_label
            lines.append(("  overlaps found: " if lang == "en" else "  trùng lặp tìm thấy: ")
                         + "; ".join(f"{overlap_kind_label(k, lang)} {n}" for k, n in self.overlap_counts.most_common()))
        return "\n".join(lines)

    def records_frame(self) -> pd.DataFrame:
        """The first validated rows as they would be stored (for a preview)."""
        return pd.DataFrame(self._records)

    def changed_frame(self, lang: str = "vi") -> pd.DataFrame:
        """The changed rows of an update (row, ID, stored import, each differing column: stored → new)."""
        rows = []
        for item in self.changed:
            rows.append({"row": item["row"], "key": item["key"], "import": item["import_id"],
                         "changes": "; ".join(f"{_label(item['kind'], col, lang)}: {_show_v(old)} → {_show_v(new)}"
                                              for col, old, new in item["diff"])})
        return pd.DataFrame(rows, columns=["row", "key", "import", "changes"])


def _show_v(v) -> str:
    return "∅" if v is None or v == "" else _show(v)


def _label(kind: str, col: str, lang: str) -> str:
    spec = S.IMPORT_KINDS.get(kind)
    names = {"period_label": "period", "date": "date", "province_code": "province", "district_code": "district",
             "commune_code": "commune"}
    key = names.get(col, col)
    if spec is not None:
        for c in spec.columns:
            if c.key == key:
                return c.header(lang)
    return col


def change_line(item: dict, lang: str = "vi") -> str:
    where = f"{'row' if lang == 'en' else 'dòng'} {item['row']} '{item['key']}' (#{item['import_id']})"
    diffs = "; ".join(f"{_label(item['kind'], col, lang)}: {_show_v(old)} → {_show_v(new)}" for col, old, new in item["diff"])
    return f"{where}: {diffs}"
