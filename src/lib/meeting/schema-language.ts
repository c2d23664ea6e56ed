/**
 * The language in which the layout of a shared document is written down (the meeting's in
 * `schema.ts`, the group's in `src/lib/groups/schema.ts`), and the checks that follow from it.
 *
 * One schema serves three readers: the sync server checks every struct and deletion of an
 * incoming update against it before the update touches the room's document; the app's own
 * writes are checked against it in development and tests; and `auditDocument` walks a stored
 * document to find (and `repairDocument` drop) what a poisoned or old document holds off-schema.
 *
 * A place in a document is a root name plus the map keys down to it; `null` stands for a
 * position in a sequence (a Y.Text or a Y.Array). Every check here is bounded: values are
 * walked to a fixed depth, and a path is walked once, so checking an update is linear in
 * its size.
 */
import * as Y from 'yjs';
import { generateKeyBetween } from 'fractional-indexing';

/**
 * Who may write a place. 'run': those who run the meeting (organiser, chair, secretary);
 * 'notes': everyone who co-edits notes; 'self': a participant about themself (check-in);
 * 'never': nobody, through sync (e.g. deleting from the append-only live flow log).
 */
export type WriteScope = 'run' | 'notes' | 'self' | 'any' | 'never';

export type ValueSpec =
	| { readonly t: 'string'; readonly max: number; readonly nonEmpty?: boolean; readonly nullable?: boolean }
	| { readonly t: 'enum'; readonly values: readonly string[]; readonly nullable?: boolean }
	| { readonly t: 'int'; readonly min: number; readonly max: number; readonly nullable?: boolean }
	| { readonly t: 'boolean' }
	/** An ISO 8601 UTC time as `Date.prototype.toISOString` writes it. */
	| { readonly t: 'time'; readonly nullable?: boolean }
	/** A calendar date `YYYY-MM-DD`. */
	| { readonly t: 'date'; readonly nullable?: boolean }
	/** A clock time `HH:MM`. */
	| { readonly t: 'clock'; readonly nullable?: boolean }
	/** A `fractional-indexing` key. */
	| { readonly t: 'order' }
	| { readonly t: 'key'; readonly key: KeySpec; readonly nullable?: boolean }
	/** An absolute URL whose scheme is one of `schemes`. */
	| { readonly t: 'url'; readonly schemes: readonly string[]; readonly max: number; readonly nullable?: boolean }
	/** A plain object: no other keys than these; a missing key reads as absent. */
	| { readonly t: 'object'; readonly fields: Readonly<Record<string, ValueSpec>>; readonly nullable?: boolean }
	/** A plain object whose `tag` key picks which fields it has. */
	| {
			readonly t: 'tagged';
			readonly tag: string;
			readonly variants: Readonly<Record<string, Readonly<Record<string, ValueSpec>>>>;
			readonly nullable?: boolean;
	  }
	| { readonly t: 'list'; readonly of: ValueSpec; readonly max: number }
	| { readonly t: 'oneOf'; readonly options: readonly ValueSpec[]; readonly nullable?: boolean };

/** The form of a map key (an entity id, a meeting id, a lower-cased name). */
export interface KeySpec {
	readonly name: string;
	readonly pattern: RegExp;
}

/** A key of a fixed map: either a nested shared type or a plain value. */
export type FieldSpec =
	| { readonly node: NodeSpec; readonly write?: WriteScope }
	| { readonly value: ValueSpec; readonly write?: WriteScope };

export type NodeSpec =
	/** A Y.Map with known keys. */
	| { readonly y: 'map'; readonly fields: Readonly<Record<string, FieldSpec>> }
	/** A Y.Map of entities (each a nested shared type) keyed by `key`. */
	| { readonly y: 'entities'; readonly key: KeySpec; readonly of: NodeSpec }
	/** A Y.Map of plain values keyed by `key`; `write` is the scope of its entries. */
	| { readonly y: 'values'; readonly key: KeySpec; readonly of: ValueSpec; readonly write?: WriteScope }
	/** A Y.Text of plain characters: no formatting, embeds or nested types. */
	| { readonly y: 'text'; readonly max: number; readonly write?: WriteScope }
	/** A Y.Array of plain values that is only ever appended to. */
	| { readonly y: 'log'; readonly of: ValueSpec; readonly max: number };

export interface DocumentSchema {
	readonly name: string;
	/** The scope of places that name none. */
	readonly write: WriteScope;
	readonly roots: Readonly<Record<string, NodeSpec>>;
}

