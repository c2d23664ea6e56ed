// Issue 13's additions to the model: a decision's place in the notes, tabling the rest of
// the agenda with date and time, item headings and the minutes' header options.
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addDecision,
	getItemNotes,
	nextItem,
	openMeeting,
	placeDecision,
	readMeeting,
	setHeader,
	tableRestOfAgenda,
	updateItem
} from './index.js';

function replica(doc: Y.Doc): Y.Doc {
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
	return copy;
}

function exchange(a: Y.Doc, b: Y.Doc): void {
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

describe("a decision's place in the notes", () => {
	it('stays after the words written before it while others type before and after it', () => {
		const { doc, ids } = meetingWithItems(['Budget']);
		const notes = getItemNotes(doc, ids[0]);
		notes.insert(0, 'Första stycket.');
		const decision = addDecision(doc, ids[0], { text: 'Att godkänna.', notesOffset: notes.length });
		const other = replica(doc);
		// Concurrently: one types after the place, the other before it.
		notes.insert(notes.length, '\n\nAndra stycket.');
		getItemNotes(other, ids[0]).insert(0, 'Inledning. ');
		exchange(doc, other);
		for (const copy of [doc, other]) {
			const item = readMeeting(copy).agenda[0];
			expect(item.notes).toBe('Inledning. Första stycket.\n\nAndra stycket.');
			const offset = item.decisions.find((d) => d.id === decision)!.notesOffset!;
			expect(item.notes.slice(0, offset)).toBe('Inledning. Första stycket.');
		}
	});

	it('is absent for decisions without a place, and can be set and cleared', () => {
		const { doc, ids } = meetingWithItems(['Budget']);
		getItemNotes(doc, ids[0]).insert(0, 'Text');
		const decision = addDecision(doc, ids[0], { text: 'Att godkänna.' });
		expect('notesOffset' in readMeeting(doc).agenda[0].decisions[0]).toBe(false);
		placeDecision(doc, ids[0], decision, 2);
		expect(readMeeting(doc).agenda[0].decisions[0].notesOffset).toBe(2);
		placeDecision(doc, ids[0], decision, null);
		expect(readMeeting(doc).agenda[0].decisions[0].notesOffset).toBeUndefined();
		expectMeetingError(() => placeDecision(doc, ids[0], decision, -1), 'INVALID_INPUT');
	});
});

describe('tabling the rest of the agenda', () => {
	it('tables every item not yet handled, except the current one, in one step with one batch', () => {
		const { doc, ids } = meetingWithItems(['Ett', 'Två', 'Tre', 'Fyra']);
		openMeeting(doc, { now: at('09:00') });
		nextItem(doc, { now: at('09:00') });
		nextItem(doc, { now: at('09:10') }); // Två is current
		const entries = tableRestOfAgenda(doc, {
			destination: { kind: 'extra_meeting', date: '2026-12-03', time: '19:00' },
			by: null,
			now: at('09:30')
		});
		const view = readMeeting(doc);
		expect(entries).toHaveLength(2);
		expect(view.agenda.map((i) => i.status)).toEqual(['done', 'active', 'tabled', 'tabled']);
		expect(view.parkingLot.map((p) => p.itemId).sort()).toEqual([ids[2], ids[3]].sort());
		expect(new Set(view.parkingLot.map((p) => p.batchId)).size).toBe(1);
		expect(view.parkingLot[0].destination).toEqual({ kind: 'extra_meeting', date: '2026-12-03', time: '19:00' });
		expect(tableRestOfAgenda(doc, { destination: { kind: 'next_meeting' } })).toEqual([]);
	});

	it('refuses a time without a date, and reads an entry without time as before', () => {
		const { doc } = meetingWithItems(['Ett']);
		expectMeetingError(() => tableRestOfAgenda(doc, { destination: { kind: 'extra_meeting', date: null, time: '19:00' } }), 'INVALID_INPUT');
		tableRestOfAgenda(doc, { destination: { kind: 'extra_meeting', date: '2026-12-03' } });
		const entry = readMeeting(doc).parkingLot[0];
		expect(entry.destination).toEqual({ kind: 'extra_meeting', date: '2026-12-03' });
	});
});

describe('headings and minutes options', () => {
	it('are absent from the view until set, so older documents read as before', () => {
		const { doc, ids } = meetingWithItems(['Ett']);
		const before = readMeeting(doc);
		expect('heading' in before.agenda[0]).toBe(false);
		expect(Object.keys(before.header)).not.toContain('remoteMarking');
		updateItem(doc, ids[0], { heading: 'Frågor från Kommunal' });
		setHeader(doc, { remoteMarking: 'meeting', openingClosing: false, minutesHeading: 'Anteckningar' });
		const after = readMeeting(doc);
		expect(after.agenda[0].heading).toBe('Frågor från Kommunal');
		expect(after.header).toMatchObject({ remoteMarking: 'meeting', openingClosing: false, minutesHeading: 'Anteckningar' });
		expectMeetingError(() => setHeader(doc, { remoteMarking: 'alla' as never }), 'INVALID_INPUT');
		setHeader(doc, { remoteMarking: null, openingClosing: null, minutesHeading: null });
		expect(Object.keys(readMeeting(doc).header)).toEqual(Object.keys(before.header));
	});
});
