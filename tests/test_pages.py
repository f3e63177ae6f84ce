"""Every page under AppTest, as every role that may see it and as those that may not."""
from __future__ import annotations

import importlib

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from core import auth, db, nav
from core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from core.i18n import translate
from core.models import AuditLog, User
from tests.pages_support import (
    ACCOUNTS,
    ROOT,
    app as _app,
    app_as as _app_as,
    page_path as _page,
    session_scope as _with_db,
    titles as _titles,
    user_for as _as_role,
)
from tests.visible_text import blank_words


def _login(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    if not at._tree:
        at.run()
    at.switch_page(_page("login")).run()
    at.text_input(key="login_username").set_value(username)
    at.text_input(key="login_password").set_value(password)
    submit = [b for b in at.button if b.label == translate("login.submit")]
    submit[0].click().run()
    return at


def test_portal_for_the_public(demo_db_url):
    at = _app().run()
    assert not at.exception
    assert _titles(at) == ["山东省机械行业职业培训教育集团"]
    metrics = {metric.label: metric.value for metric in at.metric}
    assert metrics[translate("portal.metric_members")] == "60"  # 64 less 2 exited, 1 suspended, 1 applicant
    assert at.dataframe, "member directory shown"


OWN_HEADING = {"portal", "meeting_mode"}


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_role_opens_exactly_its_pages(demo_db_url, role):
    at = _app()
    at.session_state["auth_user"] = _as_role(demo_db_url, role)
    at.run()  # the navigation registers this role's pages only
    assert not at.exception and _titles(at) == [translate("page.home")]
    for page in nav.PAGES:
        if role not in page.roles and page.key != "login":
            # Its URL resolves (hidden in the navigation) and the page says why it shows nothing.
            at.switch_page(_page(page.key)).run()
            assert [e.value for e in at.error] == [translate("auth.page_forbidden")], (role, page.key)
            assert not at.dataframe and not at.metric, (role, page.key)
    for page in nav.pages_for(role):
        at.switch_page(_page(page.key)).run()
        assert not at.exception, (role, page.key)
        assert not at.error, (role, page.key, [e.value for e in at.error])
        # Each page is headed by its own name (the portal by the group's, the meeting mode by its slide).
        assert _titles(at) if page.key in OWN_HEADING else _titles(at) == [translate(page.title_key)], \
            (role, page.key, _titles(at))
        # What is missing reads "—" (core.display), never Python's or pandas' word for it.
        assert not blank_words(at), (role, page.key, blank_words(at)[:5])


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_each_demo_account_logs_in_through_the_form(demo_db_url, role):
    at = _login(_app(), ACCOUNTS[role])
    assert not at.exception and _titles(at) == [translate("page.home")]
    assert at.session_state["auth_user"].role == role


@pytest.mark.parametrize("page", [p for p in nav.PAGES if nav.PUBLIC not in p.roles],
                         ids=lambda p: p.key)
def test_page_opened_directly_without_login_shows_no_data(demo_db_url, page):
    at = AppTest.from_file(str(ROOT / page.path), default_timeout=30).run()
    assert not at.exception
    assert [w.value for w in at.warning] == [translate("auth.login_required")]
    assert not at.metric and not at.dataframe and not at.title


@pytest.mark.parametrize("role", list(ACCOUNTS))
def test_page_opened_directly_by_a_role_that_may_not(demo_db_url, role):
    for page in nav.PAGES:
        if role in page.roles or page.key == "login":
            continue
        at = AppTest.from_file(str(ROOT / page.path), default_timeout=30)
        at.session_state["auth_user"] = _as_role(demo_db_url, role)
        at.run()
        assert [e.value for e in at.error] == [translate("auth.page_forbidden")]
        assert not at.metric and not at.dataframe


def test_logged_in_user_opening_the_login_page_directly_is_told_so(demo_db_url):
    at = AppTest.from_file(str(ROOT / nav.PAGES_BY_KEY["login"].path), default_timeout=30)
    at.session_state["auth_user"] = _as_role(demo_db_url, "council")
    at.run()
    assert not at.exception and not at.text_input
    assert [i.value for i in at.info] == [translate("login.already", name="理事长（演示）")]


def test_wrong_password_shows_a_message_and_stays_public(demo_db_url):
    at = _login(_app(), "demo-council", "wrong-password")
    assert [e.value for e in at.error] == [translate("auth.invalid_attempts", left=4)]
    assert "auth_user" not in at.session_state


def test_five_wrong_passwords_lock_the_account(demo_db_url):
    at = _app()
    for _ in range(5):
        _login(at, "demo-council", "wrong-password")
    assert [e.value for e in at.error] == [translate("auth.locked", minutes=15)]
    _login(at, "demo-council")
    assert [e.value for e in at.error][0].startswith(translate("auth.locked", minutes=15)[:10])
    with _with_db(demo_db_url) as session:
        actions = session.exec(select(AuditLog.action)).all()
    assert "account_locked" in actions


def test_login_page_lists_demo_accounts_while_demo_is_loaded(demo_db_url):
    at = _app().run()
    at.switch_page(_page("login")).run()
    shown = at.dataframe[0].value
    assert sorted(shown.iloc[:, 0]) == sorted(name for name, _, _ in DEMO_ACCOUNTS)  # two for the secretariat


def test_logout_returns_to_the_portal_and_ends_the_session(demo_db_url):
    at = _app_as(demo_db_url, "secretariat")
    logout = [b for b in at.sidebar.button if b.label == translate("nav.logout")]
    logout[0].click().run()
    assert not at.exception
    assert "auth_user" not in at.session_state or at.session_state["auth_user"] is None
    assert _titles(at) == ["山东省机械行业职业培训教育集团"]


def test_english_switch_is_honoured_and_remembered(demo_db_url):
    at = _app_as(demo_db_url, "member")
    at.sidebar.segmented_control[0].set_value("en").run()
    assert _titles(at) == ["Home"]
    at.switch_page(_page("account")).run()
    assert _titles(at) == ["My account"]
    with _with_db(demo_db_url) as session:
        assert session.exec(select(User.language).where(User.username == "demo-member")).one() == "en"


def test_member_home_shows_its_own_unit(demo_db_url):
    at = _login(_app(), "demo-member")
    assert translate("home.my_unit") in [s.value for s in at.subheader]
    assert any("山东劳动职业技术学院" in m.value for m in at.markdown)


def test_session_ends_when_the_user_logs_out_elsewhere(demo_db_url):
    at = _login(_app(), "demo-council")
    user = at.session_state["auth_user"]
    with _with_db(demo_db_url) as session:
        auth.end_sessions(session, user.id)
    at.run()
    assert "auth_user" not in at.session_state or at.session_state["auth_user"] is None
    assert not at.metric or _titles(at) != [translate("page.home")]


def test_password_change_through_the_account_page(demo_db_url):
    at = _login(_app(), "demo-member")
    at.switch_page(_page("account")).run()
    fields = at.text_input
    fields[0].set_value(DEMO_PASSWORD)
    fields[1].set_value("new-member-pw")
    fields[2].set_value("new-member-pw")
    [b for b in at.button if b.label == translate("account.save_password")][0].click().run()
    assert not at.exception and [s.value for s in at.toast] == [translate("account.password_changed")]
    with _with_db(demo_db_url) as session:
        assert auth.authenticate(session, "demo-member", "new-member-pw").user is not None


def test_password_change_mismatch_is_refused(demo_db_url):
    at = _login(_app(), "demo-member")
    at.switch_page(_page("account")).run()
    at.text_input[0].set_value(DEMO_PASSWORD)
    at.text_input[1].set_value("new-member-pw")
    at.text_input[2].set_value("other-member-pw")
    [b for b in at.button if b.label == translate("account.save_password")][0].click().run()
    assert [e.value for e in at.error] == [translate("password.mismatch")]


def test_user_who_must_change_password_is_held_on_the_account_page(demo_db_url):
    with _with_db(demo_db_url) as session:
        user = session.exec(select(User).where(User.username == "demo-council")).one()
        user.must_change_password = True
        session.add(user)
    at = _login(_app(), "demo-council")
    assert _titles(at) == [translate("page.account")]
    at.switch_page(_page("home")).run()
    assert [w.value for w in at.warning] == [translate("account.must_change")]
    assert not at.metric


def test_missing_cookie_key_outside_demo_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.delenv("COOKIE_KEY")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'real.db'}")
    at = _app().run()
    assert not at.exception
    assert [e.value for e in at.error] == [translate("config.cookie_key_missing", min_bytes=32)]
    assert not at.title


