import { describe, expect, it } from 'vitest';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { endBreak, finishCurrentItem, navigationTargets, nextItem, openMeeting, openMeetingAtFirstItem, readMeeting, startBreak } from './index.js';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { MEETING_SCHEMA } from './schema.js';
import { auditDocument } from './schema-language.js';

describe('opening at the first item, and what the chair\'s buttons can do', () => {
	it('opens the meeting and starts item 1 in one transaction', () => {
		const { doc, ids } = meetingWithItems(['Välkommen', 'Budget']);
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		expect(openMeetingAtFirstItem(doc, { by: null, now: at('08:30') })).toEqual({ changed: true, currentItemId: ids[0] });
		expect(transactions).toBe(1);
		const view = readMeeting(doc);
		expect(view.live).toMatchObject({ status: 'open', currentItemId: ids[0] });
		expect(view.events.map((e) => e.type)).toEqual(['meeting_opened', 'item_started']);
	});

	it('opens an empty agenda with no item current', () => {
		const { doc } = meetingWithItems([]);
		expect(openMeetingAtFirstItem(doc)).toEqual({ changed: false, currentItemId: null });
		expect(readMeeting(doc).live.status).toBe('open');
	});

	it('has nowhere to go back to before the first item, and nothing to do once all is done', () => {
		const { doc, ids } = meetingWithItems(['Välkommen', 'Budget']);
		expect(navigationTargets(doc)).toEqual({ previous: null, next: false });
		openMeeting(doc);
		expect(navigationTargets(doc)).toEqual({ previous: null, next: true });
		nextItem(doc);
		expect(navigationTargets(doc)).toEqual({ previous: null, next: true });
		nextItem(doc);
		expect(navigationTargets(doc)).toEqual({ previous: ids[0], next: true });
		finishCurrentItem(doc);
		// After the last item: going back takes the item before it; going on has nothing left.
		expect(navigationTargets(doc)).toEqual({ previous: ids[0], next: false });
	});
});

describe('a planned break', () => {
	it('keeps its planned minutes for the countdown; a break without them reads as before', () => {
		const { doc } = meetingWithItems(['Välkommen']);
		openMeetingAtFirstItem(doc, { now: at('08:30') });
		startBreak(doc, { note: 'Kort paus', minutes: 10, now: at('09:00') });
		endBreak(doc, { now: at('09:12') });
		expectMeetingError(() => startBreak(doc, { minutes: 0 }), 'INVALID_INPUT');
		startBreak(doc, { now: at('09:30') });
		expect(readMeeting(doc).live.breaks).toEqual([
			{ startedAt: '2023-06-09T07:00:00.000Z', endedAt: '2023-06-09T07:12:00.000Z', note: 'Kort paus', plannedMinutes: 10 },
			{ startedAt: '2023-06-09T07:30:00.000Z', endedAt: null, note: null }
		]);
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
	});
});
