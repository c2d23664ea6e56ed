/**
 * Confidential items against the real server process (SQLite, and PostgreSQL with two
 * instances and the Redis fan-out): an observer's websocket never carries a confidential
 * item's notes — neither written after marking nor written before it and moved —, nor can it
 * open the confidential part; a member reads and writes them through the part; a hand-made
 * update writing them into the meeting document is refused; the part survives a restart.
 */
import Database from 'better-sqlite3';
import path from 'node:path';
import WebSocket from 'ws';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addProposition, attachConfidentialPart, castBallot, getItemNotes, itemContentOf, openVote, readDecisionRounds, readPropositions, setItemConfidential, setItemNotes } from '../../src/lib/meeting/index.ts';
import { CLOSE, MESSAGE_SYNC } from '../../src/lib/protocol/index.ts';
import { buildFormalMeeting } from '../fixtures/formal-meeting.ts';
import { invite } from './access-helpers.ts';
import { type Client, connectClient, connectRawSyncClient, createMeeting, serverPerSuite, startServerProcess, upgradeStatus, waitFor } from './helpers.ts';
import { startInstance, useCleanup } from './multi-helpers.ts';
import { servicesAvailable, TEST_REDIS_URL } from './services.ts';

const BEFORE = 'Läkarintyget visar utmattningssyndrom';
const AFTER = 'Rehabiliteringsplanen omfattar sex månader';
const PROPOSAL = 'Anställningen avslutas med omedelbar verkan';
const MOTION = 'Ärendet återremitteras till förvaltningen';
const LATER = 'Yrkande om avstängning under utredningen';
const PART = (meetingId: string) => `${meetingId}/confidential`;

/** Every frame the server sends one raw websocket, after asking for the whole document. */
interface Recorder {
	frames: Buffer[];
	closed: Promise<number>;
	close(): void;
}

async function recordFrames(origin: string, meetingId: string, token: string): Promise<Recorder> {
	const socket = new WebSocket(`${origin.replace(/^http/, 'ws')}/sync/${meetingId}?token=${token}`);
	const frames: Buffer[] = [];
	socket.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
	const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
	await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	syncProtocol.writeSyncStep1(encoder, new Y.Doc());
	socket.send(encoding.toUint8Array(encoder));
	return { frames, closed, close: () => socket.close() };
}

const carries = (frames: Buffer[], text: string) => frames.some((frame) => frame.includes(Buffer.from(text)));

interface Side {
	main: Client;
	part: Client;
}

/** A client of the meeting and one of its confidential part, the part attached as the app's session does. */
async function openBoth(origin: string, meetingId: string, token: string, track: (client: Client) => void): Promise<Side> {
	const main = connectClient(origin, meetingId, token);
	const part = connectClient(origin, PART(meetingId), token);
	track(main);
	track(part);
	attachConfidentialPart(main.doc, part.doc);
	await Promise.all([main.synced(), part.synced()]);
	return { main, part };
}

async function saved(...clients: Client[]): Promise<void> {
	await waitFor(() => clients.every((client) => client.allSaved()), 'stored');
}

/**
 * The scenario on `a` (the organiser's instance) and `b` (everyone else's; the same one for
 * SQLite): returns what a restart test needs.
 */
