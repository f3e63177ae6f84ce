"""Assessment core: rules, scheme checks, scores from the platform's data, adjustments, publication
that freezes, and a liaison who can never read another unit's score (in-memory SQLite)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core import auth
from core.assessment import rules, schemes, scores
from core.assessment.models import AssessmentResult, SchemeStatus
from core.errors import PermissionDenied, ValidationFailed
from core.models import AuditLog, LedgerEntry, LedgerPartner, Message, Submission
from tests.conftest import make_indicator, make_member, make_user

YEAR = 2025
ONE = [{"code": "R1", "name_zh": "按时报送", "source": "reporting", "rule": "levels",
        "params": {"on_time": 100, "late": 60, "missing": 0}, "weight": 60, "unit_type": ""},
       {"code": "L1", "name_zh": "确认台账", "source": "ledger_partner", "rule": "capped",
        "params": {"cap": 2}, "weight": 40, "unit_type": ""}]


@pytest.fixture
def group(session):
    return _group(session)


def _group(session):
    make_indicator(session, "S01", reporters=("school",))
    a = make_member(session, name="甲学校", unit_type="school", joined_on=date(2019, 1, 1))
    b = make_member(session, name="乙学校", unit_type="school", joined_on=date(2019, 1, 1))
    c = make_member(session, name="丙学校", unit_type="school", joined_on=date(2019, 1, 1))
    session.add(Submission(member_id=a.id, year=YEAR, status="approved", on_time=True))
    session.add(Submission(member_id=b.id, year=YEAR, status="submitted", on_time=False))
    entry = LedgerEntry(kind="order_class", title="数控订单班", member_id=c.id, year=YEAR, status="confirmed")
    session.add(entry)
    session.flush()
    session.add(LedgerPartner(entry_id=entry.id, member_id=a.id, confirmation="confirmed"))
    session.flush()
    staff = auth.acting_as(make_user(session, role="secretariat"))
    scheme = schemes.create_scheme(session, staff, year=YEAR, title="2025年度考核")
    schemes.save_criteria(session, staff, scheme.id, scheme.version, title=scheme.title, criteria=ONE)
    return {"a": a, "b": b, "c": c, "staff": staff, "scheme": scheme}


def test_rules_turn_measures_into_points():
    assert rules.points("levels", {"on_time": 100, "late": 60}, "late") == 60
    assert rules.points("capped", {"cap": 4}, 6) == 100 and rules.points("capped", {"cap": 4}, 1) == 25
    assert rules.points("ratio", {"full_at": 0.5}, 0.25) == 50
    assert rules.points("penalty", {"per": 30}, 4) == 0
    assert rules.points("ratio", {"full_at": 1}, None) is None


def test_a_criterion_that_does_not_apply_passes_its_weight_on():
    criteria = [{"code": "A", "rule": "ratio", "params": {"full_at": 1}, "weight": 50},
                {"code": "B", "rule": "capped", "params": {"cap": 2}, "weight": 50}]
    total, rows = rules.score(criteria, {"A": (None, {}), "B": (1, {})})
    assert total == 50 and rows[0]["weighted"] is None and rows[1]["weighted"] == 50


def test_params_are_read_as_people_write_them_and_a_bad_one_is_named():
    assert rules.parse_params("on_time=100；late = 60, missing=0") == {"on_time": 100, "late": 60, "missing": 0}
    with pytest.raises(ValidationFailed) as error:
        rules.parse_params("cap=five")
    assert error.value.params == {"part": "cap=five"}


def test_a_scheme_whose_weights_do_not_add_up_is_refused_with_every_problem(session, group):
    bad = [dict(ONE[0], weight=50), dict(ONE[1], rule="ratio", params={})]
    with pytest.raises(ValidationFailed) as error:
        schemes.save_criteria(session, group["staff"], group["scheme"].id, 2, title="x", criteria=bad)
    keys = [error.value.key] + [k for k, _ in error.value.more]
    assert keys == ["assessment.rule_mismatch", "assessment.weights_not_100"]


def test_scores_come_from_reporting_and_confirmed_ledgers(session, group):
    frame = scores.results(session, group["staff"], group["scheme"].id).set_index("member_id")
    assert frame.loc[group["a"].id, "total"] == 60 + 40 * 0.5   # on time, one confirmation of two
    assert frame.loc[group["b"].id, "total"] == 36               # late: 60 % of 60
    assert frame.loc[group["c"].id, "total"] == 0                # nothing reported
    assert frame.loc[group["a"].id, "rank"] == 1 and frame.loc[group["c"].id, "rank"] == 3


def test_an_adjustment_needs_a_reason_and_shows_apart_from_the_score(session, group):
    staff, scheme = group["staff"], group["scheme"]
    with pytest.raises(ValidationFailed):
        schemes.set_adjustment(session, staff, scheme.id, member_id=group["c"].id, points=5, reason="")
    schemes.set_adjustment(session, staff, scheme.id, member_id=group["c"].id, points=5, reason="承办技能大赛")
    row = scores.results(session, staff, scheme.id).set_index("member_id").loc[group["c"].id]
    assert (row["score"], row["adjustment"], row["total"], row["adjustment_reason"]) == (0, 5, 5, "承办技能大赛")
    assert session.exec(select(AuditLog).where(AuditLog.action == "assessment_adjusted")).one()


def test_publishing_freezes_the_scores_and_sends_a_notice_without_figures(session, group):
    staff, scheme = group["staff"], group["scheme"]
    assert schemes.publish(session, staff, scheme.id, scheme.version) == 3
    session.add(Submission(member_id=group["c"].id, year=YEAR, status="approved", on_time=True))
    session.flush()
    frozen = scores.results(session, staff, scheme.id).set_index("member_id")
    assert frozen.loc[group["c"].id, "total"] == 0  # later data does not move a published score
    assert len(session.exec(select(AssessmentResult)).all()) == 3
    assert session.get(type(scheme), scheme.id).status == SchemeStatus.PUBLISHED
    notice = session.get(Message, session.get(type(scheme), scheme.id).message_id)
    assert "甲学校" not in notice.body
    with pytest.raises(ValidationFailed):
        schemes.set_adjustment(session, staff, scheme.id, member_id=group["a"].id, points=1, reason="x")


def test_a_liaison_sees_its_own_score_and_band_and_never_another_units(session, group):
    liaison = auth.acting_as(make_user(session, role="member", member_id=group["a"].id))
    mine = scores.unit_scores(session, liaison, member_id=group["a"].id)
    assert [(e["year"], e["total"], e["band"]) for e in mine] == [(YEAR, 80, "top50")]
    assert all(set(r) == {"code", "value", "detail", "points", "weight", "weighted"} for r in mine[0]["breakdown"])
    with pytest.raises(PermissionDenied):
        scores.unit_scores(session, liaison, member_id=group["b"].id)
    with pytest.raises(PermissionDenied):
        scores.results(session, liaison, group["scheme"].id)
    with pytest.raises(PermissionDenied):
        scores.rows_behind(session, liaison, group["scheme"].id, member_id=group["b"].id, code="R1")


def test_to_improve_puts_the_most_lost_points_first(session, group):
    staff = group["staff"]
    entry = scores.unit_scores(session, staff, member_id=group["b"].id)[0]
    assert [i["code"] for i in scores.to_improve(entry)] == ["L1", "R1"]


def test_rows_behind_a_criterion_list_the_ledger_entries(session, group):
    rows = scores.rows_behind(session, group["staff"], group["scheme"].id, member_id=group["a"].id, code="L1")
    assert rows.to_dict("records")[0]["item"] == "数控订单班"


def test_the_network_links_units_by_confirmed_cooperation_only(session, group):
    from core.assessment import network

    d = make_member(session, name="丁企业", unit_type="enterprise", joined_on=date(2019, 1, 1))
    pending = LedgerEntry(kind="order_class", title="待确认", member_id=d.id, year=YEAR, status="pending")
    session.add(pending)
    session.flush()
    session.add(LedgerPartner(entry_id=pending.id, member_id=group["b"].id, confirmation="pending"))
    session.flush()
    liaison = auth.acting_as(make_user(session, role="member", member_id=d.id))
    net = network.network(session, liaison, year=YEAR)
    assert net.edges[["unit_a", "unit_b", "weight"]].values.tolist() == [["甲学校", "丙学校", 1]]
    assert sorted(net.isolated["unit"]) == ["丁企业", "乙学校"] and sorted(net.weak["unit"]) == ["丙学校", "甲学校"]
    assert network.partners(session, liaison, unit_id=group["c"].id, year=YEAR)["unit"].tolist() == ["甲学校"]
    row = network.figures(session, liaison, years=[YEAR]).iloc[0]
    assert (row["members"], row["linked"], row["edges"], row["school_enterprise_pairs"]) == (4, 2, 1, 0)
    assert row["density"] == 1 / 6
    assert network.network(session, liaison, year=YEAR).nodes[["x", "y"]].equals(net.nodes[["x", "y"]])


def test_engagement_counts_what_units_did_and_finds_the_quiet_ones(session, group):
    from core.assessment import engagement

    frame = engagement.activity(session, group["staff"], years=[YEAR - 1, YEAR])
    now = frame[frame["year"] == YEAR].set_index("unit")
    assert now.loc["甲学校", ["reported", "confirmed", "activity"]].tolist() == [1, 1, 2]
    assert now.loc["丙学校", ["reported", "entries", "activity"]].tolist() == [0, 1, 1]
    quiet = engagement.quiet(frame, year=YEAR - 1)
    assert sorted(quiet["unit"]) == ["丙学校", "乙学校", "甲学校"] and quiet["last_active"].isna().all()
    assert engagement.message_quiet(session, group["staff"], member_ids=quiet["member_id"].tolist(),
                                    title="邀请参与", body="请参与集团工作") == 3
    council = auth.acting_as(make_user(session, role="council"))
    with pytest.raises(PermissionDenied):
        engagement.message_quiet(session, council, member_ids=[group["a"].id], title="x", body="y")


def test_scores_publication_and_the_network_on_postgresql(pg_engine):
    """The same figures from PostgreSQL (its JSON, grouping and the frozen results' types)."""
    from sqlmodel import Session

    from core.assessment import network

    with Session(pg_engine, expire_on_commit=False) as session:
        g = _group(session)
        schemes.set_adjustment(session, g["staff"], g["scheme"].id, member_id=g["c"].id, points=2.5, reason="加分")
        assert schemes.publish(session, g["staff"], g["scheme"].id, g["scheme"].version) == 3
        session.commit()
        frame = scores.results(session, g["staff"], g["scheme"].id).set_index("member_id")
        assert frame["total"].to_dict() == {g["a"].id: 80.0, g["b"].id: 36.0, g["c"].id: 2.5}
        assert frame.loc[g["a"].id, "breakdown"][0]["value"] == "on_time"
        assert network.figures(session, g["staff"], years=[YEAR]).iloc[0]["edges"] == 1
