/**
 * The SQLite tables of secret votes (secret-ballot-types.ts). `SqliteStorage` runs
 * SECRET_BALLOTS_SCHEMA in init() (idempotent) and delegates here; the PostgreSQL counterpart
 * is postgres-secret-ballots.ts. WITHOUT ROWID: no hidden row number records the order of votes.
 */
import type Database from 'better-sqlite3';
import type { BallotChoice } from '../../src/lib/meeting/index.ts';
import { countColumn, type SecretBallotOutcome, type SecretVoteCount } from './secret-ballot-types.ts';

export const SECRET_BALLOTS_SCHEMA = `
CREATE TABLE IF NOT EXISTS secret_vote_counts (
	meeting_id TEXT NOT NULL REFERENCES meetings(id),
	round_id TEXT NOT NULL,
	yes INTEGER NOT NULL DEFAULT 0,
	no INTEGER NOT NULL DEFAULT 0,
	abstain INTEGER NOT NULL DEFAULT 0,
	closed INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (meeting_id, round_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS secret_voters (
	meeting_id TEXT NOT NULL,
	round_id TEXT NOT NULL,
	participant_id TEXT NOT NULL,
	PRIMARY KEY (meeting_id, round_id, participant_id),
	FOREIGN KEY (meeting_id, round_id) REFERENCES secret_vote_counts(meeting_id, round_id)
) WITHOUT ROWID;
`;

export function castSecretBallot(db: Database.Database, meetingId: string, roundId: string, participantId: string, choice: BallotChoice): SecretBallotOutcome {
	const column = countColumn(choice);
	// IMMEDIATE: takes the write lock first, so another process sharing the file waits instead of both counting.
	return db
		.transaction((): SecretBallotOutcome => {
			db.prepare('INSERT INTO secret_vote_counts (meeting_id, round_id) VALUES (?, ?) ON CONFLICT DO NOTHING').run(meetingId, roundId);
			const row = db.prepare('SELECT closed FROM secret_vote_counts WHERE meeting_id = ? AND round_id = ?').get(meetingId, roundId) as { closed: number };
			if (row.closed) return 'closed';
			const voter = db
				.prepare('INSERT INTO secret_voters (meeting_id, round_id, participant_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING')
				.run(meetingId, roundId, participantId);
			if (voter.changes === 0) return 'already-voted';
			db.prepare(`UPDATE secret_vote_counts SET ${column} = ${column} + 1 WHERE meeting_id = ? AND round_id = ?`).run(meetingId, roundId);
			return 'cast';
		})
		.immediate();
}

export function closeSecretVote(db: Database.Database, meetingId: string, roundId: string): SecretVoteCount {
	return db
		.prepare(
			`INSERT INTO secret_vote_counts (meeting_id, round_id, closed) VALUES (?, ?, 1)
			 ON CONFLICT (meeting_id, round_id) DO UPDATE SET closed = 1 RETURNING yes, no, abstain`
		)
		.get(meetingId, roundId) as SecretVoteCount;
}
