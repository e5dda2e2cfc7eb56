"""Raters' links that ended, kept as their hash with why (replaced by a newer link, or stopped by
the counsellor), so that whoever opens one is told.

Revision ID: 185d8931fcba
Revises: 8897dd65581f
Create Date: 2026-12-02 07:55:13.262568
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "185d8931fcba"
down_revision = "8897dd65581f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ended_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitation_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=12), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["invitation_id"],
            ["invitation.id"],
            name=op.f("fk_ended_link_invitation_id_invitation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_ended_link_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ended_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ended_link_token_hash")),
    )
    with op.batch_alter_table("ended_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ended_link_invitation_id"), ["invitation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_ended_link_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ended_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ended_link_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_ended_link_invitation_id"))

    op.drop_table("ended_link")
