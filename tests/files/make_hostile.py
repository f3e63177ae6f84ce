"""Writes the corpus of hostile, broken and real-world workbooks under tests/files/.

    python tests/files/make_hostile.py            # rewrites tests/files/hostile/ and real/
    python tests/files/make_hostile.py OUT_DIR    # somewhere else (the tests compare)

The files are generated once and kept in the repository (under 1 MB in all: the zip bombs are
small because they compress so well). Everything is built byte by byte here, with fixed zip
timestamps, so no office suite is needed. CASES says what each file is and the message key the
members (or milestones) import must answer with; tests/test_hostile_files.py and
tests/test_cli.py check exactly that, and that nothing is written.
"""
from __future__ import annotations

import io
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
STAMP = (2021, 5, 1, 12, 0, 0)


@dataclass(frozen=True)
class Case:
    file: str
    what: str
    key: str  # the message key of the refusal (row-level cases: excel.has_rejects at commit)
    kind: str = "members"  # which import it is given to
    row_keys: frozenset = field(default_factory=frozenset)  # row-level: the reasons per row


CASES = [
    Case("empty.xlsx", "a file of zero bytes", "excel.empty"),
    Case("text_as_xlsx.xlsx", "a CSV text file named .xlsx", "excel.not_workbook"),
    Case("png_as_xlsx.xlsx", "a PNG image named .xlsx", "excel.not_workbook"),
    Case("docx_as_xlsx.xlsx", "a zip that is a Word document, named .xlsx", "excel.not_workbook"),
    Case("legacy.xls", "an Excel 97-2003 workbook (OLE, Workbook stream)", "excel.legacy_xls"),
    Case("legacy_renamed.xlsx", "an Excel 97-2003 workbook renamed to .xlsx", "excel.legacy_xls"),
    Case("encrypted.xlsx", "a password-protected workbook (OLE, EncryptionInfo and "
         "EncryptedPackage streams)", "excel.encrypted"),
    Case("macro.xlsm", "a macro-enabled workbook (xl/vbaProject.bin)", "excel.macro"),
    Case("macro_renamed.xlsx", "a macro-enabled workbook renamed to .xlsx", "excel.macro"),
    Case("truncated.xlsx", "a workbook cut off half way (no zip directory)", "excel.corrupt"),
    Case("bad_crc.xlsx", "a workbook whose sheet data was damaged (checksum fails)", "excel.corrupt"),
    Case("zip_bomb.xlsx", "a sheet of 40 MB packed into a few KB (compression ratio)",
         "excel.too_big_unpacked"),
    Case("zip_bomb_forged.xlsx", "the same bomb with its unpacked size forged small in the zip "
         "directory (caught while inflating)", "excel.too_big_unpacked"),
    Case("rows_declared.xlsx", "a sheet declaring 900 000 rows (<dimension>)", "excel.too_many_rows"),
    Case("rows_forged.xlsx", "a sheet declaring 2 rows that has a cell in row 150 000",
         "excel.too_many_rows"),
    Case("far_column.xlsx", "a cell in column XFD (16 384), which made the reader allocate "
         "the whole area and abort the process", "excel.too_many_columns"),
    Case("huge_area.xlsx", "cells at A1 and ALL90000: 90 000 rows x 1 000 columns",
         "excel.too_many_cells"),
    Case("billion_laughs.xlsx", "nested entities (billion laughs) in a sheet", "excel.unsafe_xml"),
    Case("external_entity.xlsx", "an external entity (file:///etc/passwd) in sharedStrings.xml",
         "excel.unsafe_xml"),
    Case("milestones_for_members.xlsx", "the milestone-update sheet given to the members import",
         "excel.wrong_kind"),
    Case("unrelated.xlsx", "a workbook with none of the template's headers", "excel.wrong_template"),
    Case("header_only.xlsx", "the members header and no rows", "excel.no_rows"),
    Case("members_row_problems.xlsx", "bad credit codes, a duplicate key, an unknown type, city "
         "and date (row-level)", "excel.has_rejects",
         row_keys=frozenset({"credit_code.checksum", "credit_code.length", "excel.duplicate_key",
                             "member.unknown_type", "member.unknown_city", "excel.bad_date"})),
    Case("milestones_unknown.xlsx", "milestone numbers that do not exist (row-level)",
         "excel.has_rejects", kind="milestones", row_keys=frozenset({"plan.unknown_milestone"})),
]


