"""Exercises a user logs that are not in the catalogue.

Why: /log offers "your own" exercises in autocomplete next to the catalogue; they are per user,
keyed "custom-<slug>" in set_logs, and never enter the planner (no muscles or pattern known).
Same schema as the former `0003_custom_exercises.sql` (a SQLite database at user_version 3, made
by Liftcoach 0.1, is stamped here).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_custom_exercises"
down_revision = "0002_reminders"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "custom_exercises",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("custom_exercises")
