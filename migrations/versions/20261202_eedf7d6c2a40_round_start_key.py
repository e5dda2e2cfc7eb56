"""A 360° round keeps the key made when its start was confirmed, so that a second tap on "Start"
finds the round instead of starting another and mailing everyone twice.

Revision ID: eedf7d6c2a40
Revises: 185d8931fcba
Create Date: 2026-12-02 08:11:21.933025
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "eedf7d6c2a40"
down_revision = "185d8931fcba"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_key", sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_feedback_round_start_key"), ["start_key"])


def downgrade() -> None:
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_feedback_round_start_key"), type_="unique")
        batch_op.drop_column("start_key")
