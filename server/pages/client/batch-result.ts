import { html } from 'lit';
import type { BatchDisableResult } from '../../../sdk/client/index.ts';

const reasons: Record<string, string> = {
  MFA_NOT_ENABLED: 'skipped: MFA was not enabled',
  USER_NOT_FOUND: 'skipped: no longer exists',
};

/**
 * The per-person outcome of the batch "Disable MFA": disabled, or skipped with the reason.
 *
 * @example batchResultView(outcome, new Map([[7, 'Ann Lee']]), close)
 */
export function batchResultView(
  outcome: BatchDisableResult,
  names: Map<number, string>,
  onClose: () => void,
) {
  const name = (id: number) => names.get(id) ?? `User #${id}`;
  return html`<section class="card result" aria-labelledby="batch-result-h" id="batch-result">
    <h2 id="batch-result-h" tabindex="-1">Disable MFA: result</h2>
    <ul class="outcomes">
      ${outcome.disabled.map((id) => html`<li data-outcome="disabled"><span class="badge off">Disabled</span> ${name(id)}</li>`)}
      ${outcome.skipped.map((s) => html`<li data-outcome="skipped"><span class="badge">Skipped</span> ${name(s.id)} — ${reasons[s.reason] ?? s.reason}</li>`)}
    </ul>
    <button class="link" type="button" @click=${onClose}>Dismiss</button>
  </section>`;
}
