"""The reports' tables on both databases the platform runs on (migrated schema, not create_all):
a profile per year with its stale-edit rule, a frozen submission's bytes and figures, a text."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core import db
from core.auth import acting_as
from core.models import User
from core.reports import annual, profile, submissions
from core.reports.models import ReportSubmission
from tests.conftest import make_user


def test_profiles_submissions_and_texts_round_trip(any_db_url):
    engine = db.make_engine(any_db_url)
    db.upgrade(engine)
    with db.session_scope(engine) as session:
        staff = acting_as(make_user(session, role="secretariat"))
    with db.session_scope(engine) as session:
        profile.save_profile(session, staff, year=2025, values={"name": "集团", "founded_on": "2013-10-18"},
                             expected_version=0)
        annual.save_text(session, staff, year=2025, chapter="cases", text="案例", expected_version=0)
        sent = submissions.submit(session, staff, year=2025, code="national")
        sent_id, digest = sent.id, sent.sha256
    with db.session_scope(engine) as session, pytest.raises(db.StaleEditError):
        profile.save_profile(session, staff, year=2025, values={"name": "集团乙"}, expected_version=0)
    with db.session_scope(engine, write=False) as session:
        assert profile.profile_for(session, staff, year=2026).values["founded_on"] == "2013-10-18"
        row = session.get(ReportSubmission, sent_id)
        assert submissions.content(session, staff, submission_id=sent_id)[1][:2] == b"PK"
        assert row.figures["集团基本信息!1!jtmc"] == "集团" and len(digest) == 64
        assert annual.texts(session, staff, year=2025)["cases"].text == "案例"
        assert session.exec(select(User)).first() is not None
    engine.dispose()
