"""The demo group's ledgers, telling the case study's story (called by core/demo.py).

Order classes with the group's enterprises whose students add up to each school's reported S01
(订单培养人数) — except at two schools in the last complete year, so the reconciliation has
findings; 齐鲁技能大师特色工作站 at the lead school; training for member enterprises and 1+X pilots;
a few entries disputed by their partner, a few waiting for confirmation, drafts. The years are the
demo's (2019 to the year being reported); all but the last two are locked.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlmodel import Session, select

from core import demo_data as D
from core.ledgers import search_index, tally
from core.ledgers.entries import headline, searchable
from core.ledgers.kinds import KINDS
from core.models import (
    Indicator,
    IndicatorValue,
    LedgerEntry,
    LedgerIndicatorLink,
    LedgerPartner,
    LedgerYearLock,
    MemberType,
    MemberUnit,
)
from core.timeutil import utcnow

YEARS = (2019, 2020, 2021)  # when called without the demo's years
OFF_UNITS = 2  # schools whose last-year S01 differs from their order classes


class _Writer:
    def __init__(self, session: Session, rng: random.Random, author: int, person, years: tuple[int, ...]) -> None:
        self.session, self.rng, self.author, self.person = session, rng, author, person
        self.years, self.last = years, years[-1]  # the last: being recorded now
        self.count = 0
        self.waiting: list[tuple[LedgerEntry, list]] = []  # added, not flushed yet (see flush)

    def status_for(self, year: int, disputable: bool) -> tuple[str, str]:
        """A member partner's decision: settled for past years; some open in the last one."""
        if year < self.last:
            return "confirmed", ""
        roll = self.rng.random()
        if roll < 0.08 and disputable:
            return "disputed", self.rng.choice(D.LEDGER_DISPUTES)
        return ("pending", "") if roll < 0.25 else ("confirmed", "")

    def add(self, kind: str, unit: MemberUnit, year: int, title: str, fields: dict, *,
            partners: list = (), description: str = "", draft: bool = False, start: date | None = None,
            open_: bool = False, disputable: bool = True) -> None:
        spec = KINDS[kind]
        start = start or date(year, self.rng.randint(2, 10), self.rng.randint(1, 28))
        extra = {k: v for k, v in fields.items() if v is not None}
        quantity, amount = headline(spec, extra)
        decisions = []
        for partner in partners:
            if draft or open_:  # open_: waiting for the partner's decision
                decisions.append(("pending", ""))
            elif isinstance(partner, MemberUnit):
                decisions.append(self.status_for(year, disputable))
            else:  # an outside organisation: the secretariat has confirmed most
                decisions.append(("confirmed", "") if year < self.last or self.rng.random() < 0.7 else ("pending", ""))
        confirmations = [d for d, _ in decisions]
        status = "draft" if draft else ("recorded" if not partners else "disputed" if "disputed" in confirmations
                                        else "confirmed" if all(c == "confirmed" for c in confirmations) else "pending")
        names = [p.name if isinstance(p, MemberUnit) else p[0] for p in partners]
        entry = LedgerEntry(kind=kind, title=title, member_id=unit.id, year=year, started_on=start,
                            ended_on=start + timedelta(days=self.rng.randint(30, 330)), extra=extra,
                            quantity=quantity, amount_fen=amount, description=description, status=status,
                            quantity_unit=spec.field(spec.quantity[0]).unit_zh if spec.quantity else "",
                            **searchable(spec, title=title, unit=unit.name, partners=names,
                                         description=description, extra=extra),
                            created_by=self.author, updated_by=self.author)
        self.session.add(entry)
        self.waiting.append((entry, list(zip(partners, decisions))))
        self.count += 1

    def flush(self) -> None:
        """Write the entries added so far in one flush (in the order added, so their ids are as
        one flush each would give), then their partners and index rows."""
        self.session.flush()
        for entry, decided in self.waiting:
            for partner, (decision, reason) in decided:
                member = partner if isinstance(partner, MemberUnit) else None
                self.session.add(LedgerPartner(
                    entry_id=entry.id, member_id=member.id if member else None,
                    name=member.name if member else partner[0],
                    credit_code=member.credit_code if member else partner[1],
                    confirmation=decision, reason=reason, decided_at=utcnow() if decision != "pending" else None))
        search_index.added(self.session, *(entry.id for entry, _ in self.waiting))
        self.waiting = []


