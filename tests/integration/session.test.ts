/**
 * The browser's MeetingSession (src/lib/sync) against the real server process, with
 * the real y-websocket client, `ws` as the WebSocket and fake-indexeddb as the device.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LocalStore } from '../../src/lib/sync/local-store.ts';
import { MeetingSession, type SessionStatus } from '../../src/lib/sync/session.ts';
import { type ServerProcess, createMeeting, startServerProcess, tempDir, waitFor, notesOf, notesText } from './helpers.ts';

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	for (const step of cleanup.splice(0).reverse()) await step();
});

async function server(options: { dataDir?: string; port?: number } = {}): Promise<ServerProcess & { dataDir: string }> {
	const dataDir = options.dataDir ?? tempDir();
	const started = await startServerProcess({ dataDir, port: options.port });
	cleanup.push(() => started.stop());
	return { ...started, dataDir };
}

let devices = 0;
/** A device's IndexedDB: each one is its own database. */
async function device(): Promise<LocalStore> {
	const store = (await LocalStore.open(`it-device-${++devices}`))!;
	cleanup.push(() => store.close());
	return store;
}

function open(origin: string, meetingId: string, token: string, store: LocalStore | null): MeetingSession {
	const session = new MeetingSession({
		meetingId,
		token,
		origin,
		store,
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true
	});
	cleanup.push(() => session.destroy());
	return session;
}

const until = (session: MeetingSession, check: (status: SessionStatus) => boolean, what: string) =>
	waitFor(() => check(session.status), what);

describe('MeetingSession against the server', () => {
	it('saves edits, deletions included, and another device receives them', async () => {
		const srv = await server();
		const { id, token } = await createMeeting(srv.origin);
		const alice = open(srv.origin, id, token, await device());
		await until(alice, (s) => s.serverSynced, 'alice synced');
		expect(alice.status.meeting).toMatchObject({ id, epoch: expect.any(Number), role: 'organiser' });

		const text = notesOf(alice.doc);
		text.insert(0, 'Att Rickard kontaktar Meeri');
		text.delete(0, 4);
		expect(alice.status.pending).toBe(2);
		await until(alice, (s) => s.saved, 'alice saved');

		const bob = open(srv.origin, id, token, await device());
		await until(bob, (s) => s.serverSynced, 'bob synced');
		expect(notesText(bob.doc)).toBe('Rickard kontaktar Meeri');
	});

	it('keeps edits made offline across a reload and saves them once the server is back', async () => {
		const first = await server();
		const { id, token } = await createMeeting(first.origin);
		const store = await device();
		const before = open(first.origin, id, token, store);
		await until(before, (s) => s.saved, 'first save');
		await first.stop();
		await until(before, (s) => s.connection === 'offline', 'offline');
		notesOf(before.doc).insert(0, 'Denna punkt hanns inte med');
		await before.destroy();

		const reloaded = open(first.origin, id, token, store);
		await until(reloaded, (s) => s.localLoaded && s.connection === 'offline', 'loaded offline');
		expect(notesText(reloaded.doc)).toBe('Denna punkt hanns inte med');
		expect(reloaded.status.pending).toBe(1);

		await server({ dataDir: first.dataDir, port: first.port });
		await until(reloaded, (s) => s.saved, 'saved after the server is back');

		const fresh = open(first.origin, id, token, await device());
		await until(fresh, (s) => s.serverSynced, 'fresh device synced');
		expect(notesText(fresh.doc)).toBe('Denna punkt hanns inte med');
	});

	it('reports a wrong token and an unknown meeting without connecting', async () => {
		const srv = await server();
		const { id } = await createMeeting(srv.origin);
		const wrong = open(srv.origin, id, 'not-the-token', null);
		await until(wrong, (s) => s.error !== null, 'error');
		expect(wrong.status.error).toBe('access-lost');

		const missing = open(srv.origin, 'AAAAAAAAAAAAAAAAAAAAAA', 'x', null);
		await until(missing, (s) => s.error !== null, 'error');
		expect(missing.status.error).toBe('meeting-deleted');
	});
});
