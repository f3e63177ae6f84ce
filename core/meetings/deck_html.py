"""The meeting mode as one self-contained HTML document: a slide per screen in the logo's colours
(sea blue #0A4D8C, sky blue #3BA7E4, the gold of the sail #F5A623), type sized to the screen so
it reads the same at 1280×720 and 1920×1080, charts drawn as inline SVG (nothing fetched), and
keyboard / clicker navigation (arrows, Page Up/Down, space, Home/End), auto-advance and a counter.

Every text from the database is escaped; there is no user-supplied HTML here.
"""
from __future__ import annotations

from html import escape

from core.i18n import translate
from core.meetings.deck import Deck, Slide

SEA, SKY, GOLD = "#0A4D8C", "#3BA7E4", "#F5A623"
RAG = {"green": "#2E9E5B", "amber": "#F5A623", "red": "#D64541", "none": "#9AA5B1", "no_data": "#9AA5B1"}
INTERVALS = (0, 10, 20, 30, 60)


def _t(lang: str, key: str, **params) -> str:
    return escape(translate(key, lang, **params))


def _js(text: str) -> str:
    """A JavaScript string literal of our own text, safe inside a <script> element."""
    import json

    return json.dumps(text).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _number(value: float | None, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{decimals}f}"


def bars_svg(rows: list[tuple[str, float, str, str]], *, maximum: float, width: int = 1000) -> str:
    """Horizontal bars, each under its label: (label, value, colour, value text), as an SVG
    scaled to its box (labels of any length stay whole)."""
    row_h, track = 78, width - 160
    height = row_h * len(rows)
    parts = [f'<svg viewBox="0 0 {width} {height}" class="chart" preserveAspectRatio="xMinYMin meet">']
    for i, (label, value, colour, text) in enumerate(rows):
        y = i * row_h
        bar = 0 if maximum <= 0 else max(2, track * min(value, maximum) / maximum)
        parts.append(f'<text x="0" y="{y + 24}" class="bar-label">{escape(label[:40])}</text>'
                     f'<rect x="0" y="{y + 34}" width="{track}" height="32" rx="6" fill="#E8F1FA"/>'
                     f'<rect x="0" y="{y + 34}" width="{bar:.1f}" height="32" rx="6" fill="{colour}"/>'
                     f'<text x="{bar + 12:.1f}" y="{y + 60}" class="bar-value">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


STATUS_COLOURS = {"approved": "#2E9E5B", "submitted": SKY, "rejected": "#D64541"}


def chart_rows(s: Slide, lang: str) -> list[tuple[str, float, str, str]]:
    """The slide's bar chart as (label, value, colour, value text) rows: the same bars on the
    projector, in the PowerPoint pack and on the one-page summary."""
    d = s.data
    if s.code == "glance":
        return [(translate(f"member_type.{k}", lang), float(v), SKY, str(v)) for k, v in d["by_type"].items()]
    if s.code == "plan":
        return [(a["label"] if lang == "zh" else a["label_en"], a["progress"], RAG[a["rag"]], f'{a["progress"]:.0f}%')
                for a in d["areas"]]
    if s.code == "reporting" and d.get("expected"):
        return [(translate(f"value_status.{k}", lang) if k != "missing" else translate("slide.missing", lang),
                 float(v), STATUS_COLOURS.get(k, "#9AA5B1"), str(v))
                for k, v in sorted(d["statuses"].items(), key=lambda kv: -kv[1])]
    if s.code == "ledgers":
        return [(k["zh"] if lang == "zh" else k["en"], float(k["count"]), SEA,
                 f'{k["count"]}（{k["count"] - k["last_year"]:+d}）') for k in d["kinds"]]
    if s.code == "indicators":
        return [(k["name_zh"] if lang == "zh" else k["name_en"], min(k["progress"], 150.0), RAG.get(k["rag"], SKY),
                 f'{k["progress"]:.0f}%') for k in d["kpis"] if k["progress"] is not None]
    return []


def _chart(s: Slide, lang: str, maximum: float | None = None) -> str:
    rows = chart_rows(s, lang)
    return bars_svg(rows, maximum=maximum or max([v for _, v, _, _ in rows] or [1]))


def _glance(s: Slide, lang: str) -> str:
    d = s.data
    growth = d["growth"]
    top = max([m for _, m in growth] or [1])
    columns = "".join(f'<div class="col"><div class="col-bar" style="height:{34 * m / top:.1f}vh"></div>'
                      f'<div class="col-value">{m}</div><div class="col-year">{y}</div></div>' for y, m in growth)
    return (f'<div class="big-number"><span>{d["members"]}</span>{_t(lang, "slide.members_unit")}</div>'
            f'<p class="sub">{escape(d["term"] if lang == "zh" else d["term_en"])}</p>'
            f'<div class="two"><div>{_chart(s, lang)}</div>'
            f'<div><h3>{_t(lang, "slide.growth")}</h3><div class="columns">{columns}</div></div></div>')


def _plan(s: Slide, lang: str) -> str:
    d = s.data
    if not d["areas"]:
        return f'<p class="sub">{_t(lang, "slide.no_plan")}</p>'
    o = d["overall"]
    return (f'<p class="sub">{escape(d["plan"] if lang == "zh" else d["plan_en"])}</p>'
            f'<div class="kpi-row"><div class="kpi"><b style="color:{RAG[o["rag"]]}">{o["progress"]:.1f}%</b>'
            f'{_t(lang, "slide.progress")}</div><div class="kpi"><b>{o["expected"]:.1f}%</b>{_t(lang, "slide.expected")}</div>'
            f'<div class="kpi"><b>{o["done"]} / {o["milestones"]}</b>{_t(lang, "slide.milestones_done")}</div>'
            f'<div class="kpi"><b style="color:{RAG["red"] if o["overdue"] else SEA}">{o["overdue"]}</b>'
            f'{_t(lang, "slide.overdue")}</div></div>{_chart(s, lang, 100)}')


def _indicators(s: Slide, lang: str) -> str:
    if not s.data["kpis"]:
        return f'<p class="sub">{_t(lang, "slide.no_data")}</p>'
    cards = []
    for k in s.data["kpis"]:
        change = k["change"]
        if change is not None and k["unit_zh"] == "%":  # a rate moves in points, not in per cent of itself
            change, text = k["value"] - k["last_year"], _t(lang, "slide.points", points=f'{k["value"] - k["last_year"]:+.1f}')
        else:
            text = "" if change is None else f"{change:+.1f}%"
        arrow = "" if change is None else (f'<span class="up">▲ {text}</span>' if change >= 0
                                           else f'<span class="down">▼ {text}</span>')
        target = (_t(lang, "slide.target", target=_number(k["target"], k["decimals"]),
                     progress=f'{k["progress"]:.0f}') if k["target"] is not None and k["progress"] is not None
                  else _t(lang, "slide.no_target"))
        name, unit = (k["name_zh"], k["unit_zh"]) if lang == "zh" else (k["name_en"], k["unit_en"])
        cards.append(f'<div class="card" style="border-top-color:{RAG.get(k["rag"], SKY)}">'
                     f'<div class="card-name">{escape(name)}</div>'
                     f'<div class="card-value">{_number(k["value"], k["decimals"])}<small> {escape(unit)}</small></div>'
                     f'<div class="card-line">{arrow} <span class="muted">{_t(lang, "slide.yoy")}</span></div>'
                     f'<div class="card-line">{target}</div></div>')
    return f'<div class="cards">{"".join(cards)}</div>'


def _reporting(s: Slide, lang: str) -> str:
    d = s.data
    if not d.get("expected"):
        return f'<p class="sub">{_t(lang, "slide.no_data")}</p>'
    last = "" if d["last_rate"] is None else _t(lang, "slide.last_rate", rate=f'{d["last_rate"]:.0f}')
    return (f'<div class="kpi-row"><div class="kpi"><b>{d["reported"]} / {d["expected"]}</b>{_t(lang, "slide.reported")}</div>'
            f'<div class="kpi"><b>{d["rate"]:.0f}%</b>{_t(lang, "slide.rate")}<i>{last}</i></div>'
            f'<div class="kpi"><b>{d["on_time_rate"]:.0f}%</b>{_t(lang, "slide.on_time")}</div>'
            f'<div class="kpi"><b>{d["approved"]}</b>{_t(lang, "slide.approved")}</div></div>'
            f'{_chart(s, lang)}')


def _ledgers(s: Slide, lang: str) -> str:
    d = s.data
    if not d["kinds"]:
        return f'<p class="sub">{_t(lang, "slide.no_data")}</p>'
    return (f'<div class="big-number"><span>{d["total"]}</span>{_t(lang, "slide.entries")}</div>'
            f'{_chart(s, lang)}')


def _actions(s: Slide, lang: str) -> str:
    d = s.data
    if not d["meeting"]:
        return f'<p class="sub">{_t(lang, "slide.no_council")}</p>'
    head = f'<p class="sub">{escape(d["meeting"])} · {escape(d["held"])}</p>'
    if not d["actions"]:
        return head + f'<p class="sub">{_t(lang, "slide.no_actions")}</p>'
    rows = "".join(f'<tr class="{"late" if a["overdue"] else ""}"><td>{escape(a["title"])}</td>'
                   f'<td>{escape(a["owner"])}</td><td>{escape(a["due"]) or "—"}</td>'
                   f'<td>{_t(lang, "actions.overdue") if a["overdue"] else _t(lang, "action_status." + a["status"])}</td></tr>'
                   for a in d["actions"][:8])
    return (head + f'<table><thead><tr><th>{_t(lang, "actions.col_title")}</th><th>{_t(lang, "actions.col_owner")}</th>'
            f'<th>{_t(lang, "actions.col_due")}</th><th>{_t(lang, "actions.col_status")}</th></tr></thead>'
            f'<tbody>{rows}</tbody></table>')


RENDER = {"glance": _glance, "plan": _plan, "indicators": _indicators, "reporting": _reporting,
          "ledgers": _ledgers, "actions": _actions}


def _title(slide: Slide, lang: str, year: int) -> str:
    return _t(lang, f"slide.title_{slide.code}", year=slide.data.get("year", year))


CSS = f"""
*{{box-sizing:border-box}} html,body{{margin:0;height:100%;background:#fff;overflow:hidden;
font-family:"Noto Sans CJK SC","Noto Sans SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;color:#12263A}}
.slide{{display:none;position:absolute;inset:0;padding:0 4vw;flex-direction:column}}
.slide.active{{display:flex}}
header{{display:flex;align-items:center;gap:1.5vw;height:13vh;border-bottom:.6vh solid {SKY};margin:0 -4vw;padding:0 4vw;
background:linear-gradient(90deg,{SEA} 0%,{SEA} 70%,{SKY} 100%);color:#fff}}
header h1{{font-size:clamp(22px,4.4vh,60px);margin:0;font-weight:700;flex:1}}
header .who{{font-size:clamp(12px,2.2vh,28px);opacity:.9;text-align:right}}
.gear{{width:7vh;height:7vh;border-radius:50%;background:linear-gradient({SKY} 52%,{SEA} 52%);border:.5vh solid #fff}}
main{{flex:1;padding:3vh 0 9vh;overflow:hidden}}
.sub{{font-size:clamp(14px,2.8vh,38px);color:#3C5A78;margin:0 0 2vh}}
h3{{font-size:clamp(14px,2.8vh,36px);color:{SEA};margin:0 0 1vh}}
.big-number{{font-size:clamp(14px,3vh,40px);color:{SEA}}} .big-number span{{font-size:clamp(40px,11vh,150px);font-weight:800;margin-right:1vw}}
.two{{display:grid;grid-template-columns:1fr 1fr;gap:3vw}}
.chart{{width:100%;max-height:50vh}} .bar-label{{font-size:26px;fill:#12263A}} .bar-value{{font-size:26px;font-weight:700;fill:{SEA}}}
.columns{{display:flex;align-items:flex-end;gap:1vw;height:44vh;padding-top:2vh}} .col{{flex:1;text-align:center}}
.col-bar{{background:{SKY};border-radius:.6vh .6vh 0 0}} .col-value{{font-size:clamp(12px,2.4vh,32px);font-weight:700;color:{SEA}}}
.col-year{{font-size:clamp(11px,2vh,26px);color:#3C5A78}}
.kpi-row{{display:flex;gap:2vw;margin:0 0 3vh}} .kpi{{flex:1;background:#F2F7FC;border-left:.8vh solid {SKY};padding:1.5vh 1.2vw;font-size:clamp(12px,2.3vh,30px);color:#3C5A78}}
.kpi b{{display:block;font-size:clamp(22px,6vh,80px);color:{SEA}}} .kpi i{{display:block;font-style:normal;font-size:.85em}}
.cards{{display:grid;grid-template-columns:repeat(3,1fr);gap:2.5vh 2vw}}
.card{{background:#F2F7FC;border-top:1.2vh solid {SKY};border-radius:1vh;padding:2vh 1.5vw;min-height:30vh}}
.card-name{{font-size:clamp(14px,3vh,40px);color:#3C5A78}} .card-value{{font-size:clamp(26px,7.5vh,100px);font-weight:800;color:{SEA}}}
.card-value small{{font-size:.35em;font-weight:400}} .card-line{{font-size:clamp(12px,2.4vh,32px);margin-top:.8vh}}
.up{{color:#2E9E5B;font-weight:700}} .down{{color:#D64541;font-weight:700}} .muted{{color:#6B7F94}}
table{{width:100%;border-collapse:collapse;font-size:clamp(13px,2.7vh,36px)}} th{{text-align:left;color:#fff;background:{SEA};padding:1vh 1vw}}
td{{padding:1.1vh 1vw;border-bottom:1px solid #D5E3F0}} tr.late td{{color:#D64541;font-weight:700}}
footer{{height:8vh;display:flex;align-items:center;gap:1vw;border-top:.4vh solid {GOLD};font-size:clamp(12px,2.2vh,28px);color:#3C5A78}}
footer .grow{{flex:1}} button,select{{font:inherit;font-size:clamp(12px,2.2vh,28px);padding:.4vh 1vw;border:1px solid {SKY};border-radius:.6vh;background:#fff;color:{SEA};cursor:pointer}}
#counter{{font-weight:700;color:{SEA};min-width:6vw;text-align:center}}
"""

SCRIPT = """
(function(){
  const slides=[...document.querySelectorAll('.slide')]; let i=0, timer=null;
  const counter=document.getElementById('counter');
  function show(n){ i=(n+slides.length)%slides.length; slides.forEach((s,k)=>s.classList.toggle('active',k===i));
    counter.textContent=(i+1)+' / '+slides.length; document.body.dataset.slide=String(i+1); }
  function key(e){ const k=e.key;
    if(['ArrowRight','ArrowDown','PageDown',' ','Enter'].includes(k)){show(i+1);e.preventDefault();}
    else if(['ArrowLeft','ArrowUp','PageUp','Backspace'].includes(k)){show(i-1);e.preventDefault();}
    else if(k==='Home'){show(0);e.preventDefault();} else if(k==='End'){show(slides.length-1);e.preventDefault();}
    else if(k==='f'||k==='F'){full();} }
  function full(){ const el=document.documentElement; if(!document.fullscreenElement&&el.requestFullscreen){el.requestFullscreen().catch(()=>{});}
    else if(document.exitFullscreen){document.exitFullscreen().catch(()=>{});} }
  document.addEventListener('keydown',key);
  // In Streamlit the deck sits in a frame: keys pressed on the page around it move it too.
  try{ const host=window.parent.document; if(host!==document&&!window.parent.__deckKeys){
    window.parent.__deckKeys=true; host.addEventListener('keydown',e=>{ const f=host.querySelector('iframe');
      if(f&&f.contentWindow&&f.contentWindow.__deckKey){f.contentWindow.__deckKey(e);} }); } }catch(err){}
  window.__deckKey=key;
  document.getElementById('prev').onclick=()=>show(i-1); document.getElementById('next').onclick=()=>show(i+1);
  document.getElementById('full').onclick=full;
  document.getElementById('auto').onchange=(e)=>{ clearInterval(timer); const s=+e.target.value; if(s>0){timer=setInterval(()=>show(i+1),s*1000);} };
  show((parseInt((location.hash||'').slice(1),10)||1)-1); window.focus();
})();
"""


# The page hosting the deck in Streamlit (meeting mode, meeting room screen) is the presentation:
# Streamlit's sidebar, toolbar and margins hidden, the deck's frame taking the whole window.
HOST_CSS = ("<style>[data-testid=stSidebar],[data-testid=stSidebarCollapsedControl],header[data-testid=stHeader],"
            "[data-testid=stToolbar],[data-testid=stDecoration],[data-testid=stHeading]{display:none!important}"
            ".block-container,[data-testid=stMainBlockContainer]{padding:0!important;max-width:100%!important}"
            "[data-testid=stMain] iframe{position:fixed!important;inset:0;height:100vh!important;width:100vw!important;"
            "border:0;z-index:1000;background:#fff}"
            "[data-testid=stAppViewContainer]{overflow:hidden}</style>")

AUTOSTART = "<script>document.getElementById('auto').dispatchEvent(new Event('change'));</script>"


def render(deck: Deck, lang: str, *, autoplay: int = 0, expires: str | None = None) -> str:
    """The whole presentation as one HTML page. For a meeting room's screen: `autoplay` seconds
    per slide from the start, and `expires` (YYYY-MM-DD, China time) after which the page shows
    only that it has expired (checked by the screen's clock: a file handed out cannot be recalled)."""
    group = escape(deck.group_zh if lang == "zh" else (deck.group_en or deck.group_zh))
    who = escape(deck.meeting) or _t(lang, "slide.as_of", date=deck.as_of)
    sections = []
    for slide in deck.slides:
        sections.append(f'<section class="slide" data-code="{slide.code}"><header><div class="gear"></div>'
                        f'<h1>{_title(slide, lang, deck.year)}</h1><div class="who">{group}<br>{who}</div></header>'
                        f'<main>{RENDER[slide.code](slide, lang)}</main></section>')
    options = "".join(f'<option value="{s}"{" selected" if s == autoplay else ""}>'
                      f'{_t(lang, "slide.auto_off") if s == 0 else _t(lang, "slide.auto_every", seconds=s)}</option>'
                      for s in INTERVALS)
    guard = ""
    if expires:  # a date string we made: YYYY-MM-DD
        guard = (f"<script>(function(){{const d=new Date(Date.now()+8*3600e3).toISOString().slice(0,10);"
                 f"if(d>'{escape(expires)}'){{document.body.innerHTML='<p class=\"sub\" style=\"padding:20vh 4vw\">'+"
                 f"{_js(translate('slide.expired', lang, date=expires))}+'</p>';}}}})();</script>")
    controls = (f'<footer id="controls" style="position:absolute;left:4vw;right:4vw;bottom:0">'
                f'<button id="prev" title="←">◀ {_t(lang, "slide.prev")}</button><span id="counter"></span>'
                f'<button id="next" title="→">{_t(lang, "slide.next")} ▶</button><span class="grow"></span>'
                f'<label>{_t(lang, "slide.auto")} <select id="auto">{options}</select></label>'
                f'<button id="full">{_t(lang, "slide.fullscreen")}</button></footer>')
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<title>{_t(lang, "page.meeting_mode")}</title><style>{CSS}</style></head><body tabindex="0">'
            f'{"".join(sections)}{controls}<script>{SCRIPT}</script>{guard}'
            f'{AUTOSTART if autoplay else ""}'
            f'</body></html>')
