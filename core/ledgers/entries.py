"""Recording ledger entries, partner confirmation, evidence files and year locks.

Rules, checked here whatever page or command calls:
- a liaison records and edits its own unit's entries; the secretariat (and admin) any unit's;
- a partner member's liaison confirms or disputes an entry naming its unit (a dispute needs a
  reason and goes back to the author, in its inbox); the secretariat confirms outside partners;
- an entry's status follows from its partners: draft, pending, confirmed, disputed, or recorded
  (no partner to confirm); changing a recorded entry asks its partners again;
- a locked year takes no new entries, changes or decisions; every write is audited, and an
  edit from a stale version is refused.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from core import attachments, audit
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit, require_role
from core.db import StaleEditError, update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.ledgers import search_index, tally
from core.ledgers.kinds import PUBLIC_STATUSES, Kind, kind as kind_of
from core.ledgers.values import BadValue, parse
from core.models import Attachment, LedgerEntry, LedgerPartner, LedgerYearLock, MemberUnit, Role
from core.timeutil import utcnow

OWNER_KIND = "ledger_entry"  # attachments of an entry (its evidence files)
AUDITED = ("kind", "title", "member_id", "year", "started_on", "ended_on", "description", "extra", "status")


@dataclass(frozen=True)
class PartnerInput:
    """A partner as a form or a workbook gives it: a member unit, or an outside organisation."""

    member_id: int | None = None
    name: str = ""
    credit_code: str = ""


def fold(value: str) -> str:
    """Text as the search compares it: full-width folded, lower case."""
    return unicodedata.normalize("NFKC", value or "").lower()


def search_text(kind: Kind, *, title: str, unit: str, partners: list[str], description: str,
                extra: dict) -> str:
    people = [str(extra.get(f.key) or "") for f in kind.fields if f.people]
    return fold(" ".join(p for p in (title, unit, *partners, *people, description) if p))


def searchable(kind: Kind, **parts) -> dict:
    """An entry's search text and its index text (core/ledgers/search_index.py)."""
    text = search_text(kind, **parts)
    return {"search_text": text, "search_grams": search_index.grams(text)}


# ---------------------------------------------------------------- year locks
def locked_years(session: Session) -> list[int]:
    return sorted(session.exec(select(LedgerYearLock.year)).all())


def _refuse_locked(session: Session, *years: int) -> None:
    for year in years:
        if session.get(LedgerYearLock, year) is not None:
            raise ValidationFailed("ledger.year_locked", year=year)


def lock_year(session: Session, current: CurrentUser, *, year: int) -> None:
    require_role(current, *STAFF_ROLES)
    if session.get(LedgerYearLock, year) is not None:
        raise ValidationFailed("ledger.year_locked", year=year)
    session.add(LedgerYearLock(year=year, locked_by=current.id))
    audit.record(session, action="ledger_year_locked", actor_id=current.id, actor_name=current.username,
                 entity="ledger_year", entity_id=year, after={"locked": True})


def unlock_year(session: Session, current: CurrentUser, *, year: int) -> None:
    require_role(current, *STAFF_ROLES)
    row = session.get(LedgerYearLock, year)
    if row is None:
        raise ValidationFailed("ledger.year_not_locked", year=year)
    session.delete(row)
    session.flush()
    audit.record(session, action="ledger_year_unlocked", actor_id=current.id, actor_name=current.username,
                 entity="ledger_year", entity_id=year, before={"locked": True}, after={"locked": False})


# ---------------------------------------------------------------- reading
def may_see(session: Session, current: CurrentUser | None, entry: LedgerEntry) -> bool:
    if current is None:
        return False
    if current.role != Role.MEMBER:
        return True
    if entry.member_id == current.member_id or entry.status in PUBLIC_STATUSES:
        return True
    return entry.status != "draft" and current.member_id is not None and session.exec(
        select(LedgerPartner.id).where(LedgerPartner.entry_id == entry.id,
                                       LedgerPartner.member_id == current.member_id)).first() is not None


def partners_of(session: Session, entry_id: int) -> list[LedgerPartner]:
    return list(session.exec(select(LedgerPartner).where(LedgerPartner.entry_id == entry_id)
                             .order_by(LedgerPartner.id)).all())


