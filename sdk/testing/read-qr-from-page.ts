import {
  createVirtualAuthenticator,
  type VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from './create-virtual-authenticator.ts';
import { decodePng } from './decode-png.ts';
import { rasterizeQrSvg, readQr } from './read-qr.ts';
import { TestingError } from './testing-error.ts';

/**
 * The part of a Playwright `Locator` the page scanner uses. Written out rather than imported so
 * the types hold without playwright-core installed; a `Locator` of playwright-core or
 * `@playwright/test` fits it.
 */
export interface QrLocator {
  count(): Promise<number>;
  nth(index: number): QrLocator;
  boundingBox(): Promise<{ width: number; height: number } | null>;
  evaluate<R>(pageFunction: (element: SVGElement | HTMLElement) => R): Promise<R>;
  screenshot(): Promise<Uint8Array>;
}

/** The part of a Playwright `Page` (or `Frame`, or a `Locator` to search inside) it uses. */
export interface QrPage {
  locator(selector: string): QrLocator;
}

/** Options of {@link readQrFromPage}. */
export interface ReadQrFromPageOptions {
  /** Where to look: a CSS selector (Playwright's CSS crosses open shadow roots). Default `'img, svg'`. */
  selector?: string;
  /** How long to keep looking for a QR that has not appeared yet, in ms. Default 5000. */
  timeout?: number;
}

/** Options of {@link authenticatorFromPage}. */
export interface AuthenticatorFromPageOptions
  extends ReadQrFromPageOptions,
    VirtualAuthenticatorOptions {
  /** Add the account to this authenticator instead of a new one. */
  authenticator?: VirtualAuthenticator;
}

/** A QR is 21 modules or more; anything smaller than 2 px a module on screen is an icon. */
const MIN_SIZE = 42;

/**
 * Finds the QR code shown on a page and reads its text, as a phone held to the screen would:
 * each visible `<img>` and inline `<svg>` (inside shadow roots too) is tried, an SVG (inline or
 * a `data:` URL) from its markup, anything else from a screenshot of the element. Keeps looking
 * until `timeout`, since an enrolment QR usually arrives after a request.
 *
 * @param page - a Playwright `Page`, `Frame` or `Locator`
 * @param options - see {@link ReadQrFromPageOptions}
 * @returns the QR's text, e.g. an `otpauth://` URI
 * @throws TestingError NO_QR_FOUND when no element holds a readable QR within `timeout`
 * @example const uri = await readQrFromPage(page, { selector: 'mfa-enroll img' });
 */
export async function readQrFromPage(
  page: QrPage,
  { selector = 'img, svg', timeout = 5000 }: ReadQrFromPageOptions = {},
): Promise<string> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const candidates = page.locator(selector);
    const count = await candidates.count();
    for (let i = 0; i < count; i++) {
      const text = await readCandidate(candidates.nth(i));
      if (text !== null) return text;
    }
    if (Date.now() >= deadline) {
      throw new TestingError(
        'NO_QR_FOUND',
        `no readable QR code in ${count} element(s) matching "${selector}" within ${timeout} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Reads the enrolment QR on a page ({@link readQrFromPage}) into a virtual authenticator.
 *
 * @param page - a Playwright `Page`, `Frame` or `Locator`
 * @param options - where and how long to look, the phone's clock, or an authenticator to add to
 * @returns the authenticator holding the account (throws OtpError when the QR is not a key URI)
 * @example
 * await page.getByRole('button', { name: 'Enable MFA' }).click();
 * const phone = await authenticatorFromPage(page);
 * await page.locator('mfa-enroll input').fill(phone.code());
 */
export async function authenticatorFromPage(
  page: QrPage,
  { authenticator, now, ...where }: AuthenticatorFromPageOptions = {},
): Promise<VirtualAuthenticator> {
  const phone = authenticator ?? createVirtualAuthenticator(now ? { now } : {});
  phone.addUri(await readQrFromPage(page, where));
  return phone;
}

/** The QR text of one element, or null when it holds none (or vanished meanwhile). */
async function readCandidate(element: QrLocator): Promise<string | null> {
  try {
    const box = await element.boundingBox();
    if (!box || Math.min(box.width, box.height) < MIN_SIZE) return null;
    const svg = await element.evaluate(svgMarkup);
    if (svg) {
      try {
        return readQr(rasterizeQrSvg(svg));
      } catch {
        // Drawn in a way the small rasteriser does not know: let the browser draw it.
      }
    }
    return readQr(decodePng(await element.screenshot()));
  } catch {
    return null;
  }
}

/** Runs in the page: the SVG markup of an inline `<svg>` or an `<img>` with an SVG `data:` URL. */
function svgMarkup(element: SVGElement | HTMLElement): string | null {
  if (element.localName === 'svg') return element.outerHTML;
  const src = element.getAttribute('src') ?? '';
  const match = /^data:image\/svg\+xml(;[^,]*)?,(.*)$/s.exec(src);
  if (!match) return null;
  return match[1]?.includes('base64') ? atob(match[2] ?? '') : decodeURIComponent(match[2] ?? '');
}