def test_unreachable_database_is_explained(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    at = _app().run()
    assert not at.exception
    assert at.error and "DATABASE_URL" in at.error[0].value


def test_database_from_a_newer_release_is_refused_at_start(demo_db_url):
    engine = db.make_engine(demo_db_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'zz_future'")
    at = _app().run()
    assert not at.exception
    assert at.error and at.error[0].value.startswith(translate("db.schema_too_new", current="zz_future", head="")[:12])


def test_real_deployment_lists_no_demo_accounts(monkeypatch, tmp_path):
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.setenv("ADMIN_PASSWORD", "first-admin-pw")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'real.db'}")
    at = _app().run()
    at.switch_page(_page("login")).run()
    assert not at.exception and not at.dataframe
    assert translate("login.demo_title") not in [s.value for s in at.subheader]
    assert translate("portal.demo_notice") not in [i.value for i in at.info]


def test_every_page_copes_with_an_empty_database(monkeypatch, tmp_path):
    """A real deployment starts empty: each page shows its empty state, never an exception."""
    monkeypatch.setenv("DEMO", "0")
    monkeypatch.setenv("ADMIN_PASSWORD", "first-admin-pw")
    url = f"sqlite:///{tmp_path / 'real.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    _app().run()  # creates the schema and the first admin
    with _with_db(url) as session:
        admin = session.exec(select(User).where(User.username == "admin")).one()
        admin.must_change_password = False
        session.add(admin)
    with _with_db(url) as session:
        from core import auth
        user = auth.authenticate(session, "admin", "first-admin-pw").user
    at = _app()
    at.session_state["auth_user"] = user
    at.run()
    for page in nav.pages_for("admin"):
        at.switch_page(_page(page.key)).run()
        assert not at.exception, page.key
        assert not at.error, (page.key, [e.value for e in at.error])


def test_a_session_resumed_over_another_connection_without_the_cookie_is_logged_out(demo_db_url, monkeypatch):
    """Streamlit resumes a session for any websocket naming its id: the login stays with the
    connection it was made over, or a connection carrying the user's re-login cookie."""
    ui_login = importlib.import_module("core.ui.login")  # the module; ui.login is the function

    at = _login(_app(), "demo-admin")
    at.switch_page(_page("users")).run()
    assert _titles(at) == [translate("page.users")]
    monkeypatch.setattr(ui_login, "_connection_key", lambda: "another-connection")
    at.run()
    assert at.session_state.get("auth_user") is None
    assert _titles(at) == [translate("page.login")]
    at.switch_page(_page("users")).run()  # the admin's page sends to the login form instead
    assert _titles(at) != [translate("page.users")]
    assert at.session_state["nav_after_login"] == "users"


def test_a_reconnect_with_the_users_cookie_stays_logged_in(demo_db_url, monkeypatch):
    ui_login = importlib.import_module("core.ui.login")  # the module; ui.login is the function

    at = _login(_app(), "demo-admin")
    user = at.session_state["auth_user"]
    monkeypatch.setattr(ui_login, "_connection_key", lambda: "reconnected")
    monkeypatch.setattr(ui_login, "_cookie_user", lambda: user)
    at.switch_page(_page("users")).run()
    assert _titles(at) == [translate("page.users")]


def test_portal_home_and_registry_count_members_alike(demo_db_url):
    """One definition of "members" (active units), shown with the other statuses beside it."""
    from core.models import MemberUnit

    with _with_db(demo_db_url) as session:
        active = len(session.exec(select(MemberUnit).where(MemberUnit.status == "active")).all())
    shown = []
    portal = _app()
    portal.run()
    shown.append(portal.metric[0].value)
    home = _app_as(demo_db_url, "secretariat", "home")
    shown.append(home.metric[0].value)
    registry = _app_as(demo_db_url, "secretariat", "members")
    shown.append(registry.metric[0].value)
    assert shown == [str(active)] * 3
    for at in (portal, home, registry):
        assert any(translate("members.breakdown", parts="")[:6] in c.value for c in at.caption)


def test_home_shows_each_roles_work_queue_as_links(demo_db_url):
    from core.demo_plan import DemoCalendar
    from core.models import Submission
    from core.timeutil import china_today

    year = DemoCalendar(china_today()).reporting_year  # the demo's year being reported

    with _with_db(demo_db_url) as session:  # one report waiting, and the liaison's year open
        report = session.exec(select(Submission).where(Submission.year == year)).first()
        report.status = "submitted"
        lead_report = session.exec(select(Submission).join(User, User.member_id == Submission.member_id)
                                   .where(User.username == ACCOUNTS["member"], Submission.year == year)).first()
        lead_report.status = "draft"
    with _with_db(demo_db_url) as session:
        waiting = len(session.exec(select(Submission).where(Submission.year == year,
                                                            Submission.status == "submitted")).all())
    staff = _app_as(demo_db_url, "secretariat", "home")
    assert translate("home.todo_review", count=waiting, year=year) in [link.proto.label for link in staff.get("page_link")]
    liaison = _app_as(demo_db_url, "member", "home")
    assert translate("home.todo_report", year=year) in [link.proto.label for link in liaison.get("page_link")]
