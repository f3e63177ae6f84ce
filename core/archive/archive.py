"""The archive (档案管理): every file the platform holds — notices' attachments and minutes,
briefing photos, plan and ledger evidence, meeting files, report profiles, award evidence,
shared resources' files — and the documents the secretariat files here (charter, rules,
contracts, meeting photos), findable by year, category, unit and text, each with its origin.

Who may open a file is decided by the module owning it (core.attachments' owner registry), so
the archive never shows or hands out a file its owner would refuse; a filed document's access
level (public, members, council, secretariat) is enforced the same way, on every download.
"""
from __future__ import annotations

import io
import zipfile

import pandas as pd
from sqlmodel import Session, select

from core import attachments, audit
from core.archive.models import Access, ArchiveDocument, DocCategory
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.models import Attachment, MemberUnit, Role, User
from core.timeutil import CHINA_TZ, china_today

OWNER_KIND = "archive_document"
# Importing the owners registers their rules (who may read their files).
from core.assessment import awards as _awards  # noqa: F401
from core.funds import funds as _funds  # noqa: F401
from core.ledgers import entries as _entries  # noqa: F401
from core.meetings import briefings as _briefings, meetings as _meetings  # noqa: F401
from core.messages import boards as _boards, notices as _notices  # noqa: F401
from core.plan import tracking as _tracking  # noqa: F401
from core.reports import profile as _profile  # noqa: F401
from core.resources import catalogue as _catalogue  # noqa: F401

# Where a file's origin is seen (nav page keys).
ORIGIN_PAGES = {"message": "inbox", "milestone": "plan", "ledger_entry": "ledgers", "meeting": "meetings",
                "briefing": "briefings", "post": "boards", "shared_resource": "resources",
                "group_profile": "report_profile", "award_nomination": "awards", "fee_payment": "funds",
                "fund_expense": "funds", "fund_income": "funds", OWNER_KIND: "archive"}
READERS = {Access.PUBLIC: (Role.COUNCIL, Role.MEMBER, *STAFF_ROLES), Access.MEMBERS: (Role.COUNCIL, Role.MEMBER, *STAFF_ROLES),
           Access.COUNCIL: (Role.COUNCIL, *STAFF_ROLES), Access.SECRETARIAT: STAFF_ROLES}
COLUMNS = ["id", "filename", "category", "year", "member_id", "unit", "origin_kind", "origin_id", "title",
           "access", "size_bytes", "created_at"]


def may_open(current: CurrentUser, access: str) -> bool:
    return current.role in READERS.get(access, ())


def file_document(session: Session, current: CurrentUser | None, *, title: str, category: str, year: int,
                  access: str, retention_years: int = 0, member_id: int | None = None, description: str = "",
                  files: list[tuple[str, bytes]] = ()) -> ArchiveDocument:
    """The secretariat files a document (with at least one file) under a category, a year, a
    retention period (0 = permanent) and an access level."""
    require_role(current, *STAFF_ROLES)
    title = " ".join((title or "").split())[:200]
    if not title:
        raise ValidationFailed("archive.title_required")
    if category not in set(DocCategory):
        raise ValidationFailed("archive.bad_category")
    if access not in set(Access):
        raise ValidationFailed("archive.bad_access")
    if not isinstance(year, int) or not 1990 <= year <= 2100:
        raise ValidationFailed("archive.bad_year")
    if not isinstance(retention_years, int) or retention_years < 0:
        raise ValidationFailed("archive.bad_retention")
    if member_id is not None and session.get(MemberUnit, member_id) is None:
        raise ValidationFailed("archive.unknown_unit")
    if not files:
        raise ValidationFailed("archive.file_required")
    doc = ArchiveDocument(title=title, category=category, year=year, access=access, retention_years=retention_years,
                          member_id=member_id, description=(description or "").strip()[:2000], filed_by=current.id)
    session.add(doc)
    session.flush()
    audit.record(session, action="archive_filed", actor_id=current.id, actor_name=current.username,
                 entity=OWNER_KIND, entity_id=doc.id, detail=title,
                 after=audit.snapshot(doc, ("title", "category", "year", "access", "retention_years", "member_id")))
    for filename, content in files:
        attachments.add(session, current, owner_kind=OWNER_KIND, owner_id=doc.id, filename=filename, content=content)
    return doc


def _readable(session: Session, current: CurrentUser):
    """A check of (owner kind, owner id) by the owner's own rule, remembered per owner."""
    seen: dict[tuple[str, int], bool] = {}

    def check(kind: str, owner_id: int) -> bool:
        if (kind, owner_id) not in seen:
            rules = attachments.OWNERS.get(kind)
            seen[(kind, owner_id)] = rules is not None and bool(rules.may_read(session, current, owner_id))
        return seen[(kind, owner_id)]
    return check


