/**
 * Secret (sluten) votes. A voter casts their ballot here, never into the document:
 *
 * 1. the round is read from the stored document (a confidential item's: from the stored
 *    confidential part, where the "has voted" and the count then go too): it must be a secret vote, open, and list the
 *    voter (fixed when it opened: ledamöter and serving ersättare present for the item, without jäv);
 * 2. storage records that the voter has voted and adds one to the choice's count, in one
 *    transaction, once per voter (the primary key holds across instances); a closed round counts
 *    nothing more;
 * 3. the document gets `secretVoted/<roundId>:<participantId>` — who has voted, never how.
 *
 * Closing (a runner): storage closes the round and returns the count; the document gets the count
 * and the round's result in one change. The count is never in the document while the vote is
 * open, so the order in which voters appear cannot be matched against it. Choices are never
 * logged.
 */
import { closeSecretVote, markSecretVoted, secretBallotRefusal, type BallotChoice } from '../../src/lib/meeting/index.ts';
import { can } from '../../src/lib/protocol/roles.ts';
import type { Logger } from '../log.ts';
import { DomainError, type DomainErrorKind } from '../shared/errors.ts';
import type { SecretVoteCount } from '../storage/secret-ballot-types.ts';
import type { MeetingRecord } from '../storage/types.ts';
import { commitServerChange, loadStoredDocs, type ServerChangeDeps } from './server-change.ts';

export interface SecretVoteDeps extends ServerChangeDeps {
	log: Logger;
}

export interface Voter {
	role: string;
	participantId: string | null;
}

const REFUSALS: Record<NonNullable<ReturnType<typeof secretBallotRefusal>>, [DomainErrorKind, string]> = {
	'no-round': ['not-found', 'No such vote'],
	'not-secret': ['conflict', 'The vote is not a secret vote'],
	'not-open': ['conflict', 'The vote is closed'],
	'not-a-voter': ['forbidden', 'You have no vote in this round']
};

function refuse(reason: keyof typeof REFUSALS): never {
	const [kind, message] = REFUSALS[reason];
	throw new DomainError(kind, message);
}

export function createSecretVotes(deps: SecretVoteDeps) {
	const storage = deps.storage;
	const writable = (meeting: MeetingRecord) => {
		if (meeting.frozenAt) throw new DomainError('conflict', 'The minutes are approved: the meeting is read-only');
	};

	return {
		async cast(meeting: MeetingRecord, voter: Voter, roundId: string, choice: BallotChoice): Promise<{ voted: true }> {
			if (!can(voter.role, 'ballot.secret')) throw new DomainError('forbidden', `Your role (${voter.role}) may not vote`);
			if (voter.participantId === null) throw new DomainError('forbidden', 'Only a personal link names a voter');
			writable(meeting);
			const stored = await loadStoredDocs(storage, meeting.id);
			const { doc, part } = stored;
			try {
				const refused = secretBallotRefusal(doc, roundId, voter.participantId);
				if (refused) refuse(refused);
				const outcome = await storage.ballots.castSecretBallot(meeting.id, roundId, voter.participantId, choice);
				if (outcome === 'closed') throw new DomainError('conflict', 'The vote is closed');
				// Also after 'already-voted': an earlier call may have counted and failed before the document said so.
				await commitServerChange(deps, meeting.id, doc, (d) => markSecretVoted(d, roundId, voter.participantId as string), part);
				if (outcome === 'already-voted') throw new DomainError('conflict', 'You have already voted');
				deps.log.info({ meetingId: meeting.id, roundId }, 'secret ballot counted');
				return { voted: true };
			} finally {
				stored.destroy();
			}
		},

		async close(meeting: MeetingRecord, runner: Voter, roundId: string): Promise<{ counts: SecretVoteCount }> {
			if (!can(runner.role, 'record.write')) throw new DomainError('forbidden', `Your role (${runner.role}) may not close a vote`);
			writable(meeting);
			const stored = await loadStoredDocs(storage, meeting.id);
			const { doc, part } = stored;
			try {
				// A round already closed in the document is closed again: only a count that is missing gets written.
				const refused = secretBallotRefusal(doc, roundId, '');
				if (refused === 'no-round' || refused === 'not-secret') refuse(refused);
				const counts = await storage.ballots.closeSecretVote(meeting.id, roundId);
				await commitServerChange(deps, meeting.id, doc, (d) => closeSecretVote(d, roundId, counts), part);
				deps.log.info({ meetingId: meeting.id, roundId }, 'secret vote closed');
				return { counts };
			} finally {
				stored.destroy();
			}
		}
	};
}

export type SecretVotes = ReturnType<typeof createSecretVotes>;
