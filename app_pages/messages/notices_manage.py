"""Notices (通知发布): the secretariat publishes and edits notices and documents, attaches files,
chooses the audience, sees who has read each one by unit, and reminds those who have not."""
from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st

from core import attachments, ui
from core.errors import UserFacingError
from core.messages import common, inbox, notices, system
from core.models import MemberType, MessageCategory, Role
from core.safe_text import plain
from core.timeutil import CHINA_TZ, china_today, to_china

user = ui.guard("notices_manage")
ui.page_header("notices_manage", "notices_manage.subtitle")
ui.show_flash("notices_manage_flash")

FLASH = "notices_manage_flash"
PER_PAGE = 20
UPLOAD_TYPES = attachments.UPLOAD_EXTENSIONS
units = dict(ui.read(notices.unit_choices, user))


def category_label(code) -> str:
    return ui.t("common.choose_all") if code is None else ui.t(f"message_category.{code}")


def audience_picker(key, audience: dict) -> dict:
    """Everyone, or any mix of roles, unit types and chosen units (user_ids are kept as they are)."""
    everyone = st.toggle(ui.t("notices_manage.everyone"), value=bool(audience.get("everyone")),
                         key=key("everyone"), help=ui.t("notices_manage.everyone_help"))
    chosen = {"everyone": everyone, "user_ids": audience.get("user_ids", [])}
    if not everyone:
        left, right = st.columns(2)
        chosen["roles"] = left.multiselect(
            ui.t("notices_manage.roles"), list(Role), default=audience.get("roles", []),
            format_func=ui.role_label, key=key("roles"), placeholder=ui.t("common.choose"))
        chosen["member_types"] = right.multiselect(
            ui.t("notices_manage.member_types"), list(MemberType),
            default=audience.get("member_types", []),
            format_func=lambda c: ui.t(f"member_type.{c}"), key=key("member_types"),
            placeholder=ui.t("common.choose"))
        chosen["member_ids"] = st.multiselect(
            ui.t("notices_manage.units"), list(units),
            default=[i for i in audience.get("member_ids", []) if i in units],
            format_func=units.get, key=key("member_ids"), placeholder=ui.t("notices_manage.units_hint"))
    return chosen


def audience_text(audience: dict) -> str:
    if audience.get("everyone"):
        return ui.t("notices_manage.everyone")
    parts = [ui.role_label(r) for r in audience.get("roles", [])]
    parts += [ui.t(f"member_type.{c}") for c in audience.get("member_types", [])]
    parts += [units.get(i, str(i)) for i in audience.get("member_ids", [])]
    if audience.get("user_ids"):
        parts.append(ui.t("notices_manage.n_accounts", n=len(audience["user_ids"])))
    return "、".join(parts) or "—"


def when_fields(key, publish_at: datetime | None, expires_at: datetime | None):
    """Publish now or at a chosen time; no expiry or the end of a chosen day (China time)."""
    left, right = st.columns(2)
    local = to_china(publish_at) if publish_at else None
    scheduled = left.toggle(ui.t("notices_manage.schedule"), value=False, key=key("scheduled"),
                            help=ui.t("notices_manage.schedule_help"))
    publish = publish_at
    if scheduled:
        day = left.date_input(ui.t("notices_manage.publish_day"), (local or datetime.now(CHINA_TZ)).date(),
                              key=key("publish_day"))
        at = left.time_input(ui.t("notices_manage.publish_time"),
                             (local or datetime.now(CHINA_TZ)).time().replace(second=0, microsecond=0),
                             key=key("publish_time"))
        publish = datetime.combine(day, at, tzinfo=CHINA_TZ)
    expiry_day = (to_china(expires_at) - timedelta(seconds=1)).date() if expires_at else None
    expires = right.toggle(ui.t("notices_manage.expires"), value=expires_at is not None,
                           key=key("expires"), help=ui.t("notices_manage.expires_help"))
    expiry = None
    if expires:
        day = right.date_input(ui.t("notices_manage.expires_day"),
                               expiry_day or china_today() + timedelta(days=30), key=key("expires_day"))
        expiry = datetime.combine(day + timedelta(days=1), time(0), tzinfo=CHINA_TZ)
    return publish, expiry


