"""Award certificates (荣誉证书) as PDF: one A4 landscape page per award with the group's logo, the
unit's (and person's) name in a CJK font embedded by WeasyPrint, the award, year and number;
all of a category's certificates in one zip."""
from __future__ import annotations

import base64
import io
import zipfile
from html import escape

from sqlmodel import Session, select

from core.assessment.models import AwardCategory, AwardNomination, NominationStatus
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.config import ROOT
from core.display import bilingual
from core.errors import NotFound, PermissionDenied
from core.i18n import DEFAULT_LANGUAGE, translate
from core.meetings.briefing_files import CJK_FONTS, GOLD, LOGO_SVG, SEA
from core.models import MemberUnit, Role
from core.settings import get_setting
from core.timeutil import to_china


def _awarded(session: Session, current: CurrentUser | None, nomination_id: int) -> AwardNomination:
    require_role(current, *STAFF_ROLES, Role.COUNCIL, Role.MEMBER)
    row = session.get(AwardNomination, nomination_id)
    if row is None or row.status != NominationStatus.AWARDED:
        raise NotFound("awards.no_certificate")
    if current.role == Role.MEMBER and row.member_id != current.member_id:
        raise PermissionDenied("auth.forbidden")
    return row


def certificate_html(session: Session, current: CurrentUser | None, nomination_id: int, *,
                     lang: str = DEFAULT_LANGUAGE) -> str:
    row = _awarded(session, current, nomination_id)
    category = session.get(AwardCategory, row.category_id)
    unit = session.get(MemberUnit, row.member_id).name
    group = str(get_setting(session, "group_name_zh" if lang == "zh" else "group_name_en") or "")
    award = bilingual(category.name, category.name_en, lang)
    who = f"{unit}<br>{escape(row.person_name)}" if row.person_name else escape(unit)
    logo = base64.b64encode(LOGO_SVG.read_bytes()).decode()
    when = to_china(category.published_at).date().isoformat() if category.published_at else ""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><style>@page{{size:A4 landscape;margin:12mm}}'
            f"body{{font-family:{CJK_FONTS};color:#12263A;margin:0}}"
            f".frame{{border:3mm double #{GOLD};height:176mm;padding:10mm 18mm;text-align:center;box-sizing:border-box}}"
            f"img{{height:22mm}} h1{{color:#B8860B;font-size:40pt;letter-spacing:12pt;margin:4mm 0 8mm}}"
            f".who{{font-size:24pt;font-weight:700;color:#{SEA};margin:6mm 0}}"
            f".text{{font-size:16pt;line-height:1.8}} .award{{font-size:26pt;color:#C0392B;font-weight:700}}"
            f".foot{{margin-top:14mm;font-size:13pt;text-align:right}} .no{{font-size:10pt;color:#555;text-align:left}}"
            f'</style></head><body><div class="frame"><img src="data:image/svg+xml;base64,{logo}">'
            f"<h1>{escape(translate('awards.certificate_heading', lang))}</h1><div class=\"who\">{who}</div>"
            f"<div class=\"text\">{escape(translate('awards.certificate_text', lang, year=category.year))}</div>"
            f"<div class=\"award\">{escape(award)}</div>"
            f"<div class=\"foot\">{escape(group)}<br>{when}</div>"
            f"<div class=\"no\">{escape(translate('awards.certificate_no', lang, no=row.certificate_no))}</div>"
            f"</div></body></html>")


def certificate_pdf(session: Session, current: CurrentUser | None, nomination_id: int, *,
                    lang: str = DEFAULT_LANGUAGE) -> bytes:
    from weasyprint import HTML

    return HTML(string=certificate_html(session, current, nomination_id, lang=lang), base_url=str(ROOT)).write_pdf()


def certificates_zip(session: Session, current: CurrentUser | None, category_id: int, *,
                     lang: str = DEFAULT_LANGUAGE) -> bytes:
    """Every certificate of a category, one PDF each, named by number and unit."""
    require_role(current, *STAFF_ROLES)
    rows = session.exec(select(AwardNomination, MemberUnit.name).join(
        MemberUnit, MemberUnit.id == AwardNomination.member_id).where(
        AwardNomination.category_id == category_id, AwardNomination.status == NominationStatus.AWARDED)).all()
    if not rows:
        raise NotFound("awards.no_certificate")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for row, unit in rows:
            name = f"{row.certificate_no} {unit}{(' ' + row.person_name) if row.person_name else ''}.pdf"
            archive.writestr(name.replace("/", "_"), certificate_pdf(session, current, row.id, lang=lang))
    return out.getvalue()
