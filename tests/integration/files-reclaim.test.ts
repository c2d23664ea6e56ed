/**
 * Handlingar removed from a meeting stop counting against its limit and their bytes go,
 * against the real server process on both engines (SQLite with the data directory, and
 * PostgreSQL): a meeting filled near its limit takes a new upload once files are removed in
 * its document; a removed file's blob goes unless another meeting holds the same bytes; a
 * finished upload nobody listed keeps counting; a removed file listed again after its bytes
 * went answers 404 until its bytes are uploaded again.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../server/files/fs-blob-store.ts';
import { PostgresBlobStore } from '../../server/files/postgres-blob-store.ts';
import { addAttachment, addItem, initMeeting, removeAttachment } from '../../src/lib/meeting/index.ts';
import { pdfBytes } from './file-store-contract.ts';
import { type Client, type ServerProcess, connectClient, createMeeting, startServerProcess, tempDir, waitFor } from './helpers.ts';
import { type TestSchema, freshSchema, servicesAvailable } from './services.ts';

const postgres = await servicesAvailable('files-reclaim.test.ts', 'postgres');

const LIMITS = { MAX_FILE_BYTES: '600000', MAX_MEETING_FILE_BYTES: '1000000' };
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Engine {
	server: ServerProcess;
	/** The blob's size in the engine's store, null when it is gone. */
	blobSize(sha256: string): Promise<number | null>;
	close(): Promise<void>;
}

