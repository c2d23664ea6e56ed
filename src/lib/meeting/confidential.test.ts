import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { buildFormalMeeting } from '../../../tests/fixtures/formal-meeting.ts';
import { replicaOf, syncDocs } from '../../../tests/fixtures/yjs-sync.ts';
import { expectMeetingError } from '../../../tests/fixtures/meeting-assertions.ts';
import { buildMinutes, renderText } from '../minutes/index.js';
import { addAssignment } from './assignments.js';
import { addDocument, getItemNotes, setItemNotes } from './agenda.js';
import { adoptConfidentialItems, attachConfidentialPart } from './confidential.js';
import { addDecision } from './decisions.js';
import { setItemConfidential } from './quorum.js';
import { findItem, readMeeting } from './read.js';
import { CONFIDENTIAL_SCHEMA, MEETING_SCHEMA } from './schema.js';
import { addProposition, castBallot, closeVote, openVote, readDecisionRounds, readPropositions, recordRoundDecision } from './votes.js';
import { auditDocument } from './schema-language.js';

const NOTES = 'Ärendet gäller en enskild anställds hälsa.';

function meetingWithContent() {
	const formal = buildFormalMeeting();
	const { doc, items } = formal;
	setItemNotes(doc, items.personal, NOTES);
	const decision = addDecision(doc, items.personal, { text: 'Nämnden beviljar ledigheten.', notesOffset: 'Ärendet gäller'.length });
	addAssignment(doc, items.personal, { text: 'Förvaltningen underrättar den anställde.' });
	addDocument(doc, items.personal, { title: 'Läkarintyg', url: 'https://example.org/intyg' });
	return { ...formal, decision };
}

