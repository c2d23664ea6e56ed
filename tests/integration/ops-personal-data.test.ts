/**
 * One person's data over the API: the export finds them in every meeting (entry, references,
 * invitations, mentions in the notes); erasure removes them from a meeting whose minutes are
 * not approved — from the stored bytes too, and from an open client's copy at once — and
 * keeps them, saying why, where the minutes are approved. Organisers only.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type RunningServer, startServer } from '../../server/index.ts';
import { defaultConfig, type ServerConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { readMeeting } from '../../src/lib/meeting/index.ts';
import { buildLedningsgrupp20230609 } from '../fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { connectClient, tempDir, waitFor } from './helpers.ts';

const SECRET = 'organiser-secret-for-tests-0123';
const HELENE = 'Helene Olofsson';
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

async function start(overrides: Partial<ServerConfig> = { createMeetings: 'secret', organiserSecret: SECRET }) {
	const dataDir = tempDir();
	const storage = SqliteStorage.inDataDir(dataDir);
	const config: ServerConfig = { ...defaultConfig, port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', appHandlerPath: path.join(dataDir, 'none.js'), ...overrides };
	const server: RunningServer = await startServer(config, { logger: createLogger('silent'), storage });
	cleanup.push(() => fs.rmSync(dataDir, { recursive: true, force: true }));
	cleanup.push(() => server.close());
	return { origin: `http://127.0.0.1:${server.port}`, storage };
}

function post(origin: string, path: string, body: unknown, secret: string | null = SECRET) {
	return fetch(`${origin}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
		body: JSON.stringify(body)
	});
}

/** A meeting holding the seed (Helene is its secretary, presenter, assignment owner and named in the notes), with an invitation for her. */
async function seedMeeting(origin: string, title: string) {
	const created = (await (await post(origin, '/api/meetings', { title })).json()) as { id: string; token: string };
	const seed = buildLedningsgrupp20230609();
	const client = connectClient(origin, created.id, created.token);
	await client.synced();
	Y.applyUpdate(client.doc, Y.encodeStateAsUpdate(seed.doc));
	await waitFor(() => client.allSaved(), 'seed saved');
	const invite = await fetch(`${origin}/api/meetings/${created.id}/invitations`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${created.token}` },
		body: JSON.stringify({ participantId: seed.people.helene, name: HELENE, role: 'secretary' })
	});
	expect(invite.status).toBe(201);
	return { ...created, client, participantId: seed.people.helene };
}

async function storedText(storage: SqliteStorage, meetingId: string): Promise<string> {
	return Buffer.concat((await storage.docs.loadUpdates(meetingId)).map((u) => Buffer.from(u))).toString('utf8');
}

describe('personal data: export and erasure of one person', () => {
	it('exports everything about them, erases them from open meetings and keeps approved minutes', async () => {
		const { origin, storage } = await start();
		const open = await seedMeeting(origin, 'Ledningsgrupp 9 juni');
		cleanup.push(() => open.client.destroy());
		const approved = await seedMeeting(origin, 'Ledningsgrupp 9 juni (justerat)');
		approved.client.destroy();
		expect(await storage.minutes.sealMinutes({ meetingId: approved.id, format: 'test', fingerprint: 'f', stateHash: 's', approvedAt: '2023-06-20T10:00:00.000Z', approvers: [] })).toBe(true);

		const exported = await post(origin, '/api/privacy/export', { name: 'helene  olofsson' });
		expect(exported.status).toBe(200);
		const data = (await exported.json()) as { documents: { id: string; approvedAt: string | null; document: { path: string; value: unknown }[]; invitations: { name: string }[] }[] };
		expect(data.documents.map((d) => d.id).sort()).toEqual([open.id, approved.id].sort());
		const inOpen = data.documents.find((d) => d.id === open.id)!;
		expect(inOpen.document.find((f) => f.path === `participants/${open.participantId}`)?.value).toMatchObject({ name: HELENE, organisation: 'Södertörnskommunerna', role: 'secretary' });
		expect(inOpen.document.some((f) => f.path.endsWith('/owner'))).toBe(true);
		expect(inOpen.document.some((f) => f.path.endsWith('/presenters'))).toBe(true);
		expect(inOpen.document.some((f) => f.path.endsWith('/notes') && String(f.value).includes('Helene Olofsson går igenom'))).toBe(true);
		expect(inOpen.invitations).toEqual([expect.objectContaining({ name: HELENE, role: 'secretary' })]);

		expect((await post(origin, '/api/privacy/erase', { name: HELENE })).status).toBe(400);
		const erased = await post(origin, '/api/privacy/erase', { name: HELENE, confirm: true });
		expect(erased.status).toBe(200);
		const report = (await erased.json()) as { erased: { id: string; places: number; invitations: number }[]; kept: { id: string; reason: string }[] };
		expect(report.erased).toEqual([expect.objectContaining({ id: open.id, invitations: 1 })]);
		expect(report.erased[0].places).toBeGreaterThan(5);
		expect(report.kept).toEqual([expect.objectContaining({ id: approved.id, reason: expect.stringMatching(/allmän handling/) })]);

		// The open client's copy changed without a reconnect.
		await waitFor(() => !readMeeting(open.client.doc).participants.some((p) => p.name === HELENE), 'erasure reached the open client');
		const notes = readMeeting(open.client.doc).agenda.map((item) => item.notes).join('\n');
		expect(notes).not.toContain(HELENE);
		expect(notes).toContain('[namn borttaget] går igenom');

		// Gone from the stored bytes of the open meeting, kept in the approved one.
		expect(await storedText(storage, open.id)).not.toContain(HELENE);
		expect(await storedText(storage, approved.id)).toContain(HELENE);
		expect((await storage.tokens.listInvitations(open.id)).map((i) => i.name)).not.toContain(HELENE);

		const after = (await (await post(origin, '/api/privacy/export', { name: HELENE })).json()) as { documents: { id: string }[] };
		expect(after.documents.map((d) => d.id)).toEqual([approved.id]);
	});

	it('answers organisers only, and refuses bad requests clearly', async () => {
		const { origin } = await start();
		expect((await post(origin, '/api/privacy/export', { name: HELENE }, null)).status).toBe(401);
		expect((await post(origin, '/api/privacy/export', { name: HELENE }, 'wrong-secret-wrong-secret')).status).toBe(401);
		const empty = await post(origin, '/api/privacy/export', {});
		expect(empty.status).toBe(400);
		expect((await empty.json()) as { error: string }).toMatchObject({ error: 'Give the name or the e-mail address of the person' });
		expect((await post(origin, '/api/privacy/export', { email: 'not-an-address' })).status).toBe(400);

		const openInstance = await start({});
		const refused = await post(openInstance.origin, '/api/privacy/export', { name: HELENE });
		expect(refused.status).toBe(403);
		expect(((await refused.json()) as { error: string }).error).toMatch(/ORGANISER_SECRET or OIDC_ORGANISER_GROUP/);
		expect(await (await fetch(`${openInstance.origin}/api/instance`)).json()).toMatchObject({ personalData: { secret: false, signedIn: false } });
	});
});
