"""A notice's Markdown as a Word document for the archive (minutes are kept as a notice; the paper
archive wants a document): the group's name, the title, then the text line by line — headings
as headings, list items as list paragraphs — with Chinese set in an East Asian font."""
from __future__ import annotations

import io
import re

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EAST_ASIAN_FONT = "宋体"  # what Word and WPS on the readers' machines have
_INLINE = re.compile(r"(\*\*|__|`)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")


def plain_line(line: str) -> str:
    """A Markdown line's words without emphasis marks or links' targets."""
    line = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", line)
    return _INLINE.sub("", line).strip()


def markdown_docx(*, title: str, body: str, header: str = "", footer: str = "") -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        style = document.styles[name]
        style.font.name = EAST_ASIAN_FONT
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    document.styles["Normal"].font.size = Pt(12)
    document.core_properties.title = title
    if header:
        document.add_paragraph(header).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(title, level=0).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (body or "").splitlines():
        if not line.strip():
            continue
        if heading := _HEADING.match(line):
            document.add_heading(plain_line(heading.group(2)), level=min(3, len(heading.group(1))))
        elif bullet := _BULLET.match(line):
            document.add_paragraph(plain_line(bullet.group(1)), style="List Bullet")
        else:
            document.add_paragraph(plain_line(line))
    if footer:
        document.add_paragraph(footer).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def file_stem(title: str) -> str:
    """A title fit as a file name on Windows and in a zip."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_")[:120] or "document"
