"""Login state: who is logged in for this run (session or re-login cookie), logging in and out,
changing one's password, and the re-login cookie set or deleted in a run that completes."""
from __future__ import annotations

import json

import streamlit as st

from core import auth, nav
from core.ui.language import LANG_KEY
from core.ui.session import USER_KEY, current_user, engine, read, settings, write

GOTO_KEY = "nav_goto"
AFTER_LOGIN_KEY = "nav_after_login"  # the page a link pointed to before logging in
COOKIE_ACTION_KEY = "auth_cookie_action"
BOUND_CONNECTION_KEY = "auth_connection"


def apply_cookie_action() -> None:
    """Set or delete the re-login cookie in the browser, in a run that completes.

    Login, logout and a password change queue the action and rerun; the next run that gets this
    far writes the cookie with a one-off script. No component round-trip: streamlit-authenticator's
    cookie manager rendered a component on every run that sent the browser's cookies back on its
    first paint, so every page load ran the page twice, and that late rerun redrew the login form
    while people typed into it (and doubled the server's work per page view).
    """
    action = st.session_state.pop(COOKIE_ACTION_KEY, None)
    user = current_user()
    if action == "set" and user is not None:
        current = settings()
        token = auth.cookie_token(user.username, key=current.cookie_key,
                                  expiry_days=current.cookie_expiry_days)
        _cookie_script(current.cookie_name, token, max_age=int(current.cookie_expiry_days * 86400))
    elif action == "delete":
        _cookie_script(settings().cookie_name, "", max_age=0)


def _cookie_script(name: str, value: str, *, max_age: int) -> None:
    # Name and value are ours (the configured name, a JWT), json-quoted into the script anyway.
    attributes = f"; path=/; max-age={max_age}; samesite=strict"
    st.html(f"<script>document.cookie = {json.dumps(name)} + '=' + {json.dumps(value)} + "
            f"{json.dumps(attributes)} + (location.protocol === 'https:' ? '; secure' : '');</script>",
            unsafe_allow_javascript=True)


def _set_logged_in(user: auth.CurrentUser) -> None:
    st.session_state[USER_KEY] = user
    st.session_state[BOUND_CONNECTION_KEY] = _connection_key()
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = user.language


def _clear_login() -> None:
    st.session_state.pop(USER_KEY, None)
    st.session_state.pop(BOUND_CONNECTION_KEY, None)


def _client_address() -> str:
    """The browser's address for throttling failed logins: the connection's own, or behind a
    balancer on this machine (which connects from loopback) the X-Real-IP it sets; "" unknown."""
    address = st.context.ip_address
    if address:
        return address
    headers = st.context.headers or {}
    return (headers.get("X-Real-Ip") or "").strip()


def _connection_key() -> str:
    """What identifies the websocket this run came over (new for every connection)."""
    headers = st.context.headers or {}
    return headers.get("Sec-Websocket-Key") or ""


def _cookie_user() -> auth.CurrentUser | None:
    current = settings()
    token = st.context.cookies.get(current.cookie_name) if st.context.cookies else None
    if not token:
        return None
    return read(auth.user_from_cookie, token, key=current.cookie_key, expiry_days=current.cookie_expiry_days)


def _bound_to_this_browser(user: auth.CurrentUser) -> bool:
    """A login belongs to the browser that made it, not to whoever presents the session's id.

    Streamlit resumes a session for any websocket that names its id (ids show in upload URLs and
    so in proxy logs). A run may go on with the session's user when its connection carries the
    user's valid re-login cookie, or is the very connection the login was made over (the cookie
    set at login reaches the server with the next connection)."""
    if _connection_key() == st.session_state.get(BOUND_CONNECTION_KEY, ""):
        return True
    from_cookie = _cookie_user()
    if from_cookie is not None and from_cookie.id == user.id:
        st.session_state[BOUND_CONNECTION_KEY] = _connection_key()
        return True
    return False


def resolve_user() -> auth.CurrentUser | None:
    """Who is logged in for this run: the session's user if still valid, else the cookie's."""
    user = current_user()
    if user is not None:
        fresh = read(auth.refresh, user) if _bound_to_this_browser(user) else None
        if fresh is None:  # logged out elsewhere, password changed, deactivated, or another browser
            _clear_login()
            st.session_state["auth_notice"] = "auth.session_ended"
            st.session_state[GOTO_KEY] = "login"
            return None
        st.session_state[USER_KEY] = fresh
        return fresh
    user = _cookie_user()
    if user is not None:
        _set_logged_in(user)
        return user
    return None


def login(username: str, password: str) -> auth.LoginOutcome:
    current = settings()
    policy = auth.LoginPolicy(max_attempts=current.lockout_attempts, lock_minutes=current.lockout_minutes,
                              rounds=current.bcrypt_rounds)
    outcome = auth.log_in(engine(), username, password, policy=policy, client=_client_address())
    if outcome.user is not None:
        _set_logged_in(outcome.user)
        st.session_state[COOKIE_ACTION_KEY] = "set"
        wanted = st.session_state.pop(AFTER_LOGIN_KEY, None)
        if outcome.user.must_change_password:
            st.session_state[GOTO_KEY] = "account"
        elif wanted and nav.may_open(outcome.user.role, wanted) and wanted != "login":
            st.session_state[GOTO_KEY] = wanted  # where the link pointed
        else:
            st.session_state[GOTO_KEY] = "home"
    return outcome


def logout() -> None:
    user = current_user()
    if user is not None:
        write(auth.end_sessions, user.id)
    _clear_login()
    st.session_state[COOKIE_ACTION_KEY] = "delete"
    st.session_state.pop(LANG_KEY, None)
    st.session_state[GOTO_KEY] = "portal"


def change_password(old_password: str, new_password: str) -> None:
    user = current_user()
    fresh = write(auth.change_own_password, user, old_password=old_password,
                  new_password=new_password, rounds=settings().bcrypt_rounds)
    _set_logged_in(fresh)
    st.session_state[COOKIE_ACTION_KEY] = "set"  # a new cookie: this browser stays logged in
