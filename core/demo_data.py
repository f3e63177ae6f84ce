"""Reference data of the demo group, after the case study (seed/case-study.txt).

山东劳动职业技术学院 is the real lead school; every other unit and person is fictional.
"""
from __future__ import annotations

from core.reference import SHANDONG_CITIES

CITIES = SHANDONG_CITIES

LEAD_SCHOOL = ("山东劳动职业技术学院", "劳动职院", "济南市")

# (name, short name, city) per type; enterprises are generated from the parts below.
GOVERNMENT = [
    ("山东省机械工业职业技能鉴定指导站", "省机械鉴定站", "济南市"),
    ("济南市职业技能培训指导中心", "济南培训中心", "济南市"),
    ("淄博市职业技能鉴定中心", "淄博鉴定中心", "淄博市"),
]
ASSOCIATION = [
    ("山东省机械制造行业协会", "省机械制造协会", "济南市"),
    ("山东省数控技术应用协会", "省数控协会", "济南市"),
    ("山东省焊接与切割行业协会", "省焊接协会", "青岛市"),
    ("济南市装备制造业商会", "济南装备商会", "济南市"),
    ("山东省智能制造产业联盟", "智能制造联盟", "青岛市"),
]
SCHOOL = [
    ("齐鲁机电技师学院", "齐鲁机电", "济南市"),
    ("鲁中机械工程学校", "鲁中机械", "淄博市"),
    ("半岛装备制造职业学院", "半岛装备", "青岛市"),
    ("鲁南数控技术学校", "鲁南数控", "枣庄市"),
    ("鲁西智能制造职业学院", "鲁西智造", "聊城市"),
    ("黄河三角洲石油机械技工学校", "黄三角石机", "东营市"),
    ("威海船舶机械职业学校", "威海船机", "威海市"),
    ("德州汽车零部件技工学校", "德州汽配", "德州市"),
    ("济宁工程机械职业学院", "济宁工机", "济宁市"),
    ("聊城农业装备职业中专", "聊城农装", "聊城市"),
    ("日照港口机械技工学校", "日照港机", "日照市"),
    ("滨州轻量化装备职业学校", "滨州装备", "滨州市"),
    ("潍坊动力机械技师学院", "潍坊动力", "潍坊市"),
]
RESEARCH = [
    ("山东技能大赛研究中心", "技能大赛研究中心", "济南市"),
    ("齐鲁智能装备技术研究院", "智能装备研究院", "济南市"),
    ("山东精密制造工程研究所", "精密制造所", "烟台市"),
]
OTHER = [
    ("山东机械行业人才交流服务中心", "人才交流中心", "济南市"),
    ("齐鲁工匠培训服务中心", "工匠培训中心", "泰安市"),
]
ENTERPRISE_BRANDS = [
    "华力", "鲁重", "齐星", "泰丰", "恒通", "金岭", "宏达", "海岳", "永信", "瑞丰", "天工",
    "德润", "鸿运", "东岳", "明湖", "泉城", "蓝海", "昌盛", "远航", "中科", "九州", "万通",
    "盛源", "新华", "凯达", "博远", "银河", "正泰", "广源", "嘉禾", "立信", "通达", "鼎新",
    "汇川", "启航", "晨光", "宇信",
]
ENTERPRISE_TRADES = [
    "数控机床", "重型机械", "液压科技", "汽车零部件", "农业装备", "工程机械", "精密铸造",
    "智能装备", "动力机械", "轴承", "电机", "模具", "机器人", "焊接装备", "减速机",
]
ENTERPRISE_SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "制造有限公司"]
ENTERPRISE_CITY_WEIGHTS = {
    "济南市": 8, "青岛市": 6, "淄博市": 4, "潍坊市": 4, "烟台市": 3, "济宁市": 3, "临沂市": 3,
    "泰安市": 2, "威海市": 2, "德州市": 2, "聊城市": 1, "滨州市": 1, "东营市": 1, "日照市": 1,
    "枣庄市": 1, "菏泽市": 1,
}

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = ["建国", "海涛", "明远", "志强", "晓燕", "丽华", "文静", "国栋", "春雷", "秀英",
         "伟", "磊", "敏", "静", "军", "洋", "勇", "艳", "杰", "娟", "强", "涛", "超", "霞",
         "鹏飞", "雪梅", "晓东", "振华", "玉兰", "立新", "红梅", "卫东", "思远", "雨桐"]
