import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import {
	addConflictOfInterest,
	addDecision,
	addExtractRecipient,
	addParticipant,
	addReservation,
	closeMeeting,
	nextItem,
	openMeeting,
	readMeeting,
	setHeader,
	startBreak,
	endBreak,
	tableItem
} from '../meeting/index.js';
import { at, meetingWithItems } from '../../../tests/fixtures/meeting-factories.js';
import { buildLedningsgrupp20230609 } from '../../../tests/fixtures/seed-ledningsgrupp-2023-06-09.js';
import {
	buildExtract,
	buildMinutes,
	canonicalJson,
	fingerprint,
	notesToBlocks,
	renderMarkdown,
	renderText,
	setPreviousVersionId,
	stateFingerprint,
	type ApprovalState
} from './index.js';

const squash = (text: string) => text.replace(/\s+/g, ' ');

function formalMeeting() {
	const { doc, ids } = meetingWithItems(['Mötets öppnande', 'Budget', 'Lokalfrågan', 'Övriga frågor']);
	setHeader(doc, { kind: 'minutes', place: 'Digitalt via Teams' });
	const chair = addParticipant(doc, { name: 'Rickard Sundbom', organisation: 'Södertälje kommun', role: 'chair' });
	const secretary = addParticipant(doc, {
		name: 'Anna Söderström',
		organisation: 'Södertörnskommunerna',
		role: 'secretary',
		items: { scope: 'except', itemIds: [ids[2]] }
	});
	const adjuster = addParticipant(doc, { name: 'Stefan Hollmark', organisation: 'Tyresö kommun', role: 'adjuster' });
	const member = addParticipant(doc, {
		name: 'Leif Eriksson',
		organisation: 'Botkyrka kommun',
		attendance: 'remote',
		items: { scope: 'only', itemIds: [ids[1], ids[3]] }
	});
	addParticipant(doc, { name: 'Peter Wikman', organisation: 'Botkyrka kommun', role: 'guest', items: { scope: 'only', itemIds: [ids[2]] } });
	openMeeting(doc, { by: chair, now: at('09:45') });
	nextItem(doc, { now: at('09:45') });
	nextItem(doc, { now: at('09:50') });
	const decision = addDecision(doc, ids[1], { text: 'Budgeten fastställs.', now: at('10:00') });
	addReservation(doc, ids[1], decision, { who: { participantId: member }, text: 'Till förmån för eget förslag' });
	addConflictOfInterest(doc, ids[1], decision, { who: { participantId: adjuster } });
	addExtractRecipient(doc, ids[1], 'Ekonomiavdelningen');
	startBreak(doc, { now: at('10:10') });
	endBreak(doc, { now: at('10:20') });
	tableItem(doc, ids[2], { destination: { kind: 'extra_meeting', date: '2019-10-18' }, reason: 'Underlag saknas', now: at('10:25') });
	nextItem(doc, { now: at('10:30') });
	closeMeeting(doc, { by: chair, now: at('10:40') });
	return { doc, ids, chair, secretary, adjuster, member, decision };
}

