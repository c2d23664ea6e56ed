/**
 * FileCatalog in PostgreSQL (shared by every instance). The hash lock is a session-level
 * advisory lock, so it holds across instances. Tables: migration 9 in server/storage/migrations.ts,
 * which also creates the PostgresBlobStore's chunk tables.
 */
import type pg from 'pg';
import type { FileCatalog, FileSession, MeetingFile, UploadRecord } from './catalog.ts';

interface UploadRow {
	id: string;
	meeting_id: string;
	name: string;
	type: string;
	size: string;
	invitation_id: string | null;
	created_at: Date;
}

function toUpload(row: UploadRow): UploadRecord {
	return {
		id: row.id,
		meetingId: row.meeting_id,
		name: row.name,
		type: row.type,
		size: Number(row.size),
		invitationId: row.invitation_id,
		createdAt: row.created_at.toISOString()
	};
}

export class PostgresFileCatalog implements FileCatalog {
	readonly #pool: () => pg.Pool;

	/** The pool is the storage's (its migrations create these tables) or one of the caller's. */
	constructor(pool: () => pg.Pool) {
		this.#pool = pool;
	}

	async init(): Promise<void> {
		// The tables are migration 9 of the storage's runner: fail clearly if it has not run.
		await this.#pool().query('SELECT 1 FROM meeting_files LIMIT 0');
	}

	async close(): Promise<void> {}

	async createUpload(upload: Omit<UploadRecord, 'createdAt'>): Promise<UploadRecord> {
		const { rows } = await this.#pool().query<UploadRow>(
			'INSERT INTO file_uploads (id, meeting_id, name, type, size, invitation_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
			[upload.id, upload.meetingId, upload.name, upload.type, upload.size, upload.invitationId]
		);
		return toUpload(rows[0]);
	}

	async getUpload(id: string): Promise<UploadRecord | null> {
		const { rows } = await this.#pool().query<UploadRow>('SELECT * FROM file_uploads WHERE id = $1', [id]);
		return rows.length > 0 ? toUpload(rows[0]) : null;
	}

	async deleteUpload(id: string): Promise<void> {
		await this.#pool().query('DELETE FROM file_uploads WHERE id = $1', [id]);
	}

	async staleUploads(before: string): Promise<UploadRecord[]> {
		const { rows } = await this.#pool().query<UploadRow>('SELECT * FROM file_uploads WHERE created_at < $1 ORDER BY created_at', [before]);
		return rows.map(toUpload);
	}

	async addFile(file: MeetingFile, entriesAtUpload: number): Promise<void> {
		await this.#pool().query(
			`INSERT INTO meeting_files (meeting_id, sha256, size, type, entries_at_upload) VALUES ($1, $2, $3, $4, $5)
			 ON CONFLICT (meeting_id, sha256) DO UPDATE SET entries_at_upload = excluded.entries_at_upload`,
			[file.meetingId, file.sha256, file.size, file.type, entriesAtUpload]
		);
	}

	async getFile(meetingId: string, sha256: string): Promise<MeetingFile | null> {
		const { rows } = await this.#pool().query<{ size: string; type: string }>('SELECT size, type FROM meeting_files WHERE meeting_id = $1 AND sha256 = $2', [
			meetingId,
			sha256
		]);
		return rows.length > 0 ? { meetingId, sha256, size: Number(rows[0].size), type: rows[0].type } : null;
	}

	async heldFiles(meetingId: string): Promise<(MeetingFile & { entriesAtUpload: number })[]> {
		const { rows } = await this.#pool().query<{ sha256: string; size: string; type: string; entries_at_upload: number }>(
			'SELECT sha256, size, type, entries_at_upload FROM meeting_files WHERE meeting_id = $1 ORDER BY sha256',
			[meetingId]
		);
		return rows.map((r) => ({ meetingId, sha256: r.sha256, size: Number(r.size), type: r.type, entriesAtUpload: r.entries_at_upload }));
	}

	async forgetFile(meetingId: string, sha256: string, entriesNow: number): Promise<boolean> {
		const { rowCount } = await this.#pool().query('DELETE FROM meeting_files WHERE meeting_id = $1 AND sha256 = $2 AND entries_at_upload < $3', [meetingId, sha256, entriesNow]);
		return (rowCount ?? 0) > 0;
	}

	async bytesInUse(meetingId: string): Promise<number> {
		const { rows } = await this.#pool().query<{ n: string }>(
			`SELECT (SELECT coalesce(sum(size), 0) FROM meeting_files WHERE meeting_id = $1) +
			        (SELECT coalesce(sum(size), 0) FROM file_uploads WHERE meeting_id = $1) AS n`,
			[meetingId]
		);
		return Number(rows[0].n);
	}

	async meetingsWithFiles(): Promise<string[]> {
		const { rows } = await this.#pool().query<{ meeting_id: string }>(
			'SELECT meeting_id FROM meeting_files UNION SELECT meeting_id FROM file_uploads ORDER BY meeting_id'
		);
		return rows.map((r) => r.meeting_id);
	}

	async releaseMeeting(meetingId: string): Promise<{ hashes: string[]; uploads: string[] }> {
		const client = await this.#pool().connect();
		try {
			await client.query('BEGIN');
			const hashes = await client.query<{ sha256: string }>('DELETE FROM meeting_files WHERE meeting_id = $1 RETURNING sha256', [meetingId]);
			const uploads = await client.query<{ id: string }>('DELETE FROM file_uploads WHERE meeting_id = $1 RETURNING id', [meetingId]);
			await client.query('DELETE FROM file_sessions WHERE meeting_id = $1', [meetingId]);
			await client.query('COMMIT');
			return { hashes: hashes.rows.map((r) => r.sha256), uploads: uploads.rows.map((r) => r.id) };
		} catch (error) {
			await client.query('ROLLBACK').catch(() => {});
			throw error;
		} finally {
			client.release();
		}
	}

	async isHeld(sha256: string): Promise<boolean> {
		const { rows } = await this.#pool().query('SELECT 1 FROM meeting_files WHERE sha256 = $1 LIMIT 1', [sha256]);
		return rows.length > 0;
	}

	async withHashLock<T>(sha256: string, work: () => Promise<T>): Promise<T> {
		const client = await this.#pool().connect();
		const key = `motesrum:blob:${sha256}`;
		try {
			await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [key]);
			try {
				return await work();
			} finally {
				await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key]);
			}
		} finally {
			client.release();
		}
	}

	async addSession(hash: string, session: FileSession): Promise<void> {
		await this.#pool().query('INSERT INTO file_sessions (hash, meeting_id, token_hash, expires_at) VALUES ($1, $2, $3, $4)', [
			hash,
			session.meetingId,
			session.tokenHash,
			session.expiresAt
		]);
	}

	async findSession(hash: string): Promise<FileSession | null> {
		const { rows } = await this.#pool().query<{ meeting_id: string; token_hash: string; expires_at: Date }>(
			'SELECT meeting_id, token_hash, expires_at FROM file_sessions WHERE hash = $1 AND expires_at > now()',
			[hash]
		);
		return rows.length > 0 ? { meetingId: rows[0].meeting_id, tokenHash: rows[0].token_hash, expiresAt: rows[0].expires_at.toISOString() } : null;
	}

	async deleteExpiredSessions(now: string): Promise<void> {
		await this.#pool().query('DELETE FROM file_sessions WHERE expires_at <= $1', [now]);
	}
}
