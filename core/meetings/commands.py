"""`python -m core report briefing FILE.pptx|FILE.pdf --year Y`: the briefing pack (the meeting
mode's slides as PowerPoint, or the one-page PDF summary) from the command line, acting as an
administrator like the other CLI exports."""
from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from core import db
from core.auth import acting_as
from core.errors import UserFacingError
from core.meetings import deck, pack
from core.models import User


def add_parser(report_commands) -> None:
    """Adds `briefing` to the `report` subcommands (core/reports/commands.py's subparsers)."""
    briefing = report_commands.add_parser("briefing", help="the meeting mode's slides as .pptx, or a one-page .pdf")
    briefing.add_argument("file")
    briefing.add_argument("--year", type=int, help="default: the reporting year")
    briefing.add_argument("--meeting", type=int, help="a meeting's chosen slides and order")


def write_pack(engine, *, file: str, year: int | None = None, meeting: int | None = None, lang: str = "zh") -> dict:
    path = Path(file)
    suffix = path.suffix.lower()
    if suffix not in (".pptx", ".pdf"):
        raise UserFacingError("meetings.pack_suffix")
    with db.session_scope(engine, write=False) as session:
        admin = session.exec(select(User).where(User.role == "admin", User.active)).first()
        if admin is None:
            raise UserFacingError("user.not_found", username="admin")
        built = deck.build(session, acting_as(admin), meeting_id=meeting, year=year)
    content = pack.to_pptx(built, lang) if suffix == ".pptx" else pack.summary_pdf(built, lang)
    try:
        path.write_bytes(content)
    except OSError:
        raise UserFacingError("report_cli.cannot_write", file=str(path)) from None
    return {"file": str(path), "year": built.year, "slides": len(built.slides)}