async function scenario(a: string, b: string, track: (client: Client) => void) {
	const meeting = await createMeeting(a, 'Byggnadsnämnden', { sample: false });
	const organiser = await openBoth(a, meeting.id, meeting.token, track);
	const formal = buildFormalMeeting();
	Y.applyUpdate(organiser.main.doc, Y.encodeStateAsUpdate(formal.doc));
	const itemId = formal.items.personal;
	await waitFor(() => organiser.main.doc.getMap('items').has(itemId), 'meeting written');
	// Written while the item is public, then marked: the notes move into the part.
	setItemNotes(organiser.main.doc, itemId, BEFORE);
	// Propositions, a named vote and a file, written while public.
	const yes = addProposition(organiser.main.doc, itemId, { kind: 'original', text: PROPOSAL });
	const no = addProposition(organiser.main.doc, itemId, { kind: 'motion', text: MOTION });
	const round = openVote(organiser.main.doc, itemId, { method: 'open', yesPropositionId: yes, noPropositionId: no });
	castBallot(organiser.main.doc, round, formal.members[1], 'abstain');
	setItemConfidential(organiser.main.doc, itemId, 'OSL 39 kap. 3 §');
	getItemNotes(organiser.main.doc, itemId).insert(BEFORE.length, `. ${AFTER}`);
	// Written after marking: into the part.
	addProposition(organiser.main.doc, itemId, { kind: 'motion', text: LATER });
	const inMain = (root: string) => [...organiser.main.doc.getMap<{ itemId?: string }>(root).values()].filter((entry) => entry.itemId === itemId);
	expect([...inMain('propositions'), ...inMain('votes')]).toEqual([]);
	expect(organiser.main.doc.getMap('ballots').size).toBe(0);
	await saved(organiser.main, organiser.part);

	const observer = await invite(a, meeting, { name: 'Åhörare', role: 'observer' });
	const guest = await invite(a, meeting, { name: 'Gäst', role: 'guest' });
	const member = await invite(a, meeting, { name: 'Ledamot', role: 'member' });
	const ws = (token: string, part = true) => `${b.replace(/^http/, 'ws')}/sync/${part ? PART(meeting.id) : meeting.id}?token=${token}`;
	expect(await upgradeStatus(ws(observer.token))).toBe(403);
	expect(await upgradeStatus(ws(guest.token))).toBe(403);
	expect(await upgradeStatus(ws(member.token))).toBe(101);

	// The observer's socket, from the first frame on.
	const watching = await recordFrames(b, meeting.id, observer.token);
	const reader = await openBoth(b, meeting.id, member.token, track);
	await waitFor(() => itemContentOf(reader.main.doc, itemId)?.get('notes')?.toString() === `${BEFORE}. ${AFTER}`, 'the member reads the notes');
	await waitFor(() => readPropositions(reader.main.doc, itemId).length === 3, 'the member reads the propositions');
	expect(readPropositions(reader.main.doc, itemId).map((p) => p.text)).toEqual([PROPOSAL, MOTION, LATER]);
	expect(readDecisionRounds(reader.main.doc, itemId)[0]?.ballots.map((b) => b.choice)).toEqual(['abstain']);
	// Written live by the member, through the part.
	getItemNotes(reader.main.doc, itemId).insert(0, 'Sekretessbelagt tillägg. ');
	await saved(reader.part);
	await waitFor(() => getItemNotes(organiser.main.doc, itemId).toString().startsWith('Sekretessbelagt tillägg.'), 'the organiser sees the member write');
	// A public change after it, so the observer has surely been sent everything before.
	organiser.main.doc.getMap<Y.Map<unknown>>('items').get(formal.items.justerare)?.set('title', 'Val av justerare och tid');
	await waitFor(() => carries(watching.frames, 'Val av justerare och tid'), 'the observer receives public changes');
	expect(carries(watching.frames, 'Personalärende')).toBe(true);
	expect(carries(watching.frames, 'OSL 39 kap. 3 §')).toBe(true);
	for (const text of [BEFORE, AFTER, 'Sekretessbelagt tillägg', PROPOSAL, MOTION, LATER, '"abstain"']) expect(carries(watching.frames, text), text).toBe(false);

	// A member's hand-made update writing into the item's notes in the meeting document: refused, connection closed.
	const raw = await connectRawSyncClient(b, { id: meeting.id, token: member.token });
	const fork = new Y.Doc();
	Y.applyUpdate(fork, Y.encodeStateAsUpdate(reader.main.doc));
	const vector = Y.encodeStateVector(fork);
	(fork.getMap<Y.Map<unknown>>('items').get(itemId)?.get('notes') as Y.Text).insert(0, 'Läckt till åhörarna');
	const refused = new Promise<number>((resolve) => raw.socket.on('close', (code) => resolve(code)));
	raw.send(Y.encodeStateAsUpdate(fork, vector));
	expect(await refused).toBe(CLOSE.FORBIDDEN);
	expect(raw.notices.map((notice) => notice.code)).toContain('forbidden');
	// The organiser's hand-made update writing a proposition of the item into the meeting document: refused too.
	const crafted = await connectRawSyncClient(b, { id: meeting.id, token: meeting.token });
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(organiser.main.doc));
	const state = Y.encodeStateVector(copy);
	copy.getMap('propositions').set('Pa8Xr0kLm2Qw9Zt4', { ...(copy.getMap('propositions').get(formal.original) as object), itemId, text: 'Läckt yrkande' });
	const refusedProposition = new Promise<number>((resolve) => crafted.socket.on('close', (code) => resolve(code)));
	crafted.send(Y.encodeStateAsUpdate(copy, state));
	expect(await refusedProposition).toBe(CLOSE.FORBIDDEN);
	await new Promise((resolve) => setTimeout(resolve, 300));
	expect(carries(watching.frames, 'Läckt till åhörarna')).toBe(false);
	expect(carries(watching.frames, 'Läckt yrkande')).toBe(false);
	watching.close();
	return { meeting, itemId, member };
}

