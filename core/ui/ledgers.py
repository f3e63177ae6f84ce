"""Widgets of the ledger screens, and the ledger figures the indicator pages show: a ledger's
results as a table, one entry in full, the typed entry form, the reconciliation, links to rows."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core import nav
from core.errors import UserFacingError
from core.ledgers import entries, evidence, reconcile
from core.ledgers.kinds import KINDS, Field, Kind
from core.ledgers.values import money_figure, shown
from core.ui.language import lang, show_error, t, when
from core.ui.session import read


def kind_label(code: str) -> str:
    return t(f"ledger_kind.{code}")


def status_label(code: str) -> str:
    return t(f"ledger_status.{code}")


def figure(value) -> str:
    """A count or sum as people read it: 1,234 or 12.5, never 1234.0."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def results_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Query results with headers in the reader's language (what the page shows and exports)."""
    return pd.DataFrame({
        t("ledger.col_no"): frame["id"],
        t("ledger.col_kind"): frame["kind"].map(kind_label),
        t("ledger.col_title"): frame["title"],
        t("ledger.col_unit"): frame["unit"],
        t("ledger.col_year"): frame["year"].astype(str),
        t("ledger.col_partners"): frame["partners"],
        t("ledger.col_quantity"): pd.to_numeric(frame["quantity"], errors="coerce"),
        t("ledger.col_quantity_unit"): frame["quantity_unit"],
        t("ledger.col_amount"): (pd.to_numeric(frame["amount_fen"], errors="coerce") / 1_000_000).round(2),
        t("ledger.col_status"): frame["status"].map(status_label),
    })


def entry_labels(frame: pd.DataFrame) -> dict[int, str]:
    """Entry id -> what a person recognises it by, for the pickers under the tables."""
    return {int(r.id): f"{r.title} · {r.unit} · {r.year} · {kind_label(r.kind)}" for r in frame.itertuples()}


def link_to_rows(label: str, *, kind: str, member_id: int | None = None, year: int | None = None) -> None:
    """A link to the ledger query showing these rows (kind, unit, year in the URL)."""
    params = {"kind": kind, **({"unit": str(member_id)} if member_id else {}), **({"year": str(year)} if year else {})}
    try:
        st.page_link(nav.PAGES_BY_KEY["ledgers"].path, label=label, icon=":material/table_view:",
                     query_params=params)
    except StreamlitPageNotFoundError:  # run outside app.py's navigation
        st.caption(label)


def _value_text(field: Field, stored) -> str:
    value = shown(field, stored, lang())
    if value is None:
        return "—"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return figure(value) + (f" {field.unit(lang())}" if field.unit(lang()) else "")
    return str(value)


