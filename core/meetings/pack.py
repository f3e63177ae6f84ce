"""The briefing pack, for leaders who read on paper: the meeting mode's slides as a PowerPoint
file (python-pptx; each chart drawn as a picture) and a one-page PDF summary (WeasyPrint).
Both are made from the same Deck as the projector, so the three never disagree."""
from __future__ import annotations

import io
from html import escape
from pathlib import Path

from core.i18n import translate
from core.meetings.briefing_files import logo_png
from core.meetings.deck import Deck, Slide
from core.meetings.deck_html import GOLD, SEA, SKY, bars_svg, chart_rows

FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc")
CJK_FACE = "Noto Sans CJK SC"


def _font(size: int):
    """Noto Sans CJK (its Simplified Chinese face) for the charts' labels; PIL's own without it."""
    from PIL import ImageFont

    for path in FONT_FILES:
        if Path(path).exists():
            for index in range(10):  # the collection holds JP, KR, SC, TC, HK faces
                font = ImageFont.truetype(path, size, index=index)
                if "SC" in " ".join(font.getname()):
                    return font
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def chart_png(rows: list[tuple[str, float, str, str]], *, maximum: float | None = None,
              width: int = 1600) -> bytes:
    """Horizontal bars, each under its label, as a PNG (the SVG of the projector, drawn by PIL)."""
    from PIL import Image, ImageDraw

    row_h, track = 110, width - 260
    image = Image.new("RGB", (width, max(1, len(rows)) * row_h + 10), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font = _font(38), _font(40)
    top = maximum or max([v for _, v, _, _ in rows] or [1]) or 1
    for i, (label, value, colour, text) in enumerate(rows):
        y = i * row_h
        bar = max(4, track * min(value, top) / top)
        draw.text((0, y), label[:40], font=label_font, fill="#12263A")
        draw.rounded_rectangle([0, y + 52, track, y + 96], radius=10, fill="#E8F1FA")
        draw.rounded_rectangle([0, y + 52, bar, y + 96], radius=10, fill=colour)
        draw.text((bar + 18, y + 50), text, font=value_font, fill=SEA)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _lines(slide: Slide, lang: str) -> list[str]:
    """The slide's headline figures as sentences, beside its chart."""
    d, t = slide.data, lambda key, **p: translate(key, lang, **p)
    if slide.code == "glance":
        return [f'{d["members"]} {t("slide.members_unit")}', d["term"] if lang == "zh" else d["term_en"],
                *(f"{year}: {count}" for year, count in d["growth"][-3:])]
    if slide.code == "plan" and d["overall"]:
        o = d["overall"]
        return [d["plan"] if lang == "zh" else d["plan_en"], f'{t("slide.progress")} {o["progress"]:.1f}%', f'{t("slide.expected")} {o["expected"]:.1f}%',
                f'{t("slide.milestones_done")} {o["done"]} / {o["milestones"]}', f'{t("slide.overdue")} {o["overdue"]}']
    if slide.code == "indicators":
        return [_kpi_line(k, lang) for k in d["kpis"]]
    if slide.code == "reporting" and d.get("expected"):
        return [f'{t("slide.reported")} {d["reported"]} / {d["expected"]}', f'{t("slide.rate")} {d["rate"]:.0f}%',
                f'{t("slide.on_time")} {d["on_time_rate"]:.0f}%', f'{t("slide.approved")} {d["approved"]}']
    if slide.code == "ledgers":
        return [f'{d["total"]} {t("slide.entries")}']
    if slide.code == "actions":
        head = [f'{d["meeting"]} · {d["held"]}'] if d["meeting"] else [t("slide.no_council")]
        return head + [f'{"⚠ " if a["overdue"] else ""}{a["title"]} — {a["owner"]} — {a["due"] or "—"}'
                       for a in d["actions"][:8]]
    return [t("slide.no_data")]


def _kpi_line(k: dict, lang: str) -> str:
    value = "—" if k["value"] is None else format(k["value"], ",." + str(k["decimals"]) + "f")
    name, unit = (k["name_zh"], k["unit_zh"]) if lang == "zh" else (k["name_en"], k["unit_en"])
    if k["change"] is None:
        change = ""
    elif k["unit_zh"] == "%":  # a rate moves in points
        points = format(k["value"] - k["last_year"], "+.1f")
        change = f' ({translate("slide.points", lang, points=points)} {translate("slide.yoy", lang)})'
    else:
        change = f' ({k["change"]:+.1f}% {translate("slide.yoy", lang)})'
    return f"{name}: {value} {unit}{change}"


def _title(slide: Slide, deck: Deck, lang: str) -> str:
    return translate(f"slide.title_{slide.code}", lang, year=slide.data.get("year", deck.year))


def to_pptx(deck: Deck, lang: str) -> bytes:
    """One 16:9 slide per deck slide: a sea-blue title band with the logo, the figures as text and
    the chart as a picture."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.util import Emu, Inches, Pt

    show = Presentation()
    show.slide_width, show.slide_height = Inches(13.333), Inches(7.5)
    logo = logo_png(240)
    group = deck.group_zh if lang == "zh" else (deck.group_en or deck.group_zh)
    for slide in deck.slides:
        page = show.slides.add_slide(show.slide_layouts[6])  # blank
        band = page.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, show.slide_width, Inches(1.1))
        band.fill.solid()
        band.fill.fore_color.rgb = RGBColor.from_string(SEA[1:])
        band.line.fill.background()
        page.shapes.add_picture(io.BytesIO(logo), Inches(0.3), Inches(0.12), height=Inches(0.86))
        title = page.shapes.add_textbox(Inches(1.35), Inches(0.15), Inches(8.5), Inches(0.8)).text_frame
        title.text = _title(slide, deck, lang)
        run = title.paragraphs[0].runs[0]
        run.font.size, run.font.bold, run.font.name = Pt(30), True, CJK_FACE
        run.font.color.rgb = RGBColor(255, 255, 255)
        who = page.shapes.add_textbox(Inches(9.2), Inches(0.25), Inches(3.9), Inches(0.7)).text_frame
        who.text = f"{group}\n{deck.meeting or translate('slide.as_of', lang, date=deck.as_of)}"
        for paragraph in who.paragraphs:
            for r in paragraph.runs:
                r.font.size, r.font.name, r.font.color.rgb = Pt(12), CJK_FACE, RGBColor(255, 255, 255)
        rows = chart_rows(slide, lang)
        text_width = Inches(4.6) if rows else Inches(12.3)
        body = page.shapes.add_textbox(Inches(0.5), Inches(1.4), text_width, Inches(5.6)).text_frame
        body.word_wrap = True
        for n, line in enumerate(_lines(slide, lang)):
            paragraph = body.paragraphs[0] if n == 0 else body.add_paragraph()
            paragraph.text = line
            for r in paragraph.runs:
                r.font.size, r.font.name = Pt(22 if n == 0 else 16), CJK_FACE
                r.font.color.rgb = RGBColor.from_string((SEA if n == 0 else "12263A").lstrip("#"))
        if rows:
            picture = chart_png(rows, maximum=100 if slide.code == "plan" else None)
            shape = page.shapes.add_picture(io.BytesIO(picture), Inches(5.4), Inches(1.4), width=Inches(7.5))
            if shape.height > Inches(5.7):  # many bars: fit the height instead
                ratio = Inches(5.7) / shape.height
                shape.height, shape.width = Emu(int(shape.height * ratio)), Emu(int(shape.width * ratio))
        rule = page.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(0.5), Inches(7.15), Inches(12.3), Emu(38100))
        rule.fill.solid()
        rule.fill.fore_color.rgb = RGBColor.from_string(GOLD[1:])
        rule.line.fill.background()
    out = io.BytesIO()
    show.save(out)
    return out.getvalue()


def summary_html(deck: Deck, lang: str) -> str:
    """The whole deck on one A4 landscape page: each slide a box with its figures and bars."""
    boxes = []
    for slide in deck.slides:
        rows = chart_rows(slide, lang)[:6]
        chart = bars_svg(rows, maximum=100 if slide.code == "plan" else max([v for _, v, _, _ in rows] or [1])) if rows else ""
        lines = "".join(f"<li>{escape(line)}</li>" for line in _lines(slide, lang)[:7])
        boxes.append(f"<section><h2>{escape(_title(slide, deck, lang))}</h2><ul>{lines}</ul>{chart}</section>")
    logo = io.BytesIO(logo_png(160)).getvalue()
    import base64

    group = deck.group_zh if lang == "zh" else (deck.group_en or deck.group_zh)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
            f"@page{{size:A4 landscape;margin:9mm}} body{{font-family:'{CJK_FACE}',sans-serif;color:#12263A;font-size:7.5pt;margin:0}}"
            f"header{{display:flex;align-items:center;gap:4mm;background:{SEA};color:#fff;padding:2mm 4mm}}"
            f"header img{{height:11mm}} header b{{font-size:14pt;flex:1}} header span{{font-size:8pt}}"
            f".grid{{display:grid;grid-template-columns:repeat(3,1fr);gap:3mm;margin-top:3mm}}"
            f"section{{border-top:1.2mm solid {SKY};background:#F2F7FC;padding:2mm 3mm;height:72mm;overflow:hidden}}"
            f"h2{{font-size:10pt;color:{SEA};margin:0 0 1mm}} ul{{margin:0 0 1mm;padding-left:4mm}}"
            f"svg{{width:100%;max-height:40mm}} .bar-label{{font-size:34px}} .bar-value{{font-size:34px;font-weight:700;fill:{SEA}}}"
            f"footer{{border-top:0.6mm solid {GOLD};margin-top:2mm;font-size:7pt;color:#3C5A78}}</style></head><body>"
            f'<header><img src="data:image/png;base64,{base64.b64encode(logo).decode()}"><b>{escape(group)}</b>'
            f"<span>{escape(deck.meeting or translate('slide.as_of', lang, date=deck.as_of))}</span></header>"
            f'<div class="grid">{"".join(boxes)}</div><footer>{escape(translate("slide.as_of", lang, date=deck.as_of))}</footer>'
            f"</body></html>")


def summary_pdf(deck: Deck, lang: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=summary_html(deck, lang)).write_pdf()
