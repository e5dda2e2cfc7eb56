"""A trajectory's development plan (goals: what, who acts, by when, status, source) and the
aftercare records (where a client is months after the end) that the yearly report counts.

Revision ID: 5849319f0026
Revises: c0a7c7e5b1d2
Create Date: 2026-12-03 07:39:55.151038
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5849319f0026"
down_revision = "c0a7c7e5b1d2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aftercare_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("situation", sa.String(length=20), nullable=False),
        sa.Column("sector", sa.String(length=20), nullable=True),
        sa.Column("contract", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_aftercare_record_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_aftercare_record_created_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_aftercare_record_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_aftercare_record_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aftercare_record")),
    )
    with op.batch_alter_table("aftercare_record", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aftercare_record_client_id"), ["client_id"], unique=False
        )
        batch_op.create_index(
            "ix_aftercare_record_org_on", ["organisation_id", "recorded_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_aftercare_record_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_aftercare_record_trajectory_id"), ["trajectory_id"], unique=False
        )

    op.create_table(
        "goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("competence_key", sa.String(length=40), nullable=True),
        sa.Column("actor", sa.String(length=20), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_goal_client_id_client"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_goal_created_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_goal_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_goal_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_goal_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_goal_trajectory_status", ["trajectory_id", "status"], unique=False
        )
        batch_op.create_index(
            "uq_goal_blind_spot",
            ["source_id", "competence_key"],
            unique=True,
            sqlite_where=sa.text("source = 'blind_spot'"),
            postgresql_where=sa.text("source = 'blind_spot'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_goal_blind_spot",
            sqlite_where=sa.text("source = 'blind_spot'"),
            postgresql_where=sa.text("source = 'blind_spot'"),
        )
        batch_op.drop_index("ix_goal_trajectory_status")
        batch_op.drop_index(batch_op.f("ix_goal_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_goal_client_id"))

    op.drop_table("goal")
    with op.batch_alter_table("aftercare_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aftercare_record_trajectory_id"))
        batch_op.drop_index(batch_op.f("ix_aftercare_record_organisation_id"))
        batch_op.drop_index("ix_aftercare_record_org_on")
        batch_op.drop_index(batch_op.f("ix_aftercare_record_client_id"))

    op.drop_table("aftercare_record")
