import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { storageContract } from './storage-contract.ts';
import { minutesStorageContract } from './storage-contract-minutes.ts';

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

describe('SqliteStorage specifics', () => {
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
