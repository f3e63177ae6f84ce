"""Message management through its pages (AppTest): publish, inbox, read receipts, reminders,
milestones due, discussion boards, guards."""
from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core import nav
from core.i18n import translate
from core.models import Message, Post, ReadReceipt, Topic, User
from tests.pages_support import ROOT, app_as, button, session_scope, user_for

PAGES = ("inbox", "notices_manage", "boards")


def _labelled(widgets, key):
    return [w for w in widgets if w.label == translate(key)][-1]


def _toasts(at) -> list[str]:
    return [t.value for t in at.toast]


@pytest.mark.parametrize("page_key", PAGES)
def test_every_role_that_may_opens_each_page(demo_db_url, page_key):
    for role in nav.PAGES_BY_KEY[page_key].roles:
        at = app_as(demo_db_url, role, page_key)
        assert not at.exception, (role, page_key)
        assert not at.error, (role, page_key, [e.value for e in at.error])
        assert [t.value for t in at.title] == [translate(f"page.{page_key}")]


@pytest.mark.parametrize("role", ["council", "member"])
def test_roles_that_may_not_manage_notices_are_refused(demo_db_url, role):
    at = AppTest.from_file(str(ROOT / nav.PAGES_BY_KEY["notices_manage"].path), default_timeout=30)
    at.session_state["auth_user"] = user_for(demo_db_url, role)
    at.run()
    assert [e.value for e in at.error] == [translate("auth.page_forbidden")]
    assert not at.text_area and not at.dataframe


def _publish(at, title, body, *, everyone=True):
    _labelled(at.text_input, "notices_manage.title").set_value(title)
    _labelled(at.text_area, "notices_manage.body").set_value(body)
    if not everyone and _labelled(at.toggle, "notices_manage.everyone").value:
        _labelled(at.toggle, "notices_manage.everyone").set_value(False)
    button(at, "notices_manage.publish").click().run()
    if everyone:  # a notice to everyone asks once
        assert translate("notices_manage.confirm_everyone") in [w.value for w in at.warning]
        at.button(key="notices_new_submit_confirm").click().run()
    return at


def _inbox_list(at):
    return _labelled(at.radio, "inbox.list")


def _inbox_label(at, title) -> str:
    labels = [label for label in _inbox_list(at).options if title in label]
    assert labels, _inbox_list(at).options
    return labels[0]


def _open_in_inbox(at, url, title):
    with session_scope(url) as session:
        message_id = session.exec(select(Message.id).where(Message.title == title)).one()
    _inbox_list(at).set_value(message_id)
    return at.run()


def test_secretariat_publishes_member_reads_and_is_counted(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "notices_manage")
    _publish(at, "关于报送 2022 年度数据的通知", "请于 3 月底前报送。\n\n<script>alert(1)</script>")
    assert not at.exception
    assert _toasts(at) == [translate("notices_manage.published", title="关于报送 2022 年度数据的通知")]
    with session_scope(demo_db_url) as session:
        message = session.exec(select(Message).where(Message.title == "关于报送 2022 年度数据的通知")).one()
        assert message.audience == {"everyone": True} and message.category == "notice"
        member = session.exec(select(User).where(User.username == "demo-member")).one()
        message_id, member_id = message.id, member.id

    reader = app_as(demo_db_url, "member", "inbox")
    assert _inbox_label(reader, "关于报送 2022 年度数据的通知").startswith("**")  # unread: bold
    _open_in_inbox(reader, demo_db_url, "关于报送 2022 年度数据的通知")
    assert not reader.exception
    body = [m.value for m in reader.markdown if "请于 3 月底前报送" in m.value]
    assert body and "&lt;script&gt;" in body[0] and "<script>" not in body[0]
    with session_scope(demo_db_url) as session:
        assert session.exec(select(ReadReceipt).where(ReadReceipt.message_id == message_id,
                                                      ReadReceipt.user_id == member_id)).one()
    assert not _inbox_label(reader, "关于报送 2022 年度数据的通知").startswith("**")  # now read
    # the secretariat sees the lead unit as read
    at = app_as(demo_db_url, "secretariat", "notices_manage")
    at.selectbox(key="notices_pick").set_value(message_id).run()
    units = [d.value for d in at.dataframe
             if translate("notices_manage.col_unit") in d.value.columns][0]
    lead = units[units[translate("notices_manage.col_unit")] == "山东劳动职业技术学院"]
    assert lead[translate("notices_manage.col_status")].tolist() == [translate("notices_manage.unit_read")]


