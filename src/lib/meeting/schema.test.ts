import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildLedningsgrupp20230609 } from '../../../tests/fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { buildEveryLayoutMeeting } from '../../../tests/fixtures/meeting-every-layout.ts';
import { getItemNotes, readMeeting, setHeader, updateItem } from './index.js';
import { GROUP_SCHEMA } from '../groups/schema.js';
import { initGroup, registerMeeting, closeInGroup } from '../groups/index.js';
import { MEETING_SCHEMA } from './schema.js';
import { auditDocument, checkValue, repairDocument } from './schema-language.js';
import { watchOwnWrites } from './writes.js';

describe('the meeting schema', () => {
	it('fits every write the app makes: the whole seed meeting, built through the model, with every transaction checked', () => {
		const doc = new Y.Doc();
		const stop = watchOwnWrites(doc, MEETING_SCHEMA);
		const seed = buildLedningsgrupp20230609({ doc });
		stop();
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
	});

	it("fits the minutes' own places: decisions placed in the notes, headings, numbering, options, the rest of the agenda tabled with a time", () => {
		const { doc, items } = buildEveryLayoutMeeting();
		const stop = watchOwnWrites(doc, MEETING_SCHEMA);
		setHeader(doc, { remoteMarking: 'meeting', openingClosing: false, minutesHeading: 'Anteckningar' });
		setHeader(doc, { openingClosing: null });
		updateItem(doc, items.budget, { decisionNumbering: 'block', heading: null });
		stop();
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
	});

	it('fits the group document the app writes', () => {
		const doc = new Y.Doc();
		const stop = watchOwnWrites(doc, GROUP_SCHEMA);
		initGroup(doc, { name: 'Södertörnskommunernas ledningsgrupp' });
		registerMeeting(doc, { id: 'AAAAAAAAAAAAAAAAAAAAAA', sequence: 1, title: 'Möte 1', date: '2023-06-09', createdAt: new Date().toISOString() });
		closeInGroup(doc, 'assignment:AAAAAAAAAAAAAAAAAAAAAA:BBBBBBBBBBBBBBBB', { note: 'Klart' });
		stop();
		expect(auditDocument(GROUP_SCHEMA, doc)).toEqual([]);
	});

	it('catches the app writing off-schema where it is made', () => {
		const doc = new Y.Doc();
		const stop = watchOwnWrites(doc, MEETING_SCHEMA);
		expect(() => doc.getMap('header').set('title', 42)).toThrow(/off-schema/);
		stop();
	});

	it('refuses values by type, bounds, enum, date, order key and prototype keys, without recursing past its depth', () => {
		expect(checkValue({ t: 'string', max: 3 }, 'abcd')).toMatch(/longer/);
		expect(checkValue({ t: 'enum', values: ['a'] }, 'b')).toMatch(/one of/);
		expect(checkValue({ t: 'date' }, '2023-02-30')).toMatch(/date/);
		expect(checkValue({ t: 'order' }, 'not a key!')).toMatch(/order/);
		expect(checkValue({ t: 'object', fields: {} }, JSON.parse('{"__proto__": {"x": 1}}'))).not.toBeNull();
		let deep: unknown = 'x';
		for (let i = 0; i < 3000; i++) deep = [deep];
		expect(checkValue({ t: 'list', of: { t: 'string', max: 10 }, max: 10 }, deep)).toMatch(/deep|string/);
	});

	it('repairs a poisoned document: drops off-schema entries, formatting and embeds, keeps everything else', () => {
		const doc = new Y.Doc();
		const seed = buildLedningsgrupp20230609({ doc });
		const before = readMeeting(doc);
		const notes = getItemNotes(doc, seed.items[1]);
		doc.transact(() => {
			notes.format(0, 3, { href: 'javascript:alert(1)' });
			notes.insertEmbed(0, { deep: [[[[[[[[[1]]]]]]]]] });
			doc.getMap('items').set('NotAnItem', 5);
			(doc.getMap('header') as Y.Map<unknown>).set('title', new Y.Array());
			doc.getArray('events').push([{ type: 'bogus' }]);
		});
		expect(auditDocument(MEETING_SCHEMA, doc).length).toBeGreaterThanOrEqual(4);
		repairDocument(MEETING_SCHEMA, doc);
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
		const after = readMeeting(doc);
		expect(after.agenda.map((i) => i.notes)).toEqual(before.agenda.map((i) => i.notes));
		expect(after.events.length).toBe(before.events.length);
	});
});
