import { describe, expect, it } from 'vitest';
import { createTestMeeting } from '../../../tests/fixtures/meeting-factories.js';
import {
	addItem,
	addSubItem,
	breakTime,
	closeMeeting,
	itemTime,
	nextItem,
	openMeetingAtFirstItem,
	readLiveState,
	readMeeting,
	startBreak,
	tableItem,
	timePlan,
	updateItem
} from './index.js';

/** A local wall-clock instant on the meeting's day (2023-06-09): the plan reads clock times in local time. */
const local = (hh: number, mm: number, ss = 0) => new Date(2023, 5, 9, hh, mm, ss);

function planAt(doc: ReturnType<typeof createTestMeeting>, now: Date) {
	const spent = readLiveState(doc, now).timeSpentMs;
	return timePlan(readMeeting(doc), (id) => spent.get(id) ?? 0, now);
}

/** 13:00–16:00 with items of 30, 45, 60 and (unplanned) minutes. */
function afternoon(minutes: (number | null)[] = [30, 45, 60]) {
	const doc = createTestMeeting({ startTime: '13:00', endTime: '16:00', now: local(12, 0).toISOString() });
	const ids = minutes.map((plannedMinutes, index) =>
		addItem(doc, { title: `Punkt ${index + 1}`, plannedMinutes, now: local(12, 0).toISOString() })
	);
	return { doc, ids };
}

describe('item time in whole minutes', () => {
	it('is over only once the shown minutes pass the plan', () => {
		expect(itemTime(3 * 60_000 + 59_000, 3)).toEqual({ spentMinutes: 3, plannedMinutes: 3, overMinutes: 0 });
		expect(itemTime(11 * 60_000 + 5_000, 3)).toEqual({ spentMinutes: 11, plannedMinutes: 3, overMinutes: 8 });
		expect(itemTime(90 * 60_000, null).overMinutes).toBe(0);
	});
});

describe('break countdown in whole minutes', () => {
	const started = local(14, 0);
	const pause = { startedAt: started.toISOString(), plannedMinutes: 10 };

	it('counts the minutes left, rounding up, then says ended, then minutes over', () => {
		expect(breakTime(pause, local(14, 0, 1))).toEqual({ kind: 'left', minutes: 10 });
		expect(breakTime(pause, local(14, 9, 30))).toEqual({ kind: 'left', minutes: 1 });
		expect(breakTime(pause, local(14, 10, 20))).toEqual({ kind: 'ended' });
		expect(breakTime(pause, local(14, 13, 0))).toEqual({ kind: 'over', minutes: 3 });
	});

	it('has no countdown without a planned length', () => {
		expect(breakTime({ startedAt: started.toISOString() }, local(14, 5))).toBeNull();
	});
});

describe('planned end against the remaining agenda', () => {
	it('before the meeting: the start time plus every planned minute', () => {
		const { doc } = afternoon();
		const plan = planAt(doc, local(12, 0));
		expect(plan).toEqual({ plannedEnd: '16:00', agendaEnd: '15:15', remainingMinutes: 135, overrunMinutes: 0, unplannedItems: 0 });
	});

	it('starts from now when the start time has passed on the day, and warns when the agenda overruns', () => {
		const { doc } = afternoon([60, 60, 45]);
		const plan = planAt(doc, local(13, 40));
		expect(plan.agendaEnd).toBe('16:25');
		expect(plan.overrunMinutes).toBe(25);
	});

	it('while running: the rest of the current item, none of it once over time, and the items ahead', () => {
		const { doc, ids } = afternoon();
		openMeetingAtFirstItem(doc, { now: local(13, 0).toISOString() });
		// 10 of 30 minutes spent on item 1: 20 + 45 + 60 ahead.
		expect(planAt(doc, local(13, 10))).toMatchObject({ agendaEnd: '15:15', remainingMinutes: 125, overrunMinutes: 0 });
		// Item 1 runs 50 minutes, 20 over: nothing of it counts any more.
		expect(planAt(doc, local(13, 50))).toMatchObject({ agendaEnd: '15:35', remainingMinutes: 105 });
		nextItem(doc, { now: local(13, 50).toISOString() });
		tableItem(doc, ids[1], { destination: { kind: 'next_meeting' }, now: local(13, 55).toISOString() });
		// Item 2 tabled: item 3's hour is what is left.
		expect(planAt(doc, local(13, 55))).toMatchObject({ agendaEnd: '14:55', remainingMinutes: 60 });
	});

	it('counts a running break’s minutes left and leaves unplanned items out (counted)', () => {
		const { doc } = afternoon([30, null, 60]);
		openMeetingAtFirstItem(doc, { now: local(13, 0).toISOString() });
		startBreak(doc, { minutes: 10, now: local(13, 20).toISOString() });
		const plan = planAt(doc, local(13, 25));
		// 10 left of item 1 (the break stopped its clock at 20), 5 of the break, 60 of item 3.
		expect(plan).toMatchObject({ agendaEnd: '14:40', remainingMinutes: 75, unplannedItems: 1 });
	});

	it('counts sub-items by their own planned minutes', () => {
		const { doc, ids } = afternoon([30]);
		addSubItem(doc, ids[0], { title: 'Del a', plannedMinutes: 15, now: local(12, 0).toISOString() });
		expect(planAt(doc, local(12, 0))).toMatchObject({ agendaEnd: '13:45', remainingMinutes: 45 });
	});

	it('says nothing it cannot know: no end time, nothing planned, a closed meeting', () => {
		const { doc, ids } = afternoon([null, null]);
		expect(planAt(doc, local(12, 0))).toMatchObject({ agendaEnd: null, overrunMinutes: 0, unplannedItems: 2 });
		updateItem(doc, ids[0], { plannedMinutes: 20 });
		const noEnd = createTestMeeting({ startTime: '13:00', endTime: null });
		addItem(noEnd, { title: 'A', plannedMinutes: 20 });
		expect(planAt(noEnd, local(12, 0))).toMatchObject({ plannedEnd: null, agendaEnd: '13:20', overrunMinutes: 0 });
		openMeetingAtFirstItem(doc, { now: local(13, 0).toISOString() });
		closeMeeting(doc, { now: local(13, 30).toISOString() });
		expect(planAt(doc, local(13, 30)).agendaEnd).toBeNull();
	});
});
