/**
 * Durability across restarts of the real server process: a clean stop (SIGTERM) and
 * a crash (SIGKILL) while two clients type. Each test owns its port so the clients
 * can reconnect to the restarted server at the same address.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { type Client, type ServerProcess, connectClient, createMeeting, freePort, startServerProcess, tempDir, waitFor, notesOf, notesText } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

async function serverAt(dataDir: string, port: number): Promise<ServerProcess> {
	const server = await startServerProcess({ dataDir, port });
	cleanup.push(() => void server.stop('SIGKILL'));
	return server;
}

function clientOf(server: ServerProcess, meeting: { id: string; token: string }): Client {
	const client = connectClient(server.origin, meeting.id, meeting.token);
	cleanup.push(() => client.destroy());
	return client;
}

function count(text: string, char: string): number {
	return text.split(char).length - 1;
}

/** Types `n` copies of `char` at random places, one keystroke (one update) every few milliseconds. */
async function type(client: Client, char: string, n: number): Promise<void> {
	const text = notesOf(client.doc);
	for (let i = 0; i < n; i++) {
		text.insert(Math.floor(Math.random() * (text.length + 1)), char);
		await new Promise((resolve) => setTimeout(resolve, 2));
	}
}

describe('restarts', () => {
	it('keeps the data over a clean stop, and clients are told to come back (4503)', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const port = await freePort();
		let server = await serverAt(dataDir, port);
		const meeting = await createMeeting(server.origin);
		const a = clientOf(server, meeting);
		await a.synced();
		notesOf(a.doc).insert(0, 'Mötet öppnas');
		await waitFor(() => a.allSaved(), 'saved before stop');

		expect(await server.stop('SIGTERM')).toBe(0);
		expect(a.closes).toContain(CLOSE.UNAVAILABLE);
		expect(server.output.some((line) => line.includes('"stopped"'))).toBe(true);

		server = await serverAt(dataDir, port);
		const b = clientOf(server, meeting);
		await b.synced();
		expect(notesText(b.doc)).toBe('Mötet öppnas');
		// The first client reconnects by itself.
		notesOf(a.doc).insert(0, '§1 ');
		await waitFor(() => notesText(b.doc) === '§1 Mötet öppnas', 'reconnected client syncs');
	});

	it('loses nothing acknowledged when killed with SIGKILL while two clients type, and both converge after a restart', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const port = await freePort();
		let server = await serverAt(dataDir, port);
		const meeting = await createMeeting(server.origin);
		const a = clientOf(server, meeting);
		const b = clientOf(server, meeting);
		await Promise.all([a.synced(), b.synced()]);

		const typingA = type(a, 'a', 300);
		const typingB = type(b, 'b', 300);
		await waitFor(() => notesOf(a.doc).length > 150, 'some typing');
		await server.stop('SIGKILL');
		// Stop the clients from reconnecting on their own, so the first reader of the
		// restarted server sees only what was stored before the crash.
		a.provider.disconnect();
		b.provider.disconnect();
		const ackedA = a.saved.get(a.doc.clientID) ?? 0;
		const ackedB = b.saved.get(b.doc.clientID) ?? 0;
		expect(ackedA).toBeGreaterThan(0);
		expect(ackedB).toBeGreaterThan(0);
		await Promise.all([typingA, typingB]);

		server = await serverAt(dataDir, port);
		const reader = clientOf(server, meeting);
		await reader.synced();
		const stored = Y.decodeStateVector(Y.encodeStateVector(reader.doc));
		expect(stored.get(a.doc.clientID) ?? 0).toBeGreaterThanOrEqual(ackedA);
		expect(stored.get(b.doc.clientID) ?? 0).toBeGreaterThanOrEqual(ackedB);
		const early = notesText(reader.doc);
		expect(count(early, 'a')).toBeGreaterThanOrEqual(ackedA);
		expect(count(early, 'b')).toBeGreaterThanOrEqual(ackedB);

		a.provider.connect();
		b.provider.connect();
		const textOf = (c: Client) => notesText(c.doc);
		await waitFor(
			() => textOf(a) === textOf(b) && textOf(a) === textOf(reader) && a.allSaved() && b.allSaved(),
			'convergence after the crash',
			15_000
		);
		expect(count(textOf(a), 'a')).toBe(300);
		expect(count(textOf(a), 'b')).toBe(300);

		const fresh = clientOf(server, meeting);
		await fresh.synced();
		expect(textOf(fresh)).toBe(textOf(a));
	});
});
