"""Requests for a shared resource and their use.

A liaison asks for another unit's resource (dates, quantity, purpose); the owner's liaison (or
the secretariat) accepts, proposes other dates or declines with a reason, and the requester
takes or leaves a proposal. Each step reaches the other side's inbox. An accepted request is the
usage record; on completion it can become a ledger entry of the requester's unit, with the
owner as partner, so the use is not typed twice.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from core import audit
from core.auth import CurrentUser, require_own_unit
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.i18n import translate
from core.ledgers import entries as ledger
from core.messages.system import send_system
from core.models import MemberUnit, Role
from core.resources.models import RequestStatus, ResourceKind, ResourceRequest, SharedResource
from core.timeutil import china_today, utcnow

OPEN = (RequestStatus.PENDING, RequestStatus.PROPOSED)
IN_USE = (RequestStatus.ACCEPTED, RequestStatus.COMPLETED)
# The ledger kind a completed use is recorded as: using a base, lab, equipment, course or a
# master's teaching is training given to the requester's people at the owner's.
LEDGER_KIND = {ResourceKind.TRAINING_BASE: "training", ResourceKind.LAB: "training",
               ResourceKind.EQUIPMENT: "training", ResourceKind.COURSE: "training",
               ResourceKind.MASTER: "training", ResourceKind.EXPERT: "training"}
COLUMNS = ["id", "resource_id", "resource", "kind", "owner_member_id", "owner", "requester_member_id",
           "requester", "starts_on", "ends_on", "quantity", "purpose", "status", "reply",
           "proposed_starts_on", "proposed_ends_on", "completed_on", "used_quantity", "ledger_entry_id", "version"]


def _load(session: Session, current: CurrentUser | None, request_id: int, *,
          as_owner: bool) -> tuple[ResourceRequest, SharedResource]:
    """The request and its resource, if the caller acts for the owner (or the requester)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    row = session.get(ResourceRequest, request_id)
    if row is None:
        raise NotFound("resources.request_not_found")
    resource = session.get(SharedResource, row.resource_id)
    require_own_unit(current, resource.owner_member_id if as_owner else row.requester_member_id)
    return row, resource


def _name(session: Session, member_id: int) -> str:
    return session.get(MemberUnit, member_id).name


# The inbox message each step sends the other side: (title key, body key).
MESSAGES = {"requested": ("resources.msg_requested_title", "resources.msg_requested_body"),
            "accept": ("resources.msg_accept_title", "resources.msg_accept_body"),
            "propose": ("resources.msg_propose_title", "resources.msg_propose_body"),
            "decline": ("resources.msg_decline_title", "resources.msg_decline_body"),
            "taken": ("resources.msg_taken_title", "resources.msg_taken_body"),
            "withdrawn": ("resources.msg_withdrawn_title", "resources.msg_withdrawn_body")}


def _notify(session: Session, current: CurrentUser, member_id: int, step: str, **params) -> None:
    title, body = MESSAGES[step]
    send_system(session, title=translate(title, **params), body=translate(body, **params),
                member_ids=[member_id], sender=current)


def _change(session: Session, current: CurrentUser, row: ResourceRequest, expected_version: int, action: str,
            values: dict) -> None:
    before = audit.snapshot(row, values)
    update_versioned(session, ResourceRequest, row.id, expected_version, {**values, "updated_at": utcnow()})
    audit.record(session, action=action, actor_id=current.id, actor_name=current.username,
                 entity="resource_request", entity_id=row.id, before=before, after=audit.snapshot(row, values))


