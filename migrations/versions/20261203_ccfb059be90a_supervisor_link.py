"""The floor supervisor's link to a placement, its monthly pulses and reports; urgent reminders
(notices that pass quiet hours).

Revision ID: ccfb059be90a
Revises: a3f1d8c26e57
Create Date: 2026-12-03 13:33:07
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ccfb059be90a"
down_revision = "a3f1d8c26e57"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervisor_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("replaced_hash", sa.String(length=64), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=True),
        sa.Column("reminded_month", sa.String(length=7), server_default="", nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_supervisor_link_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contact.id"],
            name=op.f("fk_supervisor_link_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_supervisor_link_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_supervisor_link_token_hash")),
        sa.UniqueConstraint("trajectory_id", name=op.f("uq_supervisor_link_trajectory_id")),
    )
    with op.batch_alter_table("supervisor_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervisor_link_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervisor_link_replaced_hash"), ["replaced_hash"], unique=False
        )

    op.create_table(
        "supervisor_pulse",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("going", sa.Integer(), nullable=False),
        sa.Column("attendance", sa.Integer(), nullable=False),
        sa.Column("attitude", sa.Integer(), nullable=False),
        sa.Column("line", sa.String(length=200), nullable=False),
        sa.Column("given_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_supervisor_pulse_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_supervisor_pulse_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_supervisor_pulse_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_pulse")),
        sa.UniqueConstraint(
            "trajectory_id", "month", name=op.f("uq_supervisor_pulse_trajectory_id_month")
        ),
    )
    with op.batch_alter_table("supervisor_pulse", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supervisor_pulse_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervisor_pulse_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "supervisor_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("on_day", sa.Date(), nullable=True),
        sa.Column("proposed_at", sa.DateTime(), nullable=True),
        sa.Column("visit_id", sa.Integer(), nullable=True),
        sa.Column("once", sa.String(length=32), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_supervisor_report_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_supervisor_report_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_supervisor_report_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
            name=op.f("fk_supervisor_report_visit_id_visit"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervisor_report")),
        sa.UniqueConstraint(
            "trajectory_id", "once", name=op.f("uq_supervisor_report_trajectory_id_once")
        ),
    )
    with op.batch_alter_table("supervisor_report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_supervisor_report_client_made", ["client_id", "made_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_supervisor_report_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("urgent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_column("urgent")

    with op.batch_alter_table("supervisor_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_report_organisation_id"))
        batch_op.drop_index("ix_supervisor_report_client_made")

    op.drop_table("supervisor_report")
    with op.batch_alter_table("supervisor_pulse", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_pulse_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_supervisor_pulse_client_id"))

    op.drop_table("supervisor_pulse")
    with op.batch_alter_table("supervisor_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_supervisor_link_replaced_hash"))
        batch_op.drop_index(batch_op.f("ix_supervisor_link_organisation_id"))

    op.drop_table("supervisor_link")
