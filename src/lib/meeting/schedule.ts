/**
 * The meeting's time in one unit, whole minutes: time spent against an item's planned
 * minutes, a break's countdown, and the meeting's planned end against what the rest of the
 * agenda needs. Planned times are set in whole minutes and the chair steers by them, so the
 * room shows minutes everywhere (no ticking seconds next to minutes).
 *
 * Clock times (`HH:MM`) are the meeting's local wall-clock times; `now` is read in the
 * same local time, so the result does not depend on the device's time zone offset.
 */
import type { BreakView, MeetingView } from './types.js';

const MINUTE = 60_000;

export interface ItemTime {
	/** Whole minutes spent (rounded down). */
	readonly spentMinutes: number;
	readonly plannedMinutes: number | null;
	/** Whole minutes past the planned time, 0 while within it or when nothing is planned. */
	readonly overMinutes: number;
}

/** Time on an item: "11 av 3 min", over by 8. Over only once the shown minutes exceed the plan. */
export function itemTime(spentMs: number, plannedMinutes: number | null): ItemTime {
	const spentMinutes = Math.floor(Math.max(0, spentMs) / MINUTE);
	const overMinutes = plannedMinutes === null ? 0 : Math.max(0, spentMinutes - plannedMinutes);
	return { spentMinutes, plannedMinutes, overMinutes };
}

export type BreakTime =
	| { readonly kind: 'left'; readonly minutes: number }
	| { readonly kind: 'ended' }
	| { readonly kind: 'over'; readonly minutes: number };

/**
 * A break's countdown in whole minutes: "4 min kvar" counts up to the end (the last minute
 * reads "1 min kvar"), then "slut", then whole minutes over. Null without a planned length.
 */
export function breakTime(pause: Pick<BreakView, 'startedAt' | 'plannedMinutes'>, now: Date): BreakTime | null {
	if (!pause.plannedMinutes) return null;
	const leftMs = Date.parse(pause.startedAt) + pause.plannedMinutes * MINUTE - now.getTime();
	if (leftMs > 0) return { kind: 'left', minutes: Math.ceil(leftMs / MINUTE) };
	const over = Math.floor(-leftMs / MINUTE);
	return over === 0 ? { kind: 'ended' } : { kind: 'over', minutes: over };
}

export interface TimePlan {
	/** The meeting's end time from its details ("16:00"), or null when none is set. */
	readonly plannedEnd: string | null;
	/** When the remaining agenda's planned minutes run out ("16:25"), or null when it cannot be said. */
	readonly agendaEnd: string | null;
	/** Planned minutes still ahead: the rest of the current item (none once it is over time), the pending items, the break's rest. */
	readonly remainingMinutes: number;
	/** Minutes the agenda runs past the planned end; 0 when it fits or either end is unknown. */
	readonly overrunMinutes: number;
	/** Items still ahead without planned minutes: the forecast leaves them out. */
	readonly unplannedItems: number;
}

function minuteOfDay(clock: string | null): number | null {
	const match = clock ? /^(\d{2}):(\d{2})$/.exec(clock) : null;
	return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

function localDate(now: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "HH:MM" of a minute of the day; past midnight wraps (a meeting rarely does, the clock still reads right). */
function clockOf(minutes: number): string {
	const wrapped = ((minutes % 1440) + 1440) % 1440;
	return `${String(Math.floor(wrapped / 60)).padStart(2, '0')}:${String(wrapped % 60).padStart(2, '0')}`;
}

/**
 * The meeting's planned end against the planned minutes of the agenda still ahead. While
 * the meeting runs, the forecast starts now; before it, at the start time (or now, when
 * the start time has passed on the meeting's day). Each item counts its own planned
 * minutes, sub-items theirs. Finished, tabled and not reached items count nothing.
 *
 * `spentMs` is the time spent per item up to `now` (the running item included).
 */
export function timePlan(view: Pick<MeetingView, 'header' | 'agenda' | 'live'>, spentMs: (itemId: string) => number, now: Date): TimePlan {
	const plannedEnd = minuteOfDay(view.header.endTime) === null ? null : view.header.endTime;
	let remainingMinutes = 0;
	let unplannedItems = 0;
	let plannedAhead = 0;
	for (const item of view.agenda) {
		if (item.status !== 'pending' && item.status !== 'active' && item.status !== 'suspended') continue;
		if (item.plannedMinutes === null) {
			unplannedItems++;
			continue;
		}
		plannedAhead++;
		const spent = item.status === 'pending' ? 0 : itemTime(spentMs(item.id), null).spentMinutes;
		remainingMinutes += Math.max(0, item.plannedMinutes - spent);
	}
	const pause = view.live.onBreak ? view.live.breaks.at(-1) : undefined;
	const breakLeft = pause ? breakTime(pause, now) : null;
	if (breakLeft?.kind === 'left') remainingMinutes += breakLeft.minutes;

	const nowMinute = now.getHours() * 60 + now.getMinutes();
	let from: number | null = null;
	if (view.live.status === 'open' || view.live.status === 'paused') from = nowMinute;
	else if (view.live.status === 'planned') {
		const start = minuteOfDay(view.header.startTime);
		const today = view.header.date === localDate(now);
		from = start !== null && today ? Math.max(start, nowMinute) : start;
	}
	// Nothing ahead with planned minutes: there is no forecast to give.
	const agendaEndMinute = from === null || plannedAhead === 0 ? null : from + remainingMinutes;
	const plannedEndMinute = minuteOfDay(plannedEnd);
	const overrunMinutes =
		agendaEndMinute !== null && plannedEndMinute !== null ? Math.max(0, agendaEndMinute - plannedEndMinute) : 0;
	return {
		plannedEnd,
		agendaEnd: agendaEndMinute === null ? null : clockOf(agendaEndMinute),
		remainingMinutes,
		overrunMinutes,
		unplannedItems
	};
}
