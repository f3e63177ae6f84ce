"""Requests for shared resources: a liaison answers the requests for its unit's resources
(accept, other dates, decline with a reason) and follows its own (take a proposal, withdraw,
mark the use done and record it in the ledger); the secretariat acts for any unit and the
council follows them all."""
import streamlit as st

from core import ui
from core.auth import STAFF_ROLES
from core.models import Role
from core.resources import requests
from core.resources.models import RequestStatus
from core.safe_text import plain
from core.timeutil import china_today

user = ui.guard("resource_requests")
ui.page_header("resource_requests", "resource_requests.subtitle")
FLASH = "resource_requests_flash"
ui.show_flash(FLASH)

sides = ["incoming", "outgoing"] if user.role == Role.MEMBER else ["all"]
left, right = st.columns(2)
side = left.segmented_control(ui.t("resource_requests.side"), sides, default=sides[0], key="rr_side",
                              format_func=lambda s: ui.t(f"resource_requests.side_{s}")) or sides[0]
status = right.selectbox(ui.t("resources.col_status"), [None, *RequestStatus], key="rr_status",
                         format_func=lambda s: ui.t("common.choose_all") if s is None else ui.t(f"request_status.{s}"))
rows = ui.read(requests.request_list, user, side=side, status=status)
if rows.empty:
    st.info(ui.t("resource_requests.none"), icon=":material/inbox:")
    st.stop()
PARTIES = {"incoming": ["requester"], "outgoing": ["owner"]}.get(side, ["owner", "requester"])


def dates(start, end) -> str:
    return str(start) if start == end else f"{start} – {end}"


# Status right after the resource, the other side only (a liaison's own unit is on every row),
# long texts narrow enough that the whole row fits a 1400 px screen.
shown = rows.assign(status=rows["status"].map(lambda s: ui.t(f"request_status.{s}")),
                    dates=[dates(a, b) for a, b in zip(rows["starts_on"], rows["ends_on"])])
columns = ["resource", "status", *PARTIES, "dates", "quantity", "purpose", "reply"]
both = len(PARTIES) == 2  # the secretariat and the council see both sides: each a little narrower
widths = {"resource": 150, "status": 135, "owner": 115 if both else 140, "requester": 115 if both else 140,
          "dates": 170, "quantity": 60, "purpose": 115 if both else 130, "reply": 115 if both else 145}
st.dataframe(shown[columns].rename(columns=lambda c: ui.t(f"resources.col_{c}")), hide_index=True, width="stretch",
             column_config={ui.t(f"resources.col_{c}"): st.column_config.Column(width=widths[c]) for c in columns})

staff = user.role in STAFF_ROLES
mine = user.member_id if user.role == Role.MEMBER else -1
acting = rows[rows["status"].isin([RequestStatus.PENDING, RequestStatus.PROPOSED, RequestStatus.ACCEPTED])]
if not staff:  # the owner answers a pending request; the requester follows (and may withdraw) its own
    acting = acting[((acting["status"] == RequestStatus.PENDING) & (acting["owner_member_id"] == mine))
                    | (acting["requester_member_id"] == mine)]
if acting.empty:
    st.stop()
st.subheader(ui.t("resource_requests.act"))
# The id makes each label unique: Streamlit's selectbox maps equal labels to one option, so two
# requests alike (same resource, unit, dates) would leave one of them impossible to pick.
labels = {int(r.id): ui.t("resource_requests.pick_label", id=int(r.id), resource=r.resource,
                          party=" → ".join(getattr(r, p) for p in reversed(PARTIES)) if staff
                          else getattr(r, PARTIES[0]), dates=dates(r.starts_on, r.ends_on),
                          quantity=int(r.quantity), status=ui.t(f"request_status.{r.status}"))
          for r in acting.itertuples()}
chosen = st.selectbox(ui.t("resource_requests.pick"), list(labels), format_func=labels.get, key="rr_pick")
row = acting[acting["id"] == chosen].iloc[0]
version = ui.edit_version("resource_request", chosen, int(row["version"]))
save = {"flash_key": FLASH, "reload": ("resource_request", chosen)}
as_owner = staff or int(row["owner_member_id"]) == mine
as_requester = staff or int(row["requester_member_id"]) == mine


