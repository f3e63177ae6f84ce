"""Reading uploaded workbooks safely, and finding the table in a real-world sheet.

Checks run on the raw bytes before any parser sees them: the file must be a zip (an OLE file
is a legacy .xls or a password-protected workbook), carry no macros, unpack to a bounded size
and ratio, and declare a bounded number of rows; then python-calamine reads it with a row cap,
since a zip's declared sizes can be forged.
"""
from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd

from core.errors import UserFacingError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
LOCAL_HEADER = b"PK\x03\x04"
# Stream names in an OLE container's directory (UTF-16LE): an encrypted .xlsx is an OLE file
# holding EncryptionInfo and EncryptedPackage; a legacy .xls holds Workbook (or Book).
ENCRYPTED_MARKER = "EncryptionInfo".encode("utf-16-le")
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
HEADER_SCAN_ROWS = 15
# Excel never writes a DTD; a DOCTYPE or ENTITY in a part is an entity attack (billion laughs,
# external entities), refused before any XML parser sees it.
UNSAFE_XML = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Rows and cells that hold something (a self-closing <c .../> is a formatted empty cell).
# After the reference, [^>]*+ takes the rest of the tag at once (it cannot run past ">" anyway):
# the same matches as a lazy [^>]*?, found in less than half the time.
ROW_WITH_CELLS = re.compile(rb'<row\b[^>]*?\br="(\d+)"[^>]*+(?<!/)>\s*<c\b')
CELL_REF = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3})\d+"[^>]*+(?<!/)>')
# A reference of two or more letters (column AA on): any cell beyond Z holds one, so a chunk without
# it has only cells up to Z, which the limits may not care about (_scan_part): one fast search
# instead of reading every cell's reference.
WIDE_REF = re.compile(rb'r="[A-Z]{2}')
CHUNK = 1024 * 1024
OVERLAP = 512  # bytes kept between chunks, so a tag cut by a chunk boundary is still seen


class WorkbookRejected(UserFacingError):
    """The file is not a workbook we will read; nothing was written."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_rows: int = 100_000
    max_columns: int = 1_000
    max_cells: int = 5_000_000  # rows x columns of a sheet's used area (the reader's memory)


@dataclass
class Table:
    """The rows of the sheet whose header matched, keyed by column key, with Excel row numbers."""

    sheet: str
    header_row: int  # 1-based, as Excel shows it
    columns: dict[str, str]  # key -> header text found
    rows: list[tuple[int, dict]]
    # the text of each row above the header (title rows such as 「…台账（2021年）」, 「填报单位：…」)
    preamble: list[str] = field(default_factory=list)


def check_bytes(content: bytes, filename: str, limits: Limits = Limits()) -> None:
    """Refuse, before any parser runs, what is not a plain .xlsx of bounded size.

    Every part is inflated here with its real (not declared) size counted, and scanned: XML
    with a DTD is refused, and each sheet's used area (the highest row and column holding a
    cell, whatever its <dimension> says) must stay within the limits, since the reader
    allocates that whole area."""
    if not content:
        raise WorkbookRejected("excel.empty")
    if len(content) > limits.max_bytes:
        raise WorkbookRejected("excel.too_big", max_mb=limits.max_bytes // (1024 * 1024))
    if content.startswith(OLE_SIGNATURE):
        _check_ole(content, filename)
    if not content.startswith(ZIP_SIGNATURE):
        raise WorkbookRejected("excel.not_workbook")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise WorkbookRejected("excel.corrupt") from exc
    if "xl/workbook.xml" not in names:
        raise WorkbookRejected("excel.not_workbook")
    if any(name.lower().endswith("vbaproject.bin") for name in names) \
            or filename.lower().endswith((".xlsm", ".xltm", ".xlam")):
        raise WorkbookRejected("excel.macro")
    declared = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if declared > limits.max_unpacked_bytes or declared / packed > limits.max_ratio:
        raise WorkbookRejected("excel.too_big_unpacked")
    budget = _Budget(limits.max_unpacked_bytes, limits.max_ratio * len(content))
    for info in infos:
        if info.is_dir():
            continue
        _scan_part(content, info, limits, budget)


def _check_ole(content: bytes, filename: str) -> None:
    """An OLE compound file: a password-protected workbook, a legacy .xls (whatever its
    extension), or something else such as a Word 97 document."""
    if ENCRYPTED_MARKER in content or ENCRYPTED_PACKAGE in content:
        raise WorkbookRejected("excel.encrypted")
    if any(name in content for name in XLS_STREAMS) or filename.lower().endswith(".xls"):
        raise WorkbookRejected("excel.legacy_xls")
    raise WorkbookRejected("excel.not_workbook")


class _Budget:
    """Bytes still allowed to come out of the archive (total size and compression ratio)."""

    def __init__(self, max_unpacked: int, max_by_ratio: int) -> None:
        self.left = min(max_unpacked, max_by_ratio)

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise WorkbookRejected("excel.too_big_unpacked")


def _raw_data(content: bytes, info: zipfile.ZipInfo) -> bytes:
    """A member's compressed bytes, located through its local header as an unzipper does."""
    start = info.header_offset
    header = content[start:start + 30]
    if len(header) < 30 or not header.startswith(LOCAL_HEADER):
        raise WorkbookRejected("excel.corrupt")
    name_len, extra_len = int.from_bytes(header[26:28], "little"), int.from_bytes(header[28:30], "little")
    begin = start + 30 + name_len + extra_len
    raw = content[begin:begin + info.compress_size]
    if len(raw) < info.compress_size:
        raise WorkbookRejected("excel.corrupt")
    return raw


