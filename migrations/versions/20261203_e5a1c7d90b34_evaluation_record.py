"""Evaluation records: what an evaluation moment recorded (participants, per competence the agreed
judgement, strengths, growth points, agreements, decision, next date), as closed versions that a
correction never overwrites.

Revision ID: e5a1c7d90b34
Revises: 5849319f0026
Create Date: 2026-12-03 08:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5a1c7d90b34"
down_revision = "5849319f0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A moment whose date was agreed at an evaluation meeting keeps it when the rules replan.
    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("agreed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "evaluation_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("trajectory_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("strengths", sa.Text(), nullable=False),
        sa.Column("growth_points", sa.JSON(), nullable=False),
        sa.Column("agreements", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=True),
        sa.Column("next_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_evaluation_record_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"],
            ["app_user.id"],
            name=op.f("fk_evaluation_record_closed_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["app_user.id"],
            name=op.f("fk_evaluation_record_created_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluation.id"],
            name=op.f("fk_evaluation_record_evaluation_id_evaluation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_evaluation_record_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["trajectory_id"],
            ["trajectory.id"],
            name=op.f("fk_evaluation_record_trajectory_id_trajectory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_record")),
        sa.UniqueConstraint(
            "evaluation_id", "version", name=op.f("uq_evaluation_record_evaluation_id_version")
        ),
    )
    with op.batch_alter_table("evaluation_record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evaluation_record_client_status", ["client_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_record_evaluation_id"), ["evaluation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_record_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_record_trajectory_id"), ["trajectory_id"], unique=False
        )
        batch_op.create_index(
            "uq_evaluation_record_one_draft",
            ["evaluation_id"],
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        )

    op.create_table(
        "evaluation_judgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("competence_key", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_evaluation_judgement_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["evaluation_record.id"],
            name=op.f("fk_evaluation_judgement_record_id_evaluation_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_judgement")),
        sa.UniqueConstraint(
            "record_id",
            "competence_key",
            name=op.f("uq_evaluation_judgement_record_id_competence_key"),
        ),
    )
    with op.batch_alter_table("evaluation_judgement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evaluation_judgement_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evaluation_judgement_record_id"), ["record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evaluation_judgement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evaluation_judgement_record_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_judgement_organisation_id"))
    op.drop_table("evaluation_judgement")

    with op.batch_alter_table("evaluation_record", schema=None) as batch_op:
        batch_op.drop_index("uq_evaluation_record_one_draft")
        batch_op.drop_index(batch_op.f("ix_evaluation_record_trajectory_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_record_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_evaluation_record_evaluation_id"))
        batch_op.drop_index("ix_evaluation_record_client_status")
    op.drop_table("evaluation_record")

    with op.batch_alter_table("evaluation", schema=None) as batch_op:
        batch_op.drop_column("agreed")
