"""Isolation between organisations: another organisation's records do not exist for a user."""

from __future__ import annotations

import pytest
from flask import url_for
from sqlalchemy import (
    and_,
    bindparam,
    column,
    exists,
    func,
    literal_column,
    not_,
    or_,
    select,
    table,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import aliased

from fieldapp.audit import services as audit
from fieldapp.audit.models import AuditEvent
from fieldapp.auth.models import User, UserSession
from fieldapp.auth.roles import Role
from fieldapp.common.tenancy import (
    CrossTenantRead,
    CrossTenantWrite,
    TenantCriteriaMissing,
    activate_tenant,
    get_or_404,
    tenant_rows,
)
from fieldapp.extensions import db
from tests.factories import CaseloadFactories


def signed_in_device(user: User) -> UserSession:
    """An open session of ``user``'s, as signing in leaves one."""
    record = UserSession(
        organisation_id=user.organisation_id, user_id=user.id, key_hash=f"{user.id:064d}", device=""
    )
    db.session.add(record)
    db.session.commit()
    return record


# Every URL argument that names a record, and how to find one of the *other* organisation's.
RECORD_ARGUMENTS = {
    "user_id": lambda world: world.counsellor.id,
    "client_id": lambda world: world.client.id,
    "trajectory_id": lambda world: world.trajectory.id,
    "evaluation_id": lambda world: world.evaluation.id,
    "record_id": lambda world: CaseloadFactories(db).evaluation_record(world).id,
    "referral_id": lambda world: world.referral.id,
    "worksite_id": lambda world: world.worksite.id,
    "contact_id": lambda world: world.contact.id,
    "share_id": lambda world: world.share.id,
    "check_in_id": lambda world: world.check_in.id,
    "phase": lambda world: 1,
    "visit_id": lambda world: world.visit.id,
    "follow_up_id": lambda world: world.follow_up.id,
    "framework_id": lambda world: world.framework.id,
    "competence_id": lambda world: world.competence.id,
    "round_id": lambda world: world.feedback_round.id,
    "invitation_id": lambda world: world.invitation.id,
    "device_id": lambda world: world.device.id,
    "reminder_id": lambda world: world.reminder.id,
    "session_id": lambda world: signed_in_device(world.counsellor).id,
    "mail_id": lambda world: world.mail.id,
    "goal_id": lambda world: world.goal.id,
    "status": lambda world: "done",
    "counsellor_id": lambda world: world.counsellor.id,
    "figure": lambda world: "rhythm",
}


def urls_with_record_arguments(app):
    for rule in app.url_map.iter_rules():
        if rule.arguments and rule.endpoint != "static":
            yield rule


def test_every_record_url_is_covered_by_this_test(app):
    """A new URL with a record argument must be added to RECORD_ARGUMENTS (and so be tested)."""
    unknown = {
        argument
        for rule in urls_with_record_arguments(app)
        for argument in rule.arguments
        if argument not in RECORD_ARGUMENTS and argument != "token"
    }
    assert unknown == set()


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.TEAM_LEAD, Role.ADMIN])
def test_another_organisations_records_answer_404(app, client, auth, make, role):
    mine = make.user(role=role, email="me@example.org")
    make.world(mine.organisation)  # something of one's own, so that empty pages prove nothing
    other = make.world()
    assert other.organisation.id != mine.organisation_id
    auth.login("me@example.org")

    checked = 0
    for rule in urls_with_record_arguments(app):
        if "token" in rule.arguments:
            continue
        values = {argument: RECORD_ARGUMENTS[argument](other) for argument in rule.arguments}
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code in {403, 404}, (method, url, response.status_code)
            checked += 1
    assert checked >= 30


def test_queries_see_only_the_active_organisation(app, make, db):
    first = make.user(name="First")
    second = make.user(name="Second")
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        names = db.session.scalars(select(User.name)).all()
        assert names == ["First"]
        with pytest.raises(Exception, match="404"):
            get_or_404(User, second.id)
        assert get_or_404(User, first.id).id == first.id
        # Relationship and bulk reads go through the same filter.
        assert db.session.scalars(select(AuditEvent)).all() == list(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.organisation_id == first.organisation_id)
            )
        )


def test_a_statement_built_once_sees_the_organisation_of_each_request(app, make, db):
    """A statement kept and run for one organisation after another (as the home screen's lists
    are) gets each one's filter, never the one it was first run for."""
    first = make.user(name="First")
    second = make.user(name="Second")
    kept = select(User.name).where(User.active.is_(True))
    for user in (first, second, first, second):
        with app.test_request_context():
            activate_tenant(user.organisation_id)
            assert db.session.scalars(kept).all() == [user.name]