def test_publishing_refuses_an_empty_and_a_long_title_on_the_page(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "notices_manage")
    _publish(at, "", "")
    assert [e.value for e in at.error] == [
        translate("message.title_required") + "  \n" + translate("message.body_required")]
    _publish(at, "长" * 250, "正文")
    assert [e.value for e in at.error] == [translate("message.title_too_long", max=200, length=250)]
    at.file_uploader(key="notices_new_0_files").set_value(
        [("恶意.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")]).run()
    _publish(at, "带附件的通知", "正文")
    assert [e.value for e in at.error] == [translate("attachment.bad_type",
                                                     allowed="PDF, DOCX, XLSX, PPTX, PNG, JPG, ZIP")]
    with session_scope(demo_db_url) as session:
        assert not session.exec(select(Message).where(Message.title == "带附件的通知")).all()


def test_notice_for_chosen_units_with_attachment(demo_db_url):
    with session_scope(demo_db_url) as session:
        lead = session.exec(select(User.member_id).where(User.username == "demo-member")).one()
    at = app_as(demo_db_url, "secretariat", "notices_manage")
    _labelled(at.toggle, "notices_manage.everyone").set_value(False).run()
    _labelled(at.multiselect, "notices_manage.units").set_value([lead])
    at.file_uploader(key="notices_new_0_files").set_value(
        [("方案.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")])
    _publish(at, "仅牵头单位的通知", "请核对。", everyone=False)  # chosen above; published without asking
    assert not at.error, [e.value for e in at.error]
    with session_scope(demo_db_url) as session:
        message = session.exec(select(Message).where(Message.title == "仅牵头单位的通知")).one()
        assert message.audience == {"member_ids": [lead]}
    reader = app_as(demo_db_url, "member", "inbox")
    _open_in_inbox(reader, demo_db_url, "仅牵头单位的通知")
    assert any(b.label.replace("\\", "").startswith("方案.pdf") for b in reader.get("download_button"))
    council = app_as(demo_db_url, "council", "inbox")
    assert not [o for o in _inbox_list(council).options if "仅牵头单位的通知" in o]


def test_staff_reminder_and_edit_with_history(demo_db_url):
    at = app_as(demo_db_url, "secretariat", "notices_manage")
    _publish(at, "待提醒的通知", "第一版正文")
    remind = [b for b in at.button if b.key == "notices_remind"][0]
    assert not remind.disabled
    remind.click().run()
    assert not at.exception and len(_toasts(at)) == 1
    with session_scope(demo_db_url) as session:
        reminder = session.exec(select(Message).where(Message.category == "system")
                                .order_by(Message.id.desc())).first()
        assert "待提醒的通知" in reminder.title and reminder.audience["user_ids"]
    # edit: the earlier text is kept
    body = [w for w in at.text_area if w.key and w.key.startswith("form_message_")][0]
    body.set_value("第二版正文")
    [b for b in at.button if b.key and b.key.startswith("notices_save_")][0].click().run()
    assert _toasts(at) == [translate("notices_manage.saved")]
    assert any("第一版正文" in m.value for m in at.markdown)  # shown under earlier versions


def test_milestones_due_button_sends_a_system_message(demo_db_url):
    at = app_as(demo_db_url, "admin", "notices_manage")
    with session_scope(demo_db_url) as session:
        before = len(session.exec(select(Message).where(Message.category == "system")).all())
    [b for b in at.button if b.key == "notices_milestones"][0].click().run()
    assert not at.exception
    with session_scope(demo_db_url) as session:
        sent = session.exec(select(Message).where(Message.category == "system")).all()
    # the current demo plan has milestones overdue and due within weeks (dated from today)
    assert len(sent) == before + 1 and sent[-1].audience["roles"] == ["admin", "secretariat"]
    inbox = app_as(demo_db_url, "secretariat", "inbox")
    assert _inbox_label(inbox, sent[-1].title)


