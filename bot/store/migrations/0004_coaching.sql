-- 0004: recorded deloads and exercise swaps (issue 8, coaching engine).
-- Why: a deload must be known to production itself, so the stall count restarts and the working
-- load returns afterwards (deloads never compound); a lifter's swap of one exercise for another
-- of the same movement pattern is remembered for later sessions; a lifter's own equipment (bar,
-- smallest plate pair, dumbbell and stack steps) makes every load achievable for them.

ALTER TABLE set_logs ADD COLUMN deload INTEGER NOT NULL DEFAULT 0 CHECK (deload IN (0, 1));

CREATE TABLE exercise_swaps (
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    replaced    TEXT    NOT NULL,
    replacement TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, replaced)
) WITHOUT ROWID;

-- Overrides of the unit's default equipment (bot/coach/data/loading.toml); NULL = the default. Kilograms.
CREATE TABLE equipment_profiles (
    user_id       INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    bar_kg        REAL CHECK (bar_kg IS NULL OR bar_kg > 0),
    plate_pair_kg REAL CHECK (plate_pair_kg IS NULL OR plate_pair_kg > 0),
    dumbbell_kg   REAL CHECK (dumbbell_kg IS NULL OR dumbbell_kg > 0),
    machine_kg    REAL CHECK (machine_kg IS NULL OR machine_kg > 0),
    updated_at    TEXT NOT NULL
);
