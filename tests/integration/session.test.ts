/**
 * The browser's MeetingSession (src/lib/sync) against the real server process, with
 * the real y-websocket client, `ws` as the WebSocket and fake-indexeddb as the device.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attachConfidentialPart, getItemNotes, setItemConfidential } from '../../src/lib/meeting/index.ts';
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

describe('MeetingSession and the confidential part', () => {
	it('opens the part for a role that may read it, counts its edits until saved, keeps it offline; an observer gets none', async () => {
		const srv = await server();
		const { id, token } = await createMeeting(srv.origin);
		const store = await device();
		const organiser = open(srv.origin, id, token, store);
		await until(organiser, (s) => s.serverSynced, 'organiser synced');
		await waitFor(() => organiser.confidential.synced, 'the part synced');
		const itemId = [...organiser.doc.getMap('items').keys()][0];
		attachConfidentialPart(organiser.doc, organiser.confidential.doc);
		setItemConfidential(organiser.doc, itemId, 'OSL 39 kap. 3 §');
		getItemNotes(organiser.doc, itemId).insert(0, 'Uppgifter om en enskild');
		expect(organiser.status.saved).toBe(false);
		await until(organiser, (s) => s.saved, 'everything saved');
		// An edit of the part alone is "not saved yet" until the server confirms it.
		getItemNotes(organiser.doc, itemId).insert(0, 'Ny: ');
		expect(organiser.status).toMatchObject({ pending: 1, saved: false });
		await until(organiser, (s) => s.saved, 'the part saved');
		await organiser.destroy();

		// Reloaded on the same device: the part is read from it before anything else.
		const again = open(srv.origin, id, token, store);
		await again.ready;
		attachConfidentialPart(again.doc, again.confidential.doc);
		expect(getItemNotes(again.doc, itemId).toString()).toBe('Ny: Uppgifter om en enskild');

		const invitation = await fetch(`${srv.origin}/api/meetings/${id}/invitations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
			body: JSON.stringify({ name: 'Åhörare', role: 'observer' })
		});
		const observer = open(srv.origin, id, ((await invitation.json()) as { token: string }).token, await device());
		await until(observer, (s) => s.serverSynced, 'observer synced');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(observer.confidential.synced).toBe(false);
		expect(observer.confidential.doc.getMap('items').size).toBe(0);
	});
});
