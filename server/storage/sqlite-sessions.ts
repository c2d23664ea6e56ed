/**
 * The sessions part on SQLite (session-types.ts; tables: migration 8). Same semantics as
 * postgres-sessions.ts, checked by tests/integration/storage-contract-sessions.ts.
 */
import type { SqliteConnection } from './sqlite-connection.ts';
import { type LoginRow, type SessionRow, toLogin, toSession } from './rows.ts';
import type { LoginAttempt, SessionRecord, SessionStore } from './session-types.ts';

export function sqliteSessions(conn: SqliteConnection): SessionStore {
	return {
		async createSession(hash: string, s: SessionRecord): Promise<void> {
			conn
				.prepare('INSERT INTO auth_sessions (hash, id, subject, email, name, organiser, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
				.run(hash, s.id, s.subject, s.email, s.name, s.organiser ? 1 : 0, s.createdAt, s.expiresAt);
		},

		async getSession(hash: string, now: number): Promise<SessionRecord | null> {
			const row = conn.prepare('SELECT * FROM auth_sessions WHERE hash = ? AND expires_at > ?').get(hash, now) as SessionRow | undefined;
			return row ? toSession(row) : null;
		},

		async liveSessionIds(ids: readonly string[], now: number): Promise<Set<string>> {
			if (ids.length === 0) return new Set();
			const rows = conn
				.prepare(`SELECT id FROM auth_sessions WHERE expires_at > ? AND id IN (SELECT value FROM json_each(?))`)
				.all(now, JSON.stringify(ids)) as { id: string }[];
			return new Set(rows.map((r) => r.id));
		},

		async deleteSession(hash: string): Promise<SessionRecord | null> {
			const row = conn.prepare('DELETE FROM auth_sessions WHERE hash = ? RETURNING *').get(hash) as SessionRow | undefined;
			return row ? toSession(row) : null;
		},

		async saveLogin(hash: string, a: LoginAttempt): Promise<void> {
			conn
				.prepare('INSERT INTO auth_logins (hash, state, nonce, code_verifier, return_to, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
				.run(hash, a.state, a.nonce, a.codeVerifier, a.returnTo, a.expiresAt);
		},

		async takeLogin(hash: string, now: number): Promise<LoginAttempt | null> {
			const row = conn.prepare('DELETE FROM auth_logins WHERE hash = ? RETURNING *').get(hash) as LoginRow | undefined;
			if (!row) return null;
			const attempt = toLogin(row);
			return attempt.expiresAt > now ? attempt : null;
		},

		async purgeExpired(now: number): Promise<number> {
			return conn.db.transaction(
				() =>
					conn.prepare('DELETE FROM auth_sessions WHERE expires_at <= ?').run(now).changes +
					conn.prepare('DELETE FROM auth_logins WHERE expires_at <= ?').run(now).changes
			)();
		}
	};
}
