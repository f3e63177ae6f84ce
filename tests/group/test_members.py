"""Member registry rules in core: validation, permissions, stale edits, lifecycle, audit."""
from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from core import auth, credit_code
from core.db import StaleEditError
from core.errors import PermissionDenied, ValidationFailed
from core.group import members
from core.models import AuditLog, MemberStatusChange
from core.timeutil import china_today
from tests.conftest import make_member, make_user


def _as(session, role, **fields):
    user = make_user(session, role=role, **fields)
    return auth.authenticate(session, user.username, "correct-horse").user


def _code(n=1):
    return credit_code.make("91", "370100", f"{n:08d}")


def _values(**overrides):
    values = {"credit_code": _code(77), "name": "济南新成员机械有限公司", "unit_type": "enterprise",
              "city": "济南市", "contact_email": "a@b.cn"}
    values.update(overrides)
    return values


def test_secretariat_creates_an_active_unit_with_history_and_audit(session):
    secretariat = _as(session, "secretariat")
    unit = members.create(session, secretariat, _values(), joined_on=date(2021, 5, 1))
    assert (unit.status, unit.joined_on) == ("active", date(2021, 5, 1))
    history = session.exec(select(MemberStatusChange).where(MemberStatusChange.member_id == unit.id)).all()
    assert [h.to_status for h in history] == ["active"]
    assert "member_created" in session.exec(select(AuditLog.action)).all()


@pytest.mark.parametrize("field, value, key", [
    ("credit_code", "91370100MA3C00000", "credit_code.length"),
    ("credit_code", "", "member.code_required"),
    ("name", "  ", "member.name_required"),
    ("unit_type", "bank", "member.unknown_type"),
    ("city", "北京市", "member.unknown_city"),
    ("contact_email", "not-an-email", "member.bad_email"),
])
def test_bad_fields_are_refused(session, field, value, key):
    with pytest.raises(ValidationFailed) as refused:
        members.create(session, _as(session, "secretariat"), _values(**{field: value}))
    assert refused.value.key == key


def test_wrong_check_character_is_refused(session):
    code = _code(5)
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    with pytest.raises(ValidationFailed) as refused:
        members.create(session, _as(session, "secretariat"), _values(credit_code=wrong))
    assert refused.value.key == "credit_code.checksum"


def test_duplicate_credit_code_is_refused(session):
    existing = make_member(session)
    with pytest.raises(ValidationFailed) as refused:
        members.create(session, _as(session, "secretariat"), _values(credit_code=existing.credit_code.lower()))
    assert refused.value.key == "member.code_duplicate"


def test_council_and_members_may_not_create(session):
    for role in ("council", "member"):
        with pytest.raises(PermissionDenied):
            members.create(session, _as(session, role), _values())


def test_liaison_edits_its_own_contacts(session):
    liaison = _as(session, "member")
    changes = members.update(session, liaison, liaison.member_id, 1, {"contact_phone": "0531-88886666"})
    assert changes == {"contact_phone": ("", "0531-88886666")}


def test_liaison_may_not_edit_another_unit(session):
    liaison = _as(session, "member")
    other = make_member(session)
    with pytest.raises(PermissionDenied):
        members.update(session, liaison, other.id, 1, {"contact_phone": "123"})


def test_liaison_may_not_edit_profile_fields(session):
    liaison = _as(session, "member")
    with pytest.raises(ValidationFailed) as refused:
        members.update(session, liaison, liaison.member_id, 1, {"name": "改名"})
    assert refused.value.key == "member.contact_only"


def test_council_reads_but_may_not_edit(session):
    council = _as(session, "council")
    unit = make_member(session)
    assert members.member(session, council, unit.id).id == unit.id
    with pytest.raises(PermissionDenied):
        members.update(session, council, unit.id, 1, {"contact_phone": "1"})


def test_second_save_of_the_same_version_is_refused(session):
    secretariat = _as(session, "secretariat")
    unit = make_member(session, name="原名称")
    members.update(session, secretariat, unit.id, 1, {"name": "甲改的名称"})
    with pytest.raises(StaleEditError):
        members.update(session, secretariat, unit.id, 1, {"name": "乙改的名称"})
    session.expire_all()
    assert members.member(session, secretariat, unit.id).name == "甲改的名称"


def test_update_is_audited_with_before_and_after(session):
    secretariat = _as(session, "secretariat")
    unit = make_member(session, city="济南市")
    members.update(session, secretariat, unit.id, 1, {"city": "青岛市"})
    entry = session.exec(select(AuditLog).where(AuditLog.action == "member_updated")).one()
    assert (entry.before, entry.after) == ({"city": "济南市"}, {"city": "青岛市"})


