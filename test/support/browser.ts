import { type Browser, chromium, type LaunchOptions } from 'playwright-core';
import { announceSkip, findChromium, mustRunEverything } from './environment.ts';

/** Flags Chromium needs as root on a machine with a closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const executablePath = findChromium();

/**
 * True when browser suites can run. Under CI=true a missing Chromium throws, so the run fails
 * instead of skipping; by hand it prints a loud skip message.
 *
 * @example describe.skipIf(!browserAvailable)('add by QR image', () => { … })
 */
export const browserAvailable: boolean = (() => {
  if (executablePath) return true;
  if (mustRunEverything) {
    throw new Error(
      'Chromium is required under CI=true (apt-get install chromium, or set CHROMIUM_PATH)',
    );
  }
  announceSkip('browser tests', 'Chromium not found (apt-get install chromium)');
  return false;
})();

/** Launches headless Debian Chromium with the flags this machine needs, plus any extra args. */
export async function launchChromium(
  extraArgs: string[] = [],
  options: LaunchOptions = {},
): Promise<Browser> {
  if (!executablePath) throw new Error('Chromium not found');
  return chromium.launch({
    executablePath,
    headless: true,
    ...options,
    args: [...chromiumArgs, ...extraArgs, ...(options.args ?? [])],
  });
}
