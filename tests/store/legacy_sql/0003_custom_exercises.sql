-- 0003: exercises a user logs that are not in the catalogue.
-- Why: /log offers "your own" exercises in autocomplete next to the catalogue; they are per user,
-- keyed "custom-<slug>" in set_logs, and never enter the planner (no muscles or pattern known).

CREATE TABLE custom_exercises (
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    key        TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
