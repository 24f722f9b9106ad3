-- Locks since the last success: each further lock of the second factor lasts longer.
ALTER TABLE failure_counters ADD COLUMN locks INTEGER NOT NULL DEFAULT 0;
