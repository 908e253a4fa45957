"""The kettlebells a lifter owns (issue 8, coaching engine: kettlebell sizes in /equipment).

Why: kettlebells come in fixed sizes, and a home lifter owns only a few of them; every
kettlebell load Liftcoach prescribes must be one of the lifter's own bells. Stored as their
sizes in kilograms, comma-separated in increasing order ("8,12,16,24"); NULL keeps the unit's
default sizes (bot/coach/data/loading.toml).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_coaching_kettlebells"
down_revision = "0006_safety"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN (no table rebuild on SQLite): existing lifters keep the default sizes.
    op.add_column("equipment_profiles", sa.Column("kettlebells_kg", sa.Text))


def downgrade() -> None:
    op.drop_column("equipment_profiles", "kettlebells_kg")
