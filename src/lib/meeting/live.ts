/**
 * The live flow. The append-only `events` array is the single source of truth for the
 * meeting status, the current item, each item's status, breaks and time per item: all of
 * them are a replay of the log. Nothing else stores live state, so replicas cannot
 * disagree once they hold the same events (Yjs gives every replica the same array order).
 *
 * Events that move the current item carry the item that was current when they were
 * written (`fromItemId`). On replay such an event applies only if that is still the
 * current item; otherwise it was made from a stale view (two people pressed "next" at
 * once, one of them offline) and is kept but marked not applied.
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import { requireWritable, roots, type EventRecord } from './doc.js';
import { newId } from './ids.js';
import { flattenAgenda, isRemovedEffectively } from './structure.js';
import type {
	BreakView,
	ItemStatus,
	LiveOptions,
	MeetingEvent,
	MeetingEventType,
	MeetingEventView,
	MeetingStatus,
	NavigationOptions,
	NavigationResult,
	NavigationVia,
	TimeInput
} from './types.js';
import { BREAK_MAX_MINUTES, EVENT_TYPES } from './schema.js';
import { LIMITS, optionalText, timestamp } from './validate.js';


export interface LiveState {
	readonly status: MeetingStatus;
	readonly currentItemId: string | null;
	/** Where "next" continues from when no item is current: the last item that was. */
	readonly cursorItemId: string | null;
	readonly itemStatus: ReadonlyMap<string, ItemStatus>;
	readonly timeSpentMs: ReadonlyMap<string, number>;
	readonly openedAt: string | null;
	readonly closedAt: string | null;
	readonly closingNote: string | null;
	readonly breaks: readonly BreakView[];
	readonly events: readonly MeetingEventView[];
}

function str(record: EventRecord, key: string): string | null {
	const value = record[key];
	return typeof value === 'string' ? value : null;
}

function normalise(record: unknown): MeetingEvent | null {
	if (typeof record !== 'object' || record === null) return null;
	const r = record as EventRecord;
	const type = str(r, 'type');
	const at = str(r, 'at');
	if (!type || !(EVENT_TYPES as readonly string[]).includes(type) || !at || Number.isNaN(Date.parse(at))) return null;
	const via = str(r, 'via');
	return {
		id: str(r, 'id') ?? '',
		type: type as MeetingEventType,
		at,
		by: str(r, 'by'),
		itemId: str(r, 'itemId'),
		fromItemId: str(r, 'fromItemId'),
		forItemId: str(r, 'forItemId'),
		via: via === 'goto' || via === 'next' || via === 'previous' ? via : null,
		parkingEntryId: str(r, 'parkingEntryId'),
		note: str(r, 'note'),
		...(Number.isInteger(r.minutes) && (r.minutes as number) > 0 ? { minutes: r.minutes as number } : {})
	};
}

