"""Readiness screen answers, pain on logged sets, and progression paused by pain (issue 10, safety).

Why: Liftcoach offers a PAR-Q+ style readiness screen before prescribing and keeps the user's
answers (and whether they declined it, or confirmed a healthcare professional's clearance) so
their sessions stay conservative until then; a set logged with sharp pain pauses progression on
that exercise until the user lifts the pause, and mild pain holds the load, so each logged set
remembers the pain reported with it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_safety"
down_revision = "0005_import"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild on SQLite): existing rows reported no pain.
    op.add_column("set_logs", sa.Column("pain", sa.Text))
    op.create_table(
        "readiness_screens",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("answers", sa.Text),
        sa.Column("offered_at", Timestamp, nullable=False),
        sa.Column("answered_at", Timestamp),
        sa.Column("cleared_at", Timestamp),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint("status IN ('offered', 'declined', 'clear', 'needs_clearance', 'cleared')"),
    )
    op.create_table(
        "progression_pauses",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("exercise", sa.Text, primary_key=True),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("paused_at", Timestamp, nullable=False),
        sa.CheckConstraint("reason IN ('sharp_pain')"),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("progression_pauses")
    op.drop_table("readiness_screens")
    op.drop_column("set_logs", "pain")
