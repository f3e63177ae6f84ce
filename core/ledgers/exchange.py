"""Ledgers as Excel: a template per kind and the export of any query's results, in the same
layout, so an export imports back unchanged (core/ledgers/ledger_import.py reads both)."""
from __future__ import annotations

from sqlmodel import Session, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.excel.writer import Column, Sheet, write_workbook
from core.i18n import translate
from core.ledgers import query
from core.ledgers.kinds import COMMON, KINDS, Field, Kind, kind as kind_of
from core.ledgers.values import shown
from core.models import LedgerEntry, MemberStatus, MemberUnit, Role

TYPE_KIND = {"int": "int", "number": "number", "money": "number", "date": "date"}


def common_header(key: str, lang: str) -> str:
    zh, en, _ = COMMON[key]
    return zh if lang == "zh" else en


def aliases(kind: Kind) -> dict[str, list[str]]:
    """Column key -> every header accepted for it (both languages, with or without the unit,
    and the synonyms real ledgers use)."""
    found = {key: [zh, en, *synonyms] for key, (zh, en, synonyms) in COMMON.items()}
    for key, field in (("title", kind.title), ("partner", kind.partner)):
        found[key] = [field.zh, field.en, *field.synonyms]
    for field in kind.fields:
        found[f"f_{field.key}"] = [field.zh, field.en, field.header("zh"), field.header("en"), *field.synonyms]
    return found


def columns(kind: Kind, lang: str, units: list[str], *, export: bool = False) -> list[Column]:
    """The sheet's columns: the common ones, the kind's fields (units in the header, drop-downs
    for choices and member names), and for exports the entry number and its status."""
    head = lambda key: common_header(key, lang)
    cols = [Column("id", head("id"), "id", 10)] if export else []
    cols += [Column("unit", head("unit") + " *", width=30, choices=tuple(units)),
             Column("unit_code", head("unit_code"), width=22),
             Column("year", head("year") + " *", "id", 8),
             Column("title", kind.title.label(lang) + " *", width=30),
             Column("partner", kind.partner.label(lang) + (" *" if kind.partner_required else ""), width=30),
             Column("partner_code", head("partner_code"), width=22),
             Column("started_on", head("started_on"), "date", 12),
             Column("ended_on", head("ended_on"), "date", 12)]
    for field in kind.fields:
        labels = tuple(c.zh if lang == "zh" else c.en for c in field.choices)
        if field.type == "bool":
            labels = ("是", "否") if lang == "zh" else ("yes", "no")
        cols.append(Column(f"f_{field.key}", field.header(lang) + (" *" if field.required else ""),
                           TYPE_KIND.get(field.type, "text"), field.width, labels))
    cols.append(Column("description", head("description"), width=40))
    if export:
        cols += [Column("status", translate("ledger.col_status", lang), width=10),
                 Column("confirmations", translate("ledger.col_confirmations", lang), width=30)]
    return cols


def _unit_names(session: Session) -> list[str]:
    return list(session.exec(select(MemberUnit.name).where(MemberUnit.status != MemberStatus.EXITED)
                             .order_by(MemberUnit.name)).all())


def _notes(kind: Kind, lang: str) -> list[str]:
    t = lambda key, **params: translate(key, lang, **params)
    notes = [t(f"ledger.template_note{n}") for n in range(1, 7)]
    notes.append("")
    notes.append(t("ledger.template_fields"))
    for field in (kind.title, kind.partner, *kind.fields):
        detail = [field.label(lang)]
        if field.unit(lang):
            detail.append(t("ledger.template_unit", unit=field.unit(lang)))
        if field.required or (field is kind.partner and kind.partner_required):
            detail.append(t("ledger.template_required"))
        if field.choices:
            detail.append(" / ".join(c.zh if lang == "zh" else c.en for c in field.choices))
        if field.synonyms:
            detail.append(t("ledger.template_synonyms", names="、".join(field.synonyms)))
        notes.append(" · ".join(detail))
    return notes


def template(session: Session, current: CurrentUser, *, kind: str, lang: str = "zh") -> bytes:
    """An empty workbook for one kind: an instructions sheet and the kind's sheet."""
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    spec = kind_of(kind)
    units = _unit_names(session)
    return write_workbook([
        Sheet(translate("ledger.sheet_guide", lang), [], notes=_notes(spec, lang),
              title=translate("ledger.template_title", lang, kind=spec.label(lang))),
        Sheet(spec.label(lang), columns(spec, lang, units), locked_header=True)])


def rows(session: Session, entries: list[LedgerEntry], kind: Kind, lang: str) -> list[dict]:
    """Entries of one kind as rows of its sheet (the values as the template takes them)."""
    units = {u.id: u for u in session.exec(select(MemberUnit).where(
        MemberUnit.id.in_({e.member_id for e in entries if e.member_id}))).all()}
    partners = query.partners_by_entry(session, [e.id for e in entries])
    found = []
    for entry in entries:
        unit = units.get(entry.member_id)
        mine = partners[entry.id]
        row = {"id": entry.id, "unit": unit.name if unit else "", "unit_code": unit.credit_code if unit else "",
               "year": entry.year, "title": entry.title, "partner": "、".join(p.name for p in mine),
               "partner_code": "、".join(p.credit_code for p in mine) if any(p.credit_code for p in mine) else "",
               "started_on": entry.started_on, "ended_on": entry.ended_on, "description": entry.description,
               "status": translate(f"ledger_status.{entry.status}", lang),
               "confirmations": "；".join(f"{p.name}：{translate(f'ledger_confirmation.{p.confirmation}', lang)}"
                                         + (f"（{p.reason}）" if p.reason else "") for p in mine)}
        for field in kind.fields:
            row[f"f_{field.key}"] = _cell(field, entry.extra.get(field.key), lang)
        found.append(row)
    return found


def _cell(field: Field, stored, lang: str):
    value = shown(field, stored, lang)
    return "" if value is None else value


def export_workbook(session: Session, current: CurrentUser, flt: query.LedgerFilter = query.LedgerFilter(),
                    lang: str = "zh") -> bytes:
    """Every entry the query finds (and the caller may see), a sheet per kind, in the template's
    layout plus the entry number and status: it imports back unchanged."""
    found = query.entries(session, current, flt)
    units = _unit_names(session)
    sheets = []
    for code, spec in KINDS.items():
        mine = [entry for entry in found if entry.kind == code]
        if mine or (flt.kinds and code in flt.kinds):
            sheets.append(Sheet(spec.label(lang), columns(spec, lang, units, export=True), rows(session, mine, spec, lang)))
    if not sheets:
        sheets.append(Sheet(translate("ledger.sheet_empty", lang), [], notes=[translate("ledger.nothing_found", lang)]))
    return write_workbook(sheets)
