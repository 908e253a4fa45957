-- 0001: users, completed sessions and the training log.
-- Why: the core needs per-user settings and a rotation position; the log feeds 1RM and progression.
-- Times are ISO-8601 UTC text ("2026-11-27T18:00:00+00:00"); loads are always kilograms.

CREATE TABLE users (
    user_id            INTEGER PRIMARY KEY,
    goal               TEXT,
    experience         TEXT    NOT NULL DEFAULT 'novice',
    days_per_week      INTEGER NOT NULL DEFAULT 3 CHECK (days_per_week BETWEEN 2 AND 6),
    equipment          TEXT    NOT NULL DEFAULT 'gym',
    units              TEXT    NOT NULL DEFAULT 'kg' CHECK (units IN ('kg', 'lb')),
    timezone           TEXT    NOT NULL DEFAULT 'UTC',
    rotation_index     INTEGER NOT NULL DEFAULT 0 CHECK (rotation_index >= 0),
    safety_notice_seen INTEGER NOT NULL DEFAULT 0,
    created_at         TEXT    NOT NULL,
    updated_at         TEXT    NOT NULL
);

-- One row per training session marked done; the rotation advances with each.
CREATE TABLE sessions (
    session_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    rotation_index INTEGER NOT NULL,
    day_label      TEXT    NOT NULL,
    goal           TEXT    NOT NULL,
    completed_at   TEXT    NOT NULL,
    source         TEXT    NOT NULL
);
CREATE INDEX sessions_by_user_time ON sessions (user_id, completed_at);

-- One row per logged entry (`sets` identical sets of `reps` at `weight_kg`).
CREATE TABLE set_logs (
    log_id       INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    session_id   INTEGER REFERENCES sessions (session_id) ON DELETE SET NULL,
    exercise     TEXT    NOT NULL,
    weight_kg    REAL    NOT NULL CHECK (weight_kg >= 0),
    entered_unit TEXT    NOT NULL CHECK (entered_unit IN ('kg', 'lb')),
    reps         INTEGER NOT NULL CHECK (reps BETWEEN 1 AND 100),
    sets         INTEGER NOT NULL CHECK (sets BETWEEN 1 AND 20),
    rpe          REAL CHECK (rpe IS NULL OR rpe BETWEEN 1 AND 10),
    -- What /today prescribed when this was logged, if anything: progression compares against it.
    target_low      INTEGER,
    target_high     INTEGER,
    prescribed_sets INTEGER,
    note         TEXT,
    logged_at    TEXT    NOT NULL
);
CREATE INDEX set_logs_by_user_exercise ON set_logs (user_id, exercise, logged_at);
CREATE INDEX set_logs_by_user_time ON set_logs (user_id, logged_at);
