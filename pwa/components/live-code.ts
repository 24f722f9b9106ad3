import type { OtpAccount } from '../../sdk/otp/index.ts';
import {
  animateInStep,
  countdownKeyframes,
  drainKeyframes,
  retime,
  type SteppedAnimation,
  stepKeyframes,
} from '../clock/period-animation.ts';
import { secondsLeft, stepAt } from '../clock/period-math.ts';
import { groupCode } from '../format/group-code.ts';

/** Seconds before the boundary from which the next code is shown too. */
export const NEXT_CODE_WINDOW = 5;
/** Seconds before the next code is shown that it is written, still hidden. */
export const PREPARE_AHEAD = 5;

/**
 * What the code's nodes hold at `now`: 0 the code; 1 also the next code, written but hidden;
 * 2 the next code shown (the last `NEXT_CODE_WINDOW` seconds).
 */
export function livePhase(now: number, period: number): 0 | 1 | 2 {
  const left = secondsLeft(now, period);
  if (left <= NEXT_CODE_WINDOW) return 2;
  return left <= NEXT_CODE_WINDOW + PREPARE_AHEAD ? 1 : 0;
}

/** The clock as LiveCode needs it (a `ClockController`). */
export interface LiveClock {
  readonly now: number;
  readonly shifts: number;
  timelineAt(wall: number): number;
}

/**
 * The parts of an account card that change with the clock, written straight to the DOM so a
 * period boundary neither runs the card's Lit template nor needs a main-thread frame.
 *
 * A TOTP code has two slots on top of each other, for even and odd time steps; compositor
 * animations in step with the wall clock show the slot of the current step, show the next-code
 * line in the last seconds, step the seconds left and turn the countdown to its ending colour. The main thread writes:
 * - `PREPARE_AHEAD` s before the next code shows: that code into the hidden slot and into the
 *   next-code line (one small frame, while both are still invisible);
 * - when it shows: the button's label (which announces both codes) and `data-next`;
 * - at the boundary: the label and `data-code` only. Nothing styles these attributes, so no
 *   frame follows unless assistive technology is listening.
 *
 * HOTP has one slot, written when the counter changes.
 *
 * @example const live = new LiveCode(button, account, (step) => card.codeAt(step), clockController);
 */
export class LiveCode {
  private readonly slots: HTMLElement[];
  private readonly nextLine: HTMLElement | null;
  private readonly animations: SteppedAnimation[] = [];
  private timedShifts: number;

  constructor(
    readonly button: HTMLButtonElement,
    readonly account: OtpAccount,
    private readonly codeAt: (step: number) => string,
    private readonly clock: LiveClock,
  ) {
    const card = button.closest('article') ?? button.parentElement;
    this.slots = [...button.querySelectorAll<HTMLElement>('.slot')];
    this.nextLine = card?.querySelector<HTMLElement>('.next') ?? null;
    this.timedShifts = clock.shifts;
    if (account.type !== 'totp' || this.slots.length < 2) return;
    const period = account.period * 1000;
    const ending = Math.max(0, 1 - NEXT_CODE_WINDOW / account.period);
    const now = clock.now;
    const at = (wall: number) => clock.timelineAt(wall);
    const start = (el: Element | null | undefined, keyframes: Keyframe[], cycle: number) => {
      if (el) this.animations.push(animateInStep(el, keyframes, cycle, now, at));
    };
    // Over two periods: the even step's slot shows in the first, the odd step's in the second.
    start(this.slots[0], stepKeyframes('opacity', 1, 0, 0.5), 2 * period);
    start(this.slots[1], stepKeyframes('opacity', 0, 1, 0.5), 2 * period);
    start(this.nextLine, stepKeyframes('opacity', 0, 1, ending), period);
    start(card?.querySelector('.fill'), drainKeyframes(account.period), period);
    start(card?.querySelector('.strip'), countdownKeyframes(account.period), period);
    start(card?.querySelector('.calm'), stepKeyframes('opacity', 1, 0, ending), period);
  }

  /** Stops the animations (the card is about to draw this account anew). */
  stop(): void {
    for (const { animation } of this.animations) animation.cancel();
  }

  /** Writes what differs from what the nodes hold for `now`; `name` is the account's name. */
  show(now: number, name: string): void {
    const { account } = this;
    if (account.type === 'hotp') {
      const code = this.codeAt(account.counter ?? 0);
      writeText(this.slots[0], groupCode(code));
      this.label(name, code, null);
      return;
    }
    if (this.clock.shifts !== this.timedShifts) {
      this.timedShifts = this.clock.shifts;
      for (const animation of this.animations)
        retime(animation, now, (t) => this.clock.timelineAt(t));
    }
    const step = stepAt(now, account.period);
    const phase = livePhase(now, account.period);
    const code = this.codeAt(step);
    // Normally already there: written while hidden, one phase ahead.
    writeText(this.slots[step % 2], groupCode(code));
    const next = phase > 0 ? this.codeAt(step + 1) : null;
    if (next !== null) {
      writeText(this.slots[(step + 1) % 2], groupCode(next));
      writeText(this.nextLine, `Next: ${groupCode(next)}`);
    }
    // Left in place after the boundary, where the compositor hides it.
    const shown = phase === 2 ? next : null;
    writeAttribute(this.nextLine, 'data-next', shown);
    this.label(name, code, shown);
  }

  private label(name: string, code: string, next: string | null): void {
    writeAttribute(this.button, 'data-code', code);
    // The name holds the code as the button shows it (WCAG 2.5.3 Label in Name), so a voice
    // command "click 287 082" finds it.
    const nextText = next === null ? '' : ` Next code: ${groupCode(next)}.`;
    writeAttribute(
      this.button,
      'aria-label',
      `Code for ${name}: ${groupCode(code)}.${nextText} Activate to copy.`,
    );
  }
}

/** Sets the text of an element whose only child is a text node, if it differs. */
function writeText(element: Element | null | undefined, text: string): void {
  if (!element) return;
  const node = element.firstChild;
  // Changing a text node's data re-lays out its line; replacing the node would rebuild it.
  if (node instanceof Text) {
    if (node.data !== text) node.data = text;
  } else {
    element.textContent = text;
  }
}

/** Sets (or, for null, removes) an attribute, if it differs. */
function writeAttribute(element: Element | null, name: string, value: string | null): void {
  if (!element || element.getAttribute(name) === value) return;
  if (value === null) element.removeAttribute(name);
  else element.setAttribute(name, value);
}
