import type { MigrationPayload } from './decode-migration-uri.ts';
import type { OtpAccount } from './types.ts';

/** What adding one decoded QR code of a Google Authenticator export to a collection gives. */
export type MigrationPartResult =
  /** A new part of the export being collected; `received` of `size` are in. */
  | { status: 'added'; received: number; size: number }
  /** A part that was already read (a camera sees the same QR many times): nothing changed. */
  | { status: 'repeated'; received: number; size: number }
  /** A part of another export (another batch id or size): refused, nothing changed. */
  | { status: 'foreign'; received: number; size: number }
  /** Every part is in: the export's accounts and skipped entries, in export order. */
  | {
      status: 'complete';
      received: number;
      size: number;
      accounts: OtpAccount[];
      skipped: MigrationPayload['skipped'];
    };

/** Collects the QR codes of one Google Authenticator export, in any order. */
export interface MigrationParts {
  /**
   * Adds one decoded part. The first part fixes which export is being collected (batch id and
   * size); parts of another export are refused and repeats are ignored.
   */
  add(payload: MigrationPayload): MigrationPartResult;
  /** Parts received so far, and how many the export has (0 before the first part). */
  progress(): { received: number; size: number };
  /** 1-based numbers of the parts still missing, in order. */
  missing(): number[];
}

/**
 * Starts collecting a Google Authenticator export spread over several QR codes ("1 of 3"…).
 * Google Authenticator writes at most 10 accounts a code and gives every code of one export the
 * same batch id, size and a distinct index; only an export whose every part is in is complete,
 * so an import never stores half of one.
 *
 * @returns An empty collection.
 * @example
 * const parts = collectMigrationParts();
 * for (const uri of scannedUris) {
 *   const result = parts.add(decodeMigrationPayload(uri));
 *   if (result.status === 'complete') preview(result.accounts);
 *   else showStatus(`${result.received} of ${result.size} scanned`);
 * }
 */
export function collectMigrationParts(): MigrationParts {
  let batch: { id: number; size: number } | null = null;
  const parts = new Map<number, MigrationPayload>();

  const progress = () => ({ received: parts.size, size: batch?.size ?? 0 });

  return {
    add(payload) {
      const { id, size, index } = payload.batch;
      if (batch === null) batch = { id, size };
      else if (batch.id !== id || batch.size !== size) return { status: 'foreign', ...progress() };
      // An index outside the export's size cannot belong to it: treat it as another export's.
      if (!Number.isInteger(index) || index < 0 || index >= size) {
        if (parts.size === 0) batch = null;
        return { status: 'foreign', ...progress() };
      }
      if (parts.has(index)) return { status: 'repeated', ...progress() };
      parts.set(index, payload);
      if (parts.size < size) return { status: 'added', ...progress() };
      const ordered = [...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part);
      return {
        status: 'complete',
        ...progress(),
        accounts: ordered.flatMap((part) => part.accounts),
        // Each part numbers its skipped entries from 0; count them across the whole export.
        skipped: offsetSkipped(ordered),
      };
    },
    progress,
    missing() {
      if (batch === null) return [];
      const numbers: number[] = [];
      for (let i = 0; i < batch.size; i++) if (!parts.has(i)) numbers.push(i + 1);
      return numbers;
    },
  };
}

function offsetSkipped(ordered: MigrationPayload[]): MigrationPayload['skipped'] {
  const skipped: MigrationPayload['skipped'] = [];
  let offset = 0;
  for (const part of ordered) {
    for (const s of part.skipped) skipped.push({ ...s, index: s.index + offset });
    offset += part.accounts.length + part.skipped.length;
  }
  return skipped;
}
