-- Rate limits are counted in the server's memory (one process owns an SQLite file): see
-- server/store/sqlite/memory-rate-limits.ts. The table is no longer written.
DROP TABLE rate_limits;
