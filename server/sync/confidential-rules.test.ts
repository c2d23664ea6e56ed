import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addDecision, addItem, attachConfidentialPart, getItemNotes, initMeeting, setItemConfidential, setItemNotes } from '../../src/lib/meeting/index.ts';
import { CONFIDENTIAL_SCHEMA, MEETING_SCHEMA } from '../../src/lib/meeting/schema.ts';
import { typeRoots } from '../../src/lib/meeting/schema-language.ts';
import { analyseUpdate } from './effective-writes.ts';
import { judgeWrites, type Writer } from './write-rules.ts';

const CHAIR: Writer = { role: 'chair', participantId: null };
const MEMBER: Writer = { role: 'member', participantId: null };

/** The server's copy of a meeting with one public and one confidential item, and a chair's replica with the part. */
function meeting() {
	const chair = new Y.Doc();
	const part = new Y.Doc();
	attachConfidentialPart(chair, part);
	initMeeting(chair, { title: 'Byggnadsnämnden' });
	const open = addItem(chair, { title: 'Detaljplan' });
	const secret = addItem(chair, { title: 'Personalärende' });
	setItemConfidential(chair, secret, 'OSL 39 kap. 3 §');
	const server = new Y.Doc();
	Y.applyUpdate(server, Y.encodeStateAsUpdate(chair));
	typeRoots(MEETING_SCHEMA, server);
	return { server, chair, part, open, secret };
}

function replica(source: Y.Doc): Y.Doc {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(source));
	return doc;
}

function edit(doc: Y.Doc, change: () => void): Uint8Array {
	const before = Y.encodeStateVector(doc);
	change();
	return Y.encodeStateAsUpdate(doc, before);
}

function judge(server: Y.Doc, writer: Writer, update: Uint8Array, schema = MEETING_SCHEMA) {
	const analysis = analyseUpdate(server, update);
	if (analysis.status !== 'ok') throw new Error(analysis.status);
	return judgeWrites(schema, server, writer, analysis.writes);
}

const rawNotes = (doc: Y.Doc, itemId: string) => doc.getMap<Y.Map<unknown>>('items').get(itemId)?.get('notes') as Y.Text;

describe("a confidential item's content and the meeting document", () => {
	it('refuses notes, decisions and links written into a confidential item there, for every role', () => {
		const { server, secret, open } = meeting();
		for (const writer of [CHAIR, MEMBER]) {
			const doc = replica(server);
			const notes = edit(doc, () => rawNotes(doc, secret).insert(0, 'Läckt'));
			expect(judge(server, writer, notes)).toMatchObject({ ok: false, code: 'forbidden', rule: expect.stringContaining('confidential part') });
			// The same in a public item is an ordinary edit.
			const fresh = replica(server);
			expect(judge(server, writer, edit(fresh, () => rawNotes(fresh, open).insert(0, 'Öppet')))).toEqual({ ok: true });
		}
		let doc = replica(server);
		const decision = edit(doc, () => {
			const decisions = doc.getMap<Y.Map<unknown>>('items').get(secret)?.get('decisions') as Y.Map<unknown>;
			decisions.set('AAAAAAAAAAAAAAAA', new Y.Map([['text', new Y.Text('Beslut')]]));
		});
		expect(judge(server, CHAIR, decision)).toMatchObject({ ok: false, code: 'forbidden' });
		doc = replica(server);
		const link = edit(doc, () => {
			const documents = doc.getMap<Y.Map<unknown>>('items').get(secret)?.get('documents') as Y.Map<unknown>;
			documents.set('BBBBBBBBBBBBBBBB', { title: 'Intyg', url: 'https://example.org/', order: 'a0' });
		});
		expect(judge(server, CHAIR, link)).toMatchObject({ ok: false, code: 'forbidden' });
	});

	it('judges the ground the update itself writes: "mark, then write" is refused, "unmark, then write" (offline, one update) is not', () => {
		const { server, open, secret } = meeting();
		const doc = replica(server);
		const markThenWrite = edit(doc, () => {
			doc.getMap<Y.Map<unknown>>('items').get(open)?.set('confidentialGround', 'OSL 39 kap. 3 §');
			rawNotes(doc, open).insert(0, 'Skrivet efter markeringen');
		});
		expect(judge(server, CHAIR, markThenWrite)).toMatchObject({ ok: false, code: 'forbidden' });

		const other = replica(server);
		const unmarkThenWrite = edit(other, () => {
			other.getMap<Y.Map<unknown>>('items').get(secret)?.set('confidentialGround', null);
			rawNotes(other, secret).insert(0, 'Offentligt igen');
		});
		expect(judge(server, CHAIR, unmarkThenWrite)).toEqual({ ok: true });
		// A member may not unmark: the ground is the runners' to write.
		expect(judge(server, MEMBER, unmarkThenWrite)).toMatchObject({ ok: false, code: 'forbidden' });
	});

	it("lets the move through (a ground and deletions), and the part's writes are judged against its own schema", () => {
		const chair = new Y.Doc();
		const part = new Y.Doc();
		attachConfidentialPart(chair, part);
		initMeeting(chair, { title: 'Byggnadsnämnden' });
		const itemId = addItem(chair, { title: 'Personalärende' });
		setItemNotes(chair, itemId, 'Skrivet medan punkten var offentlig');
		addDecision(chair, itemId, { text: 'Beslut', notesOffset: 7 });
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(chair));
		typeRoots(MEETING_SCHEMA, server);

		const partServer = new Y.Doc();
		typeRoots(CONFIDENTIAL_SCHEMA, partServer);
		let moved: Uint8Array | null = null;
		let copied: Uint8Array | null = null;
		chair.on('update', (update: Uint8Array) => (moved = update));
		part.on('update', (update: Uint8Array) => (copied = update));
		setItemConfidential(chair, itemId, 'OSL 39 kap. 3 §');
		expect(judge(server, CHAIR, moved!)).toEqual({ ok: true });
		expect(judge(partServer, CHAIR, copied!, CONFIDENTIAL_SCHEMA)).toEqual({ ok: true });
		// A member writes notes in the part, not the rest.
		Y.applyUpdate(partServer, copied!);
		const member = replica(partServer);
		const notes = edit(member, () => (member.getMap<Y.Map<unknown>>('items').get(itemId)?.get('notes') as Y.Text).insert(0, 'Tillägg '));
		expect(judge(partServer, MEMBER, notes, CONFIDENTIAL_SCHEMA)).toEqual({ ok: true });
		const other = replica(partServer);
		const decision = edit(other, () => (other.getMap<Y.Map<unknown>>('items').get(itemId)?.get('decisions') as Y.Map<unknown>).clear());
		expect(judge(partServer, MEMBER, decision, CONFIDENTIAL_SCHEMA)).toMatchObject({ ok: false, code: 'forbidden' });
		// Nothing else fits the part.
		const third = replica(partServer);
		const stray = edit(third, () => third.getMap('header').set('title', 'x'));
		expect(judge(partServer, CHAIR, stray, CONFIDENTIAL_SCHEMA)).toMatchObject({ ok: false, code: 'invalid' });
		expect(getItemNotes(chair, itemId).toString()).toBe('Skrivet medan punkten var offentlig');
	});
});

