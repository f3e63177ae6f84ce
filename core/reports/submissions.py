"""Submissions of platform workbooks: the preview beside last year's submitted values, the frozen
record (bytes, hash, figures) with corrected resubmissions kept, and what changed since."""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from core import audit
from core.auth import STAFF_ROLES, CurrentUser, require_role
from core.errors import NotFound
from core.reports import platform
from core.reports.models import ReportSubmission
from core.reports.summary import READERS

DOWNLOADERS = STAFF_ROLES  # who may take a submitted workbook's bytes (the archive lists them by it too)


def _latest(session: Session, year: int, code: str) -> ReportSubmission | None:
    return session.exec(select(ReportSubmission).where(ReportSubmission.year == year,
                                                       ReportSubmission.profile_code == code)
                        .order_by(ReportSubmission.submitted_at.desc(), ReportSubmission.id.desc())).first()


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) < 1e-9
    except (TypeError, ValueError):
        return str(a) == str(b)


def preview(session: Session, current: CurrentUser | None, *, year: int, code: str) -> pd.DataFrame:
    """Every cell with its source, last year's submitted value beside it and whether it differs,
    and (once this year was submitted) the submitted value and whether it changed since."""
    require_role(current, *STAFF_ROLES)
    frame = platform.cells(session, current, year=year, code=code)
    before = _latest(session, year - 1, code)
    sent = _latest(session, year, code)
    keys = [f"{r.sheet}!{r.row}!{r.code}" for r in frame.itertuples()]
    last = before.figures if before else {}
    frame["last_year"] = [last.get(key) for key in keys]
    frame["differs"] = [before is not None and not _same(v, last.get(k)) for k, v in zip(keys, frame["value"])]
    frame["submitted"] = [sent.figures.get(key) if sent else None for key in keys]
    frame["changed"] = [sent is not None and not _same(v, sent.figures.get(k)) for k, v in zip(keys, frame["value"])]
    return frame


def submit(session: Session, current: CurrentUser | None, *, year: int, code: str, note: str = "") -> ReportSubmission:
    """Freeze the workbook as submitted: bytes, hash, figures; an earlier submission stays."""
    require_role(current, *STAFF_ROLES)
    found = platform.profile_def(session, current, code=code)
    frame = platform.cells(session, current, year=year, code=code)
    content = platform.workbook(frame, title=f"{found.name} · {year}")
    row = ReportSubmission(year=year, profile_code=code, filename=platform.file_name(code, year),
                           sha256=platform.sha256(content), figures=platform.figures_of(frame), content=content,
                           note=(note or "").strip()[:1000], submitted_by=current.id)
    session.add(row)
    session.flush()
    audit.record(session, action="report_submitted", actor_id=current.id, actor_name=current.username,
                 entity="report_submission", entity_id=row.id,
                 after={"year": year, "profile": code, "sha256": row.sha256, "cells": len(row.figures)})
    return row


def history(session: Session, current: CurrentUser | None, *, year: int) -> pd.DataFrame:
    """The year's submissions, newest first: id, profile, when, who, hash, note."""
    require_role(current, *READERS)
    from core.models import User

    rows = session.exec(select(ReportSubmission.id, ReportSubmission.profile_code, ReportSubmission.submitted_at,
                               User.display_name, ReportSubmission.sha256, ReportSubmission.note)
                        .join(User, User.id == ReportSubmission.submitted_by, isouter=True)
                        .where(ReportSubmission.year == year)
                        .order_by(ReportSubmission.submitted_at.desc(), ReportSubmission.id.desc())).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=["id", "profile", "submitted_at", "by", "sha256", "note"])


def content(session: Session, current: CurrentUser | None, *, submission_id: int) -> tuple[str, bytes]:
    require_role(current, *DOWNLOADERS)
    row = session.get(ReportSubmission, submission_id)
    if row is None:
        raise NotFound("report_platform.no_submission")
    return row.filename, row.content


def changed_since_submitted(session: Session, current: CurrentUser | None, *, year: int) -> pd.DataFrame:
    """For each profile submitted for the year, the cells whose figure differs now from the
    latest submission: profile, sheet, row, code, label, submitted, now."""
    require_role(current, *STAFF_ROLES)
    codes = sorted(set(session.exec(select(ReportSubmission.profile_code).where(ReportSubmission.year == year)).all()))
    out = []
    known = {p.code for p in platform.profiles(session, current)}
    for code in codes:
        if code not in known:
            continue
        frame = preview(session, current, year=year, code=code)
        sent = _latest(session, year, code).figures
        now_keys = set()
        for r in frame.itertuples():
            key = f"{r.sheet}!{r.row}!{r.code}"
            now_keys.add(key)
            if r.changed:
                out.append({"profile": code, "sheet": r.sheet, "row": r.row, "code": r.code, "label": r.label,
                            "submitted": sent.get(key), "now": r.value})
        for key in sorted(set(sent) - now_keys):  # a row that is gone (e.g. a partner no longer counted)
            sheet, row, cell = key.split("!", 2)
            out.append({"profile": code, "sheet": sheet, "row": row, "code": cell, "label": "",
                        "submitted": sent[key], "now": None})
    return pd.DataFrame(out, columns=["profile", "sheet", "row", "code", "label", "submitted", "now"])
