import { VerifierError } from '../verifier-error.ts';

/**
 * The error for a database driver that is not installed: it is an optional peer of the package,
 * installed only by those who use that database.
 */
export function missingDriver(name: 'pg' | 'better-sqlite3', error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND') return error as Error;
  return new VerifierError(
    'DRIVER_MISSING',
    `This database needs the ${name} package: npm install ${name}`,
  );
}
