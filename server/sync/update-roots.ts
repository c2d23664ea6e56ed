/**
 * Which parts of a meeting document a Yjs update would change, found by decoding it
 * (never by applying it): the sync policy refuses an update that touches a part the
 * connection's role may not change (`events`, `meta`, `header.kind`, a participant's role).
 *
 * Each struct of the update is located as a root name plus the path of map keys from
 * that root down to it (`items/<id>/notes` is `{ root: 'items', path: ['<id>', 'notes', null] }`;
 * null is a position in an array or text). Where a struct sits:
 * - its `parent` is a root name (a top-level insert) or the id of the item that holds
 *   the parent type, resolved through the server doc's store or the update's own structs;
 * - with no parent written, it sits beside its `origin` (or `rightOrigin`), in the same place.
 * Deletions (the delete set) are located through the server doc's store, or the update's
 * own structs for an insert deleted in the same update.
 *
 * Only effective changes count: structs the doc already holds, deletions of structs
 * already deleted, and inserts next to garbage-collected structs (Yjs turns those into
 * GC) touch nothing. What cannot be located (a dependency the server lacks, a deletion
 * of structs it does not hold yet, a too-deep chain) is counted as `unresolved`: the
 * caller must treat it as possibly touching anything.
 */
import * as Y from 'yjs';

export interface Touch {
	kind: 'insert' | 'delete';
	root: string;
	/** Map keys from the root down to the changed struct; null for a position in an array or text. */
	path: readonly (string | null)[];
}

export interface UpdateTouches {
	touches: Touch[];
	/** Structs or deletions that could not be located: they may touch any root. */
	unresolved: number;
}

type Location = { root: string; path: (string | null)[] };
/** 'gc': Yjs will turn the struct into GC (no effect); null: not locatable. */
type Resolved = Location | 'gc' | null;

/** Origin chains deeper than this are not followed (counted as unresolved). */
const MAX_DEPTH = 1000;

interface StructRef {
	client: number;
	clock: number;
}

function isId(value: unknown): value is StructRef {
	return typeof value === 'object' && value !== null && 'client' in value && 'clock' in value && !(value instanceof Y.AbstractType);
}

/** The struct holding `clock` in a clock-sorted list of one client's structs, or undefined. */
function findStruct<T extends { id: StructRef; length: number }>(structs: readonly T[] | undefined, clock: number): T | undefined {
	if (!structs || structs.length === 0) return undefined;
	let low = 0;
	let high = structs.length - 1;
	while (low <= high) {
		const mid = (low + high) >> 1;
		const struct = structs[mid];
		if (clock < struct.id.clock) high = mid - 1;
		else if (clock >= struct.id.clock + struct.length) low = mid + 1;
		else return struct;
	}
	return undefined;
}

/** Location of an item already integrated in the doc: walk up its parent types. */
function locateIntegrated(item: Y.Item): Resolved {
	const path: (string | null)[] = [];
	let current = item;
	for (let depth = 0; depth < MAX_DEPTH; depth++) {
		path.push(current.parentSub);
		const parent = current.parent;
		if (!(parent instanceof Y.AbstractType)) return null;
		if (parent._item === null) {
			try {
				return { root: Y.findRootTypeKey(parent), path: path.reverse() };
			} catch {
				return null;
			}
		}
		current = parent._item;
	}
	return null;
}

export function analyseUpdate(doc: Y.Doc, update: Uint8Array): UpdateTouches {
	const { structs, ds } = Y.decodeUpdate(update);
	const store = doc.store;
	const own = new Map<number, (Y.Item | Y.GC)[]>();
	for (const struct of structs) {
		if (struct instanceof Y.Skip) continue;
		let list = own.get(struct.id.client);
		if (!list) own.set(struct.id.client, (list = []));
		list.push(struct);
	}
	for (const list of own.values()) list.sort((a, b) => a.id.clock - b.id.clock);
	const memo = new Map<Y.Item, Resolved>();

	function inStore(ref: StructRef): Y.Item | Y.GC | undefined {
		if (ref.clock >= Y.getState(store, ref.client)) return undefined;
		return findStruct(store.clients.get(ref.client) as (Y.Item | Y.GC)[] | undefined, ref.clock);
	}

	function locateRef(ref: StructRef, depth: number): Resolved {
		const stored = inStore(ref);
		if (stored) return stored instanceof Y.GC ? 'gc' : locateIntegrated(stored);
		const pending = findStruct(own.get(ref.client), ref.clock);
		if (!pending) return null;
		return pending instanceof Y.GC ? 'gc' : locateDecoded(pending, depth + 1);
	}

	function locateDecoded(item: Y.Item, depth: number): Resolved {
		const known = memo.get(item);
		if (known !== undefined) return known;
		if (depth > MAX_DEPTH) return null;
		let result: Resolved;
		const parent = item.parent as unknown;
		if (typeof parent === 'string') {
			result = { root: parent, path: [item.parentSub] };
		} else if (isId(parent)) {
			const holder = locateRef(parent, depth);
			result = holder === null || holder === 'gc' ? holder : { root: holder.root, path: [...holder.path, item.parentSub] };
		} else {
			// No parent written: the item sits where its neighbours sit.
			const left = item.origin ? locateRef(item.origin, depth) : undefined;
			const right = item.rightOrigin ? locateRef(item.rightOrigin, depth) : undefined;
			if (left === 'gc' || right === 'gc') result = 'gc';
			else result = left ?? right ?? null;
		}
		memo.set(item, result);
		return result;
	}

	const touches = new Map<string, Touch>();
	let unresolved = 0;
	const add = (kind: Touch['kind'], location: Resolved): void => {
		if (location === 'gc') return;
		if (location === null) {
			unresolved++;
			return;
		}
		const key = JSON.stringify([kind, location.root, location.path]);
		if (!touches.has(key)) touches.set(key, { kind, root: location.root, path: location.path });
	};

	for (const struct of structs) {
		if (!(struct instanceof Y.Item)) continue;
		// Already held in full: Yjs skips it.
		if (struct.id.clock + struct.length <= Y.getState(store, struct.id.client)) continue;
		add('insert', locateDecoded(struct, 0));
	}

	for (const [client, ranges] of ds.clients) {
		const stored = store.clients.get(client) as (Y.Item | Y.GC)[] | undefined;
		const state = Y.getState(store, client);
		for (const { clock, len } of ranges) {
			const end = clock + len;
			if (stored && clock < state) {
				let index = Y.findIndexSS(stored, clock);
				for (; index < stored.length && stored[index].id.clock < end; index++) {
					const target = stored[index];
					if (target instanceof Y.Item && !target.deleted) add('delete', locateIntegrated(target));
				}
			}
			// The part past what the doc holds: this update's own inserts, or structs the server lacks.
			let next = Math.max(clock, state);
			while (next < end) {
				const target = findStruct(own.get(client), next);
				if (!target) {
					unresolved++;
					break;
				}
				if (target instanceof Y.Item) add('delete', locateDecoded(target, 0));
				next = target.id.clock + target.length;
			}
		}
	}
	return { touches: [...touches.values()], unresolved };
}
