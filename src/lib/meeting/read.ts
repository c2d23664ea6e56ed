/**
 * Reads: one plain, frozen snapshot of the whole meeting for the UI and the minutes to
 * render, and a change subscription that delivers a fresh snapshot once per transaction
 * (local or remote), never in the middle of one.
 */
import * as Y from 'yjs';
import {
	childMap,
	readEnum,
	readNumber,
	readString,
	readText,
	roots,
	schemaVersionOf,
	sortedEntities,
	type EntityMap
} from './doc.js';
import { resolveAnchor } from './anchors.js';
import { confidentialPartOf, itemContentOf } from './confidential.js';
import { readAttachments } from './attachments.js';
import { readLiveState } from './live.js';
import { readItemFormal } from './formal-read.js';
import { plain, plainString, personResolver, readParticipant, type Plain, type Resolve } from './read-people.js';
import { flattenAgenda, type FlatItem } from './structure.js';
import {
	ASSIGNMENT_STATUSES,
	ITEM_KINDS,
	MEETING_KINDS,
	REMOTE_MARKINGS,
	type RemoteMarking,
	type AgendaItemView,
	type AssignmentView,
	type ConflictOfInterestView,
	type DecisionNumbering,
	type DecisionView,
	type DocumentLinkView,
	type HeaderView,
	type ItemFormalView,
	type ItemKind,
	type MeetingView,
	type ParkingDestination,
	type ParkingLotEntryView,
	type ParticipantView,
	type PersonView,
	type ReservationView,
	type TimeInput
} from './types.js';
import { timestamp } from './validate.js';

/** Only web and mail addresses are links, whatever a document holds: never `javascript:` or `data:`. */
function linkable(url: string | null): string {
	if (url === null) return '';
	try {
		return ['http:', 'https:', 'mailto:'].includes(new URL(url).protocol) ? url : '';
	} catch {
		return '';
	}
}

function readHeader(header: Y.Map<unknown>): HeaderView {
	return {
		title: readString(header, 'title') ?? '',
		groupName: readString(header, 'groupName'),
		kind: readEnum(header, 'kind', MEETING_KINDS, 'notes'),
		date: readString(header, 'date'),
		startTime: readString(header, 'startTime'),
		endTime: readString(header, 'endTime'),
		place: readString(header, 'place'),
		nextMeeting: {
			date: readString(header, 'nextMeetingDate'),
			time: readString(header, 'nextMeetingTime'),
			place: readString(header, 'nextMeetingPlace'),
			note: readString(header, 'nextMeetingNote')
		},
		...minutesOptions(header)
	};
}

/** Only the options that are set: an unset one is absent, so older documents' views (and fingerprints) do not change. */
function minutesOptions(header: Y.Map<unknown>): Pick<HeaderView, 'remoteMarking' | 'openingClosing' | 'minutesHeading' | 'meetingLink'> {
	const options: { remoteMarking?: RemoteMarking; openingClosing?: boolean; minutesHeading?: string; meetingLink?: string } = {};
	const link = readString(header, 'meetingLink');
	if (link) options.meetingLink = link;
	const marking = header.get('remoteMarking');
	if ((REMOTE_MARKINGS as readonly unknown[]).includes(marking)) options.remoteMarking = marking as RemoteMarking;
	const openingClosing = header.get('openingClosing');
	if (typeof openingClosing === 'boolean') options.openingClosing = openingClosing;
	const heading = readString(header, 'minutesHeading');
	if (heading) options.minutesHeading = heading;
	return options;
}

function people(value: unknown, resolve: Resolve): PersonView[] {
	if (!Array.isArray(value)) return [];
	return value.map(resolve).filter((p): p is PersonView => p !== null);
}

function plainEntries(map: Y.Map<EntityMap> | null): [string, Plain][] {
	if (!map) return [];
	const entries: [string, Plain][] = [];
	map.forEach((value, key) => {
		const record = plain(value);
		if (record) entries.push([key, record]);
	});
	return entries;
}

