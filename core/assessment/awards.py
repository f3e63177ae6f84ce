"""Awards (评优评先): categories per year with quotas and a pass rule; nominations by the office
(from the ranking) or by a unit for itself or one of its people, with a statement and evidence;
the office's review; each council member approves or objects with a comment; the office closes
the vote under the category's rule and publishes the winners as a notice.
"""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core import attachments, audit
from core.assessment.models import (
    AssessmentScheme,
    AwardCategory,
    AwardNomination,
    AwardSubject,
    AwardVote,
    NominationStatus,
    PassRule,
)
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.display import bilingual
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.i18n import DEFAULT_LANGUAGE, translate
from core.models import MemberUnit, MessageCategory, Role, User
from core.safe_text import plain
from core.timeutil import utcnow

EVERYONE = (*STAFF_ROLES, Role.COUNCIL, Role.MEMBER)
OPEN_STATES = (NominationStatus.NOMINATED, NominationStatus.IN_VOTE)


def _text(value, limit: int) -> str:
    """Stored as typed (stripped, cut to the column); escaped where it is shown as Markdown."""
    return str(value or "").replace("\x00", "").strip()[:limit]


def _category(session: Session, category_id: int) -> AwardCategory:
    row = session.get(AwardCategory, category_id)
    if row is None:
        raise NotFound("awards.category_not_found")
    return row


def _nomination(session: Session, nomination_id: int) -> AwardNomination:
    row = session.get(AwardNomination, nomination_id)
    if row is None:
        raise NotFound("awards.nomination_not_found")
    return row


def categories(session: Session, current: CurrentUser | None, *, year: int | None = None) -> list[AwardCategory]:
    require_role(current, *EVERYONE)
    query = select(AwardCategory).order_by(AwardCategory.year.desc(), AwardCategory.id)
    return session.exec(query.where(AwardCategory.year == year) if year else query).all()


def create_category(session: Session, current: CurrentUser | None, *, year: int, name: str, name_en: str = "",
                    subject: str = AwardSubject.UNIT, quota: int = 1, pass_rule: str = PassRule.MAJORITY,
                    unit_type: str = "") -> AwardCategory:
    require_role(current, *STAFF_ROLES)
    name = _text(name, 100)
    if not name:
        raise ValidationFailed("awards.name_required")
    if quota < 1:
        raise ValidationFailed("awards.bad_quota")
    if subject not in set(AwardSubject) or pass_rule not in set(PassRule):
        raise ValidationFailed("awards.bad_choice")
    row = AwardCategory(year=year, name=name, name_en=_text(name_en, 100), subject=subject, quota=quota,
                        pass_rule=pass_rule, unit_type=unit_type or "")
    session.add(row)
    session.flush()
    audit.record(session, action="award_category_created", actor_id=current.id, actor_name=current.username,
                 entity="award_category", entity_id=row.id, after={"year": year, "name": name, "quota": quota})
    return row


def nominate(session: Session, current: CurrentUser | None, *, category_id: int, member_id: int,
             person_name: str = "", statement: str, evidence: str = "") -> AwardNomination:
    """A nomination by the office (any unit) or by a liaison (its own unit, or one of its people)."""
    require_role(current, *STAFF_ROLES, Role.MEMBER)
    if current.role == Role.MEMBER and current.member_id != member_id:
        raise PermissionDenied("auth.forbidden")
    category = _category(session, category_id)
    if category.published_at:
        raise ValidationFailed("awards.published_closed")
    unit = session.get(MemberUnit, member_id)
    if unit is None:
        raise NotFound("awards.unit_not_found")
    if category.unit_type and unit.unit_type != category.unit_type:
        raise ValidationFailed("awards.wrong_type", type=category.unit_type)
    person_name, statement = _text(person_name, 100), _text(statement, 4000)
    if category.subject == AwardSubject.PERSON and not person_name:
        raise ValidationFailed("awards.person_required")
    if not statement:
        raise ValidationFailed("awards.statement_required")
    twin = session.exec(select(AwardNomination).where(
        AwardNomination.category_id == category_id, AwardNomination.member_id == member_id,
        AwardNomination.person_name == (person_name if category.subject == AwardSubject.PERSON else ""))).first()
    if twin:
        raise ValidationFailed("awards.already_nominated")
    row = AwardNomination(category_id=category_id, member_id=member_id,
                          person_name=person_name if category.subject == AwardSubject.PERSON else "",
                          statement=statement, evidence=_text(evidence, 2000),
                          source="ranking" if current.role != Role.MEMBER else "unit", nominated_by=current.id)
    session.add(row)
    session.flush()
    audit.record(session, action="award_nominated", actor_id=current.id, actor_name=current.username,
                 entity="award_nomination", entity_id=row.id,
                 after={"category": category.name, "unit": unit.name, "person": row.person_name})
    return row


