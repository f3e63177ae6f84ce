"""Members as Excel: the template, the registry export (which imports back), and the import."""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core import credit_code
from core.auth import STAFF_ROLES, CurrentUser, require_own_unit_or_overseer, require_role
from core.errors import UserFacingError
from core.excel import importer
from core.excel.reader import Limits, day, text
from core.excel.writer import Column, Sheet, write_workbook
from core.group import members
from core.i18n import translate
from core.models import MemberStatus, MemberType, MemberUnit, Role
from core.reference import CITIES
from core.settings import excel_limits
from core.timeutil import china_today

KIND = "members"
# (key, zh header, en header, kind, width)
FIELDS = [
    ("credit_code", "统一社会信用代码", "Unified social credit code", "text", 22),
    ("name", "单位名称", "Unit name", "text", 36),
    ("short_name", "简称", "Short name", "text", 14),
    ("unit_type", "单位类型", "Unit type", "text", 12),
    ("city", "所在城市", "City", "text", 10),
    ("address", "地址", "Address", "text", 30),
    ("website", "网站", "Website", "text", 20),
    ("contact_name", "联系人", "Contact", "text", 10),
    ("contact_title", "联系人职务", "Contact title", "text", 14),
    ("contact_phone", "联系电话", "Phone", "text", 16),
    ("contact_email", "电子邮箱", "Email", "text", 24),
    ("joined_on", "加入日期", "Joined on", "date", 12),
]
EXPORT_ONLY = [("status", "状态", "Status", "text", 8), ("exited_on", "退出日期", "Exited on", "date", 12),
               ("council_role", "理事会职务", "Council seat", "text", 12)]
ALIASES = {key: [zh, en, key] for key, zh, en, _, _ in FIELDS}
REQUIRED = {"credit_code", "name", "unit_type", "city"}


def _columns(lang: str, fields) -> list[Column]:
    choices = {"unit_type": [translate(f"member_type.{code}", lang) for code in MemberType],
               "city": CITIES}
    return [Column(key, zh if lang == "zh" else en, kind, width, tuple(choices.get(key, ())))
            for key, zh, en, kind, width in fields]


def _type_code(value: str) -> str | None:
    wanted = value.strip().lower()
    for code in MemberType:
        names = {code.value, translate(f"member_type.{code}", "zh"),
                 translate(f"member_type.{code}", "en").lower()}
        if wanted in names:
            return code.value
    return None


def template(lang: str) -> bytes:
    notes = [translate(f"member_import.note{n}", lang) for n in range(1, 6)]
    return write_workbook([
        Sheet(translate("member_import.sheet_guide", lang), [], notes=notes,
              title=translate("member_import.template_title", lang)),
        Sheet(translate("member_import.sheet_members", lang), _columns(lang, FIELDS),
              locked_header=True),
    ])


def export_workbook(session: Session, current: CurrentUser | None, frame: pd.DataFrame, lang: str) -> bytes:
    """What the registry shows, formatted; the same headers as the template, so it imports back."""
    return write_workbook([export_sheet(session, current, frame, lang)])


def export_sheet(session: Session, current: CurrentUser | None, frame: pd.DataFrame, lang: str) -> Sheet:
    """The registry rows of `frame` (ids and council seats) as a sheet of the member template:
    any units for the council and the secretariat, a liaison's own unit only."""
    require_role(current, *Role)
    ids = [int(i) for i in frame["id"]] if len(frame) else []
    for member_id in set(ids):
        require_own_unit_or_overseer(current, member_id)
    units = {u.id: u for u in session.exec(select(MemberUnit).where(MemberUnit.id.in_(ids)))}
    roles = dict(zip(frame["id"], frame["council_role"])) if len(frame) else {}
    rows = []
    for member_id in ids:
        unit = units[member_id]
        row = {key: getattr(unit, key) for key, *_ in FIELDS + EXPORT_ONLY if key != "council_role"}
        row["unit_type"] = translate(f"member_type.{unit.unit_type}", lang)
        row["status"] = translate(f"member_status.{unit.status}", lang)
        row["council_role"] = translate(f"seat_role.{roles[member_id]}", lang) if roles[member_id] else ""
        rows.append(row)
    return Sheet(translate("member_import.sheet_members", lang), _columns(lang, FIELDS + EXPORT_ONLY), rows)


# ---------------------------------------------------------------- import
def _parse_row(session: Session, raw: dict, table, row: int):
    values = {key: text(raw.get(key)) for key, *_ in FIELDS if key != "joined_on" and key in raw}
    found = []
    values["credit_code"] = credit_code.normalise(values.get("credit_code", ""))
    if "unit_type" in values:
        code = _type_code(values["unit_type"])
        if code is None:
            found.append(importer.column_problem(table, row, "unit_type", "member.unknown_type",
                                                 value=values["unit_type"]))
        else:
            values["unit_type"] = code
    if "joined_on" in raw:
        try:
            values["joined_on"] = day(raw["joined_on"])
        except ValueError:
            found.append(importer.column_problem(table, row, "joined_on", "excel.bad_date",
                                                 value=text(raw["joined_on"])))
    existing = session.exec(select(MemberUnit.id).where(
        MemberUnit.credit_code == values["credit_code"])).first()
    checked = {k: v for k, v in values.items() if k not in ("joined_on",) and
               (k in REQUIRED or v) and not (k == "unit_type" and found)}
    for problem in members.problems(session, checked, member_id=existing):
        found.append(importer.column_problem(table, row, problem.field, problem.key, **problem.params))
    return values, found


def _find_existing(session: Session, code: str):
    unit = session.exec(select(MemberUnit).where(MemberUnit.credit_code == code)).first()
    if unit is None:
        return None
    return unit.id, {key: getattr(unit, key) for key, *_ in FIELDS if key != "joined_on"}


MEMBER_IMPORT = importer.register(importer.ImportKind(
    name=KIND, aliases=ALIASES, required=REQUIRED, key_column="credit_code", parse_row=_parse_row,
    find_existing=_find_existing))


def plan(session: Session, current: CurrentUser, content: bytes, filename: str,
         limits: Limits | None = None) -> importer.ImportPlan:
    """The dry run; the reader's limits are the platform settings' unless given."""
    require_role(current, *STAFF_ROLES)
    return importer.plan_import(session, MEMBER_IMPORT, content, filename,
                                limits or excel_limits(session))


def _apply(session: Session, current: CurrentUser, planned: importer.PlannedRow) -> None:
    if planned.existing_id is None:
        values = {k: v for k, v in planned.values.items() if k != "joined_on"}
        members.create(session, current, values, status=MemberStatus.ACTIVE,
                       joined_on=planned.values.get("joined_on") or china_today(),
                       reason="Excel")
        return
    unit = session.get(MemberUnit, planned.existing_id)
    changed = {name: new for name, (old, new) in planned.changes.items()}
    if any((getattr(unit, name) or "") != (old or "") for name, (old, _) in planned.changes.items()):
        raise UserFacingError("excel.changed_since_preview", row=planned.row)
    members.update(session, current, unit.id, unit.version, changed)


def commit(session: Session, current: CurrentUser, planned: importer.ImportPlan, *,
           only_valid: bool = False):
    require_role(current, *STAFF_ROLES)
    return importer.commit(session, current, planned, only_valid=only_valid, apply_row=_apply)
