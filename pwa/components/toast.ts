/** A short message shown at the bottom of the screen, optionally with one action (Undo). */
export interface ToastRequest {
  message: string;
  action?: { label: string; run: () => void | Promise<void> };
  /** News nobody asked for just now (offline ready): waits while another toast is up. */
  background?: boolean;
}

/** Name of the window event `<toast-host>` listens to. */
export const TOAST_EVENT = 'app-toast';

/**
 * Shows a toast from anywhere. Never pass a code or a secret: toasts are announced aloud.
 *
 * @example showToast({ message: 'Deleted', action: { label: 'Undo', run: undo } });
 */
export function showToast(request: ToastRequest): void {
  window.dispatchEvent(new CustomEvent<ToastRequest>(TOAST_EVENT, { detail: request }));
}

/** Name of the window event that holds toasts back while a dialog is open, or lets them go. */
export const TOAST_HOLD_EVENT = 'app-toast-hold';

/**
 * While held (a modal dialog is open), the toast on screen goes (it would stay dimmed behind the
 * backdrop, about something else) and new ones wait until released.
 *
 * @example holdToasts(true); dialog.showModal(); dialog.onclose = () => holdToasts(false);
 */
export function holdToasts(held: boolean): void {
  window.dispatchEvent(new CustomEvent<boolean>(TOAST_HOLD_EVENT, { detail: held }));
}
