"""The admin's certificate registry: a revoked certificate is not issued again by accident,
revoking and re-issuing go through a confirmation page, and the participants are filtered,
searched and paged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from leans.certificates.issuing import candidates, issue_all, issue_batch, waiting_for_issue
from leans.certificates.models import Certificate
from leans.core.audit import AuditEvent
from leans.core.extensions import db
from leans.core.models import Role
from tests.fixtures.certificates import LONG_NAME, MODULE
from tests.fixtures.constants import PASSWORD

REGISTRY = "/admin/certificates/k"


@pytest.fixture
def cohort(certificate_cohort):
    return certificate_cohort


def certificates() -> list[Certificate]:
    db.session.expire_all()
    return list(db.session.scalars(select(Certificate).order_by(Certificate.id)))


def shown(page: str) -> int:
    """How many participants the registry page lists."""
    return len(re.findall(r'id="enrolment-\d+"', page))


def test_a_revoked_certificate_is_not_issued_again_but_can_be_reissued_with_a_reason(
        cohort, post_form, logged_in):
    client = logged_in("admin")
    assert issue_all(cohort, None).issued == 3
    first = certificates()[0]
    enrolment = cohort.enrolments[0]
    post_form(client, f"/admin/certificates/item/{first.id}/revoke",
              {"reason": "Data kehadiran tidak sah", "password": PASSWORD},
              token_page=f"/admin/certificates/item/{first.id}/revoke")
    assert certificates()[0].status == "revoked"
    # Not offered again, not counted or issued by "issue to all".
    page = client.get(REGISTRY).get_data(as_text=True)
    assert f"/admin/certificates/k/issue/{enrolment.id}" not in page
    assert "Terbitkan untuk semua yang memenuhi syarat (0)" in page
    assert f"/admin/certificates/item/{first.id}/reissue" in page  # the deliberate way
    row = next(c for c in candidates(cohort) if c.enrolment.id == enrolment.id)
    assert row.status == "revoked" and row.revoked.id == first.id
    assert waiting_for_issue(candidates(cohort)) == []
    assert issue_all(cohort, None).issued == 0
    post_form(client, f"/admin/certificates/k/issue/{enrolment.id}", {}, token_page=REGISTRY)
    assert len(certificates()) == 3
    # Re-issuing a revoked certificate needs a reason.
    url = f"/admin/certificates/item/{first.id}/reissue"
    response = post_form(client, url, {"reason": "  "}, token_page=url)
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    assert len(certificates()) == 3
    post_form(client, url, {"reason": "Kehadiran terbukti sah setelah klarifikasi"},
              token_page=url)
    old, *_others, new = certificates()
    assert old.status == "revoked" and old.superseded_by_id == new.id
    assert new.status == "valid" and new.replaces_id == old.id
    assert new.enrolment_id == enrolment.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.reissued"))
    assert event.object_id == new.id and event.details["replaces"] == old.number
    assert event.details["reason"] == "Kehadiran terbukti sah setelah klarifikasi"
    row = next(c for c in candidates(cohort) if c.enrolment.id == enrolment.id)
    assert row.status == "issued" and row.revoked is None
    # The revoked one was re-issued once; it cannot be again.
    post_form(client, url, {"reason": "Sekali lagi"}, token_page=REGISTRY)
    assert len(certificates()) == 4


def test_revoke_and_reissue_go_through_a_confirmation_page(cohort, post_form, logged_in):
    client = logged_in("admin")
    certificate = issue_batch([candidates(cohort)[0]], None)[0]
    db.session.commit()
    page = client.get(REGISTRY).get_data(as_text=True)
    revoke_url = f"/admin/certificates/item/{certificate.id}/revoke"
    reissue_url = f"/admin/certificates/item/{certificate.id}/reissue"
    # The participants list links to the confirmation pages; no re-issue in one click.
    assert f'href="{revoke_url}"' in page and f'href="{reissue_url}"' in page
    assert f'action="{reissue_url}"' not in page
    page = client.get(revoke_url).get_data(as_text=True)
    assert certificate.number in page and LONG_NAME in page
    assert f'action="{revoke_url}"' in page
    assert 'name="reason"' in page and 'name="password"' in page
    page = client.get(reissue_url).get_data(as_text=True)
    assert certificate.number in page and LONG_NAME in page
    assert f'action="{reissue_url}"' in page
    assert 'name="reason"' in page and 'name="password"' not in page
    assert len(certificates()) == 1  # looking changes nothing
    # A wrong password sends the admin back to the confirmation page; nothing is revoked.
    response = post_form(client, revoke_url, {"reason": "Salah data", "password": "bukan-ini"},
                         token_page=revoke_url)
    assert response.headers["Location"].endswith(revoke_url)
    assert certificates()[0].status == "valid"
    # A re-issue after a correction needs no reason; the old one is superseded.
    response = post_form(client, reissue_url, {}, token_page=reissue_url)
    assert response.headers["Location"].endswith(REGISTRY)
    old, new = certificates()
    assert old.status == "superseded" and new.status == "valid"
    # A superseded certificate's pages offer nothing to do.
    for url in (revoke_url, reissue_url):
        response = client.get(url)
        assert response.status_code == 200 and f'action="{url}"' not in response.get_data(
            as_text=True)
    assert client.get("/admin/certificates/item/999999/revoke").status_code == 404
    assert client.get("/admin/certificates/item/999999/reissue").status_code == 404


@pytest.fixture
def many(make_user, make_cohort, make_eligible):
    """Cohort ``k`` with 30 participants: units alternate; p0 and p1 eligible, p0 has a
    certificate; p1's NIP is known."""
    people = [make_user(username=f"p{i}", full_name=f"Peserta {i:02d}",
                        unit="Dinas Sosial" if i % 2 else "Bappeda") for i in range(30)]
    people[1].nip = "198001012005011002"
    make_user({Role.ADMIN}, username="admin")
    cohort = make_cohort("k", modules=[MODULE], participants=people)
    for enrolment in cohort.enrolments[:2]:
        make_eligible(enrolment)
    issue_batch([c for c in candidates(cohort) if c.enrolment.user.username == "p0"], None)
    db.session.commit()
    return cohort


