/**
 * The storage engines the storage benchmark runs against, all through the
 * MeetingStorage interface. PostgreSQL joins when `BENCH_DATABASE_URL` is set
 * (e.g. postgres://postgres@127.0.0.1:5432/test); each open gets a schema of its own,
 * dropped when the storage is closed.
 */
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import type { MeetingStorage } from '../../server/storage/types.ts';
import { tempDir } from '../lib/servers.ts';

export interface StorageAdapter {
	name: string;
	/** A fresh, not yet initialised storage. */
	open(): Promise<MeetingStorage>;
}

export function storageAdapters(): StorageAdapter[] {
	const adapters: StorageAdapter[] = [
		{
			name: 'sqlite (file, WAL, synchronous=NORMAL)',
			open: async () => new SqliteStorage(path.join(tempDir('storage'), 'motesrum.db'))
		}
	];
	const databaseUrl = process.env.BENCH_DATABASE_URL;
	if (databaseUrl) adapters.push({ name: 'postgresql (local, one pool)', open: () => openPostgres(databaseUrl) });
	return adapters;
}

async function openPostgres(databaseUrl: string): Promise<MeetingStorage> {
	const schema = `bench_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: databaseUrl });
	await admin.connect();
	await admin.query(`CREATE SCHEMA ${schema}`);
	await admin.end();
	const url = new URL(databaseUrl);
	url.searchParams.set('options', `-c search_path=${schema}`);
	const storage = new PostgresStorage(url.toString());
	const close = storage.close.bind(storage);
	storage.close = async () => {
		await close();
		const dropper = new pg.Client({ connectionString: databaseUrl });
		await dropper.connect();
		await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
		await dropper.end();
	};
	return storage;
}