function byTimeThenId(a: [string, Plain], b: [string, Plain], key: string): number {
	const ta = plainString(a[1], key) ?? '';
	const tb = plainString(b[1], key) ?? '';
	if (ta !== tb) return ta < tb ? -1 : 1;
	return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function readDecision(id: string, map: EntityMap, number: number, resolve: Resolve, notes: Y.Text | null): DecisionView {
	const reservations: ReservationView[] = plainEntries(childMap(map, 'reservations'))
		.sort((a, b) => byTimeThenId(a, b, 'at'))
		.flatMap(([rid, record]) => {
			const who = resolve(record.who);
			return who ? [{ id: rid, who, text: plainString(record, 'text'), at: plainString(record, 'at') }] : [];
		});
	const conflicts: ConflictOfInterestView[] = plainEntries(childMap(map, 'conflicts'))
		.sort((a, b) => byTimeThenId(a, b, 'at'))
		.flatMap(([cid, record]) => {
			const who = resolve(record.who);
			return who ? [{ id: cid, who, note: plainString(record, 'note'), at: plainString(record, 'at') }] : [];
		});
	return {
		id,
		number,
		text: readText(map, 'text'),
		note: readString(map, 'note'),
		reservations,
		conflictsOfInterest: conflicts,
		...anchorOffset(map, notes),
		createdAt: readString(map, 'createdAt'),
		deletedAt: readString(map, 'deletedAt')
	};
}

function numberingOf(map: EntityMap): { decisionNumbering?: DecisionNumbering } {
	const value = map.get('decisionNumbering');
	return value === 'block' || value === 'none' ? { decisionNumbering: value } : {};
}

function anchorOffset(map: EntityMap, notes: Y.Text | null): { notesOffset?: number } {
	const anchor = map.get('notesAnchor');
	const offset = notes && anchor != null ? resolveAnchor(notes, anchor) : null;
	return offset === null ? {} : { notesOffset: offset };
}

function readAssignment(id: string, map: EntityMap, resolve: Resolve): AssignmentView {
	return {
		id,
		text: readString(map, 'text') ?? '',
		owner: resolve(map.get('owner')),
		dueDate: readString(map, 'dueDate'),
		dueText: readString(map, 'dueText'),
		status: readEnum(map, 'status', ASSIGNMENT_STATUSES, 'open'),
		doneAt: readString(map, 'doneAt'),
		createdAt: readString(map, 'createdAt'),
		deletedAt: readString(map, 'deletedAt')
	};
}

function formalOf(doc: Y.Doc, itemId: string, mainDocumentOnly: boolean): { formal?: ItemFormalView } {
	const formal = readItemFormal(doc, itemId, { mainDocumentOnly });
	return formal ? { formal } : {};
}

/** An empty map in a document of its own, for an item without its containers. */
const NO_ENTITIES: Y.Map<EntityMap> = new Y.Doc().getMap('none');

function readItem(
	doc: Y.Doc,
	mainOnly: boolean,
	flat: FlatItem,
	resolve: Resolve,
	status: AgendaItemView['status'],
	timeSpentMs: number
): AgendaItemView {
	const { map } = flat;
	// A confidential item's content is in the confidential part, when this device has it. Without it
	// the item's own (empty) containers are read: the meeting document as the server holds it.
	const content = mainOnly ? map : itemContentOf(doc, flat.id);
	const held = content ?? map;
	const decisionEntities = sortedEntities(childMap(held, 'decisions') ?? NO_ENTITIES);
	const notes = held.get('notes');
	const notesText = notes instanceof Y.Text ? notes : null;
	let number = 0;
	const decisions: DecisionView[] = [];
	const removedDecisions: DecisionView[] = [];
	for (const d of decisionEntities) {
		if (d.deleted) removedDecisions.push(readDecision(d.id, d.map, 0, resolve, notesText));
		else decisions.push(readDecision(d.id, d.map, ++number, resolve, notesText));
	}
	const assignments = sortedEntities(childMap(held, 'assignments') ?? NO_ENTITIES)
		.filter((a) => !a.deleted)
		.map((a) => readAssignment(a.id, a.map, resolve));
	const documents: DocumentLinkView[] = plainEntries(childMap(held, 'documents'))
		.sort((a, b) => byTimeThenId(a, b, 'order'))
		.map(([id, record]) => ({ id, title: plainString(record, 'title') ?? '', url: linkable(plainString(record, 'url')) }));
	const attachments = readAttachments(doc, flat.id, { mainDocumentOnly: mainOnly });
	const extractRecipients = plainEntries(childMap(map, 'extractRecipients'))
		.sort((a, b) => byTimeThenId(a, b, 'addedAt'))
		.map(([key, record]) => plainString(record, 'name') ?? key);
	return {
		id: flat.id,
		number: flat.number,
		depth: flat.depth,
		parentId: flat.parentId,
		title: readString(map, 'title') ?? '',
		...(readString(map, 'heading') ? { heading: readString(map, 'heading') as string } : {}),
		...numberingOf(map),
		kind: (ITEM_KINDS as readonly unknown[]).includes(map.get('kind')) ? (map.get('kind') as ItemKind) : null,
		plannedMinutes: readNumber(map, 'plannedMinutes'),
		presenters: people(map.get('presenters'), resolve),
		guests: people(map.get('guests'), resolve),
		documents,
		// Only when there are some: older meetings' views (and fingerprints) stay as they were.
		...(attachments.length > 0 ? { attachments } : {}),
		status,
		timeSpentMs,
		notes: readText(held, 'notes'),
		decisions,
		removedDecisions,
		assignments,
		extractRecipients,
		...formalOf(doc, flat.id, mainOnly),
		...(readString(map, 'confidentialGround') ? { confidentialGround: readString(map, 'confidentialGround') as string } : {}),
		...(content === null ? { contentUnavailable: true as const } : {}),
		createdAt: readString(map, 'createdAt'),
		deletedAt: readString(map, 'deletedAt')
	};
}

function readDestination(value: unknown): ParkingDestination {
	const record = plain(value);
	const date = record ? plainString(record, 'date') : null;
	const time = record ? plainString(record, 'time') : null;
	// `time` only when set: a destination without one reads as it did before times existed.
	const at = time && date ? { time } : {};
	switch (record?.kind) {
		case 'next_meeting':
			return { kind: 'next_meeting' };
		case 'extra_meeting':
			return { kind: 'extra_meeting', date, ...at };
		case 'date':
			return date ? { kind: 'date', date, ...at } : { kind: 'unspecified' };
		default:
			return { kind: 'unspecified' };
	}
}

function readParkingLot(parkingLot: Y.Map<EntityMap>): ParkingLotEntryView[] {
	const entries: ParkingLotEntryView[] = [];
	parkingLot.forEach((map, id) => {
		if (!(map instanceof Y.Map) || readString(map, 'deletedAt') !== null) return;
		entries.push({
			id,
			kind: map.get('kind') === 'tabled_item' ? 'tabled_item' : 'question',
			itemId: readString(map, 'itemId'),
			sourceItemId: readString(map, 'sourceItemId'),
			text: readString(map, 'text') ?? '',
			reason: readString(map, 'reason'),
			destination: readDestination(map.get('destination')),
			createdAt: readString(map, 'createdAt'),
			resolvedAt: readString(map, 'resolvedAt'),
			resolution: readString(map, 'resolution'),
			deletedAt: null,
			...(readString(map, 'batchId') ? { batchId: readString(map, 'batchId') as string } : {})
		});
	});
	return entries.sort((a, b) => {
		const ta = a.createdAt ?? '';
		const tb = b.createdAt ?? '';
		if (ta !== tb) return ta < tb ? -1 : 1;
		return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
	});
}

function deepFreeze<T>(value: T): T {
	if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const child of Object.values(value)) deepFreeze(child);
	}
	return value;
}

