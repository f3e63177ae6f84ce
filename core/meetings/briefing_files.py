"""A briefing issue as files: Word (python-docx) and PDF (WeasyPrint with Debian's pango), in the
group's colours with its logo and the issue's photos, Chinese set in a CJK font (embedded in the
PDF)."""
from __future__ import annotations

import base64
import io
from html import escape

from sqlmodel import Session

from core.auth import CurrentUser
from core.config import ROOT
from core.i18n import DEFAULT_LANGUAGE, translate
from core.meetings.briefings import briefing, photos
from core.settings import get_setting

SEA, SKY, GOLD = "0A4D8C", "3BA7E4", "F5A623"
LOGO_SVG = ROOT / "data" / "brand" / "logo.svg"
CJK_FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", sans-serif'


def _gear_points(scale: float) -> list[tuple[float, float]]:
    """The logo's gear outline (the first path of logo.svg), scaled."""
    import re

    path = re.search(r'<path d="(M[^"]+Z)"', LOGO_SVG.read_text(encoding="utf-8")).group(1)
    return [(float(x) * scale, float(y) * scale) for x, y in re.findall(r"([\d.]+),([\d.]+)", path)]


def logo_png(size: int = 240) -> bytes:
    """The logo's mark as a PNG (Word cannot place an SVG): the gear sky blue above and sea blue
    below, the white disc, the two embracing arcs and the rising sun."""
    from PIL import Image, ImageDraw

    s = size / 100
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    top, bottom = Image.new("L", (size, size), 0), Image.new("L", (size, size), 0)
    ImageDraw.Draw(top).polygon(_gear_points(s), fill=255)
    bottom.paste(top)
    ImageDraw.Draw(top).rectangle([0, 52 * s, size, size], fill=0)
    ImageDraw.Draw(bottom).rectangle([0, 0, size, 52 * s], fill=0)
    image.paste((0x3B, 0xA7, 0xE4, 255), mask=top)
    image.paste((0x0A, 0x4D, 0x8C, 255), mask=bottom)
    draw = ImageDraw.Draw(image)
    draw.ellipse([21 * s, 21 * s, 79 * s, 79 * s], fill="white")
    draw.arc([27 * s, 27 * s, 73 * s, 73 * s], 150, 300, fill="#3BA7E4", width=max(2, int(6 * s)))
    draw.arc([27 * s, 27 * s, 73 * s, 73 * s], 330, 120, fill="#0A4D8C", width=max(2, int(6 * s)))
    draw.pieslice([38 * s, 43 * s, 62 * s, 67 * s], 180, 360, fill="#F5A623")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _mime(content: bytes) -> str:
    return "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"


def _group(session: Session, lang: str) -> str:
    return str(get_setting(session, "group_name_zh" if lang == "zh" else "group_name_en") or "")


def to_docx(session: Session, current: CurrentUser | None, briefing_id: int, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The issue as a Word document: masthead with logo, period, numbered items, photos."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    row = briefing(session, current, briefing_id)
    document = Document()
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        font = document.styles[style].font
        font.name = "Microsoft YaHei"
        document.styles[style].element.rPr.rFonts.set(qn("w:eastAsia"), "Microsoft YaHei")
    document.styles["Normal"].font.size = Pt(11)
    masthead = document.add_paragraph()
    masthead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    masthead.add_run().add_picture(io.BytesIO(logo_png()), width=Cm(2.2))
    name = masthead.add_run("  " + _group(session, lang))
    name.font.size, name.font.bold, name.font.color.rgb = Pt(16), True, RGBColor.from_string(SEA)
    title = document.add_heading(row.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for run in title.runs:
        run.font.color.rgb = RGBColor.from_string(SEA)
    period = document.add_paragraph(translate("briefings.period", lang, start=row.period_start.isoformat(),
                                              end=row.period_end.isoformat()))
    period.alignment = WD_ALIGN_PARAGRAPH.CENTER
    period.runs[0].font.color.rgb = RGBColor.from_string(GOLD)
    for n, item in enumerate(row.items or [], start=1):
        heading = document.add_heading(f"{n}. {item['title']}", level=2)
        for run in heading.runs:
            run.font.color.rgb = RGBColor.from_string(SEA)
        if item["body"]:
            document.add_paragraph(item["body"])
    pictures = photos(session, current, briefing_id)
    if pictures:
        document.add_heading(translate("briefings.photos", lang), level=2)
        for filename, content in pictures:
            document.add_picture(io.BytesIO(content), width=Cm(14))
            document.add_paragraph(filename).alignment = WD_ALIGN_PARAGRAPH.CENTER
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_html(session: Session, current: CurrentUser | None, briefing_id: int, *, lang: str = DEFAULT_LANGUAGE) -> str:
    """The issue as the HTML page the PDF is printed from (A4, logo, colours, photos inline)."""
    row = briefing(session, current, briefing_id)
    logo = base64.b64encode(LOGO_SVG.read_bytes()).decode()
    items = "".join(f"<h2>{n}. {escape(i['title'])}</h2><p>{escape(i['body'])}</p>"
                    for n, i in enumerate(row.items or [], start=1))
    pictures = "".join(f'<figure><img src="data:{_mime(c)};base64,{base64.b64encode(c).decode()}">'
                       f"<figcaption>{escape(name)}</figcaption></figure>"
                       for name, c in photos(session, current, briefing_id))
    if pictures:
        pictures = f"<h2>{escape(translate('briefings.photos', lang))}</h2>{pictures}"
    period = translate("briefings.period", lang, start=row.period_start.isoformat(), end=row.period_end.isoformat())
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8"><style>'
            f"@page{{size:A4;margin:18mm 18mm 20mm;@bottom-center{{content:counter(page);color:#{SEA};font-size:9pt}}}}"
            f"body{{font-family:{CJK_FONTS};color:#12263A;font-size:11pt;line-height:1.6}}"
            f".mast{{display:flex;align-items:center;gap:6mm;border-bottom:2.5pt solid #{SEA};padding-bottom:3mm}}"
            f".mast img{{height:16mm}} h1{{color:#{SEA};text-align:center;font-size:22pt;margin:6mm 0 1mm}}"
            f".period{{text-align:center;color:#{GOLD};font-weight:700;border-bottom:1pt solid #{GOLD};padding-bottom:3mm}}"
            f"h2{{color:#{SEA};font-size:13pt;border-left:4pt solid #{SKY};padding-left:3mm;margin:6mm 0 2mm}}"
            f"figure{{margin:4mm 0;text-align:center;page-break-inside:avoid}} img{{max-width:100%;max-height:110mm}}"
            f"figcaption{{font-size:9pt;color:#3C5A78}}</style></head><body>"
            f'<div class="mast"><img src="data:image/svg+xml;base64,{logo}"><b style="color:#{SEA};font-size:14pt">'
            f"{escape(_group(session, lang))}</b></div><h1>{escape(row.title)}</h1>"
            f'<div class="period">{escape(period)}</div>{items}{pictures}</body></html>')


def to_pdf(session: Session, current: CurrentUser | None, briefing_id: int, *, lang: str = DEFAULT_LANGUAGE) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(session, current, briefing_id, lang=lang), base_url=str(ROOT)).write_pdf()
