import type { AddPlan } from '../add/find-duplicates.ts';
import { showToast } from '../components/toast.ts';
import { accountsModel } from './app-model.ts';
import { PERSISTENCE_WORDS, requestPersistence } from './storage-persistence.ts';

/**
 * Stores what a preview confirmed (all or none) and says so in a toast. At the first account
 * the vault holds, asks for persistent storage and puts the browser's answer in that toast,
 * with a way to a backup when the browser may clear it.
 *
 * @returns false when nothing could be stored
 * @example if (await storeAddPlan(event.detail)) location.hash = '#/';
 */
export async function storeAddPlan(plan: AddPlan): Promise<boolean> {
  const wasEmpty = accountsModel.entries.length === 0;
  let count: number;
  try {
    count = (await accountsModel.importAccounts(plan.add, plan.replace)).length;
  } catch {
    return false;
  }
  const replaced = plan.replace.length;
  const added = count - replaced;
  const parts = [
    added ? (added === 1 ? 'Account added' : `${added} accounts added`) : '',
    replaced ? (replaced === 1 ? '1 key replaced' : `${replaced} keys replaced`) : '',
  ].filter(Boolean);
  let message = `${parts.join(', ')}.`;
  let action: Parameters<typeof showToast>[0]['action'];
  if (wasEmpty) {
    const answer = await requestPersistence();
    message += ` ${PERSISTENCE_WORDS[answer]}`;
    if (answer !== 'kept') {
      action = {
        label: 'Back up',
        run: () => {
          window.location.hash = '#/backup';
        },
      };
    }
  }
  showToast({ message, ...(action ? { action } : {}) });
  return true;
}
