/**
 * The storage engines the storage benchmark runs against, all through the
 * MeetingStorage interface. PostgreSQL joins with one line in `storageAdapters()`,
 * e.g. `if (process.env.DATABASE_URL) adapters.push({ name: 'postgresql', open: async () => new PostgresStorage(process.env.DATABASE_URL!) });`
 * once server/storage has it (each run should use its own schema or fresh database).
 */
import path from 'node:path';
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
	return adapters;
}
