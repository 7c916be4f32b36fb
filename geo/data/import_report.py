"""What an import reports: one :class:`Issue` per problem (file, row, column, value, message in Vietnamese and English) and the :class:`ImportReport` of a file; the importer's limits."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Iterable

import pandas as pd

from geo.data import schema as S
from geo.i18n.data import IMPORT_MESSAGES as MESSAGES  # noqa: E402  (strings live in geo/i18n)

MAX_FILE_MB = float(os.environ.get("TDN_IMPORT_MAX_MB", "50") or 50)
MAX_ROWS = 1_000_000
MAX_REPORTED_ERRORS = 5000
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
    ``already_import_id``; nothing written).
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
    import_id: int | None = None
    already_import_id: int | None = None
    dry_run: bool = False
    n_demo_rows: int = 0
    columns_found: list[str] = field(default_factory=list)
    columns_used: dict[str, str] = field(default_factory=dict)  # file header -> column key
    _records: list[dict] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def add(self, issue: Issue) -> None:
        if issue.severity == "warning":
            if len(self.warnings) < MAX_REPORTED_ERRORS:
                self.warnings.append(issue)
            return
        self.n_errors_total += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(issue)

    def errors_frame(self, lang: str | None = None, include_warnings: bool = False) -> pd.DataFrame:
        items = self.errors + (self.warnings if include_warnings else [])
        cols = ["file", "row", "column", "value", "code", "severity", "suggestions"] + (
            ["reason_vi", "reason_en"] if lang is None else ["reason"])
        return pd.DataFrame([i.as_dict(lang) for i in items], columns=cols)

    def summary(self, lang: str = "vi") -> str:
        kind = S.IMPORT_KINDS[self.kind].label(lang) if self.kind in S.IMPORT_KINDS else (self.kind or "?")
        en = lang == "en"
        if self.status == "invalid":
            n = self.n_errors_total
            return (f"{self.file_name}: {n} error(s); nothing was written." if en
                    else f"{self.file_name}: {n} lỗi; không có dữ liệu nào được ghi.")
        if self.status == "already_imported":
            return (f"{self.file_name}: already imported as #{self.already_import_id}; nothing was written again." if en
                    else f"{self.file_name}: đã nhập trước đây (lần nhập #{self.already_import_id}); không ghi lại.")
        demo = ""
        if self.n_demo_rows:
            demo = f" ({self.n_demo_rows} {'demo rows' if en else 'dòng dữ liệu minh họa'})"
        if self.status == "valid":
            return (f"{self.file_name}: {self.n_rows} rows of {kind} are valid{demo}; nothing written (check only)." if en
                    else f"{self.file_name}: {self.n_rows} dòng {kind} hợp lệ{demo}; chưa ghi (chỉ kiểm tra).")
        return (f"{self.file_name}: {self.n_rows} rows of {kind} imported as #{self.import_id}{demo}." if en
                else f"{self.file_name}: đã nhập {self.n_rows} dòng {kind}, lần nhập #{self.import_id}{demo}.")

    def to_text(self, lang: str = "vi", max_lines: int = 200) -> str:
        lines = [self.summary(lang)]
        for issue in self.errors[:max_lines]:
            lines.append("  - " + issue.line(lang))
            if issue.suggestions:
                lines.append("      " + ("suggestions: " if lang == "en" else "gợi ý: ") + "; ".join(issue.suggestions[:5]))
        if self.n_errors_total > min(len(self.errors), max_lines):
            more = self.n_errors_total - min(len(self.errors), max_lines)
            lines.append(f"  ... {more} " + ("more errors" if lang == "en" else "lỗi khác"))
        for issue in self.warnings[:50]:
            lines.append("  ! " + issue.line(lang))
        return "\n".join(lines)

    def records_frame(self) -> pd.DataFrame:
        """The validated rows as they would be stored (for a preview)."""
        return pd.DataFrame(self._records)