/** Names no key may have: writing them into a plain object would reach its prototype. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Plain values nest this deep at most (the deepest in the schema is 4). */
const MAX_VALUE_DEPTH = 6;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX_ORDER_KEY = 200;

export function isCalendarDate(value: string): boolean {
	const match = DATE.exec(value);
	if (!match) return false;
	const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
	const probe = new Date(Date.UTC(y, m - 1, d));
	return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
}

export function isOrderKey(value: string): boolean {
	if (value.length === 0 || value.length > MAX_ORDER_KEY) return false;
	try {
		// The library validates its first argument before it computes anything.
		generateKeyBetween(value, null);
		return true;
	} catch {
		return false;
	}
}

export function keyMatches(spec: KeySpec, key: string): boolean {
	return !FORBIDDEN_KEYS.has(key) && spec.pattern.test(key);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	// lib0 decodes `__proto__` by assignment, which swaps the prototype instead of adding a key.
	return Object.getPrototypeOf(value) === Object.prototype;
}

function checkFields(fields: Readonly<Record<string, ValueSpec>>, value: Record<string, unknown>, depth: number, skip?: string): string | null {
	for (const key of Object.keys(value)) {
		if (key === skip) continue;
		const spec = Object.hasOwn(fields, key) ? fields[key] : undefined;
		if (!spec || FORBIDDEN_KEYS.has(key)) return `unknown key "${key.slice(0, 40)}"`;
		const problem = checkValue(spec, value[key], depth + 1);
		if (problem) return `${key}: ${problem}`;
	}
	return null;
}

/** Why `value` does not match `spec`, or null when it does. Never recurses past a fixed depth. */
export function checkValue(spec: ValueSpec, value: unknown, depth = 0): string | null {
	if (depth > MAX_VALUE_DEPTH) return 'nested too deep';
	if (value === null) return 'nullable' in spec && spec.nullable ? null : 'must not be null';
	switch (spec.t) {
		case 'string':
			if (typeof value !== 'string') return 'must be a string';
			if (value.length > spec.max) return `longer than ${spec.max} characters`;
			if (spec.nonEmpty && value.trim().length === 0) return 'must not be empty';
			return null;
		case 'enum':
			return typeof value === 'string' && spec.values.includes(value) ? null : `must be one of ${spec.values.join(', ')}`;
		case 'int':
			return typeof value === 'number' && Number.isInteger(value) && value >= spec.min && value <= spec.max
				? null
				: `must be a whole number ${spec.min}–${spec.max}`;
		case 'boolean':
			return typeof value === 'boolean' ? null : 'must be true or false';
		case 'time':
			return typeof value === 'string' && ISO_TIME.test(value) && Number.isFinite(Date.parse(value)) ? null : 'must be an ISO 8601 UTC time';
		case 'date':
			return typeof value === 'string' && isCalendarDate(value) ? null : 'must be a date YYYY-MM-DD';
		case 'clock':
			return typeof value === 'string' && CLOCK.test(value) ? null : 'must be a time HH:MM';
		case 'order':
			return typeof value === 'string' && isOrderKey(value) ? null : 'must be an order key';
		case 'key':
			return typeof value === 'string' && keyMatches(spec.key, value) ? null : `must be ${spec.key.name}`;
		case 'url': {
			if (typeof value !== 'string' || value.length > spec.max) return 'must be a URL';
			let parsed: URL;
			try {
				parsed = new URL(value);
			} catch {
				return 'must be an absolute URL';
			}
			return spec.schemes.includes(parsed.protocol) ? null : `must use ${spec.schemes.join(' or ')}`;
		}
		case 'object':
			return isPlainObject(value) ? checkFields(spec.fields, value, depth) : 'must be a plain object';
		case 'tagged': {
			if (!isPlainObject(value)) return 'must be a plain object';
			const tag = value[spec.tag];
			const variant = typeof tag === 'string' && Object.hasOwn(spec.variants, tag) ? spec.variants[tag] : undefined;
			if (!variant) return `${spec.tag} must be one of ${Object.keys(spec.variants).join(', ')}`;
			return checkFields(variant, value, depth, spec.tag);
		}
		case 'list': {
			if (!Array.isArray(value)) return 'must be a list';
			if (value.length > spec.max) return `more than ${spec.max} entries`;
			for (const entry of value) {
				const problem = checkValue(spec.of, entry, depth + 1);
				if (problem) return `entry: ${problem}`;
			}
			return null;
		}
		case 'oneOf':
			return spec.options.some((option) => checkValue(option, value, depth) === null) ? null : 'matches none of the allowed shapes';
	}
}

// ---------------------------------------------------------------- places