describe('confidential items (SQLite)', () => {
	const suite = serverPerSuite();

	it('never sends an observer their content, refuses it in the meeting document, and keeps the part across a restart', async () => {
		const { meeting, itemId, member } = await scenario(suite.server.origin, suite.server.origin, suite.keep);
		// A group's document has no confidential part.
		const group = await fetch(`${suite.server.origin}/api/groups`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ name: 'Ledningsgruppen', roster: [{ name: 'Anna Andersson', role: 'chair' }] })
		});
		expect(group.status).toBe(201);
		const created = (await group.json()) as { id: string; token: string };
		expect(await upgradeStatus(`${suite.server.origin.replace(/^http/, 'ws')}/sync/${PART(created.id)}?token=${created.token}`)).toBe(404);
		for (const c of suite.clients.splice(0)) c.destroy();
		await suite.server.stop();
		suite.server = await startServerProcess({ dataDir: suite.dataDir });
		const reader = await openBoth(suite.server.origin, meeting.id, member.token, suite.keep);
		expect(getItemNotes(reader.main.doc, itemId).toString()).toBe(`Sekretessbelagt tillägg. ${BEFORE}. ${AFTER}`);

		// Approved (frozen here directly), then corrected: the new version has its own copy of the part.
		for (const c of suite.clients.splice(0)) c.destroy();
		await suite.server.stop();
		const db = new Database(path.join(suite.dataDir, 'motesrum.db'));
		db.prepare('UPDATE meetings SET frozen_at = ? WHERE id = ?').run(new Date().toISOString(), meeting.id);
		db.close();
		suite.server = await startServerProcess({ dataDir: suite.dataDir });
		const response = await fetch(`${suite.server.origin}/api/meetings/${meeting.id}/correction`, { method: 'POST', headers: { authorization: `Bearer ${meeting.token}` } });
		expect(response.status).toBe(201);
		const next = (await response.json()) as { id: string; token: string };
		const corrected = await openBoth(suite.server.origin, next.id, next.token, suite.keep);
		expect(getItemNotes(corrected.main.doc, itemId).toString()).toBe(`Sekretessbelagt tillägg. ${BEFORE}. ${AFTER}`);
	});
});

