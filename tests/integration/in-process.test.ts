/**
 * The server started in-process (startServer) with its own limits and with storage
 * wrappers that slow down or fail the real SQLite storage, to test what a networked
 * store (PostgreSQL) will make visible: loading before answering, acknowledging only
 * after the append resolved, and recovering from a failed append.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import { CLOSE, MESSAGE_NOTICE, type Notice, readNotice } from '../../src/lib/protocol/index.ts';
import { hashToken, newToken } from '../../server/auth/tokens.ts';
import { type RunningServer, startServer } from '../../server/index.ts';
import { defaultConfig, type ServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import type { DocumentStore, MeetingStorage } from '../../server/storage/types.ts';
import { type Client, connectClient, createMeeting, tempDir, upgradeStatus, waitFor, notesOf, notesText } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];

afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

/** The real SQLite storage with test-controlled delays and failures in front of its document log. */
class GatedStorage implements MeetingStorage {
	loadDelayMs = 0;
	/** While set, appends wait for it. */
	appendGate: Promise<void> | null = null;
	failAppends = false;
	readonly engine = 'sqlite';
	readonly #real: SqliteStorage;
	readonly meetings: MeetingStorage['meetings'];
	readonly tokens: MeetingStorage['tokens'];
	readonly minutes: MeetingStorage['minutes'];
	readonly notices: MeetingStorage['notices'];
	readonly groups: MeetingStorage['groups'];
	readonly sessions: MeetingStorage['sessions'];
	readonly ballots: MeetingStorage['ballots'];
	readonly confidential: MeetingStorage['confidential'];
	readonly docs: DocumentStore;