def _topic(url, title):
    with session_scope(url) as session:
        return session.exec(select(Topic).where(Topic.title == title)).one()


def test_member_replies_and_staff_lock_closes_the_reply_box(demo_db_url):
    topic = _topic(demo_db_url, "1+X 证书试点经验交流")
    member = app_as(demo_db_url, "member", "boards")
    _labelled(member.radio, "boards.list").set_value(topic.id).run()
    member.text_area(key=f"boards_reply_{topic.id}_0").set_value("我们也在建设考核站。")
    button(member, "boards.send").click().run()
    assert _toasts(member) == [translate("boards.replied")]
    assert any("我们也在建设考核站" in m.value for m in member.markdown)

    staff = app_as(demo_db_url, "secretariat", "boards")
    _labelled(staff.radio, "boards.list").set_value(topic.id).run()
    [b for b in staff.button if b.key == "boards_lock"][0].click().run()
    assert _toasts(staff) == [translate("boards.locked_done")]
    assert _topic(demo_db_url, "1+X 证书试点经验交流").locked

    member = app_as(demo_db_url, "member", "boards")
    _labelled(member.radio, "boards.list").set_value(topic.id).run()
    assert not [w for w in member.text_area if w.key and w.key.startswith("boards_reply_")]
    assert translate("boards.locked_info") in [i.value for i in member.info]


def test_member_starts_a_topic_and_edits_own_post(demo_db_url):
    at = app_as(demo_db_url, "member", "boards")
    at.text_input(key="boards_new_title_0").set_value("校企合作需求对接")
    at.text_area(key="boards_new_body_0").set_value("我校需要数控设备实训合作。")
    button(at, "boards.start").click().run()
    assert _toasts(at) == [translate("boards.started")]
    topic = _topic(demo_db_url, "校企合作需求对接")
    with session_scope(demo_db_url) as session:
        post = session.exec(select(Post).where(Post.topic_id == topic.id)).one()
    body = [w for w in at.text_area if w.key and w.key.startswith(f"form_post_{post.id}_")][0]
    body.set_value("我校需要数控、机器人设备实训合作。")
    [b for b in at.button if b.key == f"boards_save_{post.id}"][0].click().run()
    assert _toasts(at) == [translate("boards.saved")]
    assert any("我校需要数控设备实训合作" in m.value for m in at.markdown)  # history shown
    # nobody else gets an edit box for it
    council = app_as(demo_db_url, "council", "boards")
    _labelled(council.radio, "boards.list").set_value(topic.id).run()
    assert not [w for w in council.text_area if w.key and w.key.startswith(f"form_post_{post.id}_")]


def test_unread_count_in_the_navigation(demo_db_url):
    from core.messages import inbox

    member = user_for(demo_db_url, "member")
    with session_scope(demo_db_url) as session:
        unread = inbox.unread_count(session, member)
    assert unread > 0
    at = app_as(demo_db_url, "member", "inbox")
    caption = translate("inbox.counts", total=0, unread=unread).split("，")[-1]
    assert any(caption in c.value for c in at.caption)


def test_inbox_pages_through_many_notices(demo_db_url):
    from core.messages import notices

    staff = user_for(demo_db_url, "secretariat")
    with session_scope(demo_db_url) as session:
        for n in range(45):
            notices.publish(session, staff, category="notice", title=f"批量通知 {n:02d}", body="正文",
                             audience={"everyone": True})
    at = app_as(demo_db_url, "member", "inbox")
    first_page = [option for option in at.radio[0].options]
    at.button(key="inbox_page_next").click().run()
    assert not at.exception
    second_page = [option for option in at.radio[0].options]
    assert first_page and second_page and not set(first_page) & set(second_page)
    assert at.button(key="inbox_page_prev").disabled is False


def test_boards_filter_by_board_and_back_to_all(demo_db_url):
    at = app_as(demo_db_url, "council", "boards")
    everything = len(at.radio[0].options)
    at.segmented_control(key="boards_board").set_value("competition").run()
    assert not at.exception and 0 < len(at.radio[0].options) < everything
    at.segmented_control(key="boards_board").set_value("all").run()
    assert len(at.radio[0].options) == everything
