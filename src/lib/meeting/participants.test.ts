import { describe, expect, it } from 'vitest';
import { at, createTestMeeting, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addParticipant,
	moveParticipant,
	readMeeting,
	removeParticipant,
	restoreParticipant,
	setAttendance,
	setCheckedIn,
	setItemScope,
	updateParticipant
} from './index.js';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';

describe('participants', () => {
	it('adds with defaults and lists in order', () => {
		const doc = createTestMeeting();
		const a = addParticipant(doc, { name: 'Magnus Gyllestad', organisation: 'Haninge', role: 'chair', now: at('08:00') });
		const b = addParticipant(doc, { name: 'Anders Ivarsson Westerberg', role: 'guest', title: 'professor' });
		const c = addParticipant(doc, { name: 'Camilla Broo', index: 1 });
		const { participants } = readMeeting(doc);
		expect(participants.map((p) => p.id)).toEqual([a, c, b]);
		expect(participants[0]).toMatchObject({
			name: 'Magnus Gyllestad',
			organisation: 'Haninge',
			role: 'chair',
			section: 'members',
			attendance: 'room',
			checkedIn: false,
			items: { scope: 'all' },
			createdAt: '2023-06-09T06:00:00.000Z',
			deletedAt: null
		});
		expect(participants[2]).toMatchObject({ role: 'guest', section: 'others', title: 'professor' });
		expect(participants[1].role).toBe('member');
	});

	it('validates name, role, attendance and item scope', () => {
		const doc = createTestMeeting();
		expectMeetingError(() => addParticipant(doc, { name: ' ' }), 'INVALID_INPUT', 'name');
		expectMeetingError(() => addParticipant(doc, { name: 'X', role: 'boss' as never }), 'INVALID_INPUT', 'role');
		expectMeetingError(() => addParticipant(doc, { name: 'X', attendance: 'online' as never }), 'INVALID_INPUT', 'attendance');
		expectMeetingError(
			() => addParticipant(doc, { name: 'X', items: { scope: 'only', itemIds: ['nope'] } }),
			'INVALID_INPUT',
			'items.itemIds[0]'
		);
		expectMeetingError(() => addParticipant(doc, { name: 'X', items: { scope: 'only', itemIds: [] } }), 'INVALID_INPUT');
		expect(readMeeting(doc).participants).toEqual([]);
	});

	it('updates fields, attendance and partial attendance by item', () => {
		const { doc, ids } = meetingWithItems(['Välkommen', 'Val av justerare', 'Södertörnsanalysen']);
		const id = addParticipant(doc, { name: 'Anna Söderström' });
		updateParticipant(doc, id, { role: 'secretary', section: 'others', organisation: 'Södertörnskommunerna' });
		setAttendance(doc, id, 'remote');
		setItemScope(doc, id, { scope: 'except', itemIds: [ids[2]] });
		const p = readMeeting(doc).participants[0];
		expect(p).toMatchObject({
			role: 'secretary',
			section: 'others',
			organisation: 'Södertörnskommunerna',
			attendance: 'remote',
			items: { scope: 'except', itemIds: [ids[2]] }
		});
		setItemScope(doc, id, { scope: 'all' });
		expect(readMeeting(doc).participants[0].items).toEqual({ scope: 'all' });
		expectMeetingError(() => updateParticipant(doc, 'missing', { name: 'X' }), 'NOT_FOUND');
	});

	it('checks in and out', () => {
		const doc = createTestMeeting();
		const id = addParticipant(doc, { name: 'Kristina Tidestav', attendance: 'absent' });
		setCheckedIn(doc, id, true, { now: at('08:29') });
		expect(readMeeting(doc).participants[0]).toMatchObject({
			checkedIn: true,
			checkedInAt: '2023-06-09T06:29:00.000Z',
			attendance: 'room'
		});
		setCheckedIn(doc, id, true, { attendance: 'remote', now: at('08:31') });
		expect(readMeeting(doc).participants[0].attendance).toBe('remote');
		setCheckedIn(doc, id, false);
		expect(readMeeting(doc).participants[0]).toMatchObject({ checkedIn: false, checkedInAt: null });
	});

	it('moves', () => {
		const doc = createTestMeeting();
		const ids = ['A', 'B', 'C'].map((name) => addParticipant(doc, { name }));
		moveParticipant(doc, ids[2], 0);
		expect(readMeeting(doc).participants.map((p) => p.name)).toEqual(['C', 'A', 'B']);
		moveParticipant(doc, ids[2], 99);
		expect(readMeeting(doc).participants.map((p) => p.name)).toEqual(['A', 'B', 'C']);
	});

	it('removes as a tombstone that still resolves names, and restores', () => {
		const doc = createTestMeeting();
		const id = addParticipant(doc, { name: 'Petra Oxonius' });
		removeParticipant(doc, id, { now: at('09:00') });
		let view = readMeeting(doc);
		expect(view.participants).toEqual([]);
		expect(view.removedParticipants[0]).toMatchObject({ id, deletedAt: '2023-06-09T07:00:00.000Z' });
		expectMeetingError(() => updateParticipant(doc, id, { name: 'X' }), 'INVALID_STATE');
		restoreParticipant(doc, id);
		view = readMeeting(doc);
		expect(view.participants.map((p) => p.id)).toEqual([id]);
	});
});
