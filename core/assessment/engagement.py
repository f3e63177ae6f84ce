"""Member engagement (成员活跃度): per unit and year, what it did on the platform (reported its
data, recorded ledger entries, confirmed others' as partner, attended meetings, wrote on the
boards, read notices), from the same sources the assessment reads; who has gone quiet; a message
to the quiet units from the office.
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, func, select

from core import audit
from core.assessment.sources import SOURCES
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import ValidationFailed
from core.indicators.completeness import expected_units_by_year
from core.models import LedgerEntry, Role

WATCHERS = (*STAFF_ROLES, Role.COUNCIL)
COUNTS = ["reported", "entries", "confirmed", "meetings", "posts", "notices_read"]


def _entries(session: Session, year: int, ids: list[int]) -> dict[int, int]:
    return dict(session.exec(select(LedgerEntry.member_id, func.count()).where(
        LedgerEntry.year == year, LedgerEntry.member_id.in_(ids), LedgerEntry.status != "draft")
        .group_by(LedgerEntry.member_id)).all())


def activity(session: Session, current: CurrentUser | None, *, years: list[int]) -> pd.DataFrame:
    """member_id, unit, unit_type, year and the counts of COUNTS, with their sum as `activity`."""
    require_role(current, *WATCHERS)
    rows = []
    for year, units in expected_units_by_year(session, years).items():
        if units.empty:
            continue
        ids = units["member_id"].tolist()
        types = dict(zip(units["member_id"], units["unit_type"]))
        reporting = SOURCES["reporting"].measure(session, year, ids, types)
        partner = SOURCES["ledger_partner"].measure(session, year, ids, types)
        meetings = SOURCES["meetings"].measure(session, year, ids, types)
        posts = SOURCES["board_posts"].measure(session, year, ids, types)
        notices = SOURCES["notices_read"].measure(session, year, ids, types)
        entries = _entries(session, year, ids)
        for unit in units.itertuples():
            m = unit.member_id
            rows.append({"member_id": m, "unit": unit.unit, "unit_type": unit.unit_type, "year": year,
                         "reported": int(reporting[m][0] != "missing"), "entries": int(entries.get(m, 0)),
                         "confirmed": int(partner[m][0]), "meetings": int(meetings[m][1]["attended"]),
                         "posts": int(posts[m][0]), "notices_read": int(notices[m][1]["read"])})
    frame = pd.DataFrame(rows, columns=["member_id", "unit", "unit_type", "year", *COUNTS])
    return frame.assign(activity=frame[COUNTS].sum(axis=1))


def quiet(frame: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Units with no activity at all in `year`, with the last year they did anything (or none)."""
    now = frame[frame["year"] == year]
    silent = now[now["activity"] == 0][["member_id", "unit", "unit_type"]]
    active = frame[(frame["activity"] > 0) & (frame["year"] < year)].groupby("member_id")["year"].max()
    return silent.assign(last_active=silent["member_id"].map(active).astype("Int64")).sort_values(
        ["last_active", "unit"], na_position="first", ignore_index=True)


def message_quiet(session: Session, current: CurrentUser | None, *, member_ids: list[int], title: str,
                  body: str) -> int:
    """A message in the inboxes of the chosen units' accounts; returns how many units."""
    from core.messages import system

    require_role(current, *STAFF_ROLES)
    chosen = sorted(set(member_ids))
    if not chosen:
        raise ValidationFailed("engagement.nobody_chosen")
    system.send_system(session, title=title, body=body, member_ids=chosen, sender=current)
    audit.record(session, action="engagement_messaged", actor_id=current.id, actor_name=current.username,
                 entity="member_unit", entity_id=",".join(map(str, chosen))[:64], after={"units": len(chosen)})
    return len(chosen)
