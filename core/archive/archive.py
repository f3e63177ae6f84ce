"""The archive (档案管理): every document the platform holds — notices' attachments, minutes,
briefings, submitted platform workbooks, briefing photos, plan and ledger evidence, meeting
files, report profiles, award evidence, shared resources' files — and the documents the
secretariat files here (charter, rules, contracts, meeting photos, with a retention period),
findable by year, category, unit and text, each with its origin.

The kinds of document are sources (core/archive/sources.py): stored files here, the generated
ones in core/archive/generated.py. Who may open a document is decided by the module owning it
(core.attachments' owner registry, the meetings' and reports' rules), so the archive never
shows or hands out a document its owner would refuse; a filed document's access level (public,
members, council, secretariat) is enforced the same way, on every download.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date

import pandas as pd
from sqlmodel import Session, select

from core import attachments, audit
from core.archive import sources
from core.archive.models import Access, ArchiveDocument, DocCategory
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.i18n import translate
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

# Where a document's origin is seen (nav page keys), by the kind of its origin.
ORIGIN_PAGES = {"message": "inbox", "milestone": "plan", "ledger_entry": "ledgers", "meeting": "meetings",
                "briefing": "briefings", "post": "boards", "shared_resource": "resources",
                "group_profile": "report_profile", "award_nomination": "awards", "fee_payment": "funds",
                "fund_expense": "funds", "fund_income": "funds", "report_submission": "report_platform",
                "annual_report": "report_annual", OWNER_KIND: "archive"}
# The owners of stored files offered as categories (a filed document is found by its own category).
FILE_OWNERS = tuple(k for k in ORIGIN_PAGES if k not in (OWNER_KIND, "report_submission", "annual_report"))
READERS = {Access.PUBLIC: (Role.COUNCIL, Role.MEMBER, *STAFF_ROLES), Access.MEMBERS: (Role.COUNCIL, Role.MEMBER, *STAFF_ROLES),
           Access.COUNCIL: (Role.COUNCIL, *STAFF_ROLES), Access.SECRETARIAT: STAFF_ROLES}
COLUMNS = ["key", "filename", "category", "year", "member_id", "unit", "origin_kind", "origin_id", "title",
           "access", "size_bytes", "created_at", "retention_years", "review_due", "past_retention"]


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


def review_due(year: int, retention_years: int | None) -> date | None:
    """The day a filed document is due for review: the end of its year plus its retention
    period (None: kept permanently)."""
    return date(year + retention_years, 12, 31) if retention_years else None


def _readable(session: Session, current: CurrentUser):
    """A check of (owner kind, owner id) by the owner's own rule, remembered per owner."""
    seen: dict[tuple[str, int], bool] = {}

    def check(kind: str, owner_id: int) -> bool:
        if (kind, owner_id) not in seen:
            rules = attachments.OWNERS.get(kind)
            seen[(kind, owner_id)] = rules is not None and bool(rules.may_read(session, current, owner_id))
        return seen[(kind, owner_id)]
    return check


def _file_rows(session: Session, current: CurrentUser):
    """Every stored file (attachments of every owner, the documents filed here) the caller may open."""
    rows = session.exec(select(Attachment.id, Attachment.filename, Attachment.owner_kind, Attachment.owner_id,
                               Attachment.size_bytes, Attachment.created_at, User.member_id)
                        .outerjoin(User, User.id == Attachment.uploaded_by)).all()
    docs = {d.id: d for d in session.exec(select(ArchiveDocument)).all()}
    readable = _readable(session, current)
    for file_id, filename, kind, owner_id, size, created, uploader_unit in rows:
        if not readable(kind, owner_id):
            continue
        doc = docs.get(owner_id) if kind == OWNER_KIND else None
        if doc:
            filed = {"category": doc.category, "year": doc.year, "member_id": doc.member_id, "title": doc.title,
                     "access": doc.access, "retention_years": doc.retention_years}
        else:  # the owner says what its file concerns; else the upload's year and uploader's unit
            filed = {"category": kind, "year": created.astimezone(CHINA_TZ).year, "member_id": uploader_unit,
                     **_described(session, kind, owner_id)}
        yield sources.full_row("file", file_id, filename=filename, origin_kind=kind, origin_id=owner_id,
                               size_bytes=size, created_at=created, **filed)


def _described(session: Session, kind: str, owner_id: int) -> dict:
    describe = attachments.OWNERS[kind].describe
    info = dict(describe(session, owner_id) or {}) if describe else {}
    if info.pop("voided", False):
        info["title"] = f"{info.get('title', '')}{translate('archive.voided_mark')}"
    return {k: v for k, v in info.items() if k in ("title", "year", "member_id")}


def _file(session: Session, current: CurrentUser, attachment_id: int) -> tuple[str, str, bytes]:
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound("attachment.not_found")
    if not _readable(session, current)(row.owner_kind, row.owner_id):
        raise PermissionDenied("archive.no_access")
    return row.filename, row.mime_type, row.content


sources.register_source("file", rows=_file_rows, render=_file, categories=(*map(str, DocCategory), *FILE_OWNERS))


def categories() -> list[str]:
    """Every category a document can be found under, for the filter: filed documents' categories,
    the owners of stored files, then the generated kinds."""
    return list(dict.fromkeys(c for source in sources.SOURCES.values() for c in source.categories))


def _all_rows(session: Session, current: CurrentUser | None) -> list[dict]:
    if current is None:
        raise PermissionDenied("auth.login_required")
    return [row for source in sources.SOURCES.values() for row in source.rows(session, current)]


