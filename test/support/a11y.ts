import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/**
 * Sets the browser's default text size (the font setting, not page zoom), as a person who needs
 * large text does in Chromium's settings. 32 px is 200 % of the default 16 px (monospace 13 px).
 *
 * @example await setTextSize(page, 32);
 */
export async function setTextSize(page: Page, standard: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', {
    fontSizes: { standard, fixed: Math.round((standard * 13) / 16) },
  });
  // Kept attached: Chromium drops the override when the session detaches.
}

/** What scrolls sideways on the page: the document, or any element (shadow roots included). */
export function sidewaysScrollers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) {
      found.push(`document: ${root.scrollWidth - root.clientWidth} px`);
    }
    const name = (el: Element) =>
      `${el.localName}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
    const walk = (scope: Document | ShadowRoot) => {
      for (const el of scope.querySelectorAll('*')) {
        if (el.shadowRoot) walk(el.shadowRoot);
        const { overflowX } = getComputedStyle(el);
        if (overflowX !== 'auto' && overflowX !== 'scroll') continue;
        if (el.scrollWidth > el.clientWidth + 1) {
          found.push(`${name(el)}: ${el.scrollWidth - el.clientWidth} px`);
        }
      }
    };
    walk(document);
    return found;
  });
}

/**
 * Elements whose text pokes out of its box: for each element matching `selector` (in shadow roots
 * too), the rectangle of its text must lie inside the element and every ancestor that clips
 * (overflow other than visible, or `contain: paint/strict/content`). Returns what sticks out.
 */
export function clippedText(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const found: string[] = [];
    const parentOf = (el: Element): Element | null =>
      el.parentElement ?? ((el.getRootNode() as ShadowRoot).host || null);
    const clips = (el: Element) => {
      const style = getComputedStyle(el);
      return (
        style.overflowX !== 'visible' ||
        style.overflowY !== 'visible' ||
        /paint|strict|content/.test(style.contain)
      );
    };
    const visit = (scope: Document | ShadowRoot) => {
      for (const el of scope.querySelectorAll('*')) if (el.shadowRoot) visit(el.shadowRoot);
      for (const el of scope.querySelectorAll(selector)) {
        if (!el.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(el);
        const text = range.getBoundingClientRect();
        // Its own box (text spilling out of a button) and every box that clips it.
        for (let box: Element | null = el; box; box = parentOf(box)) {
          if (box === document.documentElement || (box !== el && !clips(box))) continue;
          const r = box.getBoundingClientRect();
          const out = Math.max(
            r.left - text.left,
            text.right - r.right,
            r.top - text.top,
            text.bottom - r.bottom,
          );
          if (out > 0.5) {
            found.push(
              `"${el.textContent.trim()}" ${Math.round(out)} px outside ${box.localName}.${box.className}`,
            );
            break;
          }
        }
      }
    };
    visit(document);
    return found;
  }, selector);
}

/** The focused element, through open shadow roots, described for a report. */
export interface FocusStop {
  what: string;
  ring: string;
  against: string;
  contrast: number;
}

/**
 * Describes the focus indicator of the element that has focus now: the colour of its outline
 * (or, for a visually hidden input, of the element drawn for it next to it) and the contrast of
 * that colour against the opaque background the ring is drawn on (the nearest ancestor with a
 * background colour, blended over the page). Null when nothing but the body has focus.
 */
export function focusStop(page: Page): Promise<FocusStop | null> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return null;
    const parentOf = (e: Element): Element | null =>
      e.parentElement ?? ((e.getRootNode() as ShadowRoot).host || null);
    const rgba = (c: string): number[] => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m?.[1]) return [0, 0, 0, 0];
      const p = m[1]
        .split(/[\s,/]+/)
        .filter(Boolean)
        .map(Number);
      return [p[0] ?? 0, p[1] ?? 0, p[2] ?? 0, p[3] ?? 1];
    };
    const lum = ([r, g, b]: number[]) => {
      const ch = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * ch(r ?? 0) + 0.7152 * ch(g ?? 0) + 0.0722 * ch(b ?? 0);
    };
    // The element that draws the ring: a visually hidden input shows it on its sibling.
    let drawn: Element = el;
    if (Number(getComputedStyle(el).opacity) === 0 && el.nextElementSibling) {
      drawn = el.nextElementSibling;
    }
    const style = getComputedStyle(drawn);
    const ring =
      style.outlineStyle === 'none' || style.outlineWidth === '0px' ? null : style.outlineColor;
    // Layers of background from the ring's surroundings down to the page, blended top-down.
    const layers: number[][] = [];
    for (let box = parentOf(drawn); box; box = parentOf(box)) {
      const bg = rgba(getComputedStyle(box).backgroundColor);
      if ((bg[3] ?? 0) > 0) layers.push(bg);
      if ((bg[3] ?? 0) >= 1) break;
    }
    let under = [255, 255, 255];
    for (const layer of layers.reverse()) {
      const a = layer[3] ?? 1;
      under = under.map((v, i) => (layer[i] ?? 0) * a + v * (1 - a));
    }
    const describe = (e: Element) =>
      `${e.localName}${e.id ? `#${e.id}` : ''} "${(e.getAttribute('aria-label') ?? e.textContent ?? '').trim().slice(0, 30)}"`;
    if (!ring) return { what: describe(el), ring: 'none', against: `rgb(${under})`, contrast: 1 };
    const fg = rgba(ring);
    const a = fg[3] ?? 1;
    const blended = fg.slice(0, 3).map((v, i) => v * a + (under[i] ?? 0) * (1 - a));
    const [l1, l2] = [lum(blended), lum(under)].sort((x, y) => y - x);
    return {
      what: describe(el),
      ring,
      against: `rgb(${under.map(Math.round)})`,
      contrast: Math.round((((l1 ?? 0) + 0.05) / ((l2 ?? 0) + 0.05)) * 100) / 100,
    };
  });
}

/**
 * Presses Tab until focus comes back to where it started (or `max` presses), reporting every stop
 * whose ring has less than 3:1 against its background (WCAG 1.4.11, 2.4.13).
 *
 * @example expect(await weakFocusRings(page)).toEqual([]);
 */
export async function weakFocusRings(page: Page, max = 60): Promise<string[]> {
  const weak: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await focusStop(page);
    if (!stop) continue;
    if (seen.has(stop.what)) break;
    seen.add(stop.what);
    if (stop.contrast < 3)
      weak.push(`${stop.what}: ${stop.ring} on ${stop.against} = ${stop.contrast}:1`);
  }
  if (seen.size === 0) weak.push('no focus stop reached');
  return weak;
}

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * Runs axe-core (WCAG 2.0–2.2 A and AA rules) on the page as it is now and returns the serious
 * and critical violations, one line each. Injected through the DevTools protocol, so the pages'
 * Content-Security-Policy stays as strict as in production.
 *
 * @example expect(await axeViolations(page, 'login')).toEqual([]);
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  // A string is evaluated through the DevTools protocol, outside the page's CSP.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const results = await page.evaluate(async () => {
    type Axe = { run(ctx: unknown, opts: unknown): Promise<unknown> };
    const { axe } = window as unknown as { axe: Axe };
    return (await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
      resultTypes: ['violations'],
    })) as { violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] };
  });
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${where}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}

/** The deep active element's description (tag#id "name"), or "body". */
export function activeElement(page: Page): Promise<string> {
  return page.evaluate(() => {
    let el: Element | null = document.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return 'body';
    return `${el.localName}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 60)}"`;
  });
}
