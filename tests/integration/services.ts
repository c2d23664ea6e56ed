/**
 * The external services the multi-instance tests need (PostgreSQL, Redis), checked at
 * the top of each test file. On a developer machine without them the file's tests are
 * skipped with one clear line; in CI (CI=true) a missing service fails the file.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

/** `redis-server`: the binary, for tests that run (and restart) a Redis of their own. */
type Service = 'postgres' | 'redis' | 'redis-server';

const where: Record<Service, string> = {
	postgres: TEST_DATABASE_URL,
	redis: TEST_REDIS_URL,
	'redis-server': 'on PATH'
};

async function probe(service: Service): Promise<string | null> {
	try {
		if (service === 'redis-server') {
			execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
		} else if (service === 'postgres') {
			const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
			try {
				await client.connect();
				await client.query('SELECT 1');
			} finally {
				await client.end().catch(() => {});
			}
		} else {
			const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, connectTimeout: 2000, maxRetriesPerRequest: 0, retryStrategy: () => null });
			redis.on('error', () => {});
			try {
				await redis.connect();
				await redis.ping();
			} finally {
				redis.disconnect();
			}
		}
		return null;
	} catch (error) {
		return `${service} (${where[service]}): ${(error as Error).message}`;
	}
}

/**
 * True when every service answers. Otherwise: throws under CI=true (the file fails
 * loudly), or warns once and returns false so the caller skips its tests.
 */
export async function servicesAvailable(file: string, ...services: Service[]): Promise<boolean> {
	const missing = (await Promise.all(services.map(probe))).filter((m): m is string => m !== null);
	if (missing.length === 0) return true;
	const message = `${file}: needs ${missing.join('; ')}`;
	if (process.env.CI === 'true') throw new Error(`${message} — these services are required in CI`);
	console.warn(`SKIPPED ${message}. Start them (or set TEST_DATABASE_URL / TEST_REDIS_URL) to run these tests.`);
	return false;
}

/** `url` with its connections placed in `schema` (libpq's `options` parameter, read by pg too). */
export function withSchema(url: string, schema: string): string {
	const parsed = new URL(url);
	parsed.searchParams.set('options', `-c search_path=${schema}`);
	return parsed.toString();
}

export interface TestSchema {
	name: string;
	/** TEST_DATABASE_URL pointed at this schema. */
	url: string;
	drop(): Promise<void>;
}

/** A new, empty schema in the test database; `drop()` removes it with everything in it. */
export async function freshSchema(): Promise<TestSchema> {
	const name = `motesrum_test_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
	await admin.connect();
	try {
		await admin.query(`CREATE SCHEMA ${name}`);
	} finally {
		await admin.end();
	}
	return {
		name,
		url: withSchema(TEST_DATABASE_URL, name),
		async drop() {
			const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
			await client.connect();
			try {
				await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
			} finally {
				await client.end();
			}
		}
	};
}
