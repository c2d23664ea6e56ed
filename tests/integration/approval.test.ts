/**
 * Justering against the real server process: approval freezes the meeting for every
 * connection (open ones too), nothing written afterwards is stored or seen, the
 * fingerprint verifies (also after a restart), any change to the stored document breaks
 * verification, and a correction is a new, linked version.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import * as Y from 'yjs';
import { getDecisionText, readMeeting, setHeader, removeParticipant } from '../../src/lib/meeting/index.ts';
import { fingerprint } from '../../src/lib/minutes/canonical.ts';
import { readPreviousVersionId } from '../../src/lib/minutes/versions.ts';
import type { Notice } from '../../src/lib/protocol/index.ts';
import { buildLedningsgrupp20230609 } from '../fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { invite } from './access-helpers.ts';
import {
	type Client,
	type ServerProcess,
	connectClient,
	connectRawSyncClient,
	createMeeting,
	freePort,
	recordNotices,
	startServerProcess,
	tempDir,
	waitFor
} from './helpers.ts';

let server: ServerProcess;
let dataDir: string;
let port: number;
const clients: Client[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
	dataDir = tempDir();
	port = await freePort();
	server = await startServerProcess({ dataDir, port });
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	for (const s of sockets) s.terminate();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

function client(meeting: { id: string; token: string }): Client & { notices: Notice[] } {
	const c = connectClient(server.origin, meeting.id, meeting.token);
	const notices = recordNotices(c);
	clients.push(c);
	return Object.assign(c, { notices });
}

async function rawClient(meeting: { id: string; token: string }) {
	const raw = await connectRawSyncClient(server.origin, meeting);
	sockets.push(raw.socket);
	return raw;
}

async function api(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
	const res = await fetch(`${server.origin}${url}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, json: await res.json() };
}

/** An update made on a replica of `doc` (e.g. a tampered decision), as a client would send it. */
function editOf(doc: Y.Doc, edit: (replica: Y.Doc) => void): Uint8Array {
	const replica = new Y.Doc();
	Y.applyUpdate(replica, Y.encodeStateAsUpdate(doc));
	const before = Y.encodeStateVector(replica);
	edit(replica);
	return Y.encodeStateAsUpdate(replica, before);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('justering of the seed meeting', () => {
	let meeting: { id: string; token: string };
	let writer: ReturnType<typeof client>;
	let reader: ReturnType<typeof client>;
	let seed: ReturnType<typeof buildLedningsgrupp20230609>;
	let sealed: string;

	beforeAll(async () => {
		meeting = await createMeeting(server.origin, 'Södertörnskommunernas ledningsgrupp', { sample: false });
		writer = client(meeting);
		reader = client(meeting);
		await Promise.all([writer.synced(), reader.synced()]);
		seed = buildLedningsgrupp20230609({ doc: writer.doc });
		await waitFor(() => writer.allSaved(), 'the seed stored');
		await waitFor(() => readMeeting(reader.doc).agenda.length === 11, 'the reader has the seed');
	});

	it('refuses approval before the minutes are marked ready, and tokens of other roles', async () => {
		expect((await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve' })).status).toBe(409);
		const { token: member } = await invite(server.origin, meeting, { name: 'Stefan Hollmark', role: 'member' });
		expect((await api('POST', `/api/meetings/${meeting.id}/approval`, member, { action: 'ready' })).status).toBe(403);
		expect((await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'sign' })).status).toBe(400);
	});

	it('ready, then the adjuster approves: the meeting is frozen and sealed', async () => {
		const ready = await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'ready' });
		expect(ready.status).toBe(200);
		expect(ready.json.ready).toMatchObject({ name: 'Helene Olofsson', role: 'secretary' });
		expect(ready.json.pending).toEqual([{ participantId: seed.people.camilla, name: 'Camilla Broo', role: 'adjuster' }]);
		expect(ready.json.frozenAt).toBeNull();

		const approved = await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve' });
		expect(approved.status).toBe(200);
		expect(approved.json.frozenAt).toEqual(expect.any(String));
		expect(approved.json.approvedAt).toBe(approved.json.frozenAt);
		expect(approved.json.approvals).toEqual([expect.objectContaining({ participantId: seed.people.camilla, name: 'Camilla Broo' })]);
		expect(approved.json.pending).toEqual([]);
		expect(approved.json.fingerprint).toMatch(/^[0-9a-f]{64}$/);
		sealed = approved.json.fingerprint;

		// The browser computes the same fingerprint from its own copy.
		expect(await fingerprint(reader.doc)).toBe(sealed);
		const info = await api('GET', `/api/meetings/${meeting.id}`, meeting.token);
		expect(info.json.frozenAt).toBe(approved.json.frozenAt);
		expect((await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve' })).status).toBe(409);
	});

	it('an open connection can no longer write: not stored, not seen, told so', async () => {
		const decision = getDecisionText(writer.doc, seed.items[4], seed.decisions[4][0]);
		writer.doc.transact(() => decision.insert(0, 'ÄNDRAT EFTER JUSTERING '));
		await waitFor(() => writer.notices.some((n) => n.code === 'frozen'), 'frozen notice');
		await sleep(300);
		expect(readMeeting(reader.doc).agenda[3].decisions[0].text.startsWith('ÄNDRAT')).toBe(false);
		expect(writer.allSaved()).toBe(false);
	});

	it('a raw client connecting afterwards is read-only: its update is dropped', async () => {
		const raw = await rawClient(meeting);
		raw.send(editOf(reader.doc, (replica) => setHeader(replica, { place: 'Någon annanstans' })));
		await waitFor(() => raw.notices.some((n) => n.code === 'frozen'), 'frozen notice to the raw client');
		await sleep(300);
		expect(readMeeting(reader.doc).header.place).toBe('Huddinge kommunhus, lokal Valhall');
	});

	it('verifies, also after a restart, and nothing written after the freeze was stored', async () => {
		const verified = await api('GET', `/api/meetings/${meeting.id}/minutes/verify`, meeting.token);
		expect(verified.json).toMatchObject({ ok: true, fingerprint: sealed, currentFingerprint: sealed, reason: null });
		expect(verified.json.approvers).toEqual([expect.objectContaining({ name: 'Camilla Broo', role: 'adjuster' })]);

		for (const c of clients.splice(0)) c.destroy();
		await server.stop();
		server = await startServerProcess({ dataDir, port });
		const fresh = client(meeting);
		await fresh.synced();
		const view = readMeeting(fresh.doc);
		expect(view.agenda[3].decisions[0].text.startsWith('Uppdra till')).toBe(true);
		expect(view.header.place).toBe('Huddinge kommunhus, lokal Valhall');
		expect(await fingerprint(fresh.doc)).toBe(sealed);
		expect((await api('GET', `/api/meetings/${meeting.id}/minutes/verify`, meeting.token)).json.ok).toBe(true);

		// Still read-only after the restart (the policy reads frozenAt at the upgrade).
		fresh.doc.getMap('header').set('place', 'Efter omstart');
		await waitFor(() => fresh.notices.some((n) => n.code === 'frozen'), 'frozen notice after restart');
	});

	it('a correction is a new version: a copy of the frozen document, linked both ways', async () => {
		const created = await api('POST', `/api/meetings/${meeting.id}/correction`, meeting.token);
		expect(created.status).toBe(201);
		expect(created.json.previousVersionId).toBe(meeting.id);
		const next = { id: created.json.id as string, token: created.json.token as string };

		expect((await api('GET', `/api/meetings/${meeting.id}/minutes/approval`, meeting.token)).json.nextVersionId).toBe(next.id);
		const nextState = await api('GET', `/api/meetings/${next.id}/minutes/approval`, next.token);
		expect(nextState.json).toMatchObject({ previousVersionId: meeting.id, nextVersionId: null, frozenAt: null, approvals: [] });

		const copy = client(next);
		await copy.synced();
		expect(readPreviousVersionId(copy.doc)).toBe(meeting.id);
		const view = readMeeting(copy.doc);
		expect(view.agenda.map((i) => i.title)).toEqual(readMeeting(clients[0].doc).agenda.map((i) => i.title));
		// The new version is editable.
		setHeader(copy.doc, { place: 'Rättad plats' });
		await waitFor(() => copy.allSaved(), 'the correction stored');

		expect((await api('POST', `/api/meetings/${meeting.id}/correction`, meeting.token)).status).toBe(409);
		expect((await api('POST', `/api/meetings/${next.id}/correction`, next.token)).status).toBe(409);
	});

	it('any change to the stored document makes verification fail', async () => {
		const db = new Database(path.join(dataDir, 'motesrum.db'));
		const insert = db.prepare('INSERT INTO updates (meeting_id, data) VALUES (?, ?)');
		// The stored document as it is (a client's copy may hold refused local edits).
		const base = new Y.Doc();
		const stored = db.prepare('SELECT data FROM snapshots WHERE meeting_id = ? UNION ALL SELECT data FROM updates WHERE meeting_id = ?');
		for (const row of stored.all(meeting.id, meeting.id) as { data: Buffer }[]) Y.applyUpdate(base, new Uint8Array(row.data));
		expect(await fingerprint(base)).toBe(sealed);

		// Invisible to the meeting view, but still a change to the document.
		insert.run(meeting.id, Buffer.from(editOf(base, (replica) => replica.getMap('other').set('x', 1))));
		let verified = await api('GET', `/api/meetings/${meeting.id}/minutes/verify`, meeting.token);
		expect(verified.json).toMatchObject({ ok: false, fingerprint: sealed, currentFingerprint: sealed, reason: 'document-changed' });

		// A changed decision.
		insert.run(
			meeting.id,
			Buffer.from(editOf(base, (replica) => getDecisionText(replica, seed.items[7], seed.decisions[7][0]).insert(0, 'Förfalskat: ')))
		);
		db.close();
		verified = await api('GET', `/api/meetings/${meeting.id}/minutes/verify`, meeting.token);
		expect(verified.json.ok).toBe(false);
		expect(verified.json.reason).toBe('content-changed');
		expect(verified.json.currentFingerprint).not.toBe(sealed);
	});
});

describe('justering of a protokoll', () => {
	it('needs the chair as well as the adjuster', async () => {
		const meeting = await createMeeting(server.origin, 'Nämnd', { sample: false });
		const writer = client(meeting);
		await writer.synced();
		const seed = buildLedningsgrupp20230609({ doc: writer.doc });
		setHeader(writer.doc, { kind: 'minutes' });
		await waitFor(() => writer.allSaved(), 'stored');

		await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'ready' });
		const state = (await api('GET', `/api/meetings/${meeting.id}/minutes/approval`, meeting.token)).json;
		expect(state.pending.map((p: { name: string }) => p.name)).toEqual(['Magnus Gyllestad', 'Camilla Broo']);

		const first = await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, {
			action: 'approve',
			participantId: seed.people.camilla
		});
		expect(first.json.frozenAt).toBeNull();
		expect(first.json.pending).toEqual([{ participantId: seed.people.magnus, name: 'Magnus Gyllestad', role: 'chair' }]);
		const last = await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve' });
		expect(last.json.frozenAt).toEqual(expect.any(String));
		expect(last.json.approvals.map((a: { role: string }) => a.role).sort()).toEqual(['adjuster', 'chair']);
		expect((await api('GET', `/api/meetings/${meeting.id}/minutes/verify`, meeting.token)).json.ok).toBe(true);
	});

	it('fixes who must approve when the minutes are marked ready: removing an approver afterwards drops no one', async () => {
		const meeting = await createMeeting(server.origin, 'Nämnd', { sample: false });
		const writer = client(meeting);
		await writer.synced();
		const seed = buildLedningsgrupp20230609({ doc: writer.doc });
		setHeader(writer.doc, { kind: 'minutes' });
		await waitFor(() => writer.allSaved(), 'stored');
		await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'ready' });

		removeParticipant(writer.doc, seed.people.camilla);
		await waitFor(() => writer.allSaved(), 'removal stored');
		const state = (await api('GET', `/api/meetings/${meeting.id}/minutes/approval`, meeting.token)).json;
		expect(state.pending.map((p: { name: string }) => p.name)).toEqual(['Magnus Gyllestad', 'Camilla Broo']);
		const one = await api('POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve', participantId: seed.people.magnus });
		expect(one.json.frozenAt).toBeNull();
		expect(one.json.pending.map((p: { name: string }) => p.name)).toEqual(['Camilla Broo']);
	});
});
