import { describe, expect, it } from 'vitest';
import { batchedLines, createLogger } from './logger.ts';

describe('batchedLines', () => {
  it('writes the lines of one event-loop turn with one call, in order', async () => {
    const writes: string[] = [];
    const logger = createLogger(batchedLines((text) => writes.push(text)));
    logger.info('a', { n: 1 });
    logger.warn('b');
    expect(writes).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    const lines = writes[0]?.split('\n') ?? [];
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>)).toMatchObject([
      { level: 'info', message: 'a', n: 1 },
      { level: 'warn', message: 'b' },
    ]);
    logger.error('c');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(2);
    expect(JSON.parse(writes[1] ?? '')).toMatchObject({ level: 'error', message: 'c' });
  });
});
