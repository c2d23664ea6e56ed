/**
 * BlobStore in PostgreSQL, for several instances: every blob and every staged upload is a
 * series of rows of at most CHUNK_BYTES (`file_chunks`, keyed by owner and offset), written
 * as the bytes arrive and read a few rows at a time, so neither side holds a whole file.
 * A staged upload becomes a blob by renaming its rows' owner (the TOASTed data is not
 * copied); `file_blobs` holds one row per whole blob. Tables: migration 9 (server/storage/migrations.ts).
 */
import type pg from 'pg';
import { BlobLimitError, BlobOffsetError, type BlobStore } from './blob-store.ts';
import { isUniqueViolation, transaction } from '../storage/postgres-common.ts';

/** Rows are at most this large: big enough for few rows per file, small enough to read a few at a time. */
export const CHUNK_BYTES = 256 * 1024;
/** Rows fetched per query when reading. */
const ROWS_PER_READ = 4;

const stage = (stageId: string) => `stage:${stageId}`;
const blob = (sha256: string) => `blob:${sha256}`;

export class PostgresBlobStore implements BlobStore {
	readonly #pool: () => pg.Pool;

	constructor(pool: () => pg.Pool) {
		this.#pool = pool;
	}

	async init(): Promise<void> {}
	async close(): Promise<void> {}

	async #length(owner: string): Promise<number> {
		const { rows } = await this.#pool().query<{ n: string }>(
			'SELECT coalesce(sum(length(data)), 0)::bigint AS n FROM file_chunks WHERE owner = $1',
			[owner]
		);
		return Number(rows[0].n);
	}

	stagedLength(stageId: string): Promise<number> {
		return this.#length(stage(stageId));
	}

	async append(stageId: string, offset: number, body: AsyncIterable<Uint8Array>, limit: number): Promise<number> {
		const owner = stage(stageId);
		const length = await this.#length(owner);
		if (length !== offset) throw new BlobOffsetError(length);
		let written = offset;
		let pending: Buffer[] = [];
		let pendingBytes = 0;
		const flush = async () => {
			if (pendingBytes === 0) return;
			const data = Buffer.concat(pending, pendingBytes);
			pending = [];
			pendingBytes = 0;
			try {
				// The key (owner, offset) makes a second writer at the same offset fail instead of interleaving.
				await this.#pool().query('INSERT INTO file_chunks (owner, start_offset, data) VALUES ($1, $2, $3)', [owner, written, data]);
			} catch (error) {
				if (isUniqueViolation(error)) throw new BlobOffsetError(await this.#length(owner));
				throw error;
			}
			written += data.byteLength;
		};
		try {
			for await (const chunk of body) {
				if (written + pendingBytes + chunk.byteLength > limit) throw new BlobLimitError(limit);
				let rest = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
				while (rest.byteLength > 0) {
					const take = Math.min(rest.byteLength, CHUNK_BYTES - pendingBytes);
					pending.push(rest.subarray(0, take));
					pendingBytes += take;
					rest = rest.subarray(take);
					if (pendingBytes === CHUNK_BYTES) await flush();
				}
			}
		} catch (error) {
			// What arrived before the request broke is kept, so the upload resumes after it.
			if (!(error instanceof BlobLimitError) && !(error instanceof BlobOffsetError)) await flush().catch(() => {});
			throw error;
		}
		await flush();
		return written;
	}

	async *#rows(owner: string): AsyncIterable<Uint8Array> {
		let from = 0;
		for (;;) {
			const { rows } = await this.#pool().query<{ start_offset: string; data: Buffer }>(
				'SELECT start_offset, data FROM file_chunks WHERE owner = $1 AND start_offset >= $2 ORDER BY start_offset LIMIT $3',
				[owner, from, ROWS_PER_READ]
			);
			for (const row of rows) {
				if (Number(row.start_offset) !== from) throw new Error(`blob ${owner} has a gap at ${from}`);
				yield new Uint8Array(row.data.buffer, row.data.byteOffset, row.data.byteLength);
				from += row.data.byteLength;
			}
			if (rows.length < ROWS_PER_READ) return;
		}
	}

	readStaged(stageId: string): AsyncIterable<Uint8Array> {
		return this.#rows(stage(stageId));
	}

	async promote(stageId: string, sha256: string): Promise<void> {
		await transaction(this.#pool(), async (client) => {
			const size = await client.query<{ n: string }>('SELECT coalesce(sum(length(data)), 0)::bigint AS n FROM file_chunks WHERE owner = $1', [stage(stageId)]);
			// A concurrent promotion of the same bytes waits here for the first to commit, then finds the blob.
			const created = await client.query('INSERT INTO file_blobs (sha256, size) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING', [sha256, size.rows[0].n]);
			if (created.rowCount === 1) await client.query('UPDATE file_chunks SET owner = $1 WHERE owner = $2', [blob(sha256), stage(stageId)]);
			else await client.query('DELETE FROM file_chunks WHERE owner = $1', [stage(stageId)]);
		});
	}

	async discardStaged(stageId: string): Promise<void> {
		await this.#pool().query('DELETE FROM file_chunks WHERE owner = $1', [stage(stageId)]);
	}

	async size(sha256: string): Promise<number | null> {
		const { rows } = await this.#pool().query<{ size: string }>('SELECT size FROM file_blobs WHERE sha256 = $1', [sha256]);
		return rows.length > 0 ? Number(rows[0].size) : null;
	}

	read(sha256: string): AsyncIterable<Uint8Array> {
		return this.#rows(blob(sha256));
	}

	async delete(sha256: string): Promise<void> {
		await transaction(this.#pool(), async (client) => {
			await client.query('DELETE FROM file_blobs WHERE sha256 = $1', [sha256]);
			await client.query('DELETE FROM file_chunks WHERE owner = $1', [blob(sha256)]);
		});
	}
}