CONTACT_TITLES = ["办公室主任", "校企合作处处长", "人力资源部经理", "培训部主管", "综合部部长",
                  "副院长", "副总经理", "秘书长"]

# The secretariat office: 1 director and 10 deputies and staff over seven duty areas.
SECRETARIAT_OFFICE = [
    ("director", "leadership", "统筹秘书处办公室工作，组织《实施方案》实施与考核"),
    ("deputy", "education", "教育教学：订单培养、现代学徒制、实训基地共建"),
    ("staff", "education", "教育教学：教师企业实践、校企人员互兼互聘"),
    ("deputy", "meetings", "会议活动组织：理事会、秘书处会议、论坛与训练营"),
    ("staff", "meetings", "会议活动组织：会务、活动简报"),
    ("deputy", "research", "科研规划：产学研合作、技术服务、专利与成果转化"),
    ("deputy", "enrolment", "招生就业：成员单位实习就业、岗位监测站"),
    ("deputy", "publicity", "宣传：集团网站、智慧管理服务平台、集团标识"),
    ("staff", "publicity", "宣传：信息发布、集团简报"),
    ("deputy", "training", "培训鉴定：1+X 证书试点、技能培训与鉴定、世赛备赛"),
    ("staff", "finance", "财务管理：经费筹措、管理与使用"),
]

# The 2019-2021 plan (《实施方案》): areas and tasks as written in the case study, each task
# with its milestones (title, start quarter offset, length in quarters, duty area of owner).
PLAN_CODE = "2019-2021"
PLAN_TITLE = "山东省机械行业职业培训教育集团省级骨干职教集团建设实施方案（2019-2021）"
PLAN_GOAL = ("创建国家级示范性职教集团和国家职业教育“十百千”产教融合试点，"
             "成为全国一流具有国际影响力的职业教育集团。")
PLAN = [
    ("完善职教集团管理运行体系", [
        ("完善集团组织机构", "设立第二届理事会秘书处办公室，细化人员分工，明确职责", "leadership", [
            "设立第二届理事会秘书处办公室", "明确秘书处办公室人员职责和分工",
            "召开骨干职教集团建设动员会", "年度工作任务分解落实到人"]),
        ("健全集团管理制度", "建立档案管理、经费筹措管理与使用、资源共享、加入与退出等管理制度",
         "finance", [
             "制定集团档案管理制度", "制定经费筹措管理与使用办法", "制定资源共享管理办法",
             "修订成员单位加入与退出办法"]),
        ("提升集团精细化管理水平", "建设智慧管理服务平台，实现国家、省两级平台数据自动填报；"
         "网站常态化管理；定期召开会议、举办论坛、发布简报", "publicity", [
             "完成智慧管理服务平台招标", "平台功能研讨与个性化模块", "平台上线试运行",
             "国家、省两级平台数据自动填报", "征集并发布集团标识", "每季度发布集团活动简报"]),
    ]),
    ("推进集团化办学高质量发展", [
        ("加大资源共建共享力度", "教师实践工作站、互兼互聘、特色二级学院、学徒制、订单培养、"
         "引企入教、实训基地建设；在企业成员单位设立“岗位监测站”", "education", [
             "新建教师实践工作站", "开设订单培养班", "开展现代学徒制试点",
             "共建校企实训基地", "在企业成员单位设立岗位监测站", "共建特色二级学院"]),
        ("挖掘产学研合作深度", "发挥技能大师工作站、工作室和传承创新平台作用，联合科研攻关、"
         "专利申报、成果转化与技术服务；开展“1+X”证书试点与培训鉴定", "research", [
             "建设齐鲁技能大师特色工作站", "成员单位联合技术攻关项目立项",
             "专利申报与科技成果转化", "开展“1+X”职业技能等级证书试点",
             "面向成员单位开展技能培训与鉴定"]),
    ]),
    ("提升集团社会服务综合能力", [
        ("提升服务区域经济发展能力", "校企协同“走出去”；卓越技师师范教育合作培养；"
         "股份制、混合所有制培训机构；技能服务与文化下乡", "training", [
             "院校参与企业海外项目人才培养", "探索混合所有制职业培训机构",
             "开展技能服务、文化下乡社区活动", "优势专业卓越技师合作培养"]),
        ("提升服务行业发展、企业技术进步能力", "职业能力鉴定载体建设；发挥山东技能大赛研究中心"
         "作用，联合世赛备赛；举办全国性训练营与智能制造技能比赛", "meetings", [
             "建设职业能力鉴定载体", "校企联合开展世赛备赛", "举办全国性智能制造训练营",
             "承办全国性智能制造技术技能比赛", "建立普惠性就业创业服务体系"]),
    ]),
]

