/**
 * The group's matters (tabled items and assignments) across its meetings, derived from
 * the meeting documents and the group document. Nothing is stored twice, so nothing
 * can drift: a matter is identified by its origin key (`kind:meetingId:sourceId`), and
 * it is closed when any document says so — done in its origin meeting, closed as an
 * outstanding entry in any later meeting, or closed on the group's page. See docs/groups.md.
 */
import type * as Y from 'yjs';
import {
	compareOrigins,
	outstandingKey,
	readGroupLink,
	readMeeting,
	readOutstanding,
	type AgendaItemView,
	type OutstandingOrigin
} from '../meeting/index.js';
import type { GroupView } from './group.js';

export interface GroupMeetingDoc {
	readonly id: string;
	readonly sequence: number;
	readonly doc: Y.Doc;
}

export type ClosedWhere = { readonly kind: 'origin' | 'meeting'; readonly meetingId: string } | { readonly kind: 'group' };

export interface GroupMatter {
	readonly key: string;
	readonly origin: OutstandingOrigin;
	readonly status: 'open' | 'done';
	/** Where it was closed first in sequence order (the group's page counts last). */
	readonly closedIn: ClosedWhere | null;
	readonly closedAt: string | null;
	/** Meetings it was carried into, in sequence order. */
	readonly carriedInto: readonly string[];
	/** Days since the origin meeting's date, relative to `asOf`. */
	readonly daysSince: number | null;
	/** Meetings held after the origin one, up to `asOfSequence`. */
	readonly meetingsSince: number | null;
}

export interface DeriveOptions {
	/** YYYY-MM-DD the ages count to (default: today, UTC). */
	asOf?: string;
	/** The sequence the ages count to (default: the last meeting's). */
	asOfSequence?: number;
}

interface Draft {
	origin: OutstandingOrigin;
	closed: { where: ClosedWhere; at: string | null } | null;
	carriedInto: string[];
}

function itemsById(agenda: readonly AgendaItemView[]): Map<string, AgendaItemView> {
	return new Map(agenda.map((item) => [item.id, item]));
}

function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * Every matter of the group, oldest first. `meetings` may be any subset (those on the
 * device); matters whose origin meeting is missing are still known from the
 * outstanding entries of later meetings.
 */
export function deriveMatters(meetings: readonly GroupMeetingDoc[], group: GroupView | null, options: DeriveOptions = {}): GroupMatter[] {
	const ordered = [...meetings].sort((a, b) => a.sequence - b.sequence);
	const drafts = new Map<string, Draft>();
	// A matter removed in its origin meeting (assignment or parking entry deleted) does not exist any more.
	const removed = new Set<string>();
	// meeting id → keys of the matters that meeting itself holds
	const ownKeys = new Map<string, Set<string>>();

	for (const meeting of ordered) {
		const view = readMeeting(meeting.doc);
		if (!view.initialised) continue;
		const sequence = readGroupLink(meeting.doc)?.sequence ?? meeting.sequence;
		const own = new Set<string>();
		ownKeys.set(meeting.id, own);
		const base = {
			meetingId: meeting.id,
			meetingTitle: view.header.title,
			meetingDate: view.header.date,
			meetingSequence: sequence
		};
		for (const item of view.agenda) {
			for (const assignment of item.assignments) {
				const origin: OutstandingOrigin = {
					...base,
					kind: 'assignment',
					itemNumber: item.number,
					itemTitle: item.title,
					sourceId: assignment.id,
					text: assignment.text,
					owner: assignment.owner ? { name: assignment.owner.name, organisation: assignment.owner.organisation } : null,
					dueDate: assignment.dueDate,
					dueText: assignment.dueText
				};
				const done = assignment.status === 'done';
				own.add(outstandingKey(origin));
				drafts.set(outstandingKey(origin), {
					origin,
					closed: done ? { where: { kind: 'origin', meetingId: meeting.id }, at: assignment.doneAt } : null,
					carriedInto: []
				});
			}
		}
		const items = itemsById([...view.agenda, ...view.removedItems]);
		for (const entry of view.parkingLot) {
			if (entry.kind !== 'tabled_item') continue;
			const item = entry.itemId ? items.get(entry.itemId) : undefined;
			const origin: OutstandingOrigin = {
				...base,
				kind: 'tabled',
				itemNumber: item?.number ?? '',
				itemTitle: entry.text,
				sourceId: entry.id,
				text: entry.reason ?? '',
				owner: null,
				dueDate: entry.destination.kind === 'date' ? entry.destination.date : null,
				dueText: null
			};
			own.add(outstandingKey(origin));
			drafts.set(outstandingKey(origin), {
				origin,
				closed: entry.resolvedAt ? { where: { kind: 'origin', meetingId: meeting.id }, at: entry.resolvedAt } : null,
				carriedInto: []
			});
		}
		for (const entry of readOutstanding(meeting.doc)) {
			let draft = drafts.get(entry.key);
			if (!draft) {
				draft = { origin: entry.origin, closed: null, carriedInto: [] };
				drafts.set(entry.key, draft);
			}
			draft.carriedInto.push(meeting.id);
			if (entry.status === 'done' && !draft.closed) {
				draft.closed = { where: { kind: 'meeting', meetingId: meeting.id }, at: entry.closedAt };
			}
		}
	}
	// A matter whose origin meeting is here but no longer holds it (assignment, item or
	// parking entry removed there) was taken back: its carried copies go too.
	for (const key of drafts.keys()) {
		const originMeeting = key.split(':')[1];
		if (ownKeys.has(originMeeting) && !ownKeys.get(originMeeting)!.has(key)) removed.add(key);
	}
	for (const closure of group?.closures ?? []) {
		const draft = drafts.get(closure.key);
		if (draft && !draft.closed) draft.closed = { where: { kind: 'group' }, at: closure.at };
	}

	const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
	const lastSequence = options.asOfSequence ?? Math.max(0, ...ordered.map((m) => m.sequence), ...(group?.meetings ?? []).map((m) => m.sequence));
	const list: GroupMatter[] = [];
	for (const [key, draft] of drafts) {
		if (removed.has(key)) continue;
		list.push(
			Object.freeze({
				key,
				origin: draft.origin,
				status: draft.closed ? 'done' : 'open',
				closedIn: draft.closed?.where ?? null,
				closedAt: draft.closed?.at ?? null,
				carriedInto: Object.freeze(draft.carriedInto),
				daysSince: draft.origin.meetingDate ? daysBetween(draft.origin.meetingDate, asOf) : null,
				meetingsSince: draft.origin.meetingSequence !== null ? lastSequence - draft.origin.meetingSequence : null
			})
		);
	}
	return list.sort(compareOrigins);
}

/** The origins to carry into the meeting after `meetings`: every matter still open. */
export function openMatters(matters: readonly GroupMatter[]): OutstandingOrigin[] {
	return matters.filter((m) => m.status === 'open').map((m) => m.origin);
}
