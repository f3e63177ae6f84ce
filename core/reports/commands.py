"""`python -m core report …`: the platform workbooks and the annual report from the command line,
through the same core as the pages (acting as an administrator, like the other CLI exports).

    python -m core report platform PROFILE FILE.xlsx --year Y   (national, provincial or a stored code)
    python -m core report annual FILE.docx|FILE.pdf --year Y
    python -m core report briefing FILE.pptx|FILE.pdf --year Y   (core/meetings/commands.py)
"""
from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from core import db
from core.auth import acting_as
from core.errors import UserFacingError
from core.meetings import commands as meeting_commands
from core.models import User
from core.reports import annual, documents, platform
from core.reports.summary import default_year


def add_parser(commands) -> None:
    report = commands.add_parser("report", help="platform workbooks and the annual report").add_subparsers(
        dest="action", required=True)
    workbook = report.add_parser("platform", help="the workbook an export profile makes for a year")
    workbook.add_argument("profile", help="national, provincial, or a stored profile's code")
    workbook.add_argument("file")
    workbook.add_argument("--year", type=int, help="default: the last complete year")
    document = report.add_parser("annual", help="the annual report as .docx or .pdf (by the file's suffix)")
    document.add_argument("file")
    document.add_argument("--year", type=int, help="default: the last complete year")
    meeting_commands.add_parser(report)  # `report briefing`: the meetings wing's pack


def _admin(session):
    admin = session.exec(select(User).where(User.role == "admin", User.active)).first()
    if admin is None:
        raise UserFacingError("user.not_found", username="admin")
    return acting_as(admin)


def run(args, engine) -> dict:
    if args.action == "briefing":
        return meeting_commands.write_pack(engine, file=args.file, year=args.year, meeting=args.meeting,
                                           lang=args.lang)
    path = Path(args.file)
    if args.action == "annual" and path.suffix.lower() not in (".docx", ".pdf"):
        raise UserFacingError("report_cli.bad_suffix")
    with db.session_scope(engine, write=False) as session:
        caller = _admin(session)
        year = args.year or default_year(session, caller)
        if args.action == "platform":
            found = platform.profile_def(session, caller, code=args.profile)
            cells = platform.cells(session, caller, year=year, code=found.code)
            content = platform.workbook(cells, title=f"{found.name} · {year}")
            summary = {"cells": len(cells)}
        else:
            report = annual.build(session, caller, year=year)
            content = documents.to_pdf(report) if path.suffix.lower() == ".pdf" else documents.to_docx(report)
            summary = {"chapters": len(report.chapters)}
    try:
        path.write_bytes(content)
    except OSError:
        raise UserFacingError("report_cli.cannot_write", file=str(path)) from None
    return {"file": str(path), "year": year, **summary}
