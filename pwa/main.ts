/**
 * Entry point of the PWA: defines the shell (which loads the vault and the current screen) and
 * keeps the shared clock honest when the page comes back from the background.
 */
import './app-shell.ts';
import { sharedClock } from './clock/shared-clock.ts';
import { listenForInstallOffer } from './install/install-prompt.ts';

listenForInstallOffer();

document.addEventListener('visibilitychange', () => {
  // Hidden pages get throttled timers: catch up at once on return.
  if (document.visibilityState === 'visible') sharedClock.tick();
});
