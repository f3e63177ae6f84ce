"""The shared resources wing in core: who may offer, request and answer, the request flow with its
inbox messages, completion into the ledger, and the figures."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from core import attachments
from core.auth import acting_as
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import LedgerEntry, Message
from core.resources import catalogue, figures, requests
from core.resources.models import RequestStatus
from core.timeutil import china_today
from tests.conftest import make_user

PDF = b"%PDF-1.4 a rule of use"


@pytest.fixture
def people(session):
    owner = make_user(session, role="member")
    asker = make_user(session, role="member")
    office = make_user(session, role="secretariat")
    council = make_user(session, role="council")
    return {k: acting_as(v) for k, v in {"owner": owner, "asker": asker, "office": office, "council": council}.items()}


def _base(session, owner, **values):
    return catalogue.add_resource(session, owner, member_id=owner.member_id, values={
        "kind": "training_base", "title": "数控实训中心", "capacity": 20, **values}, files=[("rules.pdf", PDF)])


def _ask(session, people, resource, **kw):
    day = china_today() + timedelta(days=10)
    return requests.request(session, people["asker"], resource_id=resource.id, member_id=people["asker"].member_id,
                            starts_on=kw.get("starts_on", day), ends_on=kw.get("ends_on", day + timedelta(days=2)),
                            quantity=kw.get("quantity", 8), purpose=kw.get("purpose", "学生实训周"))


def test_a_liaison_offers_only_for_its_own_unit(session, people):
    with pytest.raises(PermissionDenied):
        catalogue.add_resource(session, people["owner"], member_id=people["asker"].member_id,
                               values={"kind": "lab", "title": "x", "capacity": 1})
    with pytest.raises(PermissionDenied):
        catalogue.add_resource(session, people["council"], member_id=people["owner"].member_id,
                               values={"kind": "lab", "title": "x", "capacity": 1})


def test_an_offer_needs_a_title_and_a_positive_capacity(session, people):
    with pytest.raises(ValidationFailed, match="title_required"):
        _base(session, people["owner"], title="  ")
    with pytest.raises(ValidationFailed) as error:
        _base(session, people["owner"], capacity=0)
    assert error.value.key == "resources.bad_capacity"


def test_every_logged_in_role_browses_and_searches_the_catalogue(session, people):
    resource = _base(session, people["owner"], description="工业机器人工位")
    for who in people.values():
        assert catalogue.browse(session, who, search="机器人")["id"].tolist() == [resource.id]
    assert catalogue.browse(session, people["asker"], kind="job").empty
    with pytest.raises(PermissionDenied):
        catalogue.browse(session, None)


def test_a_withdrawn_offer_leaves_the_catalogue_and_cannot_be_requested(session, people):
    resource = _base(session, people["owner"])
    catalogue.update_resource(session, people["owner"], resource_id=resource.id, expected_version=1,
                              values={"active": False})
    assert catalogue.browse(session, people["asker"]).empty
    with pytest.raises(NotFound):
        _ask(session, people, resource)


def test_files_of_a_resource_are_read_by_members_not_by_outsiders(session, people):
    resource = _base(session, people["owner"])
    file_id = int(catalogue.files(session, people["asker"], resource_id=resource.id)["id"][0])
    assert catalogue.file_content(session, people["asker"], file_id)[2] == PDF
    with pytest.raises(PermissionDenied):
        catalogue.file_content(session, None, file_id)
    with pytest.raises(PermissionDenied):
        attachments.add(session, people["asker"], owner_kind=catalogue.OWNER_KIND, owner_id=resource.id,
                        filename="x.pdf", content=PDF)


def test_a_request_reaches_the_owner_and_the_answer_the_requester(session, people):
    resource = _base(session, people["owner"])
    asked = _ask(session, people, resource)
    first = session.exec(select(Message).order_by(Message.id.desc())).first()
    assert first.audience["member_ids"] == [people["owner"].member_id] and "数控实训中心" in first.title
    with pytest.raises(PermissionDenied):  # only the owner (or the office) answers
        requests.respond(session, people["asker"], request_id=asked.id, expected_version=1, decision="accept")
    requests.respond(session, people["owner"], request_id=asked.id, expected_version=1, decision="accept")
    answer = session.exec(select(Message).order_by(Message.id.desc())).first()
    assert answer.audience["member_ids"] == [people["asker"].member_id]
    assert session.get(type(asked), asked.id).status == RequestStatus.ACCEPTED


def test_a_request_is_checked_against_dates_capacity_and_ownership(session, people):
    resource = _base(session, people["owner"], available_to=china_today() + timedelta(days=30))
    for kw, key in [({"quantity": 21}, "resources.bad_quantity"), ({"purpose": " "}, "resources.purpose_required"),
                    ({"starts_on": china_today() - timedelta(days=1)}, "resources.in_the_past"),
                    ({"ends_on": china_today() + timedelta(days=40)}, "resources.outside_availability")]:
        with pytest.raises(ValidationFailed) as error:
            _ask(session, people, resource, **kw)
        assert error.value.key == key
    with pytest.raises(ValidationFailed, match="own_resource"):
        requests.request(session, people["owner"], resource_id=resource.id, member_id=people["owner"].member_id,
                         starts_on=china_today(), ends_on=china_today(), quantity=1, purpose="x")


def test_declining_needs_a_reason(session, people):
    asked = _ask(session, people, _base(session, people["owner"]))
    with pytest.raises(ValidationFailed, match="reason_required"):
        requests.respond(session, people["owner"], request_id=asked.id, expected_version=1, decision="decline")


def test_a_proposal_taken_moves_the_dates(session, people):
    asked = _ask(session, people, _base(session, people["owner"]))
    later = china_today() + timedelta(days=30)
    requests.respond(session, people["owner"], request_id=asked.id, expected_version=1, decision="propose",
                     reply="基地检修", proposed_starts_on=later, proposed_ends_on=later)
    requests.answer_proposal(session, people["asker"], request_id=asked.id, expected_version=2, take=True)
    row = session.get(type(asked), asked.id)
    assert (row.status, row.starts_on, row.ends_on) == (RequestStatus.ACCEPTED, later, later)


def test_completion_becomes_a_ledger_entry_of_the_requester_with_the_owner_as_partner(session, people):
    asked = _ask(session, people, _base(session, people["owner"]))
    requests.respond(session, people["office"], request_id=asked.id, expected_version=1, decision="accept")
    with pytest.raises(PermissionDenied):
        requests.complete(session, people["owner"], request_id=asked.id, expected_version=2, used_quantity=8)
    entry_id = requests.complete(session, people["asker"], request_id=asked.id, expected_version=2, used_quantity=7,
                                 to_ledger=True, today=asked.ends_on)
    entry = session.get(LedgerEntry, entry_id)
    assert (entry.kind, entry.member_id, entry.extra["people"], entry.extra["person_days"]) == \
        ("training", people["asker"].member_id, 7, 21)


def test_a_use_is_marked_done_only_from_its_last_day(session, people):
    asked = _ask(session, people, _base(session, people["owner"]))
    requests.respond(session, people["owner"], request_id=asked.id, expected_version=1, decision="accept")
    with pytest.raises(ValidationFailed) as error:
        requests.complete(session, people["asker"], request_id=asked.id, expected_version=2, used_quantity=8,
                          to_ledger=True, today=asked.ends_on - timedelta(days=1))
    assert error.value.key == "resources.not_ended" and error.value.params["day"] == asked.ends_on
    assert session.get(type(asked), asked.id).status == RequestStatus.ACCEPTED
    assert session.exec(select(LedgerEntry)).all() == []
    requests.complete(session, people["asker"], request_id=asked.id, expected_version=2, used_quantity=8,
                      today=asked.ends_on)
    assert session.get(type(asked), asked.id).status == RequestStatus.COMPLETED


def test_proposed_dates_must_be_given_and_within_the_open_period(session, people):
    resource = _base(session, people["owner"], available_to=china_today() + timedelta(days=30))
    asked = _ask(session, people, resource)
    late = china_today() + timedelta(days=29)
    for start, end, key in [(None, None, "resources.proposed_dates_required"),
                            (late, None, "resources.proposed_dates_required"),
                            (late, late + timedelta(days=2), "resources.proposed_outside")]:
        with pytest.raises(ValidationFailed) as error:
            requests.respond(session, people["owner"], request_id=asked.id, expected_version=1, decision="propose",
                             proposed_starts_on=start, proposed_ends_on=end)
        assert error.value.key == key
    assert session.get(type(asked), asked.id).status == RequestStatus.PENDING


def test_a_liaison_sees_only_requests_its_unit_is_party_to(session, people):
    asked = _ask(session, people, _base(session, people["owner"]))
    stranger = acting_as(make_user(session, role="member"))
    assert requests.request_list(session, stranger).empty
    assert requests.request_list(session, people["owner"], side="incoming")["id"].tolist() == [asked.id]
    assert requests.request_list(session, people["owner"], side="outgoing").empty
    assert requests.request_list(session, people["council"])["id"].tolist() == [asked.id]


def test_figures_count_acceptance_and_who_offers_without_using(session, people):
    resource = _base(session, people["owner"])
    one, two = _ask(session, people, resource), _ask(session, people, resource, purpose="第二批")
    requests.respond(session, people["owner"], request_id=one.id, expected_version=1, decision="accept")
    requests.respond(session, people["owner"], request_id=two.id, expected_version=1, decision="decline", reply="满员")
    data = figures.overview(session, people["council"], today=one.ends_on + timedelta(days=1))
    assert (data["requests"], data["accepted"], data["acceptance_rate"]) == (2, 1, 50.0)
    assert data["most_used"]["uses"].tolist() == [1]
    assert len(data["offer_never_use"]) == 1 and len(data["use_never_offer"]) == 1


def test_an_accepted_use_still_ahead_is_not_counted_as_used(session, people):
    asked = _ask(session, people, _base(session, people["owner"]))
    requests.respond(session, people["owner"], request_id=asked.id, expected_version=1, decision="accept")
    data = figures.overview(session, people["council"], today=asked.ends_on)  # its last day: not over yet
    assert (data["accepted"], data["acceptance_rate"]) == (1, 100.0)
    assert data["most_used"].empty and data["use_never_offer"] == []
