"""Every table, declared once with SQLAlchemy Core; the stores build their queries from these.

This module describes the schema as the code expects it *now*; the Alembic revisions in
`migrations/versions/` are what create it, step by step, in a database. A test checks that a freshly
migrated database (SQLite and PostgreSQL) matches this metadata, so the two cannot drift apart.

Adding a table (or a column):
1. Declare it here.
2. Add a revision `bot/store/migrations/versions/NNNN_<area>.py` (revision id = the file's stem,
   at most 32 characters; `down_revision` = the current head) whose docstring says what and why,
   and whose `upgrade()` creates exactly that with `op.create_table(...)` / `op.add_column(...)`.
   Write the columns out in the revision (do not import this module there: a revision is frozen
   history, this module moves on). Never edit an applied revision.
3. Use Core expressions in the store (`select`, `insert`, `update`, `delete`); no dialect-specific
   SQL strings, so SQLite and PostgreSQL run the same code. (The one statement only PostgreSQL
   runs, /log's insert with its read-back in a data-modifying WITH, is Core too.)

Conventions kept from the first schema: times are ISO-8601 UTC text (text order is time order;
PostgreSQL compares them with the "C" collation so no locale reorders them), loads are kilograms,
flags are 0/1 integers, Discord ids are 64-bit integers.
"""

from __future__ import annotations

import sqlalchemy as sa

# Discord snowflakes need 64 bits. On SQLite `INTEGER` is 64-bit, and `INTEGER PRIMARY KEY`
# (not `BIGINT PRIMARY KEY`) is what makes the column the rowid.
Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# ISO-8601 text compared byte-wise on PostgreSQL too (a locale collation could reorder '+' and '.').
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
# Double precision on PostgreSQL (plain REAL there has 4 bytes); REAL (8 bytes) on SQLite.
Real = sa.Float().with_variant(sa.REAL(), "sqlite")

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
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
    # Moved by the database's own triggers on every change to what /today reads (PLAN_INPUTS,
    # PLAN_PROFILE_COLUMNS; migration 0008): a plan kept for this revision is still the plan.
    sa.Column("plan_revision", sa.BigInteger, nullable=False, server_default=sa.text("0")),
    sa.CheckConstraint("days_per_week BETWEEN 2 AND 6"),
    sa.CheckConstraint("units IN ('kg', 'lb')"),
    sa.CheckConstraint("rotation_index >= 0"),
)

# One row per training session marked done; the rotation advances with each.
sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("session_id", Id, primary_key=True, autoincrement=True),
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    sa.Column("rotation_index", sa.Integer, nullable=False),
    sa.Column("day_label", sa.Text, nullable=False),
    sa.Column("goal", sa.Text, nullable=False),
    sa.Column("completed_at", Timestamp, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Index("sessions_by_user_time", "user_id", "completed_at"),
    sqlite_autoincrement=True,
)

