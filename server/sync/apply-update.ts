/**
 * Applying a judged update and finding its effective update: what the room stores and
 * forwards. Yjs encodes every transaction again for a document's 'update' listeners
 * (`writeUpdateMessageFromTransaction`), but a client's keystroke usually applies exactly as
 * sent: then the bytes received are the effective update, and encoding it again is wasted
 * work on every edit. So the room's document has no permanent 'update' listener:
 *
 * - The analysis (effective-writes.ts) says whether the update can apply whole: one run of
 *   new structs per client starting at the clock the document holds, nothing landing as
 *   garbage, no bytes after the delete set.
 * - The transaction confirms it (`didExactly`): the clients that moved are exactly those,
 *   to exactly where the update ends; every item it carries was integrated as an item; the
 *   deletions made are exactly the update's delete set (nothing already deleted, no value
 *   that lost to a concurrent one, nothing put into a deleted type).
 * - Confirmed: the received bytes are the effective update (the same structs and deletions as
 *   Yjs's encoding, byte for byte for what a Yjs client sends: apply-update.test.ts).
 *   Otherwise an 'update' listener is added in the same afterTransaction event, before Yjs
 *   encodes the transaction for its listeners, and Yjs's encoding is used, as before.
 *
 * Judging is untouched: the same analysis and tripwire decide whether an update is applied;
 * this only decides which bytes of an applied update are stored and sent on.
 */
import * as Y from 'yjs';
import { writesOfTransaction, type Write } from '../../src/lib/meeting/writes.ts';
import type { Analysis, DeleteSet } from './effective-writes.ts';

type OkAnalysis = Extract<Analysis, { status: 'ok' }>;

export interface Applied {
	/** What the update changed, as one update (the received bytes when it applied whole), or null if nothing. */
	effective: Uint8Array | null;
	/** The writes the transaction made, where they landed (the tripwire's ground truth); null if no transaction was seen. */
	actual: Write[] | null;
	/** Whether `effective` is the received update itself. */
	whole: boolean;
}

/** Per client, the deleted ranges sorted and merged as [start, end, …] (what Yjs's sortAndMergeDeleteSet makes). */
function mergedRanges(ds: DeleteSet): Map<number, number[]> {
	const merged = new Map<number, number[]>();
	for (const [client, items] of ds.clients) {
		if (items.length === 0) continue;
		const sorted = items.length === 1 ? items : [...items].sort((a, b) => a.clock - b.clock);
		const ranges: number[] = [];
		for (const { clock, len } of sorted) {
			const last = ranges.length - 1;
			if (last > 0 && clock <= ranges[last]) ranges[last] = Math.max(ranges[last], clock + len);
			else ranges.push(clock, clock + len);
		}
		merged.set(client, ranges);
	}
	return merged;
}

/**
 * Whether a transaction that applied an update the analysis called whole did exactly what the
 * update's bytes say (see the module comment). `inserted`: the clocks of the items it integrated.
 */
function didExactly(transaction: Y.Transaction, analysis: OkAnalysis, inserted: number): boolean {
	let moved = 0;
	for (const [client, after] of transaction.afterState) {
		if (after === (transaction.beforeState.get(client) ?? 0)) continue;
		if (analysis.to.get(client) !== after) return false;
		moved++;
	}
	if (moved !== analysis.to.size || inserted !== analysis.itemLength) return false;
	// Sorted and merged by Yjs before the afterTransaction event.
	const done = transaction.deleteSet.clients;
	const asked = mergedRanges(analysis.deletes);
	let doneClients = 0;
	for (const [client, items] of done) {
		if (items.length === 0) continue;
		doneClients++;
		const ranges = asked.get(client);
		if (!ranges || ranges.length !== items.length * 2) return false;
		for (let i = 0; i < items.length; i++) {
			if (items[i].clock !== ranges[i * 2] || items[i].clock + items[i].len !== ranges[i * 2 + 1]) return false;
		}
	}
	if (doneClients !== asked.size) return false;
	// An update that changed nothing is not stored or forwarded.
	return moved > 0 || doneClients > 0;
}

/** The transaction being applied by `applyJudged` and what its afterTransaction event found (one at a time: applying is synchronous). */
let applying: { origin: unknown; analysis: OkAnalysis; actual: Write[] | null; whole: boolean } | null = null;
/** The last update Yjs encoded for `grab` (registered only while one is wanted). */
let grabbed: Uint8Array | null = null;

function grab(update: Uint8Array): void {
	grabbed = update;
}

function capture(transaction: Y.Transaction): void {
	const current = applying;
	if (!current || transaction.origin !== current.origin) return;
	const actual = writesOfTransaction(transaction);
	current.actual = actual;
	if (!current.whole) return;
	let inserted = 0;
	for (const write of actual) if (write.kind === 'insert') inserted += write.length;
	current.whole = didExactly(transaction, current.analysis, inserted);
	// Not whole after all: Yjs encodes the transaction for the 'update' listeners it finds after this event.
	if (!current.whole) transaction.doc.on('update', grab);
}

/**
 * Applies `update` (judged: `analysis` is its analysis against `doc` as it is now) under
 * `origin`, and returns its effective update and the writes the transaction made.
 */
export function applyJudged(doc: Y.Doc, update: Uint8Array, origin: unknown, analysis: OkAnalysis): Applied {
	const outer = applying;
	const current = { origin, analysis, actual: null as Write[] | null, whole: analysis.whole };
	applying = current;
	grabbed = null;
	if (!current.whole) doc.on('update', grab);
	doc.on('afterTransaction', capture);
	try {
		Y.applyUpdate(doc, update, origin);
	} finally {
		doc.off('afterTransaction', capture);
		doc.off('update', grab);
		applying = outer;
	}
	const encoded = grabbed as Uint8Array | null;
	grabbed = null;
	// `whole` is only trusted once the transaction was seen and confirmed it.
	const whole = current.whole && current.actual !== null;
	return { effective: whole ? update : encoded, actual: current.actual, whole };
}

/** Runs `change` on `doc` and returns what it changed as one update (Yjs's encoding of the last transaction that changed something), or null. */
export function effectiveOf(doc: Y.Doc, change: () => void): Uint8Array | null {
	let effective: Uint8Array | null = null;
	const take = (update: Uint8Array) => {
		effective = update;
	};
	doc.on('update', take);
	try {
		change();
	} finally {
		doc.off('update', take);
	}
	return effective;
}
