/**
 * The parking lot: items tabled (bordlagda) with where they go next, and free-standing
 * open questions. Entries are never moved; they sort by creation time, then id.
 */
import * as Y from 'yjs';
import { invalid, invalidState, notFound } from './errors.js';
import { getEntity, getLiveEntity, readString, requireWritable, type EntityMap } from './doc.js';
import { newId } from './ids.js';
import { eventRecord, readLiveState } from './live.js';
import { flattenAgenda, isRemovedEffectively } from './structure.js';
import type { ParkingDestination, ParkingLotInput, TableItemInput, TableRestInput, TimeInput } from './types.js';
import { LIMITS, destination as validDestination, optionalText, requiredText, timestamp } from './validate.js';

function newEntry(fields: Record<string, unknown>): EntityMap {
	const map: EntityMap = new Y.Map();
	for (const [key, value] of Object.entries(fields)) map.set(key, value);
	map.set('resolvedAt', null);
	map.set('resolution', null);
	map.set('deletedAt', null);
	return map;
}

/** An open question for the parking lot; returns its id. */
export function addParkingLotEntry(doc: Y.Doc, input: ParkingLotInput): string {
	const { parkingLot, items } = requireWritable(doc);
	if (typeof input !== 'object' || input === null) throw invalid('entry', 'must be an object');
	const text = requiredText(input.text, 'text', LIMITS.shortText);
	const destination: ParkingDestination =
		input.destination === undefined ? { kind: 'unspecified' } : validDestination(input.destination, 'destination');
	const sourceItemId = input.sourceItemId ?? null;
	if (sourceItemId !== null && !(items.get(sourceItemId) instanceof Y.Map)) throw notFound('sourceItemId', sourceItemId);
	const createdAt = timestamp(input.now);
	const id = newId();
	doc.transact(() => {
		parkingLot.set(
			id,
			newEntry({ kind: 'question', itemId: null, sourceItemId, text, reason: null, destination, createdAt })
		);
	});
	return id;
}

/**
 * Tables an item ("bordläggs … till extrainsatt möte"): a parking lot entry and an
 * item_tabled event in one transaction. Returns the entry id.
 */
export function tableItem(doc: Y.Doc, itemId: string, input: TableItemInput): string {
	const { parkingLot, items, events } = requireWritable(doc);
	const item = getLiveEntity(items, itemId, 'item');
	if (isRemovedEffectively(items, itemId)) throw invalidState(`item ${itemId} is removed`);
	if (typeof input !== 'object' || input === null) throw invalid('input', 'must be an object');
	const destination = validDestination(input.destination, 'destination');
	const reason = optionalText(input.reason, 'reason') ?? null;
	const status = readLiveState(doc).itemStatus.get(itemId) ?? 'pending';
	if (status === 'done' || status === 'tabled') throw invalidState(`item ${itemId} is ${status}`);
	const createdAt = timestamp(input.now);
	const id = newId();
	const record = eventRecord('item_tabled', input, { itemId, parkingEntryId: id, note: reason });
	doc.transact(() => {
		parkingLot.set(
			id,
			newEntry({
				kind: 'tabled_item',
				itemId,
				sourceItemId: null,
				text: readString(item, 'title') ?? '',
				reason,
				destination,
				createdAt
			})
		);
		events.push([record]);
	});
	return id;
}

/**
 * Tables "the rest of the agenda" in one step ("Resterande punkter bordläggs till ett
 * extrainsatt möte …"): every item not removed, not current and not yet handled (pending,
 * suspended or not reached) gets its own parking lot entry, so each carries over to the
 * destination meeting, and its own item_tabled event; the entries share a `batchId` so the
 * minutes write one sentence for them. Returns the entry ids (none when nothing is left).
 */
export function tableRestOfAgenda(doc: Y.Doc, input: TableRestInput): string[] {
	const { parkingLot, items, events } = requireWritable(doc);
	if (typeof input !== 'object' || input === null) throw invalid('input', 'must be an object');
	const destination = validDestination(input.destination, 'destination');
	const reason = optionalText(input.reason, 'reason') ?? null;
	const live = readLiveState(doc);
	if (live.status === 'closed') throw invalidState('the meeting is closed');
	const rest = flattenAgenda(items).filter((flat) => {
		if (flat.removed || flat.id === live.currentItemId) return false;
		const status = live.itemStatus.get(flat.id) ?? 'pending';
		return status === 'pending' || status === 'suspended' || status === 'not_reached';
	});
	if (rest.length === 0) return [];
	const createdAt = timestamp(input.now);
	const batchId = newId();
	const entries = rest.map((flat) => ({ id: newId(), flat }));
	const records = entries.map(({ id, flat }) =>
		eventRecord('item_tabled', { ...input, now: createdAt }, { itemId: flat.id, parkingEntryId: id, note: reason })
	);
	doc.transact(() => {
		for (const { id, flat } of entries) {
			parkingLot.set(
				id,
				newEntry({
					kind: 'tabled_item',
					itemId: flat.id,
					sourceItemId: null,
					text: readString(flat.map, 'title') ?? '',
					reason,
					destination,
					createdAt,
					batchId
				})
			);
		}
		events.push(records);
	});
	return entries.map((e) => e.id);
}

export function updateParkingLotEntry(
	doc: Y.Doc,
	entryId: string,
	patch: { text?: string; reason?: string | null; destination?: ParkingDestination }
): void {
	const { parkingLot } = requireWritable(doc);
	const map = getLiveEntity(parkingLot, entryId, 'parking lot entry');
	if (typeof patch !== 'object' || patch === null) throw invalid('patch', 'must be an object');
	const writes = new Map<string, unknown>();
	if (patch.text !== undefined) writes.set('text', requiredText(patch.text, 'text', LIMITS.shortText));
	const reason = optionalText(patch.reason, 'reason');
	if (reason !== undefined) writes.set('reason', reason);
	if (patch.destination !== undefined) writes.set('destination', validDestination(patch.destination, 'destination'));
	doc.transact(() => {
		for (const [key, value] of writes) map.set(key, value);
	});
}

/** Marks an entry dealt with (e.g. taken up at the next meeting), with an optional note. */
export function resolveParkingLotEntry(
	doc: Y.Doc,
	entryId: string,
	options: { resolution?: string | null; now?: TimeInput } = {}
): void {
	const { parkingLot } = requireWritable(doc);
	const map = getLiveEntity(parkingLot, entryId, 'parking lot entry');
	const resolution = optionalText(options.resolution, 'resolution') ?? null;
	const at = timestamp(options.now);
	doc.transact(() => {
		map.set('resolvedAt', at);
		map.set('resolution', resolution);
	});
}

export function reopenParkingLotEntry(doc: Y.Doc, entryId: string): void {
	const { parkingLot } = requireWritable(doc);
	const map = getLiveEntity(parkingLot, entryId, 'parking lot entry');
	doc.transact(() => {
		map.set('resolvedAt', null);
		map.set('resolution', null);
	});
}

/** Tombstone; the tabled item itself stays tabled (the event log is append-only). */
export function removeParkingLotEntry(doc: Y.Doc, entryId: string, options: { now?: TimeInput } = {}): void {
	const { parkingLot } = requireWritable(doc);
	const map = getEntity(parkingLot, entryId, 'parking lot entry');
	const at = timestamp(options.now);
	doc.transact(() => {
		if (map.get('deletedAt') == null) map.set('deletedAt', at);
	});
}