def search(session: Session, current: CurrentUser | None, *, year: int | None = None, category: str | None = None,
           member_id: int | None = None, text: str = "", past_retention: bool = False,
           today: date | None = None) -> pd.DataFrame:
    """The documents the caller may open, newest year first, from every source (stored files, minutes,
    briefings, submitted workbooks), each under its owner's rule. `category` is a filed document's
    category, the kind of owner of a file (message, ledger_entry, ...) or a generated kind
    (minutes, briefing_issue, submission); `text` matches file names, titles and the text of
    minutes and briefings; `past_retention` keeps filed documents whose review day has passed on
    `today` (China's today by default). A liaison filters by its own unit only (the files other
    units may show it are found unfiltered)."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    if member_id is not None and current.role == Role.MEMBER and member_id != current.member_id:
        raise PermissionDenied("auth.not_your_unit")
    today = today or china_today()
    names = dict(session.exec(select(MemberUnit.id, MemberUnit.name)).all())
    words = [w.lower() for w in (text or "").split()]
    out = []
    for row in _all_rows(session, current):
        due = review_due(row["year"], row["retention_years"])
        row.update(review_due=due, past_retention=due is not None and today > due)
        if (year is not None and row["year"] != year) or (category and row["category"] != category) \
                or (member_id is not None and row["member_id"] != member_id) \
                or (past_retention and not row["past_retention"]):
            continue
        if words and not all(w in f"{row['filename']} {row['title']} {row['text']}".lower() for w in words):
            continue
        out.append({**row, "unit": names.get(row["member_id"], "")})
    out.sort(key=lambda r: (r["year"], r["created_at"], r["key"]), reverse=True)
    return pd.DataFrame(out, columns=COLUMNS)


def retention_list(session: Session, current: CurrentUser | None, *, today: date | None = None,
                   past_only: bool = False) -> pd.DataFrame:
    """The filed documents with their retention (0: permanent), the day each is due for review
    and whether that day has passed on `today` — for the secretariat's yearly weeding."""
    require_role(current, *STAFF_ROLES)
    today = today or china_today()
    out = []
    for doc in session.exec(select(ArchiveDocument).order_by(ArchiveDocument.year, ArchiveDocument.id)).all():
        due = review_due(doc.year, doc.retention_years)
        row = {"id": doc.id, "title": doc.title, "category": doc.category, "year": doc.year, "access": doc.access,
               "retention_years": doc.retention_years, "review_due": due, "past_retention": due is not None and today > due}
        if row["past_retention"] or not past_only:
            out.append(row)
    return pd.DataFrame(out, columns=["id", "title", "category", "year", "access", "retention_years", "review_due",
                                      "past_retention"])


def download(session: Session, current: CurrentUser | None, key: str) -> tuple[str, str, bytes]:
    """A document from the archive by its key ("file:12", "minutes:3", ...), if its owner's rule
    (a filed document's access level) lets the caller open it."""
    if current is None:
        raise PermissionDenied("auth.login_required")
    source, ident = sources.parse(key)
    return source.render(session, current, ident)


# Origins with a label of their own; any other reads as its category (e.g. 通知公告附件).
OWN_ORIGIN_LABELS = ("message", "meeting", "briefing", "report_submission", "annual_report")
INDEX_COLUMNS = ("no", "category", "path", "title", "unit", "origin", "bytes")


def origin_label_key(kind: str) -> str:
    return f"archive_origin.{kind}" if kind in OWN_ORIGIN_LABELS else f"archive_category.{kind}"


def _folder(label: str) -> str:
    return "".join("_" if ch in '/\\:*?"<>|' else ch for ch in label).strip() or "_"


def year_package(session: Session, current: CurrentUser | None, *, year: int, lang: str = "zh") -> bytes:
    """One zip of the year's documents for the paper archive, in folders by category, with an
    index workbook (number, category, file, title, unit, origin, size) in the reader's language —
    the secretariat only."""
    require_role(current, *STAFF_ROLES)
    from core.excel import table_export

    def label(key: str, **params) -> str:
        return translate(key, lang, **params)

    found = search(session, current, year=year).iloc[::-1]  # oldest first
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        index = []
        for number, row in enumerate(found.itertuples(), start=1):
            name, _mime, content = download(session, current, row.key)
            category = label(f"archive_category.{row.category}")
            path = f"{_folder(category)}/{number:04d}_{name}"
            package.writestr(path, content)
            index.append({"no": number, "category": category, "path": path, "title": row.title or None,
                          "unit": row.unit or None, "origin": f"{label(origin_label_key(row.origin_kind))} #{row.origin_id}",
                          "bytes": len(content)})
        frame = pd.DataFrame(index, columns=list(INDEX_COLUMNS))
        headers = {c: label(f"archive.index_{c}") for c in INDEX_COLUMNS}
        package.writestr(f"{year}_index.xlsx", table_export.shown(frame.rename(columns=headers), label("archive.index")))
    audit.record(session, action="archive_packaged", actor_id=current.id, actor_name=current.username,
                 entity="archive_year", entity_id=year, detail=f"{year}: {len(found)}")
    return buffer.getvalue()


def years(session: Session, current: CurrentUser | None) -> list[int]:
    """The years the caller's documents belong to, and this year (to file in), newest first."""
    return sorted({china_today().year, *(row["year"] for row in _all_rows(session, current))}, reverse=True)


def _may_attach(session: Session, user: CurrentUser, doc_id: int) -> bool:
    return user.role in STAFF_ROLES and session.get(ArchiveDocument, doc_id) is not None


def _may_read(session: Session, user: CurrentUser, doc_id: int) -> bool:
    doc = session.get(ArchiveDocument, doc_id)
    return doc is not None and may_open(user, doc.access)


attachments.register_owner(OWNER_KIND, may_attach=_may_attach, may_read=_may_read)

# The generated sources register after the stored files (the filter lists filed categories first).
from core.archive import generated as _generated  # noqa: E402,F401
