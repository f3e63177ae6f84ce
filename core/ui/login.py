"""Login state: who is logged in for this run (session or re-login cookie), logging in and out,
changing one's password, and the re-login cookie set or deleted in a run that completes."""
from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from core import auth
from core.ui.language import LANG_KEY
from core.ui.session import USER_KEY, current_user, read, settings, write

GOTO_KEY = "nav_goto"
COOKIE_ACTION_KEY = "auth_cookie_action"


def authenticator() -> stauth.Authenticate:
    """One Authenticate per run (it renders the cookie component; a second would clash)."""
    current = settings()
    # Credentials are checked by core.auth against the users table; the library only sets and
    # deletes the signed re-login cookie, with our key (cookie_key, not the ignored key=).
    return stauth.Authenticate(
        {"usernames": {}}, cookie_name=current.cookie_name, cookie_key=current.cookie_key,
        cookie_expiry_days=current.cookie_expiry_days, auto_hash=False)


def apply_cookie_action(authenticator: stauth.Authenticate) -> None:
    """Set or delete the re-login cookie in a run that completes.

    The cookie component only reaches the browser if its run is not cut short, so login,
    logout and password change queue the action and rerun; the next run carries it out.
    """
    action = st.session_state.pop(COOKIE_ACTION_KEY, None)
    if action == "set" and st.session_state.get("username"):
        authenticator.cookie_controller.set_cookie()
    elif action == "delete":
        authenticator.cookie_controller.delete_cookie()


def _set_logged_in(user: auth.CurrentUser) -> None:
    st.session_state[USER_KEY] = user
    # The library's own keys, which its set_cookie/logout read.
    st.session_state["authentication_status"] = True
    st.session_state["username"] = user.username
    st.session_state["name"] = user.display_name
    if LANG_KEY not in st.session_state:
        st.session_state[LANG_KEY] = user.language


def _clear_login() -> None:
    st.session_state.pop(USER_KEY, None)
    for key in ("authentication_status", "username", "name"):
        st.session_state[key] = None


def resolve_user() -> auth.CurrentUser | None:
    """Who is logged in for this run: the session's user if still valid, else the cookie's."""
    user = current_user()
    if user is not None:
        fresh = read(auth.refresh, user)
        if fresh is None:  # logged out elsewhere, password changed, or deactivated
            _clear_login()
            st.session_state["auth_notice"] = "auth.session_ended"
            st.session_state[GOTO_KEY] = "login"
            return None
        st.session_state[USER_KEY] = fresh
        return fresh
    current = settings()
    token = st.context.cookies.get(current.cookie_name) if st.context.cookies else None
    if token:
        user = read(auth.user_from_cookie, token, key=current.cookie_key,
                    expiry_days=current.cookie_expiry_days)
        if user is not None:
            _set_logged_in(user)
            return user
    return None


def login(username: str, password: str) -> auth.LoginOutcome:
    current = settings()
    outcome = write(auth.authenticate, username, password, max_attempts=current.lockout_attempts,
                    lock_minutes=current.lockout_minutes)
    if outcome.user is not None:
        _set_logged_in(outcome.user)
        st.session_state[COOKIE_ACTION_KEY] = "set"
        st.session_state[GOTO_KEY] = "account" if outcome.user.must_change_password else "home"
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
