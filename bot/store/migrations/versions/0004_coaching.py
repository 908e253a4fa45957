"""Recorded deloads, exercise swaps and each lifter's own equipment (issue 8, coaching engine).

Why: a deload must be known to production itself, so the stall count restarts and the working
load returns afterwards (deloads never compound); a lifter's swap of one exercise for another of
the same movement pattern is remembered for later sessions; a lifter's own bar, smallest plate
pair, dumbbell and machine steps make every prescribed load one they can make.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_coaching"
down_revision = "0003_custom_exercises"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
Real = sa.Float().with_variant(sa.REAL(), "sqlite")


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild on SQLite): existing rows are working sets.
    op.add_column("set_logs", sa.Column("deload", sa.Integer, nullable=False, server_default=sa.text("0")))
    op.create_table(
        "exercise_swaps",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("replaced", sa.Text, primary_key=True),
        sa.Column("replacement", sa.Text, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "equipment_profiles",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("bar_kg", Real),
        sa.Column("plate_pair_kg", Real),
        sa.Column("dumbbell_kg", Real),
        sa.Column("machine_kg", Real),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint("bar_kg IS NULL OR bar_kg > 0"),
        sa.CheckConstraint("plate_pair_kg IS NULL OR plate_pair_kg > 0"),
        sa.CheckConstraint("dumbbell_kg IS NULL OR dumbbell_kg > 0"),
        sa.CheckConstraint("machine_kg IS NULL OR machine_kg > 0"),
    )


def downgrade() -> None:
    op.drop_table("equipment_profiles")
    op.drop_table("exercise_swaps")
    with op.batch_alter_table("set_logs") as batch:
        batch.drop_column("deload")