# The group's next phase, after the case study's goal: the plan that is current on the day the demo
# is shown ({start}-{end}: the year before today to the year after). Milestone dates and states
# are computed from today (core/demo_plan.py).
NEXT_PLAN_TITLE = "山东省机械行业职业培训教育集团创建国家级示范性职业教育集团实施方案（{start}-{end}）"
NEXT_PLAN_TITLE_EN = ("Plan for becoming a national model vocational education group ({start}-{end})")
NEXT_PLAN_GOAL = ("对标国家级示范性职业教育集团建设标准，深化产教融合、校企合作，到 {end} 年建成"
                  "国家级示范性职教集团，形成可复制、可推广的机械行业集团化办学经验。")
NEXT_PLAN = [
    ("对标示范标准，完善集团治理体系", [
        ("修订集团章程与理事会议事规则", "第三届理事会换届后修订章程，健全议事决策、考核评价与退出机制",
         "leadership", ["完成集团章程修订", "制定理事会议事规则与决策程序",
                        "建立成员单位年度考核评价办法", "发布集团年度质量报告"]),
        ("建设集团数字化治理平台", "智慧管理服务平台全员使用，数据填报、台账对账与国家、省级平台对接",
         "publicity", ["成员单位联络员账号全部开通", "年度数据填报全部线上完成",
                       "台账与指标自动对账上线", "对接省级职教集团数据中心"]),
    ]),
    ("深化产教融合，打造示范项目", [
        ("共建产业学院与产教融合实训基地", "院校与龙头企业共建产业学院、共享型实训基地和混编教学团队",
         "education", ["共建智能制造产业学院", "新建三个产教融合实训基地",
                       "实训基地向成员单位开放共享", "组建校企混编教学团队"]),
        ("扩大订单培养与现代学徒制", "订单班覆盖全部成员院校，学徒制试点专业扩展，建立就业岗位监测",
         "enrolment", ["订单班覆盖全部成员院校", "现代学徒制试点专业扩至十个",
                       "建立集团内就业岗位监测月报"]),
        ("联合技术攻关与成果转化", "成立集团技术创新中心，联合攻关、专利申报与成果转化",
         "research", ["成立集团技术创新中心", "联合攻关项目立项二十项", "专利成果转化十项"]),
    ]),
    ("提升社会服务能力与国际影响力", [
        ("面向行业企业开展技能培训与评价", "面向成员企业职工开展培训与职业技能等级认定，举办行业技能大赛",
         "training", ["建设职业技能等级认定站点", "年培训企业职工两万人日",
                      "举办全省机械行业职工技能大赛"]),
        ("服务企业“走出去”", "随成员企业走出去开展海外员工培训，建设海外培训中心，引进国际职业标准",
         "training", ["合作开展海外员工培训", "建设海外培训中心", "引进国际职业标准两项"]),
    ]),
    ("申报国家级示范性职教集团", [
        ("示范建设自评与申报", "按国家级示范性职教集团遴选标准开展中期自评、推荐申报与评审迎检",
         "leadership", ["形成示范建设中期自评报告", "完成省级推荐申报", "迎接国家级评审",
                        "总结推广示范建设经验"]),
    ]),
]

