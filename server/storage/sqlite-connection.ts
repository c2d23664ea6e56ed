/**
 * The one better-sqlite3 connection every SQLite part shares (so a part's transaction can
 * span tables of another part), with its prepared statements cached: preparing on every
 * append cost ~20% of its CPU under the capacity benchmark.
 */
import Database from 'better-sqlite3';

export class SqliteConnection {
	#db: Database.Database | null = null;
	readonly #statements = new Map<string, Database.Statement>();

	get db(): Database.Database {
		if (!this.#db) throw new Error('SqliteStorage used before init() or after close()');
		return this.#db;
	}

	/**
	 * Durability: WAL with synchronous=NORMAL. A commit is in the WAL file (the OS page
	 * cache) before the call returns, so a crash or `kill -9` of the process loses nothing
	 * that was acknowledged; only a power loss or kernel crash can lose the last commits
	 * before the next checkpoint. synchronous=FULL closes that gap at an fsync per update.
	 */
	open(file: string): Database.Database {
		const db = new Database(file);
		// Another connection (another worker or process, a backup) may hold the write lock briefly;
		// first, so that switching to WAL waits for it too.
		db.pragma('busy_timeout = 5000');
		db.pragma('journal_mode = WAL');
		db.pragma('synchronous = NORMAL');
		db.pragma('foreign_keys = ON');
		this.#db = db;
		return db;
	}

	prepare(sql: string): Database.Statement {
		let statement = this.#statements.get(sql);
		if (!statement) {
			statement = this.db.prepare(sql);
			this.#statements.set(sql, statement);
		}
		return statement;
	}

	close(): void {
		this.#statements.clear();
		this.#db?.close();
		this.#db = null;
	}
}
