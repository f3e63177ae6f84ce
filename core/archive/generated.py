"""The archive's generated and kept documents, each under its own module's rule:

- notices, documents and bulletins (通知公告): an issued notice's text as Word, for whoever the
  inbox lets read it (core.messages.inbox.may_read);
- minutes (会议纪要): a meeting's minutes notice as Word, for whoever may see the meeting
  (core.meetings' rule — the minutes go to the invited units, the council and the office);
- briefings (简报): a published issue as Word (core.meetings.briefing_files), under the briefing
  module's rule for its files;
- submitted platform workbooks (上报数据表): the bytes exactly as frozen at submission, under
  core.reports' rule for taking them;
- annual reports (年度报告): a year's report as Word, drafted from the figures with the chapters the
  secretariat wrote, for each year it has written any, under the annual report's readers.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, select

from core import attachments
from core.archive import render
from core.archive.sources import full_row, register_source
from core.auth import STAFF_ROLES, CurrentUser
from core.errors import NotFound, PermissionDenied
from core.i18n import translate
from core.meetings import briefing_files, briefings
from core.meetings.meetings import may_see
from core.meetings.models import Briefing, Meeting
from core.messages.inbox import may_read
from core.models import Message, MessageCategory
from core.reports import annual, documents, platform, submissions
from core.reports.models import ReportSubmission, ReportText
from core.reports.summary import READERS as REPORT_READERS
from core.settings import get_setting
from core.timeutil import CHINA_TZ, as_utc, to_china, utcnow

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Notices as documents: minutes have their own source (under the meeting's rule); system messages
# are one person's notifications, not the group's records.
NOTICE_CATEGORIES = (MessageCategory.NOTICE, MessageCategory.DOCUMENT, MessageCategory.BULLETIN)


# ---------------------------------------------------------------- minutes
def _minutes_readable(session: Session, current: CurrentUser, meeting_id: int, message: Message) -> bool:
    # Withdrawn minutes (an unpublished notice) stay with the office until published again.
    return may_see(session, current, meeting_id) and (message.published or current.role in STAFF_ROLES)


def _minutes_rows(session: Session, current: CurrentUser):
    found = session.exec(select(Meeting.id, Meeting.starts_at, Message)
                         .join(Message, Message.id == Meeting.minutes_message_id)).all()
    for meeting_id, starts_at, message in found:
        if _minutes_readable(session, current, meeting_id, message):
            yield full_row("minutes", meeting_id, filename=f"{render.file_stem(message.title)}.docx",
                           category="minutes", year=starts_at.astimezone(CHINA_TZ).year, title=message.title,
                           origin_kind="meeting", text=message.body, created_at=message.updated_at)


def _minutes_file(session: Session, current: CurrentUser, meeting_id: int) -> tuple[str, str, bytes]:
    meeting = session.get(Meeting, meeting_id)
    message = session.get(Message, meeting.minutes_message_id) if meeting and meeting.minutes_message_id else None
    if message is None:
        raise NotFound("archive.not_found")
    if not _minutes_readable(session, current, meeting_id, message):
        raise PermissionDenied("archive.no_access")
    return _notice_docx(session, message, "archive.minutes_version")


def _notice_docx(session: Session, message: Message, footer_key: str) -> tuple[str, str, bytes]:
    when = to_china(message.updated_at).strftime("%Y-%m-%d %H:%M")
    content = render.markdown_docx(title=message.title, body=message.body,
                                   header=str(get_setting(session, "group_name_zh") or ""),
                                   footer=translate(footer_key, version=message.version, when=when))
    return f"{render.file_stem(message.title)}.docx", render.DOCX_MIME, content


# ---------------------------------------------------------------- notices and documents
def _notice_readable(session: Session, current: CurrentUser, message: Message) -> bool:
    # Issued notices only (a draft or a scheduled one is not a document yet), then the inbox's rule.
    return message.published and as_utc(message.publish_at) <= utcnow() and may_read(session, current, message)


def _notice_rows(session: Session, current: CurrentUser):
    found = session.exec(select(Message).where(Message.category.in_(NOTICE_CATEGORIES))).all()
    for message in found:
        if _notice_readable(session, current, message):
            yield full_row("notice", message.id, filename=f"{render.file_stem(message.title)}.docx",
                           category="notice", year=to_china(message.publish_at).year, title=message.title,
                           origin_kind="message", text=message.body, created_at=message.publish_at)


def _notice_file(session: Session, current: CurrentUser, message_id: int) -> tuple[str, str, bytes]:
    message = session.get(Message, message_id)
    if message is None or message.category not in NOTICE_CATEGORIES:
        raise NotFound("archive.not_found")
    if not _notice_readable(session, current, message):
        raise PermissionDenied("archive.no_access")
    return _notice_docx(session, message, "archive.notice_version")


# ---------------------------------------------------------------- briefings
def _briefing_readable(session: Session, current: CurrentUser, briefing_id: int) -> bool:
    return bool(attachments.OWNERS["briefing"].may_read(session, current, briefing_id))


def _briefing_rows(session: Session, current: CurrentUser):
    for row in session.exec(select(Briefing).where(Briefing.message_id.is_not(None))).all():
        if _briefing_readable(session, current, row.id):
            yield full_row("briefing", row.id, filename=f"{render.file_stem(row.title)}.docx",
                           category="briefing_issue", year=row.period_end.year, title=row.title,
                           origin_kind="briefing", text=briefings.markdown(row), created_at=row.updated_at)


def _briefing_file(session: Session, current: CurrentUser, briefing_id: int) -> tuple[str, str, bytes]:
    row = session.get(Briefing, briefing_id)
    if row is None or row.message_id is None:
        raise NotFound("archive.not_found")  # a draft issue is not a document yet
    if not _briefing_readable(session, current, briefing_id):
        raise PermissionDenied("archive.no_access")
    content = briefing_files.to_docx(session, current, briefing_id)
    return f"{render.file_stem(row.title)}.docx", render.DOCX_MIME, content


# ---------------------------------------------------------------- submitted platform workbooks
def _submission_rows(session: Session, current: CurrentUser):
    if current.role not in submissions.DOWNLOADERS:
        return
    names = {p.code: p.name for p in platform.profiles(session, current)}
    found = session.exec(select(ReportSubmission.id, ReportSubmission.year, ReportSubmission.profile_code,
                                ReportSubmission.filename, ReportSubmission.note, ReportSubmission.submitted_at,
                                ReportSubmission.sha256, sa.func.length(ReportSubmission.content))).all()
    for ident, year, code, filename, note, at, sha, size in found:
        name = names.get(code, code)
        yield full_row("submission", ident, filename=filename, category="submission", year=year,
                       title=f"{name} · {year}", origin_kind="report_submission", text=f"{code} {note} {sha}",
                       size_bytes=size, created_at=at)


def _submission_file(session: Session, current: CurrentUser, submission_id: int) -> tuple[str, str, bytes]:
    try:
        filename, content = submissions.content(session, current, submission_id=submission_id)
    except NotFound as error:
        raise NotFound("archive.not_found") from error
    return filename, XLSX_MIME, content


# ---------------------------------------------------------------- annual reports
def _annual_rows(session: Session, current: CurrentUser):
    if current.role not in REPORT_READERS:
        return
    written = session.exec(select(ReportText.year, sa.func.max(ReportText.updated_at))
                           .group_by(ReportText.year)).all()
    for year, updated in written:
        title = translate("archive.annual_title", year=year)
        yield full_row("annual", year, filename=f"{render.file_stem(title)}.docx", category="annual_report",
                       year=year, title=title, origin_kind="annual_report", created_at=updated)


def _annual_file(session: Session, current: CurrentUser, year: int) -> tuple[str, str, bytes]:
    if session.exec(select(ReportText.id).where(ReportText.year == year)).first() is None:
        raise NotFound("archive.not_found")  # a year nobody has written a report for
    if current.role not in REPORT_READERS:
        raise PermissionDenied("archive.no_access")
    title = translate("archive.annual_title", year=year)
    return f"{render.file_stem(title)}.docx", render.DOCX_MIME, documents.to_docx(annual.build(session, current,
                                                                                               year=year))


register_source("notice", rows=_notice_rows, render=_notice_file, categories=("notice",))
register_source("minutes", rows=_minutes_rows, render=_minutes_file, categories=("minutes",))
register_source("briefing", rows=_briefing_rows, render=_briefing_file, categories=("briefing_issue",))
register_source("submission", rows=_submission_rows, render=_submission_file, categories=("submission",))
register_source("annual", rows=_annual_rows, render=_annual_file, categories=("annual_report",))
