"""Platform settings kept in the database (so every replica reads the same values)."""
from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from core.config import server_upload_limit_mb
from core.models import Setting

GROUP_NAME_ZH = "山东省机械行业职业培训教育集团"
GROUP_NAME_EN = "Shandong Machinery Industry Vocational Training and Education Group"

DEFAULT_SETTINGS: dict[str, Any] = {
    "group_name_zh": GROUP_NAME_ZH,
    "group_name_en": GROUP_NAME_EN,
    "group_profile_zh": (
        "山东省机械行业职业培训教育集团成立于 2013 年 10 月，经山东省人力资源和社会保障厅批准，"
        "由山东劳动职业技术学院牵头成立，成员单位涵盖政府、行业、学校、企业，以企业为主。"
        "集团实行理事会制，2018 年 6 月召开第二届一次理事会会议，选举产生新一届领导机构；"
        "2019 年被山东省教育厅认定为山东省骨干职业教育集团。"
    ),
    "group_profile_en": (
        "Founded in October 2013 with the approval of the Shandong Department of Human Resources "
        "and Social Security and led by Shandong Labor Vocational and Technical College, the group "
        "brings together government bodies, industry associations, schools and — above all — "
        "enterprises. It is run by a council; its second council was elected in June 2018, and in "
        "2019 it was recognised as a key vocational education group of Shandong Province."
    ),
    "founded_on": "2013-10-18",
    "lead_unit_zh": "山东劳动职业技术学院",
    "lead_unit_en": "Shandong Labor Vocational and Technical College",
    "reporting_year": None,
    "change_comment_pct": 50,
    "mirror_gap_pct": 20,
    # A year counts as complete (views open on it, mirror alarms count) once its deadline has
    # passed or this share of the expected units is approved: core/indicators/years.py.
    "year_complete_pct": 90,
    # Expenses above this many fen wait for the secretariat director (core/funds/funds.py).
    "funds_approval_fen": 500_000,
    "upload_limit_mb": 20,
    "unit_attachment_quota_mb": 200,
    # What the Excel reader accepts (core.excel.reader.Limits): rows per sheet, the size a
    # workbook may unpack to, and its compression ratio (zip bombs).
    "excel_max_rows": 100_000,
    "excel_max_unpacked_mb": 200,
    "excel_max_ratio": 100,
    "demo_loaded": False,
}


def get_setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return DEFAULT_SETTINGS.get(key) if row is None else row.value


def all_settings(session: Session) -> dict[str, Any]:
    values = dict(DEFAULT_SETTINGS)
    values.update({row.key: row.value for row in session.exec(select(Setting))})
    return values


def put_setting(session: Session, key: str, value: Any, *, user_id: int | None = None) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value, updated_by=user_id))
    else:
        row.value, row.updated_by, row.version = value, user_id, row.version + 1
        session.add(row)


def reporting_year(session: Session) -> int:
    """The year units are reporting now: the administrator's setting, else last calendar year
    (China time): every screen that picks a year starts from this one."""
    from core.timeutil import china_today

    try:
        configured = get_setting(session, "reporting_year")
        return int(configured) if configured else china_today().year - 1
    except (TypeError, ValueError):
        return china_today().year - 1


def reporting_deadline(session: Session, year: int):
    """The deadline of a reporting year: its reporting window's, else 31 March of the next year."""
    from datetime import date

    from core.models import ReportingWindow

    window = session.exec(select(ReportingWindow).where(ReportingWindow.year == year)).first()
    return window.deadline if window else date(year + 1, 3, 31)


EDITABLE = ("group_name_zh", "group_name_en", "group_profile_zh", "group_profile_en",
            "reporting_year", "reporting_deadline", "change_comment_pct", "mirror_gap_pct",
            "year_complete_pct", "funds_approval_fen", "upload_limit_mb", "excel_max_rows", "excel_max_unpacked_mb", "excel_max_ratio")
# Accepted ranges of the Excel reader's limits.
EXCEL_LIMIT_RANGES = {"excel_max_rows": (100, 1_000_000), "excel_max_unpacked_mb": (10, 2_000),
                      "excel_max_ratio": (10, 1_000)}
# Below half approved a year's totals are not the group's: the rule would call it complete too soon.
YEAR_COMPLETE_RANGE = (50, 100)
# Expense approval threshold in fen: 0.01 元 (every expense waits) to 1 亿元.
FUNDS_APPROVAL_RANGE = (1, 10_000_000_000)


