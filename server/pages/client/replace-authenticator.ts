import { html, nothing, render } from 'lit';
import { MfaApiError, type MfaReplacement } from '../../../sdk/client/index.ts';
import { isRecoveryCode } from '../../../sdk/elements/error-messages.ts';
import { sanitizeQrSvg } from '../../../sdk/elements/index.ts';
import { client, errorText, sessionEnded, toLogin } from './api.ts';

/** What {@link mountReplace} needs from My Profile. */
export interface ReplaceOptions {
  username: string;
  /** The replacement is done: the page shows the new status and says other sessions ended. */
  onDone(): void;
  onCancel(): void;
}

/**
 * My Profile > "Replace my authenticator" (a lost or new phone): first the password and a code
 * from the old app or a recovery code, then the new key to scan and a code from it. The old key
 * keeps working until that code is accepted.
 *
 * @example mountReplace(panel, { username, onDone: refresh, onCancel: () => set('view') });
 */
export function mountReplace(box: HTMLElement, o: ReplaceOptions): void {
  let key: (MfaReplacement & { qrUrl: string | null }) | null = null;
  let busy = false;
  let error = '';

  const focusField = (select: boolean) => {
    const field = box.querySelector<HTMLInputElement>('form input:not([type=hidden])');
    field?.focus();
    if (select) field?.select();
  };

  const prove = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const password = String(data.get('password') ?? '');
    const code = String(data.get('code') ?? '').trim();
    if (!password || !code) {
      error = 'Type your password and a code.';
      return paint();
    }
    busy = true;
    error = '';
    paint();
    try {
      const answer = await client.startMfaReplacement({ password, code });
      key = { ...answer, qrUrl: sanitizeQrSvg(answer.qrSvg) };
      busy = false;
      paint();
      box.querySelector<HTMLElement>('#replace-scan-h')?.focus();
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      // Signed in already: only the password can be wrong, not the username.
      error =
        caught instanceof MfaApiError && caught.code === 'INVALID_CREDENTIALS'
          ? 'Wrong password.'
          : errorText(caught, { recovery: isRecoveryCode(code) });
      busy = false;
      paint();
      focusField(false);
    }
  };

  const verify = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!key) return;
    const code = String(new FormData(event.target as HTMLFormElement).get('code') ?? '');
    busy = true;
    error = '';
    paint();
    try {
      await client.finishMfaReplacement({
        replacementToken: key.replacementToken,
        code: code.replace(/\s/g, ''),
      });
      o.onDone();
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = errorText(caught);
      busy = false;
      paint();
      // The typed code stays, selected, to be seen and retyped.
      focusField(true);
    }
  };

  const errorLine = () =>
    html`<p class="error" id="replace-error" role="alert">${error || nothing}</p>`;

  const proofForm = () => html`<h3 id="replace-h" tabindex="-1">Replace my authenticator</h3>
    <form class="stack" id="replace-form" novalidate @submit=${prove}>
      <p>Lost your phone, or moving to a new one? Prove it is you, then scan a new key with the new
        phone. Your current authenticator keeps working until the new one is set up.</p>
      <label for="replace-password">Password</label>
      <input id="replace-password" name="password" type="password" autocomplete="current-password"
        required aria-describedby="replace-error" />
      <label for="replace-code">Code from your current app, or a recovery code</label>
      <input id="replace-code" name="code" autocomplete="one-time-code" autocapitalize="off"
        spellcheck="false" maxlength="64" required aria-describedby="replace-error" />
      ${errorLine()}
      <div class="actions">
        <button class="button primary" type="submit" ?disabled=${busy}>${busy ? 'Checking…' : 'Continue'}</button>
        <button class="button" type="button" @click=${o.onCancel}>Cancel</button>
      </div>
    </form>`;

  const scanStep = (
    k: MfaReplacement & { qrUrl: string | null },
  ) => html`<h3 id="replace-scan-h" tabindex="-1">Set up your new phone</h3>
    <form class="stack" id="replace-verify-form" novalidate @submit=${verify}>
      <p>Scan this QR code with the authenticator app on your new phone, then type the code it
        shows. Until you do, your current authenticator keeps working.</p>
      ${k.qrUrl ? html`<img class="qr" src=${k.qrUrl} alt="QR code of your new MFA key" width="192" height="192" />` : nothing}
      <p class="muted">Or type the key by hand: account <strong>${o.username}</strong>, key
        <code class="secret-key">${k.secret.match(/.{1,4}/g)?.map((g, i) => html`${i ? ' ' : ''}<span class="group">${g}</span>`)}</code>
        (time-based).</p>
      <label for="replace-new-code">Code from the new phone</label>
      <input id="replace-new-code" name="code" autocomplete="one-time-code" inputmode="numeric"
        maxlength="12" required aria-describedby="replace-error" />
      ${errorLine()}
      <div class="actions">
        <button class="button primary" type="submit" ?disabled=${busy}>${busy ? 'Checking…' : 'Replace authenticator'}</button>
        <button class="button" type="button" @click=${o.onCancel}>Cancel</button>
      </div>
    </form>`;

  const paint = () => render(key ? scanStep(key) : proofForm(), box);
  paint();
  focusField(false);
}
