"""Ledger query (台账查询): search and filters, counts and sums per kind and year, drill-down.

Who sees what is decided here, in SQL: council, secretariat and admin see every entry; a liaison
sees its own unit's entries, entries naming its unit as partner (not drafts), and the confirmed
(or needing no confirmation) entries of others.

Search words go through the search index (core/ledgers/search_index.py), so a search reads the
entries it finds, not every entry: on SQLite the index also gives the page's order, and the first
page stops at its last row; the count of a search by someone who sees everything is counted in
the index alone. The query page counts up to COUNT_CAP and shows "1,000+" beyond (the export
holds every result), so neither a common word nor a liaison's check of what it may see makes
the count read every match: it stops at the cap's next visible match, in the index's order.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlmodel import Session, func, select

from core.auth import CurrentUser
from core.errors import PermissionDenied
from core.ledgers import search_index
from core.ledgers.entries import fold
from core.ledgers.kinds import PUBLIC_STATUSES
from core.ledgers.search_index import FTS, YEAR_SHIFT
from core.models import LedgerEntry, LedgerPartner, LedgerTally, MemberUnit, Role

PAGE_ROWS = 100  # a page of results on the query page (the export holds them all)
COUNT_CAP = 1_000  # the query page counts up to this many, then shows "1,000+"
COLUMNS = ["id", "kind", "title", "member_id", "unit", "unit_type", "city", "year", "partners",
           "started_on", "ended_on", "quantity", "quantity_unit", "amount_fen", "status", "description",
           "version"]


@dataclass(frozen=True)
class LedgerFilter:
    text: str = ""  # words (space separated), each a substring of name, partners, people or description
    kinds: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    member_ids: tuple[int, ...] = ()  # reporting units
    partner_ids: tuple[int, ...] = ()  # partner member units
    unit_types: tuple[str, ...] = ()  # of the reporting unit
    cities: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


def visible(current: CurrentUser | None):
    """The WHERE clause of the entries the caller may see."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.role != Role.MEMBER:
        return sa.true()
    public = LedgerEntry.status.in_(PUBLIC_STATUSES)
    if current.member_id is None:
        return public
    partnered = LedgerEntry.id.in_(select(LedgerPartner.entry_id).where(LedgerPartner.member_id == current.member_id))
    return sa.or_(LedgerEntry.member_id == current.member_id, public,
                  sa.and_(LedgerEntry.status != "draft", partnered))


def _escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like(word: str):
    return LedgerEntry.search_text.like(f"%{_escape(word)}%", escape="\\")


@dataclass(frozen=True)
class _Text:
    """The search words as the index answers them: an FTS5 MATCH expression (SQLite), and clauses
    on the entry (PostgreSQL's index, and a LIKE where the index alone is not exact)."""

    match: str = ""
    clauses: tuple = ()


def _text(session: Session, text: str) -> _Text:
    sqlite = session.get_bind().dialect.name == "sqlite"
    phrases, clauses = [], []
    for word in fold(text).split():
        runs = search_index.RUN.findall(word)
        exact = len(runs) == 1 and runs[0] == word  # a word of letters and digits only
        for run in runs:
            bigrams = search_index.grams(run).split()[:-1]  # without the run's closing character
            if sqlite:  # a bigram phrase is the substring itself; a character, a prefix of a bigram
                phrases.append(f'"{run}" *' if len(run) == 1 else '"' + " ".join(bigrams) + '"')
            elif len(run) == 1:
                clauses.append(sa.literal_column(search_index.CHARS_PG).op("@>")(
                    sa.cast(array([run]), ARRAY(sa.Text))))
            else:
                clauses.append(sa.literal_column(search_index.BIGRAMS_PG).op("@>")(
                    sa.cast(array(bigrams), ARRAY(sa.Text))))
        if not exact or (not sqlite and len(word) > 2):
            clauses.append(_like(word))
    return _Text(" AND ".join(phrases), tuple(clauses))


def _match(found: _Text):
    return sa.text("ledger_search MATCH :ledger_match").bindparams(ledger_match=found.match)


def _where(session: Session, current: CurrentUser, flt: LedgerFilter, *, text: bool = True) -> list:
    """The clauses on the entry; `text=False`: without the search words' index match (the caller
    joins the index)."""
    clauses = [visible(current)]
    if flt.text.strip():
        found = _text(session, flt.text)
        clauses.extend(found.clauses)
        if text and found.match:
            clauses.append(LedgerEntry.id.in_(select(FTS.c.rowid % YEAR_SHIFT).where(_match(found))))
    if flt.kinds:
        clauses.append(LedgerEntry.kind.in_(flt.kinds))
    if flt.years:
        clauses.append(LedgerEntry.year.in_(flt.years))
    if flt.member_ids:
        clauses.append(LedgerEntry.member_id.in_(flt.member_ids))
    if flt.partner_ids:
        clauses.append(LedgerEntry.id.in_(select(LedgerPartner.entry_id)
                                          .where(LedgerPartner.member_id.in_(flt.partner_ids))))
    if flt.statuses:
        clauses.append(LedgerEntry.status.in_(flt.statuses))
    if flt.unit_types or flt.cities:
        units = select(MemberUnit.id)
        if flt.unit_types:
            units = units.where(MemberUnit.unit_type.in_(flt.unit_types))
        if flt.cities:
            units = units.where(MemberUnit.city.in_(flt.cities))
        clauses.append(LedgerEntry.member_id.in_(units))
    return clauses


