"""Discussion boards (交流讨论): topics by board, posts and replies with author and unit, edit
one's own post (history kept); the secretariat locks or hides topics."""
import streamlit as st

from core import attachments, ui
from core.auth import STAFF_ROLES
from core.errors import UserFacingError
from core.messages import boards, common
from core.safe_text import plain

user = ui.guard("boards")
ui.page_header("boards", "boards.subtitle")
ui.show_flash("boards_flash")

FLASH = "boards_flash"
OPEN_KEY = "boards_open"
PER_PAGE = 15
UPLOAD_TYPES = attachments.UPLOAD_EXTENSIONS
staff = user.role in STAFF_ROLES


def board_label(code) -> str:
    return ui.t("boards.all") if code is None else ui.t(f"board.{code}")


def _reset_page() -> None:
    st.session_state["boards_page"] = 1


filters = st.columns([3, 2], vertical_alignment="bottom")
ALL = "all"
board = filters[0].segmented_control(ui.t("boards.board"), [ALL, *boards.BOARDS], default=ALL,
                                     format_func=lambda b: ui.t("boards.all") if b == ALL else board_label(b),
                                     key="boards_board", on_change=_reset_page)
board = None if board in (None, ALL) else board
search = filters[1].text_input(ui.t("boards.search"), key="boards_search", on_change=_reset_page)

with st.expander(ui.t("boards.new_topic"), icon=":material/add_comment:"):
    generation = st.session_state.get("boards_new_generation", 0)
    new_board = st.selectbox(ui.t("boards.board"), list(boards.BOARDS), format_func=board_label,
                             index=list(boards.BOARDS).index(board) if board else 0,
                             key=f"boards_new_board_{generation}")
    new_title = st.text_input(ui.t("boards.topic_title"), key=f"boards_new_title_{generation}",
                              help=ui.t("notices_manage.title_help", max=common.TITLE_MAX))
    new_body = st.text_area(ui.t("boards.first_post"), key=f"boards_new_body_{generation}",
                            help=ui.t("notices_manage.body_help"))
    if st.button(ui.t("boards.start"), type="primary", key="boards_new_submit",
                 icon=":material/send:"):
        try:
            topic = ui.write(boards.new_topic, user, board=new_board, title=new_title, body=new_body)
        except UserFacingError as error:
            ui.show_error(error)
        else:
            st.session_state["boards_new_generation"] = generation + 1
            st.session_state[OPEN_KEY] = topic.id
            st.session_state[FLASH] = "boards.started"
            st.rerun()

page_no = st.session_state.get("boards_page", 1)
frame, total = ui.read(boards.topics, user, board=board, search=search, page=page_no,
                       per_page=PER_PAGE)
