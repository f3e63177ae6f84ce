"""The ledger kinds (台账种类) and their typed columns: one registry the forms, the query, the
templates, the import and the reconciliation all read.

Every entry has the common columns (reporting unit, year, its name, partners, start and end,
description, evidence files, status); each kind adds its own typed fields. Field values are kept
by key in `LedgerEntry.extra`: text as str, counts as int, numbers as float, money as integer
fen, dates as ISO text, yes/no as bool, choices as their code.
"""
from __future__ import annotations

from dataclasses import dataclass

TYPES = ("text", "int", "number", "money", "date", "choice", "bool")


@dataclass(frozen=True)
class Choice:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Field:
    key: str
    zh: str
    en: str
    type: str = "text"
    unit_zh: str = ""  # money: 元 or 万元 (what the figure is written in)
    unit_en: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    synonyms: tuple[str, ...] = ()  # other headers real ledgers use for this column
    people: bool = False  # names of people: part of the search
    width: int = 14

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def unit(self, lang: str) -> str:
        return self.unit_zh if lang == "zh" else self.unit_en

    def header(self, lang: str) -> str:
        """The column's header in templates and exports: the label with its unit."""
        unit = self.unit(lang)
        if not unit:
            return self.label(lang)
        return f"{self.label(lang)}（{unit}）" if lang == "zh" else f"{self.label(lang)} ({unit})"

    @property
    def money_scale(self) -> int:
        """Fen per unit of the figure as written (元: 100, 万元: 1,000,000)."""
        return 1_000_000 if self.unit_zh == "万元" else 100


@dataclass(frozen=True)
class Kind:
    code: str
    zh: str
    en: str
    title: Field  # the entry's name (order class, project, person …)
    partner: Field  # the partner column's label and synonyms
    fields: tuple[Field, ...]
    quantity: tuple[str, ...] = ()  # fields summed into the entry's headline figure
    amount: str = ""  # the money field shown as the entry's amount
    partner_required: bool = False

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    @property
    def numeric_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.type in ("int", "number", "money"))


def _c(*triples: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*t) for t in triples)


PERSONS = ("人", "persons")
LEVEL_4 = _c(("national", "国家级", "national"), ("provincial", "省级", "provincial"),
             ("municipal", "市厅级", "municipal"), ("school", "院级", "school"))
MAJOR = Field("major", "专业", "Major", synonyms=("专业名称", "所属专业", "面向专业"), width=16)


def _title(zh: str, en: str, *synonyms: str, people: bool = False) -> Field:
    return Field("title", zh, en, required=True, synonyms=synonyms, people=people, width=30)


def _partner(zh: str, en: str, *synonyms: str) -> Field:
    return Field("partner", zh, en, synonyms=synonyms, width=30)


def _count(key: str, zh: str, en: str, *synonyms: str, unit=PERSONS, required=False) -> Field:
    return Field(key, zh, en, "int", unit[0], unit[1], required=required, synonyms=synonyms, width=10)


def _money(key: str, zh: str, en: str, *synonyms: str, wan: bool = True) -> Field:
    unit = ("万元", "10k yuan") if wan else ("元", "yuan")
    return Field(key, zh, en, "money", unit[0], unit[1], synonyms=synonyms, width=12)


def _yes_no(key: str, zh: str, en: str, *synonyms: str) -> Field:
    return Field(key, zh, en, "bool", synonyms=synonyms, width=8)