/**
 * What a place in a document is, as far as the schema knows it:
 * - 'entry': the value under a map key (`fields` or an entity/value map's key);
 * - 'position': a position in a text or a log.
 * `entity` is the first key under the root (the participant or item a write is about).
 */
export type Place =
	| {
			readonly at: 'entry';
			readonly write: WriteScope;
			/** The shared type the entry must hold, or the plain value it must hold. */
			readonly holds: { readonly node: NodeSpec } | { readonly value: ValueSpec };
			readonly entity: string | null;
	  }
	| { readonly at: 'position'; readonly write: WriteScope; readonly node: Extract<NodeSpec, { y: 'text' | 'log' }>; readonly entity: string | null };

/** Finds the place `path` names under `root`, or says which rule it breaks. */
export function placeOf(schema: DocumentSchema, root: string, path: readonly (string | null)[]): Place | { problem: string } {
	const rootNode = Object.hasOwn(schema.roots, root) ? schema.roots[root] : undefined;
	if (!rootNode) return { problem: `unknown root "${root.slice(0, 40)}"` };
	if (path.length === 0) return { problem: 'a root cannot be replaced' };
	let node: NodeSpec = rootNode;
	const entity = typeof path[0] === 'string' ? path[0] : null;
	for (let i = 0; i < path.length; i++) {
		const segment = path[i];
		const last = i === path.length - 1;
		const where = [root, ...path.slice(0, i)].join('/');
		if (segment === null) {
			if (node.y !== 'text' && node.y !== 'log') return { problem: `${where} is a map, not a sequence` };
			if (!last) return { problem: `${where} holds no nested types` };
			return { at: 'position', write: (node.y === 'text' ? node.write : undefined) ?? schema.write, node, entity };
		}
		let next: FieldSpec;
		switch (node.y) {
			case 'map': {
				const field = Object.hasOwn(node.fields, segment) ? node.fields[segment] : undefined;
				if (!field || FORBIDDEN_KEYS.has(segment)) return { problem: `${where} has no key "${segment.slice(0, 40)}"` };
				next = field;
				break;
			}
			case 'entities':
			case 'values':
				if (!keyMatches(node.key, segment)) return { problem: `${where}: key "${segment.slice(0, 40)}" is not ${node.key.name}` };
				next = node.y === 'entities' ? { node: node.of } : { value: node.of, write: node.write };
				break;
			default:
				return { problem: `${where} is a sequence, not a map` };
		}
		if (last) return { at: 'entry', write: next.write ?? schema.write, holds: 'node' in next ? { node: next.node } : { value: next.value }, entity };
		if (!('node' in next)) return { problem: `${where}/${segment.slice(0, 40)} is a plain value` };
		node = next.node;
	}
	return { problem: 'unreachable' };
}

/** The Yjs class a node must be: exact constructors, since YXmlText extends Y.Text and so on. */
function typeFits(node: NodeSpec, type: unknown): boolean {
	const constructor = (type as { constructor?: unknown } | null)?.constructor;
	switch (node.y) {
		case 'text':
			return constructor === Y.Text;
		case 'log':
			return constructor === Y.Array;
		default:
			return constructor === Y.Map;
	}
}

/**
 * Why inserting `content` at `place` breaks the schema, or null.
 */
export function checkContent(place: Place, content: Y.Item['content']): string | null {
	if (content instanceof Y.ContentDeleted) return null;
	if (place.at === 'position') {
		if (place.node.y === 'text') return content instanceof Y.ContentString ? null : `${content.constructor.name} in a plain text`;
		if (!(content instanceof Y.ContentAny)) return `${content.constructor.name} in a log of plain values`;
		for (const value of content.arr) {
			const problem = checkValue(place.node.of, value);
			if (problem) return problem;
		}
		return null;
	}
	if ('node' in place.holds) {
		if (!(content instanceof Y.ContentType)) return `${content.constructor.name} where a shared ${place.holds.node.y} belongs`;
		return typeFits(place.holds.node, content.type) ? null : `${content.type.constructor.name} where a ${place.holds.node.y} belongs`;
	}
	if (!(content instanceof Y.ContentAny)) return `${content.constructor.name} where a plain value belongs`;
	for (const value of content.arr) {
		const problem = checkValue(place.holds.value, value);
		if (problem) return problem;
	}
	return null;
}

/** The maximum length of the text at `place`, if it is a text. */
export function textMax(place: Place): number | null {
	return place.at === 'position' && place.node.y === 'text' ? place.node.max : null;
}

// ---------------------------------------------------------------- whole documents

export interface Violation {
	/** Root and keys down to the offending value, for the log line. */
	readonly path: string;
	readonly problem: string;
}

