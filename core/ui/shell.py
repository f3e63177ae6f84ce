"""The app shell: the navigation of the role's pages, the sidebar, and the guard that every page
runs first."""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from core import auth, nav
from core.config import ROOT
from core.errors import UserFacingError
from core.i18n import LANGUAGES, translate
from core.messages import inbox
from core.safe_text import plain
from core.ui import chrome
from core.ui.language import LANG_KEY, lang, role_label, show_error, t
from core.ui.login import AFTER_LOGIN_KEY, GOTO_KEY, apply_cookie_action, logout, resolve_user
from core.ui.session import engine, read, write

LANGUAGE_WIDGET = "sidebar_lang"
# Less empty space above the page title than Streamlit's default, for projectors and laptops.
# The language switch and logout above the navigation (whose list is longer than a projector's
# screen for staff), so both are always within the first screen of the sidebar.
PAGE_CSS = ("<style>.block-container{padding-top:2.5rem}"
            "[data-testid=stSidebarContent]{display:flex;flex-direction:column}"
            "[data-testid=stSidebarHeader]{order:0}[data-testid=stSidebarUserContent]{order:1;padding-bottom:0}"
            "[data-testid=stSidebarNav]{order:2}</style>")
LOGO = str(ROOT / "data" / "brand" / "logo.svg")
LOGO_EN = str(ROOT / "data" / "brand" / "logo_en.svg")  # the same mark, the name in English
LOGO_ICON = str(ROOT / "data" / "brand" / "logo_icon.svg")


def guard(page_key: str) -> auth.CurrentUser | None:
    """First line of every page: stop here unless the caller's role may open this page.

    A page file can be opened by its URL around st.navigation's role filter, so the check
    is repeated on the page itself, and core services check again on every call.
    """
    try:
        user = resolve_user()
    except UserFacingError as error:
        show_error(error)
        st.stop()
    role = nav.role_of(user)
    if not nav.may_open(role, page_key):
        if user is None:
            # A link from a notice, WeChat or an e-mail: log in, then land where it pointed.
            st.session_state[AFTER_LOGIN_KEY] = page_key
            st.session_state["auth_notice"] = ("auth.login_to_open", {"page": t(f"page.{page_key}")})
            try:
                st.switch_page(str(ROOT / nav.PAGES_BY_KEY["login"].path))
            except StreamlitPageNotFoundError:  # run outside app.py's navigation
                st.warning(t("auth.login_required"), icon=":material/lock:")
        elif page_key == "login":  # already logged in: straight to the home page
            try:
                st.switch_page(str(ROOT / nav.PAGES_BY_KEY[nav.default_page(role)].path))
            except StreamlitPageNotFoundError:  # run outside app.py's navigation
                st.info(t("login.already", name=user.display_name), icon=":material/info:")
        else:
            st.error(t("auth.page_forbidden"), icon=":material/block:")
        st.stop()
    if user is not None and user.must_change_password and page_key != "account":
        st.warning(t("account.must_change"), icon=":material/password:")
        st.stop()
    return user


def link_to_page(page_key: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the navigation (left out when run outside app.py's navigation)."""
    try:
        st.page_link(str(ROOT / nav.PAGES_BY_KEY[page_key].path), label=label, icon=icon)
    except StreamlitPageNotFoundError:
        pass


def page_header(page_key: str, subtitle_key: str | None = None) -> None:
    st.title(t(f"page.{page_key}"))
    if subtitle_key:
        st.caption(t(subtitle_key))


def start_app():
    """Run by app.py each rerun: database ready, login resolved, navigation and sidebar drawn.

    Returns the page to run. The navigation is registered before any other element so that a
    URL such as /login resolves to its page on the first run of a new session.
    """
    try:
        engine()
        user = resolve_user()
    except UserFacingError as error:
        show_error(error)
        st.stop()
    selected = navigation(user)
    st.logo(LOGO if lang() == "zh" else LOGO_EN, size="large", icon_image=LOGO_ICON)
    st.html(PAGE_CSS)
    chrome.inject()  # Streamlit's own words in the user's language; projector and phone layout
    _sidebar(user)
    with st.sidebar:  # below everything there, so its empty element moves nothing
        apply_cookie_action()
    return selected


def _on_language_picked(user: auth.CurrentUser | None) -> None:
    """Runs before the rerun, so the whole page comes back in the chosen language."""
    choice = st.session_state.get(LANGUAGE_WIDGET)
    if choice in LANGUAGES:
        st.session_state[LANG_KEY] = choice
        if user is not None:
            write(auth.set_language, user, choice)


def _sidebar(user: auth.CurrentUser | None) -> None:
    # The switch shows the language in force (e.g. the user's own after login); only a click
    # changes it, so a new session neither reruns nor forgets the user's saved language.
    if st.session_state.get(LANGUAGE_WIDGET) != lang():
        st.session_state[LANGUAGE_WIDGET] = lang()
    with st.sidebar:
        st.segmented_control(
            t("nav.language"), options=list(LANGUAGES), key=LANGUAGE_WIDGET,
            format_func=lambda code: translate(f"lang.{code}", code),
            on_change=_on_language_picked, args=(user,))
        if user is not None:
            st.caption(t("nav.signed_in_as", name=plain(user.display_name), role=role_label(user.role)))
            if st.button(t("nav.logout"), icon=":material/logout:", key="sidebar_logout",
                         width="stretch"):
                logout()
                st.rerun()


def _nav_title(spec: nav.PageSpec, user: auth.CurrentUser | None) -> str:
    """A page's title in the navigation; the inbox carries the user's unread count."""
    title = t(spec.title_key)
    if spec.key == "inbox" and user is not None:
        unread = read(inbox.unread_count, user)
        if unread:
            return t("nav.unread_count", title=title, count=unread)
    return title


def navigation(user: auth.CurrentUser | None):
    role = nav.role_of(user)
    default = nav.default_page(role)
    if user is not None and user.must_change_password:
        default = "account"
    sections: dict[str, list] = {}
    by_key = {}
    for spec in nav.PAGES:
        # Every page is registered so that its URL always resolves (a link opened logged out, or
        # by a role without it): pages the role may not open are hidden, and their guard says
        # why (log in first, or not for your role) instead of Streamlit's "Page not found".
        # An unlisted page (a meeting screen's link) is hidden from everyone and opened by its URL.
        allowed = role in spec.roles and spec.listed
        page = st.Page(str(ROOT / spec.path), title=_nav_title(spec, user) if allowed else t(spec.title_key),
                       icon=spec.icon, url_path=spec.url_path, default=spec.key == default,
                       visibility="visible" if allowed else "hidden")
        by_key[spec.key] = page
        sections.setdefault(t(spec.section) if allowed else "", []).append(page)
    selected = st.navigation(sections, expanded=True)  # every page listed, no "view more"
    # After login or logout the page on screen may no longer be one the role has.
    goto = st.session_state.pop(GOTO_KEY, None)
    if goto in by_key:
        st.switch_page(by_key[goto])
    return selected