def get(session: Session, current: CurrentUser, entry_id: int) -> dict:
    """One entry as the detail view shows it: the row, its partners and its evidence files."""
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound("ledger.not_found")
    if not may_see(session, current, entry):
        raise PermissionDenied("auth.forbidden")
    unit = session.get(MemberUnit, entry.member_id) if entry.member_id else None
    return {"entry": entry, "unit": unit.name if unit else "",
            "partners": partners_of(session, entry_id),
            "files": attachments.listing(session, OWNER_KIND, entry_id),
            "locked": session.get(LedgerYearLock, entry.year) is not None,
            "may_edit": may_edit(current, entry)}


def may_edit(current: CurrentUser | None, entry: LedgerEntry) -> bool:
    return current is not None and (current.role in STAFF_ROLES or (
        current.role == Role.MEMBER and current.member_id == entry.member_id))


# ---------------------------------------------------------------- writing
def checked_fields(session: Session, kind: Kind, *, member_id: int, year: int, title: str,
                   partners: list[PartnerInput], started_on: date | None, ended_on: date | None,
                   fields: dict, kept: bool = False, units: dict | None = None) -> tuple[dict, list[PartnerInput]]:
    """The typed field values as kept, and the partners completed from the registry; every
    problem found at once. `kept`: the fields are already as kept (an import's dry run read them);
    `units`: the member units by id, when the caller loaded them (bulk)."""
    unit_of = units.get if units is not None else (lambda unit_id: session.get(MemberUnit, unit_id))
    problems: list[tuple[str, dict]] = []
    if not (title or "").strip():
        problems.append(("ledger.title_required", {"field": kind.title.zh}))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        problems.append(("ledger.bad_year", {"value": year}))
    if unit_of(member_id) is None:
        problems.append(("ledger.unknown_unit", {"value": member_id}))
    if started_on and ended_on and ended_on < started_on:
        problems.append(("ledger.ends_before_start", {}))
    extra = {}
    for field in kind.fields:
        try:
            value = fields.get(field.key) if kept else parse(field, fields.get(field.key))
        except BadValue as bad:
            problems.append((bad.key, {"field": field.zh, **bad.params}))
            continue
        if value is None and field.required:
            problems.append(("ledger.field_required", {"field": field.zh}))
        if value is not None:
            extra[field.key] = value
    complete = []
    for partner in partners:
        if partner.member_id is not None:
            unit = unit_of(partner.member_id)
            if unit is None:
                problems.append(("ledger.unknown_unit", {"value": partner.member_id}))
                continue
            if unit.id == member_id:
                problems.append(("ledger.partner_is_self", {}))
                continue
            complete.append(PartnerInput(unit.id, unit.name, unit.credit_code))
        elif (partner.name or "").strip():
            complete.append(PartnerInput(None, partner.name.strip()[:200], (partner.credit_code or "").strip()[:18]))
    if kind.partner_required and not complete:
        problems.append(("ledger.partner_required", {"field": kind.partner.zh}))
    if len({(p.member_id, p.name) for p in complete}) < len(complete):
        problems.append(("ledger.partner_twice", {}))
    if problems:
        error = ValidationFailed(problems[0][0], **problems[0][1])
        error.more = problems[1:]
        raise error
    return extra, complete


def _status(draft: bool, confirmations: list[str]) -> str:
    if draft:
        return "draft"
    if not confirmations:
        return "recorded"
    if "disputed" in confirmations:
        return "disputed"
    return "confirmed" if all(c == "confirmed" for c in confirmations) else "pending"


def headline(kind: Kind, extra: dict) -> tuple[float | None, int | None]:
    parts = [extra[key] for key in kind.quantity if extra.get(key) is not None]
    return (float(sum(parts)) if parts else None), (extra.get(kind.amount) if kind.amount else None)


def _snapshot(entry: LedgerEntry, partners: list) -> dict:
    return {**audit.snapshot(entry, AUDITED), "partners": [p.name for p in partners]}


