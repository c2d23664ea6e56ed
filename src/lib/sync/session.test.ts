/**
 * MeetingSession against a small in-test server that speaks y-protocols sync and
 * MESSAGE_SAVED over real websockets, with the real y-websocket client and
 * fake-indexeddb as the device's store.
 */
import 'fake-indexeddb/auto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import { CLOSE, MESSAGE_SYNC, encodeNotice, encodeSaved, type Notice } from '../protocol/index.ts';
import { LocalStore } from './local-store.ts';
import { MeetingSession, type MeetingSessionOptions, type SessionStatus } from './session.ts';

const MEETING_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const TOKEN = 'secret';

/** One meeting; stores every update in memory and acknowledges it unless acknowledgements are held. */
class TestServer {
	doc = new Y.Doc();
	epoch = 1;
	/** HTTP status for the metadata request and the upgrade; 503 plays "offline". */
	status = 200;
	holdAcks = false;
	readOnly = false;
	/** Plays the role policy: an update is refused with a `forbidden` notice and close 4403. */
	refuseUpdates = false;
	refused = 0;
	upgrades = 0;
	readonly sockets = new Set<WebSocket>();
	readonly #held: (() => void)[] = [];
	readonly #stored = new Map<number, number>();
	readonly #http = http.createServer((req, res) => this.#onRequest(req, res));
	readonly #wss = new WebSocketServer({ noServer: true });
	origin = '';

