import { css, html, LitElement, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { INSTALL_OFFER_EVENT, install, installOffer } from '../install/install-prompt.ts';
import { tokens } from '../styles/tokens.ts';
import { showToast } from './toast.ts';

/**
 * "Install the app" with a line on why, shown only while the browser offers installation
 * (`beforeinstallprompt`); renders nothing otherwise.
 *
 * @example html`<install-button></install-button>`
 */
@customElement('install-button')
export class InstallButton extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      :host([hidden]) { display: none; }
      p { margin: 0 0 8px; }
    `,
  ];

  @state() private offered = installOffer();

  private readonly onOffer = (): void => {
    this.offered = installOffer();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener(INSTALL_OFFER_EVENT, this.onOffer);
    this.offered = installOffer();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener(INSTALL_OFFER_EVENT, this.onOffer);
  }

  private async run(): Promise<void> {
    const answer = await install();
    if (answer === 'accepted') showToast({ message: 'MFA Companion is being installed.' });
  }

  override render() {
    if (!this.offered) return nothing;
    return html`<p>Install it to open your codes from the home screen, like any app, even offline.</p>
      <button class="primary" @click=${this.run}>Install MFA Companion</button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'install-button': InstallButton;
  }
}
