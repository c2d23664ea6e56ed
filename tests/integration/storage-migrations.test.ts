/**
 * The one numbered migration list (server/storage/migrations.ts), run by both engines:
 * the same versions recorded in both, each applied once however often and however many
 * instances start, and an SQLite file made before the list existed adopting it.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS, migratePostgres, migrateSqlite, type Migration } from '../../server/storage/migrations.ts';
import { transaction } from '../../server/storage/postgres-common.ts';
import { PostgresStorage } from '../../server/storage/postgres.ts';
import { SqliteStorage } from '../../server/storage/sqlite.ts';
import { tempDir } from './helpers.ts';
import { type TestSchema, freshSchema, servicesAvailable } from './services.ts';

const available = await servicesAvailable('storage-migrations.test.ts', 'postgres');
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
	for (const cleanup of cleanups.splice(0)) await cleanup();
});

const released = MIGRATIONS.map(({ version, name }) => ({ version, name }));
/** A later release's migration, to see the runner apply only what is new. */
const next: Migration = {
	version: MIGRATIONS[MIGRATIONS.length - 1].version + 1,
	name: 'a later release',
	sqlite: 'CREATE TABLE later (id TEXT PRIMARY KEY)',
	postgres: 'CREATE TABLE later (id TEXT PRIMARY KEY)'
};

function sqliteFile(): string {
	const dir = tempDir();
	cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
	return path.join(dir, 'motesrum.db');
}

describe('migrations, SQLite', () => {
	it('numbers the versions 1, 2, 3 … without gaps, each with both engines', () => {
		expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
		for (const m of MIGRATIONS) expect(m.postgres.trim().length, `version ${m.version}`).toBeGreaterThan(0);
	});

	it('records every version once, however often the storage starts, and then applies only a new one', async () => {
		const file = sqliteFile();
		for (let i = 0; i < 2; i++) {
			const storage = new SqliteStorage(file);
			await storage.init();
			await storage.close();
		}
		const db = new Database(file);
		cleanups.push(() => db.close());
		const ledger = () => db.prepare('SELECT version, name FROM motesrum_migrations ORDER BY version').all();
		expect(ledger()).toEqual(released);
		const applied: number[] = [];
		migrateSqlite(db, (m) => applied.push(m.version), [...MIGRATIONS, next]);
		migrateSqlite(db, (m) => applied.push(m.version), [...MIGRATIONS, next]);
		expect(applied).toEqual([next.version]);
		expect(ledger()).toEqual([...released, { version: next.version, name: next.name }]);
	});

	it('adopts the list on a database made before it, keeping its rows', async () => {
		const file = sqliteFile();
		const old = new Database(file);
		// What the versions before the ledger created on start: the tables of 1–7, no record of them.
		for (const m of MIGRATIONS.filter((m) => m.version <= 7)) typeof m.sqlite === 'string' ? old.exec(m.sqlite) : m.sqlite(old);
		old.prepare("INSERT INTO meetings (id, title, created_at) VALUES ('AAAAAAAAAAAAAAAAAAAAAA', 'Gammal', '2024-01-01T00:00:00.000Z')").run();
		old.close();
		const storage = new SqliteStorage(file);
		await storage.init();
		cleanups.push(() => storage.close());
		expect((await storage.meetings.getMeeting('AAAAAAAAAAAAAAAAAAAAAA'))?.title).toBe('Gammal');
	});
});

describe.skipIf(!available)('migrations, PostgreSQL', () => {
	it('records the same versions as SQLite, once, also when two instances start at once', async () => {
		const schema: TestSchema = await freshSchema();
		cleanups.push(() => schema.drop());
		const instances = [new PostgresStorage(schema.url), new PostgresStorage(schema.url)];
		await Promise.all(instances.map((s) => s.init()));
		await Promise.all(instances.map((s) => s.close()));
		const pool = new pg.Pool({ connectionString: schema.url, max: 1 });
		cleanups.push(() => pool.end());
		const ledger = async () => (await pool.query('SELECT version, name FROM motesrum_migrations ORDER BY version')).rows;
		expect(await ledger()).toEqual(released);
		const applied: number[] = [];
		for (let i = 0; i < 2; i++) await transaction(pool, (client) => migratePostgres(client, (m) => applied.push(m.version), [...MIGRATIONS, next]));
		expect(applied).toEqual([next.version]);
		expect(await ledger()).toEqual([...released, { version: next.version, name: next.name }]);
	});
});
