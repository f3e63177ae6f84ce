"""The reports wing's demo: the group's profile as it stood each year, the national workbook
submitted for the year before the last complete one (so the preview has last year's values
beside this year's), and two chapters of the last complete year's report written by hand."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from core.auth import acting_as
from core.models import Role, User
from core.reports import annual, profile, submissions
from core.reports.summary import default_year

BASE = {
    "name": "山东省机械行业职业培训教育集团", "group_type": "industry", "lead_unit_type": "higher_school",
    "member_scope": "province", "industries": "通用设备制造业；专用设备制造业；汽车制造业；金属制品业",
    "founding_type": "approved", "approving_body": "山东省人力资源和社会保障厅", "approving_level": "province",
    "founded_on": "2013-10-18", "legal_type": "none", "charter": "山东省机械行业职业培训教育集团章程（第二次修订）",
    "charter_approved_on": "2018-06-26", "leader_name": "王建国", "leader_group_post": "理事长",
    "leader_unit_post": "院长", "leader_phone": "13905310000", "leader_email": "jt-lsz@example.cn",
    "contact_name": "李秀梅", "contact_group_post": "秘书处主任", "contact_unit_post": "合作发展处处长",
    "contact_phone": "13605310000", "contact_email": "jt-msc@example.cn", "secretariat_host": "山东劳动职业技术学院",
    "address": "山东省济南市长清区大学科技园海棠路", "website": "https://jxzjjt.example.cn", "wechat": "山东机械职教集团",
    "introduction": "山东省机械行业职业培训教育集团成立于 2013 年 10 月，经山东省人力资源和社会保障厅批准，由山东劳动职业"
                    "技术学院牵头成立，成员单位涵盖政府、行业、学校、企业，以企业为主。集团实行理事会制，2019 年被山东省"
                    "教育厅认定为山东省骨干职业教育集团。",
}
CASES = ("数控技术订单班：牵头学校与成员企业按岗位标准共同制定人才培养方案，企业技术骨干承担核心课程教学，学生第三学年"
         "进入企业顶岗实习，毕业后留用率逐年提高。\n齐鲁技能大师特色工作站：集团内企业技能大师进校设站，带徒传技，"
         "联合开展技术攻关。")
OUTLOOK = ("问题：部分企业成员参与深度不够，数据报送的及时性有待提高。\n展望：下一年度将完善成员单位考核与激励机制，"
           "推进台账数据与指标自动对账，提升集团化办学质量。")


def build(session: Session, *, today: date) -> None:
    staff = session.exec(select(User).where(User.role == Role.SECRETARIAT).order_by(User.id)).first()
    if staff is None:
        return
    caller = acting_as(staff)
    last = default_year(session, caller)
    for year in range(2019, last + 1):
        values = dict(BASE, wechat=BASE["wechat"] if year >= 2020 else "", contact_phone=BASE["contact_phone"])
        if year >= 2023:  # the group's third council: a new chair
            values.update(leader_name="张立新", charter_approved_on="2023-05-20",
                          charter="山东省机械行业职业培训教育集团章程（第三次修订）")
        profile.save_profile(session, caller, year=year, values=values, expected_version=0)
    session.flush()
    submissions.submit(session, caller, year=last - 1, code="national", note="演示：上一年度已上报")
    annual.save_text(session, caller, year=last, chapter="cases", text=CASES, expected_version=0)
    annual.save_text(session, caller, year=last, chapter="outlook", text=OUTLOOK, expected_version=0)
