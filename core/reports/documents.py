"""The annual report written out: Word (python-docx, for the secretariat to edit before sending)
and PDF (HTML through WeasyPrint with Debian's pango, Noto CJK embedded). Both render the same
blocks of core/reports/annual.py; charts are the platform's altair charts drawn to PNG by
vl-convert with the system's CJK fonts."""
from __future__ import annotations

import html
import io
from functools import lru_cache
from pathlib import Path

from core.reports.annual import Chart, Report, Table, t

ROOT = Path(__file__).resolve().parents[2]
LOGO_SVG = ROOT / "data" / "brand" / "logo.svg"
FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")
CJK_FONT = "Noto Sans CJK SC"
WORD_FONT = "宋体"  # what Word and WPS on the readers' machines have; Noto where they do not
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


@lru_cache(maxsize=1)
def _vl():
    import vl_convert

    for folder in FONT_DIRS:
        if Path(folder).is_dir():
            vl_convert.register_font_directory(folder)
    return vl_convert


def chart_png(chart: Chart) -> bytes:
    return _vl().vegalite_to_png(chart.spec, scale=2)


@lru_cache(maxsize=1)
def logo_png() -> bytes:
    return _vl().svg_to_png(LOGO_SVG.read_text(encoding="utf-8"), scale=2)


# ---------------------------------------------------------------- Word
def _east_asian(run_or_style, name: str = WORD_FONT) -> None:
    from docx.oxml.ns import qn

    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _toc(document) -> None:
    """A table of contents field: Word fills it on opening (F9), WPS too."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    begin, code, separate, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                  OxmlElement("w:fldChar"), OxmlElement("w:fldChar"))
    begin.set(qn("w:fldCharType"), "begin")
    code.set(qn("xml:space"), "preserve")
    code.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate.set(qn("w:fldCharType"), "separate")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate):
        run._r.append(element)
    paragraph.add_run(t("report_annual.toc_hint"))
    paragraph.add_run()._r.append(end)


def _docx_table(document, table: Table) -> None:
    document.add_paragraph(table.caption, style="Caption")
    frame = table.frame
    grid = document.add_table(rows=1, cols=len(frame.columns))
    grid.style = "Light Grid Accent 1"
    for cell, name in zip(grid.rows[0].cells, frame.columns):
        cell.text = str(name)
    for row in frame.itertuples(index=False):
        cells = grid.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = str(value)


def to_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    document = Document()
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption"):
        _east_asian(document.styles[name])
    document.styles["Normal"].font.size = Pt(11)
    document.core_properties.title = report.title
    logo = document.add_paragraph()
    logo.alignment = WD_ALIGN_PARAGRAPH.CENTER
    logo.add_run().add_picture(io.BytesIO(logo_png()), width=Cm(9))
    for _ in range(3):
        document.add_paragraph()
    title = document.add_paragraph(report.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph(report.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(t("report_annual.contents"), level=1)
    _toc(document)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for number, chapter in enumerate(report.chapters, start=1):
        document.add_heading(f"{_numeral(number)}、{chapter.title}", level=1)
        for text in chapter.paragraphs or [t("report_annual.no_text")]:
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(22)
        for block in chapter.blocks:
            if isinstance(block, Table):
                _docx_table(document, block)
            else:
                document.add_paragraph(block.caption, style="Caption")
                document.add_picture(io.BytesIO(chart_png(block)), width=Cm(14))
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    document.add_heading(t("report_annual.annex", year=report.year), level=1)
    for table in report.annex:
        _docx_table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _numeral(number: int) -> str:
    return "一二三四五六七八九十"[number - 1] if 1 <= number <= 10 else str(number)


# ---------------------------------------------------------------- PDF
CSS = """
@page { size: A4; margin: 22mm 20mm; @bottom-center { content: counter(page); font-size: 9pt; color: #666; } }
@page :first { @bottom-center { content: none; } }
body { font-family: "%(font)s", sans-serif; font-size: 11pt; line-height: 1.7; color: #1B2A3A; }
.cover { page-break-after: always; text-align: center; padding-top: 40mm; }
.cover img { width: 110mm; } .cover h1 { font-size: 26pt; color: #0A4D8C; margin-top: 40mm; }
.cover p { font-size: 13pt; }
.toc { page-break-after: always; } .toc a { color: inherit; text-decoration: none; }
.toc li { list-style: none; margin: 4pt 0; } .toc a::after { content: leader('.') target-counter(attr(href), page); }
h2 { color: #0A4D8C; font-size: 16pt; page-break-before: always; border-bottom: 2px solid #3BA7E4; }
h2.first { page-break-before: avoid; }
p.text { text-indent: 2em; margin: 4pt 0; }
table { border-collapse: collapse; width: 100%%; margin: 4pt 0 12pt; font-size: 9.5pt; page-break-inside: auto; }
th { background: #0A4D8C; color: white; padding: 3pt 5pt; text-align: left; }
td { border-bottom: 1px solid #DDE5EE; padding: 3pt 5pt; } tr:nth-child(even) td { background: #EEF6FC; }
.caption { font-weight: bold; color: #0A4D8C; margin-top: 10pt; } img.chart { width: 125mm; }
.figure { page-break-inside: avoid; } p.caption { page-break-after: avoid; }
""" % {"font": CJK_FONT}


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.frame.columns)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                   for row in table.frame.itertuples(index=False))
    return f'<p class="caption">{html.escape(table.caption)}</p><table><thead><tr>{head}</tr></thead>' \
           f"<tbody>{rows}</tbody></table>"


def to_html(report: Report) -> str:
    import base64

    def data_uri(png: bytes) -> str:
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    parts = [f'<section class="cover"><img src="{data_uri(logo_png())}"><h1>{html.escape(report.title)}</h1>'
             f"<p>{html.escape(report.subtitle)}</p></section>",
             f'<section class="toc"><h2 class="first">{html.escape(t("report_annual.contents"))}</h2><ul>']
    titles = [(f"ch{n}", f"{_numeral(n)}、{c.title}") for n, c in enumerate(report.chapters, start=1)]
    titles.append(("annex", t("report_annual.annex", year=report.year)))
    parts += [f'<li><a href="#{anchor}">{html.escape(title)}</a></li>' for anchor, title in titles]
    parts.append("</ul></section>")
    for (anchor, title), chapter in zip(titles, report.chapters):
        parts.append(f'<h2 id="{anchor}">{html.escape(title)}</h2>')
        parts += [f'<p class="text">{html.escape(p)}</p>' for p in chapter.paragraphs or [t("report_annual.no_text")]]
        for block in chapter.blocks:
            if isinstance(block, Table):
                parts.append(_html_table(block))
            else:
                parts.append(f'<div class="figure"><p class="caption">{html.escape(block.caption)}</p>'
                             f'<img class="chart" src="{data_uri(chart_png(block))}"></div>')
    parts.append(f'<h2 id="annex">{html.escape(titles[-1][1])}</h2>')
    parts += [_html_table(table) for table in report.annex]
    return f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(report.title)}' \
           f"</title><style>{CSS}</style></head><body>{''.join(parts)}</body></html>"


def to_pdf(report: Report) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=to_html(report), base_url=str(ROOT)).write_pdf()