def count(session: Session, current: CurrentUser, flt: LedgerFilter = LedgerFilter(), *,
          cap: int | None = None) -> int:
    """How many entries the filter finds; with `cap`, at most cap + 1 (more than `cap`: the page
    shows "1,000+"), so that the count stops after cap + 1 matches instead of reading them all
    (a word found in a tenth of 200,000 entries, a liaison checking each match against what it sees)."""
    search_index.ready(session)
    found = _text(session, flt.text)
    if not found.match:
        rows = select(LedgerEntry.id).where(*_where(session, current, flt))
    else:
        clauses = _where(session, current, flt, text=False)
        if current.role != Role.MEMBER and len(clauses) == 1:  # sees everything, no other filter: the index alone
            rows = select(FTS.c.rowid).where(_match(found))
        else:  # in the index's order: a capped count stops at its cap + 1st visible match
            rows = (select(FTS.c.rowid).select_from(FTS).join(LedgerEntry, LedgerEntry.id == FTS.c.rowid % YEAR_SHIFT)
                    .where(_match(found), *clauses))
    if cap is not None:
        rows = rows.limit(cap + 1)
    statement = select(func.count()).select_from(rows.subquery())
    if cap is None or not flt.text.strip() or session.get_bind().dialect.name != "postgresql":
        return session.execute(statement).scalar_one()
    return _through_the_index(session, statement)


def _through_the_index(session: Session, statement) -> int:
    """A capped count of search words on PostgreSQL, read through the GIN indexes. With a LIMIT the
    planner prefers a sequential scan that stops early, costing `string_to_array` at nothing, yet
    it splits every row it passes (9,000 rows, 40 ms, for 1,001 matches of a word in one entry in
    ten); the bitmap scan reads the 1,001 matches alone (9 ms). For this statement only."""
    before = session.execute(sa.text("SELECT current_setting('enable_seqscan')")).scalar_one()
    session.execute(sa.text("SELECT set_config('enable_seqscan', 'off', true)"))
    try:
        return session.execute(statement).scalar_one()
    finally:
        session.execute(sa.text("SELECT set_config('enable_seqscan', :before, true)").bindparams(before=before))


def search(session: Session, current: CurrentUser, flt: LedgerFilter = LedgerFilter(), *,
           limit: int | None = None, offset: int = 0) -> pd.DataFrame:
    """The entries found, newest year first, with their unit and partners (a page of them: `limit`
    rows from `offset`)."""
    search_index.ready(session)
    found = _text(session, flt.text)
    query = select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.title, LedgerEntry.member_id, MemberUnit.name,
                   MemberUnit.unit_type, MemberUnit.city, LedgerEntry.year, LedgerEntry.started_on,
                   LedgerEntry.ended_on, LedgerEntry.quantity, LedgerEntry.quantity_unit, LedgerEntry.amount_fen,
                   LedgerEntry.status, LedgerEntry.description, LedgerEntry.version)
    if found.match:  # the index's rowid order is the page's order: the page ends at its last row
        query = (query.select_from(FTS).join(LedgerEntry, LedgerEntry.id == FTS.c.rowid % YEAR_SHIFT)
                 .join(MemberUnit, MemberUnit.id == LedgerEntry.member_id, isouter=True)
                 .where(_match(found), *_where(session, current, flt, text=False)).order_by(FTS.c.rowid.desc()))
    else:
        query = (query.join(MemberUnit, MemberUnit.id == LedgerEntry.member_id, isouter=True)
                 .where(*_where(session, current, flt)).order_by(LedgerEntry.year.desc(), LedgerEntry.id.desc()))
    if limit:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    rows = session.exec(query).all()
    frame = pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "partners"])
    frame.insert(8, "partners", [", ".join(names) for names in _partner_names(session, list(frame["id"])).values()]
                 if len(frame) else [])
    frame["unit"] = frame["unit"].fillna("")
    return frame