def entry_detail(user, entry_id: int, *, key: str) -> dict | None:
    """One entry in full: its fields, partners with their decisions, evidence files."""
    try:
        detail = read(entries.get, user, entry_id)
    except UserFacingError as error:
        show_error(error)
        return None
    entry, spec = detail["entry"], KINDS[detail["entry"].kind]
    st.markdown(f"#### {entry.title}")
    st.caption(f"{kind_label(entry.kind)} · {detail['unit']} · {entry.year} · {status_label(entry.status)}"
               + (f" · {t('ledger.year_is_locked')}" if detail["locked"] else ""))
    rows = [(t("ledger.col_started"), entry.started_on.isoformat() if entry.started_on else "—"),
            (t("ledger.col_ended"), entry.ended_on.isoformat() if entry.ended_on else "—")]
    rows += [(f.label(lang()), _value_text(f, entry.extra.get(f.key))) for f in spec.fields]
    rows.append((t("ledger.col_description"), entry.description or "—"))
    st.dataframe(pd.DataFrame(rows, columns=[t("ledger.col_field"), t("ledger.col_value")]), hide_index=True,
                 width="stretch")
    if detail["partners"]:
        st.dataframe(pd.DataFrame([{
            t("ledger.col_partner"): p.name, t("ledger.col_credit_code"): p.credit_code,
            t("ledger.col_member"): t("common.yes" if p.member_id else "common.no"),
            t("ledger.col_confirmation"): t(f"ledger_confirmation.{p.confirmation}"),
            t("ledger.col_reason"): p.reason, t("ledger.col_decided"): when(p.decided_at) if p.decided_at else ""}
            for p in detail["partners"]]), hide_index=True, width="stretch")
    for file in detail["files"].itertuples():
        st.download_button(t("ledger.file_label", name=file.filename, kb=file.size_bytes // 1024 + 1),
                           lambda file_id=int(file.id): read(evidence.evidence, user, file_id)[2],
                           file_name=file.filename, mime=file.mime_type, key=f"{key}_file_{file.id}",
                           icon=":material/attach_file:")
    return detail


def field_input(field: Field, value, key: str, *, container=st):
    """The widget of one typed field, with its unit in the label; returns the value entered."""
    label = field.label(lang()) + (f"（{field.unit(lang())}）" if field.unit(lang()) else "") \
        + (" *" if field.required else "")
    if field.type == "choice":
        codes = [c.code for c in field.choices]
        return container.selectbox(label, codes, index=codes.index(value) if value in codes else None,
                                   format_func=lambda c: shown(field, c, lang()), key=key,
                                   placeholder=t("ledger.choose"))
    if field.type == "bool":
        return container.checkbox(label, value=bool(value), key=key)
    if field.type == "date":
        return container.date_input(label, value=date.fromisoformat(value) if value else None, key=key,
                                    min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    if field.type == "int":
        return container.number_input(label, value=int(value) if value is not None else None, min_value=0,
                                      step=1, key=key, placeholder="—")
    if field.type in ("number", "money"):
        current = money_figure(value, field) if field.type == "money" else value
        return container.number_input(label, value=float(current) if current is not None else None,
                                      min_value=0.0, step=1.0, format="%.2f", key=key, placeholder="—")
    return container.text_input(label, value=value or "", key=key, max_chars=500)


def entry_form(spec: Kind, *, scope: str, row_id: int, entry=None, partners=(), members: dict[int, str],
               own_unit: int | None, years: list[int]) -> dict:
    """The typed form of an entry (new or existing); returns what the service takes."""
    from core.ui.widgets import field_key

    key = lambda name: field_key(scope, row_id, name)  # noqa: E731
    left, right = st.columns(2)
    if own_unit is None:
        ids = list(members)
        unit = left.selectbox(t("ledger.col_unit") + " *", ids, format_func=members.get, key=key("unit"),
                              index=ids.index(entry.member_id) if entry and entry.member_id in ids else None,
                              placeholder=t("ledger.choose"))
    else:
        unit = own_unit
        left.text_input(t("ledger.col_unit"), members.get(own_unit, ""), disabled=True, key=key("unit_shown"))
    year = right.selectbox(t("ledger.col_year") + " *", years, key=key("year"),
                           index=years.index(entry.year) if entry and entry.year in years else 0)
    title = st.text_input(spec.title.label(lang()) + " *", value=entry.title if entry else "", key=key("title"),
                          max_chars=300)
    member_partners = [p.member_id for p in partners if p.member_id]
    outside = [p for p in partners if not p.member_id]
    chosen = st.multiselect(spec.partner.label(lang()) + t("ledger.partner_members_hint")
                            + (" *" if spec.partner_required else ""),
                            [m for m in members if m != unit], default=[m for m in member_partners if m in members],
                            format_func=members.get, key=key("partners"), placeholder=t("ledger.choose"))
    a, b = st.columns(2)
    outside_name = a.text_input(t("ledger.outside_name"), value="、".join(p.name for p in outside),
                                key=key("outside_name"), help=t("ledger.outside_help"))
    outside_code = b.text_input(t("ledger.outside_code"), value="、".join(p.credit_code for p in outside),
                                key=key("outside_code"))
    c, d = st.columns(2)
    started = c.date_input(t("ledger.col_started"), value=entry.started_on if entry else None, key=key("started"),
                           min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    ended = d.date_input(t("ledger.col_ended"), value=entry.ended_on if entry else None, key=key("ended"),
                         min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
    fields = {}
    columns = st.columns(3)
    for index, field in enumerate(spec.fields):
        fields[field.key] = field_input(field, (entry.extra if entry else {}).get(field.key),
                                        key(f"f_{field.key}"), container=columns[index % 3])
    description = st.text_area(t("ledger.col_description"), value=entry.description if entry else "",
                               key=key("description"), max_chars=4000)
    names = [n.strip() for n in outside_name.replace(";", "、").split("、") if n.strip()]
    codes = [c.strip() for c in outside_code.replace(";", "、").split("、")]
    partner_inputs = [entries.PartnerInput(member_id=m) for m in chosen]
    partner_inputs += [entries.PartnerInput(None, n, codes[i] if i < len(codes) else "") for i, n in enumerate(names)]
    return {"member_id": unit, "year": year, "title": title, "partners": partner_inputs, "started_on": started,
            "ended_on": ended, "fields": fields, "description": description}


def reconciliation_table(frame: pd.DataFrame) -> pd.DataFrame:
    name = "name_zh" if lang() == "zh" else "name_en"
    return pd.DataFrame({
        t("ledger.col_unit"): frame["unit"], t("ledger.col_year"): frame["year"].astype(str),
        t("ledger.col_indicator"): frame["code"] + " " + frame[name],
        t("ledger.col_source"): frame["kind"].map(kind_label),
        t("ledger.col_reported"): frame["reported"], t("ledger.col_ledger"): frame["ledger"],
        t("ledger.col_difference"): frame["difference"], t("ledger.col_difference_pct"): frame["difference_pct"].round(1),
        t("ledger.col_flagged"): frame["flagged"].map(lambda f: "⚠" if f else ""),
    })


def reconciliation_view(user, *, key: str, years: list[int]) -> None:
    """Reported against ledger for every linked indicator, with links to the rows of each finding."""
    left, right = st.columns([1, 2])
    year = left.selectbox(t("ledger.col_year"), years, key=f"{key}_year")
    only = right.toggle(t("ledger.only_flagged"), value=True, key=f"{key}_only")
    frame = read(reconcile.reconciliation, user, year=year, only_flagged=only)
    if frame.empty:
        st.success(t("ledger.reconcile_ok" if only else "ledger.reconcile_none"), icon=":material/check_circle:")
        return
    table = reconciliation_table(frame)
    st.dataframe(table, hide_index=True, width="stretch", placeholder="—")
    from core.ui.widgets import export_table

    export_table(table, t("ledger.reconcile_title"), key=f"{key}_export")
    for row in frame[frame["flagged"]].head(20).itertuples():
        link_to_rows(t("ledger.rows_of", unit=row.unit, year=row.year, kind=kind_label(row.kind)),
                     kind=row.kind, member_id=int(row.member_id), year=int(row.year))


def review_differences(user, *, member_id: int, year: int) -> None:
    """On the review page: reported values that differ from their ledger beyond the tolerance."""
    frame = read(reconcile.differences, user, member_id=member_id, year=year)
    for row in frame.itertuples():
        st.warning(t("ledger.review_flag", code=row.code, reported=figure(row.reported), ledger=figure(row.ledger),
                     kind=kind_label(row.kind), pct=f"{row.tolerance_pct:g}"), icon=":material/table_view:")
        link_to_rows(t("ledger.see_rows"), kind=row.kind, member_id=member_id, year=year)


def ledger_note(figures: dict, indicator_id: int) -> str:
    """On the entry page: the ledger figure beside a reported value (empty when not linked)."""
    found = figures.get(int(indicator_id))
    if not found:
        return ""
    return "  \n" + t("ledger.entry_note", figure=figure(found["ledger"]), kind=kind_label(found["kind"]))
