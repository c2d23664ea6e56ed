/**
 * Helpers shared by the PostgreSQL storage files (postgres.ts and the per-feature files
 * beside it), kept here so those files need not import each other.
 */
import pg from 'pg';

/** Runs `work` in one transaction on one pooled connection; rolls back and rethrows on any error. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		const result = await work(client);
		await client.query('COMMIT');
		return result;
	} catch (error) {
		// A broken connection cannot roll back; it is discarded below either way.
		await client.query('ROLLBACK').catch(() => {});
		throw error;
	} finally {
		client.release();
	}
}

/** unique_violation: a concurrent transaction inserted the same key first. */
export function isUniqueViolation(error: unknown): boolean {
	return (error as { code?: unknown }).code === '23505';
}

/** pg returns bytea as Buffers; callers get plain Uint8Arrays over the same bytes. */
export function bytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export function buffer(update: Uint8Array): Buffer {
	return Buffer.from(update.buffer, update.byteOffset, update.byteLength);
}
