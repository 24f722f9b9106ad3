/**
 * Locks after a chosen idle time, and (if chosen) as soon as the page is hidden. Activity is
 * shared by every tab of the app through `localStorage` (a time, not a secret), so a tab left in
 * the background does not lock the one being used.
 */

const SHARED_ACTIVITY = 'mfa-companion-last-activity';
/** Activity is written for the other tabs at most this often. */
const SHARE_EVERY_MS = 5_000;
const ACTIVITY = [
  'pointerdown',
  'pointermove',
  'keydown',
  'wheel',
  'touchstart',
  'scroll',
] as const;

function sharedActivity(): number {
  try {
    return Number(localStorage.getItem(SHARED_ACTIVITY)) || 0;
  } catch {
    return 0;
  }
}

/**
 * @example const idle = new IdleLock(() => lock.lockNow()); idle.start(5, true);
 */
export class IdleLock {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private idleMs = 0;
  private whenHidden = false;
  private running = false;
  private lastActivity = 0;
  private lastShared = 0;

  constructor(
    private readonly onIdle: () => void,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Watches with these settings (0 minutes: no idle lock), from now as the last activity. */
  start(idleMinutes: number, lockWhenHidden: boolean): void {
    this.stop();
    this.idleMs = idleMinutes * 60_000;
    this.whenHidden = lockWhenHidden;
    if (!this.idleMs && !this.whenHidden) return;
    this.running = true;
    this.onActivity();
    for (const type of ACTIVITY)
      window.addEventListener(type, this.onActivity, { capture: true, passive: true });
    document.addEventListener('visibilitychange', this.onVisibility);
    this.arm(this.idleMs);
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.running) return;
    this.running = false;
    for (const type of ACTIVITY)
      window.removeEventListener(type, this.onActivity, { capture: true });
    document.removeEventListener('visibilitychange', this.onVisibility);
  }

  private arm(ms: number): void {
    if (!this.idleMs) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(this.check, ms);
  }

  private readonly onActivity = (): void => {
    const now = this.now();
    this.lastActivity = now;
    if (now - this.lastShared < SHARE_EVERY_MS) return;
    this.lastShared = now;
    try {
      localStorage.setItem(SHARED_ACTIVITY, String(now));
    } catch {
      // No storage for it: each tab then counts its own activity only.
    }
  };

  private readonly check = (): void => {
    this.timer = null;
    if (!this.running || !this.idleMs) return;
    const left = Math.max(this.lastActivity, sharedActivity()) + this.idleMs - this.now();
    if (left <= 0) this.idled();
    else this.arm(left);
  };

  private readonly onVisibility = (): void => {
    if (document.visibilityState === 'hidden') {
      if (this.whenHidden) this.idled();
    } else {
      // A hidden page's timers are throttled: the idle time may have passed meanwhile.
      this.check();
    }
  };

  private idled(): void {
    this.stop();
    this.onIdle();
  }
}
