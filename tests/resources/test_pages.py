"""The shared resources pages under AppTest (tests/test_pages.py opens each for every role): the main
actions driven through their widgets (request, answer, take a proposal, complete into the ledger, offer)."""
from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from core.i18n import translate
from core.models import LedgerEntry, Message, User
from core.resources import requests
from core.resources.models import RequestStatus, ResourceRequest, SharedResource
from core.timeutil import china_today
from tests.pages_support import app_as, button, session_scope, user_for


def _liaison_unit(url):
    with session_scope(url) as session:
        return session.exec(select(User.member_id).where(User.username == "demo-member")).one()


def test_the_liaison_requests_another_units_resource_and_the_owner_is_told(demo_db_url):
    mine = _liaison_unit(demo_db_url)
    at = app_as(demo_db_url, "member", "resources")
    at.text_input(key="resources_search").set_value("物流").run()
    assert len(at.dataframe[0].value) == 1
    at.number_input(key="resources_quantity").set_value(5)
    at.text_area(key="resources_purpose").set_value("物流专业学生仓储实训")
    button(at, "resources.send_request").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(ResourceRequest).where(ResourceRequest.purpose == "物流专业学生仓储实训")).one()
        owner = session.get(SharedResource, row.resource_id).owner_member_id
        assert (row.requester_member_id, row.quantity, row.status) == (mine, 5, RequestStatus.PENDING)
        told = session.exec(select(Message).where(Message.title.contains("物流实训基地"))).all()
        assert any(owner in m.audience["member_ids"] for m in told)


def test_a_request_without_purpose_is_refused_and_nothing_is_written(demo_db_url):
    at = app_as(demo_db_url, "member", "resources")
    at.text_input(key="resources_search").set_value("物流").run()
    button(at, "resources.send_request").click().run()
    assert [e.value for e in at.error] == [translate("resources.purpose_required")]
    with session_scope(demo_db_url) as session:
        assert len(session.exec(select(ResourceRequest)).all()) == 11


def test_the_owner_declines_with_a_reason_through_the_form(demo_db_url):
    at = app_as(demo_db_url, "member", "resource_requests")  # incoming: the school's request
    chosen = at.session_state["rr_pick"]
    at.radio(key=f"rr_decision_{chosen}").set_value("decline")
    at.text_area(key=f"rr_reply_{chosen}").set_value("该周中心设备检修")
    button(at, "resource_requests.send_answer").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.get(ResourceRequest, chosen)
        assert (row.status, row.reply) == (RequestStatus.DECLINED, "该周中心设备检修")


def test_the_liaison_takes_the_proposed_dates(demo_db_url):
    at = app_as(demo_db_url, "member", "resource_requests")
    at.segmented_control(key="rr_side").set_value("outgoing").run()
    at.selectbox(key="rr_status").set_value(RequestStatus.PROPOSED).run()
    button(at, "resource_requests.take").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(ResourceRequest).where(ResourceRequest.purpose == "物流专业教师轮训")).one()
        assert row.status == RequestStatus.ACCEPTED and row.starts_on == row.proposed_starts_on


def test_the_secretariat_accepts_and_the_liaison_records_the_use_in_its_ledger(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "resource_requests")
    at.selectbox(key="rr_status").set_value(RequestStatus.PENDING).run()
    pending = [r for r in at.selectbox(key="rr_pick").options]
    assert pending
    with session_scope(demo_db_url) as session:
        target = session.exec(select(ResourceRequest).where(ResourceRequest.purpose == "毕业生专场招聘对接")).one()
        session.get(SharedResource, target.resource_id).kind = "lab"  # a kind the ledger records
    at.selectbox(key="rr_pick").set_value(target.id).run()
    button(at, "resource_requests.send_answer").click().run()  # "accept" is the default
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:  # the use has taken place since
        row = session.get(ResourceRequest, target.id)
        row.starts_on = row.ends_on = china_today() - timedelta(days=1)
    member = app_as(demo_db_url, "member", "resource_requests")
    member.segmented_control(key="rr_side").set_value("outgoing").run()
    member.selectbox(key="rr_status").set_value(RequestStatus.ACCEPTED).run()
    member.number_input(key=f"rr_used_{target.id}").set_value(2)
    button(member, "resource_requests.complete").click().run()
    assert not member.exception and not member.error
    with session_scope(demo_db_url) as session:
        row = session.get(ResourceRequest, target.id)
        entry = session.get(LedgerEntry, row.ledger_entry_id)
        assert row.status == RequestStatus.COMPLETED and entry.kind == "training"
        assert entry.member_id == row.requester_member_id and entry.extra["people"] == 2


