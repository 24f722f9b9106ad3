/**
 * A date and time in the person's own languages' format (`navigator.languages`, not the page's
 * `lang`), as every page of the BMS shows one.
 *
 * @example localDateTime('2026-12-04T09:10:05Z'); // '04.12.2026, 09:10:05' for a German reader
 */
export const localDateTime = (iso: string): string =>
  new Date(iso).toLocaleString(navigator.languages, { dateStyle: 'medium', timeStyle: 'medium' });
