"""Users, completed sessions and the training log.

Why: the core needs per-user settings and a rotation position; the log feeds 1RM and progression.
Same schema as the former `0001_initial.sql` (a SQLite database at user_version 1 is stamped here).
Times are ISO-8601 UTC text; loads are kilograms.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
Real = sa.Float().with_variant(sa.REAL(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("user_id", Id, primary_key=True, autoincrement=False),
        sa.Column("goal", sa.Text),
        sa.Column("experience", sa.Text, nullable=False, server_default="novice"),
        sa.Column("days_per_week", sa.Integer, nullable=False, server_default=sa.text("3")),
        sa.Column("equipment", sa.Text, nullable=False, server_default="gym"),
        sa.Column("units", sa.Text, nullable=False, server_default="kg"),
        sa.Column("timezone", sa.Text, nullable=False, server_default="UTC"),
        sa.Column("rotation_index", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("safety_notice_seen", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint("days_per_week BETWEEN 2 AND 6"),
        sa.CheckConstraint("units IN ('kg', 'lb')"),
        sa.CheckConstraint("rotation_index >= 0"),
    )
    op.create_table(
        "sessions",
        sa.Column("session_id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
        sa.Column("rotation_index", sa.Integer, nullable=False),
        sa.Column("day_label", sa.Text, nullable=False),
        sa.Column("goal", sa.Text, nullable=False),
        sa.Column("completed_at", Timestamp, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_index("sessions_by_user_time", "sessions", ["user_id", "completed_at"])
    op.create_table(
        "set_logs",
        sa.Column("log_id", Id, primary_key=True, autoincrement=True),
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
        sa.Column("session_id", Id, sa.ForeignKey("sessions.session_id", ondelete="SET NULL")),
        sa.Column("exercise", sa.Text, nullable=False),
        sa.Column("weight_kg", Real, nullable=False),
        sa.Column("entered_unit", sa.Text, nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("sets", sa.Integer, nullable=False),
        sa.Column("rpe", Real),
        sa.Column("target_low", sa.Integer),
        sa.Column("target_high", sa.Integer),
        sa.Column("prescribed_sets", sa.Integer),
        sa.Column("note", sa.Text),
        sa.Column("logged_at", Timestamp, nullable=False),
        sa.CheckConstraint("weight_kg >= 0"),
        sa.CheckConstraint("entered_unit IN ('kg', 'lb')"),
        sa.CheckConstraint("reps BETWEEN 1 AND 100"),
        sa.CheckConstraint("sets BETWEEN 1 AND 20"),
        sa.CheckConstraint("rpe IS NULL OR rpe BETWEEN 1 AND 10"),
        sqlite_autoincrement=True,
    )
    op.create_index("set_logs_by_user_exercise", "set_logs", ["user_id", "exercise", "logged_at"])
    op.create_index("set_logs_by_user_time", "set_logs", ["user_id", "logged_at"])


def downgrade() -> None:
    op.drop_table("set_logs")
    op.drop_table("sessions")
    op.drop_table("users")
