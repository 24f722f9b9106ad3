import type { AuditEvent } from '../../../sdk/client/index.ts';

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break; a field a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`,
 * since actors and targets are usernames typed by people.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The audit events as CSV: a header, then one line per event, times as ISO 8601 (UTC) so any
 * spreadsheet sorts them, the action both as stored and in words.
 *
 * @example auditCsv(events, ACTIONS) // 'at,action,action_label,actor,target,ip\r\n…'
 */
export function auditCsv(events: AuditEvent[], labels: Record<string, string>): string {
  const lines = [['at', 'action', 'action_label', 'actor', 'target', 'ip']];
  for (const e of events) {
    lines.push([e.at, e.action, labels[e.action] ?? e.action, e.actor, e.target ?? '', e.ip]);
  }
  return `${lines.map((line) => line.map(field).join(',')).join('\r\n')}\r\n`;
}