def build(session: Session, rng: random.Random, members: list[MemberUnit], *, author: int, person,
          years: tuple[int, ...] = YEARS) -> int:
    """Write the demo's ledgers for `years` (the last is the year being recorded now); returns how
    many entries."""
    w = _Writer(session, rng, author, person, tuple(years))
    schools = [m for m in members if m.unit_type == MemberType.SCHOOL]
    lead = next(m for m in members if m.is_lead)
    firms = [m for m in members if m.unit_type == MemberType.ENTERPRISE and m.joined_on]
    s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).first()
    reported = {}
    if s01 is not None:
        reported = {(m, y): v for m, y, v in session.exec(select(
            IndicatorValue.member_id, IndicatorValue.year, IndicatorValue.value).where(
            IndicatorValue.indicator_id == s01.id)).all() if v}
    last = w.last
    checked = w.years[-2] if len(w.years) > 1 else last  # the last complete year: the findings
    off = [s.id for s in sorted(schools, key=lambda s: s.name) if not s.is_lead and (s.id, checked) in reported][:OFF_UNITS]
    for school in schools:
        for year in w.years:
            _order_classes(w, school, year, reported.get((school.id, year)), firms,
                           off=school.id in off and year == checked)
            _other_school_work(w, school, year, firms, lead)
    _lead_school(w, lead, firms)
    for firm in rng.sample(firms, 4):  # enterprises recording training the lead school gave them
        w.add("training", firm, last, f"{firm.short_name or firm.name[:4]}员工数控技能提升培训（委托劳动职院）",
              {"trainee_type": "staff", "people": rng.randint(20, 60), "hours": 40,
               "person_days": rng.randint(100, 300)}, partners=[lead], description="委托集团牵头单位开展岗位技能培训", open_=True)
    w.flush()
    if s01 is not None:
        session.add(LedgerIndicatorLink(indicator_id=s01.id, kind="order_class", field="students", tolerance_pct=5.0))
    for year in w.years[:-2]:  # reported and checked: locked
        session.add(LedgerYearLock(year=year, locked_by=author))
    session.flush()
    tally.refresh_all(session)
    return w.count


def _order_classes(w: _Writer, school: MemberUnit, year: int, students: float | None, firms, *, off: bool) -> None:
    if not students:
        return
    total = int(students)
    parts = w.rng.randint(1, 3) if total >= 60 else 1
    cuts = sorted(w.rng.sample(range(15, total - 14), parts - 1)) if parts > 1 and total > 40 else []
    sizes = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
    if off:  # one class never entered in the ledger: the reported figure is higher
        sizes = sizes[:-1] if len(sizes) > 1 else [round(total * 0.7)]
    for size in sizes:
        firm = w.rng.choice(firms)
        major = w.rng.choice(D.LEDGER_MAJORS)
        brand = (firm.short_name or firm.name)[:4]
        w.add("order_class", school, year, f"{brand}{major}订单班",
              {"major": major, "intake_year": year, "students": size,
               "enterprise_input": w.rng.randint(3, 30) * 1_000_000,
               "employed": round(size * w.rng.uniform(0.3, 0.8)) if year < w.last else None},
              partners=[firm], description=f"{firm.name}冠名，校企共同制定人才培养方案",
              start=date(year, 9, 1), disputable=False)  # S01 agrees with them, but at OFF_UNITS schools


