import { css, html, LitElement, nothing, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { showToast } from './components/toast.ts';
import './components/toast-host.ts';
import './components/update-prompt.ts';
import './pages/codes-page.ts';
import { parseRoute, type Route } from './router/hash-route.ts';
import { accountsModel, ModelController } from './state/app-model.ts';
import { tokens } from './styles/tokens.ts';
import { watchForUpdates } from './update/watch-updates.ts';

/** Non-home screens, loaded on first visit so the first paint carries only the codes list. */
const lazyPages: Record<'add' | 'account' | 'settings' | 'backup', () => Promise<unknown>> = {
  add: () => import('./pages/add-page.ts'),
  account: () => import('./pages/account-page.ts'),
  settings: () => import('./pages/settings-page.ts'),
  backup: () => import('./pages/backup-page.ts'),
};

const titles: Record<Route['name'], string> = {
  codes: 'Codes',
  add: 'Add account',
  account: 'Account',
  settings: 'Settings',
  backup: 'Backup and import',
  'not-found': 'Not found',
};

/**
 * The app frame: header and navigation, the screen for the current hash route, toasts and the
 * update prompt. Starts loading the vault at once.
 *
 * @example html`<app-shell></app-shell>`
 */
@customElement('app-shell')
export class AppShell extends LitElement {
  static override styles = [
    tokens,
    css`
      :host { display: block; min-height: 100vh; background: var(--bg); }
      /* Installed with viewport-fit=cover, the page runs under the status bar and notch. */
      header { position: sticky; top: 0; z-index: 5; background: var(--surface); border-bottom: 1px solid var(--border);
        padding-top: env(safe-area-inset-top, 0px); }
      .bar, main { max-width: 640px; margin: 0 auto; padding: 0 12px; box-sizing: border-box; }
      .bar { display: flex; flex-wrap: wrap; align-items: center; column-gap: 8px; min-height: 56px; }
      /* A title too long to share the row with the links (Backup and import at 360 px) takes the
         row above them, whole: it breaks between words only, never inside one. With large text
         the words and the links wrap rather than push the page sideways. */
      h1 { font-size: 1.15rem; line-height: 1.25; margin: 0; padding: 6px 0; flex: 1 0 auto; max-width: 100%; }
      nav { display: flex; flex-wrap: wrap; gap: 2px; margin-left: auto; }
      nav a { display: inline-flex; align-items: center; min-height: 44px; padding: 0 8px; border-radius: 10px;
        color: var(--fg); text-decoration: none; font-weight: 600; }
      nav a[aria-current='page'] { background: var(--accent); color: var(--accent-fg); }
      /* Room below the last card for the toast (toast-host sets --toast-height while one shows). */
      main { padding-top: 12px; padding-bottom: max(96px, calc(var(--toast-height, 0px) + 32px)); }
      main:focus { outline: none; }
    `,
  ];

  @state() private route: Route = parseRoute(window.location.hash);
  @state() private loaded = new Set<string>(['codes', 'not-found']);
  @state() private loadFailed = false;
  @state() private applyUpdate: (() => void) | null = null;
  /** The lock screen's module, loaded the first time the vault is found locked. */
  @state() private lockScreen: 'no' | 'loading' | 'loaded' | 'failed' = 'no';
  private readonly model = new ModelController(this);
  private wasLocked = false;

  private readonly onHashChange = (): void => {
    this.route = parseRoute(window.location.hash);
    void this.ensurePage();
    // Move focus to the new screen so keyboard and screen-reader users start there, at the top:
    // focus() alone would scroll main's top under the sticky header.
    void this.updateComplete.then(() => {
      this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    });
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    void accountsModel.load();
    void this.ensurePage();
    void watchForUpdates(
      (apply) => {
        this.applyUpdate = apply;
      },
      () => showToast({ message: 'The app is ready for offline use.', background: true }),
    );
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHashChange);
  }

  private async ensurePage(): Promise<void> {
    const name = this.route.name;
    if (this.loaded.has(name) || name === 'codes' || name === 'not-found') return;
    this.loadFailed = false;
    try {
      await lazyPages[name]();
      this.loaded = new Set([...this.loaded, name]);
    } catch {
      this.loadFailed = true;
    }
  }

  protected override willUpdate(): void {
    const locked = this.model.model.status === 'locked';
    if (locked && this.lockScreen === 'no') {
      this.lockScreen = 'loading';
      import('./lock/lock-screen.ts').then(
        () => (this.lockScreen = 'loaded'),
        () => (this.lockScreen = 'failed'),
      );
    }
    if (this.wasLocked && !locked) {
      // Unlocked: start at the screen that was asked for, as after navigation.
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('main')?.focus({ preventScroll: true }),
      );
    }
    this.wasLocked = locked;
  }

  private locked(): TemplateResult {
    // Only the lock screen: no page of the app, so no account, code or name is in the DOM.
    if (this.lockScreen === 'loaded') return html`<lock-screen></lock-screen>`;
    return this.lockScreen === 'failed'
      ? html`<p class="error" role="alert">The unlock screen could not be loaded. Check the connection and try again.</p>`
      : html`<p aria-busy="true">Locked…</p>`;
  }

  private page(): TemplateResult {
    if (this.model.model.status === 'locked') return this.locked();
    const route = this.route;
    if (!this.loaded.has(route.name)) {
      return this.loadFailed
        ? html`<p class="error" role="alert">This screen could not be loaded. Check the connection and try again.</p>`
        : html`<p aria-busy="true">Loading…</p>`;
    }
    switch (route.name) {
      case 'codes':
        return html`<codes-page></codes-page>`;
      case 'add':
        return html`<add-page .params=${route.params}></add-page>`;
      case 'account':
        return html`<account-page .accountId=${route.id}></account-page>`;
      case 'settings':
        return html`<settings-page></settings-page>`;
      case 'backup':
        return html`<backup-page></backup-page>`;
      case 'not-found':
        return html`<p>There is no screen here. <a href="#/">Back to your codes</a></p>`;
    }
  }

  override render() {
    const name = this.route.name;
    const locked = this.model.model.status === 'locked';
    const link = (href: string, label: string, current: boolean) =>
      html`<a href=${href} aria-current=${current ? 'page' : 'false'}>${label}</a>`;
    return html`<header>
        <div class="bar">
          <h1>${locked ? 'Locked' : titles[name]}</h1>
          ${
            locked
              ? nothing
              : html`<nav aria-label="Main">
            ${link('#/', 'Codes', name === 'codes')} ${link('#/add', 'Add', name === 'add')}
            ${link('#/settings', 'Settings', name === 'settings' || name === 'backup')}
          </nav>`
          }
        </div>
      </header>
      <main tabindex="-1">
        <update-prompt ?open=${this.applyUpdate !== null} @update-accepted=${() => this.applyUpdate?.()}></update-prompt>
        ${this.page()}
      </main>
      ${nothing}
      <toast-host></toast-host>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'app-shell': AppShell;
  }
}
