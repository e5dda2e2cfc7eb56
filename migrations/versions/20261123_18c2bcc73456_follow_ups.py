"""Follow-ups: actions agreed during visits, made from notes by the device's action UUID.

Revision ID: 18c2bcc73456
Revises: 0f85549ff04b
Create Date: 2026-11-23 15:26:40.416676
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "18c2bcc73456"
down_revision = "0f85549ff04b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_uuid", sa.String(length=36), nullable=False),
        sa.Column("note_uuid", sa.String(length=36), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_follow_up_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_follow_up_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["app_user.id"], name=op.f("fk_follow_up_owner_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visit.id"], name=op.f("fk_follow_up_visit_id_visit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up")),
        sa.UniqueConstraint("action_uuid", name=op.f("uq_follow_up_action_uuid")),
    )
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_follow_up_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_follow_up_owner_open", ["organisation_id", "owner_id", "done_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_follow_up_visit_id"), ["visit_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_visit_id"))
        batch_op.drop_index("ix_follow_up_owner_open")
        batch_op.drop_index(batch_op.f("ix_follow_up_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_follow_up_client_id"))

    op.drop_table("follow_up")