def create(session: Session, current: CurrentUser, *, kind: str, member_id: int, year: int, title: str,
           partners: list[PartnerInput] = (), started_on: date | None = None, ended_on: date | None = None,
           description: str = "", fields: dict | None = None, draft: bool = False,
           import_batch_id: int | None = None, kept: bool = False,
           files: list[tuple[str, bytes]] = ()) -> LedgerEntry:
    """Record an entry (with its evidence files, when given), audited."""
    require_own_unit(current, member_id)
    if member_id is None:
        raise ValidationFailed("ledger.unit_missing")
    spec = kind_of(kind)
    _refuse_locked(session, year)
    extra, partners = checked_fields(session, spec, member_id=member_id, year=year, title=title,
                                     partners=list(partners), started_on=started_on, ended_on=ended_on,
                                     fields=fields or {}, kept=kept)
    quantity, amount = headline(spec, extra)
    unit = session.get(MemberUnit, member_id)
    entry = LedgerEntry(kind=kind, title=title.strip()[:300], member_id=member_id, year=year,
                        started_on=started_on, ended_on=ended_on, description=(description or "").strip()[:4000],
                        extra=extra, quantity=quantity, amount_fen=amount,
                        quantity_unit=spec.field(spec.quantity[0]).unit_zh if spec.quantity else "",
                        status=_status(draft, ["pending"] * len(partners)),
                        import_batch_id=import_batch_id, created_by=current.id, updated_by=current.id,
                        **searchable(spec, title=title, unit=unit.name, partners=[p.name for p in partners],
                                     description=description, extra=extra))
    session.add(entry)
    session.flush()
    search_index.added(session, entry.id)
    tally.touch(session, (kind, year))
    rows = [LedgerPartner(entry_id=entry.id, member_id=p.member_id, name=p.name, credit_code=p.credit_code)
            for p in partners]
    session.add_all(rows)
    audit.record(session, action="ledger_entry_created", actor_id=current.id, actor_name=current.username,
                 entity="ledger_entry", entity_id=entry.id, after=_snapshot(entry, rows))
    for filename, content in files:
        attachments.add(session, current, owner_kind=OWNER_KIND, owner_id=entry.id, filename=filename,
                        content=content)
    return entry


def editable(session: Session, current: CurrentUser, entry_id: int) -> LedgerEntry:
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    entry = session.get(LedgerEntry, entry_id)
    if entry is None:
        raise NotFound("ledger.not_found")
    require_own_unit(current, entry.member_id)
    _refuse_locked(session, entry.year)
    return entry


def update(session: Session, current: CurrentUser, *, entry_id: int, expected_version: int, title: str,
           member_id: int | None = None, year: int | None = None, partners: list[PartnerInput] = (),
           started_on: date | None = None, ended_on: date | None = None, description: str = "",
           fields: dict | None = None, draft: bool = False, kept: bool = False) -> LedgerEntry:
    """Change an entry (its partners are asked again); refused when someone saved it meanwhile."""
    if member_id is not None:
        require_own_unit(current, member_id)
    entry = editable(session, current, entry_id)
    if entry.version != expected_version:
        raise StaleEditError()
    member_id = entry.member_id if member_id is None else member_id
    year = entry.year if year is None else year
    require_own_unit(current, member_id)
    _refuse_locked(session, year)
    spec = kind_of(entry.kind)
    extra, partners = checked_fields(session, spec, member_id=member_id, year=year, title=title,
                                     partners=list(partners), started_on=started_on, ended_on=ended_on,
                                     fields=fields or {}, kept=kept)
    old_partners = partners_of(session, entry_id)
    before = _snapshot(entry, old_partners)
    previous = {(p.member_id, p.name): p for p in old_partners}
    same = (entry.title, entry.member_id, entry.year, entry.started_on, entry.ended_on, entry.description,
            entry.extra) == (title.strip()[:300], member_id, year, started_on, ended_on,
                             (description or "").strip()[:4000], extra)
    rows = []
    for partner in partners:  # unchanged facts keep their partners' decisions
        old = previous.pop((partner.member_id, partner.name), None)
        if old is None:
            old = LedgerPartner(entry_id=entry_id, member_id=partner.member_id, name=partner.name)
        elif not same:
            old.confirmation, old.reason, old.decided_by, old.decided_at = "pending", "", None, None
        old.credit_code = partner.credit_code
        session.add(old)
        rows.append(old)
    for gone in previous.values():
        session.delete(gone)
    quantity, amount = headline(spec, extra)
    unit = session.get(MemberUnit, member_id)
    tally.touch(session, (entry.kind, entry.year), (entry.kind, year))
    search_index.changing(session, entry_id)
    update_versioned(session, LedgerEntry, entry_id, expected_version, dict(
        title=title.strip()[:300], member_id=member_id, year=year, started_on=started_on, ended_on=ended_on,
        description=(description or "").strip()[:4000], extra=extra, quantity=quantity, amount_fen=amount,
        status=_status(draft, [p.confirmation for p in rows]),
        updated_by=current.id, updated_at=utcnow(),
        **searchable(spec, title=title, unit=unit.name, partners=[p.name for p in partners],
                     description=description, extra=extra)))
    session.flush()
    session.refresh(entry)
    audit.record(session, action="ledger_entry_changed", actor_id=current.id, actor_name=current.username,
                 entity="ledger_entry", entity_id=entry_id, before=before, after=_snapshot(entry, rows))
    return entry


