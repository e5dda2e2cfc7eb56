"""Competence frameworks of organisations (the shipped one is not stored).

Revision ID: 5f4815be558b
Revises: 18c2bcc73456
Create Date: 2026-11-23 15:55:12.622732
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5f4815be558b"
down_revision = "18c2bcc73456"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "framework",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("in_use", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_framework_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_framework")),
    )
    with op.batch_alter_table("framework", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_framework_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "uq_framework_in_use",
            ["organisation_id"],
            unique=True,
            sqlite_where=sa.text("in_use"),
            postgresql_where=sa.text("in_use"),
        )

    op.create_table(
        "competence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("framework_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["framework_id"],
            ["framework.id"],
            name=op.f("fk_competence_framework_id_framework"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_competence_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_competence")),
        sa.UniqueConstraint("framework_id", "key", name=op.f("uq_competence_framework_id_key")),
    )
    with op.batch_alter_table("competence", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_competence_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("competence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_competence_organisation_id"))

    op.drop_table("competence")
    with op.batch_alter_table("framework", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_framework_in_use",
            sqlite_where=sa.text("in_use"),
            postgresql_where=sa.text("in_use"),
        )
        batch_op.drop_index(batch_op.f("ix_framework_organisation_id"))

    op.drop_table("framework")
