/**
 * The PostgreSQL tables of sign-in sessions (server/auth/session-store.ts), applied as a
 * migration version by `PostgresStorage`; same semantics as sqlite-sessions.ts.
 */
import type pg from 'pg';
import type { LoginAttempt, SessionRecord, SessionStore } from '../auth/session-store.ts';

export const SESSIONS_MIGRATION = `
CREATE TABLE auth_sessions (
	hash TEXT PRIMARY KEY,
	id TEXT NOT NULL,
	subject TEXT NOT NULL,
	email TEXT,
	name TEXT NOT NULL,
	organiser BOOLEAN NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX auth_sessions_expires ON auth_sessions (expires_at);
CREATE TABLE auth_logins (
	hash TEXT PRIMARY KEY,
	state TEXT NOT NULL,
	nonce TEXT NOT NULL,
	code_verifier TEXT NOT NULL,
	return_to TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
`;

interface SessionRow {
	id: string;
	subject: string;
	email: string | null;
	name: string;
	organiser: boolean;
	// BIGINT arrives as a string from pg.
	created_at: string;
	expires_at: string;
}

interface LoginRow {
	state: string;
	nonce: string;
	code_verifier: string;
	return_to: string;
	expires_at: string;
}

function toSession(row: SessionRow): SessionRecord {
	return {
		id: row.id,
		subject: row.subject,
		email: row.email,
		name: row.name,
		organiser: row.organiser,
		createdAt: Number(row.created_at),
		expiresAt: Number(row.expires_at)
	};
}

export class PostgresSessionStore implements SessionStore {
	readonly #db: () => pg.Pool;

	/** `db` gives the storage's pool (it exists only between init and close). */
	constructor(db: () => pg.Pool) {
		this.#db = db;
	}

	async createSession(hash: string, s: SessionRecord): Promise<void> {
		await this.#db().query(
			'INSERT INTO auth_sessions (hash, id, subject, email, name, organiser, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
			[hash, s.id, s.subject, s.email, s.name, s.organiser, s.createdAt, s.expiresAt]
		);
	}

	async getSession(hash: string, now: number): Promise<SessionRecord | null> {
		const { rows } = await this.#db().query<SessionRow>('SELECT * FROM auth_sessions WHERE hash = $1 AND expires_at > $2', [hash, now]);
		return rows[0] ? toSession(rows[0]) : null;
	}

	async deleteSession(hash: string): Promise<SessionRecord | null> {
		const { rows } = await this.#db().query<SessionRow>('DELETE FROM auth_sessions WHERE hash = $1 RETURNING *', [hash]);
		return rows[0] ? toSession(rows[0]) : null;
	}

	async saveLogin(hash: string, a: LoginAttempt): Promise<void> {
		await this.#db().query(
			'INSERT INTO auth_logins (hash, state, nonce, code_verifier, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
			[hash, a.state, a.nonce, a.codeVerifier, a.returnTo, a.expiresAt]
		);
	}

	async takeLogin(hash: string, now: number): Promise<LoginAttempt | null> {
		const { rows } = await this.#db().query<LoginRow>('DELETE FROM auth_logins WHERE hash = $1 RETURNING *', [hash]);
		const row = rows[0];
		if (!row || Number(row.expires_at) <= now) return null;
		return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to, expiresAt: Number(row.expires_at) };
	}

	async purgeExpired(now: number): Promise<number> {
		const sessions = await this.#db().query('DELETE FROM auth_sessions WHERE expires_at <= $1', [now]);
		const logins = await this.#db().query('DELETE FROM auth_logins WHERE expires_at <= $1', [now]);
		return (sessions.rowCount ?? 0) + (logins.rowCount ?? 0);
	}
}
