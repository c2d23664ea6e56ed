import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { analyseUpdate, type Touch } from './update-roots.ts';

/** A client replica of `server` (same state), with a fixed clientID. */
function replica(server: Y.Doc, clientID: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
	return doc;
}

/** The update `change` produces on `doc` (one transaction). */
function updateOf(doc: Y.Doc, change: (doc: Y.Doc) => void): Uint8Array {
	let captured: Uint8Array | null = null;
	const listener = (update: Uint8Array) => (captured = update);
	doc.on('update', listener);
	doc.transact(() => change(doc));
	doc.off('update', listener);
	if (!captured) throw new Error('the change produced no update');
	return captured;
}

function serverDoc(setup?: (doc: Y.Doc) => void): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = 1;
	if (setup) doc.transact(() => setup(doc));
	return doc;
}

const sorted = (touches: Touch[]) => [...touches].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('analyseUpdate', () => {
	it('locates a first insert into a root array by its root name', () => {
		const server = serverDoc();
		const update = updateOf(replica(server, 2), (d) => d.getArray('events').push([{ type: 'meeting_opened' }]));
		expect(analyseUpdate(server, update)).toEqual({ touches: [{ kind: 'insert', root: 'events', path: [null] }], unresolved: 0 });
	});

	it('locates an append after existing events through its origin in the server store', () => {
		const server = serverDoc((d) => d.getArray('events').push([{ type: 'meeting_opened' }]));
		const update = updateOf(replica(server, 2), (d) => d.getArray('events').push([{ type: 'break_started' }]));
		expect(analyseUpdate(server, update).touches).toEqual([{ kind: 'insert', root: 'events', path: [null] }]);
	});

	it('locates an insert at the front of events through its right origin', () => {
		const server = serverDoc((d) => d.getArray('events').push([{ type: 'meeting_opened' }]));
		const update = updateOf(replica(server, 2), (d) => d.getArray('events').insert(0, [{ type: 'x' }]));
		expect(analyseUpdate(server, update).touches).toEqual([{ kind: 'insert', root: 'events', path: [null] }]);
	});

	it('locates a deletion from events through the server store', () => {
		const server = serverDoc((d) => d.getArray('events').push([{ type: 'meeting_opened' }, { type: 'break_started' }]));
		const update = updateOf(replica(server, 2), (d) => d.getArray('events').delete(1, 1));
		expect(analyseUpdate(server, update)).toEqual({ touches: [{ kind: 'delete', root: 'events', path: [null] }], unresolved: 0 });
	});

	it('gives the map key of a header field, for a first write and for an overwrite (insert and delete)', () => {
		const server = serverDoc();
		const first = updateOf(replica(server, 2), (d) => d.getMap('header').set('kind', 'minutes'));
		expect(analyseUpdate(server, first).touches).toEqual([{ kind: 'insert', root: 'header', path: ['kind'] }]);
		Y.applyUpdate(server, first);

		const overwrite = updateOf(replica(server, 3), (d) => d.getMap('header').set('kind', 'notes'));
		expect(sorted(analyseUpdate(server, overwrite).touches)).toEqual(
			sorted([
				{ kind: 'insert', root: 'header', path: ['kind'] },
				{ kind: 'delete', root: 'header', path: ['kind'] }
			])
		);
	});

	it('gives the full path of a nested text insert resolved through the parent item in the store', () => {
		const server = serverDoc((d) => {
			const item = new Y.Map<unknown>();
			d.getMap('items').set('item1', item);
			item.set('notes', new Y.Text('Diskussion'));
		});
		const update = updateOf(replica(server, 2), (d) => {
			const notes = (d.getMap('items').get('item1') as Y.Map<unknown>).get('notes') as Y.Text;
			notes.insert(0, 'Beslut: ');
		});
		expect(analyseUpdate(server, update).touches).toEqual([{ kind: 'insert', root: 'items', path: ['item1', 'notes', null] }]);
	});

	it('resolves parents created in the same update (a new item with its notes)', () => {
		const server = serverDoc();
		const update = updateOf(replica(server, 2), (d) => {
			const item = new Y.Map<unknown>();
			d.getMap('items').set('item2', item);
			item.set('title', 'Övriga frågor');
			item.set('notes', new Y.Text('x'));
		});
		expect(sorted(analyseUpdate(server, update).touches)).toEqual(
			sorted([
				{ kind: 'insert', root: 'items', path: ['item2'] },
				{ kind: 'insert', root: 'items', path: ['item2', 'title'] },
				{ kind: 'insert', root: 'items', path: ['item2', 'notes'] },
				{ kind: 'insert', root: 'items', path: ['item2', 'notes', null] }
			])
		);
	});

	it('locates a deletion of a struct inserted in the same update', () => {
		const server = serverDoc();
		const client = replica(server, 2);
		// Two transactions, sent as one update (as a reconnecting client's sync step 2 would).
		client.getArray('events').push(['a', 'b']);
		client.getArray('events').delete(0, 1);
		const update = Y.encodeStateAsUpdate(client, Y.encodeStateVector(server));
		expect(sorted(analyseUpdate(server, update).touches)).toEqual(
			sorted([
				{ kind: 'insert', root: 'events', path: [null] },
				{ kind: 'delete', root: 'events', path: [null] }
			])
		);
	});

	it('counts an insert whose origin the server lacks as unresolved', () => {
		const server = serverDoc();
		const client = replica(server, 2);
		client.getArray('events').push(['a']);
		const second = updateOf(client, (d) => d.getArray('events').push(['b']));
		expect(analyseUpdate(server, second)).toEqual({ touches: [], unresolved: 1 });
	});

	it('counts a deletion of structs the server does not hold as unresolved', () => {
		const server = serverDoc();
		const chair = replica(server, 3);
		chair.getArray('events').push(['meeting_opened']);
		const member = replica(chair, 2);
		const update = updateOf(member, (d) => d.getArray('events').delete(0, 1));
		expect(analyseUpdate(server, update)).toEqual({ touches: [], unresolved: 1 });
	});

	it('ignores structs the server already holds and deletions of deleted structs', () => {
		const server = serverDoc((d) => d.getArray('events').push(['a', 'b']));
		const client = replica(server, 2);
		const deletion = updateOf(client, (d) => d.getArray('events').delete(0, 1));
		Y.applyUpdate(server, deletion);
		expect(analyseUpdate(server, deletion)).toEqual({ touches: [], unresolved: 0 });
		expect(analyseUpdate(server, Y.encodeStateAsUpdate(server))).toEqual({ touches: [], unresolved: 0 });
	});

	it('treats an insert beside garbage-collected content as no change (Yjs drops it)', () => {
		const server = serverDoc((d) => {
			const item = new Y.Map<unknown>();
			d.getMap('items').set('gone', item);
			item.set('notes', new Y.Text('abc'));
		});
		const client = replica(server, 2);
		server.getMap('items').delete('gone');
		const update = updateOf(client, (d) => {
			const notes = (d.getMap('items').get('gone') as Y.Map<unknown>).get('notes') as Y.Text;
			notes.insert(3, 'd');
		});
		expect(analyseUpdate(server, update)).toEqual({ touches: [], unresolved: 0 });
	});

	it('reports every root of a mixed update once per place', () => {
		const server = serverDoc((d) => d.getMap('meta').set('schemaVersion', 1));
		const update = updateOf(replica(server, 2), (d) => {
			d.getMap('meta').set('schemaVersion', 2);
			d.getArray('events').push(['x', 'y']);
			d.getArray('events').push(['z']);
			d.getMap('parkingLot').set('p', 'q');
		});
		const roots = analyseUpdate(server, update).touches.map((t) => `${t.kind}:${t.root}`);
		expect(roots.sort()).toEqual(['delete:meta', 'insert:events', 'insert:meta', 'insert:parkingLot']);
	});

	it('survives a long chain of concurrent inserts from several clients', () => {
		const server = serverDoc();
		const a = replica(server, 2);
		const b = replica(server, 3);
		for (let i = 0; i < 300; i++) {
			const doc = i % 2 === 0 ? a : b;
			doc.getText('t').insert(0, String(i % 10));
			Y.applyUpdate(i % 2 === 0 ? b : a, Y.encodeStateAsUpdate(doc));
		}
		const result = analyseUpdate(server, Y.encodeStateAsUpdate(a));
		expect(result).toEqual({ touches: [{ kind: 'insert', root: 't', path: [null] }], unresolved: 0 });
	});
});
