"""Reading an uploaded file for the importer: CSV (encoding and separator detected) or XLSX, size and type checks, headers matched to a table's columns (Vietnamese or English), and the kind of table detected from them."""
from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any


from geo.data import schema as S
from geo.data.import_report import Issue, MAX_ROWS, _issue, max_file_bytes


# --------------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------------
class _Table:
    """The header of a file and its data rows, read lazily: iterating gives ``(row number, cell values)``
    one row at a time (memory grows with a batch, not with the file). Reading may raise
    :class:`_FileProblem` part-way (a malformed CSV line, too many rows). ``rows``/``row_numbers`` read
    everything at once (small files, tests)."""

    _END = object()

    def __init__(self, headers: list[str], records, close=None):
        self.headers = headers
        self._it = iter(records)
        self._peeked = None
        self._close = close

    def has_rows(self) -> bool:
        if self._peeked is None:
            self._peeked = next(self._it, self._END)
        return self._peeked is not self._END

    def __iter__(self):
        try:
            if self._peeked is not None:
                first, self._peeked = self._peeked, None
                if first is self._END:
                    return
                yield first
            yield from self._it
        finally:
            if self._close is not None:
                self._close()
                self._close = None

    @property
    def rows(self) -> list[list[Any]]:
        self._materialise()
        return [v for _, v in self._all]

    @property
    def row_numbers(self) -> list[int]:
        self._materialise()
        return [n for n, _ in self._all]

    def _materialise(self) -> None:
        if not hasattr(self, "_all"):
            self._all = list(self)
            self._it, self._peeked = iter(self._all), None


_MAGIC = [
    (b"PK\x03\x04", "tệp nén ZIP hoặc Excel .xlsx đổi tên thành .csv / a ZIP or .xlsx workbook renamed .csv"),
    (b"\xd0\xcf\x11\xe0", "tệp Excel .xls hoặc Word cũ / an old .xls or Word file"),
    (b"%PDF", "tệp PDF / a PDF file"),
    (b"\x89PNG", "ảnh PNG / a PNG image"),
    (b"\xff\xd8\xff", "ảnh JPEG / a JPEG image"),
    (b"GIF8", "ảnh GIF / a GIF image"),
    (b"\x1f\x8b", "tệp nén gzip / a gzip archive"),
    (b"Rar!", "tệp nén RAR / a RAR archive"),
    (b"7z\xbc\xaf", "tệp nén 7z / a 7z archive"),
    (b"SQLite format 3", "cơ sở dữ liệu SQLite / an SQLite database"),
]


class _FileProblem(Exception):
    def __init__(self, issue: Issue):
        super().__init__(issue.reason_en)
        self.issue = issue


def _binary_what(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:8192]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        return "tệp nhị phân / a binary file"
    return None


