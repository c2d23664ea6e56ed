/**
 * MeetingStorage on one SQLite file (better-sqlite3), the embedded default: every part
 * over one connection (sqlite-connection.ts, durability notes there), the schema from the
 * numbered migrations (migrations.ts). Every call is synchronous under the hood; the async
 * shape is the contract's, so a networked engine fits the same interface.
 */
import { CONFIDENTIAL_TABLES } from './document-log.ts';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../log.ts';
import { migrateSqlite } from './migrations.ts';
import { SqliteConnection } from './sqlite-connection.ts';
import { sqliteDocuments, sqliteMeetings } from './sqlite-documents.ts';
import { SqliteGroups } from './sqlite-groups.ts';
import { sqliteTokens } from './sqlite-invitations.ts';
import { sqliteMinutes } from './sqlite-minutes.ts';
import { sqliteNotices } from './sqlite-notices.ts';
import { sqliteSessions } from './sqlite-sessions.ts';
import { sqliteSecretBallots } from './sqlite-secret-ballots.ts';
import type { MeetingStorage } from './types.ts';

export const SQLITE_FILE_NAME = 'motesrum.db';

export class SqliteStorage implements MeetingStorage {
	readonly engine = 'sqlite';
	readonly #file: string;
	readonly #log: Logger | undefined;
	readonly #conn = new SqliteConnection();
	readonly meetings = sqliteMeetings(this.#conn);
	readonly docs = sqliteDocuments(this.#conn);
	readonly confidential = sqliteDocuments(this.#conn, CONFIDENTIAL_TABLES);
	readonly tokens = sqliteTokens(this.#conn);
	readonly minutes = sqliteMinutes(this.#conn);
	readonly notices = sqliteNotices(this.#conn);
	readonly ballots = sqliteSecretBallots(this.#conn);
	readonly groups = new SqliteGroups(() => this.#conn.db);
	readonly sessions = sqliteSessions(this.#conn);

	/** `file` is a path, or ':memory:' for tests that need no file. */
	constructor(file: string, options: { log?: Logger } = {}) {
		this.#file = file;
		this.#log = options.log;
	}

	static inDataDir(dataDir: string, options: { log?: Logger } = {}): SqliteStorage {
		return new SqliteStorage(path.join(dataDir, SQLITE_FILE_NAME), options);
	}

	/** The database file, for the start-up log line and the backup command. */
	get file(): string {
		return this.#file;
	}

	async init(): Promise<void> {
		if (this.#file !== ':memory:') fs.mkdirSync(path.dirname(this.#file), { recursive: true });
		const db = this.#conn.open(this.#file);
		try {
			migrateSqlite(db, (migration) => this.#log?.info({ version: migration.version, name: migration.name }, 'database migration applied'));
		} catch (error) {
			this.#conn.close();
			throw error;
		}
	}

	async close(): Promise<void> {
		this.#conn.close();
	}
}
