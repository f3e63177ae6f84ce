"""The annual report (年度报告): its chapters, the secretariat's text per chapter and year (with a
starting text written from the figures), and the report's content as blocks that the Word and the
PDF writers (core/reports/documents.py) both render, so the two carry the same figures, which are
the summary's, formatted by core/reports/tables.py."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
from sqlmodel import Session, select

from core import audit, charts
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.db import StaleEditError, update_versioned
from core.errors import ValidationFailed
from core.i18n import translate
from core.models import MemberType
from core.reports import tables
from core.reports.models import ReportText
from core.reports.summary import READERS, YearSummary, year_summary
from core.timeutil import utcnow

TEXT_MAX = 20_000
LANG = "zh"  # the report goes to Chinese authorities and readers
CHAPTERS = ("overview", "talent", "integration", "service", "international", "support", "cases", "outlook")
# Which indicators and ledgers each chapter shows (codes missing from the catalogue are skipped).
CHAPTER_INDICATORS = {
    "talent": ("S01", "S02", "S03", "S04", "S05", "S06", "D01", "D02", "S13"),
    "integration": ("S07", "S08", "E01", "E02", "E03", "E04", "E05", "E06", "E07"),
    "service": ("S09", "S10", "S11", "S12", "G02", "G03"),
}
CHAPTER_LEDGERS = {
    "integration": ("cooperation_project", "order_class", "apprenticeship", "training_base", "teacher_practice",
                    "dual_appointment"),
    "service": ("tech_service", "patent", "training", "competition", "cert_1x", "community"),
    "international": ("international",),
}


def t(key: str, **params) -> str:
    return translate(key, LANG, **params)


# ---------------------------------------------------------------- texts
def _change_words(now, before, unit: str = "") -> str:
    """"，比上年增长 12.0%" (a rate: "，比上年提高 0.8 个百分点"), "" without last year."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return ""
    if unit == "%":
        points = float(now) - float(before)
        if abs(points) < 0.05:
            return t("report_annual.same_as_last")
        return t("report_annual.points_up" if points > 0 else "report_annual.points_down", points=f"{abs(points):.1f}")
    if before == 0:
        return ""
    pct = 100.0 * (float(now) - float(before)) / float(before)
    if abs(pct) < 0.05:
        return t("report_annual.same_as_last")
    return t("report_annual.up" if pct > 0 else "report_annual.down", pct=f"{abs(pct):.1f}")


def starting_text(summary: YearSummary, chapter: str) -> str:
    """A first draft written from the figures, e.g. "全年订单培养人数 2,727 人，比上年增长 1.5%。"."""
    c = summary.counts
    if chapter == "overview":
        return t("report_annual.start_overview", year=summary.year, members=c["members"],
                 schools=c["members_school"], enterprises=c["members_enterprise"], joined=c["joined"],
                 exited=c["exited"], council=c["council_size"], standing=c["standing_council_size"])
    if chapter in CHAPTER_INDICATORS:
        card = summary.indicators.set_index("code")
        parts = []
        for code in CHAPTER_INDICATORS[chapter]:
            if code not in card.index or pd.isna(card.loc[code, "value"]):
                continue
            row = card.loc[code]
            unit = row["unit_zh"] if row["unit_zh"] == "%" else f" {row['unit_zh']}"
            parts.append(t("report_annual.figure", name=row["name_zh"],
                           value=tables.fmt(row["value"], row["decimals"]), unit=unit,
                           change=_change_words(row["value"], row["last_year"], row["unit_zh"])))
        return t("report_annual.start_year", year=summary.year) + "；".join(parts) + "。" if parts else ""
    if chapter == "international":
        row = summary.ledgers.set_index("kind").loc["international"]
        return t("report_annual.start_international", year=summary.year, count=int(row["count"]))
    if chapter == "support":
        plan = summary.plan
        text = t("report_annual.start_support", meetings=summary.meetings.get("held", 0),
                 notices=summary.messages.get("notice", 0),
                 minutes=summary.messages.get("minutes", 0), pct=f"{summary.complete_pct:.1f}")
        if plan:
            text += t("report_annual.start_plan", title=plan["title"], progress=tables.fmt(plan["progress"], 1),
                      done=plan["done"], milestones=plan["milestones"])
        return text
    return ""


@dataclass(frozen=True)
class ChapterText:
    chapter: str
    text: str
    version: int  # 0: not saved yet (the starting text)


def texts(session: Session, current: CurrentUser | None, *, year: int,
          summary: YearSummary | None = None) -> dict[str, ChapterText]:
    """Each chapter's text for the year: the saved one, else the starting text from the figures."""
    require_role(current, *READERS)
    saved = {row.chapter: row for row in session.exec(select(ReportText).where(ReportText.year == year)).all()}
    summary = summary or year_summary(session, current, year=year)
    return {chapter: ChapterText(chapter, saved[chapter].text, saved[chapter].version) if chapter in saved
            else ChapterText(chapter, starting_text(summary, chapter), 0) for chapter in CHAPTERS}


