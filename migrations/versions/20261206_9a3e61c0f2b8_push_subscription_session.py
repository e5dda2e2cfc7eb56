"""A push subscription belongs to the sign-in (user_session) it was made in, and ends with it.

The subscriptions kept before are dropped: nothing tells which sign-in made each, so any of them
may be a phone whose session was ended from elsewhere (the hole this closes). Keeping them
unbound would leave that hole open for as long as they live; each person allows notifications
again on their devices with one tap on the notifications page.

Revision ID: 9a3e61c0f2b8
Revises: 5e2b9c41d7a0
Create Date: 2026-12-06 13:40:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "9a3e61c0f2b8"
down_revision = "5e2b9c41d7a0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(sa.text("DELETE FROM push_subscription"))
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_id", sa.Integer(), nullable=False))
        batch_op.create_index(
            batch_op.f("ix_push_subscription_session_id"), ["session_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_push_subscription_session_id_user_session"),
            "user_session",
            ["session_id"],
            ["id"],
            ondelete="CASCADE",
        )


def downgrade() -> None:
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_push_subscription_session_id_user_session"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_push_subscription_session_id"))
        batch_op.drop_column("session_id")