	async start(port = 0): Promise<this> {
		this.#http.on('upgrade', (req, socket, head) => {
			if (this.status !== 200) {
				socket.end(`HTTP/1.1 ${this.status} No\r\nConnection: close\r\n\r\n`);
				return;
			}
			this.upgrades++;
			this.#wss.handleUpgrade(req, socket, head, (ws) => this.#onConnection(ws));
		});
		await new Promise<void>((resolve) => this.#http.listen(port, '127.0.0.1', resolve));
		this.origin = `http://127.0.0.1:${(this.#http.address() as AddressInfo).port}`;
		return this;
	}

	/** Drops every connection the way a lost network does (no close code the client acts on). */
	dropConnections(): void {
		for (const ws of this.sockets) ws.terminate();
	}

	closeAll(code: number): void {
		for (const ws of this.sockets) ws.close(code, 'test');
	}

	notice(notice: Notice): void {
		for (const ws of this.sockets) ws.send(encodeNotice(notice));
	}

	releaseOneAck(): void {
		this.#held.shift()?.();
	}

	releaseAcks(): void {
		this.holdAcks = false;
		for (const ack of this.#held.splice(0)) ack();
	}

	text(): string {
		return this.doc.getText('notes').toString();
	}

	async stop(): Promise<void> {
		this.dropConnections();
		this.#wss.close();
		this.#http.closeAllConnections();
		await new Promise((resolve) => this.#http.close(resolve));
	}

	#onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
		const ok = this.status === 200 && req.headers.authorization === `Bearer ${TOKEN}`;
		res.writeHead(ok ? 200 : this.status === 200 ? 401 : this.status, { 'content-type': 'application/json' });
		res.end(JSON.stringify(ok ? { id: MEETING_ID, title: 'Ledningsgrupp', epoch: this.epoch, frozenAt: null, role: 'organiser' } : { error: 'no' }));
	}

	#onConnection(ws: WebSocket): void {
		this.sockets.add(ws);
		ws.on('close', () => this.sockets.delete(ws));
		const step1 = encoding.createEncoder();
		encoding.writeVarUint(step1, MESSAGE_SYNC);
		syncProtocol.writeSyncStep1(step1, this.doc);
		ws.send(encoding.toUint8Array(step1));
		ws.send(encodeSaved(Y.encodeStateVector(this.#stored)));
		ws.on('message', (data: Buffer) => {
			const decoder = decoding.createDecoder(new Uint8Array(data));
			if (decoding.readVarUint(decoder) !== MESSAGE_SYNC) return;
			const syncType = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (syncType === syncProtocol.messageYjsSyncStep1) {
				const reply = encoding.createEncoder();
				encoding.writeVarUint(reply, MESSAGE_SYNC);
				syncProtocol.writeSyncStep2(reply, this.doc, payload);
				ws.send(encoding.toUint8Array(reply));
				return;
			}
			if (this.readOnly) return;
			// An empty sync step 2 (nothing the server lacks) changes nothing, so the real server lets it pass.
			if (this.refuseUpdates && !isEmptyUpdate(payload)) {
				this.refused++;
				ws.send(encodeNotice({ code: 'forbidden', message: 'Your role may not change events.' }));
				ws.close(CLOSE.FORBIDDEN, 'forbidden');
				return;
			}
			Y.applyUpdate(this.doc, payload);
			const reached = Y.parseUpdateMeta(payload).to;
			for (const [client, clock] of reached) this.#stored.set(client, Math.max(clock, this.#stored.get(client) ?? 0));
			const relay = encoding.createEncoder();
			encoding.writeVarUint(relay, MESSAGE_SYNC);
			syncProtocol.writeUpdate(relay, payload);
			for (const other of this.sockets) if (other !== ws) other.send(encoding.toUint8Array(relay));
			const ack = () => ws.readyState === ws.OPEN && ws.send(encodeSaved(Y.encodeStateVector(reached)));
			if (this.holdAcks) this.#held.push(ack);
			else ack();
		});
	}
}

function isEmptyUpdate(update: Uint8Array): boolean {
	const { structs, ds } = Y.decodeUpdate(update);
	return structs.length === 0 && ds.clients.size === 0;
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	for (const step of cleanup.splice(0).reverse()) await step();
});

let dbCounter = 0;
async function freshStore(): Promise<LocalStore> {
	const store = (await LocalStore.open(`session-test-${++dbCounter}`))!;
	cleanup.push(() => store.close());
	return store;
}

async function startServer(): Promise<TestServer> {
	const server = await new TestServer().start();
	cleanup.push(() => server.stop());
	return server;
}

function open(server: TestServer, store: LocalStore | null, options: Partial<MeetingSessionOptions> = {}): MeetingSession {
	const session = new MeetingSession({
		meetingId: MEETING_ID,
		token: TOKEN,
		origin: server.origin,
		store,
		WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
		disableBc: true,
		...options
	});
	cleanup.push(() => session.destroy());
	return session;
}

const until = (session: MeetingSession, check: (status: SessionStatus) => boolean, what: string) =>
	waitFor(() => check(session.status), what);

describe('MeetingSession', () => {
	it('connects, counts an edit as pending until the server confirms it, then reports saved', async () => {
		const server = await startServer();
		const session = open(server, await freshStore());
		await until(session, (s) => s.serverSynced, 'synced');
		expect(session.status).toMatchObject({ connection: 'online', localLoaded: true, pending: 0, saved: true, error: null });

		server.holdAcks = true;
		session.doc.getText('notes').insert(0, 'Beslut');
		expect(session.status.pending).toBe(1);
		expect(session.status.saved).toBe(false);
		await waitFor(() => server.text() === 'Beslut', 'server has the edit');
		expect(session.status.pending).toBe(1);

		server.releaseAcks();
		await until(session, (s) => s.saved, 'saved');
		expect(session.status.pending).toBe(0);
	});

	it('without a copy on the device, opens the socket beside the meeting check and lists the meeting once the check answers', async () => {
		const server = await startServer();
		server.doc.getText('notes').insert(0, 'Dagordning');
		const store = await freshStore();
		let answer: () => void = () => {};
		const answered = new Promise<void>((resolve) => (answer = resolve));
		const slowCheck: typeof fetch = async (...args) => {
			await answered;
			return fetch(...args);
		};
		const session = open(server, store, { fetch: slowCheck });
		await until(session, (s) => s.serverSynced, 'synced while the check still waits');
		expect(session.doc.getText('notes').toString()).toBe('Dagordning');
		// Not on the device before the check listed it: a refused check leaves nothing behind.
		expect(await store.getMeeting(MEETING_ID)).toBeUndefined();
		expect(await store.loadUpdates(MEETING_ID)).toHaveLength(0);

		answer();
		await until(session, (s) => s.meeting !== null, 'checked');
		await waitFor(() => session.status.meeting?.epoch === 1, 'epoch known');
		await session.destroy();
		expect((await store.getMeeting(MEETING_ID))?.epoch).toBe(1);
		const copy = new Y.Doc();
		for (const update of await store.loadUpdates(MEETING_ID)) Y.applyUpdate(copy, update);
		expect(copy.getText('notes').toString()).toBe('Dagordning');
	});

	it('records when the server last confirmed everything, in the status and at once in the list entry', async () => {
		const server = await startServer();
		const store = await freshStore();
		const session = open(server, store);
		await until(session, (s) => s.serverSynced, 'synced');
		server.holdAcks = true;
		const before = Date.now();
		session.doc.getText('notes').insert(0, 'Beslut');
		await waitFor(() => server.text() === 'Beslut', 'server has the edit');
		expect(session.status.saved).toBe(false);
		server.releaseAcks();
		await until(session, (s) => s.saved, 'saved');
		const savedAt = session.status.lastSavedAt;
		expect(savedAt).toBeGreaterThanOrEqual(before);
		// Written without the batching delay (250 ms), so leaving the page right after "Sparat" keeps it.
		const deadline = Date.now() + 150;
		let entry = await store.getMeeting(session.meetingId);
		while (entry?.lastSavedAt !== savedAt && Date.now() < deadline) entry = await store.getMeeting(session.meetingId);
		expect(entry?.lastSavedAt).toBe(savedAt);
		expect((await store.loadSyncState(session.meetingId)).pending.get(session.doc.clientID)?.clocks ?? []).toEqual([]);
	});

	it('confirms a deletion only when the frame that carried it is acknowledged', async () => {
		const server = await startServer();
		const session = open(server, await freshStore());
		await until(session, (s) => s.serverSynced, 'synced');
		const text = session.doc.getText('notes');
		text.insert(0, 'abc');
		await until(session, (s) => s.saved, 'insert saved');

		server.holdAcks = true;
		text.insert(3, 'd');
		text.delete(0, 1);
		expect(session.status.pending).toBe(2);
		await waitFor(() => server.text() === 'bcd', 'server applied both');
		expect(session.status.pending).toBe(2);
		server.releaseOneAck();
		await until(session, (s) => s.pending === 1, 'insert confirmed');
		await new Promise((resolve) => setTimeout(resolve, 50));
		expect(session.status.pending).toBe(1);
		server.releaseAcks();
		await until(session, (s) => s.pending === 0, 'deletion confirmed');
	});

	it('keeps offline edits across a reload and sends them when the server is back', async () => {
		const server = await startServer();
		const store = await freshStore();
		const first = open(server, store);
		await until(first, (s) => s.serverSynced, 'synced');
		first.doc.getText('notes').insert(0, 'Punkt 7 ');
		await until(first, (s) => s.saved, 'saved');

		server.status = 503;
		server.dropConnections();
		await until(first, (s) => s.connection === 'offline', 'offline');
		first.doc.getText('notes').insert(8, 'återupptas');
		first.doc.getText('notes').delete(0, 1);
		expect(first.status.pending).toBe(2);
		await first.destroy();

		const reloaded = open(server, store);
		await until(reloaded, (s) => s.localLoaded, 'local copy loaded');
		expect(reloaded.doc.getText('notes').toString()).toBe('unkt 7 återupptas');
		await until(reloaded, (s) => s.connection === 'offline', 'offline after check');
		expect(reloaded.status).toMatchObject({ pending: 2, saved: false, error: null, hasLocalCopy: true });
		expect(reloaded.status.meeting).toMatchObject({ title: 'Ledningsgrupp', epoch: 1, role: 'organiser' });

		server.status = 200;
		await until(reloaded, (s) => s.saved, 'saved after reconnect');
		expect(server.text()).toBe('unkt 7 återupptas');
	});

	it('never sends a copy of a meeting that was deleted and recreated (epoch changed)', async () => {
		const server = await startServer();
		const store = await freshStore();
		const first = open(server, store);
		await until(first, (s) => s.serverSynced, 'synced');
		first.doc.getText('notes').insert(0, 'old meeting');
		await until(first, (s) => s.saved, 'saved');
		await first.destroy();

		server.doc = new Y.Doc();
		server.epoch = 2;
		const upgradesBefore = server.upgrades;
		const reloaded = open(server, store);
		await until(reloaded, (s) => s.error !== null, 'error');
		expect(reloaded.status.error).toBe('meeting-replaced');
		expect(reloaded.doc.getText('notes').toString()).toBe('old meeting');
		await new Promise((resolve) => setTimeout(resolve, 100));
		expect(server.upgrades).toBe(upgradesBefore);
		expect(server.text()).toBe('');
	});

	it('reports a deleted meeting and lost access from the metadata check, keeping the local copy', async () => {
		const server = await startServer();
		const store = await freshStore();
		const first = open(server, store);
		await until(first, (s) => s.serverSynced, 'synced');
		first.doc.getText('notes').insert(0, 'kept');
		await until(first, (s) => s.saved, 'saved');
		await first.destroy();

		server.status = 404;
		const deleted = open(server, store);
		await until(deleted, (s) => s.error !== null, 'error');
		expect(deleted.status.error).toBe('meeting-deleted');
		expect(deleted.doc.getText('notes').toString()).toBe('kept');
		await deleted.destroy();

		server.status = 200;
		const revoked = open(server, store, { token: 'revoked' });
		await until(revoked, (s) => s.error !== null, 'error');
		expect(revoked.status.error).toBe('access-lost');
		expect(revoked.doc.getText('notes').toString()).toBe('kept');
	});

	it('stops on a permanent close code and turns read-only on a notice', async () => {
		const server = await startServer();
		const session = open(server, await freshStore());
		await until(session, (s) => s.serverSynced, 'synced');
		server.notice({ code: 'frozen', message: 'frozen' });
		await until(session, (s) => s.readOnly, 'read-only');
		expect(session.status.notice?.code).toBe('frozen');

		server.closeAll(CLOSE.UNAUTHORIZED);
		await until(session, (s) => s.error !== null, 'error');
		expect(session.status).toMatchObject({ error: 'access-lost', connection: 'offline' });
		const upgrades = server.upgrades;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(server.upgrades).toBe(upgrades);
	});

	it('on a refused edit (4403) stops for good, also after a reload, until the local copy is discarded and loaded afresh', async () => {
		const server = await startServer();
		server.doc.getText('notes').insert(0, 'Sparat ');
		const store = await freshStore();
		const first = open(server, store);
		await until(first, (s) => s.serverSynced, 'synced');
		expect(first.doc.getText('notes').toString()).toBe('Sparat ');

		server.refuseUpdates = true;
		first.doc.getText('notes').insert(7, 'avvisat');
		await until(first, (s) => s.error !== null, 'error');
		expect(first.status).toMatchObject({ error: 'forbidden', connection: 'offline', pending: 1 });
		expect(server.refused).toBe(1);
		const upgrades = server.upgrades;
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(server.upgrades, 'no reconnect after 4403').toBe(upgrades);
		await first.destroy();

		// A reload finds the refused copy and does not send it again.
		const reloaded = open(server, store);
		await until(reloaded, (s) => s.localLoaded, 'local copy loaded');
		expect(reloaded.status.error).toBe('forbidden');
		expect(reloaded.doc.getText('notes').toString()).toBe('Sparat avvisat');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(server.upgrades, 'no connection with the refused copy').toBe(upgrades);
		expect(server.refused).toBe(1);

		await reloaded.discardLocalCopy();
		expect(await store.loadUpdates(MEETING_ID)).toEqual([]);
		expect(await store.getMeeting(MEETING_ID)).toMatchObject({ token: TOKEN, refusedAt: null });
		const fresh = open(server, store);
		await until(fresh, (s) => s.serverSynced, 'synced afresh');
		expect(fresh.status).toMatchObject({ error: null, pending: 0, saved: true });
		expect(fresh.doc.getText('notes').toString()).toBe('Sparat ');
		expect(server.refused).toBe(1);
		expect(server.text()).toBe('Sparat ');
		// The reloaded copy writes again once the role allows it.
		server.refuseUpdates = false;
		fresh.doc.getText('notes').insert(7, 'tillåtet');
		await until(fresh, (s) => s.saved, 'saved');
		expect(server.text()).toBe('Sparat tillåtet');
	});

	it('keeps two tabs in step offline through the BroadcastChannel, both writing to the store', async () => {
		const server = await startServer();
		const store = await freshStore();
		const setup = open(server, store);
		await until(setup, (s) => s.serverSynced, 'synced');
		await setup.destroy();

		server.status = 503;
		const tabA = open(server, store, { disableBc: false });
		const tabB = open(server, store, { disableBc: false });
		await until(tabA, (s) => s.connection === 'offline', 'A offline');
		await until(tabB, (s) => s.connection === 'offline', 'B offline');
		tabA.doc.getText('notes').insert(0, 'A');
		await waitFor(() => tabB.doc.getText('notes').toString() === 'A', 'B sees A');
		tabB.doc.getText('notes').insert(1, 'B');
		await waitFor(() => tabA.doc.getText('notes').toString() === 'AB', 'A sees B');
		await tabA.destroy();
		await tabB.destroy();

		const reloaded = open(server, store);
		await until(reloaded, (s) => s.localLoaded, 'loaded');
		expect(reloaded.doc.getText('notes').toString()).toBe('AB');
		expect(reloaded.status.pending).toBe(2);
	});

	it('works without a local store', async () => {
		const server = await startServer();
		const session = open(server, null);
		await until(session, (s) => s.serverSynced, 'synced');
		session.doc.getText('notes').insert(0, 'x');
		await until(session, (s) => s.saved, 'saved');
		expect(session.status.localStore).toBe('none');
		expect(server.text()).toBe('x');
	});

	it('compacts the stored updates as edits accumulate, once the page is idle', async () => {
		const server = await startServer();
		const store = await freshStore();
		const session = open(server, store, { compactAfter: 10 });
		await until(session, (s) => s.serverSynced, 'synced');
		const text = session.doc.getText('notes');
		for (let i = 0; i < 25; i++) text.insert(text.length, String(i % 10));
		// Compaction waits for an idle moment (closing is none: the next open compacts instead).
		await new Promise((resolve) => setTimeout(resolve, 50));
		await session.destroy();
		const updates = await store.loadUpdates(MEETING_ID);
		expect(updates.length).toBeLessThan(10);
		const doc = new Y.Doc();
		for (const update of updates) Y.applyUpdate(doc, update);
		expect(doc.getText('notes').toString()).toBe('0123456789012345678901234');
		expect((await store.getMeeting(MEETING_ID))!.byteSize).toBeGreaterThan(0);
	});
});
