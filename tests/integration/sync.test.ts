/**
 * The sync endpoint against the real server process and stock y-websocket clients.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { type Client, type ServerProcess, connectClient, createMeeting, startServerProcess, tempDir, upgradeStatus, waitFor, notesOf, notesText } from './helpers.ts';

let server: ServerProcess;
let dataDir: string;
const clients: Client[] = [];
const tokens: string[] = [];

function client(meeting: { id: string; token: string }): Client {
	const c = connectClient(server.origin, meeting.id, meeting.token);
	clients.push(c);
	return c;
}

async function meeting(): Promise<{ id: string; token: string }> {
	const created = await createMeeting(server.origin);
	tokens.push(created.token);
	return created;
}

async function rooms(): Promise<{ rooms: number; connections: number }> {
	const res = await fetch(`${server.origin}/healthz`);
	return (await res.json()) as { rooms: number; connections: number };
}

beforeAll(async () => {
	dataDir = tempDir();
	server = await startServerProcess({ dataDir });
});

afterAll(async () => {
	for (const c of clients) c.destroy();
	await server?.stop();
	fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('sync', () => {
	it('two clients converge', async () => {
		const m = await meeting();
		const a = client(m);
		const b = client(m);
		await Promise.all([a.synced(), b.synced()]);
		notesOf(a.doc).insert(0, 'Beslut: ');
		b.doc.getMap('header').set('place', 'Välkommen');
		notesOf(b.doc).insert(0, 'Punkt 1. ');
		await waitFor(
			() => notesText(a.doc) === notesText(b.doc) && a.doc.getMap('header').get('place') === 'Välkommen',
			'convergence'
		);
		expect(notesOf(a.doc).length).toBe('Beslut: Punkt 1. '.length);
	});

	it('acknowledges saved edits with the state vector they reached', async () => {
		const m = await meeting();
		const a = client(m);
		await a.synced();
		const text = notesOf(a.doc);
		for (const char of 'Justeras') text.insert(text.length, char);
		await waitFor(() => a.allSaved(), 'saved acknowledgement');
		expect(a.saved.get(a.doc.clientID)).toBe('Justeras'.length);

		// A newcomer's first saved vector already covers the first client's edits.
		const b = client(m);
		await b.synced();
		await waitFor(() => b.saved.get(a.doc.clientID) === 'Justeras'.length, 'initial saved vector');
		expect(notesText(b.doc)).toBe('Justeras');
	});

	it('refuses a missing, wrong or foreign token with 401 at the upgrade, before any websocket opens', async () => {
		const m = await meeting();
		const other = await meeting();
		const base = `${server.origin.replace('http', 'ws')}/sync/${m.id}`;
		expect(await upgradeStatus(base)).toBe(401);
		expect(await upgradeStatus(`${base}?token=${'x'.repeat(43)}`)).toBe(401);
		expect(await upgradeStatus(`${base}?token=${other.token}`)).toBe(401);
		expect(await upgradeStatus(`${base}?token=${m.token}`)).toBe(101);
	});

	it('answers 404 for an unknown meeting and 400 for a malformed id', async () => {
		const m = await meeting();
		const ws = server.origin.replace('http', 'ws');
		expect(await upgradeStatus(`${ws}/sync/AAAAAAAAAAAAAAAAAAAAAA?token=${m.token}`)).toBe(404);
		expect(await upgradeStatus(`${ws}/sync/not-an-id?token=${m.token}`)).toBe(400);
		expect(await upgradeStatus(`${ws}/elsewhere`)).toBe(404);
	});

	it('closes only the connection that sent a garbage frame, with 4400', async () => {
		const m = await meeting();
		const a = client(m);
		const b = client(m);
		await Promise.all([a.synced(), b.synced()]);

		const raw = new WebSocket(`${server.origin.replace('http', 'ws')}/sync/${m.id}?token=${m.token}`);
		await new Promise((resolve) => raw.once('open', resolve));
		const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)));
		raw.send(Uint8Array.from([0, 2, 200, 1, 2, 3]));
		expect(await closed).toBe(CLOSE.BAD_MESSAGE);

		notesOf(a.doc).insert(0, 'still here');
		await waitFor(() => notesText(b.doc) === 'still here', 'others keep working');
		expect(a.closes).toEqual([]);
		expect(b.closes).toEqual([]);
		const badLines = server.output.filter((line) => line.includes('bad message'));
		expect(badLines).toHaveLength(1);
		expect(badLines[0]).not.toContain('stack');
	});

	it('closes a connection that sends a text frame, an unknown message type or a well-framed invalid update', async () => {
		const m = await meeting();
		for (const frame of ['hello', Uint8Array.from([42]), Uint8Array.from([0, 2, 5, 5, 1, 2, 3, 4])]) {
			const raw = new WebSocket(`${server.origin.replace('http', 'ws')}/sync/${m.id}?token=${m.token}`);
			await new Promise((resolve) => raw.once('open', resolve));
			const closed = new Promise<number>((resolve) => raw.once('close', (code) => resolve(code)));
			raw.send(frame);
			expect(await closed).toBe(CLOSE.BAD_MESSAGE);
		}
		expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
	});

	it('unloads a meeting once its last client left', async () => {
		const before = (await rooms()).rooms;
		const m = await meeting();
		const a = client(m);
		const b = client(m);
		await Promise.all([a.synced(), b.synced()]);
		expect((await rooms()).rooms).toBe(before + 1);
		notesOf(a.doc).insert(0, 'kvar efter avlastning');
		await waitFor(() => a.allSaved(), 'saved');
		a.provider.disconnect();
		await waitFor(async () => (await rooms()).connections === 0 || (await rooms()).rooms === before + 1, 'one left');
		expect((await rooms()).rooms).toBe(before + 1);
		b.provider.disconnect();
		await waitFor(async () => (await rooms()).rooms === before, 'room unloaded');

		// Loading it again brings the content back from storage.
		const c = client(m);
		await c.synced();
		expect(notesText(c.doc)).toBe('kvar efter avlastning');
	});

	it('never writes a token into the logs', async () => {
		expect(tokens.length).toBeGreaterThan(0);
		for (const token of tokens) {
			expect(server.output.some((line) => line.includes(token))).toBe(false);
		}
	});
});