def _partner_names(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """Partner names of each entry, in the order of `ids`."""
    names: dict[int, list[str]] = {int(i): [] for i in ids}
    for start in range(0, len(ids), 900):
        chunk = [int(i) for i in ids[start:start + 900]]
        for entry_id, name in session.exec(select(LedgerPartner.entry_id, LedgerPartner.name)
                                           .where(LedgerPartner.entry_id.in_(chunk))
                                           .order_by(LedgerPartner.id)).all():
            names[entry_id].append(name)
    return names


def summary(session: Session, current: CurrentUser, flt: LedgerFilter = LedgerFilter()) -> pd.DataFrame:
    """Counts and sums (headline figure, amount in fen) per kind and year of what the filter finds.

    Everything, for those who see everything, comes from the tally kept with the entries."""
    visible(current)  # refuses no caller
    if flt == LedgerFilter() and current.role != Role.MEMBER:
        rows = session.exec(select(LedgerTally.kind, LedgerTally.year, func.sum(LedgerTally.entries),
                                   func.sum(LedgerTally.quantity), func.sum(LedgerTally.amount_fen))
                            .group_by(LedgerTally.kind, LedgerTally.year)
                            .order_by(LedgerTally.kind, LedgerTally.year)).all()
        return _summary_frame(rows)
    search_index.ready(session)
    rows = session.exec(select(LedgerEntry.kind, LedgerEntry.year, func.count(), func.sum(LedgerEntry.quantity),
                               func.sum(LedgerEntry.amount_fen))
                        .where(*_where(session, current, flt)).group_by(LedgerEntry.kind, LedgerEntry.year)
                        .order_by(LedgerEntry.kind, LedgerEntry.year)).all()
    return _summary_frame(rows)


def _summary_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["kind", "year", "count", "quantity", "amount_fen"])
    frame["count"] = pd.to_numeric(frame["count"], errors="coerce").fillna(0).astype(int)
    frame["quantity"] = pd.to_numeric(frame["quantity"], errors="coerce")
    frame["amount_fen"] = pd.to_numeric(frame["amount_fen"], errors="coerce")
    return frame


def entries(session: Session, current: CurrentUser, flt: LedgerFilter = LedgerFilter()) -> list[LedgerEntry]:
    """The entries found as rows (for exports), oldest first."""
    search_index.ready(session)
    return list(session.exec(select(LedgerEntry).where(*_where(session, current, flt))
                             .order_by(LedgerEntry.kind, LedgerEntry.year, LedgerEntry.id)).all())


def partners_by_entry(session: Session, ids: list[int]) -> dict[int, list[LedgerPartner]]:
    found: dict[int, list[LedgerPartner]] = {int(i): [] for i in ids}
    for start in range(0, len(ids), 900):
        chunk = [int(i) for i in ids[start:start + 900]]
        for partner in session.exec(select(LedgerPartner).where(LedgerPartner.entry_id.in_(chunk))
                                    .order_by(LedgerPartner.id)).all():
            found[partner.entry_id].append(partner)
    return found


def to_decide(session: Session, current: CurrentUser) -> pd.DataFrame:
    """Partner decisions waiting for the caller: its unit named as partner (a liaison), or
    outside partners (the secretariat)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if current.role == Role.MEMBER:
        if current.member_id is None:
            return pd.DataFrame(columns=["partner_id", "entry_id", "kind", "title", "unit", "year", "partner",
                                         "confirmation", "reason", "version"])
        who = LedgerPartner.member_id == current.member_id
    elif current.role in (Role.SECRETARIAT, Role.ADMIN):
        who = LedgerPartner.member_id.is_(None)
    else:
        raise PermissionDenied("auth.forbidden")
    rows = session.exec(select(LedgerPartner.id, LedgerEntry.id, LedgerEntry.kind, LedgerEntry.title, MemberUnit.name,
                               LedgerEntry.year, LedgerPartner.name, LedgerPartner.confirmation,
                               LedgerPartner.reason, LedgerEntry.version)
                        .join(LedgerEntry, LedgerEntry.id == LedgerPartner.entry_id)
                        .join(MemberUnit, MemberUnit.id == LedgerEntry.member_id, isouter=True)
                        .where(who, LedgerEntry.status != "draft")
                        .order_by(LedgerPartner.confirmation != "pending", LedgerEntry.year.desc(),
                                  LedgerEntry.id.desc())).all()
    return pd.DataFrame(rows, columns=["partner_id", "entry_id", "kind", "title", "unit", "year", "partner",
                                       "confirmation", "reason", "version"])


def years(session: Session) -> list[int]:
    """Years to offer, newest first: every year holding entries, and around the reporting year."""
    from core.settings import reporting_year

    current = reporting_year(session)
    found = set(session.exec(select(LedgerEntry.year).distinct()).all())
    return sorted(found | set(range(current - 2, current + 2)), reverse=True)


def unit_names(session: Session) -> dict[int, str]:
    """Every member unit by id (exited ones too: their past entries are still found), by name."""
    return dict(session.exec(select(MemberUnit.id, MemberUnit.name).order_by(MemberUnit.name)).all())


def unit_choices(session: Session) -> dict[int, str]:
    """Units an entry may name now: not exited."""
    from core.models import MemberStatus

    return dict(session.exec(select(MemberUnit.id, MemberUnit.name).where(MemberUnit.status != MemberStatus.EXITED)
                             .order_by(MemberUnit.name)).all())
