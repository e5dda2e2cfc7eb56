from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from fieldapp.audit.models import AuditEvent
from fieldapp.auth.roles import Role
from fieldapp.common.time import now_utc


def test_admin_reads_and_filters_the_audit_log(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org", name="Alice Admin")
    colleague = make.user(admin.organisation, email="bram@example.org", name="Bram")
    auth.login("bram@example.org", "wrong password here")
    auth.login("admin@example.org")

    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "<strong>Failed sign-in</strong>" in page
    assert "<strong>Signed in</strong>" in page

    only_failures = client.get("/admin/audit/?action=auth.login_failed").get_data(as_text=True)
    assert "<strong>Failed sign-in</strong>" in only_failures
    assert "<strong>Signed in</strong>" not in only_failures

    by_admin = client.get(f"/admin/audit/?actor={admin.id}").get_data(as_text=True)
    assert "<strong>Signed in</strong>" in by_admin
    assert "<strong>Failed sign-in</strong>" not in by_admin
    assert colleague.id


def test_date_filter(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    old = AuditEvent(
        organisation_id=admin.organisation_id,
        action="user.invited",
        at=now_utc() - timedelta(days=40),
        detail={},
    )
    db.session.add(old)
    db.session.commit()
    auth.login("admin@example.org")
    since = (now_utc() - timedelta(days=1)).date().isoformat()
    recent = client.get(f"/admin/audit/?since={since}").get_data(as_text=True)
    assert "<strong>User invited</strong>" not in recent
    until = (now_utc() - timedelta(days=30)).date().isoformat()
    page = client.get(f"/admin/audit/?until={until}").get_data(as_text=True)
    assert "<strong>User invited</strong>" in page
    assert "<strong>Signed in</strong>" not in page


def test_bad_filters_get_a_400_with_the_form(client, auth, make):
    make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    for query in ("since=yesterday", "action=drop-table", "actor=abc", "page=-1"):
        response = client.get(f"/admin/audit/?{query}")
        assert response.status_code == 400, query
        assert "Audit log" in response.get_data(as_text=True)


def test_audit_log_pages(client, auth, make, db):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    db.session.add_all(
        AuditEvent(organisation_id=admin.organisation_id, action="user.invited", detail={})
        for _ in range(60)
    )
    db.session.commit()
    auth.login("admin@example.org")
    first = client.get("/admin/audit/").get_data(as_text=True)
    assert "page=2" in first
    second = client.get("/admin/audit/?page=2").get_data(as_text=True)
    assert "page=1" in second
    assert "page=3" not in second


def test_no_one_sees_another_organisations_events(client, auth, make, db):
    make.user(role=Role.ADMIN, email="admin@example.org")
    other = make.user(role=Role.ADMIN, email="other@example.org", name="Other Org Admin")
    auth.login("other@example.org")
    auth.logout()
    auth.login("admin@example.org")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "Other Org Admin" not in page
    foreign = db.session.scalars(
        select(AuditEvent).where(AuditEvent.organisation_id == other.organisation_id)
    ).all()
    assert foreign  # they exist, they are just not shown
