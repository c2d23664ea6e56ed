/**
 * The root shared types of a meeting document and the low-level helpers every operation
 * uses. The layout is described in docs/meeting-schema.md; change both together.
 */
import * as Y from 'yjs';
import { MeetingError, invalidState, notFound } from './errors.js';
import { compareOrdered, type Ordered } from './order.js';

/** Bumped when the layout changes incompatibly; older code refuses to write newer documents. */
export const SCHEMA_VERSION = 1;

export type EntityMap = Y.Map<unknown>;

/** Stored event records are plain JSON objects appended to the `events` array. */
export type EventRecord = Record<string, unknown>;

export interface Roots {
	readonly meta: Y.Map<unknown>;
	readonly header: Y.Map<unknown>;
	readonly participants: Y.Map<EntityMap>;
	readonly items: Y.Map<EntityMap>;
	readonly parkingLot: Y.Map<EntityMap>;
	readonly events: Y.Array<EventRecord>;
}

export function roots(doc: Y.Doc): Roots {
	return {
		meta: doc.getMap('meta'),
		header: doc.getMap('header'),
		participants: doc.getMap<EntityMap>('participants'),
		items: doc.getMap<EntityMap>('items'),
		parkingLot: doc.getMap<EntityMap>('parkingLot'),
		events: doc.getArray<EventRecord>('events')
	};
}

export function schemaVersionOf(doc: Y.Doc): number | null {
	const value = roots(doc).meta.get('schemaVersion');
	return typeof value === 'number' ? value : null;
}

/** Throws unless the document is a meeting this code may write to. */
export function requireWritable(doc: Y.Doc): Roots {
	const version = schemaVersionOf(doc);
	if (version === null) {
		throw new MeetingError('NOT_INITIALISED', 'the document is not an initialised meeting');
	}
	if (version > SCHEMA_VERSION) {
		throw new MeetingError(
			'UNSUPPORTED_SCHEMA',
			`the meeting uses schema ${version}; this version of the app writes schema ${SCHEMA_VERSION}`
		);
	}
	return roots(doc);
}

export function getEntity(collection: Y.Map<EntityMap>, id: string, what: string): EntityMap {
	const entity = typeof id === 'string' ? collection.get(id) : undefined;
	if (!(entity instanceof Y.Map)) throw notFound(what, String(id));
	return entity;
}

/** An entity that exists and is not removed: edits to removed entities must be restored first. */
export function getLiveEntity(collection: Y.Map<EntityMap>, id: string, what: string): EntityMap {
	const entity = getEntity(collection, id, what);
	if (isDeleted(entity)) throw invalidState(`${what} ${id} is removed; restore it first`);
	return entity;
}

export function isDeleted(entity: EntityMap): boolean {
	return typeof entity.get('deletedAt') === 'string';
}

// Readers coerce instead of trusting: a document may hold values written by a faulty or
// newer client, and a read must never throw.

export function readString(map: Y.Map<unknown>, key: string): string | null {
	const value = map.get(key);
	return typeof value === 'string' ? value : null;
}

export function readNumber(map: Y.Map<unknown>, key: string): number | null {
	const value = map.get(key);
	return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

export function readEnum<T extends string>(map: Y.Map<unknown>, key: string, allowed: readonly T[], fallback: T): T {
	const value = map.get(key);
	return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

export function readText(map: Y.Map<unknown>, key: string): string {
	const value = map.get(key);
	return value instanceof Y.Text ? value.toString() : typeof value === 'string' ? value : '';
}

export function childMap(map: Y.Map<unknown>, key: string): Y.Map<EntityMap> | null {
	const value = map.get(key);
	return value instanceof Y.Map ? (value as Y.Map<EntityMap>) : null;
}

export interface OrderedEntity extends Ordered {
	readonly map: EntityMap;
	readonly deleted: boolean;
}

/** The entities of a collection, sorted by (order key, id). */
export function sortedEntities(collection: Y.Map<EntityMap>): OrderedEntity[] {
	const list: OrderedEntity[] = [];
	collection.forEach((map, id) => {
		if (!(map instanceof Y.Map)) return;
		list.push({ id, order: readString(map, 'order') ?? '', map, deleted: isDeleted(map) });
	});
	return list.sort(compareOrdered);
}

export function applyRekey(collection: Y.Map<EntityMap>, rekeyed: ReadonlyMap<string, string>): void {
	for (const [id, key] of rekeyed) collection.get(id)?.set('order', key);
}

/** Replaces a Y.Text's content in one edit (a whole-text set, not a keystroke stream). */
export function replaceText(text: Y.Text, value: string): void {
	if (text.toString() === value) return;
	text.delete(0, text.length);
	text.insert(0, value);
}

export function setOptional(map: Y.Map<unknown>, key: string, value: unknown): void {
	if (value !== undefined) map.set(key, value);
}

/** References to participants must name one that exists (a removed one is still a valid name). */
export function checkPersonRefs<T extends { participantId: string } | { name: string }>(
	participants: Y.Map<EntityMap>,
	refs: readonly T[],
	field: string
): void {
	refs.forEach((ref, i) => {
		if ('participantId' in ref && !(participants.get(ref.participantId) instanceof Y.Map)) {
			throw notFound(`${field}[${i}] participant`, ref.participantId);
		}
	});
}
