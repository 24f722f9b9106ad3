import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { type ClockSubscriber, type SharedClock, sharedClock } from './shared-clock.ts';

/**
 * Lit reactive controller driven by the one shared clock: when `key(now)` changes it calls
 * `onChange(now)`, which by default redraws the host. A host that writes its few changing nodes
 * itself passes its own `onChange` and skips Lit's update. The host reads the time from
 * `controller.now`.
 *
 * @example
 * private clock = new ClockController(this, (now) => (this.visible ? Math.floor(now / 1000) : 'off'));
 */
export class ClockController implements ReactiveController, ClockSubscriber {
  constructor(
    host: ReactiveControllerHost,
    private readonly key: (now: number) => unknown,
    private readonly onChange: (now: number) => void = () => host.requestUpdate(),
    private readonly clock: SharedClock = sharedClock,
  ) {
    host.addController(this);
  }

  /** The current time (ms since the epoch). */
  get now(): number {
    return this.clock.now();
  }

  /** See {@link SharedClock.shifts}. */
  get shifts(): number {
    return this.clock.shifts;
  }

  /** See {@link SharedClock.timelineAt}. */
  timelineAt(wall: number): number {
    return this.clock.timelineAt(wall);
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

  clockChanged(now: number): void {
    this.onChange(now);
  }
}