def _inflate(content: bytes, info: zipfile.ZipInfo, budget: _Budget):
    """A member's real content in chunks, counted against the budget as it comes out, so a
    forged size in the zip directory cannot hide a bomb."""
    if info.flag_bits & 0x1:
        raise WorkbookRejected("excel.encrypted")
    raw = _raw_data(content, info)
    if info.compress_type == zipfile.ZIP_STORED:
        for start in range(0, len(raw), CHUNK):
            budget.take(min(CHUNK, len(raw) - start))
            yield raw[start:start + CHUNK]
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise WorkbookRejected("excel.corrupt")
    inflater = zlib.decompressobj(-15)
    try:
        for start in range(0, len(raw), CHUNK):
            pending = raw[start:start + CHUNK]
            while pending:
                out = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                budget.take(len(out))
                if out:
                    yield out
        rest = inflater.flush()
        budget.take(len(rest))
        if rest:
            yield rest
    except zlib.error as exc:
        raise WorkbookRejected("excel.corrupt") from exc


def column_number(letters: bytes | str) -> int:
    """A column's letters as a number: A -> 1, Z -> 26, AA -> 27, XFD -> 16384."""
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode():
        number = number * 26 + ord(char) - 64
    return number


def _scan_part(content: bytes, info: zipfile.ZipInfo, limits: Limits, budget: _Budget) -> None:
    name = info.filename
    is_xml = name.lower().endswith((".xml", ".rels", ".vml"))
    is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
    max_row = max_col = 0
    columns_seen: set[bytes] = set()
    # No sheet within the row limit can break the column or cell limits with cells up to Z alone:
    # then only chunks holding a wider cell are read cell by cell (the widest cell is among them)
    narrow_is_fine = min(limits.max_columns, limits.max_cells // (limits.max_rows + HEADER_SCAN_ROWS)) >= 26
    crc = 0
    tail = b""
    for chunk in _inflate(content, info, budget):
        if is_sheet and not tail:  # the size the sheet declares, refused before reading on
            declared = DIMENSION.search(chunk[:4096])
            if declared and declared.group(1) and \
                    int(declared.group(1)) > limits.max_rows + HEADER_SCAN_ROWS:
                raise WorkbookRejected("excel.too_many_rows", max_rows=limits.max_rows)
        crc = zlib.crc32(chunk, crc)
        if not (is_xml or is_sheet):
            continue
        window = tail + chunk
        if b"<!" in window and UNSAFE_XML.search(window):  # the regex only where its "<!" is
            raise WorkbookRejected("excel.unsafe_xml")
        if is_sheet:
            max_row = max(max_row, max(map(int, ROW_WITH_CELLS.findall(window)), default=0))
            if not narrow_is_fine or WIDE_REF.search(window):
                columns_seen.update(CELL_REF.findall(window))
        tail = window[-OVERLAP:]
    if crc != info.CRC:
        raise WorkbookRejected("excel.corrupt")
    if not is_sheet:
        return
    if columns_seen:
        max_col = max(column_number(letters) for letters in columns_seen)
    if max_row > limits.max_rows + HEADER_SCAN_ROWS:
        raise WorkbookRejected("excel.too_many_rows", max_rows=limits.max_rows)
    if max_col > limits.max_columns:
        raise WorkbookRejected("excel.too_many_columns", max_columns=limits.max_columns)
    if max_row * max_col > limits.max_cells:
        raise WorkbookRejected("excel.too_many_cells", rows=max_row, columns=max_col,
                               max_cells=limits.max_cells)


def read_sheets(content: bytes, limits: Limits = Limits()) -> dict[str, pd.DataFrame]:
    """Every sheet as raw cells (no header), at most max_rows + a header's worth of rows.

    Call check_bytes first: calamine allocates a sheet's whole used area."""
    try:
        sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, header=None, dtype=object,
                               engine="calamine", nrows=limits.max_rows + HEADER_SCAN_ROWS + 1)
    except Exception as exc:  # CalamineError, XmlError, zip and value errors: the file is broken
        raise WorkbookRejected("excel.corrupt") from exc
    for frame in sheets.values():
        if len(frame) > limits.max_rows + HEADER_SCAN_ROWS:
            raise WorkbookRejected("excel.too_many_rows", max_rows=limits.max_rows)
    return sheets