def nominate_from_ranking(session: Session, current: CurrentUser | None, *, category_id: int) -> int:
    """The office nominates the best-ranked units of the category's year and type (as many as
    its quota) that are not nominated yet; returns how many."""
    from core.assessment.scores import results

    require_role(current, *STAFF_ROLES)
    category = _category(session, category_id)
    if category.subject != AwardSubject.UNIT:
        raise ValidationFailed("awards.ranking_units_only")
    scheme = session.exec(select(AssessmentScheme).where(AssessmentScheme.year == category.year)).first()
    if scheme is None:
        raise ValidationFailed("awards.no_ranking", year=category.year)
    frame = results(session, current, scheme.id)
    if category.unit_type:
        frame = frame[frame["unit_type"] == category.unit_type]
    taken = set(session.exec(select(AwardNomination.member_id).where(AwardNomination.category_id == category_id)).all())
    added = 0
    for row in frame.sort_values(["total", "unit"], ascending=[False, True]).itertuples():
        if added >= category.quota:
            break
        if row.member_id in taken:
            continue
        nominate(session, current, category_id=category_id, member_id=int(row.member_id),
                 statement=translate("awards.from_ranking_statement", year=category.year, total=f"{row.total:.2f}",
                                     rank=int(row.rank), of=int(row.of)))
        added += 1
    return added


def review(session: Session, current: CurrentUser | None, nomination_id: int, *, accept: bool, note: str = "") -> None:
    """The office puts a nomination to the council, or declines it with a note."""
    require_role(current, *STAFF_ROLES)
    row = _nomination(session, nomination_id)
    if row.status != NominationStatus.NOMINATED:
        raise ValidationFailed("awards.wrong_status")
    note = _text(note, 1000)
    if not accept and not note:
        raise ValidationFailed("awards.note_required")
    row.status, row.review_note = (NominationStatus.IN_VOTE if accept else NominationStatus.DECLINED), note
    row.version += 1
    session.add(row)
    session.flush()
    audit.record(session, action="award_reviewed", actor_id=current.id, actor_name=current.username,
                 entity="award_nomination", entity_id=row.id, after={"status": row.status, "note": note})


def vote(session: Session, current: CurrentUser | None, nomination_id: int, *, approve: bool, comment: str = "") -> None:
    """A council member approves or objects (an objection says why); a later vote replaces one's own."""
    require_role(current, Role.COUNCIL)
    row = _nomination(session, nomination_id)
    if row.status != NominationStatus.IN_VOTE:
        raise ValidationFailed("awards.not_in_vote")
    comment = _text(comment, 1000)
    if not approve and not comment:
        raise ValidationFailed("awards.objection_needs_comment")
    mine = session.exec(select(AwardVote).where(AwardVote.nomination_id == nomination_id,
                                                AwardVote.user_id == current.id)).first() or \
        AwardVote(nomination_id=nomination_id, user_id=current.id, approve=approve)
    mine.approve, mine.comment, mine.at = approve, comment, utcnow()
    session.add(mine)
    session.flush()
    audit.record(session, action="award_voted", actor_id=current.id, actor_name=current.username,
                 entity="award_nomination", entity_id=row.id, after={"approve": approve, "comment": comment})


