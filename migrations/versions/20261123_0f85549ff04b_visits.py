"""Visits, their note revisions, and personal calendar feeds.

Revision ID: 0f85549ff04b
Revises: 0d645dbafe27
Create Date: 2026-11-23 14:59:17.100784
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0f85549ff04b"
down_revision = "0d645dbafe27"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_calendar_feed_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_calendar_feed_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
        sa.UniqueConstraint("user_id", name=op.f("uq_calendar_feed_user_id")),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_calendar_feed_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("counsellor_id", sa.Integer(), nullable=False),
        sa.Column("worksite_id", sa.Integer(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["client.id"], name=op.f("fk_visit_client_id_client"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["counsellor_id"], ["app_user.id"], name=op.f("fk_visit_counsellor_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_visit_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["worksite_id"],
            ["worksite.id"],
            name=op.f("fk_visit_worksite_id_worksite"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit")),
    )
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visit_client_id"), ["client_id"], unique=False)
        batch_op.create_index(
            "ix_visit_org_counsellor_starts",
            ["organisation_id", "counsellor_id", "starts_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_visit_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "note_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_uuid", sa.String(length=36), nullable=False),
        sa.Column("note_uuid", sa.String(length=36), nullable=False),
        sa.Column("parent_uuid", sa.String(length=36), nullable=True),
        sa.Column("replaces", sa.JSON(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("observations", sa.JSON(), nullable=False),
        sa.Column("written_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_note_revision_author_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_note_revision_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["visit.id"],
            name=op.f("fk_note_revision_visit_id_visit"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note_revision")),
        sa.UniqueConstraint("revision_uuid", name=op.f("uq_note_revision_revision_uuid")),
    )
    with op.batch_alter_table("note_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_note_revision_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_note_revision_visit_note", ["visit_id", "note_uuid"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("note_revision", schema=None) as batch_op:
        batch_op.drop_index("ix_note_revision_visit_note")
        batch_op.drop_index(batch_op.f("ix_note_revision_organisation_id"))

    op.drop_table("note_revision")
    with op.batch_alter_table("visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visit_organisation_id"))
        batch_op.drop_index("ix_visit_org_counsellor_starts")
        batch_op.drop_index(batch_op.f("ix_visit_client_id"))

    op.drop_table("visit")
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feed_organisation_id"))

    op.drop_table("calendar_feed")