# ---------------------------------------------------------------- zip and xlsx by hand
def zip_bytes(parts: dict[str, bytes], compress: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
            archive.writestr(info, data, compresslevel=9 if compress else None)
    return buffer.getvalue()


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell(ref: str, value) -> str:
    """A cell's XML: text inline, numbers as numbers, ("=", formula, cached) as a formula
    with its cached value, the way Excel and LibreOffice save them."""
    if value is None:
        return ""
    if isinstance(value, tuple):
        _, formula, cached = value
        if isinstance(cached, str):
            return f'<c r="{ref}" t="str"><f>{escape(formula)}</f><v>{escape(cached)}</v></c>'
        return f'<c r="{ref}"><f>{escape(formula)}</f><v>{cached}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def sheet_xml(rows: list[list], *, dimension: str | None = None, start_row: int = 1,
              extra_rows: str = "", merges: tuple[str, ...] = (), prolog: str = "") -> bytes:
    body = []
    for offset, values in enumerate(rows):
        number = start_row + offset
        cells = "".join(cell(f"{column_letters(col)}{number}", value)
                        for col, value in enumerate(values, start=1))
        if cells:
            body.append(f'<row r="{number}">{cells}</row>')
    width = max((len(r) for r in rows), default=1)
    ref = dimension or f"A1:{column_letters(max(width, 1))}{max(start_row + len(rows) - 1, 1)}"
    merge = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
             + "</mergeCells>") if merges else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="{ref}"/><sheetData>{"".join(body)}{extra_rows}</sheetData>{merge}'
            '</worksheet>').encode()