def test_filter_search_and_pages(many, logged_in):
    client = logged_in("admin")

    def page(**args) -> str:
        return client.get(REGISTRY, query_string=args).get_data(as_text=True)

    first, second = page(), page(page=2)
    assert shown(first) == 25 and shown(second) == 5
    assert "Peserta 00" in first and "Peserta 29" in second and "Peserta 29" not in first
    assert "1/2" in first and "page=2" in first
    assert shown(page(page=99)) == 5  # clamped to the last page
    assert shown(page(page="x")) == 25
    assert shown(page(q="peserta 1")) == 10  # 10..19
    assert shown(page(q="bappeda")) == 15 and shown(page(q="Dinas Sosial")) == 15
    found = page(q="19800101 200501 1 002")  # the NIP as printed, with spaces
    assert shown(found) == 1 and "Peserta 01" in found
    assert shown(page(q="198001012005011002")) == 1
    issued = page(status="issued")
    assert shown(issued) == 1 and "Peserta 00" in issued
    waiting = page(status="eligible")
    assert shown(waiting) == 1 and "Peserta 01" in waiting
    assert shown(page(status="not_eligible")) == 25  # page 1 of 28
    assert shown(page(status="not_eligible", page=2)) == 3
    assert shown(page(status="revoked")) == 0
    assert "Tidak ada peserta yang cocok dengan filter ini." in page(status="revoked")
    assert shown(page(status="bukan-status")) == 25  # an unknown status filters nothing
    assert shown(page(q="bappeda", status="eligible")) == 0
    assert "2/30" in first  # the counts stay those of the whole cohort