describe('a secret vote on a confidential item (SQLite)', () => {
	const suite = serverPerSuite();

	const post = (url: string, token: string, body?: unknown) =>
		fetch(`${suite.server.origin}${url}`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body)
		});

	it('is cast and counted through the suite.server in the part, and the observer sees neither the round nor its count', async () => {
		const meeting = await createMeeting(suite.server.origin, 'Byggnadsnämnden', { sample: false });
		const organiser = await openBoth(suite.server.origin, meeting.id, meeting.token, suite.keep);
		const formal = buildFormalMeeting();
		Y.applyUpdate(organiser.main.doc, Y.encodeStateAsUpdate(formal.doc));
		const itemId = formal.items.personal;
		setItemConfidential(organiser.main.doc, itemId, 'OSL 39 kap. 3 §');
		const yes = addProposition(organiser.main.doc, itemId, { kind: 'original', text: PROPOSAL });
		const no = addProposition(organiser.main.doc, itemId, { kind: 'motion', text: MOTION });
		const roundId = openVote(organiser.main.doc, itemId, { method: 'closed', yesPropositionId: yes, noPropositionId: no });
		await saved(organiser.main, organiser.part);
		const observer = await invite(suite.server.origin, meeting, { name: 'Åhörare', role: 'observer' });
		const watching = await recordFrames(suite.server.origin, meeting.id, observer.token);
		const voter = await invite(suite.server.origin, meeting, { name: 'Ledamot', role: 'member', participantId: formal.members[1] });
		const ballot = `/api/meetings/${meeting.id}/votes/${roundId}/ballot`;
		expect((await post(ballot, voter.token, { choice: 'no' })).status).toBe(200);
		expect((await post(ballot, voter.token, { choice: 'yes' })).status).toBe(409);
		await waitFor(() => readDecisionRounds(organiser.main.doc, itemId)[0]?.voted.length === 1, 'the organiser sees who has voted');
		expect((await post(`/api/meetings/${meeting.id}/votes/${roundId}/close`, meeting.token)).status).toBe(200);
		await waitFor(() => readDecisionRounds(organiser.main.doc, itemId)[0]?.status === 'closed', 'the organiser sees the count');
		const [round] = readDecisionRounds(organiser.main.doc, itemId);
		expect(round.counts).toMatchObject({ yes: 0, no: 1, abstain: 0 });
		expect(round.winnerPropositionId).toBe(no);
		for (const root of ['votes', 'secretVoted', 'secretTallies']) expect(organiser.main.doc.getMap(root).size, root).toBe(0);
		// A public change after it, so the observer has surely been sent everything before.
		organiser.main.doc.getMap<Y.Map<unknown>>('items').get(formal.items.justerare)?.set('title', 'Val av justerare och tid');
		await waitFor(() => carries(watching.frames, 'Val av justerare och tid'), 'the observer receives public changes');
		for (const text of [PROPOSAL, MOTION, roundId]) expect(carries(watching.frames, text), text).toBe(false);
		watching.close();
	});
});

const services = (await servicesAvailable('confidential.test.ts', 'postgres')) && (await servicesAvailable('confidential.test.ts', 'redis'));
const { cleanup, database } = useCleanup();

describe.skipIf(!services)('confidential items on two instances (PostgreSQL, Redis)', () => {
	it('fans the part out between instances, never to an observer, and keeps it across a restart', async () => {
		const schema = await database();
		const options = { databaseUrl: schema.url, redisUrl: TEST_REDIS_URL };
		const a = await startInstance(options, cleanup);
		const b = await startInstance(options, cleanup);
		const track = (c: Client) => cleanup.push(() => c.destroy());
		const { meeting, itemId, member } = await scenario(a.origin, b.origin, track);
		await a.stop();
		await b.stop();
		const c = await startInstance(options, cleanup);
		const reader = await openBoth(c.origin, meeting.id, member.token, track);
		expect(getItemNotes(reader.main.doc, itemId).toString()).toBe(`Sekretessbelagt tillägg. ${BEFORE}. ${AFTER}`);
	});
});