def request(session: Session, current: CurrentUser | None, *, resource_id: int, member_id: int, starts_on: date,
            ends_on: date, quantity: int, purpose: str) -> ResourceRequest:
    """Ask for a resource for the caller's unit (the secretariat: for any unit)."""
    require_own_unit(current, member_id)
    resource = session.get(SharedResource, resource_id)
    if resource is None or not resource.active:
        raise NotFound("resources.not_found")
    if resource.owner_member_id == member_id:
        raise ValidationFailed("resources.own_resource")
    if not starts_on or not ends_on or ends_on < starts_on:
        raise ValidationFailed("resources.ends_before_start")
    if starts_on < china_today():
        raise ValidationFailed("resources.in_the_past")
    if (resource.available_from and starts_on < resource.available_from) or \
            (resource.available_to and ends_on > resource.available_to):
        raise ValidationFailed("resources.outside_availability")
    if not isinstance(quantity, int) or not 1 <= quantity <= resource.capacity:
        raise ValidationFailed("resources.bad_quantity", capacity=resource.capacity)
    purpose = " ".join((purpose or "").split())[:2000]
    if not purpose:
        raise ValidationFailed("resources.purpose_required")
    row = ResourceRequest(resource_id=resource_id, requester_member_id=member_id, requested_by=current.id,
                          starts_on=starts_on, ends_on=ends_on, quantity=quantity, purpose=purpose)
    session.add(row)
    session.flush()
    audit.record(session, action="resource_requested", actor_id=current.id, actor_name=current.username,
                 entity="resource_request", entity_id=row.id, detail=resource.title,
                 after={"resource_id": resource_id, "member_id": member_id, "starts_on": str(starts_on),
                        "ends_on": str(ends_on), "quantity": quantity})
    _notify(session, current, resource.owner_member_id, "requested",
            unit=_name(session, member_id), resource=resource.title, start=starts_on, end=ends_on,
            quantity=quantity, purpose=purpose)
    return row


def respond(session: Session, current: CurrentUser | None, *, request_id: int, expected_version: int,
            decision: str, reply: str = "", proposed_starts_on: date | None = None,
            proposed_ends_on: date | None = None) -> None:
    """The owner's answer: "accept", "propose" (other dates) or "decline" (with a reason)."""
    row, resource = _load(session, current, request_id, as_owner=True)
    if row.status != RequestStatus.PENDING:
        raise ValidationFailed("resources.not_pending")
    reply = " ".join((reply or "").split())[:2000]
    values: dict = {"reply": reply, "decided_by": current.id, "decided_at": utcnow()}
    if decision == "accept":
        values["status"] = RequestStatus.ACCEPTED
    elif decision == "decline":
        if not reply:
            raise ValidationFailed("resources.reason_required")
        values["status"] = RequestStatus.DECLINED
    elif decision == "propose":
        _check_proposal(resource, proposed_starts_on, proposed_ends_on)
        values.update(status=RequestStatus.PROPOSED, proposed_starts_on=proposed_starts_on,
                      proposed_ends_on=proposed_ends_on)
    else:
        raise ValidationFailed("resources.bad_decision")
    _change(session, current, row, expected_version, f"resource_request_{decision}", values)
    _notify(session, current, row.requester_member_id, decision, unit=_name(
        session, resource.owner_member_id), resource=resource.title, start=proposed_starts_on or row.starts_on,
        end=proposed_ends_on or row.ends_on, reply=reply or "—")


def _check_proposal(resource: SharedResource, starts_on: date | None, ends_on: date | None) -> None:
    """Other dates the owner proposes: both given, in order, not past, within the offer's open period."""
    if not starts_on or not ends_on:
        raise ValidationFailed("resources.proposed_dates_required")
    if ends_on < starts_on:
        raise ValidationFailed("resources.ends_before_start")
    if starts_on < china_today():
        raise ValidationFailed("resources.in_the_past")
    if (resource.available_from and starts_on < resource.available_from) or \
            (resource.available_to and ends_on > resource.available_to):
        raise ValidationFailed("resources.proposed_outside", start=resource.available_from or "—",
                               end=resource.available_to or "—")


def answer_proposal(session: Session, current: CurrentUser | None, *, request_id: int, expected_version: int,
                    take: bool) -> None:
    """The requester takes the owner's other dates (accepted with them) or withdraws."""
    row, resource = _load(session, current, request_id, as_owner=False)
    if row.status != RequestStatus.PROPOSED:
        raise ValidationFailed("resources.no_proposal")
    values = {"status": RequestStatus.ACCEPTED, "starts_on": row.proposed_starts_on,
              "ends_on": row.proposed_ends_on} if take else {"status": RequestStatus.WITHDRAWN}
    _change(session, current, row, expected_version, "resource_proposal_" + ("taken" if take else "refused"), values)
    _notify(session, current, resource.owner_member_id, "taken" if take else "withdrawn",
            unit=_name(session, row.requester_member_id), resource=resource.title,
            start=row.proposed_starts_on, end=row.proposed_ends_on)