pages = max(1, -(-total // PER_PAGE))

listing, detail = st.columns([5, 7], gap="large")
with listing:
    st.caption(ui.t("boards.count", n=total))
    if frame.empty:
        st.info(ui.t("boards.empty"), icon=":material/forum:")
    else:
        labels, captions = {}, []
        for row in frame.itertuples():
            mark = (":material/lock: " if row.locked else "") + \
                (":material/visibility_off: " if row.hidden else "")
            labels[int(row.id)] = mark + common.plain_title(row.title)
            captions.append(f"{board_label(row.board)} · "
                            + ui.t("boards.topic_meta", author=common.plain_title(row.author) or "—",
                                   unit=common.plain_title(row.unit) or "—", posts=row.posts,
                                   at=ui.when(row.last_post_at)))
        ui.open_from_list(ui.t("boards.list"), labels, captions, OPEN_KEY)
    ui.pager("boards_page", page_no, pages)

with detail:
    opened = st.session_state.get(OPEN_KEY)
    if opened is None:
        st.caption(ui.t("boards.pick"))
        st.stop()
    try:
        topic = ui.read(boards.topic_view, user, int(opened))
    except UserFacingError as error:
        st.session_state.pop(OPEN_KEY, None)
        ui.show_error(error)
        st.stop()
    st.subheader(common.plain_title(topic["title"]), anchor=False)
    st.caption(board_label(topic["board"])
               + (f" · :orange-badge[:material/lock: {ui.t('boards.locked')}]" if topic["locked"] else "")
               + (f" · :gray-badge[{ui.t('boards.hidden')}]" if topic["hidden"] else ""))
    if staff:
        lock_col, hide_col = st.columns(2)
        if lock_col.button(ui.t("boards.unlock" if topic["locked"] else "boards.lock"),
                           key="boards_lock", width="stretch",
                           icon=":material/lock_open:" if topic["locked"] else ":material/lock:"):
            ui.save_and_rerun(boards.moderate_topic, user, topic["id"], locked=not topic["locked"],
                              flash_key=FLASH,
                              flash="boards.unlocked" if topic["locked"] else "boards.locked_done")
        if hide_col.button(ui.t("boards.show" if topic["hidden"] else "boards.hide"),
                           key="boards_hide", width="stretch",
                           icon=":material/visibility:" if topic["hidden"] else ":material/visibility_off:"):
            ui.save_and_rerun(boards.moderate_topic, user, topic["id"], hidden=not topic["hidden"],
                              flash_key=FLASH,
                              flash="boards.shown" if topic["hidden"] else "boards.hidden_done")

    for post in topic["posts"].itertuples():
        with st.container(border=True):
            who = ui.t("boards.post_meta", author=common.plain_title(post.author) or "—",
                       unit=common.plain_title(post.unit) or ui.role_label(post.role or "member"),
                       at=ui.when(post.created_at))
            edited = (" · " + ui.t("boards.edited", at=ui.when(post.edited_at))
                      if post.edited_at is not None and str(post.edited_at) != "NaT" else "")
            st.caption(who + edited)
            st.markdown(common.safe_markdown(post.body))
            for file in post.files:
                st.download_button(
                    ui.t("inbox.file_label", name=plain(file["filename"]), kb=file["size_bytes"] // 1024 + 1),
                    lambda file_id=int(file["id"]): ui.read(boards.attachment_content, user,
                                                            file_id)[2],
                    file_name=file["filename"], mime=file["mime_type"],
                    key=f"boards_file_{file['id']}", icon=":material/attach_file:")
            mine = post.author_user_id == user.id and topic["may_reply"]
            if mine:
                with st.expander(ui.t("boards.edit"), icon=":material/edit:"):
                    version = ui.edit_version("post", int(post.id), int(post.version))
                    text = st.text_area(ui.t("boards.edit_body"), post.body,
                                        key=ui.field_key("post", int(post.id), "body"))
                    if st.button(ui.t("common.save"), key=f"boards_save_{post.id}", type="primary"):
                        ui.save_and_rerun(boards.edit_post, user, int(post.id), version, text,
                                          flash_key=FLASH, flash="boards.saved",
                                          reload=("post", int(post.id)))
                    upload = st.file_uploader(ui.t("notices_manage.add_file"), type=UPLOAD_TYPES,
                                              key=f"boards_upload_{post.id}_{len(post.files)}",
                                              help=ui.t("notices_manage.attachments_help"))
                    if upload is not None and st.button(ui.t("notices_manage.attach"),
                                                        key=f"boards_attach_{post.id}"):
                        ui.save_and_rerun(boards.attach_to_post, user, int(post.id),
                                          filename=upload.name, content=upload.getvalue(),
                                          flash_key=FLASH, flash="notices_manage.attached")
            if post.edited_at is not None and str(post.edited_at) != "NaT":
                with st.expander(ui.t("boards.history"), icon=":material/history:"):
                    for old in ui.read(boards.post_history, user, int(post.id)).itertuples():
                        st.caption(ui.t("boards.replaced_at", at=ui.when(old.replaced_at)))
                        st.markdown(common.safe_markdown(old.body))

    if topic["may_reply"]:
        reply_round = st.session_state.get("boards_reply_round", 0)
        body = st.text_area(ui.t("boards.reply"), key=f"boards_reply_{topic['id']}_{reply_round}",
                            placeholder=ui.t("boards.reply_hint"))
        if st.button(ui.t("boards.send"), type="primary", key="boards_reply_send",
                     icon=":material/reply:"):
            try:
                ui.write(boards.reply, user, topic["id"], body)
            except UserFacingError as error:
                ui.show_error(error)
            else:
                st.session_state["boards_reply_round"] = reply_round + 1
                st.session_state[FLASH] = "boards.replied"
                st.rerun()
    else:
        st.info(ui.t("boards.locked_info"), icon=":material/lock:")
