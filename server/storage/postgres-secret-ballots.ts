/**
 * The PostgreSQL tables of secret votes (secret-ballot-types.ts), applied as migration 10 by
 * `PostgresStorage`; same semantics as sqlite-secret-ballots.ts. A ballot locks its round's
 * count row, so a close waits for ballots in flight and a ballot after the close is refused,
 * on every instance.
 */
import type pg from 'pg';
import type { BallotChoice } from '../../src/lib/meeting/index.ts';
import { transaction } from './postgres-common.ts';
import { countColumn, type SecretBallotOutcome, type SecretVoteCount } from './secret-ballot-types.ts';

export const SECRET_BALLOTS_MIGRATION = `
CREATE TABLE secret_vote_counts (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	round_id TEXT NOT NULL,
	yes INTEGER NOT NULL DEFAULT 0,
	no INTEGER NOT NULL DEFAULT 0,
	abstain INTEGER NOT NULL DEFAULT 0,
	closed BOOLEAN NOT NULL DEFAULT false,
	PRIMARY KEY (meeting_id, round_id)
);
CREATE TABLE secret_voters (
	meeting_id TEXT NOT NULL,
	round_id TEXT NOT NULL,
	participant_id TEXT NOT NULL,
	PRIMARY KEY (meeting_id, round_id, participant_id),
	FOREIGN KEY (meeting_id, round_id) REFERENCES secret_vote_counts(meeting_id, round_id)
);
`;

export function castSecretBallot(db: pg.Pool, meetingId: string, roundId: string, participantId: string, choice: BallotChoice): Promise<SecretBallotOutcome> {
	const column = countColumn(choice);
	return transaction(db, async (client) => {
		await client.query('INSERT INTO secret_vote_counts (meeting_id, round_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [meetingId, roundId]);
		const { rows } = await client.query<{ closed: boolean }>(
			'SELECT closed FROM secret_vote_counts WHERE meeting_id = $1 AND round_id = $2 FOR UPDATE',
			[meetingId, roundId]
		);
		if (rows[0].closed) return 'closed';
		const voter = await client.query(
			'INSERT INTO secret_voters (meeting_id, round_id, participant_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
			[meetingId, roundId, participantId]
		);
		if (voter.rowCount === 0) return 'already-voted';
		await client.query(`UPDATE secret_vote_counts SET ${column} = ${column} + 1 WHERE meeting_id = $1 AND round_id = $2`, [meetingId, roundId]);
		return 'cast';
	});
}

export async function closeSecretVote(db: pg.Pool, meetingId: string, roundId: string): Promise<SecretVoteCount> {
	const { rows } = await db.query<SecretVoteCount>(
		`INSERT INTO secret_vote_counts (meeting_id, round_id, closed) VALUES ($1, $2, true)
		 ON CONFLICT (meeting_id, round_id) DO UPDATE SET closed = true RETURNING yes, no, abstain`,
		[meetingId, roundId]
	);
	return rows[0];
}
