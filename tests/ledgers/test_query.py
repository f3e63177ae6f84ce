"""The query on SQLite and PostgreSQL: Chinese substring search, filters, counts and sums per kind
and year, and who sees what (a liaison: its own, its partnerships, others' confirmed entries)."""
from __future__ import annotations

import pytest

from core import db
from core.auth import acting_as
from core.ledgers import entries, query, reconcile
from core.ledgers.entries import PartnerInput
from core.ledgers.query import LedgerFilter
from tests.conftest import make_indicator, make_member, make_user


@pytest.fixture
def data(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        school = make_member(session, name="齐鲁测试技师学院", unit_type="school", city="济南市")
        school2 = make_member(session, name="潍坊测试技师学院", unit_type="school", city="潍坊市")
        firm = make_member(session, name="济南测试机床有限公司", unit_type="enterprise", city="济南市")
        other = make_member(session, name="青岛测试重工有限公司", unit_type="enterprise", city="青岛市")
        people = {name: acting_as(make_user(session, role="member", member_id=unit.id))
                  for name, unit in (("school", school), ("school2", school2), ("firm", firm), ("other", other))}
        people["council"] = acting_as(make_user(session, role="council"))
        people["secretariat"] = acting_as(make_user(session, role="secretariat"))
        make_indicator(session, "S01", reporters=("school",))
        add = lambda who, unit, **kw: entries.create(session, people[who], member_id=unit.id, **kw)
        ids = {
            "cnc": add("school", school, kind="order_class", year=2021, title="数控技术订单班",
                       partners=[PartnerInput(firm.id)], fields={"students": 40, "enterprise_input": "5万元"}).id,
            "robot": add("school", school, kind="order_class", year=2020, title="工业机器人冠名班",
                         partners=[PartnerInput(other.id)], fields={"students": 30}).id,
            "draft": add("school2", school2, kind="order_class", year=2021, title="焊接订单班（草稿）",
                         partners=[PartnerInput(firm.id)], fields={"students": 25}, draft=True).id,
            "contest": add("school2", school2, kind="competition", year=2021, title="数控车赛项 100%",
                           fields={"first": 2, "second": 1}).id,
            "service": add("secretariat", school2, kind="tech_service", year=2021, title="液压工艺优化",
                           partners=[PartnerInput(firm.id)], fields={"leader": "王数控", "received": 12.5}).id,
        }
        robot_partner = entries.partners_of(session, ids["robot"])[0]
        entries.confirm(session, people["other"], entry_id=ids["robot"], partner_id=robot_partner.id,
                        expected_version=1)
    yield engine, people, ids, {"school": school.id, "firm": firm.id, "other": other.id, "school2": school2.id}
    engine.dispose()


def _ids(engine, who, flt=LedgerFilter()):
    with db.session_scope(engine, write=False) as session:
        return set(query.search(session, who, flt)["id"])


def test_search_finds_a_chinese_substring_in_names_partners_and_people(data):
    engine, people, ids, units = data
    council = people["council"]
    assert _ids(engine, council, LedgerFilter(text="数控")) == {ids["cnc"], ids["contest"], ids["service"]}
    assert _ids(engine, council, LedgerFilter(text="机床")) == {ids["cnc"], ids["draft"], ids["service"]}
    assert _ids(engine, council, LedgerFilter(text="数控 订单")) == {ids["cnc"]}
    assert _ids(engine, council, LedgerFilter(text="１００%")) == {ids["contest"]}  # full-width folded, % literal
    assert _ids(engine, council, LedgerFilter(text="%")) == {ids["contest"]}
    assert _ids(engine, council, LedgerFilter(text="_")) == set()


def test_filters_by_kind_year_unit_partner_type_city_status(data):
    engine, people, ids, units = data
    council = people["council"]
    assert _ids(engine, council, LedgerFilter(kinds=("order_class",), years=(2021,))) == {ids["cnc"], ids["draft"]}
    assert _ids(engine, council, LedgerFilter(partner_ids=(units["other"],))) == {ids["robot"]}
    assert _ids(engine, council, LedgerFilter(member_ids=(units["school2"],), statuses=("recorded",))) == {ids["contest"]}
    assert _ids(engine, council, LedgerFilter(cities=("潍坊市",))) == {ids["draft"], ids["contest"], ids["service"]}
    assert _ids(engine, council, LedgerFilter(unit_types=("enterprise",))) == set()


def test_a_liaison_sees_its_own_its_partnerships_and_others_confirmed_entries(data):
    engine, people, ids, units = data
    assert _ids(engine, people["school"]) == {ids["cnc"], ids["robot"], ids["contest"]}
    assert _ids(engine, people["firm"]) == {ids["cnc"], ids["robot"], ids["contest"], ids["service"]}
    assert _ids(engine, people["other"]) == {ids["robot"], ids["contest"]}
    assert _ids(engine, people["school2"]) == set(ids.values()) - {ids["cnc"]}
    assert _ids(engine, people["secretariat"]) == set(ids.values())
    with db.session_scope(engine, write=False) as session:
        assert query.count(session, people["other"]) == 2


def test_counts_and_sums_per_kind_and_year(data):
    engine, people, ids, units = data
    with db.session_scope(engine, write=False) as session:
        summary = query.summary(session, people["council"])
    rows = {(r.kind, r.year): (r.count, r.quantity, r.amount_fen) for r in summary.itertuples()}
    assert rows[("order_class", 2021)][:2] == (2, 65)
    assert rows[("order_class", 2021)][2] == 5_000_000
    assert rows[("competition", 2021)][:2] == (1, 3)
    assert rows[("tech_service", 2021)][2] == 12_500_000  # 12.5 万元, exactly


def test_the_ledger_figure_of_a_linked_indicator(data):
    engine, people, ids, units = data
    with db.session_scope(engine) as session:
        from sqlmodel import select

        from core.models import Indicator
        s01 = session.exec(select(Indicator).where(Indicator.code == "S01")).one()
        reconcile.link(session, people["secretariat"], indicator_id=s01.id, kind="order_class", field="students")
    with db.session_scope(engine, write=False) as session:
        figures = reconcile.figures_for(session, people["school"], member_id=units["school"], year=2021)
    assert figures[s01.id]["ledger"] == 40


def test_the_tally_follows_every_write(data):
    engine, people, ids, units = data
    from sqlmodel import select

    from core.ledgers import tally
    from core.models import LedgerEntry, LedgerTally

    def live(session):
        rows = session.exec(select(LedgerEntry.kind, LedgerEntry.year, LedgerEntry.status, LedgerEntry.quantity,
                                   LedgerEntry.amount_fen)).all()
        found: dict = {}
        for kind, year, status, quantity, amount in rows:
            count, q, a = found.get((kind, year, status), (0, 0.0, 0))
            found[kind, year, status] = (count + 1, q + (quantity or 0), a + (amount or 0))
        return found

    def kept(session):
        return {(t.kind, t.year, t.status): (t.entries, t.quantity, t.amount_fen)
                for t in session.exec(select(LedgerTally)).all()}

    with db.session_scope(engine, write=False) as session:
        assert kept(session) == live(session)
    with db.session_scope(engine) as session:  # a change of year, a deletion, a confirmation
        entry = session.get(LedgerEntry, ids["cnc"])
        entries.update(session, people["school"], entry_id=entry.id, expected_version=entry.version,
                       title=entry.title, year=2019, partners=[PartnerInput(units["firm"])],
                       fields={"students": 41})
        contest = session.get(LedgerEntry, ids["contest"])
        entries.delete(session, people["school2"], entry_id=contest.id, expected_version=contest.version)
    with db.session_scope(engine) as session:
        partner = entries.partners_of(session, ids["cnc"])[0]
        entries.confirm(session, people["firm"], entry_id=ids["cnc"], partner_id=partner.id,
                        expected_version=session.get(LedgerEntry, ids["cnc"]).version)
    with db.session_scope(engine, write=False) as session:
        assert kept(session) == live(session)
        summary = query.summary(session, people["council"])
        filtered = query.summary(session, people["council"], LedgerFilter(years=(2019,)))
    assert set(summary["kind"] + summary["year"].astype(str)) >= {"order_class2019"}
    assert filtered.iloc[0]["count"] == 1 and filtered.iloc[0]["quantity"] == 41
    with db.session_scope(engine) as session:
        tally.refresh_all(session)
    with db.session_scope(engine, write=False) as session:
        assert kept(session) == live(session)


def test_a_capped_count_stops_past_its_cap_for_every_role(data):
    engine, people, _ids, _units = data
    with db.session_scope(engine, write=False) as session:
        for who in ("council", "secretariat", "school", "school2", "firm"):
            for word in ("数控", "订单", ""):
                flt = LedgerFilter(text=word)
                found = query.count(session, people[who], flt)
                assert found == len(query.search(session, people[who], flt)) and found >= 1, (who, word)
                assert query.count(session, people[who], flt, cap=found) == found  # at the cap: exact
                assert query.count(session, people[who], flt, cap=found - 1) == found  # past it: cap + 1
                assert query.count(session, people[who], flt, cap=0) == 1
