/**
 * MeetingStorage on PostgreSQL (pg), for several instances sharing one database: every
 * part over one pool, the schema from the numbered migrations (migrations.ts), applied in
 * `init()` under an advisory lock so instances starting at once apply each one exactly once.
 *
 * Which schema is used follows the connection's search_path; set it in the URL with
 * `?options=-c%20search_path%3D<schema>` (the tests give each run its own schema).
 */
import { CONFIDENTIAL_TABLES } from './document-log.ts';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { migratePostgres } from './migrations.ts';
import { transaction } from './postgres-common.ts';
import { postgresDocuments, postgresMeetings } from './postgres-documents.ts';
import { PostgresGroups } from './postgres-groups.ts';
import { postgresTokens } from './postgres-invitations.ts';
import { postgresMinutes } from './postgres-minutes.ts';
import { postgresNotices } from './postgres-notices.ts';
import { postgresSessions } from './postgres-sessions.ts';
import { postgresSecretBallots } from './postgres-secret-ballots.ts';
import type { MeetingStorage } from './types.ts';

/** The URL without its password, for log lines and error messages. */
export function describeDatabaseUrl(url: string): string {
	const parsed = URL.parse(url);
	if (!parsed) return '(unparseable DATABASE_URL)';
	parsed.password = '';
	parsed.search = '';
	return parsed.toString();
}

export interface PostgresStorageOptions {
	/** Receives errors of idle pooled connections (e.g. PostgreSQL restarted); they are otherwise harmless. */
	log?: Logger;
	/** Connections in the pool (default 10). */
	maxConnections?: number;
}

export class PostgresStorage implements MeetingStorage {
	readonly engine = 'postgres';
	readonly #url: string;
	readonly #options: PostgresStorageOptions;
	#pool: pg.Pool | null = null;
	readonly #db = (): pg.Pool => {
		if (!this.#pool) throw new Error('PostgresStorage used before init() or after close()');
		return this.#pool;
	};
	readonly meetings = postgresMeetings(this.#db);
	readonly docs = postgresDocuments(this.#db);
	readonly confidential = postgresDocuments(this.#db, CONFIDENTIAL_TABLES);
	readonly tokens = postgresTokens(this.#db);
	readonly minutes = postgresMinutes(this.#db);
	readonly notices = postgresNotices(this.#db);
	readonly ballots = postgresSecretBallots(this.#db);
	readonly groups = new PostgresGroups(this.#db);
	readonly sessions = postgresSessions(this.#db);

	constructor(url: string, options: PostgresStorageOptions = {}) {
		this.#url = url;
		this.#options = options;
	}

	async init(): Promise<void> {
		const pool = new pg.Pool({
			connectionString: this.#url,
			max: this.#options.maxConnections ?? 10,
			// Fail fast while PostgreSQL is unreachable, so clients and /healthz get an answer.
			connectionTimeoutMillis: 3000,
			query_timeout: 30_000,
			keepAlive: true
		});
		// An idle connection that breaks emits here; without a listener it would crash the process.
		pool.on('error', (error) => this.#options.log?.warn({ err: error.message }, 'idle PostgreSQL connection lost'));
		try {
			await transaction(pool, (client) =>
				migratePostgres(client, (migration) =>
					this.#options.log?.info({ version: migration.version, name: migration.name }, 'database migration applied')
				)
			);
		} catch (error) {
			await pool.end().catch(() => {});
			throw new Error(`PostgreSQL at ${describeDatabaseUrl(this.#url)}: ${(error as Error).message}`, { cause: error });
		}
		this.#pool = pool;
	}

	async close(): Promise<void> {
		const pool = this.#pool;
		this.#pool = null;
		await pool?.end();
	}
}
