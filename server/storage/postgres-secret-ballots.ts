/**
 * The ballots part on PostgreSQL: secret votes (secret-ballot-types.ts; tables: migration 10).
 * Same semantics as sqlite-secret-ballots.ts. A ballot locks its round's count row, so a close
 * waits for ballots in flight and a ballot after the close is refused, on every instance.
 */
import type pg from 'pg';
import { transaction } from './postgres-common.ts';
import { countColumn, type SecretBallotOutcome, type SecretBallotStore, type SecretChoice, type SecretVoteCount } from './secret-ballot-types.ts';

export function postgresSecretBallots(pool: () => pg.Pool): SecretBallotStore {
	return {
		castSecretBallot(meetingId: string, roundId: string, participantId: string, choice: SecretChoice): Promise<SecretBallotOutcome> {
			const column = countColumn(choice);
			return transaction(pool(), async (client) => {
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
		},

		async closeSecretVote(meetingId: string, roundId: string): Promise<SecretVoteCount> {
			const { rows } = await pool().query<SecretVoteCount>(
				`INSERT INTO secret_vote_counts (meeting_id, round_id, closed) VALUES ($1, $2, true)
				 ON CONFLICT (meeting_id, round_id) DO UPDATE SET closed = true RETURNING yes, no, abstain`,
				[meetingId, roundId]
			);
			return rows[0];
		}
	};
}
