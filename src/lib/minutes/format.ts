/**
 * Dates, times and lists in the minutes' conventions: "Fredag den 9 juni 2023",
 * "kl 08.30-11.00", "2 och 3". Month and weekday names come from Intl (full ICU in
 * Node and every browser), the surrounding words from the minutes' messages.
 */
import { m } from '../paraglide/messages.js';
import type { MinutesLocale } from './types.js';

/** Where the meetings happen: times of approvals are shown in Swedish time. */
const TIME_ZONE = 'Europe/Stockholm';

const INTL_LOCALE: Record<MinutesLocale, string> = { sv: 'sv-SE', en: 'en-GB' };

function capitalise(text: string): string {
	return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

function isCalendarDate(date: string): boolean {
	return /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00Z`));
}

/** The named parts of a calendar date in the locale (noon UTC, so no time zone moves the day). */
function dateParts(date: string, locale: MinutesLocale): (type: Intl.DateTimeFormatPartTypes) => string {
	const parts = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
		weekday: 'long',
		day: 'numeric',
		month: 'long',
		year: 'numeric',
		timeZone: 'UTC'
	}).formatToParts(new Date(`${date}T12:00:00Z`));
	return (type) => parts.find((p) => p.type === type)?.value ?? '';
}

/** "Fredag den 9 juni 2023" / "Friday 9 June 2023"; an unparsable date is returned as written. */
export function longDate(date: string, locale: MinutesLocale, withWeekday = true): string {
	if (!isCalendarDate(date)) return date;
	const part = dateParts(date, locale);
	const text = m.minutes_doc_date(
		{ weekday: part('weekday'), day: part('day'), month: part('month'), year: part('year') },
		{ locale }
	);
	if (withWeekday) return capitalise(text);
	// Without the weekday: "den 21 september 2023" reads as "21 september 2023".
	return `${part('day')} ${part('month')} ${part('year')}`;
}

/** "torsdagen den 3 december 2026" / "Thursday 3 December 2026": a meeting day named in a sentence. */
export function weekdayDate(date: string, locale: MinutesLocale): string {
	if (!isCalendarDate(date)) return date;
	const part = dateParts(date, locale);
	return m.minutes_doc_weekday_date({ weekday: part('weekday'), day: part('day'), month: part('month'), year: part('year') }, { locale });
}

/** "08:30" → "08.30" in Swedish (as the seeds write it), unchanged in English. */
export function clock(time: string, locale: MinutesLocale): string {
	return locale === 'sv' ? time.replace(':', '.') : time;
}

/** "kl 08.30-11.00", "kl 08.30", or null when no start is known. */
export function timeSpan(start: string | null, end: string | null, locale: MinutesLocale): string | null {
	if (!start) return null;
	if (!end) return m.minutes_doc_time_start({ start: clock(start, locale) }, { locale });
	return m.minutes_doc_time_span({ start: clock(start, locale), end: clock(end, locale) }, { locale });
}

/** An ISO instant as a date in Swedish time: "2023-06-12". */
export function isoDate(instant: string): string {
	const parts = new Intl.DateTimeFormat('sv-SE', {
		year: 'numeric',
		month: '2-digit',
		day: '2-digit',
		timeZone: TIME_ZONE
	}).formatToParts(new Date(instant));
	const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
	return `${part('year')}-${part('month')}-${part('day')}`;
}

/** An ISO instant as "2023-06-12 kl 14.05" (Swedish time). */
export function dateTime(instant: string, locale: MinutesLocale): string {
	const parts = new Intl.DateTimeFormat('sv-SE', {
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23',
		timeZone: TIME_ZONE
	}).formatToParts(new Date(instant));
	const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
	const time = clock(`${part('hour')}:${part('minute')}`, locale);
	return `${isoDate(instant)} ${m.minutes_doc_time_start({ start: time }, { locale })}`;
}

/** "2, 3 och 5" / "2, 3 and 5". */
export function joinList(values: readonly string[], locale: MinutesLocale): string {
	return new Intl.ListFormat(INTL_LOCALE[locale], { style: 'long', type: 'conjunction' }).format(values);
}
