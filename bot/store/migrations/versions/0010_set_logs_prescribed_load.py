"""The load /today prescribed for a logged set, so progression knows which sets answered it.

Why: a day's log can hold sets at several loads (warm-ups logged as work, a heavy single, a
missed new load finished lighter). The sets at the prescribed load are that day's working sets
(`bot.commands.planning.working_load_of_day`); before this column the prescription's load was
lost once /today's plan moved on. NULL for sets logged before it, off the plan, or imported.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_set_logs_prescribed_load"
down_revision = "0009_set_logs_records_index"
branch_labels = None
depends_on = None

Real = sa.Float().with_variant(sa.REAL(), "sqlite")  # as schema.py and 0001 declare kilograms


def upgrade() -> None:
    op.add_column("set_logs", sa.Column("prescribed_kg", Real))


def downgrade() -> None:
    with op.batch_alter_table("set_logs") as batch:
        batch.drop_column("prescribed_kg")
