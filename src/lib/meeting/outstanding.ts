/**
 * Outstanding matters carried in from earlier meetings of the same group ("Utestående
 * ärenden", "restlistan"): tabled items and open assignments, each with where it came
 * from. Also the meeting's link to its group (which group, which place in its sequence,
 * which agenda items are the standing "outstanding" and "next meeting" items).
 *
 * Two additive roots (`outstanding`, `groupLink`); older clients ignore them. Entries are
 * keyed by their origin (`kind:originMeetingId:sourceId`), so carrying the same matter
 * twice yields one entry. Layout and rules: docs/meeting-schema.md and docs/groups.md.
 */
import * as Y from 'yjs';
import { invalid, notFound } from './errors.js';
import { readString, requireWritable, roots, type EntityMap } from './doc.js';
import type { TimeInput } from './types.js';
import { LIMITS, isIsoDate, optionalText, timestamp } from './validate.js';

export const OUTSTANDING_KINDS = ['tabled', 'assignment'] as const;
export type OutstandingKind = (typeof OUTSTANDING_KINDS)[number];
export type OutstandingStatus = 'open' | 'done';

/** Where an outstanding matter was first recorded. Plain and immutable once carried. */
export interface OutstandingOrigin {
	readonly kind: OutstandingKind;
	readonly meetingId: string;
	readonly meetingTitle: string;
	/** YYYY-MM-DD of the origin meeting, if it had one. */
	readonly meetingDate: string | null;
	/** The origin meeting's place in the group's sequence (1, 2, …), if known. */
	readonly meetingSequence: number | null;
	/** "5", "4a": the item's number in the origin meeting. */
	readonly itemNumber: string;
	readonly itemTitle: string;
	/** The assignment id or the parking lot entry id in the origin meeting. */
	readonly sourceId: string;
	/** The assignment's text, or the tabled item's title and reason. */
	readonly text: string;
	/** Assignments: who owns it. */
	readonly owner: { readonly name: string; readonly organisation: string | null } | null;
	readonly dueDate: string | null;
	readonly dueText: string | null;
}

export interface OutstandingEntryView {
	/** `kind:meetingId:sourceId` — the same key in every meeting and in the group's list. */
	readonly key: string;
	readonly origin: OutstandingOrigin;
	/** The agenda item of this meeting the entry is listed under ("Utestående ärenden"). */
	readonly itemId: string | null;
	readonly status: OutstandingStatus;
	readonly closedAt: string | null;
	readonly resolution: string | null;
	readonly carriedAt: string | null;
	/** Place in the list it was carried with (the origin meeting's order within one item). */
	readonly position: number;
	/** Days from the origin meeting's date to this meeting's date (or `now` when undated). */
	readonly daysSince: number | null;
	/** Meetings of the group between the origin and this one (1 = the previous meeting). */
	readonly meetingsSince: number | null;
}

export interface GroupLinkView {
	readonly groupId: string;
	readonly sequence: number;
	readonly outstandingItemId: string | null;
	readonly nextMeetingItemId: string | null;
}

export interface GroupLinkInput {
	groupId: string;
	sequence: number;
	outstandingItemId?: string | null;
	nextMeetingItemId?: string | null;
}

export function outstandingKey(origin: Pick<OutstandingOrigin, 'kind' | 'meetingId' | 'sourceId'>): string {
	return `${origin.kind}:${origin.meetingId}:${origin.sourceId}`;
}

function outstandingRoot(doc: Y.Doc): Y.Map<EntityMap> {
	return doc.getMap<EntityMap>('outstanding');
}

function groupLinkRoot(doc: Y.Doc): Y.Map<unknown> {
	return doc.getMap('groupLink');
}