/** Replays the log. `now` lets the running item's time include the time since its last event. */
export function replay(records: readonly unknown[], now?: string): LiveState {
	let status: MeetingStatus = 'planned';
	let current: string | null = null;
	let cursor: string | null = null;
	let openedAt: string | null = null;
	let closedAt: string | null = null;
	let closingNote: string | null = null;
	const itemStatus = new Map<string, ItemStatus>();
	const spent = new Map<string, number>();
	const breaks: { startedAt: string; endedAt: string | null; note: string | null }[] = [];
	const events: MeetingEventView[] = [];
	// Device clocks differ; a monotonic clock over the log keeps every interval non-negative.
	let clock = Number.NEGATIVE_INFINITY;

	const statusOf = (id: string): ItemStatus => itemStatus.get(id) ?? 'pending';
	const settle = (time: number) => {
		if (status === 'open' && current !== null && clock !== Number.NEGATIVE_INFINITY) {
			spent.set(current, (spent.get(current) ?? 0) + Math.max(0, time - clock));
		}
		clock = Math.max(clock, time);
	};
	const leaveCurrent = (via: NavigationVia | 'other') => {
		if (current !== null && statusOf(current) === 'active') itemStatus.set(current, via === 'previous' ? 'pending' : 'done');
	};
	const enter = (id: string) => {
		itemStatus.set(id, 'active');
		current = id;
		cursor = id;
	};

	for (const record of records) {
		const event = normalise(record);
		if (!event) continue;
		const time = Date.parse(event.at);
		const item = event.itemId;
		let applies = false;
		switch (event.type) {
			case 'meeting_opened':
				applies = status === 'planned';
				break;
			case 'item_started':
				applies = status === 'open' && item !== null && current === event.fromItemId && item !== current;
				break;
			case 'item_completed':
				applies = (status === 'open' || status === 'paused') && item !== null && current === item;
				break;
			case 'item_suspended':
				applies = status === 'open' && item !== null && current === item;
				break;
			case 'item_resumed':
				applies = status === 'open' && item !== null && current === event.fromItemId && statusOf(item) === 'suspended';
				break;
			case 'item_tabled':
				applies = item !== null && ['pending', 'active', 'suspended', 'not_reached'].includes(statusOf(item));
				break;
			case 'item_not_reached':
				applies = item !== null && item !== current && ['pending', 'suspended'].includes(statusOf(item));
				break;
			case 'break_started':
				applies = status === 'open';
				break;
			case 'break_ended':
				applies = status === 'paused';
				break;
			case 'meeting_closed':
				applies = status === 'open' || status === 'paused';
				break;
		}
		events.push({ ...event, applied: applies });
		if (!applies) continue;
		settle(time);
		switch (event.type) {
			case 'meeting_opened':
				status = 'open';
				openedAt = event.at;
				break;
			case 'item_started':
				leaveCurrent(event.via ?? 'goto');
				enter(item!);
				break;
			case 'item_completed':
				itemStatus.set(item!, 'done');
				current = null;
				break;
			case 'item_suspended':
				itemStatus.set(item!, 'suspended');
				current = null;
				if (event.forItemId !== null && event.forItemId !== item) enter(event.forItemId);
				break;
			case 'item_resumed':
				leaveCurrent('other');
				enter(item!);
				break;
			case 'item_tabled':
				itemStatus.set(item!, 'tabled');
				if (current === item) current = null;
				break;
			case 'item_not_reached':
				itemStatus.set(item!, 'not_reached');
				break;
			case 'break_started':
				status = 'paused';
				breaks.push({ startedAt: event.at, endedAt: null, note: event.note, ...(event.minutes ? { plannedMinutes: event.minutes } : {}) });
				break;
			case 'break_ended':
				status = 'open';
				breaks[breaks.length - 1].endedAt = event.at;
				break;
			case 'meeting_closed':
				if (status === 'paused') breaks[breaks.length - 1].endedAt = event.at;
				leaveCurrent('other');
				current = null;
				status = 'closed';
				closedAt = event.at;
				closingNote = event.note;
				break;
		}
	}
	if (now !== undefined) settle(Date.parse(now));
	return {
		status,
		currentItemId: current,
		cursorItemId: cursor,
		itemStatus,
		timeSpentMs: spent,
		openedAt,
		closedAt,
		closingNote,
		breaks,
		events
	};
}

export function readLiveState(doc: Y.Doc, now?: TimeInput): LiveState {
	return replay(roots(doc).events.toArray(), now === undefined ? undefined : timestamp(now));
}

interface EventFields {
	itemId?: string | null;
	fromItemId?: string | null;
	forItemId?: string | null;
	via?: NavigationVia | null;
	parkingEntryId?: string | null;
	note?: string | null;
}

/** A complete stored record: every field present, so readers see one shape. */
export function eventRecord(type: MeetingEventType, options: LiveOptions, fields: EventFields = {}): EventRecord {
	const by = optionalText(options.by, 'by', LIMITS.name) ?? null;
	return {
		id: newId(),
		type,
		at: timestamp(options.now),
		by,
		itemId: fields.itemId ?? null,
		fromItemId: fields.fromItemId ?? null,
		forItemId: fields.forItemId ?? null,
		via: fields.via ?? null,
		parkingEntryId: fields.parkingEntryId ?? null,
		note: fields.note ?? null
	};
}

function append(doc: Y.Doc, records: EventRecord[]): void {
	const { events } = roots(doc);
	doc.transact(() => events.push(records));
}

function requireItem(doc: Y.Doc, itemId: string, field = 'itemId'): void {
	const { items } = roots(doc);
	if (typeof itemId !== 'string' || !(items.get(itemId) instanceof Y.Map)) throw notFound(field, String(itemId));
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
}

function requireOpen(state: LiveState): void {
	if (state.status === 'planned') throw invalidState('the meeting is not open yet');
	if (state.status === 'paused') throw invalidState('the meeting is on a break; end the break first');
	if (state.status === 'closed') throw invalidState('the meeting is closed');
}

/** True when the caller's expectation no longer holds: the call must do nothing. */
function stale(state: LiveState, options: NavigationOptions): boolean {
	return options.expectedCurrentItemId !== undefined && options.expectedCurrentItemId !== state.currentItemId;
}

function unchanged(state: LiveState): NavigationResult {
	return { changed: false, currentItemId: state.currentItemId };
}

