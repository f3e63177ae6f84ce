"""The business data as one workbook for people: members (importable), council, office,
milestones (importable), indicator values. Goes into every backup."""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core.excel.writer import Column, Sheet, write_workbook
from core.i18n import translate
from core.models import Indicator, IndicatorValue, MemberUnit
from core.services import council, member_exchange, members, plan as plan_service, plan_exchange, staff
from core.services import table_export
from core.services.members import REGISTRY_COLUMNS


def _members_frame(session: Session) -> pd.DataFrame:
    """Every unit, with its seat in the current council, shaped as the registry returns it."""
    roles = members.council_roles(session)
    rows = [{"id": unit_id, "council_role": roles.get(unit_id, "")}
            for unit_id in session.exec(select(MemberUnit.id))]
    return pd.DataFrame(rows, columns=["id", "council_role"]).reindex(columns=REGISTRY_COLUMNS)


def workbook(session: Session, lang: str = "zh") -> bytes:
    t = lambda key: translate(key, lang)  # noqa: E731
    sheets = [member_exchange.export_sheet(session, _members_frame(session), lang)]
    terms = council.terms(session)
    if terms:
        sheets.append(table_export.council_sheet(council.seats(session, terms[0].id), lang))
    sheets.append(table_export.office_sheet(staff.office(session, include_inactive=True), lang))
    current = plan_service.current_plan(session)
    if current is not None:
        sheets.append(plan_exchange.milestone_sheet(session, current.id, lang=lang))
    values = session.exec(select(MemberUnit.name, Indicator.code, Indicator.name_zh, IndicatorValue.year,
                                 IndicatorValue.value, IndicatorValue.status)
                          .join(MemberUnit, MemberUnit.id == IndicatorValue.member_id)
                          .join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                          .order_by(IndicatorValue.year, MemberUnit.id, Indicator.sort_order)).all()
    sheets.append(Sheet(t("backup.sheet_values"), [
        Column("unit", t("members.f_name"), width=34), Column("code", t("backup.col_code"), width=8),
        Column("indicator", t("backup.col_indicator"), width=26), Column("year", t("plan.year"), "int", 8),
        Column("value", t("backup.col_value"), "number", 12), Column("status", t("plan.col_status"), width=10)],
        [{"unit": u, "code": c, "indicator": n, "year": y, "value": v,
          "status": translate(f"value_status.{s}", lang)} for u, c, n, y, v, s in values]))
    return write_workbook(sheets)
