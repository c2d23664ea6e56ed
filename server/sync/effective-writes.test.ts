import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { addItem, addParticipant, getItemNotes, initMeeting, openMeeting, startItem } from '../../src/lib/meeting/index.ts';
import { MEETING_SCHEMA } from '../../src/lib/meeting/schema.ts';
import { typeRoots } from '../../src/lib/meeting/schema-language.ts';
import { analyseUpdate } from './effective-writes.ts';
import { judgeWrites, type Writer } from './write-rules.ts';

/** A server-side document with a meeting, one participant and an open item, written by the chair's client. */
function meeting() {
	const server = new Y.Doc();
	const chair = new Y.Doc();
	initMeeting(chair, { title: 'Ledningsgrupp' });
	const participantId = addParticipant(chair, { name: 'Anna Andersson', role: 'member' });
	const itemId = addItem(chair, { title: 'Välkommen' });
	openMeeting(chair);
	startItem(chair, itemId);
	Y.applyUpdate(server, Y.encodeStateAsUpdate(chair));
	typeRoots(MEETING_SCHEMA, server);
	return { server, chair, participantId, itemId };
}

/** A client that starts from the server's state (as after a sync). */
function replica(server: Y.Doc, clientID?: number): Y.Doc {
	const doc = new Y.Doc();
	if (clientID !== undefined) doc.clientID = clientID;
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
	return doc;
}

function edit(doc: Y.Doc, change: () => void): Uint8Array {
	const before = Y.encodeStateVector(doc);
	change();
	return Y.encodeStateAsUpdate(doc, before);
}

/** One hand-encoded struct (update format v1), as a crafted client would write it. */
function craft(struct: { client: number; clock: number; origin?: Y.ID; parentRoot?: string; parentSub?: string; text: string }): Uint8Array {
	const encoder = new Y.UpdateEncoderV1();
	const e = encoder.restEncoder;
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, 1);
	encoding.writeVarUint(e, struct.client);
	encoding.writeVarUint(e, struct.clock);
	const item = new Y.Item(
		Y.createID(struct.client, struct.clock),
		null,
		struct.origin ?? null,
		null,
		null,
		(struct.parentRoot ?? null) as unknown as Y.ID | null,
		struct.parentSub ?? null,
		new Y.ContentString(struct.text)
	);
	item.write(encoder, 0);
	encoding.writeVarUint(e, 0);
	return encoder.toUint8Array();
}

const member: Writer = { role: 'member', participantId: null };
const chairWriter: Writer = { role: 'chair', participantId: null };

function verdict(server: Y.Doc, update: Uint8Array, writer: Writer) {
	const analysis = analyseUpdate(server, update);
	if (analysis.status !== 'ok') return analysis.status;
	const result = judgeWrites(MEETING_SCHEMA, server, writer, analysis.writes);
	return result.ok ? 'ok' : result.code;
}

