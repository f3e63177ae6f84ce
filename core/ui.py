"""The one module of core/ that imports streamlit: engine cache, login state, language, guard.

Pages call `guard(page_key)` first, then read through `read(...)` / write through `write(...)`,
each of which opens its own short session (never a session kept across reruns).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, TypeVar

import streamlit as st
import streamlit_authenticator as stauth
from streamlit.errors import StreamlitPageNotFoundError
from streamlit.runtime.pages_manager import PagesManager

from core import auth, db, nav
from core.bootstrap import initialise
from core.config import ROOT, Settings, current_settings
from core.errors import UserFacingError
from core.excel import importer
from core.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from core.services import messages
from core.services.settings import all_settings
from core.timeutil import format_china

T = TypeVar("T")
USER_KEY = "auth_user"
LANG_KEY = "ui_lang"
LANGUAGE_WIDGET = "sidebar_lang"
GOTO_KEY = "nav_goto"
COOKIE_ACTION_KEY = "auth_cookie_action"
# Less empty space above the page title than Streamlit's default, for projectors and laptops.
PAGE_CSS = "<style>.block-container{padding-top:2.5rem}</style>"
LOGO = str(ROOT / "data" / "brand" / "logo.svg")
LOGO_ICON = str(ROOT / "data" / "brand" / "logo_icon.svg")


# ---------------------------------------------------------------- engine and sessions
@st.cache_resource(show_spinner=False)
def _engine_for(url: str, demo: bool, rounds: int):
    # Keyed by URL so tests (and a config change) never share another database's engine.
    engine = db.make_engine(url)
    initialise(engine, settings())
    return engine


def settings() -> Settings:
    return current_settings()


def engine():
    current = settings()
    return _engine_for(current.database_url, current.demo, current.bcrypt_rounds)


def read(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with db.session_scope(engine(), write=False) as session:
        return fn(session, *args, **kwargs)


def write(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with db.session_scope(engine()) as session:
        return fn(session, *args, **kwargs)


def platform_settings() -> dict:
    return read(all_settings)


# ---------------------------------------------------------------- language
def lang() -> str:
    chosen = st.session_state.get(LANG_KEY)
    if chosen in LANGUAGES:
        return chosen
    user = current_user()
    return user.language if user and user.language in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **params: Any) -> str:
    return translate(key, lang(), **params)


def show_error(error: UserFacingError) -> None:
    messages = [t(error.key, **error.params)] + [t(key, **params) for key, params in error.more]
    st.error("  \n".join(messages), icon=":material/error:")


def when(value) -> str:
    return format_china(value)


# ---------------------------------------------------------------- login state
def current_user() -> auth.CurrentUser | None:
    return st.session_state.get(USER_KEY)


def _authenticator() -> stauth.Authenticate:
    """One Authenticate per run (it renders the cookie component; a second would clash)."""
    current = settings()
    # Credentials are checked by core.auth against the users table; the library only sets and
    # deletes the signed re-login cookie, with our key (cookie_key, not the ignored key=).
    return stauth.Authenticate(
        {"usernames": {}}, cookie_name=current.cookie_name, cookie_key=current.cookie_key,
        cookie_expiry_days=current.cookie_expiry_days, auto_hash=False)


def _apply_cookie_action(authenticator: stauth.Authenticate) -> None:
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


# ---------------------------------------------------------------- pages
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
    _leave_legacy_page_mode(user)
    role = nav.role_of(user)
    if not nav.may_open(role, page_key):
        if user is None:
            st.warning(t("auth.login_required"), icon=":material/lock:")
            try:
                st.page_link(nav.PAGES_BY_KEY["login"].path, label=t("page.login"),
                             icon=":material/login:")
            except StreamlitPageNotFoundError:  # run outside app.py's navigation
                pass
        elif page_key == "login":  # already logged in: straight to the home page
            try:
                st.switch_page(nav.PAGES_BY_KEY[nav.default_page(role)].path)
            except StreamlitPageNotFoundError:  # run outside app.py's navigation
                st.info(t("login.already", name=user.display_name), icon=":material/info:")
        else:
            st.error(t("auth.page_forbidden"), icon=":material/block:")
        st.stop()
    if user is not None and user.must_change_password and page_key != "account":
        st.warning(t("account.must_change"), icon=":material/password:")
        st.stop()
    return user


def _leave_legacy_page_mode(user: auth.CurrentUser | None) -> None:
    """On a freshly started server, the first request for a page URL runs the page file by
    itself, in Streamlit's legacy pages/ mode (no app.py, a sidebar listing every file).
    Registering our navigation turns that mode off; the rerun then goes through app.py."""
    if PagesManager.uses_pages_directory and not st.session_state.get("_left_legacy_mode"):
        st.session_state["_left_legacy_mode"] = True
        navigation(user)
        st.rerun()


def edit_version(scope: str, row_id: int, current_version: int) -> int:
    """The version of a row as it was when this user began editing it.

    Kept across reruns, so that saving after someone else saved sends the old version and the
    service refuses the stale edit instead of the form quietly taking the new version.
    """
    key = f"edit_version_{scope}_{row_id}"
    return st.session_state.setdefault(key, int(current_version))


def field_key(scope: str, row_id: int, field: str) -> str:
    """A stable widget key for one field of one row's edit form.

    Keyed widgets keep what the user typed even when the stored value (the default) changes
    underneath, so a stale save is refused rather than silently sending the new values. The
    key carries a generation number; starting the form afresh moves to new keys."""
    generation = st.session_state.get(f"form_generation_{scope}_{row_id}", 0)
    return f"form_{scope}_{row_id}_{generation}_{field}"


def forget_edit_version(scope: str, row_id: int) -> None:
    """Start the row's form afresh: the stored version and values are read again."""
    st.session_state.pop(f"edit_version_{scope}_{row_id}", None)
    key = f"form_generation_{scope}_{row_id}"
    st.session_state[key] = st.session_state.get(key, 0) + 1