describe('confidential items', () => {
	it('moves the content into the part on marking, anchors included, and back on unmarking', () => {
		const { doc, items } = meetingWithContent();
		const part = new Y.Doc();
		attachConfidentialPart(doc, part);
		const before = findItem(readMeeting(doc), items.personal)!;

		setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
		// Nothing of it is left in the meeting document (its bytes included), all of it reads the same through the part.
		const stored = Y.encodeStateAsUpdate(doc);
		expect(Buffer.from(stored).includes(Buffer.from('enskild anställds'))).toBe(false);
		expect(Buffer.from(stored).includes(Buffer.from('beviljar'))).toBe(false);
		expect(Buffer.from(Y.encodeStateAsUpdate(part)).includes(Buffer.from('enskild anställds'))).toBe(true);
		const marked = findItem(readMeeting(doc), items.personal)!;
		expect(marked).toMatchObject({ confidentialGround: 'OSL 39 kap. 3 §', notes: NOTES, decisions: before.decisions, assignments: before.assignments, documents: before.documents });
		expect(marked.decisions[0].notesOffset).toBe('Ärendet gäller'.length);
		expect(auditDocument(MEETING_SCHEMA, doc)).toEqual([]);
		expect(auditDocument(CONFIDENTIAL_SCHEMA, part)).toEqual([]);

		// Written while confidential: into the part.
		getItemNotes(doc, items.personal).insert(NOTES.length, ' Tillägg.');
		expect(part.getMap<Y.Map<unknown>>('items').get(items.personal)?.get('notes')?.toString()).toBe(`${NOTES} Tillägg.`);

		setItemConfidential(doc, items.personal, null);
		const back = findItem(readMeeting(doc), items.personal)!;
		expect(back.notes).toBe(`${NOTES} Tillägg.`);
		expect(back.decisions.map((d) => [d.text, d.notesOffset])).toEqual([['Nämnden beviljar ledigheten.', 'Ärendet gäller'.length]]);
		expect(part.getMap('items').size).toBe(0);
	});

	it('reads title and ground only without the part, and refuses writes there', () => {
		const { doc, items } = meetingWithContent();
		const part = new Y.Doc();
		attachConfidentialPart(doc, part);
		setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');

		const observer = replicaOf(doc);
		const item = findItem(readMeeting(observer), items.personal)!;
		expect(item).toMatchObject({ title: 'Personalärende', confidentialGround: 'OSL 39 kap. 3 §', contentUnavailable: true, notes: '', decisions: [], assignments: [], documents: [] });
		expectMeetingError(() => addDecision(observer, items.personal, { text: 'x' }), 'INVALID_STATE');
		// Their minutes print the ground where the content would be, as the public version does.
		expect(renderText(buildMinutes(readMeeting(observer)))).toContain('Sekretess enligt OSL 39 kap. 3 §');

		// A member's replica with the part reads it once both documents arrived.
		const member = replicaOf(doc);
		const memberPart = replicaOf(part);
		attachConfidentialPart(member, memberPart);
		syncDocs(part, memberPart);
		expect(findItem(readMeeting(member), items.personal)?.notes).toBe(NOTES);
	});

	it('marks an item without content without a part, and refuses to move content without one', () => {
		const { doc, items } = meetingWithContent();
		setItemConfidential(doc, items.justerare, 'OSL 39 kap. 3 §');
		expect(findItem(readMeeting(doc), items.justerare)?.confidentialGround).toBe('OSL 39 kap. 3 §');
		expectMeetingError(() => setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §'), 'INVALID_STATE');
		expect(findItem(readMeeting(doc), items.personal)?.notes).toBe(NOTES);
	});

	it('adopts an item marked before the part existed: its content moves there once', () => {
		const { doc, items } = meetingWithContent();
		// Marked by an earlier version: the ground set, the content left where it was.
		doc.transact(() => doc.getMap<Y.Map<unknown>>('items').get(items.personal)?.set('confidentialGround', 'OSL 39 kap. 3 §'));
		const part = new Y.Doc();
		attachConfidentialPart(doc, part);
		expect(findItem(readMeeting(doc), items.personal)?.contentUnavailable).toBe(true);
		expect(adoptConfidentialItems(doc)).toEqual([items.personal]);
		expect(adoptConfidentialItems(doc)).toEqual([]);
		expect(findItem(readMeeting(doc), items.personal)).toMatchObject({ notes: NOTES, decisions: [{ notesOffset: 'Ärendet gäller'.length }] });
		expect(Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from('enskild anställds'))).toBe(false);
	});

	it('moves propositions, rounds and ballots with the item, keeps voting in the part, and adopts those left behind', () => {
		const { doc, items, members } = meetingWithContent();
		const part = new Y.Doc();
		attachConfidentialPart(doc, part);
		const yes = addProposition(doc, items.personal, { kind: 'original', text: 'Anställningen upphör.' });
		const no = addProposition(doc, items.personal, { kind: 'motion', text: 'Anställningen fortsätter.' });
		const round = openVote(doc, items.personal, { method: 'open', yesPropositionId: yes, noPropositionId: no });
		castBallot(doc, round, members[1], 'no');
		const inMain = () => [...doc.getMap<{ itemId?: string }>('propositions').values(), ...doc.getMap<{ itemId?: string }>('votes').values()].filter((e) => e.itemId === items.personal);

		setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
		expect(inMain()).toEqual([]);
		expect(doc.getMap('ballots').size).toBe(0);
		expect(Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from('Anställningen upphör'))).toBe(false);
		expect(auditDocument(CONFIDENTIAL_SCHEMA, part)).toEqual([]);
		// Voting goes on in the part, and the decision lands there too.
		castBallot(doc, round, members[2], 'no');
		closeVote(doc, round);
		recordRoundDecision(doc, round);
		expect(readDecisionRounds(doc, items.personal)[0]).toMatchObject({ winnerPropositionId: no, counts: { no: 2 } });
		expect(findItem(readMeeting(doc), items.personal)?.decisions.map((d) => d.text)).toContain('Anställningen fortsätter.');
		expect(part.getMap('ballots').size).toBe(2);
		// The canonical export reads the meeting document as the server holds it: none of them.
		expect(findItem(readMeeting(doc, { mainDocumentOnly: true }), items.personal)?.formal).toBeUndefined();
		expect(findItem(readMeeting(doc), items.personal)?.formal?.propositions).toHaveLength(2);
		// Without the part (an observer's device): nothing of them.
		const observer = replicaOf(doc);
		expect(readPropositions(observer, items.personal)).toEqual([]);
		expect(readDecisionRounds(observer, items.personal)).toEqual([]);

		setItemConfidential(doc, items.personal, null);
		expect(readPropositions(doc, items.personal).map((p) => p.text)).toEqual(['Anställningen upphör.', 'Anställningen fortsätter.']);
		expect(readDecisionRounds(doc, items.personal)[0]?.ballots.map((b) => b.choice)).toEqual(['no', 'no']);
		expect(part.getMap('propositions').size + part.getMap('votes').size + part.getMap('ballots').size).toBe(0);

		// Marked by an earlier version, its propositions left in the meeting document though its entry is in the part: adopted.
		setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
		doc.getMap('propositions').set('Pa8Xr0kLm2Qw9Zt4', { ...(part.getMap('propositions').get(yes) as object), text: 'Kvarlämnat förslag.' });
		expect(adoptConfidentialItems(doc)).toEqual([items.personal]);
		expect(inMain()).toEqual([]);
		expect(readPropositions(doc, items.personal).map((p) => p.text)).toContain('Kvarlämnat förslag.');
	});

	it('does not make an item public again before the part has arrived (its content would stay behind)', () => {
		const { doc, items } = meetingWithContent();
		const part = new Y.Doc();
		let arrived = true;
		attachConfidentialPart(doc, part, () => arrived);
		setItemConfidential(doc, items.personal, 'OSL 39 kap. 3 §');
		arrived = false;
		expectMeetingError(() => setItemConfidential(doc, items.personal, null), 'INVALID_STATE');
		expect(findItem(readMeeting(doc), items.personal)?.confidentialGround).toBe('OSL 39 kap. 3 §');
		arrived = true;
		setItemConfidential(doc, items.personal, null);
		expect(findItem(readMeeting(doc), items.personal)?.notes).toBe(NOTES);
	});
});