KINDS_LIST: tuple[Kind, ...] = (
    Kind("cooperation_project", "校企合作项目", "School-enterprise project",
         _title("项目名称", "Project", "合作项目", "合作项目名称"),
         _partner("合作企业", "Enterprise", "企业名称", "合作单位", "合作方"),
         (Field("category", "合作类别", "Category", "choice", required=True, synonyms=("类别", "项目类别"),
                choices=_c(("apprenticeship", "现代学徒制", "modern apprenticeship"),
                           ("order", "订单培养", "order-based training"),
                           ("internship_base", "共建实习基地", "joint internship base"),
                           ("other", "其他", "other"))),
          Field("signed_on", "协议签订时间", "Agreement signed on", "date", synonyms=("签订时间", "签约时间")),
          _count("term_years", "合作期限", "Term", "期限", unit=("年", "years")),
          Field("department", "系部", "Department", synonyms=("院系", "二级学院", "所属系部"))),
         partner_required=True),
    Kind("order_class", "订单班/冠名班", "Order class",
         _title("班级名称", "Class", "订单班名称", "冠名班名称", "班级", "订单班"),
         _partner("冠名企业", "Sponsoring enterprise", "合作企业", "企业名称", "订单企业", "合作单位"),
         (MAJOR,
          _count("intake_year", "入学年份", "Intake year", "招生年份", "年级", unit=("", "")),
          _count("students", "学生人数", "Students", "人数", "订单培养人数", "学生数", "班级人数", required=True),
          _money("enterprise_input", "企业投入", "Enterprise input", "企业投入资金", "企业投入金额", wan=False),
          _count("employed", "到冠名企业就业人数", "Employed by the sponsor", "就业人数", "留用人数")),
         quantity=("students",), amount="enterprise_input", partner_required=True),
    Kind("apprenticeship", "现代学徒制", "Modern apprenticeship",
         _title("项目名称", "Programme", "试点项目", "学徒制项目", "试点名称"),
         _partner("合作企业", "Enterprise", "企业名称", "合作单位"),
         (Field("level", "级别", "Level", "choice", synonyms=("试点级别",),
                choices=_c(("national", "国家级", "national"), ("provincial", "省级", "provincial"),
                           ("group", "集团级", "group"))),
          MAJOR,
          _count("apprentices", "学徒人数", "Apprentices", "人数", "学徒数", "学生人数", required=True),
          _count("mentors", "企业导师人数", "Enterprise mentors", "企业师傅人数", "导师人数"),
          _count("years", "学制", "Years", "培养年限", unit=("年", "years"))),
         quantity=("apprentices",), partner_required=True),
    Kind("training_base", "实训基地", "Training base",
         _title("基地名称", "Base", "实训基地名称", "实训基地"),
         _partner("合作企业", "Partner", "合作单位", "共建单位", "企业名称"),
         (Field("location", "校内/校外", "On / off campus", "choice", synonyms=("基地类型", "类别"),
                choices=_c(("on_campus", "校内", "on campus"), ("off_campus", "校外", "off campus"))),
          _yes_no("productive", "是否生产性", "Productive", "生产性"),
          Field("host", "依托单位", "Host", synonyms=("管理单位", "所在单位"), width=20),
          Field("majors", "服务专业", "Majors served", synonyms=("适应专业", "面向专业"), width=20),
          _count("stations", "工位数", "Stations", "工位", unit=("个", "stations")),
          _count("places", "每批可容纳人数", "Places per intake", "可容纳人数", "容纳人数"),
          _count("students", "本年接收学生人数", "Students received this year", "接收学生人数", "人数",
                 "年接收人数"),
          _money("equipment", "设备总值", "Equipment value", "设备值", "设备价值", "设备资产值")),
         quantity=("students",), amount="equipment"),
    Kind("teacher_practice", "教师企业实践/工作站", "Teacher practice / workstation",
         _title("实践项目", "Practice", "工作站名称", "项目名称", "实践内容"),
         _partner("实践企业", "Enterprise", "合作企业", "企业名称", "实践单位"),
         (Field("teacher", "教师姓名", "Teacher", required=True, synonyms=("教师", "姓名", "实践教师"),
                people=True),
          Field("post", "实践岗位", "Post", synonyms=("岗位",)),
          _count("days", "实践天数", "Days", "天数", unit=("天", "days"), required=True)),
         quantity=("days",), partner_required=True),
    Kind("dual_appointment", "互兼互聘/企业兼职教师", "Mutual appointment",
         _title("姓名", "Person", "人员姓名", "兼职教师", "受聘人员", people=True),
         _partner("对方单位", "Other unit", "派出单位", "聘任单位", "所在企业", "合作企业"),
         (Field("direction", "互聘方向", "Direction", "choice", synonyms=("类型", "方向"),
                choices=_c(("in", "企业人员到校兼职", "enterprise staff at school"),
                           ("out", "教师到企业兼职", "teacher at enterprise"))),
          Field("post", "兼任岗位", "Post", synonyms=("岗位", "职务", "兼任职务")),
          Field("appointed_on", "聘任时间", "Appointed on", "date", synonyms=("聘任日期",)),
          _count("term_years", "聘期", "Term", unit=("年", "years")),
          _count("hours", "授课课时", "Teaching hours", "课时", "授课学时", "课时数", unit=("课时", "hours"))),
         quantity=("hours",), partner_required=True),
    Kind("tech_service", "技术服务/横向课题", "Technical service",
         _title("项目名称", "Project", "课题名称", "服务项目"),
         _partner("委托单位", "Client", "服务对象单位", "服务对象", "合作企业", "企业名称"),
         (Field("leader", "项目负责人", "Leader", synonyms=("负责人",), people=True),
          Field("service_type", "服务类别", "Service type", "choice", synonyms=("类别",),
                choices=_c(("tech", "技术服务", "technical service"), ("training", "培训", "training"),
                           ("assessment", "技能鉴定", "skills assessment"), ("other", "其他", "other"))),
          _money("contract", "合同金额", "Contract value", "合同经费", "合同额"),
          _money("received", "到账金额", "Received", "到账经费", "实际到账"),
          Field("level", "级别", "Level", "choice", synonyms=("项目级别",), choices=LEVEL_4),
          _yes_no("concluded", "是否结题", "Concluded", "结题"),
          _yes_no("converted", "是否转化", "Converted", "转化")),
         amount="received"),
    Kind("patent", "专利与成果转化", "Patent",
         _title("专利名称", "Title", "名称", "成果名称"),
         _partner("合作单位", "Partner", "合作企业", "共同专利权人"),
         (Field("patent_type", "专利类别", "Type", "choice", required=True, synonyms=("类别", "类型"),
                choices=_c(("invention", "发明", "invention"), ("utility", "实用新型", "utility model"),
                           ("design", "外观设计", "design"), ("software", "软件著作权", "software copyright"))),
          Field("inventors", "发明人", "Inventors", synonyms=("完成人", "发明人（排名）"), people=True, width=20),
          Field("patentee", "专利权人", "Patentee"),
          Field("patent_no", "专利号", "Patent no.", synonyms=("授权号", "证书号")),
          Field("granted_on", "授权公告日", "Granted on", "date", synonyms=("授权日期", "授权时间")),
          _yes_no("converted", "是否转化", "Converted", "转化")),
         quantity=()),
    Kind("training", "培训与鉴定", "Training and assessment",
         _title("培训项目", "Programme", "项目名称", "培训名称", "培训班名称"),
         _partner("委托单位", "Client unit", "培训对象单位", "服务对象单位", "合作企业"),
         (Field("trainee_type", "培训对象", "Trainees", "choice", synonyms=("学员类型",),
                choices=_c(("staff", "企业职工", "enterprise staff"), ("student", "在校学生", "students"),
                           ("public", "社会人员", "the public"), ("teacher", "教师", "teachers"))),
          _count("people", "培训人数", "People", "人数", "参训人数", required=True),
          _count("hours", "培训学时", "Hours", "学时", "课时", unit=("学时", "hours")),
          _count("person_days", "培训量", "Person-days", "人天", "人日", "培训人天", unit=("人天", "person-days")),
          _count("certificates", "发证数", "Certificates", "取证人数", "获证人数", unit=("本", "certificates")),
          Field("cert_level", "证书等级", "Certificate level", synonyms=("等级",))),
         quantity=("person_days",)),
    Kind("competition", "技能竞赛", "Skills competition",
         _title("竞赛名称", "Contest", "赛项", "比赛名称", "大赛名称", "赛项名称"),
         _partner("联合单位", "Partner", "合作单位", "合作企业"),
         (Field("level", "级别", "Level", "choice", synonyms=("竞赛级别",),
                choices=_c(("national", "国家级", "national"), ("provincial", "省级", "provincial"),
                           ("municipal", "市级", "municipal"), ("group", "集团级", "group"))),
          Field("held_on", "比赛日期", "Date", "date", synonyms=("比赛时间", "日期")),
          _count("participants", "参赛人数", "Participants", "人数"),
          _count("first", "一等奖", "First prizes", "一等奖数", unit=("项", "awards")),
          _count("second", "二等奖", "Second prizes", "二等奖数", unit=("项", "awards")),
          _count("third", "三等奖", "Third prizes", "三等奖数", unit=("项", "awards"))),
         quantity=("first", "second", "third")),
    Kind("cert_1x", "1+X 证书试点", "1+X certificate pilot",
         _title("证书名称", "Certificate", "证书", "职业技能等级证书", "证书名"),
         _partner("培训评价组织", "Issuing body", "发证机构", "评价组织"),
         (Field("level", "等级", "Level", "choice", synonyms=("证书等级",),
                choices=_c(("junior", "初级", "junior"), ("middle", "中级", "intermediate"),
                           ("senior", "高级", "senior"))),
          _count("candidates", "考核人数", "Candidates", "参考人数", "报考人数", required=True),
          _count("passed", "通过人数", "Passed", "取证人数", "获证人数")),
         quantity=("candidates",)),
    Kind("international", "国际合作/走出去", "International cooperation",
         _title("项目名称", "Project", "合作项目"),
         _partner("合作方", "Partner", "外方合作单位", "外方院校", "合作企业"),
         (Field("country", "国家（地区）", "Country", required=True, synonyms=("国家", "国别", "国家地区")),
          Field("coop_type", "合作类型", "Type", "choice", synonyms=("类型",),
                choices=_c(("students", "学历教育", "degree students"), ("training", "培训", "training"),
                           ("going_out", "随企业走出去", "with enterprises abroad"),
                           ("exchange", "交流互访", "exchange"))),
          _count("people", "学生或学员人数", "Students or trainees", "人数", "学员人数", "学生人数")),
         quantity=("people",)),
    Kind("community", "社区服务", "Community service",
         _title("活动名称", "Activity", "活动", "服务项目"),
         _partner("服务社区", "Community served", "服务对象", "服务单位"),
         (_count("participants", "参与人数", "Participants", "参与师生人数"),
          _count("beneficiaries", "受益人数", "Beneficiaries", "服务人数", "受益群众"),
          Field("hours", "服务时长", "Hours", "number", "小时", "hours", synonyms=("时长",), width=10)),
         quantity=("beneficiaries",)),
)
KINDS: dict[str, Kind] = {kind.code: kind for kind in KINDS_LIST}
CODES = tuple(KINDS)

