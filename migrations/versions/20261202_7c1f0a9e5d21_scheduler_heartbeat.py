"""The scheduler's heartbeat: one row per frequent job, stamped after each pass, read by /healthz.

Revision ID: 7c1f0a9e5d21
Revises: 3b7d2e9a41c5
Create Date: 2026-12-02 15:20:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c1f0a9e5d21"
down_revision = "3b7d2e9a41c5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduler_heartbeat",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("passed_at", sa.DateTime(), nullable=False),
        sa.Column("every_seconds", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("job", name=op.f("pk_scheduler_heartbeat")),
    )


def downgrade() -> None:
    op.drop_table("scheduler_heartbeat")
