import { describe, expect, it } from 'vitest';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addParkingLotEntry,
	nextItem,
	openMeeting,
	readMeeting,
	removeParkingLotEntry,
	reopenParkingLotEntry,
	resolveParkingLotEntry,
	startItem,
	tableItem,
	updateParkingLotEntry
} from './index.js';

describe('parking lot', () => {
	it('holds open questions with a destination', () => {
		const { doc, ids } = meetingWithItems(['Utestående ärenden']);
		const q = addParkingLotEntry(doc, {
			text: 'Frågan om samarbetsytan på hemsidan',
			destination: { kind: 'date', date: '2023-09-21' },
			sourceItemId: ids[0],
			now: at('09:50')
		});
		addParkingLotEntry(doc, { text: 'Boka in möte med Stockholm stad', now: at('09:51') });
		const lot = readMeeting(doc).parkingLot;
		expect(lot.map((e) => e.id)[0]).toBe(q);
		expect(lot[0]).toMatchObject({
			kind: 'question',
			itemId: null,
			sourceItemId: ids[0],
			destination: { kind: 'date', date: '2023-09-21' },
			resolvedAt: null
		});
		expect(lot[1].destination).toEqual({ kind: 'unspecified' });
		expectMeetingError(() => addParkingLotEntry(doc, { text: '' }), 'INVALID_INPUT', 'text');
		expectMeetingError(
			() => addParkingLotEntry(doc, { text: 'X', destination: { kind: 'date' } as never }),
			'INVALID_INPUT',
			'destination.date'
		);
		expectMeetingError(() => addParkingLotEntry(doc, { text: 'X', destination: { kind: 'later' } as never }), 'INVALID_INPUT');
	});

	it('tables an item to an extra meeting: entry, item status and event together', () => {
		const { doc, ids } = meetingWithItems(['A', 'Rekrytering strateg', 'C']);
		openMeeting(doc, { now: at('08:30') });
		startItem(doc, ids[1], { now: at('08:31') });
		const entry = tableItem(doc, ids[1], {
			reason: 'Underlaget är inte klart',
			destination: { kind: 'extra_meeting', date: null },
			now: at('08:40')
		});
		const view = readMeeting(doc);
		expect(view.parkingLot[0]).toMatchObject({
			id: entry,
			kind: 'tabled_item',
			itemId: ids[1],
			text: 'Rekrytering strateg',
			reason: 'Underlaget är inte klart',
			destination: { kind: 'extra_meeting', date: null }
		});
		expect(view.agenda[1].status).toBe('tabled');
		expect(view.live.currentItemId).toBeNull();
		expect(view.events.at(-1)).toMatchObject({ type: 'item_tabled', itemId: ids[1], parkingEntryId: entry, applied: true });
		expect(nextItem(doc, { now: at('08:41') }).currentItemId).toBe(ids[2]);
		expectMeetingError(() => tableItem(doc, ids[1], { destination: { kind: 'next_meeting' } }), 'INVALID_STATE');
	});

	it('updates, resolves, reopens and removes entries', () => {
		const { doc } = meetingWithItems([]);
		const id = addParkingLotEntry(doc, { text: 'Fråga' });
		updateParkingLotEntry(doc, id, { text: 'Omformulerad fråga', destination: { kind: 'next_meeting' }, reason: 'Tiden tog slut' });
		resolveParkingLotEntry(doc, id, { resolution: 'Besvarad', now: at('10:00') });
		expect(readMeeting(doc).parkingLot[0]).toMatchObject({
			text: 'Omformulerad fråga',
			reason: 'Tiden tog slut',
			destination: { kind: 'next_meeting' },
			resolvedAt: '2023-06-09T08:00:00.000Z',
			resolution: 'Besvarad'
		});
		reopenParkingLotEntry(doc, id);
		expect(readMeeting(doc).parkingLot[0].resolvedAt).toBeNull();
		removeParkingLotEntry(doc, id);
		expect(readMeeting(doc).parkingLot).toEqual([]);
		expectMeetingError(() => resolveParkingLotEntry(doc, id), 'INVALID_STATE');
		expectMeetingError(() => resolveParkingLotEntry(doc, 'missing'), 'NOT_FOUND');
	});
});