def search(session: Session, current: CurrentUser | None, *, year: int | None = None, category: str | None = None,
           member_id: int | None = None, text: str = "") -> pd.DataFrame:
    """The files the caller may open, newest first: `category` is a filed document's category
    or the kind of owner (message, ledger_entry, ...); `text` matches file names and titles.
    A liaison filters by its own unit only (the files other units may show it are found unfiltered)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if member_id is not None and current.role == Role.MEMBER and member_id != current.member_id:
        raise PermissionDenied("auth.not_your_unit")
    rows = session.exec(select(Attachment.id, Attachment.filename, Attachment.owner_kind, Attachment.owner_id,
                               Attachment.size_bytes, Attachment.created_at, User.member_id)
                        .outerjoin(User, User.id == Attachment.uploaded_by).order_by(Attachment.id.desc())).all()
    docs = {d.id: d for d in session.exec(select(ArchiveDocument)).all()}
    names = dict(session.exec(select(MemberUnit.id, MemberUnit.name)).all())
    readable = _readable(session, current)
    words = [w.lower() for w in (text or "").split()]
    out = []
    for file_id, filename, kind, owner_id, size, created, uploader_unit in rows:
        doc = docs.get(owner_id) if kind == OWNER_KIND else None
        row = {"id": file_id, "filename": filename, "category": doc.category if doc else kind,
               "year": doc.year if doc else created.astimezone(CHINA_TZ).year,
               "member_id": doc.member_id if doc else uploader_unit, "origin_kind": kind, "origin_id": owner_id,
               "title": doc.title if doc else "", "access": doc.access if doc else "", "size_bytes": size,
               "created_at": created}
        if (year is not None and row["year"] != year) or (category and row["category"] != category) \
                or (member_id is not None and row["member_id"] != member_id):
            continue
        if words and not all(w in f"{filename} {row['title']}".lower() for w in words):
            continue
        if readable(kind, owner_id):
            out.append({**row, "unit": names.get(row["member_id"], "")})
    return pd.DataFrame(out, columns=COLUMNS)


def download(session: Session, current: CurrentUser | None, attachment_id: int) -> tuple[str, str, bytes]:
    """A file from the archive, if its owner's rule (a filed document's access level) lets the caller open it."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.not_found")
    if not _readable(session, current)(row.owner_kind, row.owner_id):
        raise PermissionDenied("archive.no_access")
    return row.filename, row.mime_type, row.content


def year_package(session: Session, current: CurrentUser | None, *, year: int, index_sheet: str = "index",
                 headers: dict | None = None) -> bytes:
    """One zip of the year's files for the paper archive, in folders by category, with an index
    workbook (number, category, file, title, unit, origin, size) — the secretariat only."""
    require_role(current, *STAFF_ROLES)
    from core.excel import table_export

    found = search(session, current, year=year).sort_values("id")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        index = []
        for number, row in enumerate(found.itertuples(), start=1):
            name, _mime, content = download(session, current, int(row.id))
            path = f"{row.category}/{number:04d}_{name}"
            package.writestr(path, content)
            index.append({"no": number, "category": row.category, "path": path, "title": row.title,
                          "unit": row.unit, "origin": f"{row.origin_kind}#{row.origin_id}", "bytes": int(row.size_bytes)})
        frame = pd.DataFrame(index, columns=["no", "category", "path", "title", "unit", "origin", "bytes"])
        package.writestr(f"{year}_index.xlsx", table_export.shown(frame.rename(columns=headers or {}), index_sheet))
    audit.record(session, action="archive_packaged", actor_id=current.id, actor_name=current.username,
                 entity="archive_year", entity_id=year, detail=f"{year}: {len(found)}")
    return buffer.getvalue()


def years(session: Session, current: CurrentUser | None) -> list[int]:
    if current is None:
        raise PermissionDenied("auth.login_required")
    first = session.exec(select(Attachment.created_at).order_by(Attachment.id)).first()
    start = first.astimezone(CHINA_TZ).year if first else china_today().year
    filed = session.exec(select(ArchiveDocument.year)).all()
    return sorted({*range(start, china_today().year + 1), *filed}, reverse=True)


def _may_attach(session: Session, user: CurrentUser, doc_id: int) -> bool:
    return user.role in STAFF_ROLES and session.get(ArchiveDocument, doc_id) is not None


def _may_read(session: Session, user: CurrentUser, doc_id: int) -> bool:
    doc = session.get(ArchiveDocument, doc_id)
    return doc is not None and may_open(user, doc.access)


attachments.register_owner(OWNER_KIND, may_attach=_may_attach, may_read=_may_read)
