/**
 * Meeting groups through the real server process: five chained meetings written by
 * real y-websocket clients, concurrent "create the next meeting" (one process and two
 * processes on one database), access with the group's token, matters and search.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	addAssignment,
	addItem,
	addParticipant,
	closeOutstanding,
	readMeeting,
	readOutstanding,
	setHeader,
	tableItem
} from '../../src/lib/meeting/index.ts';
import { readGroup, type GroupMatter } from '../../src/lib/groups/index.ts';
import { type Client, type ServerProcess, connectClient, createMeeting, startServerProcess, tempDir, upgradeStatus, waitFor } from './helpers.ts';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(dataDir = tempDir()): Promise<ServerProcess> {
	const started = await startServerProcess({ dataDir });
	cleanup.push(() => started.stop());
	return started;
}

interface GroupMeetingJson {
	id: string;
	sequence: number;
	title: string;
	date: string | null;
	created?: boolean;
}

async function api<T>(origin: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
	const res = await fetch(`${origin}${path}`, {
		method: body === undefined ? 'GET' : 'POST',
		headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, body: (await res.json()) as T };
}

async function createGroup(origin: string) {
	const { status, body } = await api<{ id: string; token: string; url: string }>(origin, '/api/groups', null, {
		name: 'Södertörnskommunernas ledningsgrupp',
		roster: [
			{ name: 'Magnus Gyllestad', organisation: 'Haninge', role: 'chair' },
			{ name: 'Camilla Broo', organisation: 'Huddinge' },
			{ name: 'Helene Olofsson', organisation: 'Södertörnskommunerna', role: 'secretary' }
		]
	});
	expect(status).toBe(201);
	return body;
}

/** Opens a document over the real sync endpoint, lets `edit` change it and waits until the server stored it. */
async function edit(origin: string, id: string, token: string, change: (doc: Y.Doc) => void): Promise<void> {
	const client: Client = connectClient(origin, id, token);
	try {
		await client.synced();
		change(client.doc);
		await waitFor(() => client.allSaved(), 'edits saved');
	} finally {
		client.destroy();
	}
}

async function read<T>(origin: string, id: string, token: string, reader: (doc: Y.Doc) => T): Promise<T> {
	const client = connectClient(origin, id, token);
	try {
		await client.synced();
		return reader(client.doc);
	} finally {
		client.destroy();
	}
}

const byTitle = (doc: Y.Doc, title: string) => readMeeting(doc).agenda.find((i) => i.title === title)!.id;

