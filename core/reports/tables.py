"""The summary's tables as people read them (labels in their language, money in 万元, figures
rounded as the catalogue says): the page, the Word and the PDF report all show these, so a
figure reads the same wherever it appears. `t` is the caller's translate function."""
from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from core import numbers
from core.ledgers.kinds import KINDS
from core.models import MemberType
from core.reports.profile import FIELDS

Translate = Callable[..., str]
FEN_PER_WAN = 1_000_000


def fmt(value, decimals: int = 0) -> str:
    """A figure as everywhere else in the platform (core.numbers): thousands separated, the
    indicator's decimals, — for none."""
    return value if isinstance(value, str) and value else numbers.text(value, decimals)


def wan(fen) -> float:
    return round((fen or 0) / FEN_PER_WAN, 2)


def change(now, before, unit: str = "", t: Translate | None = None) -> str:
    """"+12.0%" against last year (a rate in percent: "+0.8 个百分点"), "—" without last year."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return numbers.DASH
    if unit == "%" and t is not None:
        return t("report_summary.points", value=f"{float(now) - float(before):+.1f}")
    if before == 0:
        return numbers.DASH
    return f"{100.0 * (float(now) - float(before)) / float(before):+.1f}%"


def member_structure(summary, t: Translate) -> pd.DataFrame:
    rows = [(t("report_summary.members_total"), summary.counts["members"], summary.last_counts["members"])]
    rows += [(t(f"member_type.{kind}"), summary.counts[f"members_{kind}"], summary.last_counts[f"members_{kind}"])
             for kind in MemberType]
    rows += [(t(f"report_summary.{key}"), summary.counts[key], summary.last_counts[key])
             for key in ("joined", "exited", "suspended")]
    return pd.DataFrame([{t("report_summary.col_item"): name, t("report_summary.col_this_year"): now,
                          t("report_summary.col_last_year"): before, t("report_summary.col_change"): now - before}
                         for name, now, before in rows])


def council(summary, t: Translate) -> pd.DataFrame:
    rows = [(t(f"report_summary.{key}"), str(summary.counts[key]))
            for key in ("council_term", "council_size", "standing_council_size", "committees", "office_staff")]
    return pd.DataFrame(rows, columns=[t("report_summary.col_item"), t("report_summary.col_value")])


def indicators(card: pd.DataFrame, lang: str, t: Translate) -> pd.DataFrame:
    name, unit = ("name_zh", "unit_zh") if lang == "zh" else ("name_en", "unit_en")
    return pd.DataFrame({
        t("report_summary.col_indicator"): card["code"] + " " + card[name],
        t("report_summary.col_unit"): card[unit],
        t("report_summary.col_value"): [fmt(v, d) for v, d in zip(card["value"], card["decimals"])],
        t("report_summary.col_target"): [fmt(v, d) for v, d in zip(card["target"], card["decimals"])],
        t("report_summary.col_last_year"): [fmt(v, d) for v, d in zip(card["last_year"], card["decimals"])],
        t("report_summary.col_change"): [change(v, b, u, t) for v, b, u in
                                         zip(card["value"], card["last_year"], card["unit_zh"])]})


def ledgers(frame: pd.DataFrame, lang: str, t: Translate) -> pd.DataFrame:
    return pd.DataFrame({
        t("report_summary.col_kind"): frame["kind"].map(lambda k: KINDS[k].label(lang)),
        t("report_summary.col_count"): frame["count"],
        t("report_summary.col_last_year"): frame["last_count"],
        t("report_summary.col_quantity"): [fmt(q) for q in frame["quantity"]],
        t("report_summary.col_amount"): [fmt(wan(a), 2) for a in frame["amount_fen"]]})


def profile(values: dict, t: Translate) -> pd.DataFrame:
    rows = []
    for field in FIELDS:
        value = values.get(field.key, "")
        if field.kind == "choice" and value:
            value = t(f"report_profile.c_{field.key}_{value}")
        rows.append((t(field.label_key), value or "—"))
    return pd.DataFrame(rows, columns=[t("report_summary.col_item"), t("report_summary.col_value")])


def report_status(t: Translate) -> Callable[[str], str]:
    return lambda status: t(f"indicator_completeness.status_{status}")


def unit_values(frame: pd.DataFrame, lang: str, t: Translate) -> pd.DataFrame:
    name, unit = ("name_zh", "unit_zh") if lang == "zh" else ("name_en", "unit_en")
    return pd.DataFrame({
        t("report_summary.col_indicator"): frame["code"] + " " + frame[name],
        t("report_summary.col_unit"): frame[unit],
        t("report_summary.col_value"): [fmt(v, 1) for v in frame["value"]],
        t("report_summary.col_group_total"): [fmt(v, 1) for v in frame["group_total"]],
        t("report_summary.col_share"): [fmt(v, 1) for v in frame["share"]]})


def unit_ledgers(frame: pd.DataFrame, lang: str, t: Translate) -> pd.DataFrame:
    return pd.DataFrame({
        t("report_summary.col_kind"): frame["kind"].map(lambda k: KINDS[k].label(lang)),
        t("report_summary.col_count"): frame["count"],
        t("report_summary.col_quantity"): [fmt(q) for q in frame["quantity"]],
        t("report_summary.col_amount"): [fmt(wan(a), 2) for a in frame["amount_fen"]]})


def cell_text(value) -> str:
    """A platform cell on screen: text as it is, a figure with the decimals it has, — for none."""
    if isinstance(value, str):
        return value or numbers.DASH
    return numbers.text(value, numbers.decimals_needed([value], 4))