def _decode(data: bytes, file: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _FileProblem(_issue(file, None, None, None, "not_utf8", pos=exc.start)) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _FileProblem(_issue(file, None, None, None, "not_utf8", pos=exc.start)) from exc


def _detect_delimiter(header_line: str) -> str:
    counts = {}
    for delim in (",", ";", "\t", "|"):
        try:
            fields = next(csv.reader([header_line], delimiter=delim))
        except (csv.Error, StopIteration):
            fields = []
        counts[delim] = len(fields)
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 1 else ","


class _FileBytes:
    """The bytes of a file given by its path, read when needed and never held whole: a big CSV is hashed and
    checked a megabyte at a time and its rows parsed from the file as they are checked (memory grows with a
    batch, not with the file). ``len()`` is the file's size."""

    STEP = 1 << 20

    def __init__(self, path: Path, size: int):
        self.path = path
        self.size = size
        self.checksum: str | None = None  # (SHA-256, computed once)

    def __len__(self) -> int:
        return self.size

    def head(self, n: int) -> bytes:
        with open(self.path, "rb") as fh:
            return fh.read(n)

    def chunks(self, step: int | None = None):
        with open(self.path, "rb") as fh:
            while True:
                chunk = fh.read(step or self.STEP)
                if not chunk:
                    return
                yield chunk

    def open(self):
        return open(self.path, "rb")

    def read(self) -> bytes:
        return self.path.read_bytes()


def _chunks(data, step: int):
    """The bytes of ``data`` (bytes or :class:`_FileBytes`) ``step`` at a time."""
    if isinstance(data, _FileBytes):
        yield from data.chunks(step)
        return
    for i in range(0, len(data), step):
        yield data[i:i + step]


def _head(data, n: int = 8192) -> bytes:
    return data.head(n) if isinstance(data, _FileBytes) else data[:n]


def _check_utf8(data, file: str) -> None:
    """Raise the file's problem when it is not UTF-8 or holds NUL characters, decoding a megabyte at a time
    (the whole text is never held: the rows are read from the bytes as they are checked)."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    i = 0
    held = None  # one chunk behind, to know which chunk is the last
    for chunk in itertools.chain(_chunks(data, step), [None]):
        if held is not None:
            try:
                text = decoder.decode(held, final=chunk is None)
            except UnicodeDecodeError as exc:
                raise _FileProblem(_issue(file, None, None, None, "not_utf8", pos=i + exc.start)) from exc
            if "\x00" in text:
                raise _FileProblem(_issue(file, None, None, None, "binary_file", what=("tệp nhị phân", "a binary file")))
            i += len(held)
        held = chunk


def _read_csv(data, file: str) -> _Table:
    """``data``: bytes or :class:`_FileBytes` (then the rows are read from the file)."""
    close = None
    if _head(data, 2).startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text": small files, decoded at once
        text = _decode(data.read() if isinstance(data, _FileBytes) else data, file)
        if "\x00" in text:
            raise _FileProblem(_issue(file, None, None, None, "binary_file", what=("tệp nhị phân", "a binary file")))
        stream = io.StringIO(text, newline="")
    else:
        _check_utf8(data, file)
        raw = data.open() if isinstance(data, _FileBytes) else io.BytesIO(data)
        stream = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
        close = stream.close
    try:
        return _csv_table(stream, file, close)
    except BaseException:
        if close is not None:
            close()
        raise


def _csv_table(stream, file: str, close) -> _Table:
    skip = 0
    header_line = None
    for line in stream:  # blank lines and "#" comments above the header
        if line.strip() and not line.lstrip().startswith("#"):
            header_line = line
            break
        skip += 1
    if header_line is None:
        raise _FileProblem(_issue(file, None, None, None, "empty_file"))
    delim = _detect_delimiter(header_line)
    reader = csv.reader(itertools.chain([header_line], stream), delimiter=delim)
    try:
        headers = next(reader)
    except StopIteration as exc:
        raise _FileProblem(_issue(file, None, None, None, "empty_file")) from exc
    except csv.Error as exc:  # the header row itself is malformed (e.g. a quote left open): say so, with its row
        raise _FileProblem(_issue(file, skip + 1, None, None, "bad_csv", detail=str(exc))) from exc

    def records():
        row_no = skip + 1
        n = 0
        try:
            for record in reader:
                row_no += 1  # as a spreadsheet numbers rows: a quoted cell with line breaks stays one row
                if not any(map(str.strip, record)):  # (csv cells are text)
                    continue
                n += 1
                if n > MAX_ROWS:
                    raise _FileProblem(_issue(file, None, None, None, "too_many_rows", limit=f"{MAX_ROWS:,}"))
                yield row_no, record
        except csv.Error as exc:
            raise _FileProblem(_issue(file, row_no + 1, None, None, "bad_csv", detail=str(exc))) from exc

    return _Table(list(headers), records(), close=close)


def _xlsx_value(value: Any) -> Any:
    """A cell value as the importer checks it. openpyxl gives array and data-table formulas as objects, not as
    their "=..." text: they become formula text here, so the cell parsers reject them like any other formula
    (instead of storing the object's name)."""
    if value is None or isinstance(value, (str, int, float, bool, datetime, date, time, Decimal)):
        return value
    text = getattr(value, "text", None)
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    if getattr(value, "t", None) in ("array", "dataTable", "shared"):
        return "=" + str(getattr(value, "ref", "") or "")
    return str(value)


def _read_xlsx(data: bytes, file: str) -> _Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise _FileProblem(_issue(file, None, None, None, "bad_excel", detail=str(exc)[:200])) from exc
    try:
        sheets = wb.worksheets
        if not sheets:
            raise _FileProblem(_issue(file, None, None, None, "empty_file"))
        guide = re.compile(r"huong.?dan|guide|readme|help|gioi.?thieu", re.I)
        data_like = [ws for ws in sheets if re.search(r"du.?lieu|data", S.fold(ws.title))]
        ws = data_like[0] if data_like else next((w for w in sheets if not guide.search(S.fold(w.title))), sheets[0])
        rows = enumerate(ws.iter_rows(values_only=True), start=1)
        headers: list[str] | None = None
        for idx, values in rows:
            values = [_xlsx_value(v) for v in values]
            nonempty = [v for v in values if v is not None and str(v).strip() != ""]
            if not nonempty or str(nonempty[0]).lstrip().startswith("#") and len(nonempty) == 1:
                continue
            while values and (values[-1] is None or str(values[-1]).strip() == ""):
                values.pop()
            headers = ["" if v is None else str(v) for v in values]
            break
        if headers is None:
            raise _FileProblem(_issue(file, None, None, None, "empty_file"))
    except BaseException:
        wb.close()
        raise

    def records():
        n = 0
        for idx, values in rows:
            values = [_xlsx_value(v) for v in values]
            if not any(v is not None and str(v).strip() != "" for v in values):
                continue
            n += 1
            if n > MAX_ROWS:
                raise _FileProblem(_issue(file, None, None, None, "too_many_rows", limit=f"{MAX_ROWS:,}"))
            yield idx, values

    return _Table(headers, records(), close=wb.close)


def _load_bytes(path_or_bytes, filename: str | None) -> tuple[bytes, str]:
    limit = max_file_bytes()
    if isinstance(path_or_bytes, _FileBytes):  # (read already)
        return path_or_bytes, filename or path_or_bytes.path.name
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        data = bytes(path_or_bytes)
        name = filename or "upload"
    elif hasattr(path_or_bytes, "read"):  # file-like (e.g. Streamlit UploadedFile): may be read twice
        name = filename or getattr(path_or_bytes, "name", None) or "upload"
        size = getattr(path_or_bytes, "size", None)
        if isinstance(size, int) and size > limit:
            raise _FileProblem(_issue(name, None, None, None, "too_large", size=_mb(size), limit=_mb(limit)))
        if hasattr(path_or_bytes, "getvalue"):
            data = path_or_bytes.getvalue()
        else:
            if hasattr(path_or_bytes, "seek"):
                path_or_bytes.seek(0)
            data = path_or_bytes.read(limit + 1)
    else:
        path = Path(path_or_bytes)
        name = filename or path.name
        size = path.stat().st_size
        if size > limit:
            raise _FileProblem(_issue(name, None, None, None, "too_large", size=_mb(size), limit=_mb(limit)))
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            data = path.read_bytes()
        else:  # read when needed, never held whole (_FileBytes)
            return _FileBytes(path, size), name
    if len(data) > limit:
        raise _FileProblem(_issue(name, None, None, None, "too_large", size=_mb(len(data)), limit=_mb(limit)))
    return data, name


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _read_table(data, file: str) -> _Table:
    """``data``: bytes or :class:`_FileBytes`."""
    if not any(chunk.strip(b" \t\r\n\xef\xbb\xbf") for chunk in _chunks(data, 1 << 20)):
        raise _FileProblem(_issue(file, None, None, None, "empty_file"))
    ext = Path(file).suffix.lower()
    if ext in (".xlsx", ".xlsm"):
        if isinstance(data, _FileBytes):
            data = data.read()
        if not data.startswith(b"PK\x03\x04"):
            what = _binary_what(data) or "không phải tệp Excel / not an Excel workbook"
            raise _FileProblem(_issue(file, None, None, None, "bad_excel", detail=what))
        return _read_xlsx(data, file)
    if ext == ".xls":
        raise _FileProblem(_issue(file, None, None, None, "old_excel"))
    if ext not in (".csv", ".txt", ".tsv", ""):
        raise _FileProblem(_issue(file, None, None, None, "bad_extension", ext=ext))
    what = _binary_what(_head(data))
    if what:
        raise _FileProblem(_issue(file, None, None, None, "binary_file", what=tuple(what.split(" / "))))
    return _read_csv(data, file)


# --------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------
def _match_headers(headers: list[str], kind: S.ImportKind) -> tuple[dict[int, S.ColumnSpec], list[int]]:
    """Column index -> spec, and indexes of unrecognised headers."""
    lookup: dict[str, S.ColumnSpec] = {}
    for spec in kind.columns:
        for key in spec.keys():
            lookup.setdefault(key, spec)
    mapping, unknown = {}, []
    for i, header in enumerate(headers):
        key = S.fold(header)
        spec = lookup.get(key) or lookup.get(key.replace("_", ""))
        if spec is None:
            if key:
                unknown.append(i)
            continue
        mapping[i] = spec
    return mapping, unknown


def _satisfied(spec: S.ColumnSpec, found: set[str]) -> bool:
    """A required column is present (a place name column is also satisfied by its code column)."""
    return spec.key in found or (spec.kind == "place" and f"{spec.key}_code" in found)


def detect_kind(headers: list[str]) -> str | None:
    """The import kind whose columns best match ``headers`` (None when nothing fits)."""
    best, best_score = None, (0, 0)
    for key, kind in S.IMPORT_KINDS.items():
        mapping, _ = _match_headers(headers, kind)
        found = {spec.key for spec in mapping.values()}
        found |= {c.key for c in kind.required() if _satisfied(c, found)}
        required = {c.key for c in kind.required()}
        one_of_ok = all(any(k in found for k in group) for group in kind.one_of)
        if not required <= found or not one_of_ok:
            continue
        score = (len(found), -len(kind.columns))
        if score > best_score:
            best, best_score = key, score
    return best
