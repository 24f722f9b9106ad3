/**
 * Lets at most one task run at a time and drops (does not queue) the ones offered meanwhile.
 * Camera frames go stale in milliseconds: queueing them behind a slow decode would only add
 * latency, so while the decoder is busy new frames are simply skipped.
 *
 * @example
 * const gate = new SingleFlight<string | null>();
 * const pending = gate.run(() => decode(frame)); // null when a frame is already in flight
 */
export class SingleFlight<T> {
  #busy = false;
  #dropped = 0;

  /** True while a task is in flight. */
  get busy(): boolean {
    return this.#busy;
  }

  /** How many tasks were dropped because one was in flight. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * Starts `task` when nothing is in flight.
   *
   * @param task - started synchronously when the gate is free
   * @returns the task's promise, or `null` when the task was dropped (and never started)
   */
  run(task: () => Promise<T>): Promise<T> | null {
    if (this.#busy) {
      this.#dropped += 1;
      return null;
    }
    this.#busy = true;
    let pending: Promise<T>;
    try {
      pending = task();
    } catch (error) {
      this.#busy = false;
      return Promise.reject(error);
    }
    // The gate reopens whether the task succeeds or fails, or the next frame would wait forever.
    return pending.finally(() => {
      this.#busy = false;
    });
  }
}