def save_text(session: Session, current: CurrentUser | None, *, year: int, chapter: str, text: str,
              expected_version: int) -> dict:
    require_role(current, *STAFF_ROLES)
    if chapter not in CHAPTERS:
        raise ValidationFailed("report_annual.unknown_chapter")
    text = (text or "").replace("\x00", "").strip()
    if len(text) > TEXT_MAX:
        raise ValidationFailed("report_annual.too_long", max=TEXT_MAX)
    row = session.exec(select(ReportText).where(ReportText.year == year, ReportText.chapter == chapter)).first()
    if row is None:
        if expected_version != 0:
            raise StaleEditError()
        session.add(ReportText(year=year, chapter=chapter, text=text, updated_by=current.id))
        before = None
    elif row.text == text:
        return {}
    else:
        before = {"text": row.text[:200]}
        update_versioned(session, ReportText, row.id, expected_version,
                         {"text": text, "updated_by": current.id, "updated_at": utcnow()})
    audit.record(session, action="report_text_saved", actor_id=current.id, actor_name=current.username,
                 entity="report_text", entity_id=f"{year}/{chapter}", before=before, after={"text": text[:200]})
    return {"text": text}


# ---------------------------------------------------------------- content
@dataclass
class Table:
    caption: str
    frame: pd.DataFrame


@dataclass
class Chart:
    caption: str
    spec: dict  # Vega-Lite, rendered to PNG by the writers


@dataclass
class Chapter:
    key: str
    title: str
    paragraphs: list[str]
    blocks: list = field(default_factory=list)


@dataclass
class Report:
    year: int
    title: str
    subtitle: str
    chapters: list[Chapter]
    annex: list[Table]
    figures: dict  # the summary's figures, for tests and checks


def _indicator_table(summary: YearSummary, codes) -> pd.DataFrame:
    card = summary.indicators[summary.indicators["code"].isin(codes)] if codes else summary.indicators
    return tables.indicators(card, LANG, t)


def _ledger_table(summary: YearSummary, kinds) -> pd.DataFrame:
    return tables.ledgers(summary.ledgers[summary.ledgers["kind"].isin(kinds)], LANG, t)


def _members_chart(summary: YearSummary) -> Chart:
    frame = pd.DataFrame([{"type": t(f"member_type.{kind}"), "count": summary.counts[f"members_{kind}"]}
                          for kind in MemberType])
    chart = charts.bar_counts(frame, category="type", value="count", category_title=t("report_summary.col_type"),
                              value_title=t("report_annual.units"), height=220)
    return Chart(t("report_annual.chart_members", year=summary.year), chart.to_dict())


def _ledger_chart(summary: YearSummary, kinds) -> Chart:
    frame = tables.ledgers(summary.ledgers[summary.ledgers["kind"].isin(kinds)], LANG, t)
    data = pd.DataFrame({"kind": frame[t("report_summary.col_kind")], "count": frame[t("report_summary.col_count")]})
    chart = charts.bar_counts(data, category="kind", value="count", category_title=t("report_summary.col_kind"),
                              value_title=t("report_summary.col_count"), height=200)
    return Chart(t("report_annual.chart_ledgers", year=summary.year), chart.to_dict())


def build(session: Session, current: CurrentUser | None, *, year: int) -> Report:
    """The year's report: chapters with the secretariat's text, the summary's tables and charts."""
    require_role(current, *READERS)
    summary = year_summary(session, current, year=year)
    chapter_texts = texts(session, current, year=year, summary=summary)
    name = summary.profile.get("name") or t("report_annual.group")
    chapters = []
    for key in CHAPTERS:
        paragraphs = [p.strip() for p in chapter_texts[key].text.split("\n") if p.strip()]
        chapter = Chapter(key, t(f"report_annual.ch_{key}"), paragraphs)
        if key == "overview":
            chapter.blocks += [Table(t("report_summary.sec_members"), tables.member_structure(summary, t)),
                               _members_chart(summary),
                               Table(t("report_summary.sec_council"), tables.council(summary, t))]
        if key in CHAPTER_INDICATORS:
            chapter.blocks.append(Table(t("report_annual.table_indicators", chapter=chapter.title),
                                        _indicator_table(summary, CHAPTER_INDICATORS[key])))
        if key in CHAPTER_LEDGERS:
            chapter.blocks.append(Table(t("report_annual.table_ledgers", chapter=chapter.title),
                                        _ledger_table(summary, CHAPTER_LEDGERS[key])))
            if len(CHAPTER_LEDGERS[key]) > 1:
                chapter.blocks.append(_ledger_chart(summary, CHAPTER_LEDGERS[key]))
        chapters.append(chapter)
    annex = [Table(t("report_summary.sec_profile"), tables.profile(summary.profile, t)),
             Table(t("report_summary.sec_indicators"), _indicator_table(summary, ())),
             Table(t("report_summary.sec_ledgers"), tables.ledgers(summary.ledgers, LANG, t))]
    return Report(year=year, title=t("report_annual.title", name=name, year=year),
                  subtitle=t("report_annual.subtitle", lead=summary.lead_unit or name,
                             complete=f"{summary.complete_pct:.1f}"),
                  chapters=chapters, annex=annex, figures=summary.figures)
