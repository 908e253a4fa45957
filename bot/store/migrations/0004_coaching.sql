-- 0004: recorded deloads and exercise swaps (issue 8, coaching engine).
-- Why: a deload must be known to production itself, so the stall count restarts and the working
-- load returns afterwards (deloads never compound); a lifter's swap of one exercise for another
-- of the same movement pattern is remembered for later sessions.

ALTER TABLE set_logs ADD COLUMN deload INTEGER NOT NULL DEFAULT 0 CHECK (deload IN (0, 1));

CREATE TABLE exercise_swaps (
    user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    replaced    TEXT    NOT NULL,
    replacement TEXT    NOT NULL,
    created_at  TEXT    NOT NULL,
    PRIMARY KEY (user_id, replaced)
) WITHOUT ROWID;
