import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ClockSubscriber, type SharedClock, sharedClock } from './shared-clock.ts';

/**
 * Lit reactive controller that redraws its host when `key(now)` changes, driven by the one
 * shared clock. The host reads the time from `controller.now`.
 *
 * @example
 * private clock = new ClockController(this, (now) => (this.visible ? Math.floor(now / 1000) : 'off'));
 */
export class ClockController implements ReactiveController, ClockSubscriber {
  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly key: (now: number) => unknown,
    private readonly clock: SharedClock = sharedClock,
  ) {
    host.addController(this);
  }

  /** The current time (ms since the epoch). */
  get now(): number {
    return this.clock.now();
  }

  /** Re-evaluates the key now, e.g. after the host became visible. */
  refresh(): void {
    this.clock.refresh(this);
  }

  hostConnected(): void {
    this.clock.add(this);
  }

  hostDisconnected(): void {
    this.clock.delete(this);
  }

  clockKey(now: number): unknown {
    return this.key(now);
  }

  clockChanged(): void {
    this.host.requestUpdate();
  }
}
