/**
 * The `ballots` part: secret (sluten) votes — who has voted, and apart from it the running
 * count per choice. Nothing links the two: the voter row has no choice, no time and no order
 * (no row id or sequence), the count row has no voter. One vote per voter is the voter row's
 * primary key, so it holds across every instance sharing the database.
 * Contract: tests/integration/storage-contract-secret-ballots.ts; SQL: sqlite-secret-ballots.ts,
 * postgres-secret-ballots.ts (tables: migration 10). Why: docs/security.md ("Secret votes").
 */

/** Ja, Nej, Avstår (the meeting model's BallotChoice; storage imports nothing from src/). */
export type SecretChoice = 'yes' | 'no' | 'abstain';

export interface SecretVoteCount {
	yes: number;
	no: number;
	abstain: number;
}

/** 'cast': counted now; 'already-voted': this voter's earlier ballot stands; 'closed': the vote was closed, nothing counted. */
export type SecretBallotOutcome = 'cast' | 'already-voted' | 'closed';

export interface SecretBallotStore {
	/** Records that the voter has voted and adds one to `choice`'s count, atomically; at most once per voter and round. */
	castSecretBallot(meetingId: string, roundId: string, participantId: string, choice: SecretChoice): Promise<SecretBallotOutcome>;
	/** Closes the round to further ballots (idempotent) and returns its count. */
	closeSecretVote(meetingId: string, roundId: string): Promise<SecretVoteCount>;
}

/** The count column of a choice: checked, never interpolated from input. */
export function countColumn(choice: SecretChoice): 'yes' | 'no' | 'abstain' {
	switch (choice) {
		case 'yes':
			return 'yes';
		case 'no':
			return 'no';
		case 'abstain':
			return 'abstain';
		default:
			throw new Error(`not a ballot choice: ${String(choice)}`);
	}
}
