"""The demo's attachments: tiny, valid Word and PDF files standing in for real documents."""
from __future__ import annotations

import hashlib


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def tiny_docx(title: str) -> bytes:
    """A minimal Word document holding the title (a demo attachment)."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
        'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType='
        '"application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
        'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        + escape(title) + '</w:t></w:r></w:p></w:body></w:document>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in parts.items():  # a fixed time: the same bytes every seeding
            book.writestr(zipfile.ZipInfo(name, date_time=(2021, 1, 1, 0, 0, 0)), text,
                          compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def tiny_pdf(title: str, lines: tuple[str, ...] = ("（演示附件）",)) -> bytes:
    """A one-page PDF whose page reads the title and the lines, in Chinese (WeasyPrint, as the
    annual report: the system's Noto CJK embedded, so every reader and pdftotext sees the text)."""
    import html

    import weasyprint

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            '<style>@page { size: A4; margin: 25mm } body { font-family: "Noto Sans CJK SC", sans-serif }'
            f"</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>")
    return weasyprint.HTML(string=page).write_pdf()


def photo_png(width: int = 640, height: int = 400) -> bytes:
    """A stand-in photo (a meeting room in the group's colours: no people, no text), a real PNG."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (233, 238, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height * 0.18), fill=(11, 77, 140))  # the banner over the stage
    draw.rectangle((width * 0.12, height * 0.55, width * 0.88, height * 0.7), fill=(120, 84, 50))  # the table
    for seat in range(8):
        x = width * (0.16 + 0.095 * seat)
        draw.ellipse((x, height * 0.38, x + width * 0.06, height * 0.38 + width * 0.06), fill=(40, 55, 75))
        draw.rectangle((x - 4, height * 0.47, x + width * 0.06 + 4, height * 0.56), fill=(40, 55, 75))
    draw.rectangle((width * 0.44, height * 0.06, width * 0.56, height * 0.12), fill=(242, 169, 0))  # the logo
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
