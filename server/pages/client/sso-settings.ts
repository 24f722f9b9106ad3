import { html, nothing, render } from 'lit';
import type { SamlIdpInput, SamlSettings, UserKind } from '../../../sdk/client/index.ts';
import { client, errorText, sessionEnded, toLogin } from './api.ts';

/**
 * Admin > My Company > Auth and Provision, SAML SSO: the identity provider (from its metadata or
 * by hand), what to give it (this server's entity id, ACS and metadata URLs), just-in-time
 * creation (off unless chosen), and removing it.
 */
export async function mount(root: HTMLElement): Promise<void> {
  const box = root.querySelector<HTMLElement>('#sso-settings');
  if (!box) return;
  let settings: SamlSettings = await client.getSamlSettings();
  let busy = false;
  let status = '';
  let error = '';

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const value = (name: string) => String(data.get(name) ?? '').trim();
    const jit = value('jitKind');
    const jitKind: UserKind | null = jit === 'employee' || jit === 'contact' ? jit : null;
    const input: SamlIdpInput = value('metadataXml')
      ? { metadataXml: value('metadataXml'), jitKind }
      : {
          entityId: value('entityId'),
          ssoUrl: value('ssoUrl'),
          certificate: value('certificate'),
          jitKind,
        };
    await act(async () => {
      settings = await client.setSamlIdp(input);
      status = 'Saved: people of the identity provider can now use “Sign in with SSO”.';
    });
  };

  const remove = () =>
    act(async () => {
      await client.removeSamlIdp();
      settings = { ...settings, idp: null };
      status = 'Removed: SSO sign-in is off. SSO users cannot sign in until an IdP is set again.';
    });

  const act = async (work: () => Promise<void>) => {
    busy = true;
    error = '';
    status = 'Saving…';
    paint();
    try {
      await work();
    } catch (caught) {
      if (sessionEnded(caught)) return toLogin();
      error = `Not saved. ${errorText(caught)}`;
      status = '';
    } finally {
      busy = false;
      paint();
    }
  };

  const paint = () => {
    const { idp, sp } = settings;
    render(
      html`<section class="card stack" aria-labelledby="sso-h">
        <h2 id="sso-h">SAML single sign-on (SSO)</h2>
        <p id="sso-state">${
          idp
            ? html`<span class="badge on">On</span> Identity provider <strong>${idp.entityId}</strong>, saved ${new Date(idp.updatedAt).toLocaleString()}.`
            : html`<span class="badge off">Off</span> No identity provider is set: SSO users cannot sign in.`
        }</p>
        <p class="muted">SSO users sign in at the identity provider and are not asked for an MFA
          code here, with or without MFA enabled. A password sign-in always follows the MFA policy.</p>
        <h3>Give the identity provider these values</h3>
        <dl class="facts" id="sp-values">
          <dt>Entity ID (audience)</dt><dd><code>${sp.entityId}</code></dd>
          <dt>ACS URL (HTTP-POST)</dt><dd><code>${sp.acsUrl}</code></dd>
          <dt>Metadata</dt><dd><a href=${sp.metadataUrl}>${sp.metadataUrl}</a></dd>
        </dl>
        <form class="stack" id="sso-form" @submit=${save} aria-busy=${busy ? 'true' : 'false'}>
          <h3>${idp ? 'Replace the identity provider' : 'Set the identity provider'}</h3>
          <label for="metadataXml">Its metadata XML</label>
          <textarea id="metadataXml" name="metadataXml" rows="5" spellcheck="false"></textarea>
          <p class="muted">Or, without metadata:</p>
          <label for="entityId">Entity ID</label>
          <input id="entityId" name="entityId" autocomplete="off" .value=${idp?.entityId ?? ''} />
          <label for="ssoUrl">SSO URL (HTTP-Redirect)</label>
          <input id="ssoUrl" name="ssoUrl" type="url" autocomplete="off" .value=${idp?.ssoUrl ?? ''} />
          <label for="certificate">Signing certificate (PEM)</label>
          <textarea id="certificate" name="certificate" rows="4" spellcheck="false" .value=${idp?.certificate ?? ''}></textarea>
          <label for="jitKind">People the identity provider knows but this server does not</label>
          <select id="jitKind" name="jitKind" .value=${idp?.jitKind ?? ''}>
            <option value="">Refuse them (default)</option>
            <option value="employee">Create them as employees at their first sign-in</option>
            <option value="contact">Create them as contacts at their first sign-in</option>
          </select>
          <div class="actions">
            <button class="button primary" type="submit" ?disabled=${busy}>Save</button>
            ${idp ? html`<button class="button danger" type="button" ?disabled=${busy} @click=${remove}>Remove the identity provider</button>` : nothing}
          </div>
        </form>
        <p class="status" role="status" id="sso-status">${status}</p>
        <p class="error" role="alert">${error}</p>
      </section>`,
      box,
    );
  };

  box.replaceChildren();
  box.removeAttribute('aria-busy');
  paint();
}
