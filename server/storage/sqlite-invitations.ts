/**
 * The SQLite side of invitations: two columns on `tokens` (added to older databases
 * on start) and the queries behind listInvitations, revokeInvitations and
 * countMeetings. Kept apart from sqlite.ts so the core adapter stays small.
 */
import type Database from 'better-sqlite3';
import { newInvitationId } from '../auth/tokens.ts';
import type { InvitationRecord, TokenRecord } from './types.ts';

/** Adds `id` and `participant_id` to `tokens` when missing, and ids to tokens issued before. */
export function migrate(db: Database.Database): void {
	const columns = new Set((db.prepare('PRAGMA table_info(tokens)').all() as { name: string }[]).map((c) => c.name));
	db.transaction(() => {
		if (!columns.has('id')) db.exec('ALTER TABLE tokens ADD COLUMN id TEXT');
		if (!columns.has('participant_id')) db.exec('ALTER TABLE tokens ADD COLUMN participant_id TEXT');
		const missing = db.prepare('SELECT hash FROM tokens WHERE id IS NULL').all() as { hash: string }[];
		const setId = db.prepare('UPDATE tokens SET id = ? WHERE hash = ?');
		for (const { hash } of missing) setId.run(newInvitationId(), hash);
		db.exec('CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens(id)');
	})();
}

export function insertToken(db: Database.Database, tokenHash: string, token: Omit<TokenRecord, 'createdAt' | 'revokedAt'>): void {
	db.prepare('INSERT INTO tokens (hash, meeting_id, role, label, created_at, id, participant_id) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
		tokenHash,
		token.meetingId,
		token.role,
		token.label,
		new Date().toISOString(),
		token.id ?? newInvitationId(),
		token.participantId ?? null
	);
}

interface Row {
	id: string;
	meeting_id: string;
	participant_id: string | null;
	label: string;
	role: string;
	created_at: string;
	revoked_at: string | null;
}

export function listInvitations(db: Database.Database, meetingId: string): InvitationRecord[] {
	const rows = db
		.prepare(
			`SELECT id, meeting_id, participant_id, label, role, created_at, revoked_at FROM tokens
			 WHERE meeting_id = ? AND id IS NOT NULL ORDER BY created_at, rowid`
		)
		.all(meetingId) as Row[];
	return rows.map((row) => ({
		id: row.id,
		meetingId: row.meeting_id,
		participantId: row.participant_id,
		name: row.label,
		role: row.role,
		createdAt: row.created_at,
		revokedAt: row.revoked_at
	}));
}

export function revokeInvitations(db: Database.Database, meetingId: string, match: { id: string } | { participantId: string }): string[] {
	const [column, value] = 'id' in match ? ['id', match.id] : ['participant_id', match.participantId];
	const rows = db
		.prepare(`UPDATE tokens SET revoked_at = ? WHERE meeting_id = ? AND ${column} = ? AND revoked_at IS NULL RETURNING id`)
		.all(new Date().toISOString(), meetingId, value) as { id: string }[];
	return rows.map((row) => row.id);
}

export function countMeetings(db: Database.Database): number {
	return (db.prepare('SELECT count(*) AS n FROM meetings WHERE deleted_at IS NULL').get() as { n: number }).n;
}
