/**
 * The ballots part on SQLite: secret votes (secret-ballot-types.ts; tables: migration 10,
 * WITHOUT ROWID, so no hidden row number records the order of votes). Same semantics as
 * postgres-secret-ballots.ts, checked by tests/integration/storage-contract-secret-ballots.ts.
 */
import type { SqliteConnection } from './sqlite-connection.ts';
import { countColumn, type SecretBallotOutcome, type SecretBallotStore, type SecretChoice, type SecretVoteCount } from './secret-ballot-types.ts';

export function sqliteSecretBallots(conn: SqliteConnection): SecretBallotStore {
	return {
		async castSecretBallot(meetingId: string, roundId: string, participantId: string, choice: SecretChoice): Promise<SecretBallotOutcome> {
			const column = countColumn(choice);
			// IMMEDIATE: takes the write lock first, so another process sharing the file waits instead of both counting.
			return conn.db
				.transaction((): SecretBallotOutcome => {
					conn.prepare('INSERT INTO secret_vote_counts (meeting_id, round_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(meetingId, roundId);
					const row = conn.prepare('SELECT closed FROM secret_vote_counts WHERE meeting_id = ? AND round_id = ?').get(meetingId, roundId) as { closed: number };
					if (row.closed) return 'closed';
					const voter = conn
						.prepare('INSERT INTO secret_voters (meeting_id, round_id, participant_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
						.run(meetingId, roundId, participantId);
					if (voter.changes === 0) return 'already-voted';
					conn.prepare(`UPDATE secret_vote_counts SET ${column} = ${column} + 1 WHERE meeting_id = ? AND round_id = ?`).run(meetingId, roundId);
					return 'cast';
				})
				.immediate();
		},

		async closeSecretVote(meetingId: string, roundId: string): Promise<SecretVoteCount> {
			return conn
				.prepare(
					`INSERT INTO secret_vote_counts (meeting_id, round_id, closed) VALUES (?, ?, 1)
					 ON CONFLICT (meeting_id, round_id) DO UPDATE SET closed = 1 RETURNING yes, no, abstain`
				)
				.get(meetingId, roundId) as SecretVoteCount;
		}
	};
}
