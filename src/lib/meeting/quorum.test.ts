import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { buildFormalMeeting } from '../../../tests/fixtures/formal-meeting.js';
import { meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addParticipant,
	clearItemConflict,
	quorumFor,
	readMeeting,
	readRoster,
	setCheckedIn,
	attachConfidentialPart,
	setItemConfidential,
	setItemConflict,
	setItemScope,
	updateParticipant
} from './index.js';

describe('quorum', () => {
	it('is lost when members leave for one item and regained when a deputy serves', () => {
		const { doc, members, deputies, items } = buildFormalMeeting();
		const quorum = (itemId: string) => quorumFor(doc, itemId, readRoster(doc));
		expect(quorum(items.detaljplan)).toMatchObject({ seats: 9, required: 5, quorate: true });
		expect(quorum(items.detaljplan).voters).toHaveLength(9);

		// Four leave for item 2 ("ej punkt 2"), one has jäv: four of nine remain.
		for (const id of members.slice(1, 5)) setItemScope(doc, id, { scope: 'except', itemIds: [items.detaljplan] });
		setItemConflict(doc, items.detaljplan, members[5]);
		expect(quorum(items.detaljplan)).toMatchObject({ quorate: false, voters: [members[0], ...members.slice(6)] });
		// Still quorate for the other items.
		expect(quorum(items.personal).quorate).toBe(true);

		updateParticipant(doc, deputies[0], { serving: true });
		expect(quorum(items.detaljplan)).toMatchObject({ quorate: true, voters: [members[0], ...members.slice(6), deputies[0]] });

		clearItemConflict(doc, items.detaljplan, members[5]);
		expect(quorum(items.detaljplan).voters).toHaveLength(6);
		setCheckedIn(doc, members[0], false);
		expect(quorum(items.detaljplan).voters).toHaveLength(5);
	});

	it('adds no keys to the reading of a meeting without seats or formal procedure (its fingerprint is unchanged)', () => {
		const { doc } = meetingWithItems(['Information']);
		addParticipant(doc, { name: 'Maja Mo' });
		const view = readMeeting(doc);
		expect(['seat', 'serving'].filter((key) => key in view.participants[0])).toEqual([]);
		expect(['formal', 'confidentialGround'].filter((key) => key in view.agenda[0])).toEqual([]);
	});

	it('has no quorum without seats in the roster', () => {
		const { doc, members, deputies, items } = buildFormalMeeting();
		for (const id of [...members, ...deputies]) updateParticipant(doc, id, { seat: null });
		expect(quorumFor(doc, items.detaljplan, readRoster(doc))).toMatchObject({ seats: 0, quorate: false, voters: [] });
	});

	it('marks an item confidential with its ground and refuses an empty ground', () => {
		const { doc, items } = buildFormalMeeting();
		attachConfidentialPart(doc, new Y.Doc());
		setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
		expect(readMeeting(doc).agenda[2].confidentialGround).toBe('OSL 39 kap. 3 §');
		expectMeetingError(() => setItemConfidential(doc, items.personal, '  '), 'INVALID_INPUT', 'ground');
		setItemConfidential(doc, items.personal, null);
		expect('confidentialGround' in readMeeting(doc).agenda[2]).toBe(false);
	});
});