def notice_fields(key, values: dict) -> dict:
    """The fields of a notice (new or edited), keyed so a rerun keeps what was typed."""
    left, right = st.columns([1, 3])
    category = left.selectbox(ui.t("notices_manage.category"), list(common.NOTICE_CATEGORIES),
                              index=list(common.NOTICE_CATEGORIES).index(values["category"])
                              if values["category"] in common.NOTICE_CATEGORIES else 0,
                              format_func=category_label, key=key("category"))
    title = right.text_input(ui.t("notices_manage.title"), values["title"], key=key("title"),
                             help=ui.t("notices_manage.title_help", max=common.TITLE_MAX))
    body = st.text_area(ui.t("notices_manage.body"), values["body"], height=220, key=key("body"),
                        help=ui.t("notices_manage.body_help"))
    if body.strip():
        with st.expander(ui.t("notices_manage.preview"), icon=":material/visibility:"):
            st.markdown(common.safe_markdown(body))
    st.markdown(f"**{ui.t('notices_manage.audience')}**")
    audience = audience_picker(key, values["audience"])
    flags = st.columns(2)
    pinned = flags[0].checkbox(ui.t("notices_manage.pinned"), values["pinned"], key=key("pinned"))
    public = flags[1].checkbox(ui.t("notices_manage.public"), values["is_public"], key=key("public"),
                               help=ui.t("notices_manage.public_help"))
    publish_at, expires_at = when_fields(key, values.get("publish_at"), values.get("expires_at"))
    return {"category": category, "title": title, "body": body, "audience": audience,
            "pinned": pinned, "is_public": public, "publish_at": publish_at,
            "expires_at": expires_at}


# ---------------------------------------------------------------- milestones due
with st.container(border=True):
    text, action = st.columns([4, 1], vertical_alignment="center")
    text.markdown(f"**{ui.t('notices_manage.milestones_title')}**  \n"
                  f":gray[{ui.t('notices_manage.milestones_help', days=system.MILESTONE_WINDOW_DAYS)}]")
    if action.button(ui.t("notices_manage.milestones_send"), key="notices_milestones",
                     icon=":material/alarm:", width="stretch"):
        try:
            sent = ui.write(system.milestones_due, user)
        except UserFacingError as error:
            ui.show_error(error)
        else:
            if sent is None:
                st.info(ui.t("notices_manage.milestones_none"), icon=":material/info:")
            else:
                st.session_state[FLASH] = ("notices_manage.milestones_sent", {"title": sent.title})
                st.rerun()

tab_list, tab_new = st.tabs([ui.t("notices_manage.tab_list"), ui.t("notices_manage.tab_new")])

# ---------------------------------------------------------------- new notice
with tab_new:
    generation = st.session_state.get("notices_new_generation", 0)

    def new_key(field: str) -> str:
        return f"notices_new_{generation}_{field}"

    values = notice_fields(new_key, {"category": MessageCategory.NOTICE, "title": "", "body": "",
                                     "audience": {"everyone": True}, "pinned": False,
                                     "is_public": False})
    uploads = st.file_uploader(ui.t("notices_manage.attachments"), type=UPLOAD_TYPES,
                               accept_multiple_files=True, key=new_key("files"),
                               help=ui.t("notices_manage.attachments_help"))
    if ui.confirm_button(ui.t("notices_manage.publish"), type="primary", key="notices_new_submit",
                         icon=":material/send:", ask=bool(values["audience"].get("everyone")),
                         message=ui.t("notices_manage.confirm_everyone")):
        try:
            created = ui.write(notices.publish_with_files, user,
                               files=[(f.name, f.getvalue()) for f in uploads or []], **values)
        except UserFacingError as error:
            ui.show_error(error)
        else:
            st.session_state["notices_new_generation"] = generation + 1
            st.session_state["notices_pick"] = created.id
            st.session_state[FLASH] = ("notices_manage.published", {"title": created.title})
            st.rerun()

