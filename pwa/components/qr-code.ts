import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { unsafeSVG } from 'lit/directives/unsafe-svg.js';
import { qrSvg } from '../backup/qr-svg.ts';
import { tokens } from '../styles/tokens.ts';

/**
 * A QR code of `text`, drawn as SVG, named by `label` for assistive technology. What it holds is
 * a secret: show it only on request, and drop the element to take it away.
 *
 * @example html`<qr-code .text=${uri} label="QR code of ACME (ann)"></qr-code>`
 */
@customElement('qr-code')
export class QrCode extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; }
      .qr { width: min(100%, 320px); aspect-ratio: 1; background: #fff; border-radius: 8px; }
      .qr svg { display: block; width: 100%; height: 100%; shape-rendering: crispEdges; }
    `,
  ];

  @property() text = '';
  @property() label = 'QR code';
  /** The SVG of `text` (null while drawing), or 'failed'. */
  @state() private svg: string | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!changed.has('text')) return;
    this.svg = null;
    const text = this.text;
    qrSvg(text).then(
      (svg) => {
        if (this.text === text) this.svg = svg;
      },
      () => {
        if (this.text === text) this.svg = 'failed';
      },
    );
  }

  override render() {
    if (this.svg === 'failed') {
      return html`<p class="error" role="alert">The QR code could not be drawn. Check the connection and try again.</p>`;
    }
    if (this.svg === null) return html`<p aria-busy="true">Drawing the QR code…</p>`;
    // The SVG comes from the qrcode package, from text the app made: no markup of anyone else's.
    return html`<div class="qr" role="img" aria-label=${this.label} data-ready>${unsafeSVG(this.svg)}</div>${nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'qr-code': QrCode;
  }
}