def passes(rule: str, approvals: int, objections: int) -> bool:
    cast = approvals + objections
    if rule == PassRule.UNANIMOUS:
        return approvals > 0 and objections == 0
    if rule == PassRule.TWO_THIRDS:
        return cast > 0 and approvals * 3 >= cast * 2
    return approvals * 2 > cast


def close_vote(session: Session, current: CurrentUser | None, nomination_id: int) -> str:
    """Decide a nomination under its category's rule from the votes cast; returns the new status."""
    require_role(current, *STAFF_ROLES)
    row = _nomination(session, nomination_id)
    if row.status != NominationStatus.IN_VOTE:
        raise ValidationFailed("awards.not_in_vote")
    votes = session.exec(select(AwardVote.approve).where(AwardVote.nomination_id == nomination_id)).all()
    if not votes:
        raise ValidationFailed("awards.no_votes")
    rule = _category(session, row.category_id).pass_rule
    row.status = NominationStatus.APPROVED if passes(rule, sum(votes), len(votes) - sum(votes)) \
        else NominationStatus.REJECTED
    row.version += 1
    session.add(row)
    session.flush()
    audit.record(session, action="award_decided", actor_id=current.id, actor_name=current.username,
                 entity="award_nomination", entity_id=row.id,
                 after={"status": row.status, "approve": sum(votes), "object": len(votes) - sum(votes)})
    return row.status


def publish(session: Session, current: CurrentUser | None, category_id: int, *, lang: str = DEFAULT_LANGUAGE) -> int:
    """The approved nominations become awards (numbered certificates) and a notice to everyone
    names them; refused while votes are open or over the quota. Returns how many were awarded."""
    from core.messages import notices

    require_role(current, *STAFF_ROLES)
    category = _category(session, category_id)
    if category.published_at:
        raise ValidationFailed("awards.published_closed")
    rows = session.exec(select(AwardNomination).where(AwardNomination.category_id == category_id)
                        .order_by(AwardNomination.id)).all()
    if any(r.status in OPEN_STATES for r in rows):
        raise ValidationFailed("awards.still_open")
    winners = [r for r in rows if r.status == NominationStatus.APPROVED]
    if not winners:
        raise ValidationFailed("awards.no_winner")
    if len(winners) > category.quota:
        raise ValidationFailed("awards.over_quota", quota=category.quota, approved=len(winners))
    names = dict(session.exec(select(MemberUnit.id, MemberUnit.name).where(
        MemberUnit.id.in_([w.member_id for w in winners]))).all())
    for n, w in enumerate(winners, start=1):
        w.status, w.certificate_no, w.version = NominationStatus.AWARDED, f"{category.year}-{category.id:02d}-{n:03d}", \
            w.version + 1
        session.add(w)
    lines = "\n".join(f"- {plain(names[w.member_id])}" + (f" {plain(w.person_name)}" if w.person_name else "")
                      for w in winners)
    title = bilingual(category.name, category.name_en, lang)
    message = notices.publish(session, current, category=MessageCategory.NOTICE,
                              title=translate("awards.notice_title", lang, year=category.year, name=title),
                              body=translate("awards.notice_body", lang, year=category.year, name=plain(title)) + "\n\n" + lines,
                              audience={"everyone": True})
    category.published_at, category.message_id, category.version = utcnow(), message.id, category.version + 1
    session.add(category)
    session.flush()
    audit.record(session, action="awards_published", actor_id=current.id, actor_name=current.username,
                 entity="award_category", entity_id=category.id, after={"awarded": len(winners)})
    return len(winners)


