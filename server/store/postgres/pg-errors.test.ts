import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../store-unavailable.ts';
import { isRetryable, translateError } from './pg-errors.ts';

const coded = (code: string) => Object.assign(new Error(`failed: ${code}`), { code });

describe('translateError', () => {
  it.each([
    'ECONNREFUSED',
    'ECONNRESET',
    'CONNECTION_CLOSED',
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
