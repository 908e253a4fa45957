"""A revision number per lifter that every change to what /today reads moves (issue 12).

Why: /today's plan (each lift's progression over its latest sessions, the safety guard, the
week's adherence and streak) is prepared ahead and kept per lifter (`bot.commands.prepared`).
A kept plan may be used only while nothing it was computed from has changed, in this process
or any other on the same database. The database itself moves `users.plan_revision` on every
insert, update and delete of the tables the plan reads and on every change of the profile's
plan settings, so no code path (a command, an import, a migration, a second process) can
change a plan's inputs without moving it.

The tables (frozen here; `bot.store.schema.PLAN_INPUTS` is the living list, and a test
checks that every table in it carries these triggers): set_logs, sessions,
equipment_profiles, exercise_swaps, custom_exercises, readiness_screens, progression_pauses.
The profile's columns: goal, experience, days_per_week, equipment, units, timezone,
rotation_index.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_plan_revision"
down_revision = "0007_coaching_kettlebells"
branch_labels = None
depends_on = None

TABLES = ("set_logs", "sessions", "equipment_profiles", "exercise_swaps", "custom_exercises", "readiness_screens",
          "progression_pauses")
PROFILE_COLUMNS = ("goal", "experience", "days_per_week", "equipment", "units", "timezone", "rotation_index")
BUMP = "UPDATE users SET plan_revision = plan_revision + 1 WHERE user_id = {row}.user_id"


def upgrade() -> None:
    op.add_column("users", sa.Column("plan_revision", sa.BigInteger, nullable=False, server_default=sa.text("0")))
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers()
    else:
        _postgresql_triggers()


def _sqlite_triggers() -> None:
    for table in TABLES:
        for event, rows in (("INSERT", ("NEW",)), ("UPDATE", ("OLD", "NEW")), ("DELETE", ("OLD",))):
            body = "; ".join(BUMP.format(row=row) for row in rows)
            op.execute(f"CREATE TRIGGER {table}_plan_revision_{event.lower()} AFTER {event} ON {table} "
                       f"BEGIN {body}; END")
    # The trigger's own UPDATE sets no column it watches (and SQLite's recursive triggers are off).
    op.execute(f"CREATE TRIGGER users_plan_revision AFTER UPDATE OF {', '.join(PROFILE_COLUMNS)} ON users "
               f"BEGIN {BUMP.format(row='NEW')}; END")


def _postgresql_triggers() -> None:
    # Once per lifter and transaction: PostgreSQL keeps every version of a row updated in one
    # transaction, so a bump per row made an import of 20,000 sets take ~40 s instead of ~3 s (and
    # grow with the square of its size). The transaction-local setting remembers the last lifter
    # moved in this transaction; it is undone with a rolled-back savepoint, like the bump itself.
    op.execute("""
        CREATE FUNCTION liftcoach_bump_plan_revision() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            owner bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.user_id ELSE NEW.user_id END;
            moved text := txid_current()::text || ':' || owner::text;
        BEGIN
            IF TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id THEN
                UPDATE users SET plan_revision = plan_revision + 1 WHERE user_id = OLD.user_id;
            END IF;
            IF current_setting('liftcoach.plan_revision_moved', true) IS DISTINCT FROM moved THEN
                UPDATE users SET plan_revision = plan_revision + 1 WHERE user_id = owner;
                PERFORM set_config('liftcoach.plan_revision_moved', moved, true);
            END IF;
            RETURN NULL;
        END $$""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_plan_revision AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION liftcoach_bump_plan_revision()")
    op.execute("""
        CREATE FUNCTION liftcoach_users_plan_revision() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.plan_revision := OLD.plan_revision + 1;
            RETURN NEW;
        END $$""")
    op.execute(f"CREATE TRIGGER users_plan_revision BEFORE UPDATE OF {', '.join(PROFILE_COLUMNS)} ON users "
               "FOR EACH ROW EXECUTE FUNCTION liftcoach_users_plan_revision()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_plan_revision_{event}")
        op.execute("DROP TRIGGER users_plan_revision")
    else:
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_plan_revision ON {table}")
        op.execute("DROP TRIGGER users_plan_revision ON users")
        op.execute("DROP FUNCTION liftcoach_bump_plan_revision()")
        op.execute("DROP FUNCTION liftcoach_users_plan_revision()")
    op.drop_column("users", "plan_revision")
