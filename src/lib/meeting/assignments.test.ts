import { describe, expect, it } from 'vitest';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addAssignment,
	addParticipant,
	readMeeting,
	removeAssignment,
	restoreAssignment,
	setAssignmentStatus,
	updateAssignment
} from './index.js';

describe('assignments', () => {
	it('adds with owner as participant or free text and due date or text', () => {
		const { doc, ids } = meetingWithItems(['RUFS']);
		const helene = addParticipant(doc, { name: 'Helene Olofsson' });
		const a = addAssignment(doc, ids[0], {
			text: 'Mejla ut redigerat underlag',
			owner: { participantId: helene },
			dueDate: '2023-06-09',
			now: at('10:40')
		});
		const b = addAssignment(doc, ids[0], {
			text: 'Lägg fram utvärderingens första del',
			owner: { name: 'Förvaltningsorganisationen för samordnad varudistribution' },
			dueText: 'september'
		});
		const list = readMeeting(doc).agenda[0].assignments;
		expect(list.map((x) => x.id)).toEqual([a, b]);
		expect(list[0]).toMatchObject({
			text: 'Mejla ut redigerat underlag',
			owner: { participantId: helene, name: 'Helene Olofsson' },
			dueDate: '2023-06-09',
			dueText: null,
			status: 'open',
			doneAt: null,
			createdAt: '2023-06-09T08:40:00.000Z'
		});
		expect(list[1].owner?.name).toBe('Förvaltningsorganisationen för samordnad varudistribution');
		expect(list[1].dueText).toBe('september');
	});

	it('validates', () => {
		const { doc, ids } = meetingWithItems(['A']);
		expectMeetingError(() => addAssignment(doc, ids[0], { text: '' }), 'INVALID_INPUT', 'text');
		expectMeetingError(() => addAssignment(doc, ids[0], { text: 'X', dueDate: 'september' }), 'INVALID_INPUT', 'dueDate');
		expectMeetingError(() => addAssignment(doc, ids[0], { text: 'X', owner: { participantId: 'ghost' } }), 'NOT_FOUND');
		expect(readMeeting(doc).agenda[0].assignments).toEqual([]);
	});

	it('updates, completes, reopens, removes and restores', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const id = addAssignment(doc, ids[0], { text: 'Boka möte', owner: { name: 'Rickard' } });
		updateAssignment(doc, ids[0], id, { text: 'Boka möte med regionen', owner: null, dueDate: '2023-08-22' });
		setAssignmentStatus(doc, ids[0], id, 'done', { now: at('11:00') });
		expect(readMeeting(doc).agenda[0].assignments[0]).toMatchObject({
			text: 'Boka möte med regionen',
			owner: null,
			dueDate: '2023-08-22',
			status: 'done',
			doneAt: '2023-06-09T09:00:00.000Z'
		});
		setAssignmentStatus(doc, ids[0], id, 'open');
		expect(readMeeting(doc).agenda[0].assignments[0]).toMatchObject({ status: 'open', doneAt: null });
		expectMeetingError(() => setAssignmentStatus(doc, ids[0], id, 'closed' as never), 'INVALID_INPUT', 'status');
		removeAssignment(doc, ids[0], id);
		expect(readMeeting(doc).agenda[0].assignments).toEqual([]);
		restoreAssignment(doc, ids[0], id);
		expect(readMeeting(doc).agenda[0].assignments.map((a) => a.id)).toEqual([id]);
	});
});
