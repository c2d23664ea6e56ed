/**
 * What an incoming Yjs update would do to the room's document, found by decoding it and
 * looking things up in the document — never by applying it. Yjs integrates a struct where
 * its neighbours are, not where it says its parent is, so this follows Yjs's own rules
 * (Item.getMissing and Item.integrate in yjs 13.6):
 *
 * - Structs of one client must continue that client's clocks: a gap means the update
 *   depends on something the server does not hold ('missing').
 * - A struct the document already holds in full changes nothing.
 * - A struct that overlaps clocks the document holds integrates only its new tail, placed
 *   right after the held struct at the clock before it: it lands wherever that struct is,
 *   whatever the update declares. An update that declares another place than that is
 *   crafted ('malformed').
 * - Otherwise a struct lands beside its origin (left neighbour), else beside its right
 *   origin, else in the parent it names (a root, or a nested type by the id of its item).
 *   A neighbour that was garbage collected makes the struct garbage: it changes nothing.
 * - Every reference (origin, right origin, parent, deleted range) must be held by the
 *   document or come earlier in the same update ('missing' otherwise). Nothing is ever
 *   left waiting in the document's pending store, where someone else's later update could
 *   complete it.
 * - Deletions count where the deleted item is. Deleting an already deleted item changes nothing.
 *
 * The result lists every effective write with its place and content, and the client ids under
 * which the update adds new clocks (their ownership is checked by the caller). The room
 * applies the update only if every write is allowed, and then compares these places with
 * where the structs actually landed (src/lib/meeting/writes.ts) as a tripwire.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { MAX_DEPTH, locateItem, type Location, type Write } from '../../src/lib/meeting/writes.ts';

export type Analysis =
	| {
			status: 'ok';
			writes: Write[];
			authors: Set<number>;
			/** The clock each client reaches in the update: what `Y.parseUpdateMeta(update).to` says, without decoding it again. */
			to: Map<number, number>;
			/**
			 * True when applying the update adds exactly the structs it carries: per client one run
			 * of structs without gaps or overlaps, starting at the clock the document holds, none of
			 * them landing as garbage, and no bytes after the delete set. The room then forwards and
			 * stores the bytes it received instead of Yjs's re-encoding, once the transaction shows
			 * that its deletions are exactly `deletes` (sync/room.ts `#apply`).
			 */
			whole: boolean;
			/** The update's delete set as decoded. */
			deletes: DeleteSet;
			/** The clocks the update's items (not its garbage) cover. */
			itemLength: number;
	  }
	/**
	 * `authors`: the client ids under which it would add clocks, known even when it cannot be
	 * placed yet; `waitingOn`: the client id whose clocks it waits for.
	 */
	| { status: 'missing'; reason: string; authors: Set<number>; waitingOn: number | null }
	/** Decodes, but says something no honest Yjs client says. */
	| { status: 'malformed'; reason: string }
	/** Not a Yjs update at all. */
	| { status: 'undecodable'; reason: string };

export type DeleteSet = ReturnType<typeof Y.decodeUpdate>['ds'];

interface Ref {
	client: number;
	clock: number;
}

type Struct = Y.Item | Y.GC;
/** 'gc': integrates as garbage (no effect). */
type Resolved = Location | 'gc';

class Refused extends Error {
	constructor(
		readonly status: 'missing' | 'malformed',
		reason: string,
		/** For 'missing': the client id whose clocks the update waits for. */
		readonly waitingOn: number | null = null
	) {
		super(reason);
	}
}

/** The client ids under which an update would add clocks the document does not hold. */
function newClocks(doc: Y.Doc, structs: Array<Y.Item | Y.GC | Y.Skip>): Set<number> {
	const authors = new Set<number>();
	for (const struct of structs) {
		if (!(struct instanceof Y.Skip) && struct.id.clock + struct.length > Y.getState(doc.store, struct.id.client)) authors.add(struct.id.client);
	}
	return authors;
}

function isRef(value: unknown): value is Ref {
	return typeof value === 'object' && value !== null && !(value instanceof Y.AbstractType) && 'client' in value && 'clock' in value;
}