export function openMeeting(doc: Y.Doc, options: LiveOptions = {}): void {
	requireWritable(doc);
	const state = readLiveState(doc);
	if (state.status !== 'planned') throw invalidState(`the meeting is already ${state.status}`);
	append(doc, [eventRecord('meeting_opened', options)]);
}

/**
 * "Öppna mötet" as a chair means it: opens the meeting and starts its first item, in one
 * transaction (one step for the chair, one change for everyone following).
 */
export function openMeetingAtFirstItem(doc: Y.Doc, options: LiveOptions = {}): NavigationResult {
	let result: NavigationResult | undefined;
	doc.transact(() => {
		openMeeting(doc, options);
		result = nextItem(doc, { by: options.by, now: options.now });
	});
	return result!;
}

/** Makes `itemId` the current item (goToItem); the item left becomes done. */
export function startItem(doc: Y.Doc, itemId: string, options: NavigationOptions = {}): NavigationResult {
	requireWritable(doc);
	requireItem(doc, itemId);
	const state = readLiveState(doc);
	requireOpen(state);
	if (stale(state, options) || state.currentItemId === itemId) return unchanged(state);
	append(doc, [eventRecord('item_started', options, { itemId, fromItemId: state.currentItemId, via: 'goto' })]);
	return { changed: true, currentItemId: itemId };
}

export const goToItem = startItem;

/**
 * Moves to the next item in agenda order that is still pending (or suspended), skipping
 * done, tabled and not reached items. On the last item it completes it.
 */
export function nextItem(doc: Y.Doc, options: NavigationOptions = {}): NavigationResult {
	requireWritable(doc);
	const state = readLiveState(doc);
	requireOpen(state);
	if (stale(state, options)) return unchanged(state);
	const next = nextTarget(doc, state);
	if (next) {
		append(doc, [eventRecord('item_started', options, { itemId: next, fromItemId: state.currentItemId, via: 'next' })]);
		return { changed: true, currentItemId: next };
	}
	if (state.currentItemId !== null) {
		append(doc, [eventRecord('item_completed', options, { itemId: state.currentItemId })]);
		return { changed: true, currentItemId: null };
	}
	return unchanged(state);
}

function nextTarget(doc: Y.Doc, state: LiveState): string | null {
	const flat = flattenAgenda(roots(doc).items);
	const position = state.currentItemId ?? state.cursorItemId;
	const from = position === null ? -1 : flat.findIndex((item) => item.id === position);
	const next = flat.slice(from + 1).find((item) => {
		const status = state.itemStatus.get(item.id) ?? 'pending';
		return !item.removed && (status === 'pending' || status === 'suspended');
	});
	return next?.id ?? null;
}

function previousTarget(doc: Y.Doc, state: LiveState): string | null {
	const flat = flattenAgenda(roots(doc).items);
	const position = state.currentItemId ?? state.cursorItemId;
	const from = position === null ? flat.length : flat.findIndex((item) => item.id === position);
	const previous = flat
		.slice(0, Math.max(from, 0))
		.reverse()
		.find((item) => !item.removed);
	return previous?.id ?? null;
}

/**
 * What "Föregående punkt" and "Nästa punkt" would do now, so the chair's buttons that can do
 * nothing are disabled: `previous` is the item it would go back to (null: none), `next`
 * whether it would start or complete an item. Before the meeting has no item yet, going back
 * has nowhere to go.
 */
export function navigationTargets(doc: Y.Doc): { previous: string | null; next: boolean } {
	const state = readLiveState(doc);
	if (state.status !== 'open') return { previous: null, next: false };
	const nothingYet = state.currentItemId === null && state.cursorItemId === null;
	return {
		previous: nothingYet ? null : previousTarget(doc, state),
		next: nextTarget(doc, state) !== null || state.currentItemId !== null
	};
}

/** Goes back to the item before; the item left returns to pending so "next" comes back to it. */
export function previousItem(doc: Y.Doc, options: NavigationOptions = {}): NavigationResult {
	requireWritable(doc);
	const state = readLiveState(doc);
	requireOpen(state);
	if (stale(state, options)) return unchanged(state);
	const previous = previousTarget(doc, state);
	if (!previous) return unchanged(state);
	append(doc, [eventRecord('item_started', options, { itemId: previous, fromItemId: state.currentItemId, via: 'previous' })]);
	return { changed: true, currentItemId: previous };
}

/** Marks the current item done, leaving no item current. */
export function finishCurrentItem(doc: Y.Doc, options: NavigationOptions = {}): NavigationResult {
	requireWritable(doc);
	const state = readLiveState(doc);
	requireOpen(state);
	if (stale(state, options)) return unchanged(state);
	if (state.currentItemId === null) throw invalidState('no item is current');
	append(doc, [eventRecord('item_completed', options, { itemId: state.currentItemId })]);
	return { changed: true, currentItemId: null };
}