def withdraw(session: Session, current: CurrentUser | None, *, request_id: int, expected_version: int) -> None:
    """The requester withdraws a request not yet used."""
    row, resource = _load(session, current, request_id, as_owner=False)
    if row.status not in (*OPEN, RequestStatus.ACCEPTED):
        raise ValidationFailed("resources.not_open")
    _change(session, current, row, expected_version, "resource_request_withdrawn", {"status": RequestStatus.WITHDRAWN})
    _notify(session, current, resource.owner_member_id, "withdrawn",
            unit=_name(session, row.requester_member_id), resource=resource.title, start=row.starts_on, end=row.ends_on)


def complete(session: Session, current: CurrentUser | None, *, request_id: int, expected_version: int,
             used_quantity: int, completed_on: date | None = None, to_ledger: bool = False,
             title: str = "", today: date | None = None) -> int | None:
    """The requester marks an accepted use done, with how many used it; with `to_ledger` it
    becomes a ledger entry of the requester's unit (the owner as partner, to confirm there).
    Not before the use's last day: a booking still ahead is no use yet, and would put a ledger
    entry with future dates and count as used in the figures. Returns the ledger entry's id, if
    one was made."""
    row, resource = _load(session, current, request_id, as_owner=False)
    if row.status != RequestStatus.ACCEPTED:
        raise ValidationFailed("resources.not_accepted")
    today = today or china_today()
    if today < completable_from(row.ends_on):
        raise ValidationFailed("resources.not_ended", day=completable_from(row.ends_on))
    if not isinstance(used_quantity, int) or used_quantity < 1:
        raise ValidationFailed("resources.bad_used")
    done_on = completed_on or min(row.ends_on, today)
    entry_id = None
    if to_ledger:
        kind = LEDGER_KIND.get(resource.kind)
        if kind is None:
            raise ValidationFailed("resources.no_ledger_kind")
        entry = ledger.create(session, current, kind=kind, member_id=row.requester_member_id,
                              year=row.starts_on.year, title=(title or "").strip() or resource.title,
                              partners=[ledger.PartnerInput(member_id=resource.owner_member_id)],
                              started_on=row.starts_on, ended_on=row.ends_on,
                              description=f"{resource.title}：{row.purpose}",
                              fields={"people": used_quantity,
                                      "person_days": used_quantity * ((row.ends_on - row.starts_on).days + 1)})
        entry_id = entry.id
    _change(session, current, row, expected_version, "resource_use_completed",
            {"status": RequestStatus.COMPLETED, "completed_on": done_on, "used_quantity": used_quantity,
             "ledger_entry_id": entry_id})
    return entry_id


def completable_from(ends_on: date) -> date:
    """The first day a use may be marked done: its last day (the form says "after the use")."""
    return ends_on


def request_list(session: Session, current: CurrentUser | None, *, side: str = "all",
                 status: str | None = None) -> pd.DataFrame:
    """Requests the caller may see: a liaison its unit's, as requester ("outgoing") or owner
    ("incoming"); the council and the secretariat all of them."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    owner, requester = aliased(MemberUnit), aliased(MemberUnit)
    query = (select(ResourceRequest, SharedResource.title, SharedResource.kind, SharedResource.owner_member_id,
                    owner.name, requester.name)
             .join(SharedResource, SharedResource.id == ResourceRequest.resource_id)
             .join(owner, owner.id == SharedResource.owner_member_id)
             .join(requester, requester.id == ResourceRequest.requester_member_id))
    if current.role == Role.MEMBER:
        mine = current.member_id
        query = query.where(SharedResource.owner_member_id == mine if side == "incoming"
                            else ResourceRequest.requester_member_id == mine if side == "outgoing"
                            else sa.or_(SharedResource.owner_member_id == mine,
                                        ResourceRequest.requester_member_id == mine))
    if status:
        query = query.where(ResourceRequest.status == status)
    rows = session.exec(query.order_by(ResourceRequest.id.desc())).all()
    out = [{**{c: getattr(r, c) for c in COLUMNS if hasattr(r, c)}, "resource": title, "kind": kind,
            "owner_member_id": owner_id, "owner": owner_name, "requester": requester_name}
           for r, title, kind, owner_id, owner_name, requester_name in rows]
    return pd.DataFrame(out, columns=COLUMNS)