# Recent notices, dated from today: (category, title, body, days before today, pinned, public, audience).
# {year}: the year being reported; {deadline}: its deadline; {start}-{end}: the current plan;
# {meeting}: the council meeting's day. Audience kinds as in TARGETED_NOTICES, or "everyone".
RECENT_NOTICES = [
    ("notice", "关于报送 {year} 年度集团化办学数据的通知",
     "各成员单位：\n\n{year} 年度集团化办学数据填报已开启，请于 **{deadline}** 前登录智慧管理服务平台"
     "填报本单位数据（可在线填写，也可下载 Excel 模板填好后导入），逾期将计入未按时报送。\n\n集团秘书处\n",
     "window", True, False, "everyone"),
    ("document", "关于印发《创建国家级示范性职业教育集团实施方案（{start}-{end}）》的通知",
     "各成员单位：\n\n经第三届理事会审议通过，现将《实施方案（{start}-{end}）》印发给你们，请对照任务分工"
     "抓好落实。秘书处将按季度通报建设进度。\n\n集团秘书处\n", "plan", False, True, "everyone"),
    ("notice", "关于召开第三届理事会第四次会议的通知",
     "各位理事：\n\n定于 {meeting} 在山东劳动职业技术学院召开集团第三届理事会第四次会议，"
     "听取《实施方案（{start}-{end}）》年度推进情况和 {year} 年度数据报送情况，审议下一年度工作要点。"
     "\n\n请于会前三天回复参会回执。", 9, False, False, "council"),
    ("bulletin", "集团活动简报（{today_year} 年第 {issue} 期）",
     "本期要点：智能制造产业学院揭牌；全省机械行业职工技能大赛决赛举行；{year} 年度数据填报启动。",
     24, False, True, "everyone"),
    ("notice", "关于开展产教融合实训基地开放共享登记的通知",
     "各院校成员单位：\n\n请于本月底前在平台台账中登记本单位实训基地向成员单位开放的项目与设备。",
     40, False, False, "schools"),
    ("minutes", "秘书处办公室 {today_year} 年第三季度工作例会纪要",
     "会议通报了实施方案年度任务进度，对逾期未完成的任务逐项明确了责任人和完成时限。", 62, False, False,
     "council"),
]

