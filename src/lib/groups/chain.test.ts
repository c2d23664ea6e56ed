/**
 * Five chained meetings of one group, built the way the server builds them: each new
 * meeting is filled from the group and carries every matter still open.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addAssignment,
	closeOutstanding,
	outstandingKey,
	readMeeting,
	readOutstanding,
	removeAssignment,
	setAssignmentStatus,
	setHeader,
	tableItem,
	tableRestOfAgenda,
	addItem
} from '../meeting/index.js';
import {
	addMember,
	assignmentsCsv,
	csvField,
	closeInGroup,
	deriveMatters,
	fillGroupMeeting,
	groupAssignments,
	initGroup,
	openMatters,
	ownerOrganisations,
	planFromPrevious,
	readGroup,
	searchMeetings,
	type GroupMeetingDoc
} from './index.js';

const GROUP_ID = 'group-1';
const DATES = ['2023-03-10', '2023-04-14', '2023-05-12', '2023-06-09', '2023-09-21'];

function newGroup(): Y.Doc {
	const doc = new Y.Doc();
	initGroup(doc, { name: 'Södertörnskommunernas ledningsgrupp', now: '2023-03-01T08:00:00Z' });
	addMember(doc, { name: 'Magnus Gyllestad', organisation: 'Haninge', role: 'chair' });
	addMember(doc, { name: 'Camilla Broo', organisation: 'Huddinge' });
	addMember(doc, { name: 'Helene Olofsson', organisation: 'Södertörnskommunerna', role: 'secretary' });
	return doc;
}

/** What the server does for POST /api/groups/:id/meetings. */
function nextMeeting(group: Y.Doc, earlier: GroupMeetingDoc[]): GroupMeetingDoc {
	const sequence = earlier.length + 1;
	const previous = earlier.at(-1)?.doc ?? null;
	const plan = { groupId: GROUP_ID, sequence, title: `Ledningsgruppen ${sequence}`, ...planFromPrevious(previous) };
	if (!plan.date) plan.date = DATES[sequence - 1];
	const doc = new Y.Doc();
	const carry = openMatters(deriveMatters(earlier, readGroup(group)));
	fillGroupMeeting(doc, readGroup(group), plan, carry, `${plan.date}T06:00:00Z`);
	const meeting = { id: `meeting-${sequence}`, sequence, doc };
	setHeader(doc, { nextMeeting: { date: DATES[sequence] ?? null, time: '09:45', place: 'Huddinge kommunhus' } });
	return meeting;
}

function itemByTitle(doc: Y.Doc, title: string): string {
	return readMeeting(doc).agenda.find((i) => i.title === title)!.id;
}

function participant(doc: Y.Doc, name: string): string {
	return readMeeting(doc).participants.find((p) => p.name === name)!.id;
}