describe("a confidential item's speaker list, jäv and files and the meeting document", () => {
	const AT = '2026-01-01T10:00:00.000Z';
	const PERSON = 'Pa8Xr0kLm2Qw9Zt4';
	const ME: Writer = { role: 'member', participantId: PERSON };
	const entries = (itemId: string): [string, Writer, (doc: Y.Doc) => void][] => [
		['a hand (their own)', ME, (doc) => doc.getMap('hands').set(`${itemId}:${PERSON}`, { raised: true, kind: 'speak', at: AT })],
		['a queue place', CHAIR, (doc) => doc.getMap('speakerQueue').set(`${itemId}:${PERSON}`, null)],
		['a speech', CHAIR, (doc) => doc.getMap('speeches').set('Sa8Xr0kLm2Qw9Zt4', { itemId, participantId: PERSON, kind: 'speak', handAt: null, startedAt: AT, endedAt: null, limitSeconds: null })],
		['jäv', CHAIR, (doc) => doc.getMap('itemConflicts').set(`${itemId}:${PERSON}`, { note: 'Jävig', at: AT })],
		['a file', CHAIR, (doc) => doc.getMap('attachments').set('Fa8Xr0kLm2Qw9Zt4', { itemId, name: 'Utredning.pdf', sha256: 'a'.repeat(64), size: 10, type: 'application/pdf', order: 'a0', uploadedAt: AT, replacedBy: null, deletedAt: null })]
	];

	it('refuses them for a confidential item, for every role, and takes them for a public one', () => {
		const { server, secret, open } = meeting();
		for (const [what, writer, write] of entries(secret)) {
			const doc = replica(server);
			expect(judge(server, writer, edit(doc, () => write(doc))), what).toMatchObject({ ok: false, code: 'forbidden', rule: expect.stringContaining('confidential part') });
		}
		for (const [what, writer, write] of entries(open)) {
			const doc = replica(server);
			expect(judge(server, writer, edit(doc, () => write(doc))), what).toEqual({ ok: true });
		}
	});

	it('judges them on the ground the same update writes: "mark, then write" refused, "unmark, then write" taken', () => {
		const { server, secret, open } = meeting();
		const [, , hand] = entries(open)[0];
		let doc = replica(server);
		const marked = edit(doc, () => {
			doc.getMap<Y.Map<unknown>>('items').get(open)?.set('confidentialGround', 'OSL 39 kap. 1 §');
			hand(doc);
		});
		expect(judge(server, CHAIR, marked)).toMatchObject({ ok: false, code: 'forbidden' });
		doc = replica(server);
		const [, , secretHand] = entries(secret)[0];
		const unmarked = edit(doc, () => {
			doc.getMap<Y.Map<unknown>>('items').get(secret)?.set('confidentialGround', null);
			secretHand(doc);
		});
		expect(judge(server, CHAIR, unmarked)).toEqual({ ok: true });
	});

	it('takes them in the part, a member only their own hand', () => {
		const { part, secret } = meeting();
		const server = new Y.Doc();
		Y.applyUpdate(server, Y.encodeStateAsUpdate(part));
		typeRoots(CONFIDENTIAL_SCHEMA, server);
		for (const [what, writer, write] of entries(secret)) {
			const doc = replica(server);
			expect(judge(server, writer, edit(doc, () => write(doc)), CONFIDENTIAL_SCHEMA), what).toEqual({ ok: true });
		}
		const doc = replica(server);
		const other = edit(doc, () => doc.getMap('hands').set(`${secret}:Qa8Xr0kLm2Qw9Zt4`, { raised: true, kind: 'speak', at: AT }));
		expect(judge(server, ME, other, CONFIDENTIAL_SCHEMA)).toMatchObject({ ok: false, code: 'forbidden' });
	});
});