# The indicator catalogue, after group annual reporting forms.
# (code, zh, en, unit_zh, unit_en, reporters, category, min, max, decimals, base, formula)
INDICATORS = [
    ("S01", "订单培养人数", "Students in order-based classes", "人", "persons", ["school"], "cooperation", 0, 3000, 0, 180, ""),
    ("S02", "现代学徒制学生数", "Modern apprenticeship students", "人", "persons", ["school"], "cooperation", 0, 2000, 0, 90, ""),
    ("S03", "顶岗实习总人数", "Students in placement internships", "人", "persons", ["school"], "internship", 0, 8000, 0, 650, ""),
    ("S04", "到成员单位实习人数", "Interns placed with member units", "人", "persons", ["school"], "internship", 0, 8000, 0, 0, ""),
    ("S05", "毕业生数", "Graduates", "人", "persons", ["school"], "employment", 0, 10000, 0, 900, ""),
    ("S06", "到集团内企业就业人数", "Graduates employed by member enterprises", "人", "persons", ["school"], "employment", 0, 10000, 0, 0, ""),
    ("S07", "教师到企业实践", "Teacher placements in enterprises", "人月", "person-months", ["school"], "staff", 0, 2000, 0, 60, ""),
    ("S08", "集团内企业人员到校兼职人数", "Enterprise staff teaching part-time", "人", "persons", ["school"], "staff", 0, 1000, 0, 35, ""),
    ("S09", "为集团内企业培训职工量", "Training given to member enterprises' staff", "人日", "person-days", ["school"], "training", 0, 200000, 0, 2600, ""),
    ("S10", "技术服务项目数", "Technical service projects", "项", "projects", ["school"], "research", 0, 500, 0, 8, ""),
    ("S11", "技术服务金额", "Technical service income", "万元", "10k yuan", ["school"], "research", 0, 10000, 1, 45, ""),
    ("S12", "联合技术攻关项目数", "Joint R&D projects", "项", "projects", ["school"], "research", 0, 200, 0, 3, ""),
    ("S13", "技能竞赛获奖", "Skills competition awards", "项", "awards", ["school"], "competition", 0, 500, 0, 6, ""),
    ("E01", "提供顶岗实习岗位数", "Internship places offered", "个", "places", ["enterprise"], "internship", 0, 5000, 0, 40, ""),
    ("E02", "接收实习量", "Interns received", "人", "persons", ["enterprise"], "internship", 0, 5000, 0, 0, ""),
    ("E03", "面向成员院校提供就业岗位数", "Jobs offered to member schools", "个", "jobs", ["enterprise"], "employment", 0, 5000, 0, 30, ""),
    ("E04", "对学校实训基地投入", "Investment in school training bases", "万元", "10k yuan", ["enterprise"], "investment", 0, 5000, 1, 20, ""),
    ("E05", "可供实训设备资产值", "Equipment available for training", "万元", "10k yuan", ["enterprise"], "investment", 0, 50000, 1, 260, ""),
    ("E06", "接收成员院校毕业生数", "Graduates hired from member schools", "人", "persons", ["enterprise"], "employment", 0, 5000, 0, 0, ""),
    ("E07", "接受成员院校培训职工量", "Staff training received from member schools", "人日", "person-days", ["enterprise"], "training", 0, 200000, 0, 0, ""),
    ("G01", "成员单位数", "Member units", "家", "units", ["group"], "group", 0, 2000, 0, 0, ""),
    ("G02", "社会培训量", "Social training delivered", "人日", "person-days", ["school", "research", "other"], "training", 0, 500000, 0, 5200, ""),
    ("G03", "1+X 证书试点数", "1+X certificate pilots", "个", "pilots", ["school"], "training", 0, 100, 0, 3, ""),
    ("D01", "集团内就业率", "Share of graduates employed in the group", "%", "%", [], "derived", 0, 100, 1, 0, "S06 / S05 * 100"),
    ("D02", "到成员单位实习比例", "Share of interns placed with members", "%", "%", [], "derived", 0, 100, 1, 0, "S04 / S03 * 100"),
]

# A liaison's explanation beside a change of more than half against last year, by indicator family.
CHANGE_COMMENTS = {"S": "本年度招生规模与合作项目调整", "E": "本年度用工计划与合作规模调整",
                   "G": "集团本年度新增或退出成员单位"}

NOTICES = [
    ("document", "关于印发《省级骨干职教集团建设实施方案（2019-2021）》的通知",
     "各成员单位：\n\n现将《山东省机械行业职业培训教育集团省级骨干职教集团建设实施方案（2019-2021）》"
     "印发给你们，请结合本单位实际认真贯彻落实。\n\n**总体目标**：创建国家级示范性职教集团和国家职业教育"
     "“十百千”产教融合试点。\n\n集团秘书处\n", "2019-05-20", True, True),
    ("minutes", "集团第二届理事会秘书处办公室第一次会议纪要",
     "会议明确了秘书处办公室人员职责和分工，将 2019 年工作任务细化到可操作层面，落实到人到位。\n\n"
     "- 教育教学、会议活动组织、科研规划、招生就业、宣传、培训鉴定、财务管理各有专人负责\n"
     "- 启动集团标识征集工作\n", "2019-06-12", False, False),
    ("notice", "关于面向成员单位征集集团标识的通知",
     "为提升集团可识别性，现面向全体成员单位征集集团标识设计方案，截止日期 2019 年 8 月 31 日。",
     "2019-07-01", False, True),
    ("bulletin", "集团活动简报（2019 年第 4 期）",
     "本期要点：智慧管理服务平台完成招标；集团标识正式发布；骨干职教集团建设动员会召开。",
     "2019-12-20", False, True),
    ("notice", "关于报送 2021 年度集团化办学数据的通知",
     "请各成员单位于 2022 年 3 月 31 日前登录智慧管理服务平台填报 2021 年度数据，"
     "逾期将计入未按时报送。", "2022-01-05", True, False),
]

