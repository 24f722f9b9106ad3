import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../store-unavailable.ts';
import { driverError, isRetryable, translateError } from './pg-errors.ts';

const coded = (code: string) => Object.assign(new Error(`failed: ${code}`), { code });

describe('translateError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    // A write racing the socket's end when the backend closed it first.
    'ERR_STREAM_WRITE_AFTER_END',
    'ERR_STREAM_DESTROYED',
    'ERR_SOCKET_CLOSED',
    '57P01',
    '08006',
    '40001',
  ])('answers %s as the store being unavailable, with only the code', (code) => {
    const translated = translateError(coded(code));
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect((translated as StoreUnavailableError).reason).toBe(code);
    expect((translated as Error).message).not.toContain('failed');
  });

  it('leaves every other error as it is', () => {
    const unique = coded('23505');
    expect(translateError(unique)).toBe(unique);
    const plain = new Error('bug');
    expect(translateError(plain)).toBe(plain);
  });

  it('retries only serialization failures and deadlocks', () => {
    expect(isRetryable(coded('40001'))).toBe(true);
    expect(isRetryable(coded('40P01'))).toBe(true);
    expect(isRetryable(coded('57P01'))).toBe(false);
  });
});

describe('driverError', () => {
  const answered = (code: string) =>
    Object.assign(new pg.DatabaseError(`failed: ${code}`, 0, 'error'), { code });

  it('answers a lost connection as unavailable, though the driver gives it no code', () => {
    const lost = driverError(new Error('Connection terminated unexpectedly'));
    expect(lost).toBeInstanceOf(StoreUnavailableError);
    expect((lost as StoreUnavailableError).reason).toBe('CONNECTION_LOST');
    expect((driverError(coded('ECONNRESET')) as StoreUnavailableError).reason).toBe('ECONNRESET');
  });

  it('answers the database going away as unavailable', () => {
    expect((driverError(answered('57P01')) as StoreUnavailableError).reason).toBe('57P01');
    expect((driverError(answered('55000')) as StoreUnavailableError).reason).toBe('55000');
  });

  it('leaves the database’s other answers as they are, serialization failures included', () => {
    for (const code of ['23505', '40001', '40P01']) {
      const error = answered(code);
      expect(driverError(error)).toBe(error);
    }
  });
});
