/**
 * The PostgreSQL side of invitations (migration 4): an id and a participant on each
 * token, and the queries behind listInvitations, revokeInvitations and countMeetings.
 * Same semantics as sqlite-invitations.ts; kept apart so postgres.ts stays small.
 */
import type pg from 'pg';
import { newInvitationId } from '../auth/tokens.ts';
import type { InvitationRecord, TokenRecord } from './types.ts';

/** Tokens issued before this migration get ids (not secrets: only names for revocation), so they can be listed and revoked too. */
export const INVITATIONS_MIGRATION = `
ALTER TABLE tokens ADD COLUMN id TEXT;
ALTER TABLE tokens ADD COLUMN participant_id TEXT;
ALTER TABLE tokens ADD COLUMN seq BIGSERIAL;
UPDATE tokens SET id = substr(md5(random()::text || hash), 1, 16) WHERE id IS NULL;
CREATE UNIQUE INDEX tokens_id ON tokens(id);
`;

type Queryable = Pick<pg.Pool, 'query'>;

export async function insertToken(db: Queryable, tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): Promise<void> {
	await db.query(
		'INSERT INTO tokens (hash, meeting_id, role, label, created_at, id, participant_id) VALUES ($1, $2, $3, $4, now(), $5, $6)',
		[tokenHash, token.meetingId, token.role, token.label, token.id ?? newInvitationId(), token.participantId ?? null]
	);
}

interface Row {
	id: string;
	meeting_id: string;
	participant_id: string | null;
	label: string;
	role: string;
	created_at: Date;
	revoked_at: Date | null;
}

export async function listInvitations(db: Queryable, meetingId: string): Promise<InvitationRecord[]> {
	const { rows } = await db.query<Row>(
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
}

export async function revokeInvitations(
	db: Queryable,
	meetingId: string,
	match: { id: string } | { participantId: string }
): Promise<string[]> {
	const [column, value] = 'id' in match ? ['id', match.id] : ['participant_id', match.participantId];
	const { rows } = await db.query<{ id: string }>(
		`UPDATE tokens SET revoked_at = now() WHERE meeting_id = $1 AND ${column} = $2 AND revoked_at IS NULL RETURNING id`,
		[meetingId, value]
	);
	return rows.map((row) => row.id);
}

export async function countMeetings(db: Queryable): Promise<number> {
	const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM meetings WHERE deleted_at IS NULL');
	return Number(rows[0].n);
}
