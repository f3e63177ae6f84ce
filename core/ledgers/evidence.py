"""Evidence files of a ledger entry, through the checked attachment store (core/attachments):
attached by those who may edit the entry, read by those who may see it."""
from __future__ import annotations

from sqlmodel import Session

from core import attachments
from core.auth import CurrentUser, require_role
from core.errors import UserFacingError, ValidationFailed
from core.ledgers.entries import OWNER_KIND, editable, may_see
from core.models import LedgerEntry, Role


def add_evidence(session: Session, current: CurrentUser, *, entry_id: int, files: list[tuple[str, bytes]]) -> None:
    """Attach evidence files (checked by the attachment store) to an entry the caller may edit."""
    editable(session, current, entry_id)
    if not files:
        raise ValidationFailed("ledger.no_files")
    for filename, content in files:
        attachments.add(session, current, owner_kind=OWNER_KIND, owner_id=entry_id, filename=filename,
                        content=content)


def evidence(session: Session, current: CurrentUser, attachment_id: int) -> tuple[str, str, bytes]:
    """An evidence file, for those who may see its entry."""
    require_role(current, *Role)

    def allowed(entry_id: int) -> bool:
        entry = session.get(LedgerEntry, entry_id)
        return entry is not None and may_see(session, current, entry)

    return attachments.owned_content(session, attachment_id, owner_kind=OWNER_KIND, may_see=allowed)


def _may_attach_evidence(session: Session, user: CurrentUser, entry_id: int) -> bool:
    try:
        editable(session, user, entry_id)
    except UserFacingError:
        return False
    return True


def _may_read_evidence(session: Session, user: CurrentUser, entry_id: int) -> bool:
    entry = session.get(LedgerEntry, entry_id)
    return entry is not None and may_see(session, user, entry)


def _describe(session: Session, entry_id: int) -> dict:
    """Evidence is filed under its entry: the entry's title, year and reporting unit."""
    entry = session.get(LedgerEntry, entry_id)
    return {} if entry is None else {"title": entry.title, "year": entry.year, "member_id": entry.member_id}


attachments.register_owner(OWNER_KIND, may_attach=_may_attach_evidence, may_read=_may_read_evidence,
                           describe=_describe)
