import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.ts';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('drops frames offered while one is being decoded, without starting them', async () => {
    const gate = new SingleFlight<string | null>();
    const first = deferred<string | null>();
    let started = 0;
    const pending = gate.run(() => {
      started += 1;
      return first.promise;
    });
    expect(pending).not.toBeNull();
    expect(gate.busy).toBe(true);
    for (let i = 0; i < 3; i++) {
      expect(
        gate.run(() => {
          started += 1;
          return Promise.resolve('late');
        }),
      ).toBeNull();
    }
    expect(started).toBe(1);
    expect(gate.dropped).toBe(3);
    first.resolve('otpauth://totp/x');
    await expect(pending).resolves.toBe('otpauth://totp/x');
    expect(gate.busy).toBe(false);
  });

  it('accepts the next frame once the previous decode finished', async () => {
    const gate = new SingleFlight<number>();
    await gate.run(() => Promise.resolve(1));
    await expect(gate.run(() => Promise.resolve(2))).resolves.toBe(2);
    expect(gate.dropped).toBe(0);
  });

  it('reopens after a decode fails, so one bad frame does not stall the camera', async () => {
    const gate = new SingleFlight<number>();
    const failing = deferred<number>();
    const pending = gate.run(() => failing.promise);
    failing.reject(new Error('detector choked'));
    await expect(pending).rejects.toThrow('detector choked');
    await expect(gate.run(() => Promise.resolve(3))).resolves.toBe(3);
  });

  it('reopens when the task throws before returning a promise', async () => {
    const gate = new SingleFlight<number>();
    const pending = gate.run(() => {
      throw new Error('no canvas');
    });
    await expect(pending).rejects.toThrow('no canvas');
    expect(gate.busy).toBe(false);
  });
});
