"""What the resource sharing amounts to: offers by kind and owner type, requests and the
acceptance rate, the most used resources, and units that offer but never use (and the reverse).

A "use" here is one that has happened: marked done, or accepted and past its last day. A booking
still ahead is an answer (counted in the acceptance rate), not yet a use."""
from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session, func, select

from core.auth import CurrentUser
from core.errors import PermissionDenied
from core.models import MemberStatus, MemberUnit
from core.resources.models import RequestStatus, ResourceRequest, SharedResource
from core.resources.requests import IN_USE
from core.timeutil import china_today

ANSWERED = (RequestStatus.ACCEPTED, RequestStatus.COMPLETED, RequestStatus.DECLINED)


def _happened(today: date):
    """Uses that took place: marked done, or accepted and over before `today`."""
    return sa.or_(ResourceRequest.status == RequestStatus.COMPLETED,
                  sa.and_(ResourceRequest.status == RequestStatus.ACCEPTED, ResourceRequest.ends_on < today))


def overview(session: Session, current: CurrentUser | None, *, year: int | None = None,
             today: date | None = None) -> dict:
    """The figures every logged-in role sees (counts, no request's purpose or reply). `year`:
    requests whose use starts in that year; offers are counted as they stand. The acceptance
    rate is over answered requests (accepted, used, declined); the most used resources and the
    units using count uses that have happened by `today` (China's today by default)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    happened = _happened(today or china_today())
    by_kind = session.exec(select(SharedResource.kind, MemberUnit.unit_type, func.count(), func.sum(SharedResource.capacity))
                           .join(MemberUnit, MemberUnit.id == SharedResource.owner_member_id)
                           .where(SharedResource.active)
                           .group_by(SharedResource.kind, MemberUnit.unit_type)).all()
    requests = select(ResourceRequest.status, func.count()).group_by(ResourceRequest.status)
    used = (select(SharedResource.id, SharedResource.title, MemberUnit.name, func.count(),
                   func.sum(func.coalesce(ResourceRequest.used_quantity, ResourceRequest.quantity)))
            .join(ResourceRequest, ResourceRequest.resource_id == SharedResource.id)
            .join(MemberUnit, MemberUnit.id == SharedResource.owner_member_id)
            .where(happened)
            .group_by(SharedResource.id, SharedResource.title, MemberUnit.name))
    if year is not None:
        requests = requests.where(func.extract("year", ResourceRequest.starts_on) == year)
        used = used.where(func.extract("year", ResourceRequest.starts_on) == year)
    counts = dict(session.exec(requests).all())
    answered = sum(counts.get(s, 0) for s in ANSWERED)
    accepted = sum(counts.get(s, 0) for s in IN_USE)
    most_used = sorted(session.exec(used).all(), key=lambda r: (-r[3], -(r[4] or 0), r[0]))[:10]
    offering = set(session.exec(select(SharedResource.owner_member_id).distinct()).all())
    using = set(session.exec(select(ResourceRequest.requester_member_id).where(happened).distinct()).all())
    names = dict(session.exec(select(MemberUnit.id, MemberUnit.name)
                              .where(MemberUnit.id.in_(offering | using))).all()) if offering | using else {}
    active = set(session.exec(select(MemberUnit.id).where(MemberUnit.status == MemberStatus.ACTIVE)).all())
    return {
        "by_kind": pd.DataFrame(by_kind, columns=["kind", "owner_type", "resources", "capacity"]),
        "requests": sum(counts.values()), "status_counts": counts, "answered": answered, "accepted": accepted,
        "acceptance_rate": None if not answered else round(accepted / answered * 100, 1),
        "most_used": pd.DataFrame(most_used, columns=["id", "resource", "owner", "uses", "people"]),
        "offer_never_use": sorted(names[m] for m in offering - using if m in active),
        "use_never_offer": sorted(names[m] for m in using - offering if m in active),
    }
