import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyJudged } from './apply-update.ts';
import { analyseUpdate } from './effective-writes.ts';

/** A copy of `doc` (as the server holds it) with a fresh client id. */
function copyOf(doc: Y.Doc, clientID?: number): Y.Doc {
	const copy = new Y.Doc();
	if (clientID !== undefined) copy.clientID = clientID;
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

/** What a Yjs client sends for `change`: its transaction's update, as y-websocket takes it from the 'update' event. */
function edit(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
	let sent: Uint8Array | null = null;
	const take = (update: Uint8Array) => {
		sent = update;
	};
	doc.on('update', take);
	doc.transact(() => change(doc));
	doc.off('update', take);
	if (!sent) throw new Error('the edit changed nothing');
	return sent;
}

/** Yjs's own effective update for `update` on a copy of `server`: what the room forwarded before. */
function yjsEncoding(server: Y.Doc, update: Uint8Array): Uint8Array | null {
	const copy = copyOf(server);
	let encoded: Uint8Array | null = null;
	copy.on('update', (effective: Uint8Array) => {
		encoded = effective;
	});
	Y.applyUpdate(copy, update, 'client');
	return encoded;
}

/** Applies `update` to `server` as the room does; checks it against Yjs's encoding and returns whether it went whole. */
function applyAndCompare(server: Y.Doc, update: Uint8Array, sameBytes = true): boolean {
	const expected = yjsEncoding(server, update);
	const analysis = analyseUpdate(server, update);
	if (analysis.status !== 'ok') throw new Error(`not applicable: ${analysis.status}`);
	expect(analysis.to).toEqual(Y.parseUpdateMeta(update).to);
	const reference = copyOf(server);
	if (expected) Y.applyUpdate(reference, expected);
	const { effective, whole, actual } = applyJudged(server, update, 'client', analysis);
	expect(actual).not.toBeNull();
	if (expected === null) {
		expect(effective).toBeNull();
		return whole;
	}
	expect(effective).not.toBeNull();
	if (whole) expect(effective).toBe(update);
	if (sameBytes || !whole) expect(effective).toEqual(expected);
	// Whatever bytes went out, a peer holding what the server held before ends where the server ends.
	const other = copyOf(reference);
	Y.applyUpdate(other, effective!);
	expect(Y.encodeStateAsUpdate(other)).toEqual(Y.encodeStateAsUpdate(reference));
	expect(Y.encodeStateVector(server)).toEqual(Y.encodeStateVector(reference));
	return whole;
}

function meeting(): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = 1;
	doc.getMap('header').set('title', 'Styrelsemöte');
	const notes = new Y.Text();
	doc.getMap('items').set('item1', new Y.Map());
	(doc.getMap('items').get('item1') as Y.Map<unknown>).set('notes', notes);
	notes.insert(0, 'Dagordningen godkändes.');
	doc.getArray('events').push([{ type: 'opened' }]);
	return doc;
}

const notesOf = (doc: Y.Doc) => (doc.getMap('items').get('item1') as Y.Map<unknown>).get('notes') as Y.Text;

describe('applyJudged: the received bytes go on when the update applied whole', () => {
	it('forwards keystrokes, backspaces, map values, nested types and list entries as received, byte-identical to Yjs', () => {
		const server = meeting();
		const client = copyOf(server, 7);
		const edits: ((doc: Y.Doc) => void)[] = [
			(doc) => notesOf(doc).insert(0, 'A'),
			(doc) => notesOf(doc).insert(5, 'bc'),
			(doc) => notesOf(doc).insert(notesOf(doc).length, ' Slut.'),
			(doc) => notesOf(doc).delete(2, 1),
			(doc) => notesOf(doc).delete(0, 4),
			(doc) => doc.getMap('header').set('title', 'Årsmöte'),
			(doc) => doc.getMap('header').set('place', 'Sal 2'),
			(doc) => doc.getMap('items').set('item2', new Y.Map([['title', 'Budget']])),
			(doc) => doc.getArray('events').push([{ type: 'item_started' }, { type: 'note' }]),
			(doc) => {
				notesOf(doc).insert(0, 'xyz');
				notesOf(doc).delete(0, 3);
			},
			(doc) => {
				doc.getMap('header').set('title', 'Extra');
				notesOf(doc).insert(1, 'ö');
			}
		];
		for (const change of edits) expect(applyAndCompare(server, edit(client, change))).toBe(true);
	});

	it('forwards random typing by three writers as received (each seeing the others late), and says where each update reaches as parseUpdateMeta does', () => {
		const server = meeting();
		const writers = [copyOf(server, 11), copyOf(server, 12), copyOf(server, 13)];
		const inbox = new Map<Y.Doc, Uint8Array[]>(writers.map((writer) => [writer, []]));
		// mulberry32: a fixed sequence, so a failure repeats.
		let seed = 42;
		const random = (n: number) => {
			seed = (seed + 0x6d2b79f5) | 0;
			let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
			t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
			return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
		};
		let insertsWhole = 0;
		let inserts = 0;
		for (let i = 0; i < 400; i++) {
			const writer = writers[random(3)];
			// What the server sent it meanwhile arrives now and then, as over a slow link.
			if (random(3) === 0) for (const update of inbox.get(writer)!.splice(0)) Y.applyUpdate(writer, update);
			const text = notesOf(writer);
			const at = random(text.length + 1);
			const deleting = at < text.length && random(4) === 0;
			const update = deleting
				? edit(writer, () => text.delete(at, Math.min(1 + random(3), text.length - at)))
				: edit(writer, () => text.insert(at, 'abcdefgh'.slice(0, 1 + random(3))));
			// A deletion of what another writer deleted first goes the slow way; the rest as received.
			const whole = applyAndCompare(server, update);
			if (!deleting) {
				inserts++;
				if (whole) insertsWhole++;
			}
			for (const other of writers) if (other !== writer) inbox.get(other)!.push(update);
		}
		for (const writer of writers) for (const update of inbox.get(writer)!.splice(0)) Y.applyUpdate(writer, update);
		expect(notesOf(server).toString()).toBe(notesOf(writers[0]).toString());
		expect(inserts).toBeGreaterThan(250);
		expect(insertsWhole).toBe(inserts);
	});

	it('an update that depends on one not yet applied is held; once the dependency is in, it applies whole', () => {
		const server = meeting();
		const client = copyOf(server, 21);
		const first = edit(client, (doc) => notesOf(doc).insert(0, 'Först '));
		const second = edit(client, (doc) => notesOf(doc).insert(6, 'sedan'));
		expect(analyseUpdate(server, second).status).toBe('missing');
		expect(applyAndCompare(server, first)).toBe(true);
		expect(applyAndCompare(server, second)).toBe(true);
		expect(notesOf(server).toString()).toBe(notesOf(client).toString());
	});
});