# The columns every kind shares (besides its title and partner): (key, zh, en, synonyms).
COMMON = {
    "id": ("台账编号", "Entry no.", ("编号", "记录编号")),
    "unit": ("填报单位", "Reporting unit", ("所属单位", "学校名称", "院校名称", "申报单位", "单位")),
    "unit_code": ("填报单位信用代码", "Reporting unit's credit code", ("单位信用代码", "学校代码")),
    "year": ("年度", "Year", ("年份", "所属年度", "统计年度")),
    "partner_code": ("合作单位信用代码", "Partner's credit code", ("统一社会信用代码", "企业信用代码",
                                                           "合作企业统一社会信用代码")),
    "started_on": ("开始日期", "Start", ("开始时间", "起始日期", "合作开始时间", "开始年月", "开班时间", "开班日期")),
    "ended_on": ("结束日期", "End", ("结束时间", "截止日期", "结束年月")),
    "description": ("说明", "Description", ("备注", "简要说明", "主要内容", "服务内容", "合作内容")),
    "seq": ("序号", "No.", ()),
}

STATUSES = ("draft", "pending", "confirmed", "disputed", "recorded")
# What others may see: entries confirmed by their partners, or needing no confirmation.
PUBLIC_STATUSES = ("confirmed", "recorded")
CONFIRMATIONS = ("pending", "confirmed", "disputed")


def kind(code: str) -> Kind:
    from core.errors import ValidationFailed

    if code not in KINDS:
        raise ValidationFailed("ledger.unknown_kind", kind=code)
    return KINDS[code]


def choice_label(field: Field, code: str, lang: str) -> str:
    for choice in field.choices:
        if choice.code == code:
            return choice.zh if lang == "zh" else choice.en
    return code or ""


def choice_code(field: Field, written: str) -> str | None:
    """The choice a cell names, by its code or its label in either language."""
    wanted = (written or "").strip().lower()
    for choice in field.choices:
        if wanted in (choice.code, choice.zh.lower(), choice.en.lower()):
            return choice.code
    return None
