// The page the component tests drive: defines the elements and records every event they
// dispatch, so a test can read what a developer's page would have received.
import { createMfaClient, type MfaClient } from '../../../sdk/client/index.ts';
import { sanitizeQrSvg } from '../../../sdk/elements/index.ts';

interface Recorded {
  type: string;
  detail: unknown;
}

const events: Recorded[] = [];
for (const type of ['mfa-enrolled', 'mfa-recovery-codes-saved', 'mfa-authenticated', 'mfa-error']) {
  document.addEventListener(type, (event) => {
    events.push({ type, detail: (event as CustomEvent).detail });
  });
}

declare global {
  interface Window {
    sdkHarness: {
      events: Recorded[];
      mount(markup: string): void;
      sanitizeQrSvg: typeof sanitizeQrSvg;
      /** The page's own client (same origin, browser cookies), for the password step. */
      client: MfaClient;
    };
  }
}

window.sdkHarness = {
  events,
  mount(markup) {
    events.length = 0;
    const stage = document.getElementById('stage')!;
    stage.innerHTML = markup;
  },
  sanitizeQrSvg,
  client: createMfaClient(),
};
document.body.dataset.ready = 'true';
