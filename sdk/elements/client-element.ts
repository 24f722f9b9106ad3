import { LitElement } from 'lit';
import { property } from 'lit/decorators.js';
import { createMfaClient, type MfaClient } from '../client/index.ts';

/**
 * Base of the elements that talk to the server: a `client` property, or a `base-url` attribute
 * from which a same-origin client is made on first use.
 */
export class ClientElement extends LitElement {
  /** The API client to use; default: `createMfaClient({ baseUrl })`. */
  @property({ attribute: false }) client: MfaClient | undefined;
  /** Where the server is when no `client` is set; default '' (this page's origin). */
  @property({ attribute: 'base-url' }) baseUrl = '';

  private made: { baseUrl: string; client: MfaClient } | undefined;

  /** The client in use. */
  protected get api(): MfaClient {
    if (this.client) return this.client;
    if (this.made?.baseUrl !== this.baseUrl) {
      this.made = { baseUrl: this.baseUrl, client: createMfaClient({ baseUrl: this.baseUrl }) };
    }
    return this.made.client;
  }
}
