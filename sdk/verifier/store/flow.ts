import type { VerifierEvent } from '../types.ts';

/** A factor row as both databases give it (PostgreSQL's BIGINT columns arrive as strings). */
export interface FactorRow {
  user_id: string;
  status: 'pending' | 'active';
  secret: string;
  issuer: string;
  account: string;
  last_step: number | string | null;
  created_at: number | string;
  expires_at: number | string | null;
  enabled_at: number | string | null;
  failures: number;
  locks: number;
  locked_until: number | string | null;
  /** The user's unused recovery codes. */
  codes_left: number | string;
}

/** What a flow decides on: the user's row, and the recovery code typed if it asked for one. */
export interface Snapshot {
  factor: FactorRow | undefined;
  /** The typed recovery code's use: null unused, a time used, undefined no such code. */
  recoveryUsedAt: number | null | undefined;
}

/** One statement of a decision, with its values. */
export interface Write {
  text: string;
  values: unknown[];
}

/** What a flow decided: its answer, the statements that make it so and what to tell `onEvent`. */
export interface Decision<T> {
  result: T;
  writes: Write[];
  events: VerifierEvent['type'][];
}

/**
 * One change of one user's factor: the database reads the snapshot (the user's row locked),
 * `decide` (pure, synchronous) says what to write, and the database writes it in the same
 * transaction. So every rule is decided once, in `decide`, whatever the database.
 */
export interface Flow<T> {
  userId: string;
  /** The hash of a typed recovery code whose use `decide` needs, or null. */
  recoveryHash: string | null;
  decide(snapshot: Snapshot): Decision<T>;
}
