"""360° feedback: the client's easy-read form, and self-assessments filled in together.

Revision ID: a3e91d5c7b20
Revises: b7d4e2a91c35
Create Date: 2026-12-03 14:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a3e91d5c7b20"
down_revision = "b7d4e2a91c35"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("easy_read", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("feedback_response", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assisted_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_feedback_response_assisted_by_id_app_user"),
            "app_user",
            ["assisted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("feedback_response", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_feedback_response_assisted_by_id_app_user"), type_="foreignkey"
        )
        batch_op.drop_column("assisted_by_id")
    with op.batch_alter_table("invitation", schema=None) as batch_op:
        batch_op.drop_column("easy_read")
