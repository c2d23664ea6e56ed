import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addParticipant,
	addSubItem,
	closeMeeting,
	endBreak,
	finishCurrentItem,
	goToItem,
	markNotReached,
	nextItem,
	openMeeting,
	previousItem,
	readLiveState,
	readMeeting,
	removeItem,
	resumeItem,
	startBreak,
	startItem,
	suspendCurrentItem
} from './index.js';
import { replay } from './live.js';

const statuses = (doc: Y.Doc) => readMeeting(doc).agenda.map((item) => `${item.number}:${item.status}`);
const MIN = 60_000;

describe('live flow', () => {
	it('opens, walks the agenda with next and closes', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C']);
		expect(readMeeting(doc).live.status).toBe('planned');
		expectMeetingError(() => nextItem(doc), 'INVALID_STATE');
		const chair = addParticipant(doc, { name: 'Magnus Gyllestad', role: 'chair' });
		openMeeting(doc, { now: at('08:30'), by: chair });
		expectMeetingError(() => openMeeting(doc), 'INVALID_STATE');
		expect(nextItem(doc, { now: at('08:30') })).toEqual({ changed: true, currentItemId: ids[0] });
		expect(nextItem(doc, { now: at('08:40') })).toEqual({ changed: true, currentItemId: ids[1] });
		expect(statuses(doc)).toEqual(['1:done', '2:active', '3:pending']);
		nextItem(doc, { now: at('09:00') });
		expect(nextItem(doc, { now: at('09:05') })).toEqual({ changed: true, currentItemId: null });
		expect(statuses(doc)).toEqual(['1:done', '2:done', '3:done']);
		expect(nextItem(doc, { now: at('09:06') })).toEqual({ changed: false, currentItemId: null });
		closeMeeting(doc, { now: at('09:10'), note: 'Ordföranden avslutar mötet.', by: chair });
		const view = readMeeting(doc);
		expect(view.live).toMatchObject({
			status: 'closed',
			currentItemId: null,
			openedAt: '2023-06-09T06:30:00.000Z',
			closedAt: '2023-06-09T07:10:00.000Z',
			closingNote: 'Ordföranden avslutar mötet.'
		});
		expect(view.agenda.map((item) => item.timeSpentMs)).toEqual([10 * MIN, 20 * MIN, 5 * MIN]);
		expect(view.events[0]).toMatchObject({ type: 'meeting_opened', by: chair, applied: true });
		expect(view.events.map((e) => e.type)).toEqual([
			'meeting_opened',
			'item_started',
			'item_started',
			'item_started',
			'item_completed',
			'meeting_closed'
		]);
		expectMeetingError(() => closeMeeting(doc), 'INVALID_STATE');
	});

	it('goes to an item, back with previous, and finishes the current item', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C']);
		const sub = addSubItem(doc, ids[0], { title: 'A1' });
		openMeeting(doc, { now: at('08:30') });
		goToItem(doc, ids[1], { now: at('08:31') });
		expect(previousItem(doc, { now: at('08:32') }).currentItemId).toBe(sub);
		expect(statuses(doc)).toEqual(['1:pending', '1a:active', '2:pending', '3:pending']);
		expect(nextItem(doc, { now: at('08:33') }).currentItemId).toBe(ids[1]);
		expect(startItem(doc, ids[1]).changed).toBe(false);
		finishCurrentItem(doc, { now: at('08:40') });
		expect(readMeeting(doc).live.currentItemId).toBeNull();
		expect(nextItem(doc, { now: at('08:41') }).currentItemId).toBe(ids[2]);
		expectMeetingError(() => startItem(doc, 'missing'), 'NOT_FOUND');
	});

	it('is a no-op when the expected current item changed', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C']);
		openMeeting(doc, { now: at('08:30') });
		nextItem(doc, { now: at('08:30') });
		expect(nextItem(doc, { expectedCurrentItemId: ids[0], now: at('08:35') }).currentItemId).toBe(ids[1]);
		expect(nextItem(doc, { expectedCurrentItemId: ids[0], now: at('08:35') })).toEqual({ changed: false, currentItemId: ids[1] });
		expect(previousItem(doc, { expectedCurrentItemId: null }).changed).toBe(false);
		expect(startItem(doc, ids[2], { expectedCurrentItemId: ids[0] }).changed).toBe(false);
		expect(suspendCurrentItem(doc, { expectedCurrentItemId: ids[2] }).changed).toBe(false);
		expect(readMeeting(doc).events.filter((e) => e.type === 'item_started')).toHaveLength(2);
	});

	it('suspends an item for another and resumes it later ("Mötet bryts för punkt 9", "Punkt 7 återupptas")', () => {
		const { doc, ids } = meetingWithItems(['7', '8', '9', '10', '11']);
		openMeeting(doc, { now: at('10:00') });
		startItem(doc, ids[0], { now: at('10:00') });
		expect(suspendCurrentItem(doc, { forItemId: ids[2], now: at('10:10') })).toEqual({ changed: true, currentItemId: ids[2] });
		expect(statuses(doc)).toEqual(['1:suspended', '2:pending', '3:active', '4:pending', '5:pending']);
		nextItem(doc, { now: at('10:30') });
		expect(readMeeting(doc).live.currentItemId).toBe(ids[3]);
		expectMeetingError(() => resumeItem(doc, ids[1]), 'INVALID_STATE');
		resumeItem(doc, ids[0], { now: at('10:40') });
		expect(statuses(doc)).toEqual(['1:active', '2:pending', '3:done', '4:done', '5:pending']);
		markNotReached(doc, ids[1], { now: at('10:50') });
		expect(nextItem(doc, { now: at('10:50') }).currentItemId).toBe(ids[4]);
		closeMeeting(doc, { now: at('11:00') });
		const view = readMeeting(doc);
		expect(statuses(doc)).toEqual(['1:done', '2:not_reached', '3:done', '4:done', '5:done']);
		expect(view.agenda.map((item) => item.timeSpentMs / MIN)).toEqual([20, 0, 20, 10, 10]);
		const suspended = view.events.find((e) => e.type === 'item_suspended');
		expect(suspended).toMatchObject({ itemId: ids[0], forItemId: ids[2] });
		const resumed = view.events.find((e) => e.type === 'item_resumed');
		expect(resumed).toMatchObject({ itemId: ids[0], fromItemId: ids[3] });
		expectMeetingError(() => suspendCurrentItem(doc), 'INVALID_STATE');
	});

	it('suspends without taking up another item', () => {
		const { doc, ids } = meetingWithItems(['A', 'B']);
		openMeeting(doc, { now: at('08:30') });
		nextItem(doc, { now: at('08:30') });
		expect(suspendCurrentItem(doc, { now: at('08:35') })).toEqual({ changed: true, currentItemId: null });
		expectMeetingError(() => suspendCurrentItem(doc, { forItemId: ids[0] }), 'INVALID_STATE');
		expect(nextItem(doc, { now: at('08:36') }).currentItemId).toBe(ids[1]);
	});

	it('pauses for a break that stops the item clock', () => {
		const { doc, ids } = meetingWithItems(['A']);
		openMeeting(doc, { now: at('08:30') });
		startItem(doc, ids[0], { now: at('08:30') });
		startBreak(doc, { note: 'Kort paus', now: at('09:00') });
		let view = readMeeting(doc);
		expect(view.live).toMatchObject({ status: 'paused', onBreak: true, currentItemId: ids[0] });
		expectMeetingError(() => nextItem(doc), 'INVALID_STATE');
		expectMeetingError(() => startBreak(doc), 'INVALID_STATE');
		endBreak(doc, { now: at('09:10') });
		expectMeetingError(() => endBreak(doc), 'INVALID_STATE');
		view = readMeeting(doc, { now: at('09:20') });
		expect(view.live.breaks).toEqual([
			{ startedAt: '2023-06-09T07:00:00.000Z', endedAt: '2023-06-09T07:10:00.000Z', note: 'Kort paus' }
		]);
		expect(view.agenda[0].timeSpentMs).toBe(40 * MIN);
		expect(readMeeting(doc).agenda[0].timeSpentMs).toBe(30 * MIN);
	});

	it('closes during a break, ending it', () => {
		const { doc } = meetingWithItems(['A']);
		openMeeting(doc, { now: at('08:30') });
		startBreak(doc, { now: at('09:00') });
		closeMeeting(doc, { now: at('09:15') });
		expect(readMeeting(doc).live.breaks[0].endedAt).toBe('2023-06-09T07:15:00.000Z');
	});

	it('marks items not reached, one by one or the rest at closing', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C', 'D']);
		openMeeting(doc, { now: at('08:30') });
		nextItem(doc, { now: at('08:30') });
		expectMeetingError(() => markNotReached(doc, ids[0]), 'INVALID_STATE');
		markNotReached(doc, ids[1], { now: at('08:40') });
		expectMeetingError(() => markNotReached(doc, ids[1]), 'INVALID_STATE');
		closeMeeting(doc, { now: at('09:00'), markRemainingNotReached: true });
		expect(statuses(doc)).toEqual(['1:done', '2:not_reached', '3:not_reached', '4:not_reached']);
		const notReached = readMeeting(doc).events.filter((e) => e.type === 'item_not_reached').map((e) => e.itemId);
		expect(notReached).toEqual([ids[1], ids[2], ids[3]]);
	});

	it('skips removed items when navigating and refuses to start them', () => {
		const { doc, ids } = meetingWithItems(['A', 'B', 'C']);
		removeItem(doc, ids[1]);
		openMeeting(doc, { now: at('08:30') });
		nextItem(doc, { now: at('08:30') });
		expect(nextItem(doc, { now: at('08:31') }).currentItemId).toBe(ids[2]);
		expect(previousItem(doc, { now: at('08:32') }).currentItemId).toBe(ids[0]);
		expectMeetingError(() => startItem(doc, ids[1]), 'INVALID_STATE');
	});

	it('replays a log with skewed clocks without negative time and ignores malformed records', () => {
		const state = replay(
			[
				{ id: '1', type: 'meeting_opened', at: '2023-06-09T06:30:00.000Z' },
				{ id: '2', type: 'item_started', at: '2023-06-09T06:30:00.000Z', itemId: 'a', fromItemId: null, via: 'next' },
				{ id: '3', type: 'item_started', at: '2023-06-09T06:20:00.000Z', itemId: 'b', fromItemId: 'a', via: 'next' },
				{ id: '4', type: 'bogus', at: '2023-06-09T06:40:00.000Z' },
				'garbage',
				{ id: '5', type: 'item_completed', at: '2023-06-09T06:45:00.000Z', itemId: 'b' }
			],
			'2023-06-09T07:00:00.000Z'
		);
		expect(state.timeSpentMs.get('a')).toBe(0);
		expect(state.timeSpentMs.get('b')).toBe(15 * MIN);
		expect(state.events).toHaveLength(4);
		expect(state.itemStatus.get('b')).toBe('done');
	});

	it('reads the live state directly', () => {
		const { doc, ids } = meetingWithItems(['A']);
		openMeeting(doc, { now: at('08:30') });
		startItem(doc, ids[0], { now: at('08:30') });
		const state = readLiveState(doc, at('08:45'));
		expect(state.currentItemId).toBe(ids[0]);
		expect(state.timeSpentMs.get(ids[0])).toBe(15 * MIN);
	});
});
