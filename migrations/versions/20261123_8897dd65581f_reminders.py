"""Reminders: the rows that are the schedule, organisations' rules, quiet hours and digest.

Revision ID: 8897dd65581f
Revises: 2c5f6f714154
Create Date: 2026-11-23 17:40:28.342355
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8897dd65581f"
down_revision = "2c5f6f714154"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminder_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scheme", sa.String(length=10), nullable=False),
        sa.Column("offsets", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_reminder_rule_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_rule")),
        sa.UniqueConstraint(
            "organisation_id",
            "kind",
            "scheme",
            name=op.f("uq_reminder_rule_organisation_id_kind_scheme"),
        ),
    )
    with op.batch_alter_table("reminder_rule", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reminder_rule_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiet_from", sa.Time(), nullable=False),
        sa.Column("quiet_until", sa.Time(), nullable=False),
        sa.Column("quiet_weekends", sa.Boolean(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("email_fallback", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_notification_settings_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_notification_settings_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )
    with op.batch_alter_table("notification_settings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_settings_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("moment", sa.Date(), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=32), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("snoozed_until", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_reminder_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_reminder_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
        sa.UniqueConstraint("key", name=op.f("uq_reminder_key")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reminder_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reminder_scope"), ["scope"], unique=False)
        batch_op.create_index("ix_reminder_user_moment", ["user_id", "moment"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_user_moment")
        batch_op.drop_index(batch_op.f("ix_reminder_scope"))
        batch_op.drop_index(batch_op.f("ix_reminder_organisation_id"))
        batch_op.drop_index("ix_reminder_due")

    op.drop_table("reminder")
    with op.batch_alter_table("notification_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_settings_organisation_id"))

    op.drop_table("notification_settings")
    with op.batch_alter_table("reminder_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_rule_organisation_id"))

    op.drop_table("reminder_rule")
