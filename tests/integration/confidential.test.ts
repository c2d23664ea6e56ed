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
import { createHash } from 'node:crypto';
import {
	addAttachment,
	addProposition,
	admitHands,
	attachConfidentialPart,
	castBallot,
	getItemNotes,
	giveFloor,
	itemContentOf,
	openVote,
	raiseHand,
	readAttachments,
	readDecisionRounds,
	readPropositions,
	readSpeakerList,
	setItemConfidential,
	setItemConflict,
	setItemNotes
} from '../../src/lib/meeting/index.ts';
import { readItemConflicts } from '../../src/lib/meeting/quorum.ts';
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
const FILE = 'Utredning rehabilitering Svensson.pdf';
const JAV = 'Jävig: gift med den anställde';
const JAV_LATER = 'Jävig: närstående till den anställdes chef';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('konfidentiell utredning '.repeat(20))]);
/** The item roots that must hold nothing of a confidential item in the meeting document. */
const ITEM_ROOTS = ['hands', 'speakerQueue', 'speeches', 'itemConflicts', 'attachments', 'propositions', 'votes', 'ballots', 'secretVoted', 'secretTallies'];

async function api(origin: string, method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
	const raw = body instanceof Uint8Array;
	const res = await fetch(`${origin}${url}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : raw ? new Blob([new Uint8Array(body)]) : JSON.stringify(body)
	});
	const text = await res.text();
	return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : null };
}

/** Uploads a PDF through the API (origin `origin`) and returns its hash. */
async function upload(origin: string, meeting: { id: string; token: string }, bytes: Buffer): Promise<string> {
	const started = await api(origin, 'POST', `/api/meetings/${meeting.id}/uploads`, meeting.token, { name: FILE, type: 'application/pdf', size: bytes.length });
	expect(started.status).toBe(201);
	await api(origin, 'PATCH', `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}`, meeting.token, bytes, { 'upload-offset': '0' });
	const finished = await api(origin, 'POST', `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}/finish`, meeting.token);
	expect(finished.json?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
	return finished.json.sha256 as string;
}

/** The entries of the item roots that name `itemId` (by key, by value, or through one of its rounds) in one document. */
function itemEntries(doc: Y.Doc, itemId: string): string[] {
	const rounds = new Set([...doc.getMap<{ itemId?: string }>('votes').entries()].filter(([, v]) => v?.itemId === itemId).map(([k]) => k));
	return ITEM_ROOTS.flatMap((root) =>
		[...doc.getMap<{ itemId?: string } | null>(root).entries()]
			.filter(([key, value]) => key.startsWith(`${itemId}:`) || value?.itemId === itemId || rounds.has(key.split(':')[0]))
			.map(([key]) => `${root}/${key}`)
	);
}

/** A raw connection (`token`) sends one hand-made update writing into the meeting document what `write` does to a copy of `from`; resolves with the close code. */
async function craft(origin: string, meetingId: string, token: string, from: Y.Doc, write: (copy: Y.Doc) => void): Promise<{ code: number; notices: string[] }> {
	const raw = await connectRawSyncClient(origin, { id: meetingId, token });
	const copy = new Y.Doc();
	Y.applyUpdate(copy, Y.encodeStateAsUpdate(from));
	const vector = Y.encodeStateVector(copy);
	write(copy);
	const closed = new Promise<number>((resolve) => raw.socket.on('close', (code) => resolve(code)));
	raw.send(Y.encodeStateAsUpdate(copy, vector));
	return { code: await closed, notices: raw.notices.map((notice) => notice.code) };
}

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
	// A file, a speaker list (one speaking, one queued) and jäv, written while public.
	const sha256 = await upload(a, meeting, PDF);
	const fileId = addAttachment(organiser.main.doc, itemId, { name: FILE, sha256, size: PDF.length, type: 'application/pdf' });
	raiseHand(organiser.main.doc, itemId, formal.members[2]);
	raiseHand(organiser.main.doc, itemId, formal.members[3], { kind: 'reply' });
	admitHands(organiser.main.doc, itemId);
	giveFloor(organiser.main.doc, itemId, { participantId: formal.members[2] });
	setItemConflict(organiser.main.doc, itemId, formal.members[4], { note: JAV });
	setItemConfidential(organiser.main.doc, itemId, 'OSL 39 kap. 3 §');
	// Marking moved all of it into the part in the same change.
	expect(itemEntries(organiser.main.doc, itemId)).toEqual([]);
	expect(itemEntries(organiser.part.doc, itemId).length).toBeGreaterThanOrEqual(8);
	getItemNotes(organiser.main.doc, itemId).insert(BEFORE.length, `. ${AFTER}`);
	// Written after marking: into the part.
	addProposition(organiser.main.doc, itemId, { kind: 'motion', text: LATER });
	setItemConflict(organiser.main.doc, itemId, formal.members[5], { note: JAV_LATER });
	raiseHand(organiser.main.doc, itemId, formal.members[7]);
	admitHands(organiser.main.doc, itemId);
	const inMain = (root: string) => [...organiser.main.doc.getMap<{ itemId?: string }>(root).values()].filter((entry) => entry.itemId === itemId);
	expect([...inMain('propositions'), ...inMain('votes')]).toEqual([]);
	expect(organiser.main.doc.getMap('ballots').size).toBe(0);
	await saved(organiser.main, organiser.part);

	const observer = await invite(a, meeting, { name: 'Åhörare', role: 'observer' });
	const guest = await invite(a, meeting, { name: 'Gäst', role: 'guest' });
	const member = await invite(a, meeting, { name: 'Ledamot', role: 'member', participantId: formal.members[6] });
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
	// The file, the speaker list and jäv, read from the part.
	expect(readAttachments(reader.main.doc, itemId).map((f) => f.name)).toEqual([FILE]);
	const speakers = readSpeakerList(reader.main.doc, itemId);
	expect(speakers.current?.participantId).toBe(formal.members[2]);
	expect(speakers.queue.map((q) => q.participantId)).toEqual([formal.members[3], formal.members[7]]);
	expect(readItemConflicts(reader.main.doc, itemId).map((c) => c.note)).toEqual([JAV, JAV_LATER]);
	// The file is served from the part's listing: to the member, never to the observer.
	expect((await fetch(`${b}/api/meetings/${meeting.id}/files/${fileId}`, { headers: { authorization: `Bearer ${member.token}` } })).status).toBe(200);
	expect((await fetch(`${b}/api/meetings/${meeting.id}/files/${fileId}`, { headers: { authorization: `Bearer ${observer.token}` } })).status).toBe(403);
	// Live: the member raises their own hand on the item, through the part.
	raiseHand(reader.main.doc, itemId, formal.members[6]);
	await saved(reader.part);
	await waitFor(() => readSpeakerList(organiser.main.doc, itemId).waiting.some((w) => w.participantId === formal.members[6]) || readSpeakerList(organiser.main.doc, itemId).queue.some((q) => q.participantId === formal.members[6]), 'the organiser sees the hand');
	expect(itemEntries(reader.main.doc, itemId)).toEqual([]);
	// Written live by the member, through the part.
	getItemNotes(reader.main.doc, itemId).insert(0, 'Sekretessbelagt tillägg. ');
	await saved(reader.part);
	await waitFor(() => getItemNotes(organiser.main.doc, itemId).toString().startsWith('Sekretessbelagt tillägg.'), 'the organiser sees the member write');
	// A public change after it, so the observer has surely been sent everything before.
	organiser.main.doc.getMap<Y.Map<unknown>>('items').get(formal.items.justerare)?.set('title', 'Val av justerare och tid');
	await waitFor(() => carries(watching.frames, 'Val av justerare och tid'), 'the observer receives public changes');
	expect(carries(watching.frames, 'Personalärende')).toBe(true);
	expect(carries(watching.frames, 'OSL 39 kap. 3 §')).toBe(true);
	// Values written before marking, after it and live; and keys of entries never public (after marking, live), which would name a person.
	// (Entries written while the item was public leave their key as a tombstone: docs/security.md.)
	const never = [BEFORE, AFTER, 'Sekretessbelagt tillägg', PROPOSAL, MOTION, LATER, FILE, JAV, JAV_LATER, `${itemId}:${formal.members[5]}`, `${itemId}:${formal.members[6]}`, `${itemId}:${formal.members[7]}`];
	for (const text of never) expect(carries(watching.frames, text), text).toBe(false);
	// What the observer's copy of the meeting document holds of the item: nothing in the item roots.
	const seen = connectClient(b, meeting.id, observer.token);
	track(seen);
	await seen.synced();
	expect(itemEntries(seen.doc, itemId)).toEqual([]);
	expect(readSpeakerList(seen.doc, itemId)).toMatchObject({ current: null, queue: [], waiting: [], spoken: [] });
	expect(readAttachments(seen.doc, itemId)).toEqual([]);
	expect(readItemConflicts(seen.doc, itemId)).toEqual([]);

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
	// Hand-made updates writing a hand (the member's own), a queue place, jäv, a file's name or a speech of the item into the meeting document: refused.
	const crafts: [string, string, (copy: Y.Doc) => void][] = [
		['a hand', member.token, (copy) => copy.getMap('hands').set(`${itemId}:${formal.members[6]}`, { raised: true, kind: 'speak', at: '2026-01-01T10:00:00.000Z' })],
		['a lowered hand', member.token, (copy) => copy.getMap('hands').set(`${itemId}:${formal.members[6]}`, { raised: false, kind: 'speak', at: '2026-01-01T10:00:00.000Z' })],
		['a queue place', meeting.token, (copy) => copy.getMap('speakerQueue').set(`${itemId}:${formal.members[8]}`, null)],
		['jäv', meeting.token, (copy) => copy.getMap('itemConflicts').set(`${itemId}:${formal.members[8]}`, { note: 'Läckt jäv', at: '2026-01-01T10:00:00.000Z' })],
		['a file', meeting.token, (copy) => copy.getMap('attachments').set('Fa8Xr0kLm2Qw9Zt4', { itemId, name: 'Läckt bilaga.pdf', sha256, size: PDF.length, type: 'application/pdf', order: 'a0', uploadedAt: '2026-01-01T10:00:00.000Z', replacedBy: null, deletedAt: null })],
		['a speech', meeting.token, (copy) => copy.getMap('speeches').set('Sa8Xr0kLm2Qw9Zt4', { itemId, participantId: formal.members[8], kind: 'speak', handAt: null, startedAt: '2026-01-01T10:00:00.000Z', endedAt: null, limitSeconds: null })],
		// "Unmark, then write" in one update is public; "write, while a concurrent mark" is not: a ground in the same update makes it confidential.
		['a hand with a new ground', meeting.token, (copy) => {
			copy.getMap<Y.Map<unknown>>('items').get(itemId)?.set('confidentialGround', 'OSL 39 kap. 1 §');
			copy.getMap('hands').set(`${itemId}:${formal.members[8]}`, { raised: true, kind: 'speak', at: '2026-01-01T10:00:00.000Z' });
		}]
	];
	for (const [what, token, write] of crafts) {
		const outcome = await craft(b, meeting.id, token, reader.main.doc, write);
		expect(outcome.code, what).toBe(CLOSE.FORBIDDEN);
		expect(outcome.notices, what).toContain('forbidden');
	}
	await new Promise((resolve) => setTimeout(resolve, 300));
	for (const text of ['Läckt jäv', 'Läckt bilaga.pdf', 'Sa8Xr0kLm2Qw9Zt4', `${itemId}:${formal.members[8]}`]) expect(carries(watching.frames, text), text).toBe(false);
	expect(carries(watching.frames, 'Läckt till åhörarna')).toBe(false);
	expect(carries(watching.frames, 'Läckt yrkande')).toBe(false);
	watching.close();
	return { meeting, itemId, member, formal };
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

describe('a secret vote closed before the item was marked (SQLite)', () => {
	const suite = serverPerSuite();

	it('moves with the item: "has voted" and the count leave the meeting document when it is marked, and come back when it is made public', async () => {
		const origin = suite.server.origin;
		const meeting = await createMeeting(origin, 'Byggnadsnämnden', { sample: false });
		const organiser = await openBoth(origin, meeting.id, meeting.token, suite.keep);
		const formal = buildFormalMeeting();
		Y.applyUpdate(organiser.main.doc, Y.encodeStateAsUpdate(formal.doc));
		const itemId = formal.items.personal;
		const yes = addProposition(organiser.main.doc, itemId, { kind: 'original', text: PROPOSAL });
		const no = addProposition(organiser.main.doc, itemId, { kind: 'motion', text: MOTION });
		const roundId = openVote(organiser.main.doc, itemId, { method: 'closed', yesPropositionId: yes, noPropositionId: no });
		await saved(organiser.main, organiser.part);
		const voter = await invite(origin, meeting, { name: 'Ledamot', role: 'member', participantId: formal.members[1] });
		expect((await api(origin, 'POST', `/api/meetings/${meeting.id}/votes/${roundId}/ballot`, voter.token, { choice: 'yes' })).status).toBe(200);
		expect((await api(origin, 'POST', `/api/meetings/${meeting.id}/votes/${roundId}/close`, meeting.token)).status).toBe(200);
		await waitFor(() => organiser.main.doc.getMap('secretTallies').has(roundId), 'the count in the meeting document');
		expect(organiser.main.doc.getMap('secretVoted').has(`${roundId}:${formal.members[1]}`)).toBe(true);

		setItemConfidential(organiser.main.doc, itemId, 'OSL 39 kap. 3 §');
		// The client moved the round; the server moves its own entries after it.
		await waitFor(() => organiser.part.doc.getMap('secretTallies').has(roundId) && !organiser.main.doc.getMap('secretTallies').has(roundId), 'the count moved into the part').catch((error) => {
			console.log(suite.server.output.slice(-30).join('\n'));
			throw error;
		});
		await waitFor(() => organiser.main.doc.getMap('secretVoted').size === 0, '"has voted" moved into the part');
		expect(organiser.part.doc.getMap('secretVoted').has(`${roundId}:${formal.members[1]}`)).toBe(true);
		expect(readDecisionRounds(organiser.main.doc, itemId)[0]).toMatchObject({ status: 'closed', counts: { yes: 1, no: 0 }, voted: [formal.members[1]] });
		const observer = await invite(origin, meeting, { name: 'Åhörare', role: 'observer' });
		const watching = await recordFrames(origin, meeting.id, observer.token);
		organiser.main.doc.getMap<Y.Map<unknown>>('items').get(formal.items.justerare)?.set('title', 'Val av justerare och tid');
		await waitFor(() => carries(watching.frames, 'Val av justerare och tid'), 'the observer receives public changes');
		const seen = connectClient(origin, meeting.id, observer.token);
		suite.keep(seen);
		await seen.synced();
		expect(itemEntries(seen.doc, itemId)).toEqual([]);
		for (const root of ['secretVoted', 'secretTallies']) expect(seen.doc.getMap(root).size, root).toBe(0);
		watching.close();

		setItemConfidential(organiser.main.doc, itemId, null);
		await waitFor(() => organiser.main.doc.getMap('secretTallies').has(roundId) && organiser.part.doc.getMap('secretTallies').size === 0, 'the count moved back');
		await waitFor(() => organiser.main.doc.getMap('secretVoted').has(`${roundId}:${formal.members[1]}`), '"has voted" moved back');
		expect(readDecisionRounds(organiser.main.doc, itemId)[0]).toMatchObject({ status: 'closed', counts: { yes: 1, no: 0 } });
	});
});

describe('personal data in a confidential item (SQLite)', () => {
	const SECRET = 'organiser-secret-for-tests-0123';
	const suite = serverPerSuite({ ORGANISER_SECRET: SECRET });

	it('is exported to the organiser who asks, from the part, and erased from the part on request', async () => {
		const origin = suite.server.origin;
		const created = await fetch(`${origin}/api/meetings`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
			body: JSON.stringify({ title: 'Byggnadsnämnden' })
		});
		expect(created.status).toBe(201);
		const meeting = (await created.json()) as { id: string; token: string };
		const organiser = await openBoth(origin, meeting.id, meeting.token, suite.keep);
		const formal = buildFormalMeeting();
		Y.applyUpdate(organiser.main.doc, Y.encodeStateAsUpdate(formal.doc));
		const itemId = formal.items.personal;
		const person = formal.members[3];
		const name = 'David Dahl';
		setItemConfidential(organiser.main.doc, itemId, 'OSL 39 kap. 3 §');
		setItemNotes(organiser.main.doc, itemId, `${name} redogör för ärendet. ${BEFORE}`);
		setItemConflict(organiser.main.doc, itemId, person, { note: JAV });
		raiseHand(organiser.main.doc, itemId, person);
		addProposition(organiser.main.doc, itemId, { kind: 'motion', text: LATER, mover: { name } });
		await saved(organiser.main, organiser.part);

		const exported = await api(origin, 'POST', '/api/privacy/export', SECRET, { name });
		expect(exported.status).toBe(200);
		const [found] = (exported.json as { documents: { id: string; document: { path: string; value: unknown }[] }[] }).documents;
		expect(found.id).toBe(meeting.id);
		const paths = found.document.map((f) => f.path);
		expect(paths).toContain(`participants/${person}`);
		expect(paths).toContain(`confidential/items/${itemId}/notes`);
		expect(paths).toContain(`confidential/itemConflicts/${itemId}:${person}`);
		expect(paths).toContain(`confidential/hands/${itemId}:${person}`);
		expect(paths.some((p) => p.startsWith('confidential/propositions/') && p.endsWith('/mover'))).toBe(true);
		expect(JSON.stringify(found.document)).toContain(JAV);
		expect(found.document.find((f) => f.path === `confidential/items/${itemId}/notes`)?.value).toContain(name);

		const erased = await api(origin, 'POST', '/api/privacy/erase', SECRET, { name, confirm: true });
		expect(erased.status).toBe(200);
		await waitFor(() => !getItemNotes(organiser.main.doc, itemId).toString().includes(name), 'the open copy of the part is erased at once');
		expect(getItemNotes(organiser.main.doc, itemId).toString()).toContain('[namn borttaget] redogör för ärendet.');
		expect(readPropositions(organiser.main.doc, itemId)[0]?.mover?.name).toBe('Borttagen person');
		// The stored bytes of the part no longer hold the name.
		for (const c of suite.clients.splice(0)) c.destroy();
		await suite.server.stop();
		const db = new Database(path.join(suite.dataDir, 'motesrum.db'));
		const stored = [
			...db.prepare('SELECT data FROM confidential_snapshots WHERE meeting_id = ?').all(meeting.id),
			...db.prepare('SELECT data FROM confidential_updates WHERE meeting_id = ?').all(meeting.id)
		] as { data: Buffer }[];
		db.close();
		expect(stored.length).toBeGreaterThan(0);
		expect(Buffer.concat(stored.map((row) => row.data)).includes(Buffer.from(name))).toBe(false);
		suite.server = await startServerProcess({ dataDir: suite.dataDir, env: { ORGANISER_SECRET: SECRET } });
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
