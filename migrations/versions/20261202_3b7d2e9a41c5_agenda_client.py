"""The reminder rows are the agenda every page reads: each row names the client whose file it
belongs to, so the home screen and the caseload's "needs attention" join on it (indexed).

Revision ID: 3b7d2e9a41c5
Revises: ff73b09146bf
Create Date: 2026-12-02 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3b7d2e9a41c5"
down_revision = "ff73b09146bf"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_reminder_client_id_client"),
            "client",
            ["client_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_index("ix_reminder_client_moment", ["client_id", "moment"], unique=False)
    reminder = sa.table("reminder", sa.column("scope", sa.String), sa.column("client_id"))
    rows = op.get_bind().execute(
        sa.select(reminder.c.scope).where(reminder.c.scope.like("client:%")).distinct()
    )
    for (scope,) in rows.all():
        op.execute(
            reminder.update()
            .where(reminder.c.scope == scope)
            .values(client_id=int(scope.partition(":")[2]))
        )


def downgrade() -> None:
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_client_moment")
        batch_op.drop_constraint(batch_op.f("fk_reminder_client_id_client"), type_="foreignkey")
        batch_op.drop_column("client_id")
