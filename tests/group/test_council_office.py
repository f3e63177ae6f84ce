"""Council seats and terms, and the secretariat office, in core."""
from __future__ import annotations

from datetime import date

import pytest

from core import auth
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.group import council, office as staff
from core.models import CouncilTerm
from tests.conftest import make_member, make_user


def _as(session, role):
    user = make_user(session, role=role)
    return auth.authenticate(session, user.username, "correct-horse").user


@pytest.fixture
def term(session):
    row = CouncilTerm(number=2, name="第二届理事会", started_on=date(2018, 6, 15))
    session.add(row)
    session.flush()
    return row


def _seat(unit, role="director", person="张三"):
    return {"member_id": unit.id, "seat_role": role, "person_name": person, "person_title": "总经理"}


def test_secretariat_adds_and_lists_seats_in_rank_order(session, term):
    secretariat = _as(session, "secretariat")
    council.add_seat(session, secretariat, term.id, _seat(make_member(session), "director", "李四"))
    council.add_seat(session, secretariat, term.id, _seat(make_member(session), "chair", "王五"))
    assert list(council.seats(session, term.id)["person_name"]) == ["王五", "李四"]


def test_one_chair_per_term(session, term):
    secretariat = _as(session, "secretariat")
    council.add_seat(session, secretariat, term.id, _seat(make_member(session), "chair"))
    with pytest.raises(ValidationFailed) as refused:
        council.add_seat(session, secretariat, term.id, _seat(make_member(session), "chair"))
    assert refused.value.key == "council.one_chair"


def test_exited_unit_cannot_hold_a_seat(session, term):
    with pytest.raises(ValidationFailed):
        council.add_seat(session, _as(session, "secretariat"), term.id,
                         _seat(make_member(session, status="exited")))


def test_council_members_read_but_cannot_edit_seats(session, term):
    with pytest.raises(PermissionDenied):
        council.add_seat(session, _as(session, "council"), term.id, _seat(make_member(session)))


def test_stale_seat_edit_and_removal_are_refused(session, term):
    secretariat = _as(session, "secretariat")
    seat = council.add_seat(session, secretariat, term.id, _seat(make_member(session)))
    council.update_seat(session, secretariat, seat.id, 1, {"person_name": "新代表"})
    with pytest.raises(StaleEditError):
        council.update_seat(session, secretariat, seat.id, 1, {"person_name": "另一个"})
    with pytest.raises(StaleEditError):
        council.remove_seat(session, secretariat, seat.id, 1)
    council.remove_seat(session, secretariat, seat.id, 2)
    assert council.seats(session, term.id).empty


def test_new_term_ends_the_current_one(session, term):
    new = council.start_term(session, _as(session, "secretariat"), name="第三届理事会",
                             started_on=date(2023, 6, 1))
    assert (new.number, term.ended_on) == (3, date(2023, 5, 31))


def test_new_term_cannot_start_before_the_previous(session, term):
    with pytest.raises(ValidationFailed):
        council.start_term(session, _as(session, "secretariat"), name="x", started_on=date(2017, 1, 1))


def _person(**overrides):
    values = {"name": "赵六", "position": "staff", "duty_area": "publicity", "duties": "网站",
              "phone": "", "email": "", "user_id": None, "active": True}
    values.update(overrides)
    return values


def test_secretariat_adds_staff_with_a_duty_area(session):
    secretariat = _as(session, "secretariat")
    person = staff.add(session, secretariat, _person())
    assert (person.duty_area, person.active) == ("publicity", True)
    assert list(staff.office(session, secretariat)["name"]) == ["赵六"]


def test_account_names_and_former_staff_only_for_the_secretariat(session):
    secretariat = _as(session, "secretariat")
    staff.add(session, secretariat, _person(user_id=secretariat.id))
    staff.add(session, secretariat, _person(name="钱七", active=False))
    council = _as(session, "council")
    assert list(staff.office(session, council, include_inactive=True)["username"]) == [""]
    assert list(staff.office(session, secretariat, include_inactive=True)["username"]) == [secretariat.username, ""]
    with pytest.raises(PermissionDenied):
        staff.secretariat_users(session, council)


def test_only_one_director_in_post(session):
    secretariat = _as(session, "secretariat")
    staff.add(session, secretariat, _person(position="director"))
    with pytest.raises(ValidationFailed) as refused:
        staff.add(session, secretariat, _person(name="钱七", position="director"))
    assert refused.value.key == "staff.one_director"


def test_staff_account_must_be_secretariat_or_admin(session):
    liaison = make_user(session, role="member")
    with pytest.raises(ValidationFailed) as refused:
        staff.add(session, _as(session, "secretariat"), _person(user_id=liaison.id))
    assert refused.value.key == "staff.user_not_secretariat"


def test_staff_edits_are_versioned(session):
    secretariat = _as(session, "secretariat")
    person = staff.add(session, secretariat, _person())
    staff.update(session, secretariat, person.id, 1, {"duty_area": "finance"})
    with pytest.raises(StaleEditError):
        staff.update(session, secretariat, person.id, 1, {"duty_area": "training"})


def test_member_liaison_cannot_change_the_office(session):
    with pytest.raises(PermissionDenied):
        staff.add(session, _as(session, "member"), _person())
