import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Counts seconds down to zero and re-renders its host each second: the lockout time remaining
 * after a 429. Stops with the host, so a removed element leaves no timer behind.
 *
 * @example
 * private lockout = new CountdownController(this);
 * this.lockout.start(error.retryAfter ?? 30);
 * html`Try again in ${formatSeconds(this.lockout.remaining)}`;
 */
export class CountdownController implements ReactiveController {
  private endsAt = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly onDone: () => void = () => {},
    private readonly now: () => number = () => Date.now(),
  ) {
    host.addController(this);
  }

  /** Whole seconds left, 0 when not running. */
  get remaining(): number {
    return Math.max(0, Math.ceil((this.endsAt - this.now()) / 1000));
  }

  /** True while counting. */
  get running(): boolean {
    return this.timer !== undefined;
  }

  /** (Re)starts the count at `seconds`. */
  start(seconds: number): void {
    this.stop();
    this.endsAt = this.now() + seconds * 1000;
    this.timer = setInterval(() => this.tick(), 1000);
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.stop();
  }

  private tick(): void {
    if (this.remaining === 0) {
      this.stop();
      this.onDone();
    }
    this.host.requestUpdate();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}

/**
 * Formats seconds as m:ss (or h:mm:ss past an hour), for a lockout message.
 *
 * @example formatSeconds(75) // '1:15'
 */
export function formatSeconds(total: number): string {
  const s = Math.max(0, Math.floor(total));
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(s % 60)}` : `${minutes}:${pad(s % 60)}`;
}