describe('a confidential item\'s speaker list, jäv and files', () => {
	it('move into the part with the ground, and back when the item is made public', async () => {
		const { addAttachment, addItem, admitHands, attachConfidentialPart, giveFloor, initMeeting, raiseHand, readAttachments, readSpeakerList, setItemConfidential, setItemConflict, addParticipant } = await import('./index.js');
		const { readItemConflicts } = await import('./quorum.js');
		const Y = await import('yjs');
		const doc = new Y.Doc();
		const part = new Y.Doc();
		attachConfidentialPart(doc, part);
		initMeeting(doc, { title: 'Nämnd' });
		const itemId = addItem(doc, { title: 'Personalärende' });
		const anna = addParticipant(doc, { name: 'Anna Andersson' });
		const bo = addParticipant(doc, { name: 'Bo Berg' });
		addAttachment(doc, itemId, { name: 'Utredning.pdf', sha256: 'a'.repeat(64), size: 10, type: 'application/pdf' });
		raiseHand(doc, itemId, anna);
		raiseHand(doc, itemId, bo);
		admitHands(doc, itemId);
		giveFloor(doc, itemId);
		setItemConflict(doc, itemId, bo, { note: 'Jävig' });
		const before = { files: readAttachments(doc, itemId), speakers: readSpeakerList(doc, itemId), jav: readItemConflicts(doc, itemId) };
		const roots = ['hands', 'speakerQueue', 'speeches', 'itemConflicts', 'attachments'];
		const sizes = (d: InstanceType<typeof Y.Doc>) => roots.map((root) => d.getMap(root).size);
		const held = sizes(doc);
		setItemConfidential(doc, itemId, 'OSL 39 kap. 3 §');
		expect(sizes(doc)).toEqual([0, 0, 0, 0, 0]);
		expect(sizes(part)).toEqual(held);
		expect({ files: readAttachments(doc, itemId), speakers: readSpeakerList(doc, itemId), jav: readItemConflicts(doc, itemId) }).toEqual(before);
		// Written now: into the part.
		raiseHand(doc, itemId, bo, { kind: 'reply' });
		expect(doc.getMap('hands').size).toBe(0);
		// Without the part (an observer): nothing.
		const observer = new Y.Doc();
		Y.applyUpdate(observer, Y.encodeStateAsUpdate(doc));
		expect(readAttachments(observer, itemId)).toEqual([]);
		expect(readSpeakerList(observer, itemId)).toMatchObject({ current: null, queue: [], waiting: [], spoken: [] });
		expect(readItemConflicts(observer, itemId)).toEqual([]);
		expect(() => raiseHand(observer, itemId, anna)).toThrow(/confidential/);
		setItemConfidential(doc, itemId, null);
		expect(sizes(part)).toEqual([0, 0, 0, 0, 0]);
		expect(readAttachments(doc, itemId).map((f) => f.name)).toEqual(['Utredning.pdf']);
		expect(readItemConflicts(doc, itemId).map((c) => c.note)).toEqual(['Jävig']);
	});
});
