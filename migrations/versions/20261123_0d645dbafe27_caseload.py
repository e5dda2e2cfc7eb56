"""Caseload: teams, worksites and contacts, clients, trajectories, referrals, mentorships.

Revision ID: 0d645dbafe27
Revises: cfba50b6ef1c
Create Date: 2026-11-23 13:48:11.206072
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0d645dbafe27"
down_revision = "cfba50b6ef1c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_team_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_team_organisation_id_name")),
    )
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_team_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "worksite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_worksite_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worksite")),
        sa.UniqueConstraint(
            "organisation_id", "name", name=op.f("uq_worksite_organisation_id_name")
        ),
    )
    with op.batch_alter_table("worksite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_worksite_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_worksite_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("worksite_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_contact_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worksite_id"],
            ["worksite.id"],
            name=op.f("fk_contact_worksite_id_worksite"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contact_worksite_id"), ["worksite_id"], unique=False)

    op.create_table(
        "client",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=False),
        sa.Column("last_name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=170), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=80), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=True),
        sa.Column("consent_note", sa.String(length=200), nullable=False),
        sa.Column("anonymised_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["app_user.id"], name=op.f("fk_client_counsellor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_client_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client")),
    )
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.create_index(
            "ix_client_org_counsellor", ["organisation_id", "counsellor_id"], unique=False
        )
        batch_op.create_index(
            "ix_client_org_name_key", ["organisation_id", "name_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_client_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "client_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("include_sensitive", sa.Boolean(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_share_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["app_user.id"],
            name=op.f("fk_client_share_granted_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_client_share_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_client_share_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_share")),
        sa.UniqueConstraint("client_id", "user_id", name=op.f("uq_client_share_client_id_user_id")),
    )
    with op.batch_alter_table("client_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_share_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_client_share_user_id"), ["user_id"], unique=False)

    op.create_table(
        "handover",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_handover_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["app_user.id"], name=op.f("fk_handover_from_user_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_handover_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"], ["app_user.id"], name=op.f("fk_handover_to_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover")),
    )
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handover_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handover_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "mentorship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentor_contact_id", sa.Integer(), nullable=True),
        sa.Column("mentor_user_id", sa.Integer(), nullable=True),
        sa.Column("mentee_client_id", sa.Integer(), nullable=True),
        sa.Column("mentee_user_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(mentee_client_id IS NULL) <> (mentee_user_id IS NULL)",
            name=op.f("ck_mentorship_one_mentee"),
        ),
        sa.CheckConstraint(
            "(mentor_contact_id IS NULL) <> (mentor_user_id IS NULL)",
            name=op.f("ck_mentorship_one_mentor"),
        ),
        sa.ForeignKeyConstraint(
            ["mentee_client_id"],
            ["client.id"],
            name=op.f("fk_mentorship_mentee_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_user_id"],
            ["app_user.id"],
            name=op.f("fk_mentorship_mentee_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_contact_id"],
            ["contact.id"],
            name=op.f("fk_mentorship_mentor_contact_id_contact"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["mentor_user_id"],
            ["app_user.id"],
            name=op.f("fk_mentorship_mentor_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_mentorship_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mentorship")),
    )
    with op.batch_alter_table("mentorship", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_mentorship_mentee_client_id"), ["mentee_client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentorship_mentee_user_id"), ["mentee_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentorship_mentor_contact_id"), ["mentor_contact_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentorship_mentor_user_id"), ["mentor_user_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_mentorship_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("partner", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("follow_up_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_referral_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_referral_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_referral_org_status_follow_up",
            ["organisation_id", "status", "follow_up_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_referral_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "timeline_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["app_user.id"],
            name=op.f("fk_timeline_event_actor_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_timeline_event_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_timeline_event_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timeline_event")),
    )
    with op.batch_alter_table("timeline_event", schema=None) as batch_op:
        batch_op.create_index("ix_timeline_event_client_at", ["client_id", "at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_timeline_event_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "trajectory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=10), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("worksite_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_trajectory_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_trajectory_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_id"],
            ["contact.id"],
            name=op.f("fk_trajectory_supervisor_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["worksite_id"],
            ["worksite.id"],
            name=op.f("fk_trajectory_worksite_id_worksite"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trajectory")),
    )
    with op.batch_alter_table("trajectory", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trajectory_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_trajectory_org_ended", ["organisation_id", "ended_on"], unique=False
        )
        batch_op.create_index(
            "ix_trajectory_org_planned_end", ["organisation_id", "planned_end_on"], unique=False
        )
        batch_op.create_index(
            "ix_trajectory_org_scheme_phase", ["organisation_id", "scheme", "phase"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trajectory_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trajectory_worksite_id"), ["worksite_id"], unique=False
        )
        batch_op.create_index(
            "uq_trajectory_one_open_per_client",
            ["client_id"],
            unique=True,
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )

    op.create_table(
        "check_in",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mentorship_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mentorship_id"],
            ["mentorship.id"],
            name=op.f("fk_check_in_mentorship_id_mentorship"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_check_in_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_check_in")),
    )
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_check_in_mentorship_id"), ["mentorship_id"], unique=False
        )
        batch_op.create_index(
            "ix_check_in_org_due", ["organisation_id", "done_on", "due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_check_in_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "checklist_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_checklist_answer_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_checklist_answer_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["app_user.id"],
            name=op.f("fk_checklist_answer_updated_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_answer")),
        sa.UniqueConstraint(
            "trajectory_id", "item", name=op.f("uq_checklist_answer_trajectory_id_item")
        ),
    )
    with op.batch_alter_table("checklist_answer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_checklist_answer_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_evaluation_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_evaluation_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation")),
    )
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evaluation_org_due", ["organisation_id", "done_on", "due_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_trajectory_id"), ["trajectory_id"], unique=False
        )

    op.create_table(
        "regime_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("hours_per_week", sa.Numeric(precision=4, scale=1), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_regime_period_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_regime_period_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regime_period")),
    )
    with op.batch_alter_table("regime_period", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_regime_period_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_regime_period_trajectory_id"), ["trajectory_id"], unique=False
        )

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("team_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_app_user_team_id"), ["team_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_app_user_team_id_team"), "team", ["team_id"], ["id"], ondelete="SET NULL"
        )

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("retention_months", sa.Integer(), server_default="60", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("retention_months")

    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_app_user_team_id_team"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_app_user_team_id"))
        batch_op.drop_column("team_id")

    with op.batch_alter_table("regime_period", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_regime_period_trajectory_id"))
        batch_op.drop_index(batch_op.f("ix_regime_period_organisation_id"))

    op.drop_table("regime_period")
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_trajectory_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_organisation_id"))
        batch_op.drop_index("ix_evaluation_org_due")

    op.drop_table("evaluation")
    with op.batch_alter_table("checklist_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_answer_organisation_id"))

    op.drop_table("checklist_answer")
    with op.batch_alter_table("check_in", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_check_in_organisation_id"))
        batch_op.drop_index("ix_check_in_org_due")
        batch_op.drop_index(batch_op.f("ix_check_in_mentorship_id"))

    op.drop_table("check_in")
    with op.batch_alter_table("trajectory", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_trajectory_one_open_per_client",
            sqlite_where=sa.text("ended_on IS NULL"),
            postgresql_where=sa.text("ended_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_trajectory_worksite_id"))
        batch_op.drop_index(batch_op.f("ix_trajectory_organisation_id"))
        batch_op.drop_index("ix_trajectory_org_scheme_phase")
        batch_op.drop_index("ix_trajectory_org_planned_end")
        batch_op.drop_index("ix_trajectory_org_ended")
        batch_op.drop_index(batch_op.f("ix_trajectory_client_id"))

    op.drop_table("trajectory")
    with op.batch_alter_table("timeline_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timeline_event_organisation_id"))
        batch_op.drop_index("ix_timeline_event_client_at")

    op.drop_table("timeline_event")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_organisation_id"))
        batch_op.drop_index("ix_referral_org_status_follow_up")
        batch_op.drop_index(batch_op.f("ix_referral_client_id"))

    op.drop_table("referral")
    with op.batch_alter_table("mentorship", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mentorship_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_mentorship_mentor_user_id"))
        batch_op.drop_index(batch_op.f("ix_mentorship_mentor_contact_id"))
        batch_op.drop_index(batch_op.f("ix_mentorship_mentee_user_id"))
        batch_op.drop_index(batch_op.f("ix_mentorship_mentee_client_id"))

    op.drop_table("mentorship")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handover_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_handover_client_id"))

    op.drop_table("handover")
    with op.batch_alter_table("client_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_share_user_id"))
        batch_op.drop_index(batch_op.f("ix_client_share_organisation_id"))

    op.drop_table("client_share")
    with op.batch_alter_table("client", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_organisation_id"))
        batch_op.drop_index("ix_client_org_name_key")
        batch_op.drop_index("ix_client_org_counsellor")

    op.drop_table("client")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_worksite_id"))
        batch_op.drop_index(batch_op.f("ix_contact_organisation_id"))

    op.drop_table("contact")
    with op.batch_alter_table("worksite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worksite_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_worksite_kind"))

    op.drop_table("worksite")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_organisation_id"))

    op.drop_table("team")
