import { describe, expect, it } from 'vitest';
import {
  cameraPrecondition,
  isRetryable,
  type ScanErrorCode,
  scanErrorFrom,
  scanErrorMessages,
} from './scan-errors.ts';

describe('scanErrorFrom', () => {
  it.each<[string, ScanErrorCode]>([
    ['NotAllowedError', 'PERMISSION_DENIED'],
    ['SecurityError', 'PERMISSION_DENIED'],
    ['NotFoundError', 'NO_CAMERA'],
    ['OverconstrainedError', 'NO_CAMERA'],
    ['NotReadableError', 'CAMERA_BUSY'],
    ['AbortError', 'CAMERA_BUSY'],
    ['TypeError', 'UNSUPPORTED'],
    ['SomethingNewError', 'UNKNOWN'],
  ])('maps a %s from getUserMedia to %s with its human message', (name, code) => {
    expect(scanErrorFrom(new DOMException('device says no', name))).toEqual({
      code,
      message: scanErrorMessages[code],
    });
  });

  it('reads the name of error objects that are not Error subclasses', () => {
    expect(scanErrorFrom({ name: 'OverconstrainedError', constraint: 'facingMode' }).code).toBe(
      'NO_CAMERA',
    );
  });

  it('treats anything without a name as UNKNOWN', () => {
    expect(scanErrorFrom(undefined).code).toBe('UNKNOWN');
    expect(scanErrorFrom('boom').code).toBe('UNKNOWN');
  });

  it('never passes the browser message through to people', () => {
    const detail = scanErrorFrom(
      new DOMException('internal: /dev/video0 EBUSY', 'NotReadableError'),
    );
    expect(detail.message).not.toContain('/dev/video0');
  });
});

describe('cameraPrecondition', () => {
  const getUserMedia = () => Promise.reject(new Error('unused'));

  it('reports an insecure context even where mediaDevices is hidden', () => {
    expect(cameraPrecondition({ isSecureContext: false, navigator: {} })?.code).toBe(
      'INSECURE_CONTEXT',
    );
  });

  it('reports a browser without getUserMedia as UNSUPPORTED', () => {
    expect(cameraPrecondition({ isSecureContext: true, navigator: {} })?.code).toBe('UNSUPPORTED');
    expect(
      cameraPrecondition({ isSecureContext: true, navigator: { mediaDevices: {} } })?.code,
    ).toBe('UNSUPPORTED');
  });

  it('lets a secure page with getUserMedia ask for the camera', () => {
    expect(
      cameraPrecondition({ isSecureContext: true, navigator: { mediaDevices: { getUserMedia } } }),
    ).toBeNull();
  });
});

describe('isRetryable', () => {
  it('offers "Try again" only where it can help on the same page', () => {
    const codes = Object.keys(scanErrorMessages) as ScanErrorCode[];
    expect(codes.filter(isRetryable).sort()).toEqual([
      'CAMERA_BUSY',
      'PERMISSION_DENIED',
      'UNKNOWN',
    ]);
  });
});
