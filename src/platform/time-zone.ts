/** The spreadsheet's time zone offset, read through Utilities.formatDate ("Z" gives e.g. +0100). */
import { cachedOffsets, type OffsetAt } from '../core/time-zone';

export function spreadsheetOffsets(timeZone: string): OffsetAt {
  return cachedOffsets((atMs) => {
    const text = Utilities.formatDate(new Date(atMs), timeZone, 'Z');
    const match = /^([+-])(\d{2})(\d{2})$/.exec(text);
    if (!match) return 0;
    const minutes = Number(match[2]) * 60 + Number(match[3]);
    return (match[1] === '-' ? -1 : 1) * minutes * 60_000;
  });
}