def save_and_rerun(fn, *args, flash_key: str, flash: str, reload: tuple[str, int] | None = None,
                   **kwargs) -> None:
    """Run a write. On success keep a confirmation for the next run and rerun; on refusal show
    the reason in the user's language. After a stale edit the form shows the saved data from
    the next run on, so the user can check it and save again knowingly."""
    try:
        write(fn, *args, **kwargs)
    except UserFacingError as error:
        show_error(error)
        if reload and error.key == "common.stale_edit":
            forget_edit_version(*reload)
    else:
        if reload:
            forget_edit_version(*reload)
        st.session_state[flash_key] = flash
        st.rerun()


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download_workbook(label: str, make: Callable[[], bytes], *, file_name: str, key: str) -> None:
    """A workbook download built only when the user clicks, not on every rerun of the page.

    `make` runs on another thread, without session state: bind what it needs (the language,
    the rows shown) before passing it."""
    st.download_button(label, make, file_name=file_name, mime=XLSX_MIME, key=key,
                       icon=":material/download:")


def export_table(frame, title: str, *, key: str) -> None:
    """An "Export to Excel" button for a table exactly as the page shows it."""
    from core.services import table_export

    shown = frame.copy()
    download_workbook(t("common.export_excel"), lambda: table_export.shown(shown, title),
                      file_name=f"{title}.xlsx", key=key)


def show_flash(state_key: str) -> None:
    """A confirmation kept for the run after a save, shown as a toast (it outlives reruns)."""
    flash = st.session_state.pop(state_key, None)
    if flash:
        key, params = (flash, {}) if isinstance(flash, str) else flash
        st.toast(t(key, **params), icon=":material/check_circle:")


def upload_round(key: str) -> int:
    """A counter in the uploader's key: after a commit the uploader starts empty."""
    return st.session_state.get(f"{key}_round", 0)


@contextmanager
def import_progress(stages: str = "excel.stage_{stage}"):
    """A progress bar for a long import or export, while the block runs.

    Imports report their stages themselves (reading, validating, writing; see
    core.excel.importer.reporting); other work calls the yielded `step(stage, fraction)`.
    The bar goes away when the block ends."""
    slot = st.empty()
    bar = slot.progress(0.0, text=t(stages.format(stage="reading")))

    def step(stage: str, fraction: float) -> None:
        bar.progress(max(0.0, min(1.0, fraction)), text=t(stages.format(stage=stage)))

    try:
        with importer.reporting(step):
            yield step
    finally:
        slot.empty()


