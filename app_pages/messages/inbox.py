"""Inbox (消息中心): notices, documents and system messages addressed to the user; opening one
marks it read."""
import streamlit as st

from core import ui
from core.errors import UserFacingError
from core.messages import common, inbox
from core.safe_text import plain

user = ui.guard("inbox")
ui.page_header("inbox", "inbox.subtitle")

OPEN_KEY = "inbox_open"
PER_PAGE = 15


def _reset_page() -> None:
    st.session_state["inbox_page"] = 1


filters = st.columns([3, 2, 1.2], vertical_alignment="bottom")
search = filters[0].text_input(ui.t("inbox.search"), key="inbox_search",
                               placeholder=ui.t("inbox.search_hint"), on_change=_reset_page)
categories = [None, *common.CATEGORIES]
category = filters[1].selectbox(ui.t("inbox.category"), categories, key="inbox_category",
                                format_func=lambda c: ui.t("common.choose_all") if c is None
                                else ui.t(f"message_category.{c}"), on_change=_reset_page)
unread_only = filters[2].toggle(ui.t("inbox.unread_only"), key="inbox_unread_only",
                                on_change=_reset_page)

page_no = st.session_state.get("inbox_page", 1)
result = ui.read(inbox.inbox, user, category=category, search=search, unread_only=unread_only,
                 page=page_no, per_page=PER_PAGE)
st.session_state["inbox_page"] = result.page

listing, detail = st.columns([5, 7], gap="large")
with listing:
    st.caption(ui.t("inbox.counts", total=result.total, unread=result.unread))
    if result.rows.empty:
        st.info(ui.t("inbox.empty"), icon=":material/inbox:")
    else:
        labels, captions = {}, []
        for row in result.rows.itertuples():
            title = common.plain_title(row.title)
            pin = ":material/push_pin: " if row.pinned else ""
            labels[int(row.id)] = pin + (title if row.is_read else f"**{title}**")
            badge = "" if row.is_read else f":blue-badge[{ui.t('inbox.unread')}] "
            clip = f" · :material/attach_file: {row.files}" if row.files else ""
            captions.append(f"{badge}{ui.t(f'message_category.{row.category}')} · "
                            f"{ui.when(row.publish_at)}"
                            + (f" · {common.plain_title(row.author)}" if row.author else "") + clip)
        ui.open_from_list(ui.t("inbox.list"), labels, captions, OPEN_KEY)
    ui.pager("inbox_page", result.page, result.pages)

with detail:
    opened_id = st.session_state.get(OPEN_KEY)
    if opened_id is None:
        st.caption(ui.t("inbox.pick"))
    else:
        try:
            # Read without the write lock; write the receipt only the first time it is opened.
            item = ui.read(inbox.open_message, user, int(opened_id), mark_read=False)
            if item["was_unread"]:
                item = ui.write(inbox.open_message, user, int(opened_id))
        except UserFacingError as error:
            st.session_state.pop(OPEN_KEY, None)
            ui.show_error(error)
        else:
            if item["was_unread"]:
                st.rerun()  # the unread count in the navigation and the list change
            with st.container(border=True):
                st.subheader(common.plain_title(item["title"]), anchor=False)
                meta = [ui.t(f"message_category.{item['category']}"),
                        ui.t("inbox.published", at=ui.when(item["publish_at"]))]
                if item["author"]:
                    meta.append(ui.t("inbox.from", name=common.plain_title(item["author"])))
                if item["expires_at"] is not None:
                    meta.append(ui.t("inbox.expires", at=ui.when(item["expires_at"])))
                st.caption(" · ".join(meta))
                if item["addressed"]:
                    st.caption(f":green-badge[:material/done_all: {ui.t('inbox.read')}]")
                st.markdown(common.safe_markdown(item["body"]))
                if not item["files"].empty:
                    st.markdown(f"**{ui.t('inbox.files')}**")
                for file in item["files"].itertuples():  # bytes read only on download
                    st.download_button(
                        ui.t("inbox.file_label", name=plain(file.filename), kb=file.size_bytes // 1024 + 1),
                        lambda file_id=int(file.id): ui.read(inbox.attachment_content, user,
                                                             file_id)[2],
                        file_name=file.filename, mime=file.mime_type, key=f"inbox_file_{file.id}",
                        icon=":material/attach_file:")
            if st.button(ui.t("inbox.close"), key="inbox_close", icon=":material/close:"):
                st.session_state.pop(OPEN_KEY, None)
                st.rerun()
