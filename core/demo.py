"""The reproducible demo group (fixed seed), written in one transaction.

Everything is drawn from one `random.Random(seed)`, so the same seed and day give the same group.
Dates are computed from the day it is loaded (core/demo_plan.py): the case study's 2019-2021
plan is history, the current plan and this year's reporting are under way.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from core import audit, credit_code, demo_data as D, demo_files, demo_plan
from core.auth import hash_password
from core.demo_names_en import COUNCIL_TERMS_EN
from core.demo_plan import DemoCalendar
from core.models import (
    Attachment,
    CouncilSeat,
    CouncilTerm,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    MemberStatus,
    MemberStatusChange,
    MemberType,
    MemberUnit,
    Message,
    Post,
    ReadReceipt,
    ReportingWindow,
    Role,
    Setting,
    StaffMember,
    Submission,
    Topic,
    User,
    ValueStatus,
)
from core.settings import DEFAULT_SETTINGS
from core.timeutil import china_today

DEMO_SEED = 20131018  # the group's founding day
DEMO_PASSWORD = "demo1234"
DEMO_ACCOUNTS = [
    ("demo-admin", "系统管理员（演示）", Role.ADMIN),
    # Before demo-secretariat: maps of role -> account (tests, the builder) keep the office's account.
    ("demo-director", "秘书处主任（演示）", Role.SECRETARIAT),
    ("demo-secretariat", "秘书处办公室（演示）", Role.SECRETARIAT),
    ("demo-council", "理事长（演示）", Role.COUNCIL),
    ("demo-member", "劳动职院联络员（演示）", Role.MEMBER),
]
FOUNDED = date(2013, 10, 18)
_CREDIT_PREFIX = {
    MemberType.GOVERNMENT: "11", MemberType.ASSOCIATION: "51", MemberType.SCHOOL: "12",
    MemberType.ENTERPRISE: "91", MemberType.RESEARCH: "12", MemberType.OTHER: "52",
}


def _utc(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


@dataclass
class _Builder:
    session: Session
    rng: random.Random
    rounds: int
    calendar: DemoCalendar
    members: list[MemberUnit] = field(default_factory=list)
    staff: dict[str, list[StaffMember]] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    levels: dict[tuple[int, str], float] = field(default_factory=dict)
    reported: dict[tuple[int, str], float] = field(default_factory=dict)  # the last year's values

    @staticmethod
    def utc(day: date, hour: int = 9) -> datetime:
        return _utc(day, hour)

    def person(self) -> str:
        return self.rng.choice(D.SURNAMES) + self.rng.choice(D.GIVEN)

    def add(self, row):
        self.session.add(row)
        return row

    # ------------------------------------------------------------ members
    def _credit_code(self, unit_type: str, city: str) -> str:
        body = "".join(self.rng.choice("0123456789") for _ in range(8))
        return credit_code.make(_CREDIT_PREFIX[unit_type], D.CITIES[city], body)

    def _member(self, name, short, city, unit_type, joined, *, lead=False) -> MemberUnit:
        contact = self.person()
        unit = self.add(MemberUnit(
            credit_code=self._credit_code(unit_type, city), name=name, short_name=short,
            unit_type=unit_type, city=city, status=MemberStatus.ACTIVE, joined_on=joined,
            contact_name=contact, contact_title=self.rng.choice(D.CONTACT_TITLES),
            contact_phone=f"0{self.rng.randint(531, 546)}-{self.rng.randint(80000000, 89999999)}",
            contact_email=f"contact{len(self.members) + 1:02d}@demo.example.cn",
            address=f"{city}{self.rng.choice(['高新区', '经开区', '市中区', '历城区'])}"
                    f"{self.rng.randint(1, 999)}号",
            is_lead=lead, is_demo=True,
            description="集团牵头单位、秘书处所在单位" if lead else "",
        ))
        self.members.append(unit)
        return unit

    def _joined(self) -> date:
        # Most units founded the group; the rest joined over the following years.
        if self.rng.random() < 0.55:
            return FOUNDED
        year = self.rng.randint(2014, self.calendar.reporting_year - 1)
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def members_and_history(self) -> None:
        self._member(*D.LEAD_SCHOOL, MemberType.SCHOOL, FOUNDED, lead=True)
        for unit_type, rows in ((MemberType.GOVERNMENT, D.GOVERNMENT),
                                (MemberType.ASSOCIATION, D.ASSOCIATION),
                                (MemberType.SCHOOL, D.SCHOOL), (MemberType.RESEARCH, D.RESEARCH),
                                (MemberType.OTHER, D.OTHER)):
            for name, short, city in rows:
                self._member(name, short, city, unit_type, self._joined())
        cities = [c for c, w in D.ENTERPRISE_CITY_WEIGHTS.items() for _ in range(w)]
        used: set[str] = set()
        for brand in D.ENTERPRISE_BRANDS:
            trade = self.rng.choice(D.ENTERPRISE_TRADES)
            city = self.rng.choice(cities)
            name = f"{city.removesuffix('市')}{brand}{trade}{self.rng.choice(D.ENTERPRISE_SUFFIXES)}"
            if name in used:
                name = f"山东{brand}{trade}有限公司"
            used.add(name)
            self._member(name, f"{brand}{trade[:2]}", city, MemberType.ENTERPRISE, self._joined())
        self.session.flush()
        for unit in self.members:
            self.add(MemberStatusChange(member_id=unit.id, from_status="",
                                        to_status=MemberStatus.ACTIVE, effective_on=unit.joined_on,
                                        reason="创始成员单位" if unit.joined_on == FOUNDED
                                        else "申请加入，理事会审议通过"))
        # A realistic lifecycle: two exits, one suspension, one pending application.
        enterprises = [m for m in self.members if m.unit_type == MemberType.ENTERPRISE]
        for unit, status, day, reason in (
            (enterprises[-1], MemberStatus.EXITED, date(2020, 12, 15), "企业转产，申请退出集团"),
            (enterprises[-2], MemberStatus.EXITED, date(2021, 6, 30), "连续两年未参加集团活动"),
            (enterprises[-3], MemberStatus.SUSPENDED, self.calendar.today - timedelta(days=95),
             "未按时报送上年度数据"),
        ):
            self.add(MemberStatusChange(member_id=unit.id, from_status=unit.status,
                                        to_status=status, effective_on=day, reason=reason))
            unit.status, unit.status_reason = status, reason
            if status == MemberStatus.EXITED:
                unit.exited_on = day
        applicant = enterprises[-4]
        applicant.status, applicant.joined_on = MemberStatus.APPLICANT, None
        applicant.status_reason = f"{self.calendar.today.year} 年提交入会申请，待理事会审议"
        self.session.flush()

    # ------------------------------------------------------------ council and secretariat
    def council(self) -> None:
        first = self.add(CouncilTerm(number=1, name="第一届理事会", name_en=COUNCIL_TERMS_EN[1],
                                     started_on=FOUNDED, ended_on=date(2018, 6, 14)))
        second = self.add(CouncilTerm(number=2, name="第二届理事会", name_en=COUNCIL_TERMS_EN[2],
                                      started_on=date(2018, 6, 15), ended_on=date(2023, 6, 15)))
        third = self.add(CouncilTerm(number=3, name="第三届理事会", name_en=COUNCIL_TERMS_EN[3],
                                     started_on=date(2023, 6, 16)))
        self.session.flush()
        lead = self.members[0]
        by_type = {t: [m for m in self.members[1:] if m.unit_type == t and m.joined_on
                       and m.joined_on <= date(2018, 6, 15)] for t in MemberType}
        vice = by_type[MemberType.ASSOCIATION][:2] + by_type[MemberType.SCHOOL][:2] + \
            by_type[MemberType.ENTERPRISE][:3]
        standing = by_type[MemberType.SCHOOL][2:6] + by_type[MemberType.ENTERPRISE][3:11] + \
            by_type[MemberType.RESEARCH][:1]
        directors = [m for m in self.members[1:] if m.joined_on and m.joined_on <= date(2018, 6, 15)
                     and m not in vice and m not in standing]
        order = 0
        later = [m for m in self.members[1:] if m.joined_on and date(2018, 6, 15) < m.joined_on <= date(2023, 6, 16)
                 and m.status == MemberStatus.ACTIVE]
        for term, scale in ((first, 0.6), (second, 1.0), (third, 1.0)):
            if term is third:  # five years on: units that left step down, those that joined since sit
                directors = [m for m in directors if m.status == MemberStatus.ACTIVE] + later
            seats = [(lead, "chair", "院长"), (lead, "secretary_general", "副院长")]
            seats += [(m, "vice_chair", "副会长" if m.unit_type == MemberType.ASSOCIATION
                       else ("副院长" if m.unit_type == MemberType.SCHOOL else "总经理"))
                      for m in vice[: max(3, int(len(vice) * scale))]]
            seats += [(m, "standing_director", "负责人") for m in standing[: int(len(standing) * scale)]]
            seats += [(m, "director", "负责人") for m in directors[: int(len(directors) * scale)]]
            for unit, role, title in seats:
                order += 1
                self.add(CouncilSeat(term_id=term.id, member_id=unit.id, seat_role=role,
                                     person_name=self.person(), person_title=title, sort_order=order))

    def secretariat(self) -> None:
        for order, (position, duty, duties) in enumerate(D.SECRETARIAT_OFFICE, start=1):
            staff = self.add(StaffMember(name=self.person(), position=position, duty_area=duty,
                                         duties=duties, phone=f"0531-8{self.rng.randint(1000000, 9999999)}",
                                         email=f"mishuchu{order:02d}@demo.example.cn",
                                         sort_order=order))
            self.staff.setdefault(duty, []).append(staff)
        self.session.flush()

    # ------------------------------------------------------------ accounts
    def accounts(self) -> None:
        password_hash = hash_password(DEMO_PASSWORD, rounds=self.rounds)
        named = {}
        for username, name, role in DEMO_ACCOUNTS:
            user = self.add(User(username=username, display_name=name, role=role,
                                 member_id=self.members[0].id if role == Role.MEMBER else None,
                                 password_hash=password_hash,
                                 sessions_valid_after=_utc(date(2019, 1, 1))))  # before any demo login
            self.users[role] = user
            named[username] = user
        self.session.flush()
        # The office account keeps the books as the office's finance staff; the director, a separate
        # account, approves expenses above the threshold, so no one approves what they recorded.
        self.staff["leadership"][0].user_id = named["demo-director"].id
        self.staff["finance"][0].user_id = named["demo-secretariat"].id

    # ------------------------------------------------------------ plan
    def plan(self) -> None:
        demo_plan.past_plan(self)
        demo_plan.current_plan(self)

    # ------------------------------------------------------------ indicators
    def indicator_catalogue(self) -> None:
        for order, row in enumerate(D.INDICATORS, start=1):
            code, zh, en, unit_zh, unit_en, reporters, category, lo, hi, decimals, _, formula = row
            self.indicators[code] = self.add(Indicator(
                code=code, name_zh=zh, name_en=en, unit_zh=unit_zh, unit_en=unit_en,
                category=category, reporter_types=reporters, min_value=lo, max_value=hi,
                decimals=decimals, formula=formula,
                aggregation="latest" if code == "G01" else ("average" if formula else "sum"),
                sort_order=order))
        for year in self.calendar.years:
            opens_on, deadline = self.calendar.window(year)
            self.add(ReportingWindow(year=year, opens_on=opens_on, deadline=deadline))
        self.session.flush()

    def _active_in(self, unit: MemberUnit, year: int) -> bool:
        return bool(unit.joined_on and unit.joined_on.year <= year
                    and (unit.exited_on is None or unit.exited_on.year > year))

    def _unit_values(self, unit: MemberUnit, year: int, size: float) -> dict[str, float]:
        growth = 1 + 0.08 * (year - demo_plan.FIRST_YEAR) + self.rng.uniform(-0.06, 0.06)
        values: dict[str, float] = {}
        for row in D.INDICATORS:
            code, reporters, decimals, base = row[0], row[5], row[9], row[10]
            if unit.unit_type not in reporters or not base:
                continue
            # A unit's own level per indicator, then modest year-on-year noise: real reports
            # rarely swing past the change that needs a comment.
            level = self.levels.setdefault((unit.id, code), self.rng.uniform(0.7, 1.3))
            raw = base * size * growth * level * self.rng.uniform(0.94, 1.06)
            values[code] = round(raw, decimals) if decimals else float(round(raw))
        for part, whole, low, high in (("S04", "S03", 0.35, 0.7), ("S06", "S05", 0.2, 0.45),
                                       ("E02", "E01", 0.5, 0.95), ("E06", "E03", 0.3, 0.8)):
            if whole in values:  # each unit's own share, steady from year to year
                share = self.levels.setdefault((unit.id, part), self.rng.uniform(low, high))
                values[part] = float(round(values[whole] * share * self.rng.uniform(0.96, 1.0)))
        return values

    def indicator_values(self) -> None:
        sizes = {m.id: (3.0 if m.is_lead else self.rng.uniform(0.4, 1.6)) for m in self.members}
        totals: dict[tuple[str, int], float] = {}
        now = self.calendar.reporting_year
        for year in self.calendar.years:
            active = [m for m in self.members if self._active_in(m, year)]
            reports = {unit.id: self._unit_values(unit, year, sizes[unit.id]) for unit in active}
            lead = next(unit for unit in active if unit.is_lead)
            reports[lead.id]["G01"] = float(len(active))
            self._mirror(year, reports)
            reporting = [unit for unit in active if reports[unit.id]]
            statuses = (self._statuses_now(reporting) if year == now
                        else {unit.id: self._past_status() for unit in reporting})
            for unit in reporting:
                if statuses[unit.id] is not None:
                    self._report(unit, year, statuses[unit.id], reports[unit.id], totals)
        for (code, year), total in totals.items():
            if code == "G01" or year == now:
                continue
            target = total * self.rng.uniform(0.88, 1.12)  # some met, some near, some missed
            self.add(IndicatorTarget(indicator_id=self.indicators[code].id, year=year,
                                     target_value=round(target, -1) if target > 100 else round(target, 1)))
            if year == now - 1:  # this year's targets, set from last year's totals
                ahead = total * self.rng.uniform(1.02, 1.1)
                self.add(IndicatorTarget(indicator_id=self.indicators[code].id, year=now,
                                         target_value=round(ahead, -1) if ahead > 100 else round(ahead, 1)))
        for year in self.calendar.years:
            step = year - demo_plan.FIRST_YEAR
            for code, goal in (("G01", 60 + step), ("D01", min(60, 25 + 2 * step)), ("D02", min(90, 50 + 3 * step))):
                self.add(IndicatorTarget(indicator_id=self.indicators[code].id, year=year, target_value=goal))

    def _report(self, unit: MemberUnit, year: int, status: str, values: dict[str, float], totals: dict) -> None:
        """One unit's report of a year: its submission and values, dated within the year's window."""
        opens_on, deadline = self.calendar.window(year)
        if year == self.calendar.reporting_year:  # reported since the window opened
            submitted = opens_on + timedelta(days=self.rng.randint(1, max(1, (self.calendar.today - opens_on).days - 1)))
            reviewed = min(self.calendar.today, submitted + timedelta(days=self.rng.randint(1, 4)))
        else:
            submitted = deadline - timedelta(days=self.rng.randint(-25, 80))
            reviewed = submitted + timedelta(days=7)
        if status == ValueStatus.DRAFT:  # started, not finished: some figures still to fill in
            values = {code: value for code, value in values.items() if self.rng.random() < 0.7}
        decided = status in (ValueStatus.APPROVED, ValueStatus.REJECTED)
        self.add(Submission(
            member_id=unit.id, year=year, status=status,
            submitted_at=None if status == ValueStatus.DRAFT else _utc(submitted, 10),
            submitted_by=None,
            on_time=None if status == ValueStatus.DRAFT else submitted <= deadline,
            reviewed_at=_utc(reviewed) if decided else None,
            reviewed_by=self.users[Role.SECRETARIAT].id if decided else None,
            review_reason="顶岗实习人数与企业接收数差异较大，请核实后重新提交"
            if status == ValueStatus.REJECTED else ""))
        for code, value in values.items():
            before = self.reported.get((unit.id, code))
            # As liaisons do: a comment beside every change large enough to need one.
            comment = D.CHANGE_COMMENTS[code[0]] if before and abs(value - before) > 0.5 * before else ""
            self.reported[unit.id, code] = value
            self.add(IndicatorValue(member_id=unit.id, indicator_id=self.indicators[code].id,
                                    year=year, value=value, status=status, comment=comment,
                                    updated_at=_utc(submitted, 10)))
            if status == ValueStatus.APPROVED:
                totals[code, year] = totals.get((code, year), 0) + value

    def _mirror(self, year: int, reports: dict[int, dict[str, float]]) -> None:
        """Make the enterprises' side of each two-sided flow add up to about the schools' side.

        One flow in 2020 (graduates hired) is left 40 % short, so the mirror check has a finding.
        """
        for school_code, firm_code in (("S04", "E02"), ("S09", "E07"), ("S06", "E06")):
            sent = sum(values.get(school_code, 0) for values in reports.values())
            firms = [values for values in reports.values() if "E01" in values]
            weights = [self.levels.setdefault((unit_id, firm_code), self.rng.uniform(0.5, 1.5))
                       for unit_id, values in reports.items() if "E01" in values]
            share = 0.6 if (year, firm_code) == (2020, "E06") else self.rng.uniform(0.92, 1.06)
            for values, weight in zip(firms, weights):
                values[firm_code] = float(round(sent * share * weight / sum(weights)))
        for values in reports.values():
            if "E01" in values:  # places offered are never fewer than interns received
                values["E01"] = max(values["E01"], float(round(values["E02"] / self.rng.uniform(0.7, 0.95))))

    def _past_status(self) -> str | None:
        """A past year: nearly every unit approved, a few never reported."""
        return ValueStatus.APPROVED if self.rng.random() < 0.96 else None

    def _statuses_now(self, units: list[MemberUnit]) -> dict[int, str | None]:
        """The year being reported, as far through its window as today is: a few schools already
        approved, some reports waiting for review, one sent back, drafts, most still to come.
        The demo liaison's unit (the lead school) has a draft to finish."""
        share = self.calendar.elapsed
        count = len(units)
        plan = ([ValueStatus.APPROVED] * max(2, round(count * share * 0.5))
                + [ValueStatus.SUBMITTED] * max(3, round(count * share * 0.4)) + [ValueStatus.REJECTED]
                + [ValueStatus.DRAFT] * max(3, round(count * share * 0.6)))
        others = [u for u in units if not u.is_lead]
        self.rng.shuffle(others)
        # Schools report before enterprises (so the mirror check has one side in, not both).
        others.sort(key=lambda u: u.unit_type != MemberType.SCHOOL)
        statuses: dict[int, str | None] = {u.id: None for u in units}
        for unit, status in zip(others, plan):
            statuses[unit.id] = status
        statuses.update({u.id: ValueStatus.DRAFT for u in units if u.is_lead})
        return statuses

    # ------------------------------------------------------------ ledgers
    def ledgers(self) -> None:
        from core.ledgers import demo_ledgers

        demo_ledgers.build(self.session, self.rng, self.members, author=self.users[Role.SECRETARIAT].id,
                           person=self.person, years=self.calendar.years)

    # ------------------------------------------------------------ messages
    def messages(self) -> None:
        author = self.users[Role.SECRETARIAT].id
        for category, title, body, day, _pinned, public in D.NOTICES:  # history: no longer pinned
            message = self.add(Message(category=category, title=title, body=body,
                                       author_user_id=author, audience={"everyone": True},
                                       pinned=False, is_public=public,
                                       publish_at=_utc(date.fromisoformat(day)),
                                       created_at=_utc(date.fromisoformat(day)),
                                       updated_at=_utc(date.fromisoformat(day))))
            self.session.flush()
            if category == "document":
                content = demo_files.tiny_pdf("实施方案（2019-2021）")
                self.add(Attachment(owner_kind="message", owner_id=message.id,
                                    filename="实施方案（2019-2021）.pdf", mime_type="application/pdf",
                                    size_bytes=len(content), sha256=demo_files.sha256(content),
                                    content=content, uploaded_by=author))
            for role in (Role.COUNCIL, Role.ADMIN):
                if self.rng.random() < 0.7:
                    self.add(ReadReceipt(message_id=message.id, user_id=self.users[role].id,
                                         read_at=_utc(date.fromisoformat(day) + timedelta(days=1))))
        self._targeted_notices(author)
        self._recent_notices(author)
        posters = [self.users[Role.MEMBER].id, self.users[Role.SECRETARIAT].id,
                   self.users[Role.COUNCIL].id]
        for index, (board, title, posts) in enumerate(D.TOPICS):  # threads of the last months
            day = _utc(self.calendar.today - timedelta(days=75 - 17 * index))
            topic = self.add(Topic(board=board, title=title, author_user_id=posters[0],
                                   created_at=day, last_post_at=day + timedelta(days=len(posts))))
            self.session.flush()
            for offset, body in enumerate(posts):
                self.add(Post(topic_id=topic.id, author_user_id=posters[offset % len(posters)],
                              body=body, created_at=day + timedelta(days=offset)))

    def _recent_notices(self, author: int) -> None:
        """Notices of the last weeks: this year's reporting, the current plan, a council meeting
        coming up. The council and admin have read some; the demo liaison none yet."""
        today, year = self.calendar.today, self.calendar.reporting_year
        start, end = self.calendar.plan_years
        opens_on, deadline = self.calendar.window(year)
        words = {"year": year, "deadline": _chinese_date(deadline),
                 "start": start, "end": end, "today_year": today.year, "issue": (today.month + 2) // 3 + 4,
                 "meeting": _chinese_date(today + timedelta(days=12))}
        audiences = {"everyone": {"everyone": True}, "council": {"roles": [Role.COUNCIL, Role.SECRETARIAT]},
                     "schools": {"member_types": [MemberType.SCHOOL]}}
        for category, title, body, when, pinned, public, kind in D.RECENT_NOTICES:
            day = opens_on if when == "window" else date(start, 3, 18) if when == "plan" \
                else today - timedelta(days=when)
            at = _utc(day, 10)
            message = self.add(Message(category=category, title=title.format(**words), body=body.format(**words),
                                       author_user_id=author, audience=audiences[kind], pinned=pinned,
                                       is_public=public, publish_at=at, created_at=at, updated_at=at))
            self.session.flush()
            for role in (Role.COUNCIL, Role.ADMIN):
                if when != 9 and self.rng.random() < 0.5:  # the coming meeting is news to everyone
                    self.add(ReadReceipt(message_id=message.id, user_id=self.users[role].id,
                                         read_at=at + timedelta(hours=20)))

    def _targeted_notices(self, author: int) -> None:
        """Notices for part of the group, some with files: roles, unit types, chosen units."""
        enterprises = [m.id for m in self.members if m.unit_type == MemberType.ENTERPRISE][:2]
        audiences = {"council": {"roles": [Role.COUNCIL, Role.SECRETARIAT]},
                     "schools": {"member_types": [MemberType.SCHOOL]},
                     "enterprises": {"member_types": [MemberType.ENTERPRISE]},
                     "units": {"member_ids": sorted([self.members[0].id, *enterprises])}}
        for category, title, body, day, kind, attachment in D.TARGETED_NOTICES:
            when = _utc(date.fromisoformat(day))
            message = self.add(Message(category=category, title=title, body=body,
                                       author_user_id=author, audience=audiences[kind],
                                       publish_at=when, created_at=when, updated_at=when))
            self.session.flush()
            if attachment:
                filename, kind_of_file = attachment
                named = filename.rsplit(".", 1)[0]  # the file's own title, not the notice's
                content = demo_files.tiny_docx(named) if kind_of_file == "docx" else demo_files.tiny_pdf(named)
                mime = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                        if kind_of_file == "docx" else "application/pdf")
                self.add(Attachment(owner_kind="message", owner_id=message.id, filename=filename,
                                    mime_type=mime, size_bytes=len(content),
                                    sha256=demo_files.sha256(content), content=content, uploaded_by=author))

    def settings(self) -> None:
        values = dict(DEFAULT_SETTINGS, demo_loaded=True, reporting_year=self.calendar.reporting_year)
        for key, value in values.items():
            self.add(Setting(key=key, value=value))