def delete(session: Session, current: CurrentUser, *, entry_id: int, expected_version: int) -> None:
    entry = editable(session, current, entry_id)
    if entry.version != expected_version:
        raise StaleEditError()
    partners = partners_of(session, entry_id)
    before = _snapshot(entry, partners)
    search_index.changing(session, entry_id)
    for partner in partners:
        session.delete(partner)
    for file in session.exec(select(Attachment).where(Attachment.owner_kind == OWNER_KIND,
                                                      Attachment.owner_id == entry_id)):
        session.delete(file)
    session.delete(entry)
    tally.touch(session, (entry.kind, entry.year))
    audit.record(session, action="ledger_entry_deleted", actor_id=current.id, actor_name=current.username,
                 entity="ledger_entry", entity_id=entry_id, before=before)


# ---------------------------------------------------------------- confirmation
def _decide(session: Session, current: CurrentUser, entry_id: int, partner_id: int, expected_version: int,
            confirmation: str, reason: str) -> LedgerEntry:
    require_role(current, Role.MEMBER, *STAFF_ROLES)
    entry = session.get(LedgerEntry, entry_id)
    partner = session.get(LedgerPartner, partner_id)
    if entry is None or partner is None or partner.entry_id != entry_id:
        raise NotFound("ledger.not_found")
    if partner.member_id is None:
        require_role(current, *STAFF_ROLES)  # an outside partner: the secretariat confirms
    elif not (current.role == Role.MEMBER and current.member_id == partner.member_id):
        raise PermissionDenied("ledger.not_your_partner")
    if entry.status == "draft":
        raise ValidationFailed("ledger.draft_not_decided")
    _refuse_locked(session, entry.year)
    before = {"partner": partner.name, "confirmation": partner.confirmation, "status": entry.status}
    partner.confirmation, partner.reason = confirmation, reason
    partner.decided_by, partner.decided_at = current.id, utcnow()
    session.add(partner)
    status = _status(False, [p.confirmation for p in partners_of(session, entry_id)])
    update_versioned(session, LedgerEntry, entry_id, expected_version, {"status": status})
    tally.touch(session, (entry.kind, entry.year))
    audit.record(session, action=f"ledger_entry_{confirmation}", actor_id=current.id, actor_name=current.username,
                 entity="ledger_entry", entity_id=entry_id, before=before,
                 after={"partner": partner.name, "confirmation": confirmation, "status": status, "reason": reason})
    return entry


def confirm(session: Session, current: CurrentUser, *, entry_id: int, partner_id: int,
            expected_version: int) -> None:
    _decide(session, current, entry_id, partner_id, expected_version, "confirmed", "")


def dispute(session: Session, current: CurrentUser, *, entry_id: int, partner_id: int, expected_version: int,
            reason: str) -> None:
    """The partner says the entry is wrong: with a reason, sent back to the author's inbox."""
    from core.i18n import translate
    from core.messages import system

    require_role(current, Role.MEMBER, *STAFF_ROLES)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("ledger.reason_required")
    entry = _decide(session, current, entry_id, partner_id, expected_version, "disputed", reason[:1000])
    partner = session.get(LedgerPartner, partner_id)
    if entry.member_id:
        system.send_system(session, title=translate("ledger.disputed_title", title=entry.title),
                           body=translate("ledger.disputed_body", title=entry.title, year=entry.year,
                                          partner=partner.name, reason=reason),
                           member_ids=[entry.member_id], sender=current)


from core.ledgers import evidence  # noqa: F401  (registers the evidence files' owner kind)