	constructor(file: string) {
		const real = (this.#real = new SqliteStorage(file));
		({ meetings: this.meetings, tokens: this.tokens, minutes: this.minutes, notices: this.notices, groups: this.groups, ballots: this.ballots, sessions: this.sessions, confidential: this.confidential } = real);
		this.docs = {
			...real.docs,
			loadUpdates: async (meetingId) => {
				await new Promise((resolve) => setTimeout(resolve, this.loadDelayMs));
				return real.docs.loadUpdates(meetingId);
			},
			appendUpdate: async (meetingId, update) => {
				if (this.appendGate) await this.appendGate;
				if (this.failAppends) throw new Error('disk unavailable (test)');
				return real.docs.appendUpdate(meetingId, update);
			},
			// What the server calls: it commits the appends of one event-loop turn together.
			appendUpdates: async (entries) => {
				if (this.appendGate) await this.appendGate;
				if (this.failAppends) throw new Error('disk unavailable (test)');
				return real.docs.appendUpdates(entries);
			}
		};
	}

	init(): Promise<void> {
		return this.#real.init();
	}

	close(): Promise<void> {
		return this.#real.close();
	}
}

function gatedStorage(): GatedStorage {
	const dir = tempDir();
	cleanup.push(() => fs.rmSync(dir, { recursive: true, force: true }));
	return new GatedStorage(path.join(dir, 'motesrum.db'));
}

async function start(overrides: Partial<ServerConfig> = {}, storage?: MeetingStorage) {
	const dataDir = tempDir();
	const config: ServerConfig = {
		...defaultConfig,
		port: 0,
		host: '127.0.0.1',
		dataDir,
		logLevel: 'silent',
		appHandlerPath: path.join(dataDir, 'no-build', 'handler.js'),
		...overrides
	};
	const server: RunningServer = await startServer(config, {
		logger: createLogger('silent'),
		storage: storage ?? SqliteStorage.inDataDir(dataDir)
	});
	cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	cleanup.push(() => server.close());
	const origin = `http://127.0.0.1:${server.port}`;
	return { server, origin, dataDir };
}

function track(client: Client): Client {
	cleanup.push(() => client.destroy());
	return client;
}

async function rawSocket(origin: string, meeting: { id: string; token: string }): Promise<WebSocket> {
	const ws = new WebSocket(`${origin.replace('http', 'ws')}/sync/${meeting.id}?token=${meeting.token}`);
	cleanup.push(() => ws.terminate());
	await new Promise((resolve, reject) => {
		ws.once('open', resolve);
		ws.once('error', reject);
	});
	return ws;
}

const closeCode = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('in-process server', () => {
	it('answers other paths with 503 and how to build when the app is not built', async () => {
		const { origin } = await start();
		const res = await fetch(`${origin}/m/whatever`);
		expect(res.status).toBe(503);
		expect(await res.text()).toMatch(/npm run build/);
		expect((await fetch(`${origin}/healthz`)).status).toBe(200);
	});

	it('builds links from the request origin without PUBLIC_ORIGIN', async () => {
		const { origin } = await start();
		const created = await createMeeting(origin);
		expect(created.url).toBe(`${origin}/m/${created.id}#token=${created.token}`);
	});

	it('closes a connection that floods messages with 4529', async () => {
		const { origin } = await start({ rateLimit: { perSecond: 5, burst: 20 } });
		const meeting = await createMeeting(origin);
		const ws = await rawSocket(origin, meeting);
		const closed = closeCode(ws);
		for (let i = 0; i < 40; i++) ws.send(Uint8Array.from([3])); // query awareness
		expect(await closed).toBe(CLOSE.RATE_LIMITED);
	});

	it('closes a connection whose frame exceeds maxPayload', async () => {
		const { origin } = await start({ maxPayloadBytes: 1024 });
		const meeting = await createMeeting(origin);
		const ws = await rawSocket(origin, meeting);
		const closed = closeCode(ws);
		ws.send(new Uint8Array(4096));
		expect(await closed).toBe(1009);
	});

	it('answers nothing before the stored state is loaded, then syncs it', async () => {
		const storage = gatedStorage();
		const { origin } = await start({}, storage);
		const meeting = await createMeeting(origin);
		const writer = track(connectClient(origin, meeting.id, meeting.token));
		await writer.synced();
		notesOf(writer.doc).insert(0, 'Beslut: att godkänna dagordningen');
		await waitFor(() => writer.allSaved(), 'saved');
		writer.provider.disconnect();
		await waitFor(async () => ((await (await fetch(`${origin}/healthz`)).json()) as { rooms: number }).rooms === 0, 'unloaded');

		storage.loadDelayMs = 400;
		const reader = track(connectClient(origin, meeting.id, meeting.token));
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(reader.provider.wsconnected).toBe(true);
		expect(reader.provider.synced).toBe(false);
		await reader.synced();
		expect(notesText(reader.doc)).toBe('Beslut: att godkänna dagordningen');
	});

	it('acknowledges and broadcasts an update only after its append resolved', async () => {
		const storage = gatedStorage();
		const { origin } = await start({}, storage);
		const meeting = await createMeeting(origin);
		const a = track(connectClient(origin, meeting.id, meeting.token));
		const b = track(connectClient(origin, meeting.id, meeting.token));
		await Promise.all([a.synced(), b.synced()]);

		let release!: () => void;
		storage.appendGate = new Promise((resolve) => (release = resolve));
		notesOf(a.doc).insert(0, 'Paus');
		await new Promise((resolve) => setTimeout(resolve, 200));
		expect(a.allSaved()).toBe(false);
		expect(notesText(b.doc)).toBe('');

		storage.appendGate = null;
		release();
		await waitFor(() => a.allSaved() && notesText(b.doc) === 'Paus', 'ack and broadcast after the append');
	});

	it('drops the room when an append fails; clients reconnect and their edits are stored', async () => {
		const storage = gatedStorage();
		const { origin } = await start({}, storage);
		const meeting = await createMeeting(origin);
		const a = track(connectClient(origin, meeting.id, meeting.token));
		await a.synced();

		storage.failAppends = true;
		notesOf(a.doc).insert(0, 'Återupptas');
		await waitFor(() => a.closes.includes(CLOSE.UNAVAILABLE), 'closed with 4503');
		expect(a.allSaved()).toBe(false);
		storage.failAppends = false;
		await waitFor(() => a.allSaved(), 'stored after the reconnect', 10_000);

		const reader = track(connectClient(origin, meeting.id, meeting.token));
		await reader.synced();
		expect(notesText(reader.doc)).toBe('Återupptas');
	});

	it('keeps a read-only connection from writing and tells it once', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const storage = SqliteStorage.inDataDir(dataDir);
		const { origin } = await start({}, storage);
		const meeting = await createMeeting(origin);
		const observerToken = newToken();
		await storage.tokens.addToken(hashToken(observerToken), { meetingId: meeting.id, role: 'observer', label: 'Åhörare' });

		const organiser = track(connectClient(origin, meeting.id, meeting.token));
		const observer = track(connectClient(origin, meeting.id, observerToken));
		const notices: Notice[] = [];
		observer.provider.messageHandlers[MESSAGE_NOTICE] = (_encoder: unknown, decoder: decoding.Decoder) => {
			notices.push(readNotice(decoder));
		};
		await Promise.all([organiser.synced(), observer.synced()]);

		notesOf(observer.doc).insert(0, 'inte tillåtet');
		notesOf(organiser.doc).insert(0, 'Protokoll: ');
		await waitFor(() => notesText(observer.doc).includes('Protokoll: '), 'observer reads along');
		await waitFor(() => notices.length > 0, 'read-only notice');
		expect(notices).toEqual([{ code: 'read-only', message: expect.any(String) }]);
		expect(notesText(organiser.doc)).toBe('Protokoll: ');
		expect(observer.allSaved()).toBe(false);
		expect(await upgradeStatus(`${origin.replace('http', 'ws')}/sync/${meeting.id}?token=${observerToken}`)).toBe(101);
	});

	it('compacts a long log when the meeting unloads', async () => {
		const dataDir = tempDir();
		cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
		const storage = SqliteStorage.inDataDir(dataDir);
		const { origin } = await start({ compactAfterUpdates: 10 }, storage);
		const meeting = await createMeeting(origin);
		const a = track(connectClient(origin, meeting.id, meeting.token));
		await a.synced();
		const text = notesOf(a.doc);
		for (const char of 'Övriga frågor') text.insert(text.length, char);
		await waitFor(() => a.allSaved(), 'saved');
		expect(await storage.docs.countUpdates(meeting.id)).toBeGreaterThanOrEqual(10);
		a.provider.disconnect();
		await waitFor(async () => (await storage.docs.countUpdates(meeting.id)) === 0, 'compacted');
		expect(await storage.docs.loadUpdates(meeting.id)).toHaveLength(1);
	});

	it('closes clients with 4503 on shutdown and stops listening', async () => {
		const { server, origin } = await start();
		const meeting = await createMeeting(origin);
		const a = track(connectClient(origin, meeting.id, meeting.token));
		await a.synced();
		await server.close();
		expect(a.closes).toContain(CLOSE.UNAVAILABLE);
		await expect(upgradeStatus(`${origin.replace('http', 'ws')}/sync/${meeting.id}?token=${meeting.token}`)).rejects.toThrow();
	});
});