def _chinese_date(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


def seed_demo(session: Session, *, seed: int = DEMO_SEED, rounds: int = 12, today: date | None = None) -> dict:
    """Write the demo group into an empty database, dated from `today` (China time by default);
    returns counts for the CLI's summary."""
    builder = _Builder(session=session, rng=random.Random(seed), rounds=rounds,
                       calendar=DemoCalendar(today or china_today()))
    builder.members_and_history()
    builder.council()
    builder.secretariat()
    builder.accounts()
    builder.plan()
    builder.indicator_catalogue()
    builder.indicator_values()
    builder.ledgers()
    builder.messages()
    builder.settings()
    from core.meetings import demo_meetings  # the meetings wing writes its own demo
    demo_meetings.build(session, today=today or china_today())
    from core.reports import demo_reports  # the reports wing writes its own demo
    demo_reports.build(session, today=today or china_today())
    from core.assessment import demo_assessment  # the assessment wing writes its own demo
    demo_assessment.build(session, today=today or china_today())
    from core.resources import demo_resources  # the resources wing writes its own demo
    demo_resources.build(session, today=today or china_today())
    from core.archive import demo_archive  # the archive wing files its own demo documents
    demo_archive.build(session, today=today or china_today())
    from core.funds import demo_funds  # the funds wing writes its own demo books
    demo_funds.build(session, today=today or china_today())
    from core.group import demo_committees  # the group wing's committees
    demo_committees.build(session, today=today or china_today())
    audit.record(session, action="demo_seeded", actor_name="system", detail=f"seed={seed}")
    session.flush()
    return {"members": len(builder.members), "users": len(builder.users),
            "indicators": len(builder.indicators)}
