"""The business data as one workbook for people: members, council, office, milestones and
indicator values. Goes into every backup. The members, milestones and values sheets are in the
formats their imports read, so the workbook imports back (each kind from its own sheet)."""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.excel import table_export
from core.excel.writer import write_workbook
from core.group import council, member_exchange, members, office as staff
from core.group.members import REGISTRY_COLUMNS
from core.indicators import exchange as indicator_exchange
from core.models import IndicatorValue, MemberUnit
from core.plan import exchange as plan_exchange, tracking as plan_service


def _members_frame(session: Session) -> pd.DataFrame:
    """Every unit, with its seat in the current council, shaped as the registry returns it."""
    roles = members.council_roles(session)
    rows = [{"id": unit_id, "council_role": roles.get(unit_id, "")}
            for unit_id in session.exec(select(MemberUnit.id))]
    return pd.DataFrame(rows, columns=["id", "council_role"]).reindex(columns=REGISTRY_COLUMNS)


def workbook(session: Session, current: CurrentUser | None, lang: str = "zh") -> bytes:
    """Every module's data in one workbook (part of each backup): the secretariat's and admin's."""
    require_role(current, *STAFF_ROLES)
    sheets = [member_exchange.export_sheet(session, current, _members_frame(session), lang)]
    terms = council.terms(session)
    if terms:
        sheets.append(table_export.council_sheet(council.seats(session, terms[0].id), lang))
    sheets.append(table_export.office_sheet(staff.office(session, current, include_inactive=True), lang))
    plan = plan_service.current_plan(session)
    if plan is not None:
        sheets.append(plan_exchange.milestone_sheet(session, plan.id, lang=lang))
    # Indicator values in the long format the values import reads, every year one after another.
    years = sorted(session.exec(select(IndicatorValue.year).distinct()).all())
    rows = [row for year in years for row in indicator_exchange.export_rows(session, current, year=year, lang=lang)
            if row["value"] is not None or row["comment"]]
    sheets.append(indicator_exchange.long_sheet(rows, lang, export=True))
    return write_workbook(sheets)