describe('meeting groups through the server', () => {
	it('five chained meetings: the fifth lists every open matter once, with origin and age', async () => {
		const srv = await server();
		const group = await createGroup(srv.origin);
		expect(group.url).toBe(`${srv.origin}/g/${group.id}#token=${group.token}`);
		expect(await read(srv.origin, group.id, group.token, (doc) => readGroup(doc).roster.map((m) => m.name))).toEqual([
			'Magnus Gyllestad',
			'Camilla Broo',
			'Helene Olofsson'
		]);

		const dates = ['2023-03-10', '2023-04-14', '2023-05-12', '2023-06-09', '2023-09-21'];
		const meetings: GroupMeetingJson[] = [];
		const createNext = () =>
			api<GroupMeetingJson>(srv.origin, `/api/groups/${group.id}/meetings`, group.token, {
				after: meetings.at(-1)?.id ?? null,
				...(meetings.length === 0 ? { date: dates[0], startTime: '09:45' } : {})
			});

		// Meeting 1: an assignment and a tabled item; the next meeting's date in the header.
		const first = await createNext();
		expect(first.status).toBe(201);
		meetings.push(first.body);
		await edit(srv.origin, first.body.id, group.token, (doc) => {
			const item = addItem(doc, { title: 'Rekrytering strateg', index: 3 });
			addAssignment(doc, item, { text: 'Kolla Södertäljes avtal', owner: { name: 'Rickard Sundbom' } });
			tableItem(doc, addItem(doc, { title: 'Verksamhetsplan', index: 4 }), { destination: { kind: 'next_meeting' } });
			setHeader(doc, { nextMeeting: { date: dates[1], time: '09:45', place: 'Norrskogen' } });
		});

		for (let n = 2; n <= 5; n++) {
			const res = await createNext();
			expect(res.status).toBe(201);
			meetings.push(res.body);
			const { id } = res.body;
			await edit(srv.origin, id, group.token, (doc) => {
				if (n === 2) closeOutstanding(doc, readOutstanding(doc).find((e) => e.origin.kind === 'tabled')!.key);
				if (n === 3) tableItem(doc, addItem(doc, { title: 'Södertörnskonferensen', index: 3 }), { destination: { kind: 'unspecified' } });
				if (n === 4) {
					const item = addItem(doc, { title: 'Samordnad varudistribution', index: 3 });
					addAssignment(doc, item, { text: 'Ta fram en tidplan', owner: { name: 'Camilla Broo' }, dueDate: '2023-09-01' });
				}
				if (n < 5) setHeader(doc, { nextMeeting: { date: dates[n], time: '09:45', place: 'Norrskogen' } });
			});
		}
		expect(meetings.map((m) => [m.sequence, m.date])).toEqual(dates.map((d, i) => [i + 1, d]));

		const fifth = await read(srv.origin, meetings[4].id, group.token, (doc) => ({
			view: readMeeting(doc),
			outstanding: readOutstanding(doc),
			outstandingItem: byTitle(doc, 'Föregående möten / utestående ärenden')
		}));
		expect([fifth.view.header.date, fifth.view.header.startTime, fifth.view.header.place]).toEqual(['2023-09-21', '09:45', 'Norrskogen']);
		expect(fifth.view.participants.map((p) => p.name)).toEqual(['Magnus Gyllestad', 'Camilla Broo', 'Helene Olofsson']);
		expect(fifth.view.agenda.map((i) => i.title)).toEqual([
			'Välkommen',
			'Val av justerare',
			'Föregående möten / utestående ärenden',
			'Övriga frågor',
			'Nästa möte'
		]);
		expect(
			fifth.outstanding.map((e) => [e.origin.kind, e.origin.meetingId, e.origin.meetingDate, e.origin.itemNumber, e.origin.itemTitle, e.daysSince, e.meetingsSince, e.itemId])
		).toEqual([
			['assignment', meetings[0].id, '2023-03-10', '4', 'Rekrytering strateg', 195, 4, fifth.outstandingItem],
			['tabled', meetings[2].id, '2023-05-12', '4', 'Södertörnskonferensen', 132, 2, fifth.outstandingItem],
			['assignment', meetings[3].id, '2023-06-09', '4', 'Samordnad varudistribution', 104, 1, fifth.outstandingItem]
		]);

		// Closing one in the fifth meeting updates the group's list.
		await edit(srv.origin, meetings[4].id, group.token, (doc) => closeOutstanding(doc, readOutstanding(doc)[0].key));
		const { body: list } = await api<{ matters: GroupMatter[] }>(srv.origin, `/api/groups/${group.id}/matters`, group.token);
		expect(list.matters.map((m) => [m.origin.kind, m.origin.meetingId, m.status])).toEqual([
			['assignment', meetings[0].id, 'done'],
			['tabled', meetings[0].id, 'done'],
			['tabled', meetings[2].id, 'open'],
			['assignment', meetings[3].id, 'open']
		]);

		const { body: group5 } = await api<{ meetings: GroupMeetingJson[]; role: string }>(srv.origin, `/api/groups/${group.id}`, group.token);
		expect(group5.role).toBe('organiser');
		expect(group5.meetings.map((m) => m.id)).toEqual(meetings.map((m) => m.id));

		const { body: search } = await api<{ hits: { meetingId: string; field: string }[] }>(
			srv.origin,
			`/api/groups/${group.id}/search?q=${encodeURIComponent('södertörnskonferensen')}`,
			group.token
		);
		expect(search.hits.map((h) => [h.meetingId, h.field])).toEqual([[meetings[2].id, 'item']]);
	});

	it('concurrent requests for the next meeting create it once, also from two server processes', async () => {
		const dataDir = tempDir();
		const [one, two] = [await server(dataDir), await server(dataDir)];
		const group = await createGroup(one.origin);
		const post = (srv: ServerProcess, after: string | null) =>
			api<GroupMeetingJson>(srv.origin, `/api/groups/${group.id}/meetings`, group.token, { after, date: '2023-03-10' });

		const firsts = await Promise.all([one, two, one, two, one, two].map((srv) => post(srv, null)));
		expect(new Set(firsts.map((r) => r.body.id)).size).toBe(1);
		expect(firsts.filter((r) => r.status === 201)).toHaveLength(1);
		expect(firsts.filter((r) => r.status === 200).every((r) => r.body.created === false)).toBe(true);

		const seconds = await Promise.all([one, two, one, two].map((srv) => post(srv, firsts[0].body.id)));
		expect(new Set(seconds.map((r) => r.body.id)).size).toBe(1);
		expect(seconds.filter((r) => r.status === 201)).toHaveLength(1);
		expect(seconds[0].body.sequence).toBe(2);

		// A stale page asking again for "the meeting after the first" gets the same one.
		const stale = await post(two, firsts[0].body.id);
		expect([stale.status, stale.body.id]).toEqual([200, seconds[0].body.id]);
		const { body } = await api<{ meetings: GroupMeetingJson[] }>(one.origin, `/api/groups/${group.id}`, group.token);
		expect(body.meetings.map((m) => m.sequence)).toEqual([1, 2]);
		// Each meeting's document holds the template once.
		const agenda = await read(one.origin, seconds[0].body.id, group.token, (doc) => readMeeting(doc).agenda.map((i) => i.title));
		expect(agenda).toHaveLength(5);
	});

	it('access: the group token opens its meetings; others are refused', async () => {
		const srv = await server();
		const group = await createGroup(srv.origin);
		const other = await createMeeting(srv.origin, 'Annat möte');
		const { body: meeting } = await api<GroupMeetingJson>(srv.origin, `/api/groups/${group.id}/meetings`, group.token, { after: null });

		expect((await api(srv.origin, `/api/meetings/${meeting.id}`, group.token)).body).toMatchObject({ id: meeting.id, role: 'organiser' });
		expect((await api(srv.origin, `/api/meetings/${other.id}`, group.token)).status).toBe(401);
		expect((await api(srv.origin, `/api/groups/${group.id}`, other.token)).status).toBe(401);
		expect((await api(srv.origin, `/api/meetings/${meeting.id}`, other.token)).status).toBe(401);
		expect((await api(srv.origin, `/api/groups/${group.id}`, null)).status).toBe(401);
		expect((await api(srv.origin, `/api/groups/${other.id}`, other.token)).status).toBe(404);
		expect((await api(srv.origin, '/api/groups/not-an-id', group.token)).status).toBe(400);
		const ws = srv.origin.replace(/^http/, 'ws');
		expect(await upgradeStatus(`${ws}/sync/${meeting.id}?token=${group.token}`)).toBe(101);
		expect(await upgradeStatus(`${ws}/sync/${group.id}?token=${other.token}`)).toBe(401);

		const invited = await api<{ token: string; role: string }>(srv.origin, `/api/groups/${group.id}/invitations`, group.token, {
			role: 'observer',
			label: 'Revisor'
		});
		expect(invited.status).toBe(201);
		expect((await api(srv.origin, `/api/groups/${group.id}/meetings`, invited.body.token, { after: meeting.id })).status).toBe(403);
		expect((await api(srv.origin, `/api/groups/${group.id}/invitations`, invited.body.token, { role: 'member' })).status).toBe(403);
		expect((await api(srv.origin, `/api/meetings/${meeting.id}`, invited.body.token)).body).toMatchObject({ role: 'observer' });

		expect((await api(srv.origin, '/api/groups', null, { name: ' ' })).status).toBe(400);
		expect((await api(srv.origin, `/api/groups/${group.id}/meetings`, group.token, { after: other.id })).status).toBe(400);
		expect((await api(srv.origin, `/api/groups/${group.id}/meetings`, group.token, { after: meeting.id, date: '9 juni' })).status).toBe(400);
	});

	it("people-sources: a meeting's runner takes the group's roster and the previous meeting's participants; others are refused", async () => {
		const srv = await server();
		const group = await createGroup(srv.origin);
		const { body: first } = await api<GroupMeetingJson>(srv.origin, `/api/groups/${group.id}/meetings`, group.token, { after: null });
		await edit(srv.origin, first.id, group.token, (doc) => addParticipant(doc, { name: 'Eva Lund', role: 'presenter', email: 'eva.lund@vision.se' }));
		const { body: second } = await api<GroupMeetingJson>(srv.origin, `/api/groups/${group.id}/meetings`, group.token, { after: first.id });

		type Sources = { group: { name: string; role: string }[]; previous: { name: string; role: string; email: string | null }[] };
		const { status, body } = await api<Sources>(srv.origin, `/api/meetings/${second.id}/people-sources`, group.token);
		expect(status).toBe(200);
		expect(body.group.map((p) => [p.name, p.role])).toEqual([
			['Magnus Gyllestad', 'chair'],
			['Camilla Broo', 'member'],
			['Helene Olofsson', 'secretary']
		]);
		expect(body.previous.find((p) => p.name === 'Eva Lund')).toEqual({ name: 'Eva Lund', organisation: null, role: 'presenter', email: 'eva.lund@vision.se' });
		// The first meeting has no previous one.
		expect((await api<Sources>(srv.origin, `/api/meetings/${first.id}/people-sources`, group.token)).body.previous).toEqual([]);

		const member = await api<{ token: string }>(srv.origin, `/api/meetings/${second.id}/invitations`, group.token, { name: 'Camilla Broo', role: 'member' });
		expect((await api(srv.origin, `/api/meetings/${second.id}/people-sources`, member.body.token)).status).toBe(403);
		expect((await api(srv.origin, `/api/meetings/${second.id}/people-sources`, null)).status).toBe(401);
		const alone = await createMeeting(srv.origin, 'Utan grupp');
		expect((await api(srv.origin, `/api/meetings/${alone.id}/people-sources`, alone.token)).body).toEqual({ group: [], previous: [] });
	});
});