def xlsx(sheets: dict[str, bytes], *, extra: dict[str, bytes] | None = None,
         shared_strings: bytes | None = None) -> bytes:
    """A minimal .xlsx that Excel, LibreOffice and calamine open."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(names) + 1))
    if shared_strings is not None:
        overrides += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>').encode(),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                      for i, name in enumerate(names, start=1))
            + "</sheets></workbook>").encode(),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/'
                      f'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(names) + 1))
            + ('<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
               '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
               if shared_strings is not None else "")
            + "</Relationships>").encode(),
    }
    for i, name in enumerate(names, start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = sheets[name]
    if shared_strings is not None:
        parts["xl/sharedStrings.xml"] = shared_strings
    parts.update(extra or {})
    return zip_bytes(parts)


# ---------------------------------------------------------------- OLE compound files by hand
def ole_bytes(streams: dict[str, bytes]) -> bytes:
    """A small OLE compound file (version 3, 512-byte sectors) holding these streams, as Excel
    97-2003 writes .xls files and Office writes password-protected workbooks. Streams are
    padded to 4096 bytes, so none goes in the mini stream."""
    sector = 512
    end, free, fat_mark = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    datas = [data.ljust(max(4096, -(-len(data) // sector) * sector), b"\0") for data in streams.values()]
    entries = 1 + len(streams)
    dir_sectors = -(-entries * 128 // sector)
    fat = [fat_mark] + [n + 2 if n + 1 < dir_sectors else end for n in range(dir_sectors)]
    starts = []
    for data in datas:
        count, first = len(data) // sector, len(fat)
        starts.append(first)
        fat += [first + n + 1 if n + 1 < count else end for n in range(count)]
    assert len(fat) <= 128, "one FAT sector is enough for the corpus"
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le")
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", free, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                + struct.pack("<IQ", start, size))

    directory = entry("Root Entry", 5, 1, free, end, 0)
    for index, (name, data) in enumerate(streams.items(), start=1):
        right = index + 1 if index < len(streams) else free
        directory += entry(name, 2, free, right, starts[index - 1], len(data))
    directory = directory.ljust(dir_sectors * sector, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == sector
    return header + struct.pack("<128I", *fat) + directory + b"".join(datas)


def biff_workbook() -> bytes:
    """A BIFF8 workbook stream: BOF (globals), EOF, BOF (sheet), EOF."""
    bof = lambda kind: struct.pack("<HH", 0x0809, 16) + struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 1996, 0, 6)  # noqa: E731
    eof = struct.pack("<HH", 0x000A, 0)
    return bof(0x0005) + eof + bof(0x0010) + eof


def encrypted_workbook() -> bytes:
    info = (struct.pack("<HHI", 4, 4, 0x40) + b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption">'
            b'<keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
            b'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" '
            b'saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>')
    package = struct.pack("<Q", 6000) + bytes((n * 37 + 11) % 256 for n in range(6000))
    return ole_bytes({"EncryptionInfo": info, "EncryptedPackage": package})


# ---------------------------------------------------------------- the files
MEMBER_HEADER = ["统一社会信用代码", "单位名称", "单位类型", "所在城市", "联系电话", "加入日期"]


def _valid_code(serial: int) -> str:
    sys.path.insert(0, str(HERE.parent.parent))
    from core import credit_code

    return credit_code.make("91", "370100", f"{serial:08d}")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"\0\xff\x00\x00" * 1, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


def _members_sheet(rows: list[list]) -> bytes:
    return xlsx({"成员单位": sheet_xml([MEMBER_HEADER] + rows)})


def _bomb(forged: bool) -> bytes:
    padding = b" " * (40 * 1024 * 1024)
    sheet = (sheet_xml([MEMBER_HEADER]).replace(b"</worksheet>", b"<!--" + padding + b"--></worksheet>"))
    content = xlsx({"成员单位": sheet})
    if not forged:
        return content
    # Claim 4 KB unpacked in both the local header and the central directory.
    archive = zipfile.ZipFile(io.BytesIO(content))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(content)
    struct.pack_into("<I", data, info.header_offset + 22, 4096)
    position = content.find(b"PK\x01\x02")
    while position != -1:  # every central directory entry; the sheet's gets the forged size
        name_len = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46:position + 46 + name_len]) == info.filename.encode():
            struct.pack_into("<I", data, position + 24, 4096)
        position = content.find(b"PK\x01\x02", position + 46)
    return bytes(data)


def hostile_files() -> dict[str, bytes]:
    good = _members_sheet([[_valid_code(1), "甲公司", "企业", "济南市", "", ""]])
    laughs = "".join(f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">' for n in range(1, 10))
    laughs_dtd = f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{laughs}]>'
    bad_crc = bytearray(good)
    info = zipfile.ZipFile(io.BytesIO(good)).getinfo("xl/worksheets/sheet1.xml")
    bad_crc[info.header_offset + 30 + len(info.filename) + 20] ^= 0xFF
    return {
        "empty.xlsx": b"",
        "text_as_xlsx.xlsx": ",".join(MEMBER_HEADER).encode("utf-8") + "\n91370100,甲公司\n".encode(),
        "png_as_xlsx.xlsx": _png(),
        "docx_as_xlsx.xlsx": zip_bytes({
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "word/document.xml": b'<?xml version="1.0"?><w:document xmlns:w="w"/>'}),
        "legacy.xls": ole_bytes({"Workbook": biff_workbook()}),
        "legacy_renamed.xlsx": ole_bytes({"Workbook": biff_workbook()}),
        "encrypted.xlsx": encrypted_workbook(),
        "macro.xlsm": xlsx({"成员单位": sheet_xml([MEMBER_HEADER])},
                           extra={"xl/vbaProject.bin": ole_bytes({"VBA": b"Attribute VB_Name"})}),
        "macro_renamed.xlsx": xlsx({"成员单位": sheet_xml([MEMBER_HEADER])},
                                   extra={"xl/vbaProject.bin": ole_bytes({"VBA": b"Attribute VB_Name"})}),
        "truncated.xlsx": good[: len(good) // 2],
        "bad_crc.xlsx": bytes(bad_crc),
        "zip_bomb.xlsx": _bomb(forged=False),
        "zip_bomb_forged.xlsx": _bomb(forged=True),
        "rows_declared.xlsx": xlsx({"成员单位": sheet_xml([MEMBER_HEADER], dimension="A1:F900000")}),
        "rows_forged.xlsx": xlsx({"成员单位": sheet_xml(
            [MEMBER_HEADER], dimension="A1:F2",
            extra_rows='<row r="150000"><c r="A150000"><v>1</v></c></row>')}),
        "far_column.xlsx": xlsx({"成员单位": sheet_xml(
            [MEMBER_HEADER], dimension="A1:F2",
            extra_rows='<row r="60000"><c r="XFD60000"><v>1</v></c></row>')}),
        "huge_area.xlsx": xlsx({"成员单位": sheet_xml(
            [MEMBER_HEADER], dimension="A1:F2",
            extra_rows='<row r="90000"><c r="ALL90000"><v>1</v></c></row>')}),
        "billion_laughs.xlsx": xlsx({"成员单位": sheet_xml(
            [MEMBER_HEADER], prolog=laughs_dtd,
            extra_rows='<row r="2"><c r="B2" t="inlineStr"><is><t>&lol9;</t></is></c></row>')}),
        "external_entity.xlsx": xlsx(
            {"成员单位": sheet_xml([MEMBER_HEADER],
                                  extra_rows='<row r="2"><c r="B2" t="s"><v>0</v></c></row>')},
            shared_strings=(b'<?xml version="1.0" encoding="UTF-8"?>'
                            b'<!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
                            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                            b'count="1" uniqueCount="1"><si><t>&xxe;</t></si></sst>')),
        "milestones_for_members.xlsx": xlsx({"里程碑更新": sheet_xml([
            ["里程碑编号", "建设领域", "建设任务", "里程碑", "状态", "完成百分比"],
            [1, "治理", "章程", "修订章程", "进行中", 50]])}),
        "unrelated.xlsx": xlsx({"Sheet1": sheet_xml([["日期", "金额（万元）", "备注"],
                                                     ["2021-05-01", "1,200", "差旅"]])}),
        "header_only.xlsx": _members_sheet([]),
        "members_row_problems.xlsx": _members_sheet([
            [_valid_code(11), "好单位", "企业", "济南市", "", ""],
            [_valid_code(12)[:-1] + ("0" if _valid_code(12)[-1] != "0" else "1"), "校验位错",
             "企业", "济南市", "", ""],
            ["91370100MA3C00000", "少一位", "企业", "济南市", "", ""],
            [_valid_code(11), "重复行", "企业", "济南市", "", ""],
            [_valid_code(13), "类型不明", "外星机构", "济南市", "", ""],
            [_valid_code(14), "城市不明", "企业", "北京市", "", ""],
            [_valid_code(15), "日期不明", "企业", "济南市", "", "去年春天"]]),
        "milestones_unknown.xlsx": xlsx({"里程碑更新": sheet_xml([
            ["里程碑编号", "里程碑", "状态", "完成百分比"],
            [990001, "不存在的里程碑", "进行中", 50], [990002, "也不存在", "已完成", 100]])}),
    }


def real_files() -> dict[str, bytes]:
    """Workbooks as people and office suites really save them; each imports cleanly."""
    guide = sheet_xml([["填表说明"], ["请勿修改表头。"]])
    members = sheet_xml(
        [["2021 年度成员单位名单（LibreOffice 另存）"], [],
         # columns in another order, header text with trailing spaces, units and a note column
         ["单位名称 ", "所在城市", "统一社会信用代码", "单位类型", "联系电话", "加入日期（年月日）", "备注"],
         ["  甲机械有限公司  ", ("=", '"济南"&"市"', "济南市"), _valid_code(21), "企业",
          "０５３１－８８８８８８８８", 44317, ("=", "1000+234", 1234)],
         [],  # a blank row in the middle
         ["乙职业学院", "淄博市", _valid_code(22).lower(), " 学校 ", "", "2021年5月1日", "1,234"],
         ["丙行业协会", "青岛市", _valid_code(23), "行业协会", "0532-1234567", "2020/12/31", ""],
         [], []],
        merges=("A1:G1",))
    return {"members_libreoffice.xlsx": xlsx({"说明": guide, "成员单位": members,
                                              "统计": sheet_xml([["合计", ("=", "COUNTA(A:A)", 3)]])})}


REAL_EXPECTED = {  # what the members import reads from real/members_libreoffice.xlsx
    "甲机械有限公司": {"city": "济南市", "unit_type": "enterprise", "contact_phone": "0531-88888888",
                       "joined_on": "2021-05-01"},
    "乙职业学院": {"city": "淄博市", "unit_type": "school", "contact_phone": "", "joined_on": "2021-05-01"},
    "丙行业协会": {"city": "青岛市", "unit_type": "association", "contact_phone": "0532-1234567",
                   "joined_on": "2020-12-31"},
}


def write(root: Path) -> None:
    for folder, files in (("hostile", hostile_files()), ("real", real_files())):
        target = root / folder
        target.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            (target / name).write_bytes(content)


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
