/**
 * The group document: its roots, initialisation and the low-level helpers. One Y.Doc
 * per group, synced and stored like a meeting under the group's id. Layout: docs/groups.md.
 */
import * as Y from 'yjs';
import { generateKeyBetween } from 'fractional-indexing';
import { GroupError, invalid } from './errors.js';

export const GROUP_SCHEMA_VERSION = 1;

export type EntityMap = Y.Map<unknown>;

export interface GroupRoots {
	/** schemaVersion, createdAt, name */
	readonly group: Y.Map<unknown>;
	readonly roster: Y.Map<EntityMap>;
	readonly template: Y.Map<EntityMap>;
	/** meetingId → plain { sequence, title, date, createdAt } */
	readonly meetings: Y.Map<unknown>;
	/** outstanding key → plain { at, note }: matters closed from the group's page */
	readonly closures: Y.Map<unknown>;
}

export function groupRoots(doc: Y.Doc): GroupRoots {
	return {
		group: doc.getMap('group'),
		roster: doc.getMap<EntityMap>('roster'),
		template: doc.getMap<EntityMap>('template'),
		meetings: doc.getMap('meetings'),
		closures: doc.getMap('closures')
	};
}

export function requireGroup(doc: Y.Doc): GroupRoots {
	const r = groupRoots(doc);
	const version = r.group.get('schemaVersion');
	if (typeof version !== 'number') throw new GroupError('NOT_INITIALISED', 'the document is not an initialised group');
	if (version > GROUP_SCHEMA_VERSION) {
		throw new GroupError('UNSUPPORTED_SCHEMA', `the group uses schema ${version}; this app writes ${GROUP_SCHEMA_VERSION}`);
	}
	return r;
}

export const LIMITS = { name: 200, title: 500, text: 2_000 } as const;

export function requiredText(value: unknown, field: string, max: number): string {
	if (typeof value !== 'string') throw invalid(field, 'must be a string');
	const trimmed = value.trim();
	if (trimmed.length === 0) throw invalid(field, 'must not be empty');
	if (trimmed.length > max) throw invalid(field, `must be at most ${max} characters`);
	return trimmed;
}

export function optionalText(value: unknown, field: string, max: number): string | null | undefined {
	if (value === undefined) return undefined;
	if (value === null) return null;
	if (typeof value !== 'string') throw invalid(field, 'must be a string or null');
	const trimmed = value.trim();
	if (trimmed.length > max) throw invalid(field, `must be at most ${max} characters`);
	return trimmed.length === 0 ? null : trimmed;
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string): T {
	if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
		throw invalid(field, `must be one of ${allowed.join(', ')}`);
	}
	return value as T;
}

export function isoNow(now?: Date | string): string {
	const date = now === undefined ? new Date() : new Date(now);
	if (Number.isNaN(date.getTime())) throw invalid('now', 'must be a valid time');
	return date.toISOString();
}

export function readString(map: Y.Map<unknown>, key: string): string | null {
	const value = map.get(key);
	return typeof value === 'string' ? value : null;
}

export function newId(): string {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
	const bytes = new Uint8Array(16);
	globalThis.crypto.getRandomValues(bytes);
	let id = '';
	for (const byte of bytes) id += alphabet[byte & 63];
	return id;
}

export interface Ordered {
	readonly id: string;
	readonly order: string;
	readonly map: EntityMap;
}

/** Live (not removed) entities sorted by (order, id): the same order on every replica. */
export function liveSorted(collection: Y.Map<EntityMap>): Ordered[] {
	const list: Ordered[] = [];
	collection.forEach((map, id) => {
		if (!(map instanceof Y.Map) || typeof map.get('deletedAt') === 'string') return;
		list.push({ id, order: readString(map, 'order') ?? '', map });
	});
	return list.sort((a, b) => (a.order !== b.order ? (a.order < b.order ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * A key placing an entity at `index` among `siblings`. Siblings with equal keys (two
 * replicas appended at once) get a key after the later one: order stays deterministic.
 */
export function keyAt(siblings: readonly Ordered[], index: number | undefined): string {
	const at = index === undefined ? siblings.length : Math.min(Math.max(index, 0), siblings.length);
	let lower = at > 0 ? siblings[at - 1].order : null;
	const upper = at < siblings.length ? siblings[at].order : null;
	if (lower !== null && upper !== null && lower >= upper) lower = null;
	try {
		return generateKeyBetween(lower, upper);
	} catch {
		return generateKeyBetween(siblings.at(-1)?.order || null, null);
	}
}

export interface InitGroupInput {
	name: string;
	now?: Date | string;
}