# One row per logged entry (`sets` identical sets of `reps` at `weight_kg`).
set_logs = sa.Table(
    "set_logs",
    metadata,
    sa.Column("log_id", Id, primary_key=True, autoincrement=True),
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    sa.Column("session_id", Id, sa.ForeignKey("sessions.session_id", ondelete="SET NULL")),
    sa.Column("exercise", sa.Text, nullable=False),
    sa.Column("weight_kg", Real, nullable=False),
    sa.Column("entered_unit", sa.Text, nullable=False),
    sa.Column("reps", sa.Integer, nullable=False),
    sa.Column("sets", sa.Integer, nullable=False),
    sa.Column("rpe", Real),
    # What /today prescribed when this was logged, if anything: progression compares against it.
    sa.Column("target_low", sa.Integer),
    sa.Column("target_high", sa.Integer),
    sa.Column("prescribed_sets", sa.Integer),
    # The load it prescribed, stored as `weight_kg` is (assistance for an assisted lift); see 0010.
    sa.Column("prescribed_kg", Real),
    sa.Column("note", sa.Text),
    sa.Column("logged_at", Timestamp, nullable=False),
    # Logged while /today prescribed a deload: the stall count restarts and the working load returns.
    sa.Column("deload", sa.Integer, nullable=False, server_default=sa.text("0")),
    # "work", "warmup", "failure" or "drop" (imports keep the kinds); warm-ups never count as work.
    sa.Column("kind", sa.Text, nullable=False, server_default="work"),
    # Every row one /log, one logged session or one import wrote shares an id: /undo removes them together.
    sa.Column("action_id", sa.Text),
    # A stable key per imported set (file session + position + content); NULL for sets logged here.
    sa.Column("import_key", sa.Text),
    # Pain the lifter reported with this set: NULL (none), 'mild' or 'sharp' (see bot.store.safety).
    sa.Column("pain", sa.Text),
    sa.CheckConstraint("weight_kg >= 0"),
    sa.CheckConstraint("entered_unit IN ('kg', 'lb')"),
    sa.CheckConstraint("reps BETWEEN 1 AND 100"),
    sa.CheckConstraint("sets BETWEEN 1 AND 20"),
    sa.CheckConstraint("rpe IS NULL OR rpe BETWEEN 1 AND 10"),
    sa.Index("set_logs_by_user_exercise", "user_id", "exercise", "logged_at"),
    sa.Index("set_logs_by_user_time", "user_id", "logged_at"),
    sa.Index("set_logs_by_action", "user_id", "action_id"),
    # /log's records read-back (heaviest and lightest load per rep count) reads this index alone.
    sa.Index("set_logs_records", "user_id", "exercise", "reps", "weight_kg", "kind", postgresql_include=["log_id"]),
    sqlite_autoincrement=True,
)
sa.Index("set_logs_by_import_key", set_logs.c.user_id, set_logs.c.import_key, unique=True,
         sqlite_where=set_logs.c.import_key.is_not(None), postgresql_where=set_logs.c.import_key.is_not(None))

