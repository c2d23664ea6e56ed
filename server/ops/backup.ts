/**
 * Backups of the SQLite database while the server runs (SQLite's online backup API
 * through better-sqlite3: pages are copied in steps, writers are not blocked, and the copy
 * is one consistent state) and their restore into a stopped server's data directory.
 * The handlingar's bytes live beside the database as immutable files named by their
 * SHA-256 (server/files/fs-blob-store.ts): they are copied after the database, into
 * `<file>.files/`, so every file the copied database lists is in the copy (a blob is
 * finished before any meeting lists it). PostgreSQL keeps the bytes in the database and is
 * backed up with its own tools: `pgDumpCommand` prints the line.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { FsBlobStore } from '../files/fs-blob-store.ts';
import { SQLITE_FILE_NAME } from '../storage/sqlite.ts';

/** Tables a Mötesrum database has; a restore refuses a file without them. */
const REQUIRED_TABLES = ['meetings', 'tokens', 'updates'];

export interface BackupResult {
	file: string;
	bytes: number;
	meetings: number;
	/** The handlingar copied beside it (`<file>.files/`), and their bytes. */
	files: number;
	fileBytes: number;
	ms: number;
}

/** Where a backup keeps the handlingar's bytes. */
export function filesOfBackup(file: string): string {
	return `${file}.files`;
}

/** Copies every blob under `from` to `to`, keeping what is there (same name, same bytes); returns how many and their bytes. */
function copyBlobs(from: string, to: string): { files: number; fileBytes: number } {
	let files = 0;
	let fileBytes = 0;
	if (!fs.existsSync(from)) return { files, fileBytes };
	for (const entry of fs.readdirSync(from, { recursive: true, withFileTypes: true })) {
		if (!entry.isFile()) continue;
		const source = path.join(entry.parentPath, entry.name);
		const target = path.join(to, path.relative(from, source));
		fs.mkdirSync(path.dirname(target), { recursive: true });
		if (!fs.existsSync(target)) fs.copyFileSync(source, target);
		files++;
		fileBytes += fs.statSync(source).size;
	}
	return { files, fileBytes };
}

/** Copies the database in `dataDir` to `target` (which must not exist yet), online. */
export async function backupSqlite(dataDir: string, target: string): Promise<BackupResult> {
	const source = path.join(dataDir, SQLITE_FILE_NAME);
	if (!fs.existsSync(source)) throw new Error(`No database at ${source} (is DATA_DIR right?)`);
	if (fs.existsSync(target)) throw new Error(`${target} exists already; choose a new file name`);
	fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
	const started = performance.now();
	const db = new Database(source, { readonly: true, fileMustExist: true });
	try {
		db.pragma('busy_timeout = 5000');
		await db.backup(target);
	} finally {
		db.close();
	}
	const { meetings } = verify(target);
	const copied = copyBlobs(FsBlobStore.blobsIn(FsBlobStore.rootIn(dataDir)), filesOfBackup(target));
	return { file: target, bytes: fs.statSync(target).size, meetings, ...copied, ms: Math.round(performance.now() - started) };
}

/** Checks that `file` is an intact Mötesrum database; returns how many meetings it holds. */
export function verify(file: string): { meetings: number } {
	const db = new Database(file, { readonly: true, fileMustExist: true });
	try {
		const integrity = db.pragma('integrity_check', { simple: true });
		if (integrity !== 'ok') throw new Error(`${file} is damaged: ${String(integrity)}`);
		const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
		const missing = REQUIRED_TABLES.filter((table) => !tables.has(table));
		if (missing.length > 0) throw new Error(`${file} is not a Mötesrum database (no ${missing.join(', ')} table)`);
		const { n } = db.prepare('SELECT count(*) AS n FROM meetings WHERE deleted_at IS NULL').get() as { n: number };
		return { meetings: n };
	} finally {
		db.close();
	}
}

/**
 * Puts the backup `file` in place as the database of `dataDir`. The server must be
 * stopped: the old database (and its WAL) are replaced, not merged. The previous file
 * is kept beside it as `motesrum.db.before-restore-<time>`.
 */
export function restoreSqlite(file: string, dataDir: string): { meetings: number; files: number; previous: string | null } {
	const { meetings } = verify(file);
	fs.mkdirSync(dataDir, { recursive: true });
	const target = path.join(dataDir, SQLITE_FILE_NAME);
	let previous: string | null = null;
	if (fs.existsSync(target)) {
		// Folds the WAL into the file, so the kept copy is whole; fails if a server holds it.
		const db = new Database(target, { fileMustExist: true });
		try {
			db.pragma('wal_checkpoint(TRUNCATE)');
		} finally {
			db.close();
		}
		previous = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
		fs.renameSync(target, previous);
	}
	for (const suffix of ['-wal', '-shm']) fs.rmSync(target + suffix, { force: true });
	const staging = `${target}.restoring`;
	fs.copyFileSync(file, staging);
	fs.renameSync(staging, target);
	const { files } = copyBlobs(filesOfBackup(file), FsBlobStore.blobsIn(FsBlobStore.rootIn(dataDir)));
	return { meetings, files, previous };
}

/** The pg_dump line for a PostgreSQL deployment (custom format, restorable with pg_restore). */
export function pgDumpCommand(target: string): string {
	return `pg_dump --format=custom --no-owner --file=${JSON.stringify(target)} "$DATABASE_URL"`;
}
