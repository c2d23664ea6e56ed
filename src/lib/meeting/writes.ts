/**
 * What a write does to a document, place by place: every struct it inserts and every item it
 * deletes, located as a root plus the map keys down to it (`null` for a position in a text or
 * an array). The sync server finds these before applying an update (server/sync/effective-writes.ts)
 * and again, as ground truth, from the transaction that applied it (`writesOfTransaction`); the
 * app checks its own transactions the same way in development and tests (`watchOwnWrites`).
 */
import * as Y from 'yjs';
import { checkContent, placeOf, type DocumentSchema } from './schema-language.js';

export interface Location {
	readonly root: string;
	readonly path: readonly (string | null)[];
	/** The shared type the struct sits in, when it is already in the document. */
	readonly type: object | null;
}

export interface Write extends Location {
	readonly kind: 'insert' | 'delete';
	/** What an insert puts there (null for deletions). */
	readonly content: Y.Item['content'] | null;
	/** Characters or values an insert adds. */
	readonly length: number;
}

/** Parent chains deeper than this are not followed. */
export const MAX_DEPTH = 64;

/** Where an item that is in the document sits; null if its parents cannot be followed to a root. */
export function locateItem(item: Y.Item): Location | null {
	const path: (string | null)[] = [];
	const type = item.parent instanceof Y.AbstractType ? item.parent : null;
	let current = item;
	for (let depth = 0; depth < MAX_DEPTH; depth++) {
		path.push(current.parentSub);
		const parent = current.parent;
		if (!(parent instanceof Y.AbstractType)) return null;
		if (parent._item === null) {
			try {
				return { root: Y.findRootTypeKey(parent), path: path.reverse(), type };
			} catch {
				return null;
			}
		}
		current = parent._item;
	}
	return null;
}

/** Where an item sits, or root '' when it cannot be located. */
function locationOf(item: Y.Item): Location {
	return locateItem(item) ?? { root: '', path: [], type: null };
}

/**
 * Every insert and deletion a transaction made, where it actually landed. Items that cannot
 * be located are returned with root '' (no schema has it), so a check refuses them.
 */
export function writesOfTransaction(transaction: Y.Transaction): Write[] {
	const writes: Write[] = [];
	const store = transaction.doc.store;
	for (const [client, after] of transaction.afterState) {
		const before = transaction.beforeState.get(client) ?? 0;
		if (after <= before) continue;
		const structs = store.clients.get(client) ?? [];
		for (let i = Y.findIndexSS(structs, before); i < structs.length && structs[i].id.clock < after; i++) {
			const struct = structs[i];
			if (struct instanceof Y.Item) writes.push({ kind: 'insert', ...locationOf(struct), content: struct.content, length: struct.length });
		}
	}
	Y.iterateDeletedStructs(transaction, transaction.deleteSet, (struct) => {
		if (struct instanceof Y.Item) writes.push({ kind: 'delete', ...locationOf(struct), content: null, length: struct.length });
	});
	return writes;
}

/** The first write that breaks `schema`, as a sentence, or null. */
export function schemaProblem(schema: DocumentSchema, writes: readonly Write[]): string | null {
	for (const write of writes) {
		const place = placeOf(schema, write.root, write.path);
		const where = [write.root, ...write.path.map((p) => p ?? '#')].join('/');
		if ('problem' in place) return place.problem;
		if (write.kind === 'insert' && write.content) {
			const problem = checkContent(place, write.content);
			if (problem) return `${where}: ${problem}`;
		}
		if (write.kind === 'delete' && place.at === 'position' && place.node.y === 'log') return `${where}: the log is append-only`;
	}
	return null;
}

/**
 * Throws as soon as a local transaction on `doc` writes something `schema` does not allow:
 * a bug in the app's own writes is caught where it is made (development and tests only).
 * Updates applied from the server or the device's copy are not local transactions.
 */
export function watchOwnWrites(doc: Y.Doc, schema: DocumentSchema): () => void {
	const check = (transaction: Y.Transaction) => {
		if (!transaction.local) return;
		const problem = schemaProblem(schema, writesOfTransaction(transaction));
		if (problem) throw new Error(`the app wrote off-schema: ${problem}`);
	};
	doc.on('afterTransaction', check);
	return () => doc.off('afterTransaction', check);
}
