"""A sign-in records whether the person asked to be kept signed in (user_session.remembered).

Without it, a sign-in ends on the server after the session cookie's lifetime without use, and its
notifications with it. The sign-ins open at the upgrade are taken as kept: nothing says which were,
and a person who ticked "keep me signed in" is not signed out for it. They keep the rule they were
made under, ending within FIELDAPP_REMEMBER_DAYS at the latest; new sign-ins follow the new one.

Revision ID: 7c4d2e8f1a63
Revises: 9a3e61c0f2b8
Create Date: 2026-12-06 16:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7c4d2e8f1a63"
down_revision = "9a3e61c0f2b8"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("remembered", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    # The default was for the rows already there: each new sign-in says which it is.
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.alter_column("remembered", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_column("remembered")
