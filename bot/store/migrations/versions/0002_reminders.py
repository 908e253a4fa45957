"""DM reminder schedules and a ledger of every reminder slot.

Why: `/remind` needs a per-user schedule with its next due time in UTC (one dispatcher polls it),
the DM channel id (one API call per reminder instead of two), a pause when DMs are closed, and a
delivery row per (user, slot) so that no slot is ever sent twice, even across a crash.
Same schema as the former `0002_reminders.sql` (a SQLite database at user_version 2 is stamped here).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_reminders"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("days", sa.Text),
        sa.Column("local_time", sa.Text),
        sa.Column("timezone", sa.Text),
        sa.Column("enabled", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("paused_reason", sa.Text),
        sa.Column("next_due_utc", Timestamp),
        sa.Column("snooze_due_utc", Timestamp),
        sa.Column("dm_channel_id", Id),
        sa.Column("pending_notice", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint("enabled IN (0, 1)"),
        sa.CheckConstraint("paused_reason IS NULL OR paused_reason IN ('undeliverable', 'invalid_schedule')"),
        sa.CheckConstraint("pending_notice IN (0, 1)"),
    )
    for name, column in (("reminders_next_due", "next_due_utc"), ("reminders_snooze_due", "snooze_due_utc")):
        where = sa.column(column).is_not(None)
        op.create_index(name, "reminders", [column], sqlite_where=where, postgresql_where=where)
    op.create_table(
        "reminder_deliveries",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("slot_utc", Timestamp, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_utc", Timestamp),
        sa.Column("attempted_at", Timestamp),
        sa.Column("skip_reason", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("claimed_at", Timestamp, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sa.CheckConstraint("kind IN ('regular', 'snooze')"),
        sa.CheckConstraint("state IN ('claimed', 'sending', 'sent', 'failed', 'undeliverable', "
                           "'skipped', 'cancelled', 'unconfirmed')"),
        sqlite_with_rowid=False,
    )
    open_rows = sa.column("state").in_(("claimed", "sending"))
    op.create_index("reminder_deliveries_open", "reminder_deliveries", ["next_attempt_utc"],
                    sqlite_where=open_rows, postgresql_where=open_rows)


def downgrade() -> None:
    op.drop_table("reminder_deliveries")
    op.drop_table("reminders")
