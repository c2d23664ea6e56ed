/**
 * The SQLite tables of sign-in sessions (server/auth/session-store.ts). `SqliteStorage`
 * runs SESSIONS_SCHEMA in init() (idempotent) and hands out `SqliteSessionStore` on its
 * connection; the PostgreSQL counterpart is postgres-sessions.ts.
 */
import type Database from 'better-sqlite3';
import type { LoginAttempt, SessionRecord, SessionStore } from '../auth/session-store.ts';

export const SESSIONS_SCHEMA = `
CREATE TABLE IF NOT EXISTS auth_sessions (
	hash TEXT PRIMARY KEY,
	id TEXT NOT NULL,
	subject TEXT NOT NULL,
	email TEXT,
	name TEXT NOT NULL,
	organiser INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_logins (
	hash TEXT PRIMARY KEY,
	state TEXT NOT NULL,
	nonce TEXT NOT NULL,
	code_verifier TEXT NOT NULL,
	return_to TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);
`;

interface SessionRow {
	id: string;
	subject: string;
	email: string | null;
	name: string;
	organiser: number;
	created_at: number;
	expires_at: number;
}

interface LoginRow {
	state: string;
	nonce: string;
	code_verifier: string;
	return_to: string;
	expires_at: number;
}

function toSession(row: SessionRow): SessionRecord {
	return {
		id: row.id,
		subject: row.subject,
		email: row.email,
		name: row.name,
		organiser: row.organiser === 1,
		createdAt: row.created_at,
		expiresAt: row.expires_at
	};
}

export class SqliteSessionStore implements SessionStore {
	readonly #db: () => Database.Database;

	/** `db` gives the storage's open connection (it changes across init/close). */
	constructor(db: () => Database.Database) {
		this.#db = db;
	}

	async createSession(hash: string, s: SessionRecord): Promise<void> {
		this.#db()
			.prepare('INSERT INTO auth_sessions (hash, id, subject, email, name, organiser, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
			.run(hash, s.id, s.subject, s.email, s.name, s.organiser ? 1 : 0, s.createdAt, s.expiresAt);
	}

	async getSession(hash: string, now: number): Promise<SessionRecord | null> {
		const row = this.#db().prepare('SELECT * FROM auth_sessions WHERE hash = ? AND expires_at > ?').get(hash, now) as SessionRow | undefined;
		return row ? toSession(row) : null;
	}

	async deleteSession(hash: string): Promise<SessionRecord | null> {
		const row = this.#db().prepare('DELETE FROM auth_sessions WHERE hash = ? RETURNING *').get(hash) as SessionRow | undefined;
		return row ? toSession(row) : null;
	}

	async saveLogin(hash: string, a: LoginAttempt): Promise<void> {
		this.#db()
			.prepare('INSERT INTO auth_logins (hash, state, nonce, code_verifier, return_to, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
			.run(hash, a.state, a.nonce, a.codeVerifier, a.returnTo, a.expiresAt);
	}

	async takeLogin(hash: string, now: number): Promise<LoginAttempt | null> {
		const row = this.#db().prepare('DELETE FROM auth_logins WHERE hash = ? RETURNING *').get(hash) as LoginRow | undefined;
		if (!row || row.expires_at <= now) return null;
		return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to, expiresAt: row.expires_at };
	}

	async purgeExpired(now: number): Promise<number> {
		const db = this.#db();
		return db.transaction(
			() =>
				db.prepare('DELETE FROM auth_sessions WHERE expires_at <= ?').run(now).changes +
				db.prepare('DELETE FROM auth_logins WHERE expires_at <= ?').run(now).changes
		)();
	}
}
