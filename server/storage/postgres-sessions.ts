/**
 * The sessions part on PostgreSQL (session-types.ts; tables: migration 8). Same semantics
 * as sqlite-sessions.ts, checked by tests/integration/storage-contract-sessions.ts.
 */
import type pg from 'pg';
import { type LoginRow, type SessionRow, toLogin, toSession } from './rows.ts';
import type { LoginAttempt, SessionRecord, SessionStore } from './session-types.ts';

/** `db` gives the storage's pool (it exists only between init and close). */
export function postgresSessions(db: () => pg.Pool): SessionStore {
	return {
		async createSession(hash: string, s: SessionRecord): Promise<void> {
			await db().query(
				'INSERT INTO auth_sessions (hash, id, subject, email, name, organiser, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
				[hash, s.id, s.subject, s.email, s.name, s.organiser, s.createdAt, s.expiresAt]
			);
		},

		async getSession(hash: string, now: number): Promise<SessionRecord | null> {
			const { rows } = await db().query<SessionRow>('SELECT * FROM auth_sessions WHERE hash = $1 AND expires_at > $2', [hash, now]);
			return rows[0] ? toSession(rows[0]) : null;
		},

		async liveSessionIds(ids: readonly string[], now: number): Promise<Set<string>> {
			if (ids.length === 0) return new Set();
			const { rows } = await db().query<{ id: string }>('SELECT id FROM auth_sessions WHERE expires_at > $1 AND id = ANY($2::text[])', [now, ids]);
			return new Set(rows.map((r) => r.id));
		},

		async deleteSession(hash: string): Promise<SessionRecord | null> {
			const { rows } = await db().query<SessionRow>('DELETE FROM auth_sessions WHERE hash = $1 RETURNING *', [hash]);
			return rows[0] ? toSession(rows[0]) : null;
		},

		async saveLogin(hash: string, a: LoginAttempt): Promise<void> {
			await db().query(
				'INSERT INTO auth_logins (hash, state, nonce, code_verifier, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)',
				[hash, a.state, a.nonce, a.codeVerifier, a.returnTo, a.expiresAt]
			);
		},

		async takeLogin(hash: string, now: number): Promise<LoginAttempt | null> {
			const { rows } = await db().query<LoginRow>('DELETE FROM auth_logins WHERE hash = $1 RETURNING *', [hash]);
			const row = rows[0];
			if (!row) return null;
			const attempt = toLogin(row);
			return attempt.expiresAt > now ? attempt : null;
		},

		async purgeExpired(now: number): Promise<number> {
			const sessions = await db().query('DELETE FROM auth_sessions WHERE expires_at <= $1', [now]);
			const logins = await db().query('DELETE FROM auth_logins WHERE expires_at <= $1', [now]);
			return (sessions.rowCount ?? 0) + (logins.rowCount ?? 0);
		}
	};
}
