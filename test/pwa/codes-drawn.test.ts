import { describe, expect, it } from 'vitest';
import { groupCode } from '../../pwa/format/group-code.ts';
import { generateCode, parseKeyUri } from '../../sdk/otp/index.ts';
import { browserAvailable } from '../support/browser.ts';
import { useAppBrowser } from './support/app-browser.ts';
import { confirmAdd, openContext, pasteKey, shownCodes } from './support/app-page.ts';

/** What one frame drew: the slots at full opacity, the next-code line and the bar's colour. */
interface Frame {
  /** Wall-clock time of the frame's animation values, ms. */
  at: number;
  shown: string[];
  nextOpacity: string;
  calmOpacity: string;
  /** The countdown's horizontal scale. */
  barScale: number;
  /** The number the seconds box shows: the line of its column inside the box. */
  seconds: string;
}

// A 10 s period, so the real clock crosses a boundary within the test.
const uri = 'otpauth://totp/Fast:eve?secret=JBSWY3DPEHPK3PXP&issuer=Fast&period=10';
const account = parseKeyUri(uri);
/**
 * Frames this close to a switch (ms) may show either side of it: the app keeps its wall-clock to
 * timeline offset within 50 ms (`MAX_TIMELINE_DRIFT` in pwa/clock/shared-clock.ts), and reads it
 * with two calls that a loaded machine may pull apart (a frame 66 ms before a boundary showed the
 * next code once, in a full test run on 2 busy cores).
 */
const SLACK = 120;

describe.skipIf(!browserAvailable)('PWA: codes as drawn, real clock', { timeout: 90_000 }, () => {
  const env = useAppBrowser();

  it('draws the current code, the next-code line, the countdown, the seconds left and the ending colour in step with the wall clock', async () => {
    const { context, page, errors } = await openContext(env.browser);
    await pasteKey(page, env.app.url, uri);
    await confirmAdd(page);
    await shownCodes(page);
    // Sampled in the page, every frame for a period and a half: no script runs at the boundary
    // to draw the new code (the compositor swaps the slots), so this reads what is drawn.
    const frames = await page.evaluate(
      (ms) =>
        new Promise<Frame[]>((resolve) => {
          const root = document
            .querySelector('app-shell')
            ?.shadowRoot?.querySelector('codes-page')
            ?.shadowRoot?.querySelector('account-card')?.shadowRoot;
          const opacity = (selector: string) => {
            const el = root?.querySelector(selector);
            return el ? getComputedStyle(el).opacity : 'missing';
          };
          const out: Frame[] = [];
          const end = performance.now() + ms;
          const sample = () => {
            const timeline = Number(document.timeline.currentTime);
            out.push({
              // The frame's wall-clock time in one read: no gap between two clocks' calls.
              at: performance.timeOrigin + timeline,
              shown: [...(root?.querySelectorAll('.slot') ?? [])]
                .filter((slot) => getComputedStyle(slot).opacity === '1')
                .map((slot) => slot.textContent ?? ''),
              nextOpacity: opacity('.next'),
              calmOpacity: opacity('.calm'),
              barScale: new DOMMatrix(
                getComputedStyle(root?.querySelector('.fill') ?? document.body).transform,
              ).a,
              seconds: (() => {
                const strip = root?.querySelector<HTMLElement>('.strip');
                const box = strip?.parentElement;
                if (!strip || !box) return 'missing';
                const lines = (strip.textContent ?? '').split('\n');
                const lineHeight = strip.offsetHeight / lines.length;
                const moved = -new DOMMatrix(getComputedStyle(strip).transform).f;
                return lines[Math.round(moved / lineHeight)] ?? 'outside';
              })(),
            });
            if (performance.now() < end) requestAnimationFrame(sample);
            else resolve(out);
          };
          requestAnimationFrame(sample);
        }),
      15_000,
    );
    const clear = frames.filter((f) => {
      const intoSecond = f.at % 1000;
      return intoSecond > SLACK && intoSecond < 1000 - SLACK;
    });
    expect(clear.length).toBeGreaterThan(100);
    const steps = new Set(clear.map((f) => Math.floor(f.at / 10_000)));
    expect(steps.size).toBeGreaterThan(1);
    for (const f of clear) {
      const ending = f.at % 10_000 >= 5_000;
      expect({ at: f.at, shown: f.shown }).toEqual({
        at: f.at,
        shown: [groupCode(generateCode(account, f.at))],
      });
      expect({ at: f.at, next: f.nextOpacity, calm: f.calmOpacity }).toEqual({
        at: f.at,
        next: ending ? '1' : '0',
        calm: ending ? '0' : '1',
      });
      // The bar shows the whole seconds left, one step a second.
      const secondsLeft = 10 - (Math.floor(f.at / 1000) % 10);
      expect({ at: f.at, scale: f.barScale }).toEqual({
        at: f.at,
        scale: expect.closeTo(secondsLeft / 10, 5),
      });
      // And the number beside the code says it.
      expect({ at: f.at, seconds: f.seconds }).toEqual({ at: f.at, seconds: String(secondsLeft) });
    }
    // The line under the code holds the next code whenever it is shown.
    const next = await page.locator('account-card .next').textContent();
    expect(next === '' || next?.startsWith('Next: ')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