async function sqliteEngine(): Promise<Engine> {
	const dataDir = tempDir();
	const server = await startServerProcess({ dataDir, env: LIMITS });
	const blobs = FsBlobStore.inDataDir(dataDir);
	return {
		server,
		blobSize: (sha256) => blobs.size(sha256),
		async close() {
			await server.stop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

async function postgresEngine(): Promise<Engine> {
	const schema: TestSchema = await freshSchema();
	const dataDir = tempDir();
	const server = await startServerProcess({ dataDir, env: { ...LIMITS, DATABASE_URL: schema.url } });
	const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
	const blobs = new PostgresBlobStore(() => pool);
	return {
		server,
		blobSize: (sha256) => blobs.size(sha256),
		async close() {
			await server.stop();
			await pool.end();
			await schema.drop();
			fs.rmSync(dataDir, { recursive: true, force: true });
		}
	};
}

const engines: [string, () => Promise<Engine>, boolean][] = [
	['SQLite', sqliteEngine, true],
	['PostgreSQL', postgresEngine, postgres]
];

for (const [name, open, available] of engines) {
	describe.skipIf(!available)(`removed handlingar on ${name}`, () => {
		let engine: Engine;
		const clients: Client[] = [];

		beforeAll(async () => {
			engine = await open();
		});

		afterAll(async () => {
			for (const c of clients) c.destroy();
			await engine?.close();
		});

		async function api(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
			const raw = body instanceof Uint8Array;
			const res = await fetch(`${engine.server.origin}${url}`, {
				method,
				headers: { authorization: `Bearer ${token}`, ...(body === undefined || raw ? {} : { 'content-type': 'application/json' }), ...headers },
				body: body === undefined ? undefined : raw ? new Blob([new Uint8Array(body)]) : JSON.stringify(body)
			});
			const text = await res.text();
			return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : null };
		}

		const start = (meeting: { id: string; token: string }, size: number) =>
			api('POST', `/api/meetings/${meeting.id}/uploads`, meeting.token, { name: 'Bilaga.pdf', type: 'application/pdf', size });

		/** Uploads `bytes` whole and finishes them; the caller lists them (or not). */
		async function upload(meeting: { id: string; token: string }, bytes: Buffer): Promise<void> {
			const started = await start(meeting, bytes.length);
			expect(started.status).toBe(201);
			await api('PATCH', `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}`, meeting.token, bytes, { 'upload-offset': '0' });
			expect((await api('POST', `/api/meetings/${meeting.id}/uploads/${started.json.uploadId}/finish`, meeting.token)).json.sha256).toBe(sha(bytes));
		}

		async function meetingWithItem() {
			const meeting = await createMeeting(engine.server.origin, 'Nämnd', { sample: false });
			const writer = connectClient(engine.server.origin, meeting.id, meeting.token);
			clients.push(writer);
			await writer.synced();
			initMeeting(writer.doc, { title: 'Nämnd' });
			const itemId = addItem(writer.doc, { title: 'Budget 2027' });
			await waitFor(() => writer.allSaved(), 'the meeting stored');
			const list = async (bytes: Buffer) => {
				const id = addAttachment(writer.doc, itemId, { name: 'Underlag.pdf', sha256: sha(bytes), size: bytes.length, type: 'application/pdf' });
				await waitFor(() => writer.allSaved(), 'the listing stored');
				return id;
			};
			return { meeting, writer, list };
		}

		const file = (meeting: { id: string; token: string }, attachmentId: string) =>
			fetch(`${engine.server.origin}/api/meetings/${meeting.id}/files/${attachmentId}`, { headers: { authorization: `Bearer ${meeting.token}` } });

		it('takes a new upload once files are removed, removes their blob unless another meeting holds it, and keeps counting an unlisted upload', async () => {
			const a = await meetingWithItem();
			const b = await meetingWithItem();
			const shared = pdfBytes(400_000);
			const own = pdfBytes(300_000);
			const unlisted = pdfBytes(250_000);
			await upload(a.meeting, shared);
			const sharedInA = await a.list(shared);
			await upload(b.meeting, shared);
			const sharedInB = await b.list(shared);
			await upload(a.meeting, own);
			const ownInA = await a.list(own);
			await upload(a.meeting, unlisted);

			const full = await start(a.meeting, 200_000);
			expect(full.status).toBe(413);
			expect(full.json).toMatchObject({ code: 'meeting-full', used: 950_000 });

			removeAttachment(a.writer.doc, sharedInA);
			removeAttachment(a.writer.doc, ownInA);
			await waitFor(() => a.writer.allSaved(), 'the removals stored');
			const next = pdfBytes(200_000);
			await upload(a.meeting, next);
			const nextInA = await a.list(next);
			expect((await file(a.meeting, nextInA)).status).toBe(200);

			expect((await file(a.meeting, sharedInA)).status).toBe(404);
			expect((await file(a.meeting, ownInA)).status).toBe(404);
			expect(await engine.blobSize(sha(own))).toBeNull();
			// The same bytes in another meeting: still there, still served.
			expect(await engine.blobSize(sha(shared))).toBe(shared.length);
			const fromB = await file(b.meeting, sharedInB);
			expect(fromB.status).toBe(200);
			expect(sha(new Uint8Array(await fromB.arrayBuffer()))).toBe(sha(shared));

			// The finished upload nobody listed still counts, with the new file.
			const refused = await start(a.meeting, 600_000);
			expect(refused.status).toBe(413);
			expect(refused.json).toMatchObject({ code: 'meeting-full', used: 250_000 + 200_000 });
			expect(await engine.blobSize(sha(unlisted))).toBe(unlisted.length);
		});

		it('answers 404 for a removed file listed again after its bytes went, until someone uploads them again', async () => {
			const a = await meetingWithItem();
			const bytes = pdfBytes(100_000);
			await upload(a.meeting, bytes);
			const entry = await a.list(bytes);
			removeAttachment(a.writer.doc, entry);
			await waitFor(() => a.writer.allSaved(), 'the removal stored');
			expect((await start(a.meeting, 1000)).status).toBe(201);
			expect(await engine.blobSize(sha(bytes))).toBeNull();

			// An edit from a device that was offline at the removal wins over it and lists the file again.
			const attachments = a.writer.doc.getMap('attachments');
			attachments.set(entry, { ...(attachments.get(entry) as Record<string, unknown>), deletedAt: null });
			await waitFor(() => a.writer.allSaved(), 'the listing stored');
			const missing = await file(a.meeting, entry);
			expect(missing.status).toBe(404);
			expect(await missing.text()).toMatch(/holds no such file/);

			await upload(a.meeting, bytes);
			expect((await start(a.meeting, 1000)).status).toBe(201);
			const back = await file(a.meeting, entry);
			expect(back.status).toBe(200);
			expect(sha(new Uint8Array(await back.arrayBuffer()))).toBe(sha(bytes));
		});
	});
}