describe('buildMinutes', () => {
	it('lays out a protokoll: roles, partial attendance, remote, others, flow sentences', () => {
		const { doc } = formalMeeting();
		const text = squash(renderText(buildMinutes(readMeeting(doc))));
		expect(text).toContain('Protokoll från Testgruppen');
		expect(text).toContain('Plats Digitalt via Teams');
		expect(text).toContain('Rickard Sundbom Södertälje kommun, ordförande');
		expect(text).toContain('Anna Söderström Södertörnskommunerna, sekreterare, ej punkt 3');
		expect(text).toContain('Leif Eriksson Botkyrka kommun, endast punkt 2 och 4 (digitalt)');
		expect(text).toContain('Övriga deltagare Peter Wikman Botkyrka kommun, punkt 3');
		expect(text).toContain('Ordföranden Rickard Sundbom öppnar mötet.');
		expect(text).toContain('Leif Eriksson reserverar sig mot beslutet. Till förmån för eget förslag.');
		expect(text).toContain('Stefan Hollmark anmäler jäv och deltar inte i beslutet.');
		expect(text).toContain('Beslutet ska skickas till - Ekonomiavdelningen');
		expect(text).toMatch(/2\. Budget .*Kort paus\. 3\. Lokalfrågan Punkten bordläggs till ett extrainsatt möte fredagen den 18 oktober 2019\. Underlag saknas\. 4\. Övriga frågor/);
		expect(text).toContain('Ordföranden Rickard Sundbom avslutar mötet.');
		// A protokoll is approved by the chair and the adjuster.
		expect(text).toContain('Vid anteckningarna Justeras Anna Söderström Rickard Sundbom, ordförande Stefan Hollmark, justerare');
	});

	it('after approval: "Justerat" with dates, approvers, times and the fingerprint', () => {
		const { doc, chair, adjuster, secretary } = formalMeeting();
		const approval: ApprovalState = {
			ready: { participantId: secretary, name: 'Anna Söderström', role: 'secretary', at: '2019-10-07T08:00:00.000Z' },
			approvals: [
				{ participantId: adjuster, name: 'Stefan Hollmark', role: 'adjuster', at: '2019-10-08T12:05:00.000Z' },
				{ participantId: chair, name: 'Rickard Sundbom', role: 'chair', at: '2019-10-09T07:30:00.000Z' }
			],
			pending: [],
			frozenAt: '2019-10-09T07:30:00.000Z',
			approvedAt: '2019-10-09T07:30:00.000Z',
			fingerprint: 'ab'.repeat(32),
			previousVersionId: null,
			nextVersionId: 'NEWVERSION000000000000'
		};
		const text = squash(renderText(buildMinutes(readMeeting(doc), { approval })));
		expect(text).toContain('Vid anteckningarna Justerat');
		expect(text).toContain('Anna Söderström Rickard Sundbom, ordförande 2019-10-09 Stefan Hollmark, justerare 2019-10-08');
		expect(text).toContain('Klar för justering 2019-10-07 kl 10.00 (Anna Söderström).');
		expect(text).toContain('Stefan Hollmark, justerare, justerade 2019-10-08 kl 14.05.');
		expect(text).toContain(`Fingeravtryck (SHA-256): ${'ab'.repeat(32)}`);
		expect(text).toContain('Ersatt av en rättad version: NEWVERSION000000000000.');
	});

	it('names the role in the minutes\' language when the meeting has no secretary to mark them ready', () => {
		const { doc, adjuster } = formalMeeting();
		const approval: ApprovalState = {
			ready: { participantId: null, name: 'organiser', role: 'secretary', at: '2019-10-07T08:00:00.000Z' },
			approvals: [{ participantId: adjuster, name: 'Stefan Hollmark', role: 'adjuster', at: '2019-10-08T12:05:00.000Z' }],
			pending: [],
			frozenAt: null,
			approvedAt: null,
			fingerprint: null,
			previousVersionId: null,
			nextVersionId: null
		};
		const sv = squash(renderText(buildMinutes(readMeeting(doc), { approval })));
		expect(sv).toContain('Klar för justering 2019-10-07 kl 10.00 (arrangör).');
		expect(sv).not.toContain('organiser');
		const en = squash(renderText(buildMinutes(readMeeting(doc), { approval, locale: 'en' })));
		expect(en).toContain('(organiser).');
	});

	it('speaks English when asked', () => {
		const { doc } = formalMeeting();
		const text = squash(renderText(buildMinutes(readMeeting(doc), { locale: 'en', previousVersionId: 'OLD' })));
		expect(text).toContain('Minutes of Testgruppen');
		expect(text).toContain('Friday 9 June 2023 08:30–11:00');
		expect(text).toContain('Leif Eriksson Botkyrka kommun, item 2 and 4 only (remote)');
		expect(text).toContain('The item is tabled until an extra meeting on Friday 18 October 2019.');
		expect(text).toContain('Corrected version. Replaces the earlier version OLD.');
		expect(text).toContain('Recorded by To be approved');
	});

	it('lists a meeting not yet held in agenda order, with no flow sentences', () => {
		const { doc } = meetingWithItems(['Välkommen', 'Budget', 'Nästa möte']);
		const minutes = buildMinutes(readMeeting(doc));
		expect(minutes.body.map((b) => (b.type === 'item' ? b.number : b.type))).toEqual(['1', '2', '3']);
	});

	it('adds "Nästa möte" from the header as a section, or in the agenda\'s "Nästa möte" item when its notes are empty', () => {
		const { doc } = meetingWithItems(['Välkommen']);
		setHeader(doc, { nextMeeting: { date: '2019-12-06', time: '09:45', place: 'Norrskogen' } });
		expect(squash(renderText(buildMinutes(readMeeting(doc))))).toContain('Nästa möte fredagen den 6 december 2019 kl 09.45, Norrskogen.');
		const withItem = meetingWithItems(['Välkommen', 'Nästa möte']);
		setHeader(withItem.doc, { nextMeeting: { date: '2019-12-06', time: '09:45', note: 'Ordinarie möte' } });
		expect(squash(renderText(buildMinutes(readMeeting(withItem.doc))))).toContain('2. Nästa möte Ordinarie möte, fredagen den 6 december 2019 kl 09.45.');
		const seed = buildLedningsgrupp20230609();
		expect(renderText(buildMinutes(readMeeting(seed.doc))).match(/Nästa möte/g)).toHaveLength(1);
	});

	it('splits notes into paragraphs, sub-headings and nested lists', () => {
		const entry = (text: string, sublist: unknown = null) => ({ text, url: null, sublist });
		expect(notesToBlocks('Förslag agenda\no Information\no Dialog\n\n# Diskussion\n- Ärende A\n  - klart\n  - 1. inte en lista\n- Ärende B\n  status: pågår\n1. Första')).toEqual([
			{ type: 'paragraph', lines: ['Förslag agenda'] },
			{ type: 'list', ordered: false, items: [entry('Information'), entry('Dialog')] },
			{ type: 'heading', text: 'Diskussion' },
			{
				type: 'list',
				ordered: false,
				items: [
					entry('Ärende A', { type: 'list', ordered: false, items: [entry('klart'), entry('1. inte en lista')] }),
					entry('Ärende B\nstatus: pågår')
				]
			},
			{ type: 'list', ordered: true, items: [entry('Första')] }
		]);
	});

	it('escapes Markdown in user text', () => {
		const { doc, ids } = meetingWithItems(['# Rubrik *fet* [länk](x)']);
		addDecision(doc, ids[0], { text: '1. Inte en lista', note: '*Fotnot' });
		const markdown = renderMarkdown(buildMinutes(readMeeting(doc)));
		expect(markdown).toContain('## 1\\. # Rubrik \\*fet\\* \\[länk\\](x)');
		expect(markdown).toContain('1\\. Inte en lista');
		expect(markdown).toContain('\\*Fotnot');
	});
});

