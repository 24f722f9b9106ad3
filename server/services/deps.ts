import type { FactorFlows } from '../../sdk/verifier/factor-flows.ts';
import type { Keyring } from '../../sdk/verifier/secret-box.ts';
import type { Config } from '../config/config.ts';
import type { PasswordHasher } from '../crypto/passwords.ts';
import type { Random } from '../crypto/tokens.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../store/contract.ts';

/** The server's notion of time, injectable so tests can move it. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** What every service needs, built once by `createApp` and passed down. */
export interface Deps {
  store: Store;
  config: Config;
  clock: Clock;
  random: Random;
  keyring: Keyring;
  /** The verifier library's flows of the second factor, with this server's limits and keys. */
  mfa: FactorFlows;
  hasher: PasswordHasher;
  logger: Logger;
}

/** Who is acting and from where, for the audit log and rate limits. */
export interface Actor {
  username: string;
  ip: string;
}
