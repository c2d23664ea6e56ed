import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addAttachment,
	addItem,
	createMeeting,
	moveAttachment,
	readAllAttachments,
	readMeeting,
	removeAttachment,
	renameAttachment,
	replaceAttachment
} from './index.js';
import { attachmentBytes } from './attachments.js';
import { MEETING_SCHEMA } from './schema.js';
import { schemaProblem, writesOfTransaction } from './writes.js';

const hash = (c: string) => c.repeat(64);
const pdf = (name: string, c = 'a') => ({ name, sha256: hash(c), size: 1000, type: 'application/pdf', now: '2026-11-30T10:00:00.000Z' });

function problemOf(doc: Y.Doc): string | null {
	const copy = new Y.Doc();
	let problem: string | null = 'no transaction seen';
	copy.on('afterTransaction', (transaction: Y.Transaction) => {
		problem = schemaProblem(MEETING_SCHEMA, writesOfTransaction(transaction));
	});
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return problem;
}

function setup() {
	const doc = createMeeting({ title: 'Nämnd' });
	const itemId = addItem(doc, { title: 'Budget' });
	return { doc, itemId };
}

describe('handlingar in the meeting document', () => {
	it('lists files in order, renames, reorders and keeps a replaced version listed after its successor', () => {
		const { doc, itemId } = setup();
		const a = addAttachment(doc, itemId, pdf('Tjänsteutlåtande.pdf', 'a'));
		const b = addAttachment(doc, itemId, pdf('Budget.pdf', 'b'));
		moveAttachment(doc, b, 0);
		renameAttachment(doc, a, 'Tjänsteutlåtande 2026.pdf');
		const a2 = replaceAttachment(doc, a, pdf('Tjänsteutlåtande v2.pdf', 'c'));
		const item = readMeeting(doc).agenda[0];
		expect(item.attachments?.map((f) => [f.name, f.replacedBy])).toEqual([
			['Budget.pdf', null],
			['Tjänsteutlåtande v2.pdf', null],
			['Tjänsteutlåtande 2026.pdf', a2]
		]);
		expect(problemOf(doc)).toBeNull();
	});

	it('leaves an item without files as it was read before (no attachments key)', () => {
		const { doc } = setup();
		expect('attachments' in readMeeting(doc).agenda[0]).toBe(false);
	});

	it('removes a file with its earlier versions', () => {
		const { doc, itemId } = setup();
		const a = addAttachment(doc, itemId, pdf('A.pdf', 'a'));
		const a2 = replaceAttachment(doc, a, pdf('A v2.pdf', 'b'));
		addAttachment(doc, itemId, pdf('B.pdf', 'c'));
		removeAttachment(doc, a2);
		expect(readAllAttachments(doc).map((f) => f.name)).toEqual(['B.pdf']);
	});

	it('names the bytes of every entry, removed ones marked, for the server to let go of', () => {
		const { doc, itemId } = setup();
		const a = addAttachment(doc, itemId, pdf('Gammal.pdf', 'a'));
		replaceAttachment(doc, a, pdf('Ny.pdf', 'b'));
		const c = addAttachment(doc, itemId, pdf('Bilaga.pdf', 'c'));
		removeAttachment(doc, c);
		const sorted = attachmentBytes(doc).map(({ sha256, removed }) => ({ sha256, removed })).sort((x, y) => x.sha256.localeCompare(y.sha256));
		expect(sorted).toEqual([
			{ sha256: hash('a'), removed: false },
			{ sha256: hash('b'), removed: false },
			{ sha256: hash('c'), removed: true }
		]);
	});

	it('refuses what is not a hash, a size or a media type, and a version replaced twice', () => {
		const { doc, itemId } = setup();
		expect(() => addAttachment(doc, itemId, { ...pdf('A.pdf'), sha256: 'abc' })).toThrow(/sha256/);
		expect(() => addAttachment(doc, itemId, { ...pdf('A.pdf'), size: -1 })).toThrow(/size/);
		expect(() => addAttachment(doc, itemId, { ...pdf('A.pdf'), type: 'pdf' })).toThrow(/type/);
		expect(() => addAttachment(doc, itemId, { ...pdf('  ') })).toThrow(/name/);
		const a = addAttachment(doc, itemId, pdf('A.pdf'));
		replaceAttachment(doc, a, pdf('A2.pdf', 'b'));
		expect(() => replaceAttachment(doc, a, pdf('A3.pdf', 'c'))).toThrow(/already replaced/);
	});

	it('the schema refuses bytes or an off-schema hash in an entry', () => {
		const { doc, itemId } = setup();
		const a = addAttachment(doc, itemId, pdf('A.pdf'));
		const entry = doc.getMap('attachments').get(a) as Record<string, unknown>;
		doc.getMap('attachments').set(a, { ...entry, bytes: 'JVBERi0=' });
		expect(problemOf(doc)).toMatch(/attachments/);
		doc.getMap('attachments').set(a, { ...entry, sha256: 'not-a-hash' });
		expect(problemOf(doc)).toMatch(/attachments/);
	});
});