def _other_school_work(w: _Writer, school: MemberUnit, year: int, firms, lead: MemberUnit) -> None:
    rng = w.rng
    firm = rng.choice(firms)
    major = rng.choice(D.LEDGER_MAJORS)
    if rng.random() < 0.5:
        w.add("apprenticeship", school, year, f"{major}现代学徒制试点",
              {"level": rng.choice(["provincial", "group", "national"]), "major": major,
               "apprentices": rng.randint(20, 45), "mentors": rng.randint(4, 12), "years": 3}, partners=[firm])
    if rng.random() < 0.5:
        w.add("teacher_practice", school, year, f"{major}教师企业实践", {
            "teacher": w.person(), "post": rng.choice(["工艺员", "设备维护", "质检"]), "days": rng.randint(20, 60)},
            partners=[rng.choice(firms)])
    if rng.random() < 0.4:
        contract = rng.randint(5, 60)
        w.add("tech_service", school, year, f"{rng.choice(D.ENTERPRISE_TRADES)}工艺优化技术服务", {
            "leader": w.person(), "service_type": "tech", "contract": contract * 1_000_000,
            "received": rng.randint(contract // 2, contract) * 1_000_000, "level": "school",
            "concluded": year < w.last, "converted": rng.random() < 0.3}, partners=[rng.choice(firms)])
    if rng.random() < 0.5:
        cert = rng.choice(D.LEDGER_CERTS)
        candidates = rng.randint(30, 90)
        w.add("cert_1x", school, year, f"{cert}职业技能等级证书", {
            "level": rng.choice(["junior", "middle"]), "candidates": candidates,
            "passed": round(candidates * rng.uniform(0.6, 0.95))}, partners=[rng.choice(D.LEDGER_CERT_BODIES)])
    if rng.random() < 0.35:
        w.add("competition", school, year, f"山东省职业院校技能大赛（{rng.choice(D.LEDGER_CONTESTS)}赛项）", {
            "level": "provincial", "held_on": date(year, 5, rng.randint(1, 28)).isoformat(),
            "participants": rng.randint(4, 12), "first": rng.randint(0, 1), "second": rng.randint(0, 2),
            "third": rng.randint(0, 3)})
    if rng.random() < 0.35:
        people = rng.randint(30, 120)
        w.add("training", school, year, f"{(firm.short_name or firm.name)[:4]}职工{major}技能提升培训", {
            "trainee_type": "staff", "people": people, "hours": rng.choice([24, 40, 56]),
            "person_days": people * rng.randint(3, 7), "certificates": round(people * 0.8),
            "cert_level": "中级工"}, partners=[firm])
    if rng.random() < 0.25:
        w.add("dual_appointment", school, year, w.person(), {
            "direction": "in", "post": "兼职教师", "appointed_on": date(year, 3, 1).isoformat(), "term_years": 2,
            "hours": rng.randint(40, 160)}, partners=[rng.choice(firms)])
    if year == w.last and rng.random() < 0.2:
        w.add("cooperation_project", school, year, f"{(firm.short_name or firm.name)[:4]}校企合作框架协议（草稿）", {
            "category": "other", "term_years": 3}, partners=[firm], draft=True)


def _lead_school(w: _Writer, lead: MemberUnit, firms) -> None:
    rng = w.rng
    for year in w.years:
        major = D.LEDGER_MAJORS[year % len(D.LEDGER_MAJORS)]
        w.add("teacher_practice", lead, year, f"齐鲁技能大师特色工作站（{major}）", {
            "teacher": w.person(), "post": "技能大师工作站驻站", "days": rng.randint(40, 90)},
            partners=[rng.choice(firms)], description="发挥技能大师工作站技术技能积累作用，联合技术攻关")
        w.add("training_base", lead, year, f"{major}校企共建实训基地", {
            "location": "on_campus", "productive": True, "host": lead.name, "majors": major,
            "stations": rng.randint(30, 60), "places": rng.randint(40, 80), "students": rng.randint(200, 500),
            "equipment": rng.randint(80, 600) * 1_000_000}, partners=[rng.choice(firms)])
        w.add("cooperation_project", lead, year, f"{major}产教融合合作项目", {
            "category": rng.choice(["apprenticeship", "order", "internship_base"]),
            "signed_on": date(year, 4, 10).isoformat(), "term_years": 3, "department": "机械工程系"},
            partners=[rng.choice(firms)])
        name, community_code = D.LEDGER_COMMUNITIES[year % len(D.LEDGER_COMMUNITIES)]
        w.add("community", lead, year, D.LEDGER_COMMUNITY_ACTIVITIES[year % 3], {
            "participants": rng.randint(15, 40), "beneficiaries": rng.randint(100, 600), "hours": 4.0},
            partners=[(name, community_code)])
        w.add("patent", lead, year, f"一种{rng.choice(D.ENTERPRISE_TRADES)}用快速定位夹具", {
            "patent_type": "utility", "inventors": f"{w.person()}、{w.person()}", "patentee": lead.name,
            "patent_no": f"ZL{year} 2 {rng.randint(10000000, 99999999)}.{rng.randint(0, 9)}",
            "granted_on": date(year, rng.randint(3, 12), 15).isoformat(), "converted": rng.random() < 0.4})
    for title, country, partner, kind in D.LEDGER_ABROAD:
        partners = [(partner, "")] if partner else [rng.choice(firms)]
        w.add("international", lead, w.last if kind != "exchange" else w.years[0], title, {
            "country": country, "coop_type": kind, "people": rng.randint(12, 60)}, partners=partners)
