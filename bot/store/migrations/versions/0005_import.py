"""Imported history, undo by action, warm-ups, remembered exercise names.

Why: /import brings sets from other apps (with their real dates) in one batch that re-importing
must not duplicate (`set_logs.import_key`, `import_batches` by content hash); /undo removes a whole
action — one /log, a whole logged session, an import (`set_logs.action_id`); imported warm-ups are
kept but never counted as work (`set_logs.kind`); the file being previewed waits in
`pending_imports`; a user's choices for unknown names are kept in `exercise_name_mappings`.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_import"
down_revision = "0004_coaching"
branch_labels = None
depends_on = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Timestamp = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def upgrade() -> None:
    op.add_column("set_logs", sa.Column("kind", sa.Text, nullable=False, server_default="work"))
    op.add_column("set_logs", sa.Column("action_id", sa.Text))
    op.add_column("set_logs", sa.Column("import_key", sa.Text))
    op.create_index("set_logs_by_action", "set_logs", ["user_id", "action_id"])
    where = sa.text("import_key IS NOT NULL")
    op.create_index("set_logs_by_import_key", "set_logs", ["user_id", "import_key"], unique=True,
                    sqlite_where=where, postgresql_where=where)
    op.create_table(
        "import_batches",
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
    op.create_table(
        "pending_imports",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("filename", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("unit", sa.Text),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("choices", sa.Text, nullable=False, server_default="{}"),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.CheckConstraint("unit IS NULL OR unit IN ('kg', 'lb')", name="pending_imports_unit"),
    )
    op.create_table(
        "exercise_name_mappings",
        sa.Column("user_id", Id, sa.ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True,
                  autoincrement=False),
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("exercise", sa.Text, nullable=False),
        sa.Column("updated_at", Timestamp, nullable=False),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("exercise_name_mappings")
    op.drop_table("pending_imports")
    op.drop_table("import_batches")
    op.drop_index("set_logs_by_import_key", "set_logs")
    op.drop_index("set_logs_by_action", "set_logs")
    with op.batch_alter_table("set_logs") as batch:
        batch.drop_column("import_key")
        batch.drop_column("action_id")
        batch.drop_column("kind")