# One row per user who set a reminder schedule or whose DM channel we know. `days` NULL = never set.
reminders = sa.Table(
    "reminders",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("days", sa.Text),  # weekdays 0=Mon..6=Sun, comma separated: "0,3"
    sa.Column("local_time", sa.Text),  # "HH:MM" wall-clock time in `timezone`
    sa.Column("timezone", sa.Text),  # IANA name
    sa.Column("enabled", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("paused_reason", sa.Text),
    sa.Column("next_due_utc", Timestamp),  # next regular slot; NULL when off or paused
    sa.Column("snooze_due_utc", Timestamp),  # one-off extra reminder; NULL when none
    sa.Column("dm_channel_id", Id),
    sa.Column("pending_notice", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.CheckConstraint("enabled IN (0, 1)"),
    sa.CheckConstraint("paused_reason IS NULL OR paused_reason IN ('undeliverable', 'invalid_schedule')"),
    sa.CheckConstraint("pending_notice IN (0, 1)"),
)
sa.Index("reminders_next_due", reminders.c.next_due_utc,
         sqlite_where=reminders.c.next_due_utc.is_not(None), postgresql_where=reminders.c.next_due_utc.is_not(None))
sa.Index("reminders_snooze_due", reminders.c.snooze_due_utc,
         sqlite_where=reminders.c.snooze_due_utc.is_not(None),
         postgresql_where=reminders.c.snooze_due_utc.is_not(None))

OPEN_DELIVERY_STATES = ("claimed", "sending")

# One row per claimed reminder slot; the primary key is what makes a slot impossible to claim twice.
reminder_deliveries = sa.Table(
    "reminder_deliveries",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("slot_utc", Timestamp, primary_key=True),
    sa.Column("kind", sa.Text, nullable=False),
    sa.Column("state", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
    sa.Column("next_attempt_utc", Timestamp),  # when a claimed row may be (re)tried
    sa.Column("attempted_at", Timestamp),  # start of the latest send attempt
    sa.Column("skip_reason", sa.Text),  # 'missed' (older than the grace period) or the user's reason
    sa.Column("error", sa.Text),
    sa.Column("claimed_at", Timestamp, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.CheckConstraint("kind IN ('regular', 'snooze')"),
    sa.CheckConstraint("state IN ('claimed', 'sending', 'sent', 'failed', 'undeliverable', "
                       "'skipped', 'cancelled', 'unconfirmed')"),
    sqlite_with_rowid=False,
)
sa.Index("reminder_deliveries_open", reminder_deliveries.c.next_attempt_utc,
         sqlite_where=reminder_deliveries.c.state.in_(OPEN_DELIVERY_STATES),
         postgresql_where=reminder_deliveries.c.state.in_(OPEN_DELIVERY_STATES))

# Exercises a user logs that are not in the catalogue, keyed "custom-<slug>" in set_logs.
custom_exercises = sa.Table(
    "custom_exercises",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sqlite_with_rowid=False,
)

SCREEN_STATUSES = ("offered", "declined", "clear", "needs_clearance", "cleared")

# The readiness screen (PAR-Q+ topics): offered on the first /goal, retaken with /screen.
# `answers` holds one 'y' or 'n' per question, in order; NULL until the screen is answered.
readiness_screens = sa.Table(
    "readiness_screens",
    metadata,
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

# An exercise whose progression sharp pain paused; the row goes when the lifter lifts the pause.
progression_pauses = sa.Table(
    "progression_pauses",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("exercise", sa.Text, primary_key=True),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("paused_at", Timestamp, nullable=False),
    sa.CheckConstraint("reason IN ('sharp_pain')"),
    sqlite_with_rowid=False,
)
# A lifter's swap of a planned exercise for another of the same movement pattern, kept for later sessions.
exercise_swaps = sa.Table(
    "exercise_swaps",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("replaced", sa.Text, primary_key=True),
    sa.Column("replacement", sa.Text, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sqlite_with_rowid=False,
)

# A lifter's own equipment over their unit's defaults (bot/coach/data/loading.toml); NULL = default. Kilograms.
equipment_profiles = sa.Table(
    "equipment_profiles",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("bar_kg", Real),
    sa.Column("plate_pair_kg", Real),
    sa.Column("dumbbell_kg", Real),
    sa.Column("machine_kg", Real),
    sa.Column("kettlebells_kg", sa.Text),  # the bells owned, kg, comma-separated, increasing
    sa.Column("updated_at", Timestamp, nullable=False),
    sa.CheckConstraint("bar_kg IS NULL OR bar_kg > 0"),
    sa.CheckConstraint("plate_pair_kg IS NULL OR plate_pair_kg > 0"),
    sa.CheckConstraint("dumbbell_kg IS NULL OR dumbbell_kg > 0"),
    sa.CheckConstraint("machine_kg IS NULL OR machine_kg > 0"),
)

# One row per confirmed /import; the content hash makes importing the same file twice a no-op.
import_batches = sa.Table(
    "import_batches",
    metadata,
    sa.Column("batch_id", Id, primary_key=True, autoincrement=True),
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), nullable=False),
    sa.Column("action_id", sa.Text, nullable=False),
    sa.Column("content_hash", sa.Text, nullable=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("sets_added", sa.Integer, nullable=False),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.UniqueConstraint("user_id", "content_hash", name="import_batches_by_hash"),
    sqlite_autoincrement=True,
)

# The file a user is previewing in /import, until they confirm or cancel (one per user).
pending_imports = sa.Table(
    "pending_imports",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("unit", sa.Text),
    sa.Column("data", sa.LargeBinary, nullable=False),
    # JSON: normalised name in the file -> catalogue or custom key, chosen in the review step.
    sa.Column("choices", sa.Text, nullable=False, server_default="{}"),
    sa.Column("created_at", Timestamp, nullable=False),
    sa.CheckConstraint("unit IS NULL OR unit IN ('kg', 'lb')", name="pending_imports_unit"),
)

# What each user chose for an exercise name in an earlier import; used first next time.
exercise_name_mappings = sa.Table(
    "exercise_name_mappings",
    metadata,
    sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
              autoincrement=False),
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("exercise", sa.Text, nullable=False),
    sa.Column("updated_at", Timestamp, nullable=False),
    sqlite_with_rowid=False,
)

# What /today's plan is computed from (bot.commands.prepared): a change to any row of these
# tables, or to these profile columns, moves the lifter's `users.plan_revision` (migration 0008's
# triggers). The other tables about a user feed no plan: reminders and their deliveries, and an
# import's batches, pending files and name choices (an import's sets and sessions are plan inputs).
PLAN_INPUTS = (set_logs, sessions, equipment_profiles, exercise_swaps, custom_exercises, readiness_screens,
               progression_pauses)
NOT_PLAN_INPUTS = (reminders, reminder_deliveries, import_batches, pending_imports, exercise_name_mappings)
PLAN_PROFILE_COLUMNS = ("goal", "experience", "days_per_week", "equipment", "units", "timezone", "rotation_index")