type Shared = Y.Map<unknown> | Y.Array<unknown> | Y.Text;

function auditNode(node: NodeSpec, type: Shared, path: string, out: Violation[], drop: ((fix: (transaction: Y.Transaction) => void) => void) | null): void {
	switch (node.y) {
		case 'text': {
			const text = type as Y.Text;
			// Off-schema parts of a text are separate items (format markers, embeds, nested types):
			// repairing deletes them, so two servers repairing at once reach the same text.
			const offSchema: Y.Item[] = [];
			for (let item = text._start; item !== null; item = item.right) {
				if (!item.deleted && !(item.content instanceof Y.ContentString)) offSchema.push(item);
			}
			if (offSchema.length > 0) out.push({ path, problem: 'formatting or embeds in a plain text' });
			if (text.length > node.max) out.push({ path, problem: `longer than ${node.max} characters` });
			if (drop && offSchema.length > 0) drop((transaction) => offSchema.forEach((item) => item.delete(transaction)));
			if (drop && text.length > node.max) drop(() => text.delete(node.max, text.length - node.max));
			return;
		}
		case 'log': {
			const array = type as Y.Array<unknown>;
			const bad: number[] = [];
			array.toArray().forEach((value, index) => {
				const problem = checkValue(node.of, value);
				if (problem) {
					out.push({ path: `${path}/${index}`, problem });
					bad.push(index);
				}
			});
			if (drop && bad.length > 0) drop(() => bad.reverse().forEach((index) => array.delete(index, 1)));
			return;
		}
		default: {
			const map = type as Y.Map<unknown>;
			for (const [key, value] of map.entries()) {
				const here = `${path}/${key}`;
				let spec: FieldSpec | undefined;
				if (node.y === 'map') spec = Object.hasOwn(node.fields, key) && !FORBIDDEN_KEYS.has(key) ? node.fields[key] : undefined;
				else if (keyMatches(node.key, key)) spec = node.y === 'entities' ? { node: node.of } : { value: node.of };
				let problem: string | null;
				if (!spec) problem = 'not in the schema';
				else if ('node' in spec) problem = typeFits(spec.node, value) ? null : 'wrong shared type';
				else problem = value instanceof Y.AbstractType ? 'a shared type where a plain value belongs' : checkValue(spec.value, value);
				if (problem) {
					out.push({ path: here, problem });
					if (drop) drop(() => map.delete(key));
				} else if (spec && 'node' in spec) {
					auditNode(spec.node, value as Shared, here, out, drop);
				}
			}
		}
	}
}

function auditRoots(schema: DocumentSchema, doc: Y.Doc, drop: ((fix: (transaction: Y.Transaction) => void) => void) | null): Violation[] {
	const out: Violation[] = [];
	for (const [name, type] of doc.share) {
		const node = Object.hasOwn(schema.roots, name) ? schema.roots[name] : undefined;
		if (!node) {
			// Unknown roots are invisible to every reader; they are reported, not removable.
			if (type._start !== null || type._map.size > 0) out.push({ path: name, problem: 'unknown root' });
			continue;
		}
		auditNode(node, rootAs(doc, name, node), name, out, drop);
	}
	return out;
}

/** The root typed as the schema says (a root first read untyped becomes typed here). */
function rootAs(doc: Y.Doc, name: string, node: NodeSpec): Shared {
	switch (node.y) {
		case 'text':
			return doc.getText(name);
		case 'log':
			return doc.getArray(name);
		default:
			return doc.getMap(name);
	}
}

/** Everything in `doc` that the schema does not allow, without changing anything. */
export function auditDocument(schema: DocumentSchema, doc: Y.Doc): Violation[] {
	return auditRoots(schema, doc, null);
}

/**
 * Drops what the schema does not allow (off-schema map entries, log entries, formatting
 * and embeds in texts, text past its maximum) in one transaction of deletions only, and
 * returns what was dropped. Everything on schema is left as it is.
 */
export function repairDocument(schema: DocumentSchema, doc: Y.Doc, origin: unknown = null): Violation[] {
	const fixes: ((transaction: Y.Transaction) => void)[] = [];
	const found = auditRoots(schema, doc, (fix) => fixes.push(fix));
	if (fixes.length > 0) doc.transact((transaction) => fixes.forEach((fix) => fix(transaction)), origin);
	return found;
}

/** Instantiates every root of the schema with its type, so later reads and checks see typed roots. */
export function typeRoots(schema: DocumentSchema, doc: Y.Doc): void {
	for (const [name, node] of Object.entries(schema.roots)) rootAs(doc, name, node);
}
