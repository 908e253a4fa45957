-- 0004: imported history, undo by action, warm-ups, remembered exercise names.
-- Why: /import brings sets from other apps (with their real dates) in one batch that re-importing
-- must not duplicate (`import_key`), /undo removes a whole action (one /log, a whole logged session,
-- an import: `action_id`), and imported warm-ups are kept but never counted as work (`kind`).

ALTER TABLE set_logs ADD COLUMN kind TEXT NOT NULL DEFAULT 'work'
    CHECK (kind IN ('work', 'warmup', 'failure', 'drop'));
ALTER TABLE set_logs ADD COLUMN action_id TEXT;
-- A stable key per imported set (file session + position + content); NULL for sets logged here.
ALTER TABLE set_logs ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX set_logs_by_import_key ON set_logs (user_id, import_key) WHERE import_key IS NOT NULL;
CREATE INDEX set_logs_by_action ON set_logs (user_id, action_id);

-- One row per confirmed import; the content hash makes importing the same file twice a no-op.
CREATE TABLE import_batches (
    batch_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    action_id    TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    filename     TEXT    NOT NULL,
    source       TEXT    NOT NULL,
    sets_added   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    UNIQUE (user_id, content_hash)
);

-- The file a user is previewing, until they confirm or cancel (one per user; kept across restarts).
CREATE TABLE pending_imports (
    user_id    INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    filename   TEXT    NOT NULL,
    source     TEXT    NOT NULL,
    unit       TEXT    CHECK (unit IS NULL OR unit IN ('kg', 'lb')),
    data       BLOB    NOT NULL,
    -- JSON: normalised name in the file -> catalogue key or custom key, chosen in the review step.
    choices    TEXT    NOT NULL DEFAULT '{}',
    created_at TEXT    NOT NULL
);

-- What each user chose for a name in an earlier import; used first next time.
CREATE TABLE exercise_name_mappings (
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    exercise   TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, name)
);
