"""The group profile per year and the counts computed from the registry (in-memory SQLite)."""
from __future__ import annotations

from datetime import date

import pytest

from core.auth import acting_as
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.models import CouncilSeat, CouncilTerm, MemberStatusChange
from core.reports import profile
from tests.conftest import make_member, make_user


def _staff(session):
    return acting_as(make_user(session, role="secretariat"))


def test_a_new_year_starts_from_the_latest_earlier_year_and_saving_keeps_both(session):
    staff = _staff(session)
    profile.save_profile(session, staff, year=2020, values={"name": "集团", "wechat": "old"}, expected_version=0)
    view = profile.profile_for(session, staff, year=2021)
    assert (view.version, view.source_year, view.values["wechat"]) == (0, 2020, "old")
    profile.save_profile(session, staff, year=2021, values={**view.values, "wechat": "new"}, expected_version=0)
    assert profile.profile_for(session, staff, year=2020).values["wechat"] == "old"
    assert profile.profile_for(session, staff, year=2021).values["wechat"] == "new"
    assert profile.profile_years(session, staff) == [2021, 2020]


def test_a_stale_edit_is_refused(session):
    staff = _staff(session)
    profile.save_profile(session, staff, year=2021, values={"name": "集团"}, expected_version=0)
    profile.save_profile(session, staff, year=2021, values={"name": "集团甲"}, expected_version=1)
    with pytest.raises(StaleEditError):
        profile.save_profile(session, staff, year=2021, values={"name": "集团乙"}, expected_version=1)


@pytest.mark.parametrize("values, key", [({"name": ""}, "report_profile.required"),
                                         ({"name": "x", "group_type": "galactic"}, "report_profile.bad_choice"),
                                         ({"name": "x", "founded_on": "2013/10"}, "report_profile.bad_date"),
                                         ({"name": "x", "registered_capital": "-1"}, "report_profile.bad_number"),
                                         ({"name": "x", "credit_code": "123"}, None)])
def test_bad_values_are_refused_with_their_reason(session, values, key):
    with pytest.raises(ValidationFailed) as error:
        profile.save_profile(session, _staff(session), year=2021, values=values, expected_version=0)
    if key:
        assert error.value.key == key


def test_council_and_members_read_but_may_not_save(session):
    council = acting_as(make_user(session, role="council"))
    assert profile.profile_for(session, council, year=2021).version == 0
    with pytest.raises(PermissionDenied):  # the leader's and contact's phones are not every liaison's
        profile.profile_for(session, acting_as(make_user(session, role="member")), year=2021)
    with pytest.raises(PermissionDenied):
        profile.save_profile(session, council, year=2021, values={"name": "x"}, expected_version=0)


def test_counts_replay_the_registry_history_at_the_year_end(session):
    staff = _staff(session)
    school = make_member(session, unit_type="school")
    firm = make_member(session, unit_type="enterprise")
    late = make_member(session, unit_type="enterprise")
    for member, to, day, before in ((school, "active", date(2019, 3, 1), ""), (firm, "active", date(2019, 5, 1), ""),
                                    (late, "active", date(2021, 6, 1), ""),
                                    (firm, "exited", date(2021, 9, 1), "active")):
        session.add(MemberStatusChange(member_id=member.id, from_status=before, to_status=to, effective_on=day))
    term = CouncilTerm(number=2, name="第二届", started_on=date(2018, 6, 1))
    session.add(term)
    session.flush()
    for member, role in ((school, "chair"), (late, "director")):
        session.add(CouncilSeat(term_id=term.id, member_id=member.id, seat_role=role, person_name="某"))
    session.flush()
    y2020, y2021 = profile.counts(session, staff, year=2020), profile.counts(session, staff, year=2021)
    assert (y2020["members"], y2020["members_enterprise"], y2020["joined"]) == (2, 1, 0)
    assert (y2021["members"], y2021["members_school"], y2021["members_enterprise"]) == (2, 1, 1)
    assert (y2021["joined"], y2021["exited"]) == (1, 1)
    assert (y2021["council_size"], y2021["standing_council_size"]) == (2, 1)


def test_the_years_documents_are_attached_by_staff_and_read_by_the_council(session):
    from core import attachments

    staff, council = _staff(session), acting_as(make_user(session, role="council"))
    liaison = acting_as(make_user(session, role="member"))
    pdf = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
    added = profile.attach(session, staff, year=2021, filename="章程.pdf", content=pdf)
    assert list(profile.files(session, council, year=2021)["filename"]) == ["章程.pdf"]
    assert attachments.content(session, council, added.id)[2] == pdf
    for call in (lambda: profile.attach(session, council, year=2021, filename="x.pdf", content=pdf),
                 lambda: profile.files(session, liaison, year=2021),
                 lambda: attachments.content(session, liaison, added.id)):
        with pytest.raises(PermissionDenied):
            call()
    with pytest.raises(ValidationFailed):
        profile.attach(session, staff, year=2021, filename="x.pdf", content=b"not a pdf at all")