TOPICS = [
    ("cooperation", "2021 年订单班合作意向征集", [
        "今年我校数控技术专业计划新开两个订单班，欢迎企业成员单位对接。",
        "我公司有意向合作一个机器人运维方向订单班，约 40 人。",
        "可以，秘书处可以协助组织一次对接会。"]),
    ("training", "1+X 证书试点经验交流", [
        "请各试点院校分享考核站点建设的经验。",
        "我们与企业共建了考核站，设备由企业提供，效果不错。"]),
    ("competition", "世赛备赛集训安排", [
        "山东技能大赛研究中心拟于暑期组织联合集训，请有意向的成员单位报名。"]),
    ("general", "智慧管理服务平台使用问题反馈", [
        "平台上线后，大家在填报数据、查看通知时遇到的问题可以在这里反馈。",
        "建议通知增加附件预览，目前需要下载后查看。"]),
]

# Notices for part of the group: (category, title, body, day, audience kind, attachment or None).
# Audience kinds: "council" (council and secretariat), "schools", "enterprises", "units" (the lead
# unit and the first two enterprises).
TARGETED_NOTICES = [
    ("notice", "关于召开第二届理事会第三次会议的通知",
     "各位理事：\n\n定于 2021 年 12 月 10 日在山东劳动职业技术学院召开集团第二届理事会第三次会议，"
     "审议 2021 年工作总结和 2022 年工作要点。\n\n请于 12 月 3 日前回复参会回执（见附件）。",
     "2021-11-20", "council", ("参会回执.docx", "docx")),
    ("notice", "关于组织 2021 年职业院校技能大赛联合集训的通知",
     "各院校成员单位：\n\n集团拟于 7 月组织数控车、工业机器人两个赛项的联合集训，"
     "请于 6 月 20 日前报送参训名单。集训安排见附件。", "2021-06-01", "schools",
     ("联合集训安排.pdf", "pdf")),
    ("document", "关于企业新型学徒制试点申报工作的通知",
     "各企业成员单位：\n\n根据省人社厅有关要求，现组织企业新型学徒制试点申报，"
     "请有意向的企业与合作院校共同填报申报表。", "2021-04-15", "enterprises",
     ("申报说明.pdf", "pdf")),
    ("notice", "关于核对 2021 年度集团化办学数据的通知",
     "请以下单位于 1 月 20 日前核对平台中本单位 2021 年度数据，发现问题及时联系秘书处。",
     "2022-01-10", "units", None),
]

# Ledgers (台账): the words the demo's registers are written with.
LEDGER_MAJORS = ["数控技术", "机电一体化技术", "工业机器人技术", "焊接技术与自动化", "汽车制造与试验技术",
                 "智能制造装备技术", "模具设计与制造", "电气自动化技术"]
LEDGER_CERTS = ["数控车铣加工", "工业机器人应用编程", "智能制造生产管理与控制", "机械产品三维模型设计",
                "特殊焊接技术"]
LEDGER_CERT_BODIES = [("中机数控科技培训评价中心", "91110108MA01ABCD2X"),
                      ("智能装备职业技能评价有限公司", "91310115MA1HXYZ03K")]
LEDGER_CONTESTS = ["数控车", "工业机器人技术应用", "焊接技术", "机电一体化", "智能制造生产线安装与调试"]
LEDGER_COMMUNITIES = [("历城区洪家楼街道社区", ""), ("章丘区明水街道社区", ""), ("市中区七里山社区", "")]
LEDGER_COMMUNITY_ACTIVITIES = ["技能服务进社区（家电维修）", "文化下乡·工匠精神宣讲", "社区居民电工安全培训"]
LEDGER_ABROAD = [("中泰机械职业技能培训项目", "泰国", "泰国东方职业技术学院", "training"),
                 ("随企业走出去·印尼工程机械操作员培训", "印度尼西亚", "", "going_out"),
                 ("中德双元制师资交流", "德国", "德国巴伐利亚手工业协会", "exchange")]
LEDGER_DISPUTES = ["学生人数与我公司实际接收人数不符，请核实后修改", "我公司未参与该项目，请删除合作单位",
                   "企业投入金额应为 8 万元，请更正"]