/** Ties the meeting to its group; written once by whoever creates the meeting from the group. */
export function setGroupLink(doc: Y.Doc, input: GroupLinkInput): void {
	const { items } = requireWritable(doc);
	if (typeof input.groupId !== 'string' || input.groupId.length === 0) throw invalid('groupId', 'is required');
	if (!Number.isInteger(input.sequence) || input.sequence < 1) throw invalid('sequence', 'must be a positive integer');
	for (const field of ['outstandingItemId', 'nextMeetingItemId'] as const) {
		const id = input[field];
		if (id != null && !(items.get(id) instanceof Y.Map)) throw notFound(field, id);
	}
	const link = groupLinkRoot(doc);
	doc.transact(() => {
		link.set('groupId', input.groupId);
		link.set('sequence', input.sequence);
		link.set('outstandingItemId', input.outstandingItemId ?? null);
		link.set('nextMeetingItemId', input.nextMeetingItemId ?? null);
	});
}

export function readGroupLink(doc: Y.Doc): GroupLinkView | null {
	const link = groupLinkRoot(doc);
	const groupId = readString(link, 'groupId');
	const sequence = link.get('sequence');
	if (groupId === null || typeof sequence !== 'number' || !Number.isInteger(sequence)) return null;
	return {
		groupId,
		sequence,
		outstandingItemId: readString(link, 'outstandingItemId'),
		nextMeetingItemId: readString(link, 'nextMeetingItemId')
	};
}

function str(value: unknown, max: number = LIMITS.shortText): string | null {
	return typeof value === 'string' ? value.slice(0, max) : null;
}

/** Validates an origin from outside (another document, the server) into a plain object. */
function validOrigin(value: unknown): OutstandingOrigin {
	if (typeof value !== 'object' || value === null) throw invalid('origin', 'must be an object');
	const o = value as Record<string, unknown>;
	if (!OUTSTANDING_KINDS.includes(o.kind as OutstandingKind)) throw invalid('origin.kind', 'must be tabled or assignment');
	for (const field of ['meetingId', 'sourceId'] as const) {
		if (typeof o[field] !== 'string' || (o[field] as string).length === 0) throw invalid(`origin.${field}`, 'is required');
	}
	const date = str(o.meetingDate);
	if (date !== null && !isIsoDate(date)) throw invalid('origin.meetingDate', 'must be YYYY-MM-DD');
	const dueDate = str(o.dueDate);
	if (dueDate !== null && !isIsoDate(dueDate)) throw invalid('origin.dueDate', 'must be YYYY-MM-DD');
	const sequence = o.meetingSequence;
	const owner = o.owner as Record<string, unknown> | null | undefined;
	return {
		kind: o.kind as OutstandingKind,
		meetingId: o.meetingId as string,
		meetingTitle: str(o.meetingTitle, LIMITS.title) ?? '',
		meetingDate: date,
		meetingSequence: typeof sequence === 'number' && Number.isInteger(sequence) && sequence > 0 ? sequence : null,
		itemNumber: str(o.itemNumber, 16) ?? '',
		itemTitle: str(o.itemTitle, LIMITS.title) ?? '',
		sourceId: o.sourceId as string,
		text: str(o.text) ?? '',
		owner:
			owner && typeof owner === 'object' && typeof owner.name === 'string'
				? { name: owner.name.slice(0, LIMITS.title), organisation: str(owner.organisation, LIMITS.title) }
				: null,
		dueDate,
		dueText: str(o.dueText, LIMITS.title)
	};
}

/**
 * Carries matters into this meeting, listed under `itemId`. A matter whose key is
 * already here is left as it is (its status in this meeting is kept), so carrying is
 * idempotent. Returns the keys added.
 */
export function carryOutstanding(
	doc: Y.Doc,
	entries: readonly OutstandingOrigin[],
	options: { itemId?: string | null; now?: TimeInput } = {}
): string[] {
	const { items } = requireWritable(doc);
	const itemId = options.itemId ?? null;
	if (itemId !== null && !(items.get(itemId) instanceof Y.Map)) throw notFound('item', itemId);
	const origins = entries.map(validOrigin);
	const carriedAt = timestamp(options.now);
	const root = outstandingRoot(doc);
	const added: string[] = [];
	doc.transact(() => {
		for (const [position, origin] of origins.entries()) {
			const key = outstandingKey(origin);
			if (root.has(key)) continue;
			const map: EntityMap = new Y.Map();
			map.set('origin', { ...origin });
			map.set('itemId', itemId);
			map.set('status', 'open');
			map.set('closedAt', null);
			map.set('resolution', null);
			map.set('carriedAt', carriedAt);
			map.set('position', position);
			root.set(key, map);
			added.push(key);
		}
	});
	return added;
}

