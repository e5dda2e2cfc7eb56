"""Contacts with or about a client, the organisation's contact rhythm per phase and a client's own.

Revision ID: c0a7c7e5b1d2
Revises: 7c1f0a9e5d21
Create Date: 2026-12-03 08:00:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c0a7c7e5b1d2"
down_revision = "7c1f0a9e5d21"
branch_labels = None
depends_on = None


def _organisation(table: str) -> list:
    return [
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f(f"fk_{table}_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "contact_moment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reached", sa.Boolean(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=False),
        sa.Column("happened_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *_organisation("contact_moment"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_contact_moment_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
            name=op.f("fk_contact_moment_recorded_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_moment")),
        sa.UniqueConstraint("uuid", name=op.f("uq_contact_moment_uuid")),
    )
    with op.batch_alter_table("contact_moment", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contact_moment_client_happened", ["client_id", "happened_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_moment_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_moment_recorded_by_id"), ["recorded_by_id"], unique=False
        )

    op.create_table(
        "client_contact_rhythm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        *_organisation("client_contact_rhythm"),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["client.id"],
            name=op.f("fk_client_contact_rhythm_client_id_client"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["app_user.id"],
            name=op.f("fk_client_contact_rhythm_set_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_contact_rhythm")),
        sa.UniqueConstraint("client_id", name=op.f("uq_client_contact_rhythm_client_id")),
    )
    with op.batch_alter_table("client_contact_rhythm", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_client_contact_rhythm_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "contact_rhythm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.Integer(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        *_organisation("contact_rhythm"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_rhythm")),
        sa.UniqueConstraint(
            "organisation_id", "phase", name=op.f("uq_contact_rhythm_organisation_id_phase")
        ),
    )
    with op.batch_alter_table("contact_rhythm", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_rhythm_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("contact_rhythm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_rhythm_organisation_id"))
    op.drop_table("contact_rhythm")
    with op.batch_alter_table("client_contact_rhythm", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_client_contact_rhythm_organisation_id"))
    op.drop_table("client_contact_rhythm")
    with op.batch_alter_table("contact_moment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_moment_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_contact_moment_organisation_id"))
        batch_op.drop_index("ix_contact_moment_client_happened")
    op.drop_table("contact_moment")