/**
 * Suspends the current item ("Mötet bryts för punkt 9"), optionally taking up `forItemId`
 * at once. The suspended item is resumed later with resumeItem ("Punkt 7 återupptas").
 */
export function suspendCurrentItem(
	doc: Y.Doc,
	options: NavigationOptions & { forItemId?: string | null; note?: string | null } = {}
): NavigationResult {
	requireWritable(doc);
	const state = readLiveState(doc);
	requireOpen(state);
	if (stale(state, options)) return unchanged(state);
	const current = state.currentItemId;
	if (current === null) throw invalidState('no item is current');
	const forItemId = options.forItemId ?? null;
	if (forItemId !== null) {
		requireItem(doc, forItemId, 'forItemId');
		if (forItemId === current) throw invalid('forItemId', 'must differ from the suspended item');
	}
	const note = optionalText(options.note, 'note') ?? null;
	append(doc, [eventRecord('item_suspended', options, { itemId: current, forItemId, note })]);
	return { changed: true, currentItemId: forItemId };
}

/** Resumes a suspended item; the item current until then becomes done. */
export function resumeItem(doc: Y.Doc, itemId: string, options: NavigationOptions = {}): NavigationResult {
	requireWritable(doc);
	requireItem(doc, itemId);
	const state = readLiveState(doc);
	requireOpen(state);
	if (stale(state, options)) return unchanged(state);
	if ((state.itemStatus.get(itemId) ?? 'pending') !== 'suspended') throw invalidState(`item ${itemId} is not suspended`);
	append(doc, [eventRecord('item_resumed', options, { itemId, fromItemId: state.currentItemId })]);
	return { changed: true, currentItemId: itemId };
}

/** A break ("Kort paus"): the meeting is paused and the current item's clock stops. */
/** "Kort paus", optionally planned to last `minutes` (shown as a countdown to everyone). */
export function startBreak(doc: Y.Doc, options: LiveOptions & { note?: string | null; minutes?: number | null } = {}): void {
	requireWritable(doc);
	const state = readLiveState(doc);
	requireOpen(state);
	const note = optionalText(options.note, 'note') ?? null;
	const minutes = options.minutes ?? null;
	if (minutes !== null && (!Number.isInteger(minutes) || minutes < 1 || minutes > BREAK_MAX_MINUTES)) {
		throw invalid('minutes', `must be a whole number of minutes from 1 to ${BREAK_MAX_MINUTES}`);
	}
	append(doc, [{ ...eventRecord('break_started', options, { note }), ...(minutes !== null ? { minutes } : {}) }]);
}

export function endBreak(doc: Y.Doc, options: LiveOptions = {}): void {
	requireWritable(doc);
	const state = readLiveState(doc);
	if (state.status !== 'paused') throw invalidState('the meeting is not on a break');
	append(doc, [eventRecord('break_ended', options)]);
}

/** "Denna punkt hanns inte med": for an item that is pending or suspended, not the current one. */
export function markNotReached(doc: Y.Doc, itemId: string, options: LiveOptions = {}): void {
	requireWritable(doc);
	requireItem(doc, itemId);
	const state = readLiveState(doc);
	const status = state.itemStatus.get(itemId) ?? 'pending';
	if (state.currentItemId === itemId) throw invalidState('the current item cannot be marked not reached');
	if (status !== 'pending' && status !== 'suspended') throw invalidState(`item ${itemId} is ${status}`);
	append(doc, [eventRecord('item_not_reached', options, { itemId })]);
}

/**
 * Closes the meeting; the current item becomes done. With markRemainingNotReached every
 * pending or suspended item gets an explicit not-reached event first, so the log alone
 * tells the minutes what happened.
 */
export function closeMeeting(
	doc: Y.Doc,
	options: LiveOptions & { note?: string | null; markRemainingNotReached?: boolean } = {}
): void {
	const { items } = requireWritable(doc);
	const state = readLiveState(doc);
	if (state.status !== 'open' && state.status !== 'paused') throw invalidState(`the meeting is ${state.status}`);
	const note = optionalText(options.note, 'note') ?? null;
	const records: EventRecord[] = [];
	if (options.markRemainingNotReached) {
		for (const item of flattenAgenda(items)) {
			const status = state.itemStatus.get(item.id) ?? 'pending';
			if (!item.removed && item.id !== state.currentItemId && (status === 'pending' || status === 'suspended')) {
				records.push(eventRecord('item_not_reached', options, { itemId: item.id }));
			}
		}
	}
	records.push(eventRecord('meeting_closed', options, { note }));
	append(doc, records);
}
