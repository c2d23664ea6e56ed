/** Sizes and times for the device's copies, in the reader's language. */
import { getLocale } from '$lib/paraglide/runtime.js';

function locale(): string {
	return getLocale() === 'en' ? 'en-GB' : 'sv-SE';
}

/** "12,4 kB", "1,2 MB", "830 byte". */
export function formatBytes(bytes: number): string {
	if (bytes < 1000) return new Intl.NumberFormat(locale(), { style: 'unit', unit: 'byte', unitDisplay: 'long' }).format(bytes);
	const [value, unit] = bytes < 1_000_000 ? [bytes / 1000, 'kilobyte'] : [bytes / 1_000_000, 'megabyte'];
	return new Intl.NumberFormat(locale(), { style: 'unit', unit, maximumFractionDigits: 1 }).format(value);
}

/** Date and time of a moment in milliseconds since the epoch. */
export function formatMoment(ms: number): string {
	return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(ms);
}

/** A meeting's calendar date (yyyy-mm-dd), as written, with no time zone shift. */
export function formatMeetingDate(date: string): string {
	const [year, month, day] = date.split('-').map(Number);
	if (!year || !month || !day) return date;
	return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(year, month - 1, day));
}
