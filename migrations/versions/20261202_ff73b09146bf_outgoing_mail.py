"""Outgoing e-mail is a row written with what caused it, and the scheduler sends it with retries,
instead of being sent inside the request after the commit (and lost when the server failed).

Revision ID: ff73b09146bf
Revises: 5c4e43610143
Create Date: 2026-12-02 10:44:14.045085
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "ff73b09146bf"
down_revision = "5c4e43610143"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outgoing_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=32), nullable=False),
        sa.Column("last_error", sa.String(length=120), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("about_kind", sa.String(length=20), nullable=False),
        sa.Column("about_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_outgoing_mail_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_mail")),
    )
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.create_index("ix_outgoing_mail_about", ["about_kind", "about_id"], unique=False)
        batch_op.create_index("ix_outgoing_mail_due", ["status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outgoing_mail_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outgoing_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outgoing_mail_organisation_id"))
        batch_op.drop_index("ix_outgoing_mail_due")
        batch_op.drop_index("ix_outgoing_mail_about")

    op.drop_table("outgoing_mail")
