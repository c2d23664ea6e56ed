import { describe, expect, it } from 'vitest';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import {
	addConflictOfInterest,
	addDecision,
	addParticipant,
	addReservation,
	getDecisionText,
	moveDecision,
	readMeeting,
	removeConflictOfInterest,
	removeDecision,
	removeItem,
	removeReservation,
	restoreDecision,
	updateDecision
} from './index.js';

describe('decisions', () => {
	it('adds numbered decisions with an optional note', () => {
		const { doc, ids } = meetingWithItems(['Samordnad varudistribution']);
		const one = addDecision(doc, ids[0], { text: ' Förläng avtalet i 12 månader. ', now: at('09:30') });
		const two = addDecision(doc, ids[0], {
			text: 'Ekonomidirektörerna utgör styrgrupp.',
			note: '*Södertälje kommun deltar inte i beslutet ovan.'
		});
		const decisions = readMeeting(doc).agenda[0].decisions;
		expect(decisions.map((d) => [d.id, d.number, d.text, d.note])).toEqual([
			[one, 1, 'Förläng avtalet i 12 månader.', null],
			[two, 2, 'Ekonomidirektörerna utgör styrgrupp.', '*Södertälje kommun deltar inte i beslutet ovan.']
		]);
		expect(decisions[0].createdAt).toBe('2023-06-09T07:30:00.000Z');
		expectMeetingError(() => addDecision(doc, ids[0], { text: '   ' }), 'INVALID_INPUT', 'text');
		expectMeetingError(() => addDecision(doc, 'missing', { text: 'X' }), 'NOT_FOUND');
	});

	it('updates wording and note; the wording is a shared Y.Text', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const id = addDecision(doc, ids[0], { text: 'Första lydelse', note: 'fotnot' });
		const text = getDecisionText(doc, ids[0], id);
		updateDecision(doc, ids[0], id, { text: 'Andra lydelse', note: null });
		expect(text.toString()).toBe('Andra lydelse');
		text.insert(text.length, '.');
		expect(readMeeting(doc).agenda[0].decisions[0]).toMatchObject({ text: 'Andra lydelse.', note: null });
	});

	it('moves, removes and restores with renumbering', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const [d1, d2, d3] = ['Ett', 'Två', 'Tre'].map((text) => addDecision(doc, ids[0], { text }));
		moveDecision(doc, ids[0], d3, 0);
		expect(readMeeting(doc).agenda[0].decisions.map((d) => `${d.number}. ${d.text}`)).toEqual(['1. Tre', '2. Ett', '3. Två']);
		removeDecision(doc, ids[0], d1, { now: at('10:00') });
		let item = readMeeting(doc).agenda[0];
		expect(item.decisions.map((d) => `${d.number}. ${d.text}`)).toEqual(['1. Tre', '2. Två']);
		expect(item.removedDecisions.map((d) => [d.id, d.deletedAt])).toEqual([[d1, '2023-06-09T08:00:00.000Z']]);
		expectMeetingError(() => updateDecision(doc, ids[0], d1, { text: 'X' }), 'INVALID_STATE');
		restoreDecision(doc, ids[0], d1);
		item = readMeeting(doc).agenda[0];
		expect(item.decisions.map((d) => d.id)).toEqual([d3, d1, d2]);
		const inserted = addDecision(doc, ids[0], { text: 'Först', index: 0 });
		expect(readMeeting(doc).agenda[0].decisions[0].id).toBe(inserted);
	});

	it('records reservations and conflicts of interest', () => {
		const { doc, ids } = meetingWithItems(['A']);
		const stefan = addParticipant(doc, { name: 'Stefan Hollmark', organisation: 'Södertälje' });
		const d = addDecision(doc, ids[0], { text: 'Beslut' });
		const r1 = addReservation(doc, ids[0], d, { who: { participantId: stefan }, text: 'Till förmån för eget förslag', now: at('09:00') });
		addReservation(doc, ids[0], d, { who: { name: 'Ersättare X' }, now: at('09:01') });
		const c = addConflictOfInterest(doc, ids[0], d, { who: { participantId: stefan }, note: 'Styrelseledamot i bolaget' });
		let decision = readMeeting(doc).agenda[0].decisions[0];
		expect(decision.reservations.map((r) => [r.who.name, r.text])).toEqual([
			['Stefan Hollmark', 'Till förmån för eget förslag'],
			['Ersättare X', null]
		]);
		expect(decision.conflictsOfInterest).toEqual([
			expect.objectContaining({ id: c, who: { participantId: stefan, name: 'Stefan Hollmark', organisation: 'Södertälje' }, note: 'Styrelseledamot i bolaget' })
		]);
		removeReservation(doc, ids[0], d, r1);
		removeConflictOfInterest(doc, ids[0], d, c);
		decision = readMeeting(doc).agenda[0].decisions[0];
		expect(decision.reservations.map((r) => r.who.name)).toEqual(['Ersättare X']);
		expect(decision.conflictsOfInterest).toEqual([]);
		expectMeetingError(() => addReservation(doc, ids[0], d, { who: { participantId: 'ghost' } }), 'NOT_FOUND');
		expectMeetingError(() => removeReservation(doc, ids[0], d, r1), 'NOT_FOUND');
	});

	it('refuses new decisions in a removed item', () => {
		const { doc, ids } = meetingWithItems(['A']);
		removeItem(doc, ids[0]);
		expectMeetingError(() => addDecision(doc, ids[0], { text: 'X' }), 'INVALID_STATE');
	});
});
