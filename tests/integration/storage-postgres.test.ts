/**
 * The storage contract and PostgreSQL specifics against the real server
 * (TEST_DATABASE_URL, default 127.0.0.1:5432 database `test`). Every storage a test
 * opens lives in its own fresh schema, dropped after the file.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import * as Y from 'yjs';
import { newMeetingId } from '../../server/auth/tokens.ts';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import { freePort } from './helpers.ts';
import { type TestSchema, freshSchema, servicesAvailable } from './services.ts';
import { storageContract } from './storage-contract.ts';
import { groupStorageContract } from './storage-contract-groups.ts';
import { invitationStorageContract } from './storage-contract-invitations.ts';
import { personalDataStorageContract } from './storage-contract-personal-data.ts';
import { minutesStorageContract } from './storage-contract-minutes.ts';
import { noticeStorageContract } from './storage-contract-notices.ts';
import { sessionStorageContract } from './storage-contract-sessions.ts';
import { fileStoreContract } from './file-store-contract.ts';
import { FileService, type ReadListings } from '../../server/files/service.ts';
import { PostgresBlobStore } from '../../server/files/postgres-blob-store.ts';
import { PostgresFileCatalog } from '../../server/files/postgres-catalog.ts';
import { secretBallotStorageContract } from './storage-contract-secret-ballots.ts';
import { MIGRATIONS } from '../../server/storage/migrations.ts';

const available = await servicesAvailable('storage-postgres.test.ts', 'postgres');

const schemas: TestSchema[] = [];
let lastUrl = '';

afterAll(async () => {
	for (const schema of schemas.splice(0)) await schema.drop();
});

async function openAt(url: string): Promise<PostgresStorage> {
	const storage = new PostgresStorage(url);
	await storage.init();
	return storage;
}

async function schema(): Promise<TestSchema> {
	const created = await freshSchema();
	schemas.push(created);
	return created;
}

function typing(count: number, clientID: number): Uint8Array[] {
	const doc = new Y.Doc();
	doc.clientID = clientID;
	const updates: Uint8Array[] = [];
	doc.on('update', (update: Uint8Array) => updates.push(update));
	const text = doc.getText('notes');
	for (let i = 0; i < count; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)));
	doc.destroy();
	return updates;
}

if (available) {
	storageContract('postgres', {
		async create() {
			lastUrl = (await schema()).url;
			return openAt(lastUrl);
		},
		second: () => openAt(lastUrl)
	});

	const sharedSchema = {
		async create() {
			lastUrl = (await schema()).url;
			return openAt(lastUrl);
		},
		second: () => openAt(lastUrl)
	};
	minutesStorageContract('postgres', sharedSchema);
	groupStorageContract('postgres', sharedSchema);
	invitationStorageContract('postgres', sharedSchema);
	noticeStorageContract('postgres', sharedSchema);
	sessionStorageContract('postgres', sharedSchema);
	secretBallotStorageContract('postgres', sharedSchema);
	personalDataStorageContract('postgres', sharedSchema);

	{
		// The storage runs migration 9 (the file tables); each service gets a pool of its own, as each instance does.
		const opened: { storage: PostgresStorage; pool: pg.Pool }[] = [];
		let filesUrl = '';
		let limitsUsed = { maxFileBytes: 0, maxMeetingBytes: 0 };
		let listingsUsed: ReadListings = async () => [];
		const service = async (url: string) => {
			const storage = await openAt(url);
			const pool = new pg.Pool({ connectionString: url, max: 4 });
			opened.push({ storage, pool });
			const files = new FileService(new PostgresFileCatalog(() => pool), new PostgresBlobStore(() => pool), limitsUsed, listingsUsed);
			await files.catalog.init();
			return files;
		};
		fileStoreContract('postgres', {
			async create(limits, listings) {
				limitsUsed = limits;
				listingsUsed = listings;
				filesUrl = (await schema()).url;
				return service(filesUrl);
			},
			second: () => service(filesUrl),
			async cleanup() {
				for (const { storage, pool } of opened.splice(0)) {
					await pool.end();
					await storage.close();
				}
			}
		});
	}

	describe('PostgresStorage specifics', () => {
		it('runs its migrations once, also when two instances start at the same time', async () => {
			const { url, name } = await schema();
			const [a, b] = await Promise.all([openAt(url), openAt(url)]);
			const c = await openAt(url);
			const client = new pg.Client({ connectionString: url });
			await client.connect();
			try {
				const { rows } = await client.query(`SELECT version FROM ${name}.motesrum_migrations ORDER BY version`);
				expect(rows).toEqual(MIGRATIONS.map(({ version }) => ({ version })));
			} finally {
				await client.end();
				await Promise.all([a.close(), b.close(), c.close()]);
			}
		});

		it('loses no append over many rounds of two instances compacting at once', async () => {
			const { url } = await schema();
			const [a, b] = await Promise.all([openAt(url), openAt(url)]);
			try {
				const id = newMeetingId();
				await a.meetings.createMeeting({ id, title: 'Nämnd' });
				const fromA = typing(200, 1);
				const fromB = typing(200, 2);
				for (let round = 0; round < 10; round++) {
					const slice = (updates: Uint8Array[]) => updates.slice(round * 20, round * 20 + 20);
					await Promise.all([
						...slice(fromA).map((update) => a.docs.appendUpdate(id, update)),
						a.docs.compact(id),
						b.docs.compact(id),
						...slice(fromB).map((update) => b.docs.appendUpdate(id, update)),
						b.docs.compact(id)
					]);
				}
				const doc = new Y.Doc();
				for (const update of await b.docs.loadUpdates(id)) Y.applyUpdate(doc, update);
				const text = doc.getText('notes').toString();
				expect(text.length).toBe(400);
				const expected = new Y.Doc();
				for (const update of [...fromA, ...fromB]) Y.applyUpdate(expected, update);
				expect(text).toBe(expected.getText('notes').toString());
			} finally {
				await Promise.all([a.close(), b.close()]);
			}
		});

		it('refuses to append to a frozen meeting, also through another handle', async () => {
			const { url } = await schema();
			const [a, b] = await Promise.all([openAt(url), openAt(url)]);
			try {
				const id = newMeetingId();
				await a.meetings.createMeeting({ id, title: 'Nämnd' });
				const [first, second] = typing(2, 1);
				await b.docs.appendUpdate(id, first);
				await a.minutes.sealMinutes({ meetingId: id, format: 'f/1', fingerprint: 'a'.repeat(64), stateHash: 'b'.repeat(64), approvedAt: new Date().toISOString(), approvers: [] });
				await expect(b.docs.appendUpdate(id, second)).rejects.toThrow(/frozen/);
				expect(await b.docs.loadUpdates(id)).toHaveLength(1);
			} finally {
				await Promise.all([a.close(), b.close()]);
			}
		});

		it('fails init with the address but without the password when PostgreSQL is unreachable', async () => {
			const port = await freePort();
			const storage = new PostgresStorage(`postgres://motesrum:hemligt@127.0.0.1:${port}/test`);
			const failure = await storage.init().then(
				() => null,
				(error: Error) => error
			);
			expect(failure?.message).toContain(`PostgreSQL at postgres://motesrum@127.0.0.1:${port}/test`);
			expect(failure?.message).not.toContain('hemligt');
		});
	});
} else {
	describe.skip('PostgresStorage (PostgreSQL not reachable)', () => {
		it('contract', () => {});
	});
}
