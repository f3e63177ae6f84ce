"""Message management in core: publishing rules, audiences (in SQL and in Python), read
receipts, reminders, revisions, system messages, discussion boards, paging."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlmodel import Session, SQLModel, select

from core import auth, db
from core.db import StaleEditError
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.messages import boards, common, inbox, notices, system
from core.models import (
    Message,
    MessageRevision,
    Milestone,
    Plan,
    PlanArea,
    PlanTask,
    Post,
    PostRevision,
    ReadReceipt,
    StaffMember,
)
from core.timeutil import utcnow
from tests.conftest import make_member, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _as(session, role="secretariat", **fields):
    user = make_user(session, role=role, **fields)
    return auth.authenticate(session, user.username, "correct-horse").user


def _publish(session, staff, **fields):
    values = dict(category="notice", title="关于报送数据的通知", body="请按时报送。",
                  audience={"everyone": True})
    values.update(fields)
    return notices.publish(session, staff, **values)


def _inbox_ids(session, user, **kw) -> list[int]:
    return [int(i) for i in inbox.inbox(session, user, per_page=1000, **kw).rows["id"]]


@pytest.fixture
def people(session):
    """The secretariat, a council leader, and liaisons of a school, an enterprise and another school."""
    school = make_member(session, unit_type="school", name="甲职业学院")
    company = make_member(session, unit_type="enterprise", name="乙机械公司")
    other_school = make_member(session, unit_type="school", name="丙技师学院")
    return {
        "staff": _as(session), "admin": _as(session, "admin"), "council": _as(session, "council"),
        "school": _as(session, "member", member_id=school.id),
        "company": _as(session, "member", member_id=company.id),
        "other_school": _as(session, "member", member_id=other_school.id),
        "units": {"school": school, "company": company, "other_school": other_school},
    }


# ---------------------------------------------------------------- publishing rules
def test_empty_title_and_body_are_refused_together(session, people):
    with pytest.raises(ValidationFailed) as caught:
        _publish(session, people["staff"], title="  ", body="")
    keys = [caught.value.key] + [key for key, _ in caught.value.more]
    assert keys == ["message.title_required", "message.body_required"]
    assert session.exec(select(Message)).all() == []


def test_title_over_200_characters_is_refused_with_its_length(session, people):
    with pytest.raises(ValidationFailed) as caught:
        _publish(session, people["staff"], title="通" * 201)
    assert caught.value.key == "message.title_too_long"
    assert caught.value.params == {"max": 200, "length": 201}
    assert _publish(session, people["staff"], title="通" * 200).id


def test_audience_category_and_dates_are_checked(session, people):
    staff = people["staff"]
    for fields, key in [({"audience": {}}, "message.audience_required"),
                        ({"audience": {"roles": ["nobody"]}}, "message.bad_audience"),
                        ({"audience": {"member_ids": [99999]}}, "message.bad_audience"),
                        ({"category": "system"}, "message.bad_category"),
                        ({"publish_at": utcnow(), "expires_at": utcnow() - timedelta(days=1)},
                         "message.expires_before_publish")]:
        with pytest.raises(ValidationFailed) as caught:
            _publish(session, staff, **fields)
        assert caught.value.key == key


def test_only_staff_publish(session, people):
    for role in ("council", "school"):
        with pytest.raises(PermissionDenied):
            _publish(session, people[role])


# ---------------------------------------------------------------- audiences
@pytest.mark.parametrize("audience, expected", [
    ({"everyone": True}, {"staff", "admin", "council", "school", "company", "other_school"}),
    ({"roles": ["council"]}, {"council"}),
    ({"member_types": ["school"]}, {"school", "other_school"}),
    ({"member_ids": "company"}, {"company"}),
    ({"user_ids": "council+school"}, {"council", "school"}),
])
def test_audience_reaches_exactly_its_users_in_sql_and_in_python(session, people, audience, expected):
    if audience.get("member_ids") == "company":
        audience = {"member_ids": [people["units"]["company"].id]}
    if audience.get("user_ids") == "council+school":
        audience = {"user_ids": [people["council"].id, people["school"].id]}
    message = _publish(session, people["staff"], audience=audience)
    reached = {name for name in ("staff", "admin", "council", "school", "company", "other_school")
               if message.id in _inbox_ids(session, people[name])}
    assert reached == expected
    for name in ("staff", "admin", "council", "school", "company", "other_school"):
        user = people[name]
        unit_type = common.member_type(session, user)
        assert common.addressed_to(message.audience, role=user.role, user_id=user.id,
                                     member_id=user.member_id, member_type=unit_type) == (name in expected)


def test_member_not_addressed_is_refused_on_open_and_on_its_files(session, people):
    message = _publish(session, people["staff"], audience={"member_types": ["school"]})
    file = notices.add_attachment(session, people["staff"], message.id, filename="a.pdf", content=PDF)
    with pytest.raises(PermissionDenied) as caught:
        inbox.open_message(session, people["company"], message.id)
    assert caught.value.key == "message.not_addressed"
    with pytest.raises(PermissionDenied):
        inbox.attachment_content(session, people["company"], file.id)
    assert inbox.attachment_content(session, people["school"], file.id)[2] == PDF
    assert session.exec(select(ReadReceipt)).all() == []


# ---------------------------------------------------------------- read receipts
def test_opening_marks_read_once_and_read_status_is_by_unit(session, people):
    message = _publish(session, people["staff"], audience={"member_types": ["school"],
                                                           "roles": ["council"]})
    assert inbox.unread_count(session, people["school"]) == 1
    first = inbox.open_message(session, people["school"], message.id)
    again = inbox.open_message(session, people["school"], message.id)
    assert first["was_unread"] and not again["was_unread"]
    assert inbox.unread_count(session, people["school"]) == 0
    assert len(session.exec(select(ReadReceipt)).all()) == 1
    status = notices.read_status(session, people["staff"], message.id)
    units = dict(zip(status.units["unit"], status.units["status"]))
    assert units == {"甲职业学院": "read", "丙技师学院": "unread"}
    assert (status.recipients, status.read) == (3, 1)  # two school liaisons and the council
    opened = inbox.inbox(session, people["school"]).rows
    assert opened["is_read"].tolist() == [True]


def test_units_without_an_account_show_as_such(session, people):
    lonely = make_member(session, unit_type="school", name="丁学校")
    message = _publish(session, people["staff"], audience={"member_ids": [lonely.id]})
    status = notices.read_status(session, people["staff"], message.id)
    assert status.units[["unit", "status", "accounts"]].values.tolist() == [["丁学校", "no_account", 0]]


def test_reminder_goes_only_to_those_who_have_not_read(session, people):
    message = _publish(session, people["staff"], audience={"member_types": ["school"]})
    inbox.open_message(session, people["school"], message.id)
    reminder = notices.remind_unread(session, people["staff"], message.id)
    assert reminder.category == "system" and message.title in reminder.title
    assert reminder.audience["user_ids"] == [people["other_school"].id]
    assert reminder.id in _inbox_ids(session, people["other_school"])
    assert reminder.id not in _inbox_ids(session, people["school"])
    inbox.open_message(session, people["other_school"], message.id)
    with pytest.raises(ValidationFailed) as caught:
        notices.remind_unread(session, people["staff"], message.id)
    assert caught.value.key == "message.nobody_to_remind"


# ---------------------------------------------------------------- editing and dates
def test_editing_keeps_earlier_versions_and_refuses_a_stale_edit(session, people):
    staff = people["staff"]
    message = _publish(session, staff, title="初稿", body="第一版")
    fields = dict(category="notice", audience={"everyone": True})
    notices.update_message(session, staff, message.id, 1, title="二稿", body="第二版", **fields)
    notices.update_message(session, staff, message.id, 2, title="定稿", body="第三版", **fields)
    history = notices.revisions(session, staff, message.id)
    assert history["title"].tolist() == ["二稿", "初稿"]
    assert history["body"].tolist() == ["第二版", "第一版"]
    session.refresh(message)
    assert (message.title, message.version) == ("定稿", 3)
    with pytest.raises(StaleEditError):
        notices.update_message(session, staff, message.id, 2, title="旧表单", body="x", **fields)
    assert len(session.exec(select(MessageRevision)).all()) == 2
    # only pinning changed: no new revision of the text
    notices.update_message(session, staff, message.id, 3, title="定稿", body="第三版",
                            pinned=True, **fields)
    assert len(session.exec(select(MessageRevision)).all()) == 2


def test_publish_at_expiry_and_unpublish_are_respected(session, people):
    staff, reader = people["staff"], people["council"]
    now = utcnow()
    later = _publish(session, staff, title="定时发布", publish_at=now + timedelta(days=2))
    expired = _publish(session, staff, title="已过期", publish_at=now - timedelta(days=5),
                       expires_at=now - timedelta(days=1), is_public=True)
    current = _publish(session, staff, title="当前", expires_at=now + timedelta(days=1),
                       is_public=True)
    assert _inbox_ids(session, reader) == [current.id]
    assert [n["title"] for n in inbox.public_notices(session)] == ["当前"]
    for hidden in (later, expired):
        with pytest.raises(PermissionDenied):
            inbox.open_message(session, reader, hidden.id)
    notices.set_published(session, staff, current.id, False)
    assert _inbox_ids(session, reader) == [] and inbox.public_notices(session) == []
    assert inbox.open_message(session, staff, later.id)["title"] == "定时发布"  # staff preview


# ---------------------------------------------------------------- safe rendering
def test_safe_markdown_shows_html_as_text():
    hostile = ("# 标题\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n"
               "> 引用 a > b & c\n[点我](javascript:alert(3))")
    safe = common.safe_markdown(hostile)
    assert "<" not in safe and "<script" not in safe and "<img" not in safe
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in safe
    assert "&lt;img src=x onerror=alert(2)&gt;" in safe
    assert "> 引用 a &gt; b &amp; c" in safe  # the quote stays Markdown
    assert "javascript:" not in safe and "# 标题" in safe
    assert "<" not in common.plain_title("<b onmouseover=x>**粗**</b>")


# ---------------------------------------------------------------- system messages
def test_send_system_reaches_the_units_liaisons_users_and_roles(session, people):
    school_id = people["units"]["school"].id
    second_liaison = _as(session, "member", member_id=school_id)
    sent = system.send_system(session, title="数据已退回", body="请修改后重新提交。",
                                member_ids=[school_id], user_ids=[people["council"].id],
                                roles=["admin"], sender=people["staff"])
    assert sent.category == "system" and sent.published
    assert sent.audience == {"member_ids": [school_id], "user_ids": [people["council"].id],
                             "roles": ["admin"]}
    reached = {name for name in ("staff", "admin", "council", "school", "company", "other_school")
               if sent.id in _inbox_ids(session, people[name])}
    assert reached == {"school", "council", "admin"}
    assert sent.id in _inbox_ids(session, second_liaison)
    long = system.send_system(session, title="长" * 300, body="x", roles=["admin"])
    assert len(long.title) == 200 and long.author_user_id is None
    with pytest.raises(ValidationFailed):
        system.send_system(session, title="空", body="x")


def test_milestones_due_are_sent_to_secretariat_and_admins(session, people):
    owner = StaffMember(name="王主任", position="director", duty_area="leadership")
    the_plan = Plan(code="P", title="建设方案", start_year=2024, end_year=2026, is_current=True)
    session.add_all([owner, the_plan])
    session.flush()
    area = PlanArea(plan_id=the_plan.id, seq=1, title="领域")
    session.add(area)
    session.flush()
    task = PlanTask(area_id=area.id, seq=1, title="任务")
    session.add(task)
    session.flush()
    today = date(2025, 3, 1)
    for seq, (title, due, status) in enumerate([
            ("逾期未完成", today - timedelta(days=3), "in_progress"),
            ("十天后到期", today + timedelta(days=10), "not_started"),
            ("一月后到期", today + timedelta(days=30), "not_started"),
            ("逾期已完成", today - timedelta(days=3), "done")], start=1):
        session.add(Milestone(task_id=task.id, seq=seq, title=title, owner_staff_id=owner.id,
                              planned_start=date(2024, 1, 1), planned_due=due, status=status,
                              percent=100 if status == "done" else 10))
    session.flush()
    sent = system.milestones_due(session, people["staff"], as_of=today)
    assert "逾期未完成" in sent.body and "十天后到期" in sent.body
    assert "一月后到期" not in sent.body and "逾期已完成" not in sent.body
    assert sent.audience["roles"] == ["admin", "secretariat"]
    assert sent.id in _inbox_ids(session, people["admin"])
    assert sent.id not in _inbox_ids(session, people["council"])
    with pytest.raises(PermissionDenied):
        system.milestones_due(session, people["council"], as_of=today)


# ---------------------------------------------------------------- discussion boards
def test_locked_topic_refuses_member_post_and_hidden_topic_is_invisible(session, people):
    topic = boards.new_topic(session, people["school"], board="general", title="交流",
                               body="大家好")
    boards.reply(session, people["council"], topic.id, "欢迎")
    boards.moderate_topic(session, people["staff"], topic.id, locked=True)
    with pytest.raises(PermissionDenied) as caught:
        boards.reply(session, people["company"], topic.id, "还能回复吗")
    assert caught.value.key == "board.topic_locked"
    assert not boards.topic_view(session, people["company"], topic.id)["may_reply"]
    boards.reply(session, people["staff"], topic.id, "本帖已锁定")  # the secretariat still may
    with pytest.raises(PermissionDenied):
        boards.moderate_topic(session, people["school"], topic.id, hidden=True)
    boards.moderate_topic(session, people["staff"], topic.id, hidden=True)
    assert boards.topics(session, people["company"])[1] == 0
    assert boards.topics(session, people["staff"])[1] == 1
    with pytest.raises(NotFound):
        boards.topic_view(session, people["company"], topic.id)


def test_edit_own_post_keeps_history_and_others_posts_are_refused(session, people):
    topic = boards.new_topic(session, people["school"], board="cooperation", title="订单班",
                               body="第一版")
    post = session.exec(select(Post).where(Post.topic_id == topic.id)).one()
    boards.edit_post(session, people["school"], post.id, 1, "第二版")
    boards.edit_post(session, people["school"], post.id, 2, "第三版")
    assert boards.post_history(session, people["company"], post.id)["body"].tolist() == \
        ["第二版", "第一版"]
    view = boards.topic_view(session, people["company"], topic.id)
    assert view["posts"]["body"].tolist() == ["第三版"]
    assert view["posts"]["unit"].tolist() == ["甲职业学院"]
    for other in ("company", "staff"):
        with pytest.raises(PermissionDenied) as caught:
            boards.edit_post(session, people[other], post.id, 3, "改别人的帖子")
        assert caught.value.key == "board.not_your_post"
    assert len(session.exec(select(PostRevision)).all()) == 2


def test_board_input_rules(session, people):
    with pytest.raises(ValidationFailed):
        boards.new_topic(session, people["school"], board="nowhere", title="x", body="y")
    with pytest.raises(ValidationFailed):
        boards.new_topic(session, people["school"], board="general", title="x", body="  ")
    with pytest.raises(ValidationFailed):
        boards.new_topic(session, people["school"], board="general", title="题" * 201, body="y")
    topic = boards.new_topic(session, people["school"], board="general", title="x", body="y")
    with pytest.raises(ValidationFailed):
        boards.reply(session, people["company"], topic.id, "")


# ---------------------------------------------------------------- many notices
def test_paging_2000_notices_in_sql(session, people):
    staff = people["staff"]
    base = utcnow() - timedelta(days=3000)
    school_id = people["units"]["school"].id
    rows = []
    for n in range(2000):
        audience = ({"everyone": True} if n % 4 == 0 else {"member_types": ["school"]} if n % 4 == 1
                    else {"member_ids": [school_id]} if n % 4 == 2 else {"roles": ["council"]})
        rows.append(Message(category="notice" if n % 2 else "document", title=f"通知{n:04d}",
                            body="正文", audience=audience, author_user_id=staff.id,
                            publish_at=base + timedelta(hours=n)))
    session.add_all(rows)
    session.flush()
    # the school sees 3 of every 4 (everyone, school type, its unit): 1500, newest first
    started = time.perf_counter()
    page = inbox.inbox(session, people["school"], page=3, per_page=20)
    elapsed = time.perf_counter() - started
    assert (page.total, page.unread, page.pages, page.page) == (1500, 1500, 75, 3)
    expected = [f"通知{n:04d}" for n in range(1999, -1, -1) if n % 4 != 3][40:60]
    assert page.rows["title"].tolist() == expected
    assert inbox.unread_count(session, people["school"]) == 1500
    assert inbox.inbox(session, people["company"], per_page=20).total == 500
    documents = inbox.inbox(session, people["school"], category="document", per_page=10)
    assert documents.total == 1000 and set(documents.rows["category"]) == {"document"}
    found = inbox.inbox(session, people["school"], search="通知1998")
    assert found.rows["title"].tolist() == ["通知1998"]
    assert inbox.inbox(session, people["school"], page=999).page == 75  # clamped
    assert elapsed < 2.0


def test_audience_sql_on_postgresql(pg_url):
    """The same audience rule in PostgreSQL's dialect (jsonb containment)."""
    from tests.conftest import _reset_postgres

    _reset_postgres(pg_url)
    engine = db.make_engine(pg_url)
    SQLModel.metadata.create_all(engine)
    try:
        with Session(engine, expire_on_commit=False) as session:
            school = make_member(session, unit_type="school")
            staff = _as(session)
            liaison = _as(session, "member", member_id=school.id)
            council = _as(session, "council")
            for audience in ({"everyone": True}, {"member_types": ["school"]},
                             {"member_ids": [school.id]}, {"user_ids": [council.id]},
                             {"roles": ["council"]}, {"member_types": ["enterprise"]}):
                _publish(session, staff, title=str(audience), audience=audience)
            session.flush()
            assert inbox.inbox(session, liaison).total == 3
            assert inbox.inbox(session, council).total == 3
            assert inbox.unread_count(session, staff) == 1
            assert inbox.inbox(session, liaison, search="school").total == 1
    finally:
        engine.dispose()


def test_topic_list_names_the_unit_when_it_has_no_short_name(session, people):
    boards.new_topic(session, people["school"], board="general", title="实训设备共享", body="有哪些设备可共享？")
    frame, _ = boards.topics(session, people["school"])
    assert frame["unit"].tolist() == ["甲职业学院"]  # short_name is "" for this unit


def test_read_receipts_list_units_that_can_read_before_those_without_an_account(session, people):
    lonely = make_member(session, unit_type="school", name="丁学校")
    message = _publish(session, people["staff"], audience={"everyone": True})
    inbox.open_message(session, people["school"], message.id)
    statuses = notices.read_status(session, people["staff"], message.id).units["status"].tolist()
    assert statuses.index("read") < statuses.index("no_account") and lonely.name
    assert statuses == sorted(statuses, key={"unread": 0, "read": 1, "no_account": 2}.get)
