/**
 * The agenda's shape as derived from the flat `items` map: effective parents, order,
 * numbers. Concurrent moves can produce shapes no single client made (a sub-item under a
 * sub-item, two items each other's parent); these rules resolve them the same way on
 * every replica instead of failing.
 */
import * as Y from 'yjs';
import { isDeleted, readString, sortedEntities, type EntityMap } from './doc.js';

export interface FlatItem {
	readonly id: string;
	readonly map: EntityMap;
	readonly order: string;
	/** Top-level ancestor, or null for a top-level item. */
	readonly parentId: string | null;
	readonly depth: 0 | 1;
	/** Removed itself, or its parent is. */
	readonly removed: boolean;
	/** "4", "4a"; the empty string for removed items. */
	readonly number: string;
}

/**
 * The parent an item is shown under: its stored parent's top-level ancestor, so nesting is
 * at most one level. A missing parent or a cycle makes the item top-level.
 */
function effectiveParent(items: Y.Map<EntityMap>, id: string): string | null {
	const map = items.get(id);
	const start = map ? readString(map, 'parentId') : null;
	if (!start || !(items.get(start) instanceof Y.Map)) return null;
	const seen = new Set([id]);
	let current = start;
	for (;;) {
		if (seen.has(current)) return null;
		seen.add(current);
		const parent = readString(items.get(current) as EntityMap, 'parentId');
		if (!parent || !(items.get(parent) instanceof Y.Map)) return current;
		current = parent;
	}
}

/** a, b, … z, aa, ab, … */
export function letters(index: number): string {
	let n = index + 1;
	let out = '';
	while (n > 0) {
		const rem = (n - 1) % 26;
		out = String.fromCharCode(97 + rem) + out;
		n = Math.floor((n - 1) / 26);
	}
	return out;
}

/** All items, removed ones included, each top-level item followed by its sub-items. */
export function flattenAgenda(items: Y.Map<EntityMap>): FlatItem[] {
	const sorted = sortedEntities(items);
	const children = new Map<string, typeof sorted>();
	const tops: typeof sorted = [];
	for (const entity of sorted) {
		const parent = effectiveParent(items, entity.id);
		if (parent === null) tops.push(entity);
		else {
			const list = children.get(parent) ?? [];
			list.push(entity);
			children.set(parent, list);
		}
	}
	const flat: FlatItem[] = [];
	let topNumber = 0;
	for (const top of tops) {
		const topRemoved = top.deleted;
		if (!topRemoved) topNumber += 1;
		const topLabel = topRemoved ? '' : String(topNumber);
		flat.push({ id: top.id, map: top.map, order: top.order, parentId: null, depth: 0, removed: topRemoved, number: topLabel });
		let childNumber = 0;
		for (const child of children.get(top.id) ?? []) {
			const removed = topRemoved || child.deleted;
			const number = removed ? '' : topLabel + letters(childNumber++);
			flat.push({ id: child.id, map: child.map, order: child.order, parentId: top.id, depth: 1, removed, number });
		}
	}
	return flat;
}

/** Live siblings under `parentId` (null = top level), sorted. */
export function liveSiblings(items: Y.Map<EntityMap>, parentId: string | null): FlatItem[] {
	return flattenAgenda(items).filter((item) => !item.removed && item.parentId === parentId);
}

export function isRemovedEffectively(items: Y.Map<EntityMap>, id: string): boolean {
	const map = items.get(id);
	if (!(map instanceof Y.Map)) return true;
	if (isDeleted(map)) return true;
	const parent = effectiveParent(items, id);
	const parentMap = parent ? items.get(parent) : undefined;
	return parentMap instanceof Y.Map && isDeleted(parentMap);
}