def dry_run(plan, *args, **kwargs):
    """Read and check an uploaded workbook with a progress bar; the preview, or None after
    showing why the file was refused (nothing is written either way)."""
    try:
        with import_progress():
            return read(plan, *args, **kwargs)
    except UserFacingError as error:
        show_error(error)
        return None


def upload_preview(key: str, label: str, plan, current, *, help: str | None = None, **plan_kwargs):
    """A workbook uploader (emptied after each commit) and the dry run of the file uploaded.

    Returns the preview and `replan(session)`, which reads the same file again for
    `finish_import`; or (None, None) while nothing usable is uploaded (the reason shown)."""
    upload = st.file_uploader(label, type=["xlsx", "xls", "xlsm"], key=f"{key}_file_{upload_round(key)}",
                              help=help)
    if upload is None:
        return None, None
    content, name = upload.getvalue(), upload.name
    preview = dry_run(plan, current, content, name, **plan_kwargs)
    if preview is None:
        return None, None
    return preview, lambda session: plan(session, current, content, name, **plan_kwargs)


def open_from_list(label: str, labels: dict, captions: list[str], state_key: str) -> None:
    """A list of items (a message, a topic) to open one from; the one open is kept in
    `state_key`, so it stays open while the list pages or filters change."""
    ids = list(labels)
    current = st.session_state.get(state_key)
    choice = st.radio(label, ids, format_func=labels.get, captions=captions,
                      index=ids.index(current) if current in ids else None, label_visibility="collapsed")
    if choice is not None and choice != current:
        st.session_state[state_key] = choice
        st.rerun()


def pager(key: str, page: int, pages: int) -> None:
    """Previous / "page n of m" / next under a paged list; the page number lives in `key`."""
    if pages <= 1:
        return
    back, where, forward = st.columns([1, 2, 1], vertical_alignment="center")
    if back.button(t("inbox.prev"), key=f"{key}_prev", disabled=page <= 1, icon=":material/chevron_left:"):
        st.session_state[key] = page - 1
        st.rerun()
    where.caption(t("inbox.page_of", page=page, pages=pages))
    if forward.button(t("inbox.next"), key=f"{key}_next", disabled=page >= pages, icon=":material/chevron_right:"):
        st.session_state[key] = page + 1
        st.rerun()


def import_counts(preview, kinds=("add", "change", "unchanged", "rejected")) -> None:
    """The dry run's counts as metrics, and the sheet the rows were found on."""
    summary = preview.summary()
    for column, kind in zip(st.columns(len(kinds)), kinds):
        column.metric(t(f"member_import.count_{kind}"), summary[kind])
    if getattr(preview, "sheet", ""):
        st.caption(t("member_import.sheet_found", sheet=preview.sheet))


def values_preview(preview) -> None:
    """An indicator-values dry run: the counts, the values to add and the changes (old → new)."""
    import_counts(preview)
    heads = {"row": t("excel.col_row"), "unit": t("values_import.col_unit"),
             "year": t("values_import.col_year"), "code": t("values_import.col_code")}

    def where(p) -> dict:
        return {heads["row"]: p.row, heads["unit"]: p.label, heads["year"]: p.values["year"],
                heads["code"]: p.values["code"]}

    if preview.adds:
        st.subheader(t("values_import.adds"))
        st.dataframe([{**where(p), t("values_import.col_value"): p.values["value"]} for p in preview.adds],
                     hide_index=True, width="stretch")
    if preview.changes:
        st.subheader(t("values_import.changes"))
        st.dataframe([{**where(p), t("excel.col_field"): t(f"values_import.f_{name}"),
                       t("excel.col_old"): _shown(old), t("excel.col_new"): _shown(new)}
                      for p in preview.changes for name, (old, new) in p.changes.items()],
                     hide_index=True, width="stretch")


def _shown(value) -> str:
    """A value in an import preview: 2500 rather than 2500.0, blank for nothing."""
    if value is None:
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)


