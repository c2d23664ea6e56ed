/**
 * One person's invitation: the e-mail (subject, body, mailto: address) and the calendar
 * file. The text is in the interface's language; the meeting's own words (title, place,
 * agenda) stay as written.
 */
import { createEvent, type DateArray } from 'ics';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/i18n/locale';
import type { ItemScope, MeetingView } from '$lib/meeting';

export interface Invitee {
	name: string;
	/** The role as the interface names it (one word per role everywhere). */
	roleLabel: string;
	email: string | null;
	items: ItemScope;
}

export interface Letter {
	subject: string;
	body: string;
	/** `mailto:` with the subject and body filled in (the address empty when none is known). */
	mailto: string;
}

function longDate(date: string): string {
	return new Intl.DateTimeFormat(getLocale(), { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
		new Date(`${date}T12:00:00Z`)
	);
}

/** Whether the title already says when ("Ledningsgrupp 1 december", "LG 2026-12-01"): then the subject does not repeat it. */
function titleHasDate(title: string, date: string): boolean {
	const [year, month, day] = date.split('-').map(Number);
	const monthName = new Intl.DateTimeFormat(getLocale(), { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 15)));
	const lower = title.toLocaleLowerCase();
	return lower.includes(date) || lower.includes(`${day} ${monthName.toLocaleLowerCase()}`) || new RegExp(`\\b${year}\\b`).test(lower);
}

function when(view: MeetingView): string | null {
	const { date, startTime, endTime } = view.header;
	if (!date) return null;
	const day = longDate(date);
	if (startTime && endTime) return m.invite_time_span({ date: day, start: startTime, end: endTime });
	if (startTime) return m.invite_time_start({ date: day, start: startTime });
	return day;
}

function numbers(view: MeetingView, itemIds: readonly string[]): string {
	return itemIds.map((id) => view.agenda.find((item) => item.id === id)?.number ?? '?').join(', ');
}

function agendaLines(view: MeetingView): string[] {
	return view.agenda.map((item) => `${item.parentId ? '    ' : ''}${item.number}. ${item.title}`);
}

export function invitationLetter(view: MeetingView, invitee: Invitee, link: string): Letter {
	const { title, date, place, meetingLink } = view.header;
	const subject = date && !titleHasDate(title, date) ? m.invite_subject_dated({ title, date: longDate(date) }) : m.invite_subject({ title });
	const time = when(view);
	const scope = invitee.items;
	const lines = [
		m.invite_greeting({ name: invitee.name }),
		'',
		m.invite_intro({ title, role: invitee.roleLabel }),
		...(scope.scope === 'only' ? [m.invite_scope_only({ items: numbers(view, scope.itemIds) })] : []),
		...(scope.scope === 'except' ? [m.invite_scope_except({ items: numbers(view, scope.itemIds) })] : []),
		'',
		...(time ? [m.invite_time({ when: time })] : []),
		...(place ? [m.invite_place({ place })] : []),
		...(meetingLink ? [m.invite_video({ link: meetingLink })] : []),
		...(view.agenda.length > 0 ? ['', m.invite_agenda(), ...agendaLines(view)] : []),
		'',
		m.invite_link(),
		link,
		'',
		m.invite_welcome()
	];
	const body = lines.join('\n');
	const mailto = `mailto:${invitee.email ? encodeURIComponent(invitee.email).replace('%40', '@') : ''}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
	return { subject, body, mailto };
}

function dateArray(date: string, time: string): DateArray {
	const [year, month, day] = date.split('-').map(Number);
	const [hour, minute] = time.split(':').map(Number);
	return [year, month, day, hour, minute];
}

/**
 * The calendar file (text/calendar) for one person, or null when the meeting has no date
 * yet. Times are the meeting's local clock times, converted by this device's time zone; a
 * meeting without a start time is an all-day event, without an end time an hour long.
 */
export function invitationCalendar(view: MeetingView, letter: Letter, link: string): string | null {
	const { date, startTime, endTime, place, meetingLink, title } = view.header;
	if (!date) return null;
	const location = [place, meetingLink].filter(Boolean).join(' · ') || undefined;
	const common = { title, description: letter.body, location, url: link, productId: 'motesrum' };
	const result = startTime
		? createEvent({
				...common,
				start: dateArray(date, startTime),
				startInputType: 'local',
				startOutputType: 'utc',
				...(endTime
					? { end: dateArray(date, endTime), endInputType: 'local' as const, endOutputType: 'utc' as const }
					: { duration: { hours: 1 } })
			})
		: createEvent({ ...common, start: date.split('-').map(Number) as DateArray, duration: { days: 1 } });
	if (result.error || !result.value) throw result.error ?? new Error('no calendar file');
	return result.value;
}