# ---------------------------------------------------------------- the list and one notice
with tab_list:
    filters = st.columns([3, 2, 1], vertical_alignment="bottom")
    search = filters[0].text_input(ui.t("inbox.search"), key="notices_search",
                                   placeholder=ui.t("inbox.search_hint"))
    category = filters[1].selectbox(ui.t("inbox.category"), [None, *common.CATEGORIES],
                                    format_func=category_label, key="notices_category")
    page_no = filters[2].number_input(ui.t("notices_manage.page"), min_value=1, value=1,
                                      key="notices_page")
    frame, total = ui.read(notices.manage_list, user, category=category, search=search,
                           page=int(page_no), per_page=PER_PAGE)
    pages = max(1, -(-total // PER_PAGE))
    st.caption(ui.t("notices_manage.counts", total=total, page=min(int(page_no), pages), pages=pages))

    def state(row) -> str:
        return ui.t(f"notices_manage.state_{row.state}")

    if frame.empty:
        st.info(ui.t("notices_manage.empty"), icon=":material/info:")
        st.stop()
    st.dataframe(pd.DataFrame({
        ui.t("notices_manage.col_title"): frame["title"],
        ui.t("notices_manage.col_category"): frame["category"].map(category_label),
        ui.t("notices_manage.col_published"): frame["publish_at"].map(ui.when),
        ui.t("notices_manage.col_state"): [state(row) for row in frame.itertuples()],
        ui.t("notices_manage.col_flags"): [
            " ".join(([ui.t("notices_manage.pinned_short")] if row.pinned else [])
                     + ([ui.t("notices_manage.public_short")] if row.is_public else []))
            for row in frame.itertuples()],
        ui.t("notices_manage.col_readers"): frame["readers"],
        ui.t("notices_manage.col_files"): frame["files"],
    }), hide_index=True, width="stretch", column_config={
        ui.t("notices_manage.col_title"): st.column_config.TextColumn(width="large"),
        ui.t("notices_manage.col_flags"): st.column_config.TextColumn(width="medium")})

    ids = [int(i) for i in frame["id"]]
    if st.session_state.get("notices_pick") not in ids:
        st.session_state["notices_pick"] = ids[0]
    titles = {int(r.id): f"{ui.when(r.publish_at)[:10]} · {r.title}" for r in frame.itertuples()}
    chosen = st.selectbox(ui.t("notices_manage.pick"), ids, format_func=titles.get,
                          key="notices_pick")
    message = ui.read(notices.notice, user, chosen)
    st.subheader(common.plain_title(message.title), anchor=False)
    st.caption(" · ".join([category_label(message.category),
                           ui.t("notices_manage.audience_line", audience=audience_text(message.audience)),
                           state(frame[frame["id"] == chosen].iloc[0])]))

    edit_col, status_col = st.columns(2, gap="large")
    with status_col:
        st.markdown(f"**{ui.t('notices_manage.read_title')}**")
        status = ui.read(notices.read_status, user, chosen)
        unit_counts = status.units["status"].value_counts() if not status.units.empty else {}
        metrics = st.columns(4)
        metrics[0].metric(ui.t("notices_manage.metric_read"), f"{status.read} / {status.recipients}")
        metrics[1].metric(ui.t("notices_manage.metric_units_read"), int(unit_counts.get("read", 0)))
        metrics[2].metric(ui.t("notices_manage.metric_units_unread"), int(unit_counts.get("unread", 0)))
        # Units without an account cannot read anything: counted apart, not as "unread".
        metrics[3].metric(ui.t("notices_manage.metric_units_no_account"), int(unit_counts.get("no_account", 0)),
                          help=ui.t("notices_manage.no_account_help"))
        waiting = status.recipients - status.read
        if st.button(ui.t("notices_manage.remind", n=waiting) if waiting else ui.t("notices_manage.all_read"),
                     key="notices_remind",
                     icon=":material/notifications_active:", disabled=waiting == 0,
                     width="stretch"):
            try:
                ui.write(notices.remind_unread, user, chosen)
            except UserFacingError as error:
                ui.show_error(error)
            else:
                st.session_state[FLASH] = ("notices_manage.reminded", {"n": waiting})
                st.rerun()
        if not status.units.empty:
            shown = st.segmented_control(
                ui.t("notices_manage.show_units"), ["all", "read", "unread", "no_account"],
                default="all", key="notices_unit_filter",
                format_func=lambda c: ui.t(f"notices_manage.unit_{c}"))
            units_frame = status.units if shown in (None, "all") else \
                status.units[status.units["status"] == shown]
            st.dataframe(pd.DataFrame({
                ui.t("notices_manage.col_unit"): units_frame["unit"],
                ui.t("notices_manage.col_status"): units_frame["status"].map(
                    lambda c: ui.t(f"notices_manage.unit_{c}")),
                ui.t("notices_manage.col_read_at"): units_frame["read_at"].map(
                    lambda v: "" if v is None or pd.isna(v) else ui.when(v)),
                ui.t("notices_manage.col_unit_type"): units_frame["unit_type"].map(
                    lambda c: ui.t(f"member_type.{c}")),
            }), hide_index=True, width="stretch")
        others = status.people[status.people["member_id"].isna()]
        if not others.empty:
            with st.expander(ui.t("notices_manage.other_readers", n=len(others))):
                st.dataframe(pd.DataFrame({
                    ui.t("notices_manage.col_name"): others["name"],
                    ui.t("notices_manage.col_role"): others["role"].map(ui.role_label),
                    ui.t("notices_manage.col_read_at"): others["read_at"].map(
                        lambda v: "" if v is None or pd.isna(v) else ui.when(v)),
                }), hide_index=True, width="stretch")

    with edit_col:
        if message.category == MessageCategory.SYSTEM:
            st.info(ui.t("notices_manage.system_read_only"), icon=":material/info:")
            with st.container(border=True):
                st.markdown(common.safe_markdown(message.body))
        else:
            version = ui.edit_version("message", chosen, message.version)

            def edit_key(field: str) -> str:
                return ui.field_key("message", chosen, field)

            with st.expander(ui.t("notices_manage.edit"), icon=":material/edit:"):
                edited = notice_fields(edit_key, {
                    "category": message.category, "title": message.title, "body": message.body,
                    "audience": message.audience or {}, "pinned": message.pinned,
                    "is_public": message.is_public, "publish_at": message.publish_at,
                    "expires_at": message.expires_at})
                if st.button(ui.t("common.save"), type="primary", key=f"notices_save_{chosen}"):
                    ui.save_and_rerun(notices.update_message, user, chosen, version, **edited,
                                      flash_key=FLASH, flash="notices_manage.saved",
                                      reload=("message", chosen))
            with st.container(border=True):
                st.markdown(common.safe_markdown(message.body))
            if message.published:
                if st.button(ui.t("notices_manage.withdraw"), key=f"notices_withdraw_{chosen}",
                             icon=":material/unpublished:"):
                    ui.save_and_rerun(notices.set_published, user, chosen, False,
                                      flash_key=FLASH, flash="notices_manage.withdrawn",
                                      reload=("message", chosen))
            elif st.button(ui.t("notices_manage.republish"), key=f"notices_republish_{chosen}",
                           icon=":material/publish:"):
                ui.save_and_rerun(notices.set_published, user, chosen, True, flash_key=FLASH,
                                  flash="notices_manage.republished", reload=("message", chosen))

            st.markdown(f"**{ui.t('notices_manage.attachments')}**")
            files = ui.read(attachments.listing, "message", chosen)
            for file in files.itertuples():
                name_col, remove_col = st.columns([3, 1], vertical_alignment="center")
                with name_col:
                    st.download_button(
                        ui.t("inbox.file_label", name=plain(file.filename), kb=file.size_bytes // 1024 + 1),
                        lambda file_id=int(file.id): ui.read(inbox.attachment_content, user,
                                                             file_id)[2],
                        file_name=file.filename, mime=file.mime_type,
                        key=f"notices_file_{file.id}", icon=":material/attach_file:")
                if remove_col.button(ui.t("notices_manage.remove_file"), key=f"notices_rm_{file.id}",
                                     icon=":material/delete:", width="stretch"):
                    ui.save_and_rerun(notices.remove_attachment, user, int(file.id),
                                      flash_key=FLASH, flash="notices_manage.file_removed")
            upload = st.file_uploader(ui.t("notices_manage.add_file"), type=UPLOAD_TYPES,
                                      key=f"notices_upload_{chosen}_{len(files)}",
                                      help=ui.t("notices_manage.attachments_help"))
            if upload is not None and st.button(ui.t("notices_manage.attach"), key="notices_attach"):
                ui.save_and_rerun(notices.add_attachment, user, chosen, filename=upload.name,
                                  content=upload.getvalue(), flash_key=FLASH,
                                  flash="notices_manage.attached")

            history = ui.read(notices.revisions, user, chosen)
            with st.expander(ui.t("notices_manage.revisions", n=len(history)),
                             icon=":material/history:"):
                if history.empty:
                    st.caption(ui.t("notices_manage.no_revisions"))
                for item in history.itertuples():
                    st.markdown(ui.t("notices_manage.revision_line", at=ui.when(item.edited_at),
                                     who=common.plain_title(item.edited_by) or "—",
                                     title=common.plain_title(item.title)))
                    with st.container(border=True):
                        st.markdown(common.safe_markdown(item.body))
