/**
 * Rows one housekeeping or policy statement deletes or reads at most: each batch is its own
 * short commit, so sign-ins queue behind one batch at most, never behind a whole table.
 */
export const HOUSEKEEPING_BATCH = 500;