def test_the_liaison_offers_a_resource(demo_db_url):
    mine = _liaison_unit(demo_db_url)
    at = app_as(demo_db_url, "member", "resource_offers")
    at.text_input(key="offer_new_title").set_value("焊接机器人实训室")
    at.number_input(key="offer_new_capacity").set_value(12)
    button(at, "resource_offers.publish").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        row = session.exec(select(SharedResource).where(SharedResource.title == "焊接机器人实训室")).one()
        assert row.capacity == 12 and row.owner_member_id == mine


def test_the_figures_page_shows_the_acceptance_rate(demo_db_url):
    at = app_as(demo_db_url, "council", "resource_figures")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[translate("resource_figures.rate")] == "87.5%"  # 7 of 8 answered


def _set(url, purpose, **values) -> int:
    with session_scope(url) as session:
        row = session.exec(select(ResourceRequest).where(ResourceRequest.purpose == purpose)).one()
        for key, value in values.items():
            setattr(row, key, value)
        return row.id


def test_two_requests_alike_are_told_apart_and_the_one_picked_is_answered(demo_db_url):
    mine = _liaison_unit(demo_db_url)
    office = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:  # the same school asks twice for the same base, same days
        base = session.exec(select(SharedResource).where(SharedResource.owner_member_id == mine,
                                                         SharedResource.kind == "training_base")).first()
        school = session.exec(select(ResourceRequest.requester_member_id)
                              .where(ResourceRequest.purpose == "机电专业学生数控实训周")).one()
        day = china_today() + timedelta(days=30)
        ids = [requests.request(session, office, resource_id=base.id, member_id=school, starts_on=day, ends_on=day,
                                quantity=3, purpose="同样的申请").id for _ in range(2)]
    at = app_as(demo_db_url, "member", "resource_requests")
    assert list(at.dataframe[0].value.columns[:2]) == [translate("resources.col_resource"),
                                                       translate("resources.col_status")]
    picker = at.selectbox(key="rr_pick")
    assert len(set(picker.options)) == len(picker.options)
    picker.set_value(max(ids)).run()  # the newer, listed first
    button(at, "resource_requests.send_answer").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert [session.get(ResourceRequest, i).status for i in sorted(ids)] == [RequestStatus.PENDING,
                                                                                 RequestStatus.ACCEPTED]


def test_the_liaison_withdraws_its_own_pending_request(demo_db_url):
    asked = _set(demo_db_url, "毕业生专场招聘对接")
    at = app_as(demo_db_url, "member", "resource_requests")
    at.segmented_control(key="rr_side").set_value("outgoing").run()
    at.selectbox(key="rr_status").set_value(RequestStatus.PENDING).run()
    assert at.session_state["rr_pick"] == asked
    button(at, "resource_requests.withdraw").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.get(ResourceRequest, asked).status == RequestStatus.WITHDRAWN


def test_an_agreed_use_ahead_cannot_be_done_yet_and_is_withdrawn_only_once_confirmed(demo_db_url):
    ends = china_today() + timedelta(days=9)
    asked = _set(demo_db_url, "物流专业教师轮训", status=RequestStatus.ACCEPTED, starts_on=ends - timedelta(days=2),
                 ends_on=ends)
    at = app_as(demo_db_url, "member", "resource_requests")
    at.segmented_control(key="rr_side").set_value("outgoing").run()
    at.selectbox(key="rr_status").set_value(RequestStatus.ACCEPTED).run()
    assert translate("resource_requests.complete_from", day=ends) in [c.value for c in at.caption]
    assert translate("resource_requests.complete") not in [b.label for b in at.button]
    assert button(at, "resource_requests.withdraw").disabled  # not before ticking the confirmation
    at.checkbox(key=f"rr_sure_{asked}").check().run()
    button(at, "resource_requests.withdraw").click().run()
    assert not at.exception and not at.error
    with session_scope(demo_db_url) as session:
        assert session.get(ResourceRequest, asked).status == RequestStatus.WITHDRAWN


def test_the_catalogue_opens_on_another_units_resource_and_explains_its_own(demo_db_url):
    mine = _liaison_unit(demo_db_url)
    at = app_as(demo_db_url, "member", "resources")
    with session_scope(demo_db_url) as session:
        owners = {r.id: r.owner_member_id for r in session.exec(select(SharedResource)).all()}
    assert owners[at.session_state["resources_pick"]] != mine
    assert button(at, "resources.send_request")
    own = min(i for i, owner in owners.items() if owner == mine)
    at.selectbox(key="resources_pick").set_value(own).run()
    assert translate("resources.own_unit_resource") in [c.value for c in at.caption]
    assert translate("resources.send_request") not in [b.label for b in at.button]
