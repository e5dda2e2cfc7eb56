"""A feedback round keeps the anonymity threshold its raters were told (feedback_round.threshold).

The reports read the organisation's threshold as it is now, so lowering it showed a group of a
closed round whose raters had been told it stays hidden below the old number. The rounds there at
the upgrade take their organisation's threshold of that moment: the nearest to what their raters
were told that is known (a threshold lowered before the upgrade cannot be undone for them; one
raised before still applies). Down again, the column goes and the reports read the organisation's.

Revision ID: 3d8f0b6a4c19
Revises: 7c4d2e8f1a63
Create Date: 2026-12-06 16:15:00
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "3d8f0b6a4c19"
down_revision = "7c4d2e8f1a63"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("threshold", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE feedback_round SET threshold = COALESCE(("
        "SELECT organisation.feedback_threshold FROM organisation "
        "WHERE organisation.id = feedback_round.organisation_id), 3)"
    )
    # Every new round sets it from its organisation's threshold at its start.
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.alter_column("threshold", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("feedback_round", schema=None) as batch_op:
        batch_op.drop_column("threshold")
