import { AUDIT_EVENT_AT, auditPageStatement } from './statements.ts';
import type { AuditEvent, AuditPage, AuditQuery } from './types.ts';
import type { RunRows } from './user-page.ts';

/**
 * One page of the audit log, the same way on both stores: newest first (by time, then id),
 * filtered by actor, action and a time range, each served by an index ending in `(at, id)`.
 *
 * @example const page = await listAuditPage({ limit: 50, action: 'login.ok' }, runRows);
 */
export async function listAuditPage(query: AuditQuery, run: RunRows): Promise<AuditPage> {
  const values: unknown[] = [query.limit + 1];
  if (query.cursor !== undefined) {
    const [at] = await run<{ at: number }>(AUDIT_EVENT_AT, [query.cursor]);
    // An id that names no event starts nowhere: an empty page, as a cursor past the end would.
    if (!at) return { events: [], nextCursor: null };
    values.push(at.at, query.cursor);
  }
  if (query.actor !== undefined) values.push(query.actor);
  if (query.action !== undefined) values.push(query.action);
  if (query.from !== undefined) values.push(query.from);
  if (query.to !== undefined) values.push(query.to);
  const text = auditPageStatement({
    cursor: query.cursor !== undefined,
    actor: query.actor !== undefined,
    action: query.action !== undefined,
    from: query.from !== undefined,
    to: query.to !== undefined,
  });
  const rows = await run<AuditEvent>(text, values);
  const events = rows.slice(0, query.limit);
  const last = events.at(-1);
  return { events, nextCursor: rows.length > query.limit && last ? last.id : null };
}
