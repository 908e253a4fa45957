-- 0002: DM reminder schedules and a ledger of every reminder slot.
-- Why: `/remind` needs a per-user schedule with its next due time in UTC (one dispatcher polls it),
-- the DM channel id (one API call per reminder instead of two), a pause when DMs are closed, and
-- a delivery row per (user, slot) so that no slot is ever sent twice, even across a crash.

-- One row per user who set a schedule or whose DM channel we know. `days` NULL = never set.
CREATE TABLE reminders (
    user_id        INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
    days           TEXT,                       -- weekdays 0=Mon..6=Sun, comma separated: "0,3"
    local_time     TEXT,                       -- "HH:MM" wall-clock time in `timezone`
    timezone       TEXT,                       -- IANA name
    enabled        INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
    paused_reason  TEXT CHECK (paused_reason IS NULL OR paused_reason IN ('undeliverable', 'invalid_schedule')),
    next_due_utc   TEXT,                       -- next regular slot; NULL when off or paused
    snooze_due_utc TEXT,                       -- one-off extra reminder; NULL when none
    dm_channel_id  INTEGER,
    pending_notice INTEGER NOT NULL DEFAULT 0 CHECK (pending_notice IN (0, 1)),
    updated_at     TEXT    NOT NULL
);
CREATE INDEX reminders_next_due ON reminders (next_due_utc) WHERE next_due_utc IS NOT NULL;
CREATE INDEX reminders_snooze_due ON reminders (snooze_due_utc) WHERE snooze_due_utc IS NOT NULL;

-- One row per claimed slot. The primary key is what makes a slot impossible to claim twice.
-- claimed -> sending -> sent; or -> claimed again (retry), failed, undeliverable, skipped, cancelled,
-- or unconfirmed (was being sent when the process died, too long ago for Discord's nonce dedup).
CREATE TABLE reminder_deliveries (
    user_id          INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    slot_utc         TEXT    NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('regular', 'snooze')),
    state            TEXT    NOT NULL CHECK (state IN ('claimed', 'sending', 'sent', 'failed', 'undeliverable',
                                                       'skipped', 'cancelled', 'unconfirmed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_utc TEXT,                     -- when a claimed row may be (re)tried
    attempted_at     TEXT,                     -- start of the latest send attempt
    skip_reason      TEXT,                     -- 'missed' (older than the grace period) or the user's reason
    error            TEXT,
    claimed_at       TEXT    NOT NULL,
    updated_at       TEXT    NOT NULL,
    PRIMARY KEY (user_id, slot_utc)
) WITHOUT ROWID;
CREATE INDEX reminder_deliveries_open ON reminder_deliveries (next_attempt_utc)
    WHERE state IN ('claimed', 'sending');
