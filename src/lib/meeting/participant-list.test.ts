import { describe, expect, it } from 'vitest';
import { meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.js';
import { addParticipants, parseParticipantList, readMeeting, setHeader, setItemScopes } from './index.js';
import { MEETING_SCHEMA } from './schema.js';
import { auditDocument } from './schema-language.js';

const agenda = [
	{ id: 'item-one-aaaaaaaa', number: '1' },
	{ id: 'item-two-aaaaaaaa', number: '2' },
	{ id: 'item-3a-aaaaaaaaa', number: '3a' }
];

describe('parseParticipantList', () => {
	it('reads tab-separated rows from a spreadsheet, whatever the column order', () => {
		const rows = parseParticipantList(
			'Maria Holm\tHaninge kommun\tOrdförande\tmaria.holm@haninge.se\nsven@tyreso.se\tSven Ek\tTyresö kommun\tledamot\tendast punkt 2',
			agenda
		);
		expect(rows).toEqual([
			{ line: 1, name: 'Maria Holm', organisation: 'Haninge kommun', role: 'chair', email: 'maria.holm@haninge.se', items: { scope: 'all' }, issues: [] },
			{ line: 2, name: 'Sven Ek', organisation: 'Tyresö kommun', role: 'member', email: 'sven@tyreso.se', items: { scope: 'only', itemIds: ['item-two-aaaaaaaa'] }, issues: [] }
		]);
	});

	it('reads comma- and semicolon-separated lines, with a scope split at its comma', () => {
		const rows = parseParticipantList('Eva Lund, Vision, föredragande, endast punkt 1, 3a\n\nOla Berg; Kommunal; ej punkt 2; åhörare', agenda);
		expect(rows.map((r) => [r.name, r.organisation, r.role, r.items])).toEqual([
			['Eva Lund', 'Vision', 'presenter', { scope: 'only', itemIds: ['item-one-aaaaaaaa', 'item-3a-aaaaaaaaa'] }],
			['Ola Berg', 'Kommunal', 'observer', { scope: 'except', itemIds: ['item-two-aaaaaaaa'] }]
		]);
		expect(rows[1].line).toBe(3);
	});

	it('flags what must be fixed, row by row, and loses no line', () => {
		const rows = parseParticipantList('\tHaninge\nAnna, anna@@x\nAnna, endast punkt 9\nMaria Holm', agenda, ['maria holm']);
		expect(rows.map((r) => r.issues)).toEqual([
			[{ code: 'name_missing' }],
			[{ code: 'email_invalid', value: 'anna@@x' }],
			[{ code: 'unknown_items', numbers: ['9'] }, { code: 'duplicate', name: 'Anna' }],
			[{ code: 'duplicate', name: 'Maria Holm' }]
		]);
	});
});

describe('addParticipants and setItemScopes', () => {
	it('adds a list in one transaction, and sets one scope for several people at once', () => {
		const { doc, ids } = meetingWithItems(['Välkommen', 'Budget']);
		let transactions = 0;
		doc.on('afterTransaction', () => transactions++);
		const added = addParticipants(doc, [
			{ name: 'Maria Holm', email: 'maria@haninge.se', role: 'chair' },
			{ name: 'Sven Ek' },
			{ name: 'Eva Lund', role: 'presenter' }
		]);
		expect(transactions).toBe(1);
		setItemScopes(doc, added.slice(1), { scope: 'only', itemIds: [ids[1]] });
		const { participants } = readMeeting(doc);
		expect(participants.map((p) => [p.name, p.email, p.section, p.items])).toEqual([
			['Maria Holm', 'maria@haninge.se', 'members', { scope: 'all' }],
			['Sven Ek', undefined, 'members', { scope: 'only', itemIds: [ids[1]] }],
			['Eva Lund', undefined, 'others', { scope: 'only', itemIds: [ids[1]] }]
		]);
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
	});

	it('checks every row before writing: one bad e-mail adds nobody', () => {
		const { doc } = meetingWithItems(['Välkommen']);
		expectMeetingError(() => addParticipants(doc, [{ name: 'Ok' }, { name: 'Bad', email: 'not-an-address' }]), 'INVALID_INPUT');
		expect(readMeeting(doc).participants).toEqual([]);
	});

	it('keeps a video meeting link in the header, and refuses one that is not http(s)', () => {
		const { doc } = meetingWithItems(['Välkommen']);
		setHeader(doc, { meetingLink: 'https://teams.microsoft.com/l/meetup-join/abc' });
		expect(readMeeting(doc).header.meetingLink).toBe('https://teams.microsoft.com/l/meetup-join/abc');
		expectMeetingError(() => setHeader(doc, { meetingLink: 'javascript:alert(1)' }), 'INVALID_INPUT');
		setHeader(doc, { meetingLink: null });
		expect(readMeeting(doc).header.meetingLink).toBeUndefined();
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
	});
});