describe('applyJudged: Yjs encodes what an update did when it did not apply whole', () => {
	it('an update overlapping what the server holds (a resend merged with a new edit) goes on as only its new part', () => {
		const server = meeting();
		const client = copyOf(server, 31);
		const first = edit(client, (doc) => notesOf(doc).insert(0, 'Ett '));
		applyAndCompare(server, first);
		const second = edit(client, (doc) => notesOf(doc).insert(4, 'två '));
		const merged = Y.mergeUpdates([first, second]);
		expect(applyAndCompare(server, merged)).toBe(false);
	});

	it('bytes after the delete set are never forwarded', () => {
		const server = meeting();
		const client = copyOf(server, 41);
		const update = edit(client, (doc) => notesOf(doc).insert(0, 'Hej'));
		const padded = new Uint8Array([...update, 0, 7, 7, 7]);
		const analysis = analyseUpdate(server, padded);
		expect(analysis.status === 'ok' && analysis.whole).toBe(false);
		expect(applyAndCompare(server, padded)).toBe(false);
	});

	it('a map value that loses to a concurrent one, and a deletion of something already deleted', () => {
		for (const order of [0, 1]) {
			const server = meeting();
			const a = copyOf(server, 51);
			const b = copyOf(server, 52);
			const fromA = edit(a, (doc) => doc.getMap('header').set('place', 'Sal A'));
			const fromB = edit(b, (doc) => doc.getMap('header').set('place', 'Sal B'));
			const [early, late] = order === 0 ? [fromA, fromB] : [fromB, fromA];
			expect(applyAndCompare(server, early)).toBe(true);
			// The later one may win or lose; either way the forwarded bytes make peers converge.
			applyAndCompare(server, late);
		}
		const server = meeting();
		const a = copyOf(server, 61);
		const b = copyOf(server, 62);
		const deleteA = edit(a, (doc) => notesOf(doc).delete(0, 3));
		const deleteB = edit(b, (doc) => notesOf(doc).delete(1, 1));
		expect(applyAndCompare(server, deleteA)).toBe(true);
		// Already deleted: the transaction changes nothing, nothing is forwarded.
		expect(applyAndCompare(server, deleteB)).toBe(false);
	});

	it('a value set into a nested type another writer deleted meanwhile', () => {
		const server = meeting();
		const a = copyOf(server, 71);
		const b = copyOf(server, 72);
		const removeItem = edit(a, (doc) => doc.getMap('items').delete('item1'));
		const writeInto = edit(b, (doc) => (doc.getMap('items').get('item1') as Y.Map<unknown>).set('title', 'Sent'));
		expect(applyAndCompare(server, removeItem)).toBe(true);
		expect(applyAndCompare(server, writeInto)).toBe(false);
	});

	it('with the update listener added in afterTransaction, the transaction is still encoded (the Yjs behaviour the fallback relies on)', () => {
		const doc = new Y.Doc();
		let encoded: Uint8Array | null = null;
		const take = (update: Uint8Array) => {
			encoded = update;
		};
		const late = () => doc.on('update', take);
		doc.on('afterTransaction', late);
		doc.getText('t').insert(0, 'x');
		doc.off('afterTransaction', late);
		doc.off('update', take);
		expect(encoded).not.toBeNull();
	});
});
