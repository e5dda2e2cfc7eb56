"""Password resets are requested through a row that the scheduler handles, so that a request
takes the same time for any address; accounts are no longer locked (failed sign-ins are counted
per address typed and network address in the rate limiter's storage instead).

Revision ID: 5b1e2c7a9d40
Revises: eedf7d6c2a40
Create Date: 2026-12-02 11:20:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5b1e2c7a9d40"
down_revision = "eedf7d6c2a40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "password_reset_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_reset_request")),
    )
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", sa.DateTime(), nullable=True))
    op.drop_table("password_reset_request")
