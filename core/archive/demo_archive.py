"""The demo group's filed documents (called by core/demo.py): the charter (public, permanent),
the management rules the case study asks for (all members), a cooperation agreement
(secretariat only, 10 years), an older order-class agreement past its ten years (so the
retention review has something to show) and photos of the council meeting (council and
secretariat)."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core import demo_files
from core.archive import archive
from core.auth import acting_as
from core.models import MemberUnit, User


def build(session: Session, *, today: date) -> int:
    me = acting_as(session.exec(select(User).where(User.username == "demo-secretariat")).one())
    firm = session.exec(select(MemberUnit).where(MemberUnit.unit_type == "enterprise").order_by(MemberUnit.id)).first()
    documents = [
        ("山东劳动职业技术学院职教集团章程", "charter", 2018, "public", 0, None, "集团章程（第二届理事会修订）.pdf"),
        ("集团档案管理办法", "rules", today.year - 1, "members", 0, None, "档案管理办法.pdf"),
        ("集团经费筹措管理与使用办法", "rules", today.year - 1, "members", 0, None, "经费筹措管理与使用办法.pdf"),
        ("集团资源共建共享管理办法", "rules", today.year - 1, "members", 0, None, "资源共建共享管理办法.pdf"),
        ("校企合作框架协议", "contract", today.year, "secretariat", 10, firm.id if firm else None, "校企合作框架协议.pdf"),
        # Kept ten years from the end of its year: past its retention now, for the office to review.
        ("订单班合作协议（2013级）", "contract", today.year - 12, "secretariat", 10, firm.id if firm else None,
         "订单班合作协议（2013级）.pdf"),
    ]
    for title, category, year, access, keep, unit, filename in documents:
        archive.file_document(session, me, title=title, category=category, year=year, access=access,
                              retention_years=keep, member_id=unit, files=[(filename, demo_files.tiny_pdf(title))])
    archive.file_document(session, me, title="理事会会议照片", category="photo", year=today.year, access="council",
                          files=[("理事会合影.png", demo_files.photo_png())])
    return len(documents) + 1