def test_a_statement_with_its_own_criteria_reads_only_the_organisation_it_names(app, make, db):
    """tenant_rows runs a statement that carries its tenant's criteria itself, for the active
    organisation only, and refuses one that reads a tenant table without them."""
    first = make.user(name="First")
    second = make.user(name="Second")
    organisation_id = bindparam("organisation_id")
    names = select(User.name).where(User.organisation_id == organisation_id, User.active)
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        assert [row.name for row in tenant_rows(names, first.organisation_id, {})] == ["First"]
        with pytest.raises(CrossTenantRead):
            tenant_rows(names, second.organisation_id, {})
        unfiltered = select(User.name).where(User.active)
        with pytest.raises(TenantCriteriaMissing):
            tenant_rows(unfiltered, first.organisation_id, {})
        joined_unfiltered = (
            select(User.name, AuditEvent.action)
            .outerjoin(AuditEvent, AuditEvent.actor_id == User.id)
            .where(User.organisation_id == organisation_id)
        )
        with pytest.raises(TenantCriteriaMissing, match="audit_event"):
            tenant_rows(joined_unfiltered, first.organisation_id, {})
        joined = (
            select(User.name, AuditEvent.action)
            .outerjoin(
                AuditEvent,
                and_(AuditEvent.actor_id == User.id, AuditEvent.organisation_id == organisation_id),
            )
            .where(User.organisation_id == organisation_id)
        )
        assert [row.name for row in tenant_rows(joined, first.organisation_id, {})] == ["First"]
    # Outside a request (commands, the scheduler) the organisation named is read.
    with app.app_context():
        assert [row.name for row in tenant_rows(names, second.organisation_id, {})] == ["Second"]


ORGANISATION = bindparam("organisation_id")
OTHER_USER = aliased(User, name="other_app_user")  # its name ends as the table's


def _statements_that_leak() -> dict[str, object]:
    """Statements that would read the users of every organisation, each with the text
    ``app_user.organisation_id = :organisation_id`` somewhere in it."""
    own = User.organisation_id == ORGANISATION
    return {
        "ored": select(User.name).where(or_(own, User.active)),
        "literal organisation": select(User.name).where(User.organisation_id == 1),
        "another parameter": select(User.name).where(
            User.organisation_id == bindparam("organisation_id_any")
        ),
        "alias without it": select(User.name, OTHER_USER.name)
        .join(OTHER_USER, OTHER_USER.email != User.email)
        .where(own),
        "condition on the alias only": select(User.name)
        .join(OTHER_USER, OTHER_USER.email != User.email)
        .where(OTHER_USER.organisation_id == ORGANISATION),
        "uncorrelated exists": select(User.name).where(
            exists(select(User.id).where(own)).correlate(None)
        ),
        "condition as a column": select(User.name, own.label("own")),
        "outer join ON for its left side": select(User.name, AuditEvent.action).outerjoin(
            AuditEvent,
            and_(
                AuditEvent.actor_id == User.id,
                AuditEvent.organisation_id == ORGANISATION,
                own,
            ),
        ),
        "one arm of a union": union_all(
            select(User.name).where(own), select(OTHER_USER.name).where(true())
        ),
        "negated": select(User.name).where(not_(or_(own, User.active))),
        "subquery joined": select(User.name)
        .join(select(OTHER_USER.id).subquery("everyone"), literal_column("1") == 1)
        .where(own),
        "scalar subquery": select(
            User.name, select(OTHER_USER.name).limit(1).scalar_subquery()
        ).where(own),
        "lightweight table": select(literal_column("name"))
        .select_from(table("app_user", column("organisation_id")))
        .where(exists(select(User.id).where(own))),
        "alias of an alias": select(aliased(OTHER_USER, name="again").name).where(own),
        "text": select(literal_column("name")).select_from(text("app_user")),
        "textual subquery": select(literal_column("name")).select_from(
            text("SELECT name FROM app_user").columns(column("name")).subquery("everyone")
        ),
        "a text": text(
            "SELECT name FROM app_user WHERE app_user.organisation_id = :organisation_id OR 1 = 1"
        ),
        "update": update(User).where(or_(own, User.active)).values(name="Changed"),
        "update in a CTE": select(literal_column("id")).select_from(
            update(User)
            .where(or_(own, User.active))
            .values(name="Changed")
            .returning(User.id)
            .cte("changed")
        ),
        "CTE": select(literal_column("name"))
        .select_from(select(OTHER_USER.name).cte("everyone"))
        .where(exists(select(User.id).where(own))),
    }


@pytest.mark.parametrize("kind", list(_statements_that_leak()))
def test_a_statement_without_its_criteria_is_refused_however_its_text_reads(app, make, db, kind):
    """tenant_rows checks the statement's structure, not whether its text mentions the
    criterion: each of these would read (or change) the users of another organisation."""
    first = make.user(name="First")
    make.user(name="Second")
    statement = _statements_that_leak()[kind]
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        with pytest.raises(TenantCriteriaMissing):
            tenant_rows(statement, first.organisation_id, {"organisation_id_any": 0})
    db.session.rollback()
    assert "Changed" not in db.session.scalars(select(User.name)).all()