function entryOf(doc: Y.Doc, key: string): EntityMap {
	requireWritable(doc);
	const map = outstandingRoot(doc).get(key);
	if (!(map instanceof Y.Map)) throw notFound('outstanding entry', key);
	return map;
}

/** Closes a carried matter in this meeting: the assignment is done / the tabled item is dealt with. */
export function closeOutstanding(doc: Y.Doc, key: string, options: { resolution?: string | null; now?: TimeInput } = {}): void {
	const map = entryOf(doc, key);
	const resolution = optionalText(options.resolution, 'resolution') ?? null;
	const closedAt = timestamp(options.now);
	doc.transact(() => {
		map.set('status', 'done');
		map.set('closedAt', closedAt);
		map.set('resolution', resolution);
	});
}

/** Reopens a matter closed in this meeting. */
export function reopenOutstanding(doc: Y.Doc, key: string): void {
	const map = entryOf(doc, key);
	doc.transact(() => {
		map.set('status', 'open');
		map.set('closedAt', null);
	});
}

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
	return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Item numbers sort as numbers, then by their sub-item letters: 2 < 4a < 4b < 10. */
function compareItemNumbers(a: string, b: string): number {
	const [, na = '', la = ''] = /^(\d*)(.*)$/.exec(a) ?? [];
	const [, nb = '', lb = ''] = /^(\d*)(.*)$/.exec(b) ?? [];
	const diff = Number(na || 0) - Number(nb || 0);
	if (diff !== 0) return diff;
	if (la.length !== lb.length) return la.length - lb.length;
	return la < lb ? -1 : la > lb ? 1 : 0;
}

/** Oldest origin first, then by item number. Ties are left to the caller (a stable sort keeps their order). */
export function compareOrigins(a: { origin: OutstandingOrigin }, b: { origin: OutstandingOrigin }): number {
	const sa = a.origin.meetingSequence ?? Number.MAX_SAFE_INTEGER;
	const sb = b.origin.meetingSequence ?? Number.MAX_SAFE_INTEGER;
	if (sa !== sb) return sa - sb;
	const da = a.origin.meetingDate ?? '';
	const db = b.origin.meetingDate ?? '';
	if (da !== db) return da < db ? -1 : 1;
	return compareItemNumbers(a.origin.itemNumber, b.origin.itemNumber);
}

/**
 * The matters carried into this meeting, oldest first (then item number, then the order
 * they were carried in, then key: the same on every replica), with their age relative to this
 * meeting (its date, or `now` when it has none).
 */
export function readOutstanding(doc: Y.Doc, options: { now?: TimeInput } = {}): OutstandingEntryView[] {
	const header = roots(doc).header;
	const link = readGroupLink(doc);
	const ownDate = readString(header, 'date');
	const reference = ownDate !== null && isIsoDate(ownDate) ? ownDate : timestamp(options.now).slice(0, 10);
	const list: OutstandingEntryView[] = [];
	outstandingRoot(doc).forEach((map, key) => {
		if (!(map instanceof Y.Map)) return;
		let origin: OutstandingOrigin;
		try {
			origin = validOrigin(map.get('origin'));
		} catch {
			return; // written by a faulty client: not shown rather than breaking the read
		}
		list.push(
			Object.freeze({
				key,
				origin: Object.freeze(origin),
				itemId: readString(map, 'itemId'),
				status: map.get('status') === 'done' ? 'done' : 'open',
				closedAt: readString(map, 'closedAt'),
				resolution: readString(map, 'resolution'),
				carriedAt: readString(map, 'carriedAt'),
				position: typeof map.get('position') === 'number' ? (map.get('position') as number) : 0,
				daysSince: origin.meetingDate !== null ? daysBetween(origin.meetingDate, reference) : null,
				meetingsSince: link && origin.meetingSequence !== null ? link.sequence - origin.meetingSequence : null
			})
		);
	});
	return list.sort((a, b) => compareOrigins(a, b) || a.position - b.position || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