def settings_version(session: Session) -> int:
    """A stamp of the editable settings as stored: it grows with every save (each stored row's
    version counts), so a form saved after someone else's save is refused, not merged."""
    rows = session.exec(select(Setting).where(Setting.key.in_(EDITABLE))).all()
    return sum(row.version for row in rows)


def excel_limits(session: Session):
    """The Excel reader's limits as the administrator set them (defaults otherwise)."""
    from core.excel.reader import Limits

    values = all_settings(session)

    def whole(key: str) -> int:
        try:
            return int(values.get(key) or DEFAULT_SETTINGS[key])
        except (TypeError, ValueError):
            return int(DEFAULT_SETTINGS[key])

    mb = 1024 * 1024
    return Limits(max_bytes=whole("upload_limit_mb") * mb, max_rows=whole("excel_max_rows"),
                  max_unpacked_bytes=whole("excel_max_unpacked_mb") * mb,
                  max_ratio=whole("excel_max_ratio"))


def update_settings(session: Session, current, values: dict, *, expected_version: int | None = None) -> dict:
    """The administrator's settings; each value checked, every change audited. With
    `expected_version` (settings_version when the form was shown) a save after another's is refused."""
    from datetime import date

    from core import audit
    from core.auth import require_role
    from core.db import StaleEditError
    from core.errors import ValidationFailed
    from core.models import ReportingWindow, Role

    require_role(current, Role.ADMIN)
    if expected_version is not None and expected_version != settings_version(session):
        raise StaleEditError()
    clean = {}
    for key in EDITABLE:
        if key not in values:
            continue
        value = values[key]
        if key.startswith("group_name") and not str(value or "").strip():
            raise ValidationFailed("settings.name_required")
        if key in ("reporting_year", "change_comment_pct", "mirror_gap_pct", "year_complete_pct",
                   "funds_approval_fen", "upload_limit_mb"):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationFailed("settings.bad_number", field=key)
        if key == "reporting_year" and not 2000 <= value <= 2100:
            raise ValidationFailed("settings.bad_year")
        if key == "change_comment_pct" and not 1 <= value <= 1000:
            raise ValidationFailed("settings.bad_percent")
        if key == "mirror_gap_pct" and not 1 <= value <= 100:
            raise ValidationFailed("settings.bad_percent")
        if key == "year_complete_pct" and not YEAR_COMPLETE_RANGE[0] <= value <= YEAR_COMPLETE_RANGE[1]:
            raise ValidationFailed("settings.bad_complete_pct", low=YEAR_COMPLETE_RANGE[0],
                                   high=YEAR_COMPLETE_RANGE[1])
        if key == "funds_approval_fen" and not FUNDS_APPROVAL_RANGE[0] <= value <= FUNDS_APPROVAL_RANGE[1]:
            raise ValidationFailed("settings.bad_funds_approval", low=FUNDS_APPROVAL_RANGE[0] / 100,
                                   high=FUNDS_APPROVAL_RANGE[1] // 100)
        if key == "upload_limit_mb" and not 1 <= value <= server_upload_limit_mb():
            raise ValidationFailed("settings.bad_upload_limit", max=server_upload_limit_mb())
        if key in EXCEL_LIMIT_RANGES:
            low, high = EXCEL_LIMIT_RANGES[key]
            if not isinstance(value, int) or isinstance(value, bool):
                raise ValidationFailed("settings.bad_number", field=key)
            if not low <= value <= high:
                raise ValidationFailed("settings.bad_excel_limit", low=low, high=high)
        if key == "reporting_deadline":
            value = value.isoformat() if isinstance(value, date) else value
        clean[key] = value.strip() if isinstance(value, str) else value
    before = {key: get_setting(session, key) for key in clean}
    changed = {key: value for key, value in clean.items() if before[key] != value}
    for key, value in changed.items():
        put_setting(session, key, value, user_id=current.id)
    year, deadline = clean.get("reporting_year"), clean.get("reporting_deadline")
    if year and deadline:
        window = session.exec(select(ReportingWindow).where(ReportingWindow.year == year)).first()
        deadline_day = date.fromisoformat(deadline)
        if window is None:
            session.add(ReportingWindow(year=year, opens_on=date(year + 1, 1, 1), deadline=deadline_day))
        elif window.deadline != deadline_day:
            window.deadline, window.version = deadline_day, window.version + 1
            session.add(window)
    if changed:
        audit.record(session, action="settings_changed", actor_id=current.id,
                     actor_name=current.username, entity="setting",
                     before={k: before[k] for k in changed}, after=changed)
    return changed
