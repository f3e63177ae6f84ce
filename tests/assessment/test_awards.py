"""Awards core: nominations (a liaison only for its own unit), review, the council's vote under the
category's rule, publication as a notice within the quota, and certificates read back from the PDF."""
from __future__ import annotations

import io
import subprocess
import zipfile
from datetime import date

import pytest

from core import auth
from core.assessment import awards, certificates
from core.assessment.models import AwardNomination, PassRule
from core.errors import PermissionDenied, ValidationFailed
from core.models import Message
from tests.conftest import make_member, make_user


@pytest.fixture
def people(session):
    a = make_member(session, name="山东测试职业学院", unit_type="school", joined_on=date(2019, 1, 1))
    b = make_member(session, name="济南测试机床有限公司", unit_type="enterprise", joined_on=date(2019, 1, 1))
    return {"a": a, "b": b, "staff": auth.acting_as(make_user(session, role="secretariat")),
            "council": [auth.acting_as(make_user(session, role="council")) for _ in range(3)],
            "liaison": auth.acting_as(make_user(session, role="member", member_id=a.id))}


def _in_vote(session, p, rule=PassRule.MAJORITY, quota=1):
    category = awards.create_category(session, p["staff"], year=2025, name="优秀成员单位", quota=quota, pass_rule=rule)
    row = awards.nominate(session, p["liaison"], category_id=category.id, member_id=p["a"].id, statement="成绩突出")
    awards.review(session, p["staff"], row.id, accept=True)
    return category, row


def test_the_pass_rules():
    assert awards.passes(PassRule.MAJORITY, 2, 1) and not awards.passes(PassRule.MAJORITY, 1, 1)
    assert awards.passes(PassRule.TWO_THIRDS, 2, 1) and not awards.passes(PassRule.TWO_THIRDS, 1, 1)
    assert not awards.passes(PassRule.UNANIMOUS, 3, 1) and awards.passes(PassRule.UNANIMOUS, 1, 0)


def test_a_liaison_nominates_only_its_own_unit(session, people):
    category = awards.create_category(session, people["staff"], year=2025, name="先进单位")
    with pytest.raises(PermissionDenied):
        awards.nominate(session, people["liaison"], category_id=category.id, member_id=people["b"].id, statement="x")
    row = awards.nominate(session, people["liaison"], category_id=category.id, member_id=people["a"].id,
                          statement="校企合作成果显著")
    assert (row.source, row.status) == ("unit", "nominated")
    with pytest.raises(ValidationFailed):
        awards.nominate(session, people["liaison"], category_id=category.id, member_id=people["a"].id, statement="y")


def test_an_objection_needs_a_comment_and_the_rule_decides(session, people):
    category, row = _in_vote(session, people, rule=PassRule.UNANIMOUS)
    with pytest.raises(ValidationFailed):
        awards.vote(session, people["council"][0], row.id, approve=False, comment="")
    awards.vote(session, people["council"][0], row.id, approve=True)
    awards.vote(session, people["council"][1], row.id, approve=False, comment="材料不足")
    with pytest.raises(PermissionDenied):
        awards.vote(session, people["staff"], row.id, approve=True)
    assert awards.close_vote(session, people["staff"], row.id) == "rejected"
    with pytest.raises(ValidationFailed):
        awards.publish(session, people["staff"], category.id)  # nobody approved


def test_published_awards_make_a_notice_and_certificates_with_the_chinese_names(session, people, tmp_path):
    category, row = _in_vote(session, people)
    awards.vote(session, people["council"][0], row.id, approve=True)
    awards.close_vote(session, people["staff"], row.id)
    assert awards.publish(session, people["staff"], category.id) == 1
    awarded = session.get(AwardNomination, row.id)
    assert awarded.status == "awarded" and awarded.certificate_no == f"2025-{category.id:02d}-001"
    assert "山东测试职业学院" in session.get(Message, category.message_id).body
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(certificates.certificate_pdf(session, people["liaison"], row.id))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "山东测试职业学院" in text and "优秀成员单位" in text and awarded.certificate_no in text
    bundle = zipfile.ZipFile(io.BytesIO(certificates.certificates_zip(session, people["staff"], category.id)))
    assert [n.endswith("山东测试职业学院.pdf") for n in bundle.namelist()] == [True]
    other = auth.acting_as(make_user(session, role="member", member_id=people["b"].id))
    with pytest.raises(PermissionDenied):
        certificates.certificate_pdf(session, other, row.id)


def test_more_approved_than_the_quota_is_refused(session, people):
    category, row = _in_vote(session, people)
    second = awards.nominate(session, people["staff"], category_id=category.id, member_id=people["b"].id,
                             statement="产教融合")
    awards.review(session, people["staff"], second.id, accept=True)
    for nomination in (row, second):
        awards.vote(session, people["council"][0], nomination.id, approve=True)
        awards.close_vote(session, people["staff"], nomination.id)
    with pytest.raises(ValidationFailed) as error:
        awards.publish(session, people["staff"], category.id)
    assert error.value.key == "awards.over_quota"


def test_evidence_files_go_with_the_nomination_and_only_its_unit_and_the_office_read_them(session, people):
    category = awards.create_category(session, people["staff"], year=2025, name="先进单位")
    row = awards.nominate_with_files(session, people["liaison"], category_id=category.id, member_id=people["a"].id,
                                     statement="成绩突出", files=[("证明.pdf", b"%PDF-1.4 test")])
    files = awards.evidence_files(session, people["council"][0], row.id)
    assert files["filename"].tolist() == ["证明.pdf"]
    assert awards.evidence_file(session, people["liaison"], int(files["id"][0]))[2] == b"%PDF-1.4 test"
    other = auth.acting_as(make_user(session, role="member", member_id=people["b"].id))
    with pytest.raises(PermissionDenied):
        awards.evidence_files(session, other, row.id)
    with pytest.raises(ValidationFailed):  # not a PDF whatever its name: refused (the page rolls the nomination back with it)
        awards.nominate_with_files(session, people["staff"], category_id=category.id, member_id=people["b"].id,
                                   statement="x", files=[("假.pdf", b"MZ not a pdf")])