# ---------------------------------------------------------------- finding the table
def header_key(text: object) -> str:
    """A header cell reduced for matching: half-width, lower case, no spaces, no unit."""
    folded = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    folded = re.sub(r"[\(（\[【].*?[\)）\]】]", "", folded)  # "金额（万元）" -> "金额"
    return re.sub(r"[\s*＊:：]", "", folded)


def find_table(sheets: dict[str, pd.DataFrame], aliases: dict[str, list[str]],
               required: set[str]) -> Table | None:
    """The first sheet and row (within the top rows) whose cells name all required columns."""
    wanted = {header_key(alias): key for key, names in aliases.items() for alias in names}
    for name, frame in sheets.items():
        for index in range(min(HEADER_SCAN_ROWS, len(frame))):
            found: dict[int, str] = {}
            labels: dict[str, str] = {}
            for col, cell in enumerate(frame.iloc[index].tolist()):
                key = wanted.get(header_key(cell))
                if key and key not in labels:
                    found[col], labels[key] = key, str(cell).strip()
            if required <= set(labels):
                rows = []
                grid = frame.to_numpy(dtype=object)  # rows as arrays: far faster than .iloc per row
                for offset in range(index + 1, len(grid)):
                    cells = grid[offset]
                    record = {key: cells[col] for col, key in found.items() if col < len(cells)}
                    if any(text(value) for value in record.values()):
                        rows.append((offset + 1, record))
                preamble = [" ".join(text(cell) for cell in frame.iloc[above].tolist() if text(cell))
                            for above in range(index)]
                return Table(sheet=name, header_row=index + 1, columns=labels, rows=rows,
                             preamble=[line for line in preamble if line])
    return None


# ---------------------------------------------------------------- cell values
def is_blank(value: object) -> bool:
    """None, NaN or NaT: an empty cell."""
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value: object) -> str:
    """A cell as trimmed text; full-width letters and digits folded; 12.0 read as "12"."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def number(value: object) -> float | None:
    """A cell as a number: numbers stored as text, thousands separators, full-width digits.

    Raises ValueError for text that is not a number."""
    if is_blank(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        number = float(text(value).replace(",", "").replace("，", "").replace(" ", ""))
    if not math.isfinite(number):  # "nan", "inf" parse as floats but are no one's figure
        raise ValueError(value)
    return number


EXCEL_EPOCH = date(1899, 12, 30)


def day(value: object) -> date | None:
    """A cell as a date: real dates, Excel serial numbers, and text such as 2021-05-01,
    2021/5/1, 2021.5.1 or 2021年5月1日. Raises ValueError otherwise."""
    if is_blank(value) or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 1 <= value < 2958466:
            raise ValueError(value)
        return EXCEL_EPOCH + timedelta(days=int(value))
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text(value))
    if not match:
        serial = text(value)
        if serial.isdigit():
            return day(int(serial))
        raise ValueError(value)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
