import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { storageContract } from './storage-contract.ts';
import { groupStorageContract } from './storage-contract-groups.ts';
import { minutesStorageContract } from './storage-contract-minutes.ts';
import { invitationStorageContract } from './storage-contract-invitations.ts';
import { noticeStorageContract } from './storage-contract-notices.ts';
import { sessionStorageContract } from './storage-contract-sessions.ts';
import { secretBallotStorageContract } from './storage-contract-secret-ballots.ts';
import { personalDataStorageContract } from './storage-contract-personal-data.ts';
import { fileStoreContract } from './file-store-contract.ts';
import { FsBlobStore } from '../../server/files/fs-blob-store.ts';
import { FileService } from '../../server/files/service.ts';
import { SqliteFileCatalog } from '../../server/files/sqlite-catalog.ts';

const dirs: string[] = [];
let lastFile = '';

afterAll(() => {
	for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function openAt(file: string): Promise<SqliteStorage> {
	const storage = new SqliteStorage(file);
	await storage.init();
	return storage;
}

storageContract('sqlite (file)', {
	async create() {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-sqlite-'));
		dirs.push(dir);
		lastFile = path.join(dir, 'nested', 'motesrum.db');
		return openAt(lastFile);
	},
	second: () => openAt(lastFile)
});

storageContract('sqlite (memory)', { create: () => openAt(':memory:') });
minutesStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });
noticeStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });
sessionStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });
secretBallotStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });
groupStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });
groupStorageContract('sqlite (file)', {
	async create() {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-sqlite-'));
		dirs.push(dir);
		lastFile = path.join(dir, 'motesrum.db');
		return openAt(lastFile);
	},
	second: () => openAt(lastFile)
});
invitationStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });
personalDataStorageContract('sqlite (memory)', { create: () => openAt(':memory:') });

describe('SqliteStorage specifics', () => {
	it('adds the invitation columns to a database made before them, giving old tokens ids', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-sqlite-'));
		dirs.push(dir);
		const file = path.join(dir, 'old.db');
		const Database = (await import('better-sqlite3')).default;
		const old = new Database(file);
		old.exec(`CREATE TABLE meetings (id TEXT PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL,
			epoch INTEGER NOT NULL DEFAULT 1, frozen_at TEXT, deleted_at TEXT);
			CREATE TABLE tokens (hash TEXT PRIMARY KEY, meeting_id TEXT NOT NULL REFERENCES meetings(id), role TEXT NOT NULL,
			label TEXT NOT NULL, created_at TEXT NOT NULL, revoked_at TEXT);
			INSERT INTO meetings VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'Gammal', '2024-01-01T00:00:00.000Z', 1, NULL, NULL);
			INSERT INTO tokens VALUES ('h1', 'AAAAAAAAAAAAAAAAAAAAAA', 'organiser', '', '2024-01-01T00:00:00.000Z', NULL);`);
		old.close();
		const storage = await openAt(file);
		const [invitation] = await storage.tokens.listInvitations('AAAAAAAAAAAAAAAAAAAAAA');
		expect(invitation).toMatchObject({ role: 'organiser', participantId: null, revokedAt: null });
		expect(invitation.id).toMatch(/^[A-Za-z0-9_-]{16}$/);
		expect((await storage.tokens.findToken('h1'))?.id).toBe(invitation.id);
		await storage.close();
	});

	it('runs in WAL mode and creates its data directory', async () => {
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-sqlite-'));
		dirs.push(dir);
		const storage = SqliteStorage.inDataDir(path.join(dir, 'data'));
		await storage.init();
		expect(fs.existsSync(path.join(dir, 'data', 'motesrum.db'))).toBe(true);
		const Database = (await import('better-sqlite3')).default;
		const db = new Database(path.join(dir, 'data', 'motesrum.db'), { readonly: true });
		expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
		db.close();
		await storage.close();
	});
});

{
	const open: SqliteFileCatalog[] = [];
	fileStoreContract('sqlite + data directory', {
		async create(limits, listings) {
			const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'motesrum-files-'));
			dirs.push(dir);
			const catalog = new SqliteFileCatalog(path.join(dir, 'motesrum.db'));
			const files = new FileService(catalog, FsBlobStore.inDataDir(dir), limits, listings);
			await catalog.init();
			await files.blobs.init();
			open.push(catalog);
			return files;
		},
		async cleanup() {
			for (const catalog of open.splice(0)) await catalog.close();
		}
	});
}