describe('buildExtract (protokollsutdrag)', () => {
	it('holds the header, the one item with its decisions, the signatures and the recipients', () => {
		const { doc, ids } = formalMeeting();
		const text = squash(renderText(buildExtract(readMeeting(doc), ids[1])));
		expect(text).toContain('Protokollsutdrag från Testgruppen');
		expect(text).toContain('2. Budget');
		expect(text).toContain('Budgeten fastställs.');
		expect(text).toContain('Beslutet ska skickas till - Ekonomiavdelningen');
		expect(text).toContain('Vid anteckningarna Justeras');
		expect(text).not.toContain('Lokalfrågan');
		expect(text).not.toContain('Närvarande');
	});

	it('of the seed item 7 holds both stretches, with the suspension and the resumption', () => {
		const seed = buildLedningsgrupp20230609();
		const text = squash(renderText(buildExtract(readMeeting(seed.doc), seed.items[7])));
		expect(text).toMatch(/7\. Verksamhetsplan.*110 000 kr\. Mötet bryts för punkt 9 på agendan\. Punkt 7 återupptas\. Beslut 2\) .*150 000 kr\./);
	});
});

describe('canonical export', () => {
	it('sorts keys at every level', () => {
		expect(canonicalJson({ b: 1, a: { d: [1, { z: null, y: 'å' }], c: true } })).toBe('{"a":{"c":true,"d":[1,{"y":"å","z":null}]},"b":1}');
	});

	it('is the same for a copy of the document and differs after any change', async () => {
		const { doc } = buildLedningsgrupp20230609();
		const copy = new Y.Doc();
		Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
		expect(await fingerprint(copy)).toBe(await fingerprint(doc));
		expect(await stateFingerprint(copy)).toBe(await stateFingerprint(doc));
		expect(await fingerprint(doc)).toMatch(/^[0-9a-f]{64}$/);

		const before = await fingerprint(copy);
		setPreviousVersionId(copy, 'x'.repeat(22));
		expect(await fingerprint(copy)).not.toBe(before);
	});

	it('the state fingerprint catches a change the meeting view does not show', async () => {
		const { doc } = buildLedningsgrupp20230609();
		const content = await fingerprint(doc);
		const state = await stateFingerprint(doc);
		doc.getMap('unknownRoot').set('x', 1);
		expect(await fingerprint(doc)).toBe(content);
		expect(await stateFingerprint(doc)).not.toBe(state);
	});
});
