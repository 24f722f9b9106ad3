-- The per-address rate limit is a sliding window estimated from two fixed ones: each key keeps
-- the count of the window before its current one.
ALTER TABLE rate_limits ADD COLUMN prev_count integer NOT NULL DEFAULT 0;
