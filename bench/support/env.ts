/**
 * A bench setting from the environment as a whole number of at least `min`, or its default;
 * anything else stops the bench with one clear line before it seeds or starts anything.
 *
 * @example const USERS = wholeNumberFromEnv('BENCH_USERS', 200_000);
 */
export function wholeNumberFromEnv(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${name} must be a whole number of at least ${min}, not "${raw}"`);
  }
  return value;
}
