/**
 * Ordering by fractional index keys stored on each entity. A move rewrites one key, so
 * concurrent moves never duplicate or lose an entity; equal keys (two replicas appending
 * at once) are ordered by id, which every replica sees the same.
 */
import { generateKeyBetween, generateNKeysBetween } from 'fractional-indexing';

export interface Ordered {
	readonly id: string;
	readonly order: string;
}

export function compareOrdered(a: Ordered, b: Ordered): number {
	if (a.order !== b.order) return a.order < b.order ? -1 : 1;
	if (a.id !== b.id) return a.id < b.id ? -1 : 1;
	return 0;
}

export interface Placement {
	/** The key for the placed entity. */
	readonly key: string;
	/** Fresh keys for siblings, needed only when neighbours share a key and nothing fits between. */
	readonly rekeyed: ReadonlyMap<string, string>;
}

/**
 * A key that puts an entity at `index` among `siblings` (sorted, not containing the entity).
 * An index past the end appends.
 */
export function placeAt(siblings: readonly Ordered[], index: number | undefined): Placement {
	const at = index === undefined ? siblings.length : Math.min(Math.max(index, 0), siblings.length);
	const lower = at > 0 ? siblings[at - 1].order : null;
	const upper = at < siblings.length ? siblings[at].order : null;
	if (lower === null || upper === null || lower < upper) {
		try {
			return { key: generateKeyBetween(lower, upper), rekeyed: new Map() };
		} catch {
			// A key written by a faulty client: fall through and renumber the whole list.
		}
	}
	const keys = generateNKeysBetween(null, null, siblings.length + 1);
	const rekeyed = new Map<string, string>();
	siblings.forEach((sibling, i) => rekeyed.set(sibling.id, keys[i < at ? i : i + 1]));
	return { key: keys[at], rekeyed };
}

/** A key after every key in `orders` (an append). */
export function appendKey(orders: readonly string[]): string {
	const last = [...orders].sort().at(-1) ?? null;
	try {
		return generateKeyBetween(last, null);
	} catch {
		return generateKeyBetween(null, null);
	}
}
