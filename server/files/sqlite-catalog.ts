/**
 * FileCatalog in SQLite, on its own connection to the meeting database file (WAL lets both
 * connections work at once); its tables are migration 9 of server/storage/migrations.ts. The
 * embedded default serves one instance, but that instance may be several processes on the same
 * file (WORKERS > 1): the hash lock is a lock within this process and, for a file database, a
 * lock file beside it (`<database>.locks/<sha256>`, created exclusively) that the other
 * processes wait for.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrateSqlite } from '../storage/migrations.ts';
import { type FileCatalog, type FileSession, KeyedLock, type MeetingFile, type UploadRecord } from './catalog.ts';

interface UploadRow {
	id: string;
	meeting_id: string;
	name: string;
	type: string;
	size: number;
	invitation_id: string | null;
	created_at: string;
}

function toUpload(row: UploadRow): UploadRecord {
	return { id: row.id, meetingId: row.meeting_id, name: row.name, type: row.type, size: row.size, invitationId: row.invitation_id, createdAt: row.created_at };
}

export class SqliteFileCatalog implements FileCatalog {
	readonly #file: string;
	#db: Database.Database | null = null;
	readonly #lock = new KeyedLock();

	/** `file`: the meeting database (SQLITE_FILE_NAME in the data directory) or ':memory:'. */
	constructor(file: string) {
		this.#file = file;
	}

	get #conn(): Database.Database {
		if (!this.#db) throw new Error('SqliteFileCatalog used before init() or after close()');
		return this.#db;
	}

	async init(): Promise<void> {
		if (this.#file !== ':memory:') fs.mkdirSync(path.dirname(this.#file), { recursive: true });
		const db = new Database(this.#file);
		db.pragma('busy_timeout = 5000');
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		// The storage's numbered migrations (9 holds these tables); a no-op once the storage ran them.
		migrateSqlite(db);
		this.#db = db;
	}

	async close(): Promise<void> {
		this.#db?.close();
		this.#db = null;
	}

	async createUpload(upload: Omit<UploadRecord, 'createdAt'>): Promise<UploadRecord> {
		const record = { ...upload, createdAt: new Date().toISOString() };
		this.#conn
			.prepare('INSERT INTO file_uploads (id, meeting_id, name, type, size, invitation_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
			.run(record.id, record.meetingId, record.name, record.type, record.size, record.invitationId, record.createdAt);
		return record;
	}

	async getUpload(id: string): Promise<UploadRecord | null> {
		const row = this.#conn.prepare('SELECT * FROM file_uploads WHERE id = ?').get(id) as UploadRow | undefined;
		return row ? toUpload(row) : null;
	}

	async deleteUpload(id: string): Promise<void> {
		this.#conn.prepare('DELETE FROM file_uploads WHERE id = ?').run(id);
	}

	async staleUploads(before: string): Promise<UploadRecord[]> {
		return (this.#conn.prepare('SELECT * FROM file_uploads WHERE created_at < ? ORDER BY created_at').all(before) as UploadRow[]).map(toUpload);
	}

	async addFile(file: MeetingFile, entriesAtUpload: number): Promise<void> {
		this.#conn
			.prepare(
				`INSERT INTO meeting_files (meeting_id, sha256, size, type, created_at, entries_at_upload) VALUES (?, ?, ?, ?, ?, ?)
				 ON CONFLICT (meeting_id, sha256) DO UPDATE SET entries_at_upload = excluded.entries_at_upload`
			)
			.run(file.meetingId, file.sha256, file.size, file.type, new Date().toISOString(), entriesAtUpload);
	}

	async getFile(meetingId: string, sha256: string): Promise<MeetingFile | null> {
		const row = this.#conn.prepare('SELECT size, type FROM meeting_files WHERE meeting_id = ? AND sha256 = ?').get(meetingId, sha256) as
			| { size: number; type: string }
			| undefined;
		return row ? { meetingId, sha256, size: row.size, type: row.type } : null;
	}

	async heldFiles(meetingId: string): Promise<(MeetingFile & { entriesAtUpload: number })[]> {
		const rows = this.#conn.prepare('SELECT sha256, size, type, entries_at_upload FROM meeting_files WHERE meeting_id = ? ORDER BY sha256').all(meetingId) as {
			sha256: string;
			size: number;
			type: string;
			entries_at_upload: number;
		}[];
		return rows.map((r) => ({ meetingId, sha256: r.sha256, size: r.size, type: r.type, entriesAtUpload: r.entries_at_upload }));
	}

	async forgetFile(meetingId: string, sha256: string, entriesNow: number): Promise<boolean> {
		return this.#conn.prepare('DELETE FROM meeting_files WHERE meeting_id = ? AND sha256 = ? AND entries_at_upload < ?').run(meetingId, sha256, entriesNow).changes > 0;
	}

	async bytesInUse(meetingId: string): Promise<number> {
		const row = this.#conn
			.prepare(
				`SELECT (SELECT coalesce(sum(size), 0) FROM meeting_files WHERE meeting_id = ?) +
				        (SELECT coalesce(sum(size), 0) FROM file_uploads WHERE meeting_id = ?) AS n`
			)
			.get(meetingId, meetingId) as { n: number };
		return row.n;
	}

	async meetingsWithFiles(): Promise<string[]> {
		const rows = this.#conn
			.prepare('SELECT meeting_id FROM meeting_files UNION SELECT meeting_id FROM file_uploads ORDER BY meeting_id')
			.all() as { meeting_id: string }[];
		return rows.map((r) => r.meeting_id);
	}

	async releaseMeeting(meetingId: string): Promise<{ hashes: string[]; uploads: string[] }> {
		const db = this.#conn;
		return db.transaction(() => {
			const hashes = (db.prepare('DELETE FROM meeting_files WHERE meeting_id = ? RETURNING sha256').all(meetingId) as { sha256: string }[]).map((r) => r.sha256);
			const uploads = (db.prepare('DELETE FROM file_uploads WHERE meeting_id = ? RETURNING id').all(meetingId) as { id: string }[]).map((r) => r.id);
			db.prepare('DELETE FROM file_sessions WHERE meeting_id = ?').run(meetingId);
			return { hashes, uploads };
		})();
	}

	async isHeld(sha256: string): Promise<boolean> {
		return this.#conn.prepare('SELECT 1 FROM meeting_files WHERE sha256 = ? LIMIT 1').get(sha256) !== undefined;
	}

	withHashLock<T>(sha256: string, work: () => Promise<T>): Promise<T> {
		if (this.#file === ':memory:') return this.#lock.run(sha256, work);
		return this.#lock.run(sha256, () => withLockFile(path.join(`${this.#file}.locks`, `${sha256}.lock`), work));
	}

	async addSession(hash: string, session: FileSession): Promise<void> {
		this.#conn
			.prepare('INSERT INTO file_sessions (hash, meeting_id, token_hash, expires_at) VALUES (?, ?, ?, ?)')
			.run(hash, session.meetingId, session.tokenHash, session.expiresAt);
	}

	async findSession(hash: string): Promise<FileSession | null> {
		const row = this.#conn.prepare('SELECT meeting_id, token_hash, expires_at FROM file_sessions WHERE hash = ? AND expires_at > ?').get(hash, new Date().toISOString()) as
			| { meeting_id: string; token_hash: string; expires_at: string }
			| undefined;
		return row ? { meetingId: row.meeting_id, tokenHash: row.token_hash, expiresAt: row.expires_at } : null;
	}

	async deleteExpiredSessions(now: string): Promise<void> {
		this.#conn.prepare('DELETE FROM file_sessions WHERE expires_at <= ?').run(now);
	}
}

/** A lock file older than this is taken for one left behind by a process that died holding it. */
const STALE_LOCK_MS = 60_000;
const LOCK_RETRY_MS = 10;

/** Runs `work` while holding `file`, created exclusively (`wx`); waits while another process holds it. */
async function withLockFile<T>(file: string, work: () => Promise<T>): Promise<T> {
	await fs.promises.mkdir(path.dirname(file), { recursive: true });
	for (;;) {
		try {
			const handle = await fs.promises.open(file, 'wx');
			await handle.writeFile(String(process.pid));
			await handle.close();
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			const held = await fs.promises.readFile(file, 'utf8').catch(() => '');
			const age = await fs.promises.stat(file).then((stat) => Date.now() - stat.mtimeMs, () => 0);
			if (age > STALE_LOCK_MS || (held !== '' && !processAlive(Number(held)))) await fs.promises.rm(file, { force: true });
			else await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
		}
	}
	try {
		return await work();
	} finally {
		await fs.promises.rm(file, { force: true });
	}
}

function processAlive(pid: number): boolean {
	if (!Number.isInteger(pid) || pid <= 0) return false;
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}
