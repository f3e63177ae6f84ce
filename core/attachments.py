"""Files kept in the database (so every app replica sees them), checked by their content.

The allow-list is decided by the bytes, not the name: a PDF starts with %PDF, images with their
signatures, and Office files are zips holding the folder of their kind.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session, func, select

from core import audit
from core.auth import CurrentUser
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Attachment, User
from core.settings import get_setting

MIME = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "zip": "application/zip"}
OFFICE_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# What the upload widgets offer; the content is checked again whatever the name says.
UPLOAD_EXTENSIONS = [*MIME, "jpeg"]


def sniff(content: bytes) -> str | None:
    """The file's real type from its first bytes (and, for zips, their contents)."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(content)).namelist()
        except zipfile.BadZipFile:
            return None
        if any(name == "xl/vbaProject.bin" or name.endswith("vbaProject.bin") for name in names):
            return None  # macro-enabled Office files are not accepted
        for kind, folder in OFFICE_FOLDERS.items():
            if "[Content_Types].xml" in names and any(n.startswith(folder) for n in names):
                return kind
        return "zip"
    return None


@dataclass(frozen=True)
class OwnerRules:
    """Who may attach a file to an owner of this kind, and who may read its files: each module
    says so for its own owners (a notice, a post, a milestone, a ledger entry)."""

    may_attach: Callable[[Session, CurrentUser, int], bool]
    may_read: Callable[[Session, CurrentUser, int], bool]
    # What the archive files an owner's attachments under: a dict with any of "title", "year",
    # "member_id" (the unit it concerns) and "voided"; called only once may_read has allowed it.
    describe: Callable[[Session, int], dict] | None = None


OWNERS: dict[str, OwnerRules] = {}


def register_owner(kind: str, *, may_attach: Callable[[Session, CurrentUser, int], bool],
                   may_read: Callable[[Session, CurrentUser, int], bool],
                   describe: Callable[[Session, int], dict] | None = None) -> None:
    """Called by the module that owns `kind` when it is imported; a kind nobody registered can
    neither take nor give files."""
    OWNERS[kind] = OwnerRules(may_attach=may_attach, may_read=may_read, describe=describe)


def _rules(current: CurrentUser | None, owner_kind: str) -> OwnerRules:
    if current is None:
        raise PermissionDenied("auth.login_required")
    rules = OWNERS.get(owner_kind)
    if rules is None:
        raise PermissionDenied("auth.forbidden")
    return rules


def _check_quota(session: Session, current: CurrentUser, size: int) -> None:
    """A unit's liaisons share one allowance, so one unit cannot fill the shared database."""
    if current.member_id is None:
        return
    quota_mb = int(get_setting(session, "unit_attachment_quota_mb") or 200)
    used = session.exec(select(func.coalesce(func.sum(Attachment.size_bytes), 0))
                        .join(User, User.id == Attachment.uploaded_by)
                        .where(User.member_id == current.member_id)).one()
    if used + size > quota_mb * 1024 * 1024:
        raise ValidationFailed("attachment.quota", quota_mb=quota_mb, used_mb=round(used / 1024 / 1024, 1))


def add(session: Session, current: CurrentUser | None, *, owner_kind: str, owner_id: int,
        filename: str, content: bytes) -> Attachment:
    """A file on an owner the caller may attach to, checked by content, size and the unit's quota."""
    if not _rules(current, owner_kind).may_attach(session, current, owner_id):
        raise PermissionDenied("auth.forbidden")
    limit_mb = int(get_setting(session, "upload_limit_mb") or 20)
    if not content:
        raise ValidationFailed("attachment.empty")
    if len(content) > limit_mb * 1024 * 1024:
        raise ValidationFailed("attachment.too_big", max_mb=limit_mb)
    kind = sniff(content)
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind is None or (extension in MIME and extension != kind and
                        not (kind == "jpg" and extension == "jpeg")):
        raise ValidationFailed("attachment.bad_type", allowed="PDF, DOCX, XLSX, PPTX, PNG, JPG, ZIP")
    _check_quota(session, current, len(content))
    name = filename.replace("/", "_").replace("\\", "_").strip()[:300] or f"file.{kind}"
    attachment = Attachment(owner_kind=owner_kind, owner_id=owner_id, filename=name,
                            mime_type=MIME[kind], size_bytes=len(content),
                            sha256=hashlib.sha256(content).hexdigest(), content=content,
                            uploaded_by=current.id)
    session.add(attachment)
    session.flush()
    audit.record(session, action="attachment_added", actor_id=current.id,
                 actor_name=current.username, entity=owner_kind, entity_id=owner_id,
                 after={"file": name, "bytes": len(content)})
    return attachment


def listing(session: Session, owner_kind: str, owner_id: int) -> pd.DataFrame:
    rows = session.exec(select(Attachment.id, Attachment.filename, Attachment.mime_type,
                               Attachment.size_bytes, Attachment.created_at)
                        .where(Attachment.owner_kind == owner_kind, Attachment.owner_id == owner_id)
                        .order_by(Attachment.id)).all()
    return pd.DataFrame(rows, columns=["id", "filename", "mime_type", "size_bytes", "created_at"])


def listing_many(session: Session, owner_kind: str, owner_ids: list[int]) -> pd.DataFrame:
    """The files of many owners of one kind in one query (owner_id, id, filename, size_bytes)."""
    rows = session.exec(select(Attachment.owner_id, Attachment.id, Attachment.filename, Attachment.size_bytes)
                        .where(Attachment.owner_kind == owner_kind, Attachment.owner_id.in_(owner_ids))
                        .order_by(Attachment.owner_id, Attachment.id)).all() if owner_ids else []
    return pd.DataFrame(rows, columns=["owner_id", "id", "filename", "size_bytes"])


def owned_content(session: Session, attachment_id: int, *, owner_kind: str,
                  may_see: Callable[[int], bool]) -> tuple[str, str, bytes]:
    """A file of one kind of owner (a notice, a post), if `may_see(owner_id)` allows it: the
    owning module says who may see its owner; a file of another kind is not found here."""
    row = session.get(Attachment, attachment_id)
    if row is None or row.owner_kind != owner_kind:
        raise NotFound("attachment.not_found")
    if not may_see(row.owner_id):
        raise PermissionDenied("auth.forbidden")
    return row.filename, row.mime_type, row.content


def content(session: Session, current: CurrentUser | None, attachment_id: int) -> tuple[str, str, bytes]:
    """A file's name, type and bytes, for those its owner's module lets read it."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.not_found")
    if not _rules(current, row.owner_kind).may_read(session, current, row.owner_id):
        raise PermissionDenied("auth.forbidden")
    return row.filename, row.mime_type, row.content


def remove(session: Session, current: CurrentUser | None, attachment_id: int) -> None:
    """Remove a file (a duplicate, a wrong one): whoever may attach to its owner may remove it;
    the audit keeps its name and size."""
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.not_found")
    if not _rules(current, row.owner_kind).may_attach(session, current, row.owner_id):
        raise PermissionDenied("auth.forbidden")
    audit.record(session, action="attachment_removed", actor_id=current.id, actor_name=current.username,
                 entity=row.owner_kind, entity_id=row.owner_id, before={"file": row.filename, "bytes": row.size_bytes})
    session.delete(row)
