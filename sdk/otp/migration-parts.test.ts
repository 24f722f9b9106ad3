import { describe, expect, it } from 'vitest';
import { decodeMigrationPayload } from './decode-migration-uri.ts';
import { encodeMigrationUris } from './encode-migration-uris.ts';
import { collectMigrationParts } from './migration-parts.ts';
import type { OtpAccount } from './types.ts';

const account = (n: number): OtpAccount => ({
  type: 'totp',
  secret: 'JBSWY3DPEHPK3PXP',
  issuer: 'ACME',
  label: `user${n}@example.com`,
  algorithm: 'SHA1',
  digits: 6,
  period: 30,
});
const accounts = Array.from({ length: 25 }, (_, n) => account(n));
const parts = (batchId: number, list = accounts) =>
  encodeMigrationUris(list, { batchId }).map(decodeMigrationPayload);

describe('collectMigrationParts', () => {
  it('completes a three-part export read in any order, accounts in export order', () => {
    const [p1, p2, p3] = parts(7);
    const collection = collectMigrationParts();
    expect(collection.add(p3!)).toEqual({ status: 'added', received: 1, size: 3 });
    expect(collection.missing()).toEqual([1, 2]);
    expect(collection.add(p1!)).toEqual({ status: 'added', received: 2, size: 3 });
    const done = collection.add(p2!);
    expect(done.status).toBe('complete');
    expect(done.status === 'complete' && done.accounts.map((a) => a.label)).toEqual(
      accounts.map((a) => a.label),
    );
    expect(collection.missing()).toEqual([]);
  });

  it('ignores a part already read', () => {
    const [p1] = parts(7);
    const collection = collectMigrationParts();
    collection.add(p1!);
    expect(collection.add(p1!)).toEqual({ status: 'repeated', received: 1, size: 3 });
  });

  it('refuses a part of another export, by batch id or by size', () => {
    const collection = collectMigrationParts();
    collection.add(parts(7)[0]!);
    expect(collection.add(parts(8)[1]!)).toEqual({ status: 'foreign', received: 1, size: 3 });
    expect(collection.add(parts(7, accounts.slice(0, 12))[1]!)).toMatchObject({
      status: 'foreign',
    });
    expect(collection.progress()).toEqual({ received: 1, size: 3 });
  });

  it('refuses a part whose index lies outside its export, and lets a real export start after it', () => {
    const collection = collectMigrationParts();
    const [p1] = parts(7);
    const broken = { ...p1!, batch: { ...p1!.batch, index: 5 } };
    expect(collection.add(broken).status).toBe('foreign');
    expect(collection.progress()).toEqual({ received: 0, size: 0 });
    expect(collection.add(parts(9)[0]!).status).toBe('added');
  });

  it('completes a single-code export at once', () => {
    const [only] = parts(1, accounts.slice(0, 3));
    const result = collectMigrationParts().add(only!);
    expect(result).toMatchObject({ status: 'complete', received: 1, size: 1 });
  });

  it('numbers skipped entries across the whole export', () => {
    const [p1, p2] = parts(3, accounts.slice(0, 12));
    const skipped = { index: 0, reason: 'UNSUPPORTED_ALGORITHM' as const, message: 'MD5' };
    const collection = collectMigrationParts();
    collection.add(p1!);
    const done = collection.add({ ...p2!, skipped: [skipped] });
    expect(done.status === 'complete' && done.skipped).toEqual([{ ...skipped, index: 10 }]);
  });
});
