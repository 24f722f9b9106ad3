import { describe, expect, it } from 'vitest';
import { MfaApiError, parseRetryAfter } from './mfa-api-error.ts';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  it.each([
    ['delay-seconds', '120', 120],
    ['zero', '0', 0],
    ['an HTTP date 90 s ahead', new Date(now + 90_000).toUTCString(), 90],
    ['an HTTP date in the past', new Date(now - 5_000).toUTCString(), 0],
    ['absent', null, undefined],
    ['garbage', 'soon', undefined],
    ['a negative number', '-5', undefined],
  ])('reads %s', (_what, value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('MfaApiError', () => {
  it('carries code, message, status and retryAfter and is an Error', () => {
    const error = new MfaApiError({
      code: 'RATE_LIMITED',
      message: 'slow down',
      status: 429,
      retryAfter: 7,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({
      name: 'MfaApiError',
      code: 'RATE_LIMITED',
      status: 429,
      retryAfter: 7,
    });
    expect(error.message).toBe('slow down');
  });
});
