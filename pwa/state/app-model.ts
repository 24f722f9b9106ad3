import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { Vault } from '../vault/vault.ts';
import { AccountsModel } from './accounts-model.ts';
import { onLockSignal } from './lock-signal.ts';

/** The app's one accounts model, over the default vault. */
export const accountsModel = new AccountsModel(() => Vault.open());

onLockSignal((signal) => {
  if (signal === 'locked') accountsModel.lock();
  else if (signal === 'rekeyed' || signal === 'removed') void accountsModel.reopen();
});

/**
 * Redraws its host whenever the accounts change.
 *
 * @example private model = new ModelController(this); // then read accountsModel.entries
 */
export class ModelController implements ReactiveController {
  private readonly onChange = (): void => this.host.requestUpdate();

  constructor(
    private readonly host: ReactiveControllerHost,
    readonly model: AccountsModel = accountsModel,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.model.addEventListener('change', this.onChange);
  }

  hostDisconnected(): void {
    this.model.removeEventListener('change', this.onChange);
  }
}
