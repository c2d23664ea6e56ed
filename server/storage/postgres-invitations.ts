/**
 * The tokens part on PostgreSQL: personal links stored by hash, and the invitations they
 * stand for (tables: migrations 1 and 4). Same semantics as sqlite-invitations.ts.
 */
import type pg from 'pg';
import { newInvitationId } from './invitation-ids.ts';
import type { TokenStore } from './types.ts';

interface TokenRow {
	id: string | null;
	meeting_id: string;
	participant_id: string | null;
	label: string;
	role: string;
	created_at: Date;
	revoked_at: Date | null;
}

export function postgresTokens(pool: () => pg.Pool): TokenStore {
	return {
		async addToken(tokenHash, token) {
			await pool().query(
				'INSERT INTO tokens (hash, meeting_id, role, label, created_at, id, participant_id) VALUES ($1, $2, $3, $4, now(), $5, $6)',
				[tokenHash, token.meetingId, token.role, token.label, token.id ?? newInvitationId(), token.participantId ?? null]
			);
		},

		async findToken(tokenHash) {
			const { rows } = await pool().query<TokenRow>(
				'SELECT meeting_id, role, label, created_at, revoked_at, id, participant_id FROM tokens WHERE hash = $1',
				[tokenHash]
			);
			if (rows.length === 0) return null;
			const row = rows[0];
			return {
				meetingId: row.meeting_id,
				role: row.role,
				label: row.label,
				createdAt: row.created_at.toISOString(),
				revokedAt: row.revoked_at?.toISOString() ?? null,
				id: row.id ?? undefined,
				participantId: row.participant_id
			};
		},

		async listInvitations(meetingId) {
			const { rows } = await pool().query<TokenRow & { id: string }>(
				`SELECT id, meeting_id, participant_id, label, role, created_at, revoked_at FROM tokens
				 WHERE meeting_id = $1 AND id IS NOT NULL ORDER BY created_at, seq`,
				[meetingId]
			);
			return rows.map((row) => ({
				id: row.id,
				meetingId: row.meeting_id,
				participantId: row.participant_id,
				name: row.label,
				role: row.role,
				createdAt: row.created_at.toISOString(),
				revokedAt: row.revoked_at?.toISOString() ?? null
			}));
		},

		async revokeInvitations(meetingId, match) {
			const [column, value] = 'id' in match ? ['id', match.id] : ['participant_id', match.participantId];
			const { rows } = await pool().query<{ id: string }>(
				`UPDATE tokens SET revoked_at = now() WHERE meeting_id = $1 AND ${column} = $2 AND revoked_at IS NULL RETURNING id`,
				[meetingId, value]
			);
			return rows.map((row) => row.id);
		},

		async relabelInvitations(meetingId, invitationIds, label) {
			const { rowCount } = await pool().query('UPDATE tokens SET label = $1 WHERE meeting_id = $2 AND id = ANY($3::text[])', [
				label,
				meetingId,
				[...invitationIds]
			]);
			return rowCount ?? 0;
		}
	};
}
