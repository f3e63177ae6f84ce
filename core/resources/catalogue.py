"""The catalogue of what member units offer each other: training bases and labs with open
places, equipment, courses and materials, textbooks, experts and skills masters, internship and
job posts. Every logged-in role browses it; a unit's liaison (or the secretariat for any unit)
keeps its own unit's offers, with files."""
from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, select

from core import attachments, audit
from core.auth import CurrentUser, require_own_unit
from core.db import update_versioned
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import MemberUnit
from core.resources.models import ResourceKind, SharedResource
from core.timeutil import utcnow

OWNER_KIND = "shared_resource"  # attachments of a resource (photos, course outlines, rules of use)
FIELDS = ("kind", "title", "description", "capacity", "available_from", "available_to", "conditions",
          "contact", "active")
COLUMNS = ["id", "owner_member_id", "owner", "owner_type", "kind", "title", "description", "capacity",
           "available_from", "available_to", "conditions", "contact", "active", "version"]


def _signed_in(current: CurrentUser | None) -> CurrentUser:
    if current is None:
        raise PermissionDenied("auth.login_required")
    return current


def _clean(values: dict) -> dict:
    kind = values.get("kind")
    if kind not in set(ResourceKind):
        raise ValidationFailed("resources.bad_kind")
    title = " ".join(str(values.get("title") or "").split())
    if not title:
        raise ValidationFailed("resources.title_required")
    try:
        capacity = int(values.get("capacity") or 0)
    except (TypeError, ValueError):
        raise ValidationFailed("resources.bad_capacity") from None
    if capacity < 1:
        raise ValidationFailed("resources.bad_capacity")
    start, end = values.get("available_from"), values.get("available_to")
    if start and end and end < start:
        raise ValidationFailed("resources.ends_before_start")
    return {"kind": kind, "title": title[:200], "description": str(values.get("description") or "").strip()[:4000],
            "capacity": capacity, "available_from": start, "available_to": end,
            "conditions": str(values.get("conditions") or "").strip()[:2000],
            "contact": str(values.get("contact") or "").strip()[:200], "active": bool(values.get("active", True))}


def add_resource(session: Session, current: CurrentUser | None, *, member_id: int, values: dict,
                 files: list[tuple[str, bytes]] = ()) -> SharedResource:
    """A new offer of the caller's unit (the secretariat: of any unit), with its files."""
    require_own_unit(current, member_id)
    if session.get(MemberUnit, member_id) is None:
        raise ValidationFailed("resources.unknown_unit")
    row = SharedResource(owner_member_id=member_id, created_by=current.id, **_clean(values))
    session.add(row)
    session.flush()
    audit.record(session, action="resource_added", actor_id=current.id, actor_name=current.username,
                 entity="shared_resource", entity_id=row.id, after=audit.snapshot(row, FIELDS), detail=row.title)
    for filename, content in files:
        attachments.add(session, current, owner_kind=OWNER_KIND, owner_id=row.id, filename=filename,
                        content=content)
    return row


def update_resource(session: Session, current: CurrentUser | None, *, resource_id: int, expected_version: int,
                    values: dict) -> dict:
    """Change an offer (or withdraw it: active False); the difference, empty when nothing changed."""
    _signed_in(current)
    row = session.get(SharedResource, resource_id)
    if row is None:
        raise NotFound("resources.not_found")
    require_own_unit(current, row.owner_member_id)
    clean = _clean({**{k: getattr(row, k) for k in FIELDS}, **values})
    diff = {k: (getattr(row, k), v) for k, v in clean.items() if getattr(row, k) != v}
    if not diff:
        return {}
    update_versioned(session, SharedResource, resource_id, expected_version,
                     {**{k: v[1] for k, v in diff.items()}, "updated_at": utcnow()})
    audit.record(session, action="resource_updated", actor_id=current.id, actor_name=current.username,
                 entity="shared_resource", entity_id=resource_id, before={k: v[0] for k, v in diff.items()},
                 after={k: v[1] for k, v in diff.items()}, detail=row.title)
    return diff


def add_files(session: Session, current: CurrentUser | None, *, resource_id: int,
              files: list[tuple[str, bytes]]) -> None:
    _signed_in(current)
    for filename, content in files:
        attachments.add(session, current, owner_kind=OWNER_KIND, owner_id=resource_id, filename=filename,
                        content=content)


def files(session: Session, current: CurrentUser | None, *, resource_id: int) -> pd.DataFrame:
    _signed_in(current)
    return attachments.listing(session, OWNER_KIND, resource_id)


def file_content(session: Session, current: CurrentUser | None, attachment_id: int) -> tuple[str, str, bytes]:
    """A resource's file: every logged-in user may read the catalogue's files."""
    _signed_in(current)
    return attachments.owned_content(session, attachment_id, owner_kind=OWNER_KIND, may_see=lambda _id: True)


def browse(session: Session, current: CurrentUser | None, *, kind: str | None = None,
           owner_member_id: int | None = None, search: str = "", available_on: date | None = None,
           include_inactive: bool = False) -> pd.DataFrame:
    """The catalogue, filtered by kind, owner, words (title, description, conditions, owner) and a
    day it must be available on; the caller's own unit's withdrawn offers are listed too."""
    _signed_in(current)
    query = (select(SharedResource, MemberUnit.name, MemberUnit.unit_type)
             .join(MemberUnit, MemberUnit.id == SharedResource.owner_member_id))
    if not include_inactive:
        query = query.where(SharedResource.active)
    if kind:
        query = query.where(SharedResource.kind == kind)
    if owner_member_id is not None:
        query = query.where(SharedResource.owner_member_id == owner_member_id)
    if available_on is not None:
        query = query.where(sa.or_(SharedResource.available_from.is_(None), SharedResource.available_from <= available_on),
                            sa.or_(SharedResource.available_to.is_(None), SharedResource.available_to >= available_on))
    for word in (search or "").split():
        like = f"%{word}%"
        query = query.where(sa.or_(SharedResource.title.like(like), SharedResource.description.like(like),
                                   SharedResource.conditions.like(like), MemberUnit.name.like(like)))
    rows = session.exec(query.order_by(SharedResource.kind, SharedResource.id)).all()
    return pd.DataFrame([{**{c: getattr(r, c) for c in FIELDS}, "id": r.id, "owner_member_id": r.owner_member_id,
                          "owner": name, "owner_type": unit_type, "version": r.version}
                         for r, name, unit_type in rows], columns=COLUMNS)


def get(session: Session, current: CurrentUser | None, resource_id: int) -> SharedResource:
    _signed_in(current)
    row = session.get(SharedResource, resource_id)
    if row is None:
        raise NotFound("resources.not_found")
    return row


def _may_attach(session: Session, user: CurrentUser, resource_id: int) -> bool:
    row = session.get(SharedResource, resource_id)
    try:
        return row is not None and require_own_unit(user, row.owner_member_id) is not None
    except PermissionDenied:
        return False


attachments.register_owner(OWNER_KIND, may_attach=_may_attach, may_read=lambda session, user, _id: user is not None)