def finish_import(preview, *, key: str, replan, commit, flash_key: str, flash) -> None:
    """The end of every dry run: rejected rows (sheet, row, column, reason), the choice to import
    only the valid rows, and one all-or-nothing commit.

    `replan(session)` reads the file again inside the commit's transaction; when that differs
    from the preview shown (someone changed the same rows meanwhile) nothing is written and the
    user is asked to look again. `commit(session, plan, only_valid)` writes; `flash(batch)`
    gives the confirmation (key, params) for the next run."""
    # The preview on screen is the one the previous run drew: a click reruns the page, which
    # plans the file again before the button reports the click.
    seen = st.session_state.get(f"{key}_seen", importer.fingerprint(preview))
    st.session_state[f"{key}_seen"] = importer.fingerprint(preview)
    if preview.rejects:
        st.subheader(t("member_import.rejects"))
        st.dataframe([{t("excel.col_sheet"): r.sheet, t("excel.col_row"): r.row,
                       t("excel.col_column"): r.column, t("excel.col_reason"): t(r.key, **r.params)}
                      for r in preview.rejects], hide_index=True, width="stretch")
    if preview.nothing_to_do:
        st.info(t("excel.nothing_to_do", unchanged=len(preview.unchanged)), icon=":material/info:")
        return
    only_valid = False
    if preview.rejects:
        st.warning(t("excel.has_rejects", rows=preview.rejected_rows), icon=":material/warning:")
        only_valid = st.checkbox(t("member_import.only_valid"), key=f"{key}_only_valid")
    if st.button(t("member_import.commit"), type="primary", key=f"{key}_commit",
                 disabled=bool(preview.rejects) and not only_valid):
        try:
            with import_progress():
                batch = write(lambda session: _commit_as_previewed(session, seen, replan, commit, only_valid))
        except UserFacingError as error:
            show_error(error)
        else:
            st.session_state[flash_key] = flash(batch)
            st.session_state[f"{key}_round"] = upload_round(key) + 1
            st.rerun()


def link_to_page(page_key: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the navigation (left out when run outside app.py's navigation)."""
    try:
        st.page_link(nav.PAGES_BY_KEY[page_key].path, label=label, icon=icon)
    except StreamlitPageNotFoundError:
        pass


def _commit_as_previewed(session, seen: tuple, replan, commit, only_valid: bool):
    fresh = replan(session)
    importer.check_unchanged(seen, fresh)
    return commit(session, fresh, only_valid)


def page_header(page_key: str, subtitle_key: str | None = None) -> None:
    st.title(t(f"page.{page_key}"))
    if subtitle_key:
        st.caption(t(subtitle_key))


def role_label(role: str) -> str:
    return t(f"role.{role}")


# ---------------------------------------------------------------- the app shell
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
    _apply_cookie_action(_authenticator())
    st.logo(LOGO, size="large", icon_image=LOGO_ICON)
    st.html(PAGE_CSS)
    _sidebar(user)
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
            st.caption(t("nav.signed_in_as", name=user.display_name, role=role_label(user.role)))
            if st.button(t("nav.logout"), icon=":material/logout:", key="sidebar_logout",
                         width="stretch"):
                logout()
                st.rerun()


def _nav_title(spec: nav.PageSpec, user: auth.CurrentUser | None) -> str:
    """A page's title in the navigation; the inbox carries the user's unread count."""
    title = t(spec.title_key)
    if spec.key == "inbox" and user is not None:
        unread = read(messages.unread_count, user)
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
    for spec in nav.pages_for(role):
        page = st.Page(str(ROOT / spec.path), title=_nav_title(spec, user), icon=spec.icon,
                       url_path=spec.url_path, default=spec.key == default)
        by_key[spec.key] = page
        sections.setdefault(t(spec.section), []).append(page)
    selected = st.navigation(sections, expanded=True)  # every page listed, no "view more"
    # After login or logout the page on screen may no longer be one the role has.
    goto = st.session_state.pop(GOTO_KEY, None)
    if goto in by_key:
        st.switch_page(by_key[goto])
    return selected
