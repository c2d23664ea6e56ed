/**
 * Yjs updates as both sides treat them: a document from stored updates, and how far an
 * update reaches (what a MESSAGE_SAVED acknowledgement confirms). Imports only yjs.
 */
import * as Y from 'yjs';

/** Applies `updates` in one transaction (one round of observers, not one per update). */
export function applyUpdates(doc: Y.Doc, updates: Iterable<Uint8Array>, origin: unknown = null): void {
	Y.transact(
		doc,
		() => {
			for (const update of updates) Y.applyUpdate(doc, update);
		},
		origin
	);
}

/** A new document holding `updates` (a stored snapshot and log, or a device's copy). The caller destroys it. */
export function docFromUpdates(updates: Iterable<Uint8Array>): Y.Doc {
	const doc = new Y.Doc();
	applyUpdates(doc, updates);
	return doc;
}

/**
 * The clock each client reaches in an update. Not Y.encodeStateVectorFromUpdate: that one
 * only counts clients whose structs start at clock 0, so it is empty for every incremental
 * update a typing client sends. Empty for an update that only deletes.
 */
export function reachOf(update: Uint8Array): Map<number, number> {
	return Y.parseUpdateMeta(update).to;
}
