import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at, createTestMeeting, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addDocument,
	addExtractRecipient,
	addItem,
	addParticipant,
	addSubItem,
	getItemNotes,
	moveItem,
	openMeeting,
	readMeeting,
	removeDocument,
	removeExtractRecipient,
	removeItem,
	restoreItem,
	setItemNotes,
	startItem,
	updateDocument,
	updateItem
} from './index.js';
import { letters } from './structure.js';

const numbersAndTitles = (doc: Y.Doc) => readMeeting(doc).agenda.map((item) => `${item.number} ${item.title}`);

describe('agenda items', () => {
	it('adds items and numbers them from their order', () => {
		const doc = createTestMeeting();
		const a = addItem(doc, {
			title: 'Samordnad varudistribution',
			kind: 'decision',
			plannedMinutes: 30,
			presenters: [{ name: 'Mikael Blomberg, verksamhetschef Upphandling Södertörn' }],
			notes: 'Mikael informerar.',
			now: at('08:00')
		});
		addItem(doc, { title: 'Välkommen', index: 0 });
		const view = readMeeting(doc);
		expect(numbersAndTitles(doc)).toEqual(['1 Välkommen', '2 Samordnad varudistribution']);
		expect(view.agenda[1]).toMatchObject({
			id: a,
			depth: 0,
			parentId: null,
			kind: 'decision',
			plannedMinutes: 30,
			presenters: [{ participantId: null, name: 'Mikael Blomberg, verksamhetschef Upphandling Södertörn', organisation: null }],
			guests: [],
			status: 'pending',
			timeSpentMs: 0,
			notes: 'Mikael informerar.',
			decisions: [],
			assignments: [],
			documents: [],
			extractRecipients: [],
			createdAt: '2023-06-09T06:00:00.000Z',
			deletedAt: null
		});
		expect(view.agenda[0].kind).toBeNull();
	});

	it('numbers sub-items a, b, c under their parent', () => {
		const { doc, ids } = meetingWithItems(['Välkommen', 'Kommande möten', 'Övriga frågor']);
		addSubItem(doc, ids[1], { title: 'Möte med regionen' });
		const b = addSubItem(doc, ids[1], { title: 'Planeringskonferens' });
		addSubItem(doc, ids[1], { title: 'Först', index: 0 });
		expect(numbersAndTitles(doc)).toEqual([
			'1 Välkommen',
			'2 Kommande möten',
			'2a Först',
			'2b Möte med regionen',
			'2c Planeringskonferens',
			'3 Övriga frågor'
		]);
		expectMeetingError(() => addSubItem(doc, b, { title: 'Djupare' }), 'INVALID_INPUT', 'parentId');
		expectMeetingError(() => addSubItem(doc, 'missing', { title: 'X' }), 'NOT_FOUND');
		expect(letters(0)).toBe('a');
		expect(letters(25)).toBe('z');
		expect(letters(26)).toBe('aa');
	});

	it('validates item input', () => {
		const doc = createTestMeeting();
		expectMeetingError(() => addItem(doc, { title: '' }), 'INVALID_INPUT', 'title');
		expectMeetingError(() => addItem(doc, { title: 'X', kind: 'vote' as never }), 'INVALID_INPUT', 'kind');
		expectMeetingError(() => addItem(doc, { title: 'X', plannedMinutes: -5 }), 'INVALID_INPUT', 'plannedMinutes');
		expectMeetingError(() => addItem(doc, { title: 'X', plannedMinutes: 2.5 }), 'INVALID_INPUT', 'plannedMinutes');
		expectMeetingError(() => addItem(doc, { title: 'X', presenters: [{ participantId: 'ghost' }] }), 'NOT_FOUND');
		expectMeetingError(() => addItem(doc, { title: 'X', presenters: [{ name: '' }] }), 'INVALID_INPUT', 'presenters[0].name');
		expectMeetingError(() => addItem(doc, { title: 'X', index: -1 }), 'INVALID_INPUT', 'index');
		expect(readMeeting(doc).agenda).toEqual([]);
	});

	it('updates title, kind, planned time, presenters and guests', () => {
		const { doc, ids } = meetingWithItems(['RUFS']);
		const helene = addParticipant(doc, { name: 'Helene Olofsson', organisation: 'Södertörnskommunerna' });
		updateItem(doc, ids[0], {
			title: 'RUFS 2050',
			kind: 'discussion',
			plannedMinutes: 20,
			presenters: [{ participantId: helene }, { name: 'Bengt Andersson' }],
			guests: [{ name: 'Maria Strandberg, Huddinge' }]
		});
		const item = readMeeting(doc).agenda[0];
		expect(item).toMatchObject({ title: 'RUFS 2050', kind: 'discussion', plannedMinutes: 20 });
		expect(item.presenters).toEqual([
			{ participantId: helene, name: 'Helene Olofsson', organisation: 'Södertörnskommunerna' },
			{ participantId: null, name: 'Bengt Andersson', organisation: null }
		]);
		expect(item.guests.map((g) => g.name)).toEqual(['Maria Strandberg, Huddinge']);
		updateItem(doc, ids[0], { kind: null, plannedMinutes: null });
		expect(readMeeting(doc).agenda[0]).toMatchObject({ kind: null, plannedMinutes: null });
	});

	it('moves items within and between levels', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C', 'D']);
		moveItem(doc, ids[3], { index: 0 });
		expect(numbersAndTitles(doc)).toEqual(['1 D', '2 A', '3 B', '4 C']);
		moveItem(doc, ids[2], { parentId: ids[0], index: 0 });
		expect(numbersAndTitles(doc)).toEqual(['1 D', '2 A', '2a C', '3 B']);
		moveItem(doc, ids[2], { parentId: null, index: 4 });
		expect(numbersAndTitles(doc)).toEqual(['1 D', '2 A', '3 B', '4 C']);
		moveItem(doc, ids[1], { parentId: ids[0], index: 0 });
		expectMeetingError(() => moveItem(doc, ids[0], { parentId: ids[3], index: 0 }), 'INVALID_INPUT', 'parentId');
		expectMeetingError(() => moveItem(doc, ids[0], { parentId: ids[0], index: 0 }), 'INVALID_INPUT', 'parentId');
		expectMeetingError(() => moveItem(doc, ids[3], { parentId: ids[1], index: 0 }), 'INVALID_INPUT', 'parentId');
	});

	it('removes items as tombstones, hides their sub-items and restores them intact', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C']);
		const sub = addSubItem(doc, ids[1], { title: 'B1' });
		setItemNotes(doc, ids[1], 'Anteckningar som inte får försvinna');
		removeItem(doc, ids[1], { now: at('09:00') });
		let view = readMeeting(doc);
		expect(numbersAndTitles(doc)).toEqual(['1 A', '2 C']);
		expect(view.removedItems.map((item) => [item.id, item.number])).toEqual([
			[ids[1], ''],
			[sub, '']
		]);
		expect(view.removedItems[0]).toMatchObject({ deletedAt: '2023-06-09T07:00:00.000Z', notes: 'Anteckningar som inte får försvinna' });
		expectMeetingError(() => updateItem(doc, ids[1], { title: 'X' }), 'INVALID_STATE');
		expectMeetingError(() => addSubItem(doc, ids[1], { title: 'X' }), 'INVALID_STATE');
		restoreItem(doc, ids[1]);
		view = readMeeting(doc);
		expect(numbersAndTitles(doc)).toEqual(['1 A', '2 B', '2a B1', '3 C']);
		expect(view.removedItems).toEqual([]);
	});

	it('refuses to remove the current item', () => {
		const { doc, ids } = meetingWithItems(['A', 'B']);
		openMeeting(doc, { now: at('08:30') });
		startItem(doc, ids[0], { now: at('08:30') });
		expectMeetingError(() => removeItem(doc, ids[0]), 'INVALID_STATE');
	});

	it('exposes notes as a Y.Text and replaces them', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const text = getItemNotes(doc, ids[0]);
		text.insert(0, 'Hej');
		expect(readMeeting(doc).agenda[0].notes).toBe('Hej');
		setItemNotes(doc, ids[0], 'Nytt innehåll');
		expect(text.toString()).toBe('Nytt innehåll');
		expectMeetingError(() => getItemNotes(doc, 'missing'), 'NOT_FOUND');
	});

	it('adds, updates and removes document links', () => {
		const { doc, ids } = meetingWithItems(['Samordnad varudistribution']);
		const a = addDocument(doc, ids[0], { title: 'Underlag', url: 'https://example.se/underlag.pdf' });
		addDocument(doc, ids[0], { title: 'Bilder', url: 'https://example.se/bilder.pptx' });
		updateDocument(doc, ids[0], a, { title: 'Utsänt underlag' });
		expect(readMeeting(doc).agenda[0].documents.map((d) => d.title)).toEqual(['Utsänt underlag', 'Bilder']);
		removeDocument(doc, ids[0], a);
		expect(readMeeting(doc).agenda[0].documents.map((d) => d.url)).toEqual(['https://example.se/bilder.pptx']);
		expectMeetingError(() => addDocument(doc, ids[0], { title: 'X', url: 'javascript:alert(1)' }), 'INVALID_INPUT', 'url');
		expectMeetingError(() => addDocument(doc, ids[0], { title: 'X', url: 'underlag.pdf' }), 'INVALID_INPUT', 'url');
		expectMeetingError(() => removeDocument(doc, ids[0], a), 'NOT_FOUND');
	});

	it('adds extract recipients once each and removes them', () => {
		const { doc, ids } = meetingWithItems(['Partnerskap']);
		addExtractRecipient(doc, ids[0], 'Södertörns högskola', { now: at('09:00') });
		addExtractRecipient(doc, ids[0], 'Samtliga nämnder och bolag', { now: at('09:01') });
		addExtractRecipient(doc, ids[0], 'södertörns högskola ');
		expect(readMeeting(doc).agenda[0].extractRecipients).toEqual(['Södertörns högskola', 'Samtliga nämnder och bolag']);
		removeExtractRecipient(doc, ids[0], 'Södertörns högskola');
		expect(readMeeting(doc).agenda[0].extractRecipients).toEqual(['Samtliga nämnder och bolag']);
		expectMeetingError(() => addExtractRecipient(doc, ids[0], ' '), 'INVALID_INPUT');
	});
});
