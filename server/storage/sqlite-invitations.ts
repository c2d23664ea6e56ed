/**
 * The tokens part on SQLite: personal links stored by hash, and the invitations they
 * stand for (tables: migrations 1 and 4). Same semantics as postgres-invitations.ts,
 * checked by tests/integration/storage-contract-invitations.ts.
 */
import { newInvitationId } from './invitation-ids.ts';
import type { SqliteConnection } from './sqlite-connection.ts';
import type { TokenStore } from './types.ts';

interface TokenRow {
	meeting_id: string;
	role: string;
	label: string;
	created_at: string;
	revoked_at: string | null;
	id: string;
	participant_id: string | null;
}

export function sqliteTokens(conn: SqliteConnection): TokenStore {
	return {
		async addToken(tokenHash, token) {
			conn.prepare('INSERT INTO tokens (hash, meeting_id, role, label, created_at, id, participant_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
				tokenHash,
				token.meetingId,
				token.role,
				token.label,
				new Date().toISOString(),
				token.id ?? newInvitationId(),
				token.participantId ?? null
			);
		},

		async findToken(tokenHash) {
			const row = conn
				.prepare('SELECT meeting_id, role, label, created_at, revoked_at, id, participant_id FROM tokens WHERE hash = ?')
				.get(tokenHash) as TokenRow | undefined;
			if (!row) return null;
			return {
				meetingId: row.meeting_id,
				role: row.role,
				label: row.label,
				createdAt: row.created_at,
				revokedAt: row.revoked_at,
				id: row.id,
				participantId: row.participant_id
			};
		},

		async listInvitations(meetingId) {
			const rows = conn
				.prepare(
					`SELECT id, meeting_id, participant_id, label, role, created_at, revoked_at FROM tokens
					 WHERE meeting_id = ? AND id IS NOT NULL ORDER BY created_at, rowid`
				)
				.all(meetingId) as TokenRow[];
			return rows.map((row) => ({
				id: row.id,
				meetingId: row.meeting_id,
				participantId: row.participant_id,
				name: row.label,
				role: row.role,
				createdAt: row.created_at,
				revokedAt: row.revoked_at
			}));
		},

		async revokeInvitations(meetingId, match) {
			const [column, value] = 'id' in match ? ['id', match.id] : ['participant_id', match.participantId];
			const rows = conn
				.prepare(`UPDATE tokens SET revoked_at = ? WHERE meeting_id = ? AND ${column} = ? AND revoked_at IS NULL RETURNING id`)
				.all(new Date().toISOString(), meetingId, value) as { id: string }[];
			return rows.map((row) => row.id);
		},

		async relabelInvitations(meetingId, invitationIds, label) {
			const update = conn.prepare('UPDATE tokens SET label = ? WHERE meeting_id = ? AND id = ?');
			return conn.db.transaction(() => invitationIds.reduce((n, id) => n + update.run(label, meetingId, id).changes, 0))();
		}
	};
}
