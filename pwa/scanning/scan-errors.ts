/** Why the camera could not be used. Stable codes: safe to switch on and to log. */
export const ScanErrorCode = {
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  NO_CAMERA: 'NO_CAMERA',
  CAMERA_BUSY: 'CAMERA_BUSY',
  INSECURE_CONTEXT: 'INSECURE_CONTEXT',
  UNSUPPORTED: 'UNSUPPORTED',
  UNKNOWN: 'UNKNOWN',
} as const;
export type ScanErrorCode = (typeof ScanErrorCode)[keyof typeof ScanErrorCode];

/** Detail of the `scan-error` event and the failure state of the camera controller. */
export interface ScanErrorDetail {
  code: ScanErrorCode;
  /** A sentence for people; never contains anything from the camera or the page. */
  message: string;
}

/** The human message shown for each failure. */
export const scanErrorMessages: Record<ScanErrorCode, string> = {
  PERMISSION_DENIED:
    'Camera access was denied. Allow the camera for this site in your browser settings and try again.',
  NO_CAMERA: 'No camera was found on this device.',
  CAMERA_BUSY:
    'The camera is in use by another app or could not be started. Close the other app and try again.',
  INSECURE_CONTEXT:
    'The camera only works when this app is opened over a secure (https) connection.',
  UNSUPPORTED: 'This browser cannot use a camera.',
  UNKNOWN: 'The camera could not be started.',
};

/** Whether trying again can help without the user leaving the page (e.g. after closing the other app). */
export function isRetryable(code: ScanErrorCode): boolean {
  return code === 'PERMISSION_DENIED' || code === 'CAMERA_BUSY' || code === 'UNKNOWN';
}

function detail(code: ScanErrorCode): ScanErrorDetail {
  return { code, message: scanErrorMessages[code] };
}

/**
 * Checks, before asking for the camera, that this page can ask at all. Browsers hide
 * `navigator.mediaDevices` outside secure contexts, so the context is checked first to give the
 * true reason.
 *
 * @returns the failure, or `null` when `getUserMedia` can be called
 * @example const problem = cameraPrecondition(globalThis);
 */
export function cameraPrecondition(env: {
  isSecureContext: boolean;
  navigator: { mediaDevices?: { getUserMedia?: unknown } };
}): ScanErrorDetail | null {
  if (!env.isSecureContext) return detail('INSECURE_CONTEXT');
  if (typeof env.navigator.mediaDevices?.getUserMedia !== 'function') return detail('UNSUPPORTED');
  return null;
}

/**
 * Maps what `getUserMedia` rejected with to a {@link ScanErrorDetail}.
 *
 * @param error - usually a DOMException; its `name` is what browsers agree on
 * @example scanErrorFrom(new DOMException('', 'NotAllowedError')).code // 'PERMISSION_DENIED'
 */
export function scanErrorFrom(error: unknown): ScanErrorDetail {
  // OverconstrainedError is not an Error subclass in every browser: read `name` off any object.
  const name =
    typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string'
      ? error.name
      : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return detail('PERMISSION_DENIED');
    case 'NotFoundError':
    case 'OverconstrainedError':
      return detail('NO_CAMERA');
    case 'NotReadableError':
    case 'AbortError':
      return detail('CAMERA_BUSY');
    case 'TypeError':
      return detail('UNSUPPORTED');
    default:
      return detail('UNKNOWN');
  }
}
