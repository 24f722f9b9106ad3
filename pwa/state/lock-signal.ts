/**
 * What one tab tells the others about the app lock, over a BroadcastChannel (same origin only;
 * never a secret). Small and in the first paint, because a tab without a lock must hear that
 * another tab has just set one: its key in memory is then no longer the vault's.
 */

/** `locked`: lock now too. `rekeyed`/`removed`: a lock was set or removed, open the vault again. `changed`: lock settings changed. */
export type LockSignal = 'locked' | 'rekeyed' | 'removed' | 'changed';

const CHANNEL = 'mfa-companion-lock';
const signals: readonly string[] = ['locked', 'rekeyed', 'removed', 'changed'];

let channel: BroadcastChannel | null = null;
const listeners = new Set<(signal: LockSignal) => void>();

function open(): BroadcastChannel | null {
  if (channel || typeof BroadcastChannel === 'undefined') return channel;
  channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    const signal = event.data;
    if (typeof signal !== 'string' || !signals.includes(signal)) return;
    for (const listener of listeners) listener(signal as LockSignal);
  };
  return channel;
}

/** Calls `listener` with every signal another tab sends; returns the function that stops it. */
export function onLockSignal(listener: (signal: LockSignal) => void): () => void {
  open();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the other tabs (not this one). */
export function sendLockSignal(signal: LockSignal): void {
  open()?.postMessage(signal);
}
