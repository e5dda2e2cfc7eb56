"""An organisation's framework stamp, renewed by every change of its competence frameworks.

Revision ID: 5e2b9c41d7a0
Revises: ccfb059be90a
Create Date: 2026-12-06 03:30:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5e2b9c41d7a0"
down_revision = "ccfb059be90a"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("framework_stamp", sa.String(length=16), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("framework_stamp")