def test_statements_with_their_criteria_everywhere_are_run(app, make, db):
    first = make.user(name="First", email="first@example.org")
    make.user(name="Second")
    own = User.organisation_id == ORGANISATION
    statements = [
        select(User.name).where(ORGANISATION == User.organisation_id, User.active),  # noqa: SIM300
        select(User.name)
        .join(
            OTHER_USER,
            and_(OTHER_USER.id == User.id, OTHER_USER.organisation_id == ORGANISATION),
        )
        .where(own),
        select(User.name).where(
            exists(select(OTHER_USER.id).where(OTHER_USER.organisation_id == ORGANISATION)),
            own,
        ),
        union_all(
            select(User.name).where(own),
            select(OTHER_USER.name).where(OTHER_USER.organisation_id == ORGANISATION),
        ),
        # A correlated subquery repeats the criterion of the table it correlates with.
        select(
            User.name,
            select(func.count(AuditEvent.id))
            .where(AuditEvent.actor_id == User.id, AuditEvent.organisation_id == ORGANISATION, own)
            .scalar_subquery(),
        ).where(own),
    ]
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        for statement in statements:
            assert {row[0] for row in tenant_rows(statement, first.organisation_id, {})} == {
                "First"
            }


def test_a_checked_statement_reads_the_organisation_of_each_request(app, make, db):
    """The check is made once per statement, the organisation given on every run."""
    first = make.user(name="First")
    second = make.user(name="Second")
    names = select(User.name).where(User.organisation_id == ORGANISATION)
    for user in (first, second, first):
        with app.test_request_context():
            activate_tenant(user.organisation_id)
            assert [row.name for row in tenant_rows(names, user.organisation_id, {})] == [user.name]


def test_every_statement_run_through_tenant_rows_carries_its_criteria(app, db):
    """Every statement run through tenant_rows passes the structural check."""
    from fieldapp.clients import timeline
    from fieldapp.common.tenancy import _check_criteria
    from fieldapp.competence_trend import sources
    from fieldapp.development_plan import services as development_plan
    from fieldapp.evaluations import services as evaluations
    from fieldapp.feedback import report
    from fieldapp.home import services as home
    from fieldapp.mentorships import services as mentorships
    from fieldapp.referrals import services as referrals
    from fieldapp.reminders import centre
    from fieldapp.trajectories import services as trajectories
    from fieldapp.visits import follow_ups
    from fieldapp.visits import services as visits

    for built in (
        timeline._events,
        centre._due_count,
        sources._answers,
        development_plan._blind_spot_keys,
        report._responses_statement,
        report._rounds_before,
        evaluations._judgements_of,
        mentorships._on_file,
        referrals._on_file,
        trajectories._shown_answers_of,
        visits._planned_on_file,
        visits._of_day,
        follow_ups._open_until,
    ):
        _check_criteria(built())
    for from_start in (False, True):
        for until_end in (False, True):
            _check_criteria(sources._revisions(from_start, until_end))
    lists = home._lists()
    for listed in (
        lists.evaluations,
        lists.check_ins,
        lists.referrals,
        lists.no_contact,
        lists.goals,
        lists.contracts_ending,
    ):
        _check_criteria(listed)


def test_writing_into_another_organisation_is_refused(app, make, db):
    first = make.user()
    second = make.user()
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        db.session.add(
            AuditEvent(organisation_id=second.organisation_id, action="user.created", detail={})
        )
        with pytest.raises(CrossTenantWrite):
            db.session.flush()
        db.session.rollback()


def test_an_audit_event_written_at_once_into_another_organisation_is_refused(app, make, db):
    """``audit.record_now`` writes past the unit of work, so it checks what a flush checks."""
    first = make.user()
    second = make.user()
    events = (
        select(AuditEvent.organisation_id)
        .where(AuditEvent.action == "user.invited")
        .execution_options(all_tenants=True)
    )
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        with pytest.raises(CrossTenantWrite):
            audit.record_now("user.invited", organisation_id=second.organisation_id)
        audit.record_now("user.invited", organisation_id=first.organisation_id)
        assert db.session.scalars(events).all() == [first.organisation_id]
        db.session.rollback()


def test_new_records_are_stamped_with_the_active_organisation(app, make, db):
    first = make.user()
    with app.test_request_context():
        activate_tenant(first.organisation_id)
        event = AuditEvent(action="user.created", detail={})
        db.session.add(event)
        db.session.flush()
        assert event.organisation_id == first.organisation_id
        db.session.rollback()


def test_malformed_record_ids_are_404(client, auth, make):
    admin = make.user(role=Role.ADMIN, email="admin@example.org")
    auth.login("admin@example.org")
    assert client.get(f"/admin/users/{admin.id}").status_code == 200
    assert client.get("/admin/users/abc").status_code == 404
    assert client.get("/admin/users/99999999999999999999").status_code == 404
    assert client.get(f"/admin/users/0{admin.id}").status_code == 404  # one address per record
    assert client.get("/admin/users/0").status_code == 404
