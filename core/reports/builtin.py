"""The two profiles that ship: national (group basic information and the year's figures) and
provincial (the same, plus per-school, per-enterprise 产学合作 rows). Their field codes follow the
public models in ../shared/reference/ledgers-and-reporting.md; the platforms' own import forms are
not public, so these are starting points the secretariat adjusts in the app (stored copies win)."""
from __future__ import annotations

BASIC = "集团基本信息"
YEARLY = "年度数据"
COOP = "产学合作"

_basic = [
    ("jtmc", "集团名称", "profile.name"), ("jtlx", "集团类型", "profile.group_type"),
    ("qtdwmc", "牵头单位名称", "lead_unit"), ("qtdwlx", "牵头单位类型", "profile.lead_unit_type"),
    ("cyfw", "成员范围", "profile.member_scope"), ("fwhymx", "服务行业面向", "profile.industries"),
    ("cllx", "成立类型", "profile.founding_type"), ("pzbmmc", "批准/备案部门名称", "profile.approving_body"),
    ("bmsx", "部门属性", "profile.approving_level"), ("clsj", "成立时间", "profile.founded_on"),
    ("frlx", "法人类型", "profile.legal_type"), ("tyshxydm", "统一社会信用代码", "profile.credit_code"),
    ("zczb", "注册资本（万元）", "profile.registered_capital"), ("jtzc", "集团章程", "profile.charter"),
    ("zctgsj", "章程通过时间", "profile.charter_approved_on"),
    ("fzrxm", "负责人姓名", "profile.leader_name"), ("fzrjtzw", "负责人集团职务", "profile.leader_group_post"),
    ("fzrdwzw", "负责人单位职务", "profile.leader_unit_post"), ("fzrsj", "负责人手机", "profile.leader_phone"),
    ("fzryx", "负责人工作邮箱", "profile.leader_email"), ("lxrxm", "联系人姓名", "profile.contact_name"),
    ("lxrjtzw", "联系人集团职务", "profile.contact_group_post"),
    ("lxrdwzw", "联系人单位职务", "profile.contact_unit_post"), ("lxrsj", "联系人手机", "profile.contact_phone"),
    ("lxryx", "联系人工作邮箱", "profile.contact_email"), ("mscszdw", "秘书处所在单位", "profile.secretariat_host"),
    ("jtlxdz", "集团联系地址", "profile.address"), ("jtwz", "集团网址", "profile.website"),
    ("wxgzh", "微信公众号", "profile.wechat"), ("jtjj", "集团简介", "profile.introduction"),
]
_yearly = [
    ("tjnd", "统计年度", "year", "", None),
    ("cydwzs", "成员单位总数", "count.members", "", 0),
    ("zfbms", "政府部门数", "count.members_government", "", 0),
    ("hyxhs", "行业协会数", "count.members_association", "", 0),
    ("yxs", "院校数", "count.members_school", "", 0),
    ("qys", "企业数", "count.members_enterprise", "", 0),
    ("kyyss", "科研院所数", "count.members_research", "", 0),
    ("qtdws", "其他成员数", "count.members_other", "", 0),
    ("qyzb", "企业成员占比（%）", "= {count.members_enterprise} / {count.members} * 100", "", 1),
    ("bnxz", "本年新加入成员数", "count.joined", "", 0),
    ("bntc", "本年退出成员数", "count.exited", "", 0),
    ("lsdws", "理事会成员数", "count.council_size", "", 0),
    ("cwlss", "常务理事会成员数", "count.standing_council_size", "", 0),
    ("ddpyrs", "订单培养人数", "indicator.S01", "", 0),
    ("xdxtzrs", "现代学徒制学生数", "indicator.S02", "", 0),
    ("dgsxrs", "顶岗实习总人数", "indicator.S03", "", 0),
    ("dcydwsx", "到成员单位实习人数", "indicator.S04", "", 0),
    ("bys", "毕业生数", "indicator.S05", "", 0),
    ("jtnjyrs", "到集团内企业就业人数", "indicator.S06", "", 0),
    ("jtnjyl", "集团内就业率（%）", "indicator.D01", "", 1),
    ("jsqysj", "教师到企业实践（人月）", "indicator.S07", "", 0),
    ("qyjzjss", "企业人员到校兼职人数", "indicator.S08", "", 0),
    ("pxzgl", "为集团内企业培训职工量（人日）", "indicator.S09", "", 0),
    ("jsfwxms", "技术服务项目数", "indicator.S10", "", 0),
    ("jsfwje", "技术服务金额（万元）", "indicator.S11", "", 2),
    ("shpxl", "社会培训量（人日）", "indicator.G02", "", 0),
    ("zssds", "1+X 证书试点数", "indicator.G03", "", 0),
    ("qysxjdtr", "企业对学校实训基地投入（万元）", "indicator.E04", "", 2),
    ("sxsbzcz", "可供实训设备资产值（万元）", "indicator.E05", "", 2),
    ("ddbqytr", "订单班企业投入（万元）", "ledger.order_class.amount_fen", "fen_to_wan", 2),
    ("xqhzxms", "校企合作项目数", "ledger.cooperation_project.count", "", 0),
    ("sxjds", "实训基地数", "ledger.training_base.count", "", 0),
    ("xwsxjdsbz", "校外实训基地设备总值（万元）", "ledger_sum:training_base.equipment?location=off_campus",
     "fen_to_wan", 2),
    ("gjhzxms", "国际合作项目数", "ledger.international.count", "", 0),
    ("fazjd", "实施方案完成进度（%）", "plan.progress", "", 1),
    ("fbtzs", "发布通知数", "messages.notice", "", 0),
    ("hyjys", "会议纪要数", "messages.minutes", "", 0),
]
_coop = [
    ("xxdm", "学校代码", "row.school_code", "", None),
    ("xxmc", "学校名称", "row.school_name", "", None),
    ("hzqytyshxydm", "合作企业统一社会信用代码", "row.partner_code", "", None),
    ("hzqymc", "合作企业名称", "row.partner_name", "", None),
    ("hzksny", "合作开始年月", "row.start_month", "", None),
    ("ddpyrs", "订单培养人数", "row.order_class.students", "", 0),
    ("gtkfkcms", "共同开发课程门数", "", "", None),
    ("gtkfjcs", "共同开发教材数", "", "", None),
    ("zcxxjzjss", "支持学校兼职教师数", "row.dual_appointment.count?direction=in", "", 0),
    ("jsdgsxxss", "接受顶岗实习学生数", "row.training_base.students", "", 0),
    ("jsbysjys", "接受毕业生就业数", "row.order_class.employed", "", 0),
    ("xxwqyjsfwnsr", "学校为企业技术服务年收入（万元）", "row.tech_service.received", "fen_to_wan", 2),
    ("jzsbzz", "捐赠设备总值（万元）", "row.training_base.equipment", "fen_to_wan", 2),
    ("xxwqypxygs", "学校为企业年培训员工数（人天）", "row.training.person_days", "", 0),
]


def _columns(include_coop: bool) -> list[dict]:
    columns = [{"sheet": BASIC, "rows": "single", "code": code, "label": label, "source": source, "scale": "",
                "decimals": None} for code, label, source in _basic]
    columns += [{"sheet": YEARLY, "rows": "single", "code": code, "label": label, "source": source, "scale": scale,
                 "decimals": decimals} for code, label, source, scale, decimals in _yearly]
    if include_coop:
        columns += [{"sheet": COOP, "rows": "cooperation", "code": code, "label": label, "source": source,
                     "scale": scale, "decimals": decimals} for code, label, source, scale, decimals in _coop]
    return columns


BUILTIN = {
    "national": ("全国职业教育集团化办学统计与公共服务平台", _columns(False)),
    "provincial": ("山东省职教集团管理与服务系统", _columns(True)),
}
