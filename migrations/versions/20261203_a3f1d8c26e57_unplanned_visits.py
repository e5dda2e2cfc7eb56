"""Unplanned visits recorded on a phone without signal: the visit's UUID made by the phone.

Revision ID: a3f1d8c26e57
Revises: a3e91d5c7b20
Create Date: 2026-12-03 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3f1d8c26e57"
down_revision = "a3e91d5c7b20"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("visit_uuid", sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_visit_visit_uuid"), ["visit_uuid"])


def downgrade() -> None:
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_visit_visit_uuid"), type_="unique")
        batch_op.drop_column("visit_uuid")