/**
 * The whole meeting as a frozen plain object. `now` adds the running item's time since its
 * last event to its timeSpentMs (omit it for a stable reading of recorded time only).
 * `mainDocumentOnly` reads confidential items as the meeting document holds them, without
 * the confidential part (the canonical export, whose fingerprint the server computes too).
 */
export function readMeeting(doc: Y.Doc, options: { now?: TimeInput; mainDocumentOnly?: boolean } = {}): MeetingView {
	const r = roots(doc);
	const live = readLiveState(doc, options.now === undefined ? undefined : timestamp(options.now));
	const resolve = personResolver(r.participants);
	const participants: ParticipantView[] = [];
	const removedParticipants: ParticipantView[] = [];
	for (const p of sortedEntities(r.participants)) {
		(p.deleted ? removedParticipants : participants).push(readParticipant(p.id, p.map));
	}
	const agenda: AgendaItemView[] = [];
	const removedItems: AgendaItemView[] = [];
	for (const flat of flattenAgenda(r.items)) {
		const view = readItem(doc, options.mainDocumentOnly ?? false, flat, resolve, live.itemStatus.get(flat.id) ?? 'pending', live.timeSpentMs.get(flat.id) ?? 0);
		(flat.removed ? removedItems : agenda).push(view);
	}
	return deepFreeze({
		initialised: schemaVersionOf(doc) !== null,
		schemaVersion: schemaVersionOf(doc),
		createdAt: readString(r.meta, 'createdAt'),
		header: readHeader(r.header),
		participants,
		removedParticipants,
		agenda,
		removedItems,
		parkingLot: readParkingLot(r.parkingLot),
		live: {
			status: live.status,
			currentItemId: live.currentItemId,
			openedAt: live.openedAt,
			closedAt: live.closedAt,
			closingNote: live.closingNote,
			onBreak: live.status === 'paused',
			breaks: live.breaks.map((b) => ({ ...b }))
		},
		events: [...live.events]
	});
}

/**
 * Calls `callback` with a fresh snapshot after every transaction that changed the
 * document, local or remote — or its confidential part, if one is attached when this is
 * called. Returns the unsubscribe function.
 */
export function observeMeeting(doc: Y.Doc, callback: (view: MeetingView) => void): () => void {
	const handler = (transaction: Y.Transaction) => {
		if (transaction.changed.size === 0 && transaction.deleteSet.clients.size === 0) return;
		callback(readMeeting(doc));
	};
	const watched = [doc, confidentialPartOf(doc)].filter((d): d is Y.Doc => d !== null);
	for (const d of watched) d.on('afterTransaction', handler);
	return () => {
		for (const d of watched) d.off('afterTransaction', handler);
	};
}

/** Looks an item up in a snapshot by id (removed items included). */
export function findItem(view: MeetingView, itemId: string): AgendaItemView | undefined {
	return view.agenda.find((item) => item.id === itemId) ?? view.removedItems.find((item) => item.id === itemId);
}
