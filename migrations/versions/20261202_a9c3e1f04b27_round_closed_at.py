"""A 360° round can be closed by the counsellor before its deadline: from then on it takes no
answers, and the report shows the anonymous groups (never while answers can still change them).

Revision ID: a9c3e1f04b27
Revises: 5b1e2c7a9d40
Create Date: 2026-12-02 10:55:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9c3e1f04b27"
down_revision = "5b1e2c7a9d40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.drop_column("closed_at")
