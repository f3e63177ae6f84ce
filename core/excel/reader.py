"""Reading uploaded workbooks safely, and finding the table in a real-world sheet.

Checks run on the raw bytes before any parser sees them: the file must be a zip (an OLE file
is a legacy .xls or a password-protected workbook), carry no macros, unpack to a bounded size
and ratio, and declare a bounded number of rows; then python-calamine reads it with a row cap,
since a zip's declared sizes can be forged.
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pandas as pd

from core.errors import UserFacingError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"
ENCRYPTED_MARKER = "EncryptionInfo".encode("utf-16-le")
DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:?[A-Z]*(\d*)"')
HEADER_SCAN_ROWS = 15


class WorkbookRejected(UserFacingError):
    """The file is not a workbook we will read; nothing was written."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_unpacked_bytes: int = 200 * 1024 * 1024
    max_ratio: int = 100
    max_rows: int = 100_000


@dataclass
class Table:
    """The rows of the sheet whose header matched, keyed by column key, with Excel row numbers."""

    sheet: str
    header_row: int  # 1-based, as Excel shows it
    columns: dict[str, str]  # key -> header text found
    rows: list[tuple[int, dict]]


def check_bytes(content: bytes, filename: str, limits: Limits = Limits()) -> None:
    if not content:
        raise WorkbookRejected("excel.empty")
    if len(content) > limits.max_bytes:
        raise WorkbookRejected("excel.too_big", max_mb=limits.max_bytes // (1024 * 1024))
    if content.startswith(OLE_SIGNATURE):
        if ENCRYPTED_MARKER in content[:65536] or not filename.lower().endswith(".xls"):
            raise WorkbookRejected("excel.encrypted")
        raise WorkbookRejected("excel.legacy_xls")
    if not content.startswith(ZIP_SIGNATURE):
        raise WorkbookRejected("excel.not_workbook")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        names = archive.namelist()
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise WorkbookRejected("excel.corrupt") from exc
    if "xl/workbook.xml" not in names:
        raise WorkbookRejected("excel.not_workbook")
    if "xl/vbaProject.bin" in names or filename.lower().endswith((".xlsm", ".xltm")):
        raise WorkbookRejected("excel.macro")
    unpacked = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if unpacked > limits.max_unpacked_bytes or unpacked / packed > limits.max_ratio:
        raise WorkbookRejected("excel.too_big_unpacked")
    for info in infos:
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            _check_declared_rows(archive, info, limits)


def _check_declared_rows(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    try:
        with archive.open(info) as handle:
            head = handle.read(4096)
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
        raise WorkbookRejected("excel.corrupt") from exc
    found = DIMENSION.search(head)
    if found and found.group(1) and int(found.group(1)) > limits.max_rows + HEADER_SCAN_ROWS:
        raise WorkbookRejected("excel.too_many_rows", max_rows=limits.max_rows)


def read_sheets(content: bytes, limits: Limits = Limits()) -> dict[str, pd.DataFrame]:
    """Every sheet as raw cells (no header), at most max_rows + a header's worth of rows."""
    try:
        sheets = pd.read_excel(io.BytesIO(content), sheet_name=None, header=None, dtype=object,
                               engine="calamine", nrows=limits.max_rows + HEADER_SCAN_ROWS + 1)
    except Exception as exc:  # calamine, zip and XML errors: the file is broken
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
                for offset in range(index + 1, len(frame)):
                    cells = frame.iloc[offset].tolist()
                    record = {key: cells[col] for col, key in found.items() if col < len(cells)}
                    if any(text(value) for value in record.values()):
                        rows.append((offset + 1, record))
                return Table(sheet=name, header_row=index + 1, columns=labels, rows=rows)
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
        return float(value)
    cleaned = text(value).replace(",", "").replace("，", "").replace(" ", "")
    return float(cleaned)


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
