/**
 * The file store the server runs with: in the data directory beside SQLite (the embedded
 * default), or in PostgreSQL when DATABASE_URL is set (every instance sees every file).
 */
import path from 'node:path';
import pg from 'pg';
import type { ServerConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import { SQLITE_FILE_NAME } from '../storage/sqlite.ts';
import { FsBlobStore } from './fs-blob-store.ts';
import { PostgresBlobStore } from './postgres-blob-store.ts';
import { PostgresFileCatalog } from './postgres-catalog.ts';
import { FileService, type ReadListings } from './service.ts';
import { SqliteFileCatalog } from './sqlite-catalog.ts';

export interface OpenedFiles {
	files: FileService;
	close(): Promise<void>;
}

/**
 * Opens (and initialises) the store; for PostgreSQL the storage's migrations must have run.
 * `listings` reads what the meetings' documents list (listings.ts documentListings).
 */
export async function openFiles(
	config: Pick<ServerConfig, 'databaseUrl' | 'dataDir' | 'maxFileBytes' | 'maxMeetingFileBytes'>,
	listings: ReadListings,
	log?: Logger
): Promise<OpenedFiles> {
	const limits = { maxFileBytes: config.maxFileBytes, maxMeetingBytes: config.maxMeetingFileBytes };
	if (config.databaseUrl) {
		// A small pool of its own: a long upload never waits behind the meeting log's queries.
		const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4, connectionTimeoutMillis: 3000, keepAlive: true });
		pool.on('error', (error) => log?.warn({ err: error.message }, 'idle PostgreSQL connection (files) lost'));
		const files = new FileService(new PostgresFileCatalog(() => pool), new PostgresBlobStore(() => pool), limits, listings);
		try {
			await files.catalog.init();
			await files.blobs.init();
		} catch (error) {
			await pool.end().catch(() => {});
			throw error;
		}
		return { files, close: () => pool.end() };
	}
	const catalog = new SqliteFileCatalog(path.join(config.dataDir, SQLITE_FILE_NAME));
	const files = new FileService(catalog, FsBlobStore.inDataDir(config.dataDir), limits, listings);
	await catalog.init();
	await files.blobs.init();
	return { files, close: () => catalog.close() };
}