def withdraw_button(*, confirm: bool) -> None:
    """Withdraw for the requester; an agreed use only after ticking a confirmation."""
    sure = st.checkbox(ui.t("resource_requests.confirm_withdraw"), key=f"rr_sure_{chosen}") if confirm else True
    if st.button(ui.t("resource_requests.withdraw"), key=f"rr_cancel_{chosen}", disabled=not sure) and sure:
        ui.save_and_rerun(requests.withdraw, user, request_id=chosen, expected_version=version,
                          flash="resource_requests.done_withdraw", **save)


if row["status"] == RequestStatus.PENDING:
    if as_owner:
        with st.form(f"rr_answer_{chosen}"):
            st.markdown(ui.t("resource_requests.asked", unit=plain(row["requester"]), start=row["starts_on"],
                             end=row["ends_on"], quantity=int(row["quantity"]), purpose=plain(row["purpose"])))
            decision = st.radio(ui.t("resource_requests.decision"), ["accept", "propose", "decline"], horizontal=True,
                                format_func=lambda d: ui.t(f"resource_requests.decision_{d}"),
                                key=f"rr_decision_{chosen}")
            a, b = st.columns(2)
            new_start = a.date_input(ui.t("resource_requests.other_start"), value=None, key=f"rr_pstart_{chosen}")
            new_end = b.date_input(ui.t("resource_requests.other_end"), value=None, key=f"rr_pend_{chosen}")
            reply = st.text_area(ui.t("resource_requests.reply"), max_chars=2000, key=f"rr_reply_{chosen}")
            if st.form_submit_button(ui.t("resource_requests.send_answer"), type="primary"):
                ui.save_and_rerun(requests.respond, user, request_id=chosen, expected_version=version,
                                  decision=decision, reply=reply, proposed_starts_on=new_start,
                                  proposed_ends_on=new_end, flash=f"resource_requests.done_{decision}", **save)
    if as_requester:
        if not staff:
            st.caption(ui.t("resource_requests.waiting", unit=plain(row["owner"])))
        withdraw_button(confirm=False)
elif row["status"] == RequestStatus.PROPOSED:
    st.markdown(ui.t("resource_requests.proposal", start=row["proposed_starts_on"], end=row["proposed_ends_on"],
                     reply=plain(row["reply"]) or "—"))
    a, b = st.columns(2)
    if a.button(ui.t("resource_requests.take"), type="primary", key=f"rr_take_{chosen}"):
        ui.save_and_rerun(requests.answer_proposal, user, request_id=chosen, expected_version=version, take=True,
                          flash="resource_requests.done_take", **save)
    if b.button(ui.t("resource_requests.withdraw"), key=f"rr_leave_{chosen}"):
        ui.save_and_rerun(requests.answer_proposal, user, request_id=chosen, expected_version=version, take=False,
                          flash="resource_requests.done_withdraw", **save)
else:  # accepted: the usage record, to close once the use is over
    st.markdown(ui.t("resource_requests.in_use", start=row["starts_on"], end=row["ends_on"]))
    from_day = requests.completable_from(row["ends_on"])
    if china_today() < from_day:
        st.caption(ui.t("resource_requests.complete_from", day=from_day))
    else:
        with st.form(f"rr_complete_{chosen}"):
            used = st.number_input(ui.t("resource_requests.used"), min_value=1, value=int(row["quantity"]), step=1,
                                   key=f"rr_used_{chosen}")
            to_ledger = st.checkbox(ui.t("resource_requests.to_ledger"), value=row["kind"] in requests.LEDGER_KIND,
                                    disabled=row["kind"] not in requests.LEDGER_KIND, key=f"rr_ledger_{chosen}")
            title = st.text_input(ui.t("resource_requests.ledger_title"), value=row["resource"], max_chars=300,
                                  key=f"rr_title_{chosen}")
            if st.form_submit_button(ui.t("resource_requests.complete"), type="primary"):
                ui.save_and_rerun(requests.complete, user, request_id=chosen, expected_version=version,
                                  used_quantity=int(used), to_ledger=to_ledger, title=title,
                                  flash="resource_requests.done_complete", **save)
    withdraw_button(confirm=True)