def test_lifecycle_application_approval_suspension_exit_rejoin(session):
    secretariat = _as(session, "secretariat")
    unit = members.create(session, secretariat, _values(), status="applicant")
    steps = [("active", date(2020, 1, 10), ""), ("suspended", date(2020, 6, 1), "未报送数据"),
             ("active", date(2020, 9, 1), "已补报"), ("exited", date(2021, 3, 1), "申请退出"),
             ("active", date(2022, 4, 1), "重新加入")]
    for version, (status, day, reason) in enumerate(steps, start=1):
        members.change_status(session, secretariat, unit.id, version, to_status=status,
                              effective_on=day, reason=reason)
    session.expire_all()
    unit = members.member(session, secretariat, unit.id)
    assert (unit.status, unit.joined_on, unit.exited_on) == ("active", date(2022, 4, 1), None)
    history = session.exec(select(MemberStatusChange.to_status)
                           .where(MemberStatusChange.member_id == unit.id)
                           .order_by(MemberStatusChange.id)).all()
    assert history == ["applicant", "active", "suspended", "active", "exited", "active"]


def test_exit_before_join_is_refused(session):
    secretariat = _as(session, "secretariat")
    unit = members.create(session, secretariat, _values(), joined_on=date(2019, 5, 1))
    with pytest.raises(ValidationFailed) as refused:
        members.change_status(session, secretariat, unit.id, 1, to_status="exited",
                              effective_on=date(2019, 1, 1), reason="x")
    assert refused.value.key == "member.exit_before_join"


def test_exit_needs_a_reason_and_a_valid_transition(session):
    secretariat = _as(session, "secretariat")
    unit = members.create(session, secretariat, _values())
    with pytest.raises(ValidationFailed) as no_reason:
        members.change_status(session, secretariat, unit.id, 1, to_status="exited",
                              effective_on=china_today())
    with pytest.raises(ValidationFailed) as bad_move:
        members.change_status(session, secretariat, unit.id, 1, to_status="applicant",
                              effective_on=china_today())
    assert (no_reason.value.key, bad_move.value.key) == ("member.reason_required", "member.bad_transition")


def test_exited_units_leave_the_default_view_but_keep_their_history(session):
    secretariat = _as(session, "secretariat")
    unit = members.create(session, secretariat, _values(), joined_on=date(2019, 1, 1))
    members.change_status(session, secretariat, unit.id, 1, to_status="exited",
                          effective_on=date(2021, 1, 1), reason="退出")
    assert unit.id not in set(members.registry(session, secretariat, members.RegistryFilter())["id"])
    shown = members.registry(session, secretariat, members.RegistryFilter(include_exited=True))
    assert unit.id in set(shown["id"])
    assert len(members.detail(session, secretariat, unit.id)["history"]) == 2


def test_search_finds_name_short_name_and_credit_code(session):
    council = _as(session, "council")
    unit = make_member(session, name="青岛海岳数控机床有限公司", short_name="海岳数控")
    for term in ("海岳", "数控机床", unit.credit_code[-6:].lower()):
        found = members.registry(session, council, members.RegistryFilter(search=term))
        assert unit.id in set(found["id"]), term


def test_filters_by_type_and_city(session):
    council = _as(session, "council")
    school = make_member(session, unit_type="school", city="淄博市")
    make_member(session, unit_type="enterprise", city="淄博市")
    found = members.registry(session, council, members.RegistryFilter(types=["school"], cities=["淄博市"]))
    assert list(found["id"]) == [school.id]


def test_members_do_not_browse_the_registry(session):
    with pytest.raises(PermissionDenied):
        members.registry(session, _as(session, "member"), members.RegistryFilter())


def test_growth_counts_units_in_the_group_at_year_end(session):
    secretariat = _as(session, "secretariat")
    first = members.create(session, secretariat, _values(), joined_on=date(2019, 3, 1))
    members.create(session, secretariat, _values(credit_code=_code(78), name="第二家"),
                   joined_on=date(2020, 3, 1))
    members.change_status(session, secretariat, first.id, 1, to_status="exited",
                          effective_on=date(2021, 2, 1), reason="退出")
    growth = members.growth(session).set_index("year")["members"]
    assert (growth[2019], growth[2020], growth[2021]) == (1, 2, 1)
