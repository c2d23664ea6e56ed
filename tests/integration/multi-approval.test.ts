/**
 * Justering on PostgreSQL: two server processes on one schema (DATABASE_URL) with the
 * Redis fan-out. Approval on one instance seals and freezes the meeting in the shared
 * database; on the other instance neither a connection open since before the approval
 * nor a raw client connecting afterwards can change the stored document, the
 * fingerprint verifies on both, and a correction is linked in the shared database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import { readMeeting, setHeader } from '../../src/lib/meeting/index.ts';
import { fingerprint } from '../../src/lib/minutes/canonical.ts';
import { buildLedningsgrupp20230609 } from '../fixtures/seed-ledningsgrupp-2023-06-09.ts';
import { type ServerProcess, connectClient, connectRawSyncClient, createMeeting, recordNotices, waitFor } from './helpers.ts';
import { type Cleanup, startInstances } from './multi-helpers.ts';
import { TEST_REDIS_URL, type TestSchema, freshSchema, servicesAvailable } from './services.ts';

const available = await servicesAvailable('multi-approval.test.ts', 'postgres', 'redis');

const cleanup: Cleanup = [];
let schema: TestSchema;
let one: ServerProcess;
let two: ServerProcess;
let storage: PostgresStorage;

beforeAll(async () => {
	if (!available) return;
	schema = await freshSchema();
	cleanup.push(() => schema.drop());
	[one, two] = await startInstances(2, { databaseUrl: schema.url, redisUrl: TEST_REDIS_URL }, cleanup);
	storage = new PostgresStorage(schema.url);
	await storage.init();
	cleanup.push(() => storage.close());
});

afterAll(async () => {
	while (cleanup.length) await cleanup.pop()!();
});

async function api(origin: string, method: string, url: string, token: string, body?: unknown): Promise<{ status: number; json: any }> {
	const res = await fetch(`${origin}${url}`, {
		method,
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	return { status: res.status, json: await res.json() };
}

async function rawClient(origin: string, meeting: { id: string; token: string }) {
	const raw = await connectRawSyncClient(origin, meeting);
	cleanup.push(() => raw.socket.terminate());
	return raw;
}

/** The document as stored in PostgreSQL, read with a storage of the test's own. */
async function storedDoc(meetingId: string): Promise<Y.Doc> {
	const doc = new Y.Doc();
	for (const update of await storage.docs.loadUpdates(meetingId)) Y.applyUpdate(doc, update);
	return doc;
}

describe.skipIf(!available)('justering on PostgreSQL, two instances', () => {
	it('approve on one instance: the other stores no write (open or new connection), both verify, a correction is linked', async () => {
		const meeting = await createMeeting(one.origin, 'Södertörnskommunernas ledningsgrupp', { sample: false });
		const writer = connectClient(one.origin, meeting.id, meeting.token);
		cleanup.push(() => writer.destroy());
		const writerNotices = recordNotices(writer);
		await writer.synced();
		buildLedningsgrupp20230609({ doc: writer.doc });
		await waitFor(() => writer.allSaved(), 'the seed stored');
		// Open on the other instance before the approval; that instance learns of it only from the database.
		const late = connectClient(two.origin, meeting.id, meeting.token);
		cleanup.push(() => late.destroy());
		const lateNotices = recordNotices(late);
		await late.synced();
		await waitFor(() => readMeeting(late.doc).agenda.length === 11, 'the other instance has the seed');

		expect((await api(one.origin, 'POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'ready' })).status).toBe(200);
		const approved = await api(one.origin, 'POST', `/api/meetings/${meeting.id}/approval`, meeting.token, { action: 'approve' });
		expect(approved.status).toBe(200);
		expect(approved.json.frozenAt).toEqual(expect.any(String));
		const sealed = approved.json.fingerprint as string;
		await waitFor(() => writerNotices.some((n) => n.code === 'frozen'), 'frozen notice to the open connection');
		expect(sealed).toMatch(/^[0-9a-f]{64}$/);
		expect(await storage.meetings.getMeeting(meeting.id)).toMatchObject({ frozenAt: approved.json.frozenAt });
		expect(await storage.minutes.getSeal(meeting.id)).toMatchObject({ fingerprint: sealed, approvedAt: approved.json.frozenAt });

		const stored = await storedDoc(meeting.id);
		const place = readMeeting(stored).header.place;
		setHeader(late.doc, { place: 'Ändrad efter justering' });
		await waitFor(() => lateNotices.some((n) => n.code === 'frozen'), 'frozen notice to the connection open on the other instance');
		expect(late.allSaved()).toBe(false);
		const replica = new Y.Doc();
		Y.applyUpdate(replica, Y.encodeStateAsUpdate(stored));
		const before = Y.encodeStateVector(replica);
		setHeader(replica, { place: 'Någon annanstans' });
		const raw = await rawClient(two.origin, meeting);
		raw.send(Y.encodeStateAsUpdate(replica, before));
		await waitFor(() => raw.notices.some((n) => n.code === 'frozen'), 'frozen notice from the other instance');
		await new Promise((resolve) => setTimeout(resolve, 300));
		const after = await storedDoc(meeting.id);
		expect(readMeeting(after).header.place).toBe(place);
		expect(await fingerprint(after)).toBe(sealed);

		for (const origin of [one.origin, two.origin]) {
			const verified = await api(origin, 'GET', `/api/meetings/${meeting.id}/minutes/verify`, meeting.token);
			expect(verified.json).toMatchObject({ ok: true, fingerprint: sealed, currentFingerprint: sealed, reason: null });
		}

		const correction = await api(two.origin, 'POST', `/api/meetings/${meeting.id}/correction`, meeting.token);
		expect(correction.status).toBe(201);
		expect(await storage.minutes.getVersionLinks(meeting.id)).toEqual({ previousVersionId: null, nextVersionId: correction.json.id });
		expect((await api(one.origin, 'POST', `/api/meetings/${meeting.id}/correction`, meeting.token)).status).toBe(409);
	});
});
