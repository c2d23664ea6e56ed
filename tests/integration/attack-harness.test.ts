/**
 * The hand encoder of the attack corpus checked against Yjs itself: byte for byte where
 * Yjs writes the same thing, and by effect (what a document holds after applying) for
 * what an honest Yjs client never writes. No server involved.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { deepState, encodeUpdate, lastElementId, typeId } from './attack-harness.ts';

function docWith(client: number): Y.Doc {
	const doc = new Y.Doc();
	doc.clientID = client;
	return doc;
}

describe('encodeUpdate', () => {
	it('writes a root text insert, a map entry and a nested type exactly as Yjs does', () => {
		const doc = docWith(7);
		doc.getText('t').insert(0, 'ab');
		expect(encodeUpdate({ structs: [{ client: 7, clock: 0, parent: { root: 't' }, content: { kind: 'string', text: 'ab' } }] })).toEqual(
			Y.encodeStateAsUpdate(doc)
		);

		const maps = docWith(9);
		maps.getMap('m').set('k', 1);
		expect(encodeUpdate({ structs: [{ client: 9, clock: 0, parent: { root: 'm' }, parentSub: 'k', content: { kind: 'any', values: [1] } }] })).toEqual(
			Y.encodeStateAsUpdate(maps)
		);

		const nested = docWith(11);
		nested.getMap('m').set('x', new Y.Text());
		(nested.getMap('m').get('x') as Y.Text).insert(0, 'hi');
		expect(
			encodeUpdate({
				structs: [
					{ client: 11, clock: 0, parent: { root: 'm' }, parentSub: 'x', content: { kind: 'type', type: 'text' } },
					{ client: 11, clock: 1, parent: { item: { client: 11, clock: 0 } }, content: { kind: 'string', text: 'hi' } }
				]
			})
		).toEqual(Y.encodeStateAsUpdate(nested));
	});

	it('places a struct by its origin, splits an overlap onto the held struct, encodes gaps as missing and deletes ranges', () => {
		const base = docWith(1);
		base.getArray('events').push([{ type: 'a' }]);
		base.getText('notes').insert(0, 'x');
		const last = lastElementId(base.getArray('events'));

		// Origin in events, no parent written: lands in events.
		const byOrigin = new Y.Doc();
		Y.applyUpdate(byOrigin, Y.encodeStateAsUpdate(base));
		Y.applyUpdate(byOrigin, encodeUpdate({ structs: [{ client: 2, clock: 0, origin: last, content: { kind: 'any', values: [{ type: 'b' }] } }] }));
		expect(byOrigin.getArray('events').toJSON()).toEqual([{ type: 'a' }, { type: 'b' }]);

		// Overlap: client 5's clock 0 is held (an event); a struct 0..1 declared in notes adds its tail after
		// the event, and what the relay broadcasts puts it in events for everyone else.
		const fresh = docWith(5);
		fresh.getArray('events').push([{ type: 'a' }]);
		const relay = new Y.Doc();
		Y.applyUpdate(relay, Y.encodeStateAsUpdate(fresh));
		let broadcast: Uint8Array | null = null;
		relay.on('update', (u: Uint8Array) => (broadcast = u));
		Y.applyUpdate(relay, encodeUpdate({ structs: [{ client: 5, clock: 0, parent: { root: 'notes' }, content: { kind: 'any', values: [{ type: 'a' }, { type: 'd' }] } }] }));
		const other = new Y.Doc();
		Y.applyUpdate(other, Y.encodeStateAsUpdate(fresh));
		Y.applyUpdate(other, broadcast!);
		expect(other.getArray('events').toJSON()).toEqual([{ type: 'a' }, { type: 'd' }]);

		// A gap: clock 1 without clock 0 stays pending.
		const gap = new Y.Doc();
		Y.applyUpdate(gap, encodeUpdate({ structs: [{ client: 3, clock: 1, parent: { root: 'notes' }, content: { kind: 'string', text: 'z' } }] }));
		expect(gap.store.pendingStructs).not.toBeNull();
		expect(gap.getText('notes').toString()).toBe('');

		// Deletions.
		const deleted = new Y.Doc();
		Y.applyUpdate(deleted, Y.encodeStateAsUpdate(base));
		Y.applyUpdate(deleted, encodeUpdate({ deletes: [{ client: last.client, clock: last.clock, length: 1 }] }));
		expect(deleted.getArray('events').length).toBe(0);
	});

	it('writes every content kind, and deepState shows each of them', () => {
		const doc = docWith(4);
		const text = doc.getMap('m');
		text.set('t', new Y.Text('ab'));
		const t = text.get('t') as Y.Text;
		const after = lastElementId(t);
		const update = encodeUpdate({
			structs: [
				{ client: 8, clock: 0, origin: after, content: { kind: 'format', key: 'href', value: 'javascript:alert(1)' } },
				{ client: 8, clock: 1, origin: { client: 8, clock: 0 }, content: { kind: 'embed', value: { big: 1 } } },
				{ client: 8, clock: 2, origin: { client: 8, clock: 1 }, content: { kind: 'binary', bytes: new Uint8Array([1, 2]) } },
				{ client: 8, clock: 3, origin: { client: 8, clock: 2 }, content: { kind: 'json', values: [{ j: 1 }] } },
				{ client: 8, clock: 4, origin: { client: 8, clock: 3 }, content: { kind: 'doc', guid: 'other-meeting' } },
				{ client: 8, clock: 5, origin: { client: 8, clock: 4 }, content: { kind: 'type', type: 'map' } },
				{ client: 8, clock: 6, parent: { item: typeId(t) }, content: { kind: 'string', text: '>' } }
			]
		});
		Y.applyUpdate(doc, update);
		const state = deepState(doc);
		for (const piece of ['"format":"href"', '"embed":{"big":1}', '"binary":"AQI="', '"json":{"j":1}', '"doc":"other-meeting"', '"kind":"YMap"', '"str":"ab"', '"str":">"']) {
			expect(state).toContain(piece);
		}
		// The same content reached by another history reads the same.
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		expect(deepState(copy)).toBe(state);
	});
});
