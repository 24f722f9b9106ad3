-- Locks since the last success: each further lock of the second factor lasts longer.
-- BIGINT: LOCK_AT_THRESHOLD multiplies it with the lock time in milliseconds.
ALTER TABLE failure_counters ADD COLUMN locks BIGINT NOT NULL DEFAULT 0;