def nominations(session: Session, current: CurrentUser | None, *, category_id: int) -> pd.DataFrame:
    """A category's nominations with their votes; a liaison sees its own unit's and the awards."""
    require_role(current, *EVERYONE)
    query = select(AwardNomination, MemberUnit.name).join(MemberUnit, MemberUnit.id == AwardNomination.member_id) \
        .where(AwardNomination.category_id == category_id).order_by(AwardNomination.id)
    rows = session.exec(query).all()
    if current.role == Role.MEMBER:
        rows = [(n, u) for n, u in rows if n.member_id == current.member_id or n.status == NominationStatus.AWARDED]
    votes = session.exec(select(AwardVote, User.display_name).join(User, User.id == AwardVote.user_id).where(
        AwardVote.nomination_id.in_([n.id for n, _ in rows]))).all() if rows else []
    see_votes = current.role != Role.MEMBER
    return pd.DataFrame([{
        "id": n.id, "member_id": n.member_id, "unit": unit, "person_name": n.person_name, "statement": n.statement,
        "evidence": n.evidence, "source": n.source, "status": n.status, "review_note": n.review_note,
        "certificate_no": n.certificate_no,
        "approve": sum(1 for v, _ in votes if v.nomination_id == n.id and v.approve) if see_votes else None,
        "object": sum(1 for v, _ in votes if v.nomination_id == n.id and not v.approve) if see_votes else None,
        "comments": "; ".join(f"{who}: {v.comment}" for v, who in votes if v.nomination_id == n.id and v.comment)
        if see_votes else "",
        "my_vote": next((v.approve for v, _ in votes if v.nomination_id == n.id and v.user_id == current.id), None),
    } for n, unit in rows], columns=["id", "member_id", "unit", "person_name", "statement", "evidence", "source",
                                     "status", "review_note", "certificate_no", "approve", "object", "comments",
                                     "my_vote"])


# ---------------------------------------------------------------- evidence files
EVIDENCE_KIND = "award_nomination"


def _may_attach_evidence(session: Session, user: CurrentUser, nomination_id: int) -> bool:
    row = session.get(AwardNomination, nomination_id)
    return row is not None and row.status == NominationStatus.NOMINATED and (
        user.role in STAFF_ROLES or (user.role == Role.MEMBER and user.member_id == row.member_id))


def _may_read_evidence(session: Session, user: CurrentUser, nomination_id: int) -> bool:
    row = session.get(AwardNomination, nomination_id)
    return row is not None and (user.role in (*STAFF_ROLES, Role.COUNCIL) or user.member_id == row.member_id)


def nominate_with_files(session: Session, current: CurrentUser | None, *, files: list[tuple[str, bytes]] = (),
                        **fields) -> AwardNomination:
    """A nomination and its evidence files in one transaction: a refused file nominates nothing."""
    require_role(current, *EVERYONE)
    row = nominate(session, current, **fields)
    for filename, content in files:
        attachments.add(session, current, owner_kind=EVIDENCE_KIND, owner_id=row.id, filename=filename,
                        content=content)
    return row


def evidence_files(session: Session, current: CurrentUser | None, nomination_id: int) -> pd.DataFrame:
    """id, filename, size_bytes of a nomination's evidence, for those who may read it."""
    require_role(current, *EVERYONE)
    if not _may_read_evidence(session, current, nomination_id):
        raise PermissionDenied("auth.forbidden")
    return attachments.listing(session, EVIDENCE_KIND, nomination_id)


def evidence_file(session: Session, current: CurrentUser | None, attachment_id: int) -> tuple[str, str, bytes]:
    require_role(current, *EVERYONE)
    return attachments.owned_content(session, attachment_id, owner_kind=EVIDENCE_KIND,
                                     may_see=lambda owner: _may_read_evidence(session, current, owner))


attachments.register_owner(EVIDENCE_KIND, may_attach=_may_attach_evidence, may_read=_may_read_evidence)
