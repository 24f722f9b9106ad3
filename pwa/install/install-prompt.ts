/**
 * The browser's offer to install the app (`beforeinstallprompt`, Chromium), kept so a button can
 * make it when the person asks. Browsers that never fire it (Safari, Firefox) show no button:
 * their own menu installs.
 */

/** The part of Chromium's `BeforeInstallPromptEvent` the app uses (not in TypeScript's DOM lib). */
export interface InstallPromptEvent extends Event {
  prompt(): Promise<unknown>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

/** Name of the window event sent when the offer comes or goes (`installOffer()` changed). */
export const INSTALL_OFFER_EVENT = 'app-install-offer';

let offer: InstallPromptEvent | null = null;

function changed(next: InstallPromptEvent | null): void {
  offer = next;
  window.dispatchEvent(new Event(INSTALL_OFFER_EVENT));
}

/**
 * Starts listening; call once, early (the event may come right after load). The browser's own
 * mini-infobar is held back, since the app offers the same in its own words.
 *
 * @example listenForInstallOffer(); // in main.ts
 */
export function listenForInstallOffer(): void {
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    changed(event as InstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => changed(null));
}

/** True while the browser offers to install the app. */
export function installOffer(): boolean {
  return offer !== null;
}

/**
 * Shows the browser's install dialog. An offer can be made once: it is gone afterwards, whatever
 * the answer (the browser fires a new `beforeinstallprompt` if it offers again).
 *
 * @returns the person's answer, or 'unavailable' when there is no offer
 */
export async function install(): Promise<'accepted' | 'dismissed' | 'unavailable'> {
  const event = offer;
  if (!event) return 'unavailable';
  changed(null);
  await event.prompt();
  return (await event.userChoice).outcome;
}