describe('five chained meetings of a group', () => {
	it('carries tabled items and open assignments with origin and age, and nothing closed or twice', () => {
		const group = newGroup();
		const meetings: GroupMeetingDoc[] = [];

		// 1: an open and a done assignment, a tabled item.
		const m1 = nextMeeting(group, meetings);
		meetings.push(m1);
		const m1Rekrytering = addItem(m1.doc, { title: 'Rekrytering strateg', index: 3 });
		const m1Budget = addItem(m1.doc, { title: 'Verksamhetsplan och budget', index: 4 });
		const a1 = addAssignment(m1.doc, m1Rekrytering, { text: 'Kolla Södertäljes avtal', owner: { participantId: participant(m1.doc, 'Magnus Gyllestad') } });
		const a2 = addAssignment(m1.doc, m1Rekrytering, { text: 'Boka lokal', owner: { name: 'Anna Söderström' } });
		setAssignmentStatus(m1.doc, m1Rekrytering, a2, 'done');
		const t1 = tableItem(m1.doc, m1Budget, { destination: { kind: 'next_meeting' }, reason: 'Underlag saknas' });

		// 2: date, time and place from meeting 1's "Nästa möte"; closes the tabled item; a new assignment.
		const m2 = nextMeeting(group, meetings);
		meetings.push(m2);
		const h2 = readMeeting(m2.doc).header;
		expect([h2.date, h2.startTime, h2.place, h2.groupName]).toEqual(['2023-04-14', '09:45', 'Huddinge kommunhus', 'Södertörnskommunernas ledningsgrupp']);
		expect(readMeeting(m2.doc).participants.map((p) => [p.name, p.role])).toEqual([
			['Magnus Gyllestad', 'chair'],
			['Camilla Broo', 'member'],
			['Helene Olofsson', 'secretary']
		]);
		expect(readOutstanding(m2.doc).map((e) => e.key)).toEqual([`assignment:meeting-1:${a1}`, `tabled:meeting-1:${t1}`]);
		closeOutstanding(m2.doc, `tabled:meeting-1:${t1}`, { resolution: 'Beslutades under punkt 4' });
		const m2Rufs = addItem(m2.doc, { title: 'RUFS', index: 3 });
		const a3 = addAssignment(m2.doc, m2Rufs, { text: 'Redigera underlaget', owner: { participantId: participant(m2.doc, 'Helene Olofsson') }, dueText: 'september' });

		// 3: a3 is marked done afterwards in meeting 2 itself; a new item is tabled.
		const m3 = nextMeeting(group, meetings);
		meetings.push(m3);
		expect(readOutstanding(m3.doc).map((e) => e.key)).toEqual([`assignment:meeting-1:${a1}`, `assignment:meeting-2:${a3}`]);
		setAssignmentStatus(m2.doc, m2Rufs, a3, 'done');
		const m3Konferens = addItem(m3.doc, { title: 'Södertörnskonferensen', index: 3 });
		const t2 = tableItem(m3.doc, m3Konferens, { destination: { kind: 'extra_meeting', date: null } });

		// 4: a new assignment for Camilla.
		const m4 = nextMeeting(group, meetings);
		meetings.push(m4);
		const m4Item = addItem(m4.doc, { title: 'Samordnad varudistribution', index: 3 });
		const a4 = addAssignment(m4.doc, m4Item, { text: 'Ta fram en tidplan', owner: { participantId: participant(m4.doc, 'Camilla Broo') }, dueDate: '2023-09-01' });

		// 5: the outstanding list shows the right origins and ages.
		const m5 = nextMeeting(group, meetings);
		meetings.push(m5);
		const outstanding = readOutstanding(m5.doc);
		const outstandingItemId = itemByTitle(m5.doc, 'Föregående möten / utestående ärenden');
		expect(
			outstanding.map((e) => [e.origin.kind, e.origin.meetingTitle, e.origin.meetingDate, e.origin.itemNumber, e.origin.itemTitle, e.daysSince, e.meetingsSince])
		).toEqual([
			['assignment', 'Ledningsgruppen 1', '2023-03-10', '4', 'Rekrytering strateg', 195, 4],
			['tabled', 'Ledningsgruppen 3', '2023-05-12', '4', 'Södertörnskonferensen', 132, 2],
			['assignment', 'Ledningsgruppen 4', '2023-06-09', '4', 'Samordnad varudistribution', 104, 1]
		]);
		expect(outstanding.every((e) => e.itemId === outstandingItemId && e.status === 'open')).toBe(true);
		expect(outstanding[0].origin.owner).toEqual({ name: 'Magnus Gyllestad', organisation: 'Haninge' });
		expect(outstanding[1].origin.sourceId).toBe(t2);
		expect(outstanding[2].origin.dueDate).toBe('2023-09-01');

		// Closing in meeting 5 and on the group's page updates the group's list.
		closeOutstanding(m5.doc, outstandingKey(outstanding[0].origin), { now: '2023-09-21T09:00:00Z' });
		closeInGroup(group, `assignment:meeting-4:${a4}`, { now: '2023-09-22T10:00:00Z' });
		const matters = deriveMatters(meetings, readGroup(group), { asOf: '2023-09-21' });
		expect(matters.map((m) => [m.key, m.status, m.closedIn])).toEqual([
			[`assignment:meeting-1:${a1}`, 'done', { kind: 'meeting', meetingId: 'meeting-5' }],
			[`assignment:meeting-1:${a2}`, 'done', { kind: 'origin', meetingId: 'meeting-1' }],
			[`tabled:meeting-1:${t1}`, 'done', { kind: 'meeting', meetingId: 'meeting-2' }],
			[`assignment:meeting-2:${a3}`, 'done', { kind: 'origin', meetingId: 'meeting-2' }],
			[`tabled:meeting-3:${t2}`, 'open', null],
			[`assignment:meeting-4:${a4}`, 'done', { kind: 'group' }]
		]);
		expect(matters[0].carriedInto).toEqual(['meeting-2', 'meeting-3', 'meeting-4', 'meeting-5']);
		expect(openMatters(matters).map((o) => o.sourceId)).toEqual([t2]);

		// The assignment list: filters and CSV.
		expect(groupAssignments(matters).map((m) => m.origin.text)).toEqual([
			'Kolla Södertäljes avtal',
			'Boka lokal',
			'Redigera underlaget',
			'Ta fram en tidplan'
		]);
		expect(groupAssignments(matters, { owner: 'helene' }).map((m) => m.origin.sourceId)).toEqual([a3]);
		expect(groupAssignments(matters, { organisation: 'huddinge', status: 'done' }).map((m) => m.origin.sourceId)).toEqual([a4]);
		expect(groupAssignments(matters, { status: 'open' })).toEqual([]);
		expect(ownerOrganisations(matters)).toEqual(['Haninge', 'Huddinge', 'Södertörnskommunerna']);
		const csv = assignmentsCsv(
			groupAssignments(matters, { owner: 'Magnus' }),
			{ meeting: 'Möte', date: 'Datum', item: 'Punkt', assignment: 'Uppdrag', owner: 'Ansvarig', organisation: 'Organisation', due: 'Klart senast', status: 'Status', closedAt: 'Avslutat' },
			(s) => (s === 'done' ? 'Klart' : 'Öppet')
		);
		expect(csv).toBe(
			'\uFEFFMöte,Datum,Punkt,Uppdrag,Ansvarig,Organisation,Klart senast,Status,Avslutat\r\n' +
				'Ledningsgruppen 1,2023-03-10,4 Rekrytering strateg,Kolla Södertäljes avtal,Magnus Gyllestad,Haninge,,Klart,2023-09-21\r\n'
		);
		expect(['Att "Rickard" kontaktar Meeri, sedan Anna', 'rad 1\nrad 2', 7, null].map(csvField)).toEqual([
			'"Att ""Rickard"" kontaktar Meeri, sedan Anna"',
			'"rad 1\nrad 2"',
			'7',
			''
		]);
	});

	it('a matter taken back in its origin meeting disappears from the list and is not carried', () => {
		const group = newGroup();
		const m1 = nextMeeting(group, []);
		const item = addItem(m1.doc, { title: 'Rekrytering' });
		const a = addAssignment(m1.doc, item, { text: 'Ringa' });
		const m2 = nextMeeting(group, [m1]);
		expect(readOutstanding(m2.doc)).toHaveLength(1);
		removeAssignment(m1.doc, item, a);
		expect(deriveMatters([m1, m2], readGroup(group))).toEqual([]);
		// Without the origin meeting on the device, the carried entry still tells of the matter.
		expect(deriveMatters([m2], readGroup(group)).map((m) => m.origin.sourceId)).toEqual([a]);
	});

	it('searches titles, notes and decisions, case-insensitively', () => {
		const group = newGroup();
		const m1 = nextMeeting(group, []);
		const item = addItem(m1.doc, { title: 'Samordnad varudistribution', notes: 'Avtalet med Widriksson Åkeri AB kan förlängas.' });
		const m2 = nextMeeting(group, [m1]);
		const hits = searchMeetings([m1, m2], 'åkeri');
		expect(hits.map((h) => [h.meetingId, h.field, h.itemNumber])).toEqual([['meeting-1', 'notes', '6']]);
		expect(hits[0].excerpt).toContain('Widriksson Åkeri AB');
		expect(searchMeetings([m1, m2], 'ledningsgruppen').map((h) => h.meetingId)).toEqual(['meeting-2', 'meeting-1']);
		expect(searchMeetings([m1], 'a')).toEqual([]);
		expect(item).toBeTruthy();
	});

	it('carries every item of "the rest of the agenda" to the next meeting, each with its origin', () => {
		const group = newGroup();
		const meetings: GroupMeetingDoc[] = [];
		const m1 = nextMeeting(group, meetings);
		meetings.push(m1);
		const rest = ['Lokalfrågan', 'Rekrytering strateg'].map((title) => addItem(m1.doc, { title }));
		tableRestOfAgenda(m1.doc, { destination: { kind: 'extra_meeting', date: '2023-04-06', time: '19:00' } });
		const m2 = nextMeeting(group, meetings);
		const carried = readOutstanding(m2.doc).filter((entry) => entry.origin.kind === 'tabled');
		expect(rest.every((id) => readMeeting(m1.doc).agenda.find((i) => i.id === id)?.status === 'tabled')).toBe(true);
		expect(carried.map((entry) => entry.origin.itemTitle)).toEqual(expect.arrayContaining(['Lokalfrågan', 'Rekrytering strateg']));
	});
});
