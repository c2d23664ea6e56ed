/**
 * Hardening, with the server in-process and small limits: security headers, the
 * same-origin rule, per-IP rate limits on the API and on connection attempts, the
 * document size limit (4413), the meeting limit and the organiser secret.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { type RunningServer, startServer } from '../../server/index.ts';
import { defaultConfig, type ServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { connectWithNotices, invite, prepareMeeting, type AccessClient } from './access-helpers.ts';
import { createMeeting, tempDir, upgradeStatus, waitFor } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

async function start(overrides: Partial<ServerConfig> = {}) {
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
	const storage = SqliteStorage.inDataDir(dataDir);
	const server: RunningServer = await startServer(config, { logger: createLogger('silent'), storage });
	cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	cleanup.push(() => server.close());
	return { server, origin: `http://127.0.0.1:${server.port}`, dataDir };
}

function client(origin: string, meetingId: string, token: string): AccessClient {
	const c = connectWithNotices(origin, meetingId, token);
	cleanup.push(() => c.destroy());
	return c;
}

function post(origin: string, headers: Record<string, string> = {}) {
	return fetch(`${origin}/api/meetings`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body: JSON.stringify({ title: 'Styrelse' })
	});
}

describe('security headers', () => {
	it('sets them on API answers, the health check and app pages', async () => {
		const { origin } = await start();
		for (const url of [`${origin}/api/instance`, `${origin}/healthz`, `${origin}/m/x`, `${origin}/api/nope`]) {
			const res = await fetch(url);
			expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
			expect(res.headers.get('referrer-policy'), url).toBe('no-referrer');
			expect(res.headers.get('x-frame-options'), url).toBe('DENY');
			expect(res.headers.get('permissions-policy'), url).toContain('camera=()');
			expect(res.headers.get('content-security-policy'), url).toContain("frame-ancestors 'none'");
			expect(res.headers.get('strict-transport-security'), url).toBeNull();
		}
		expect((await fetch(`${origin}/api/instance`)).headers.get('content-security-policy')).toContain("default-src 'none'");
	});

	it('adds HSTS when the public origin is https', async () => {
		const { origin } = await start({ publicOrigin: 'https://motesrum.example.se' });
		expect((await fetch(`${origin}/healthz`)).headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
	});
});

describe('same-origin rule', () => {
	it('refuses state-changing API calls and upgrades from another origin; reads and Origin-less clients pass', async () => {
		const { origin, server } = await start();
		expect((await post(origin, { origin: 'https://evil.example' })).status).toBe(403);
		expect((await post(origin, { origin: 'null' })).status).toBe(403);
		expect((await post(origin, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
		expect((await post(origin, { origin })).status).toBe(201);
		expect((await post(origin)).status).toBe(201);

		const meeting = await createMeeting(origin);
		const member = await invite(origin, meeting, { name: 'Anna', role: 'member' });
		const revoke = await fetch(`${origin}/api/meetings/${meeting.id}/invitations/${member.invitationId}`, {
			method: 'DELETE',
			headers: { authorization: `Bearer ${meeting.token}`, origin: 'https://evil.example' }
		});
		expect(revoke.status).toBe(403);
		const read = await fetch(`${origin}/api/meetings/${meeting.id}`, { headers: { authorization: `Bearer ${member.token}`, origin: 'https://evil.example' } });
		expect(read.status).toBe(200);

		const sync = `ws://127.0.0.1:${server.port}/sync/${meeting.id}?token=${meeting.token}`;
		const crossOrigin = await new Promise<number>((resolve) => {
			const ws = new WebSocket(sync, { origin: 'https://evil.example' });
			ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
			ws.on('open', () => resolve(101));
			ws.on('error', () => {});
		});
		expect(crossOrigin).toBe(403);
		expect(await upgradeStatus(sync)).toBe(101);
	});

	it('compares with PUBLIC_ORIGIN when it is set', async () => {
		const { origin } = await start({ publicOrigin: 'https://motesrum.example.se' });
		expect((await post(origin, { origin })).status).toBe(403);
		const created = await post(origin, { origin: 'https://motesrum.example.se' });
		expect(created.status).toBe(201);
		expect(((await created.json()) as { url: string }).url).toMatch(/^https:\/\/motesrum\.example\.se\/m\/[\w-]{22}#token=/);
	});
});

describe('rate limits per IP', () => {
	it('answers 429 with Retry-After once an IP’s API bucket is empty; other IPs (behind a trusted proxy) and /healthz are unaffected', async () => {
		const { origin } = await start({ apiRateLimit: { perSecond: 1, burst: 3 }, trustProxy: true });
		const from = (ip: string) => ({ 'x-forwarded-for': `203.0.113.9, ${ip}` });
		for (let i = 0; i < 3; i++) expect((await fetch(`${origin}/api/instance`, { headers: from('198.51.100.1') })).status).toBe(200);
		const limited = await fetch(`${origin}/api/instance`, { headers: from('198.51.100.1') });
		expect(limited.status).toBe(429);
		expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		expect((await post(origin, from('198.51.100.1'))).status).toBe(429);
		expect((await fetch(`${origin}/api/instance`, { headers: from('198.51.100.2') })).status).toBe(200);
		expect((await fetch(`${origin}/healthz`, { headers: from('198.51.100.1') })).status).toBe(200);
	});

	it('ignores X-Forwarded-For unless the proxy is trusted', async () => {
		const { origin } = await start({ apiRateLimit: { perSecond: 1, burst: 2 } });
		for (const ip of ['198.51.100.1', '198.51.100.2']) expect((await fetch(`${origin}/api/instance`, { headers: { 'x-forwarded-for': ip } })).status).toBe(200);
		expect((await fetch(`${origin}/api/instance`, { headers: { 'x-forwarded-for': '198.51.100.3' } })).status).toBe(429);
	});

	it('refuses websocket connection attempts past the per-IP limit with 429, before looking at the token', async () => {
		const { origin } = await start({ connectRateLimit: { perSecond: 1, burst: 3 } });
		// Without the sample meeting: writing it would take one of the three attempts.
		const meeting = await createMeeting(origin, 'Ledningsgrupp', { sample: false });
		const url = `${origin.replace('http', 'ws')}/sync/${meeting.id}?token=`;
		expect(await upgradeStatus(url + meeting.token)).toBe(101);
		expect(await upgradeStatus(url + 'x'.repeat(43))).toBe(401);
		expect(await upgradeStatus(url + meeting.token)).toBe(101);
		expect(await upgradeStatus(url + meeting.token)).toBe(429);
		expect(await upgradeStatus(url + 'x'.repeat(43))).toBe(429);
	});
});

describe('document size limit', () => {
	it('closes with 4413 the connection whose update would take the stored meeting past the limit; nothing of it is kept', async () => {
		const maxDocumentBytes = 16 * 1024;
		const { origin, server, dataDir } = await start({ maxDocumentBytes });
		const meeting = await createMeeting(origin);
		const organiser = client(origin, meeting.id, meeting.token);
		const { item1 } = await prepareMeeting(organiser);
		const member = await invite(origin, meeting, { name: 'Anna', role: 'member' });
		const writer = client(origin, meeting.id, member.token);
		await writer.synced();
		const notes = () => (writer.doc.getMap('items').get(item1) as Y.Map<unknown>).get('notes') as Y.Text;

		notes().insert(0, 'Kort anteckning. ');
		await waitFor(() => writer.allSaved(), 'a small edit is saved');
		notes().insert(0, 'x'.repeat(maxDocumentBytes));
		await waitFor(() => writer.closes.includes(CLOSE.TOO_LARGE), 'closed with 4413');
		expect(writer.notices.map((n) => n.code)).toEqual(['too-large']);
		await new Promise((resolve) => setTimeout(resolve, 100));
		const seen = (organiser.doc.getMap('items').get(item1) as Y.Map<unknown>).get('notes') as Y.Text;
		expect(seen.toString()).toBe('Kort anteckning. ');
		expect(organiser.closes).toEqual([]);

		await server.close();
		const storage = SqliteStorage.inDataDir(dataDir);
		await storage.init();
		const stored = await storage.docs.loadUpdates(meeting.id);
		await storage.close();
		expect(stored.reduce((sum, u) => sum + u.byteLength, 0)).toBeLessThanOrEqual(maxDocumentBytes);
		const doc = new Y.Doc();
		for (const update of stored) Y.applyUpdate(doc, update);
		expect(((doc.getMap('items').get(item1) as Y.Map<unknown>).get('notes') as Y.Text).toString()).toBe('Kort anteckning. ');
	});
});

describe('meeting creation', () => {
	it('stops at the instance’s meeting limit with 507', async () => {
		const { origin } = await start({ maxMeetings: 2 });
		expect((await post(origin)).status).toBe(201);
		expect((await post(origin)).status).toBe(201);
		const full = await post(origin);
		expect(full.status).toBe(507);
		expect(((await full.json()) as { error: string }).error).toMatch(/maximum number of meetings/);
	});

	it('needs the organiser secret when the instance says so, and tells the start page', async () => {
		const secret = 'kommunens-hemlighet-2024';
		const { origin } = await start({ createMeetings: 'secret', organiserSecret: secret });
		expect(await (await fetch(`${origin}/api/instance`)).json()).toMatchObject({ createMeetings: 'secret' });
		expect((await post(origin)).status).toBe(401);
		expect((await post(origin, { authorization: 'Bearer fel-hemlighet-som-ar-lang' })).status).toBe(401);
		const created = await post(origin, { authorization: `Bearer ${secret}` });
		expect(created.status).toBe(201);
		const { id, token } = (await created.json()) as { id: string; token: string };
		const read = await fetch(`${origin}/api/meetings/${id}`, { headers: { authorization: `Bearer ${token}` } });
		expect(((await read.json()) as { role: string }).role).toBe('organiser');
	});

	it('is open by default', async () => {
		const { origin } = await start();
		expect(await (await fetch(`${origin}/api/instance`)).json()).toEqual({
			createMeetings: 'open',
			files: { maxFileBytes: 25_000_000, maxMeetingBytes: 200_000_000 },
			personalData: { secret: false, signedIn: false }
		});
	});
});