describe('effective writes', () => {
	it('places an honest keystroke in the item notes, which a member may write', () => {
		const { server, itemId } = meeting();
		const client = replica(server);
		const update = edit(client, () => getItemNotes(client, itemId).insert(0, 'Diskussion'));
		const analysis = analyseUpdate(server, update);
		expect(analysis.status).toBe('ok');
		if (analysis.status !== 'ok') return;
		expect(analysis.writes.map((w) => [w.kind, w.root, w.path])).toEqual([['insert', 'items', [itemId, 'notes', null]]]);
		expect(analysis.authors).toEqual(new Set([client.clientID]));
		expect(verdict(server, update, member)).toBe('ok');
	});

	it('places a struct beside its origin: one appended after the last event lands in events (where text does not belong)', () => {
		const { server } = meeting();
		const events = server.getArray('events');
		const last = events._start!;
		let item = last;
		while (item.right) item = item.right;
		const update = craft({ client: 4242, clock: 0, origin: item.lastId, text: 'x' });
		const analysis = analyseUpdate(server, update);
		expect(analysis.status === 'ok' && analysis.writes.map((w) => w.root)).toEqual(['events']);
		expect(verdict(server, update, chairWriter)).toBe('invalid');
	});

	it('finds the overlapping-clock trick: a struct restarting at the chair’s last held clock, declaring the notes, is refused', () => {
		const { server, chair, itemId } = meeting();
		const state = Y.getState(server.store, chair.clientID);
		const notes = getItemNotes(server, itemId);
		const noteItem = notes._start;
		// The chair's last held struct is the last events entry; the crafted struct overlaps it by one clock.
		const update = craft({ client: chair.clientID, clock: state - 1, origin: noteItem?.lastId, parentRoot: noteItem ? undefined : 'header', parentSub: noteItem ? undefined : 'place', text: 'xy' });
		const analysis = analyseUpdate(server, update);
		expect(analysis.status).not.toBe('ok');
	});

	it('holds an update whose dependency the server lacks, and one that skips clocks', () => {
		const { server } = meeting();
		expect(analyseUpdate(server, craft({ client: 77, clock: 0, origin: Y.createID(99, 5), text: 'a' })).status).toBe('missing');
		expect(analyseUpdate(server, craft({ client: 77, clock: 3, parentRoot: 'header', parentSub: 'place', text: 'a' })).status).toBe('missing');
	});

	it('counts a deletion where the deleted item is: deleting an event is refused for everyone', () => {
		const { server } = meeting();
		const client = replica(server);
		const update = edit(client, () => client.getArray('events').delete(0, 1));
		expect(verdict(server, update, member)).toBe('forbidden');
		expect(verdict(server, update, chairWriter)).toBe('forbidden');
	});

	it('lets a member check in only as the participant the link names', () => {
		const { server, participantId } = meeting();
		const client = replica(server);
		const update = edit(client, () => (client.getMap('participants').get(participantId) as Y.Map<unknown>).set('checkedIn', true));
		expect(verdict(server, update, { role: 'member', participantId })).toBe('ok');
		expect(verdict(server, update, { role: 'member', participantId: 'SomeoneElse00000' })).toBe('forbidden');
		expect(verdict(server, update, { role: 'chair', participantId: null })).toBe('ok');
	});

	it('refuses off-schema content for every role: a wrong shared type, formatting, an unknown key', () => {
		const { server, itemId } = meeting();
		const client = replica(server);
		const asArray = edit(client, () => client.getMap('items').set('ABCDEFGHIJKLMNOP', new Y.Array()));
		expect(verdict(server, asArray, chairWriter)).toBe('invalid');
		const client2 = replica(server);
		const formatted = edit(client2, () => getItemNotes(client2, itemId).insert(0, 'fet', { bold: true }));
		expect(verdict(server, formatted, member)).toBe('invalid');
		const client3 = replica(server);
		const unknown = edit(client3, () => client3.getMap('header').set('__proto__', 'x'));
		expect(verdict(server, unknown, chairWriter)).toBe('invalid');
		const client4 = replica(server);
		const title = edit(client4, () => client4.getMap('header').set('title', 42));
		expect(verdict(server, title, chairWriter)).toBe('invalid');
	});

	it('lets a guest write notes only in items they attend', () => {
		const { server, chair, itemId } = meeting();
		const other = addItem(chair, { title: 'Budget' });
		const guestId = addParticipant(chair, { name: 'Gäst', role: 'guest', items: { scope: 'only', itemIds: [other] } });
		Y.applyUpdate(server, Y.encodeStateAsUpdate(chair, Y.encodeStateVector(server)));
		const guest: Writer = { role: 'guest', participantId: guestId };
		const client = replica(server);
		expect(verdict(server, edit(client, () => getItemNotes(client, other).insert(0, 'ja')), guest)).toBe('ok');
		const client2 = replica(server);
		expect(verdict(server, edit(client2, () => getItemNotes(client2, itemId).insert(0, 'nej')), guest)).toBe('forbidden');
	});
});