/** The struct holding `clock` in a clock-sorted list, or undefined. */
function findStruct(structs: readonly Struct[] | undefined, clock: number): Struct | undefined {
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

function sameLocation(a: Resolved, b: Resolved): boolean {
	if (a === 'gc' || b === 'gc') return a === b;
	return a.root === b.root && a.path.length === b.path.length && a.path.every((segment, i) => segment === b.path[i]);
}

/** The decoder of the last `decodeWhole` call, to see whether the update's bytes were all read. */
let lastDecoder: Y.UpdateDecoderV1 | null = null;

/** Y.UpdateDecoderV1 that remembers itself, so the caller can look at what it left unread. */
class RecordingDecoder extends Y.UpdateDecoderV1 {
	constructor(decoder: decoding.Decoder) {
		super(decoder);
		lastDecoder = this;
	}
}

/** `Y.decodeUpdate`, and whether bytes follow the delete set (Yjs ignores them; a forwarded update must not carry them). */
function decodeWhole(update: Uint8Array): { structs: Array<Y.Item | Y.GC | Y.Skip>; ds: DeleteSet; trailing: boolean } {
	lastDecoder = null;
	const { structs, ds } = Y.decodeUpdateV2(update, RecordingDecoder);
	const rest = (lastDecoder as Y.UpdateDecoderV1 | null)?.restDecoder;
	lastDecoder = null;
	return { structs, ds, trailing: rest === undefined || decoding.hasContent(rest) };
}

/** `Y.parseUpdateMeta(update).to` from the decoded structs (the same walk: per run of one client's structs, where the run ends). */
function reachOfStructs(structs: readonly (Y.Item | Y.GC | Y.Skip)[]): Map<number, number> {
	const to = new Map<number, number>();
	if (structs.length === 0) return to;
	let client = structs[0].id.client;
	let clock = structs[0].id.clock;
	for (const struct of structs) {
		if (struct.id.client !== client) {
			to.set(client, clock);
			client = struct.id.client;
		}
		clock = struct.id.clock + struct.length;
	}
	to.set(client, clock);
	return to;
}

export function analyseUpdate(doc: Y.Doc, update: Uint8Array): Analysis {
	let decoded: ReturnType<typeof decodeWhole>;
	try {
		decoded = decodeWhole(update);
	} catch (error) {
		return { status: 'undecodable', reason: `undecodable update: ${(error as Error).message}` };
	}
	try {
		return new Analyser(doc, decoded.structs).run(decoded.ds, decoded.trailing);
	} catch (error) {
		if (!(error instanceof Refused)) throw error;
		// Ownership is checked on what cannot be placed yet too: a struct under someone else's id is never held.
		if (error.status === 'missing') {
			return { status: 'missing', reason: error.message, authors: newClocks(doc, decoded.structs), waitingOn: error.waitingOn };
		}
		return { status: error.status, reason: error.message };
	}
}

/**
 * One analysis: the update's structs per client and where each is found. A class rather than
 * closures inside a function, so that judging a keystroke allocates no functions.
 */
class Analyser {
	readonly #store: Y.Doc['store'];
	readonly #decoded: Array<Y.Item | Y.GC | Y.Skip>;
	readonly #own = new Map<number, Struct[]>();
	/** Where each client's clocks end once the update is applied (what the document holds, or the update's end). */
	readonly #reach = new Map<number, number>();
	readonly #memo = new Map<Y.Item, Resolved>();

	constructor(doc: Y.Doc, decodedStructs: Array<Y.Item | Y.GC | Y.Skip>) {
		this.#store = doc.store;
		this.#decoded = decodedStructs;
	}

	run(ds: DeleteSet, trailing: boolean): Analysis {
		const store = this.#store;
		const own = this.#own;
		let whole = !trailing;
		let itemLength = 0;
		for (const struct of this.#decoded) {
			if (struct instanceof Y.Skip) {
				whole = false;
				continue;
			}
			if (struct instanceof Y.Item) itemLength += struct.length;
			let list = own.get(struct.id.client);
			if (!list) own.set(struct.id.client, (list = []));
			list.push(struct);
		}

		// Clocks must run on without a gap from what the document holds; `reach` is where each client ends.
		const authors = new Set<number>();
		for (const [client, list] of own) {
			list.sort((a, b) => a.id.clock - b.id.clock);
			let next = Y.getState(store, client);
			for (const struct of list) {
				if (struct.id.clock > next) throw new Refused('missing', `client ${client} skips from clock ${next} to ${struct.id.clock}`, client);
				// An overlap with held clocks, or with another struct of the update: Yjs integrates only part of it.
				if (struct.id.clock !== next) whole = false;
				const end = struct.id.clock + struct.length;
				if (end > next) {
					authors.add(client);
					next = end;
				}
			}
			this.#reach.set(client, next);
		}

		const writes: Write[] = [];
		for (const list of own.values()) {
			for (const struct of list) {
				if (!(struct instanceof Y.Item)) continue;
				const place = this.#declared(struct, 0);
				const offset = Y.getState(store, struct.id.client) - struct.id.clock;
				if (offset >= struct.length) continue;
				let landing = place;
				if (offset > 0) {
					// Yjs re-links the new tail after the held struct at the clock before it (Item.integrate).
					landing = this.#locateRef({ client: struct.id.client, clock: struct.id.clock + offset - 1 }, 0);
					if (landing === 'gc' || !sameLocation(landing, place)) {
						throw new Refused('malformed', `the struct at ${struct.id.client}:${struct.id.clock} overlaps held clocks and names another place`);
					}
				}
				if (landing === 'gc') {
					whole = false;
					continue;
				}
				writes.push({ kind: 'insert', ...landing, content: struct.content, length: struct.length - Math.max(0, offset) });
			}
		}

		for (const [client, ranges] of ds.clients) {
			const stored = store.clients.get(client) as Struct[] | undefined;
			const state = Y.getState(store, client);
			for (const { clock, len } of ranges) {
				const end = clock + len;
				if (end > (this.#reach.get(client) ?? state)) throw new Refused('missing', `deletes ${client}:${clock}–${end}, beyond what the server holds`, client);
				if (stored && clock < state) {
					for (let index = Y.findIndexSS(stored, Math.max(clock, stored[0].id.clock)); index < stored.length && stored[index].id.clock < end; index++) {
						const target = stored[index];
						if (!(target instanceof Y.Item) || target.deleted) continue;
						const location = locateItem(target);
						if (!location) throw new Refused('malformed', `deletes ${client}:${target.id.clock}, which cannot be placed`);
						writes.push({ kind: 'delete', ...location, content: null, length: target.length });
					}
				}
				for (let next = Math.max(clock, state); next < end; ) {
					const target = findStruct(own.get(client), next);
					if (!target) throw new Refused('missing', `deletes ${client}:${next}, which the server does not hold`, client);
					if (target instanceof Y.Item) {
						const location = this.#declared(target, 0);
						if (location !== 'gc') writes.push({ kind: 'delete', ...location, content: null, length: target.length });
					}
					next = target.id.clock + target.length;
				}
			}
		}
		return { status: 'ok', writes, authors, to: reachOfStructs(this.#decoded), whole, deletes: ds, itemLength };
	}

	#held(ref: Ref): boolean {
		return ref.clock < (this.#reach.get(ref.client) ?? Y.getState(this.#store, ref.client));
	}

	/** Where the struct holding `ref` sits (held by the document or earlier in this update). */
	#locateRef(ref: Ref, depth: number): Resolved {
		const store = this.#store;
		if (ref.clock < Y.getState(store, ref.client)) {
			const stored = findStruct(store.clients.get(ref.client) as Struct[] | undefined, ref.clock);
			if (!stored) throw new Refused('missing', `no struct at ${ref.client}:${ref.clock}`, ref.client);
			if (stored instanceof Y.GC) return 'gc';
			const location = locateItem(stored);
			if (!location) throw new Refused('malformed', `the struct at ${ref.client}:${ref.clock} cannot be placed`);
			return location;
		}
		const pending = findStruct(this.#own.get(ref.client), ref.clock);
		if (!pending) throw new Refused('missing', `depends on ${ref.client}:${ref.clock}, which the server does not hold`, ref.client);
		return pending instanceof Y.GC ? 'gc' : this.#declared(pending, depth + 1);
	}

	/** Refuses a reference the struct cannot have: its own client's later clocks, or another client's clocks nobody holds. */
	#checkRef(item: Y.Item, ref: Ref | null): void {
		if (!ref) return;
		const client = item.id.client;
		// Yjs looks up references to the struct's own client without waiting for them.
		if (ref.client === client ? ref.clock >= item.id.clock : !this.#held(ref)) {
			throw new Refused(ref.client === client ? 'malformed' : 'missing', `depends on ${ref.client}:${ref.clock}`, ref.client);
		}
	}

	/** The place the struct names through its origin, right origin or parent (Item.getMissing). */
	#declared(item: Y.Item, depth: number): Resolved {
		const known = this.#memo.get(item);
		if (known !== undefined) return known;
		if (depth > MAX_DEPTH) throw new Refused('malformed', 'references nested too deep');
		this.#checkRef(item, item.origin);
		this.#checkRef(item, item.rightOrigin);
		this.#checkRef(item, isRef(item.parent) ? item.parent : null);
		let result: Resolved;
		if (item.origin || item.rightOrigin) {
			const left = item.origin ? this.#locateRef(item.origin, depth) : null;
			const right = item.rightOrigin ? this.#locateRef(item.rightOrigin, depth) : null;
			result = left === 'gc' || right === 'gc' ? 'gc' : ((left ?? right) as Location);
		} else if (typeof item.parent === 'string') {
			result = { root: item.parent, path: [item.parentSub], type: null };
		} else if (isRef(item.parent)) {
			result = this.#locateChildOf(item.parent, item.parentSub, depth);
		} else {
			throw new Refused('malformed', 'a struct with neither neighbours nor a parent');
		}
		this.#memo.set(item, result);
		return result;
	}

	/** Where a child of the nested type held by the item at `ref` sits. */
	#locateChildOf(ref: Ref, parentSub: string | null, depth: number): Resolved {
		const store = this.#store;
		let holder: Struct | undefined;
		if (ref.clock < Y.getState(store, ref.client)) holder = findStruct(store.clients.get(ref.client) as Struct[] | undefined, ref.clock);
		else holder = findStruct(this.#own.get(ref.client), ref.clock);
		if (!holder) throw new Refused('missing', `parent ${ref.client}:${ref.clock} is not held`, ref.client);
		// A parent that is not a nested type (or was collected) turns the struct into garbage.
		if (holder instanceof Y.GC || !(holder.content instanceof Y.ContentType)) return 'gc';
		const at = holder.id.clock < Y.getState(store, ref.client) ? locateItem(holder) : this.#declared(holder, depth + 1);
		if (at === null) throw new Refused('malformed', `parent ${ref.client}:${ref.clock} cannot be placed`);
		if (at === 'gc') return 'gc';
		const type = holder.id.clock < Y.getState(store, ref.client) ? holder.content.type : null;
		return { root: at.root, path: [...at.path, parentSub], type };
	}
}
