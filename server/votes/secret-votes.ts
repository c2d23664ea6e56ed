/**
 * Secret (sluten) votes. A voter casts their ballot here, never into the document:
 *
 * 1. the round is read from the stored document: it must be a secret vote, open, and list the
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
import { BALLOT_CHOICES, MeetingError, checkSecretVoter, closeSecretVote, markSecretVoted, type BallotChoice } from '../../src/lib/meeting/index.ts';
import { can } from '../../src/lib/protocol/roles.ts';
import { HttpError } from '../http/respond.ts';
import type { Logger } from '../log.ts';
import { isSecretBallotStorage, type SecretVoteCount } from '../storage/secret-ballot-types.ts';
import type { MeetingRecord } from '../storage/types.ts';
import { commitServerChange, loadStoredDoc, type ServerChangeDeps } from './server-change.ts';

export interface SecretVoteDeps extends ServerChangeDeps {
	log: Logger;
}

export interface Voter {
	role: string;
	participantId: string | null;
}

function choiceOf(body: unknown): BallotChoice {
	const choice = (body as { choice?: unknown } | null)?.choice;
	if (typeof choice !== 'string' || !(BALLOT_CHOICES as readonly string[]).includes(choice)) {
		throw new HttpError(400, `choice must be one of ${BALLOT_CHOICES.join(', ')}`);
	}
	return choice as BallotChoice;
}

/** A refusal of the domain check, as an HTTP answer. */
function refusal(error: unknown): never {
	if (error instanceof MeetingError) {
		if (error.code === 'NOT_FOUND') throw new HttpError(404, error.message);
		if (error.message.includes('has no vote')) throw new HttpError(403, error.message);
		throw new HttpError(409, error.message);
	}
	throw error;
}

export function createSecretVotes(deps: SecretVoteDeps) {
	const storage = deps.storage;
	const ballots = () => {
		if (!isSecretBallotStorage(storage)) throw new HttpError(501, 'This storage does not keep secret votes');
		return storage;
	};
	const writable = (meeting: MeetingRecord) => {
		if (meeting.frozenAt) throw new HttpError(409, 'The minutes are approved: the meeting is read-only');
	};

	return {
		async cast(meeting: MeetingRecord, voter: Voter, roundId: string, body: unknown): Promise<{ voted: true }> {
			if (!can(voter.role, 'ballot.secret')) throw new HttpError(403, `Your role (${voter.role}) may not vote`);
			if (voter.participantId === null) throw new HttpError(403, 'Only a personal link names a voter');
			const choice = choiceOf(body);
			writable(meeting);
			const doc = await loadStoredDoc(storage, meeting.id);
			try {
				try {
					checkSecretVoter(doc, roundId, voter.participantId);
				} catch (error) {
					refusal(error);
				}
				const outcome = await ballots().castSecretBallot(meeting.id, roundId, voter.participantId, choice);
				if (outcome === 'closed') throw new HttpError(409, 'The vote is closed');
				// Also after 'already-voted': a earlier call may have counted and failed before the document said so.
				await commitServerChange(deps, meeting.id, doc, (d) => markSecretVoted(d, roundId, voter.participantId as string));
				if (outcome === 'already-voted') throw new HttpError(409, 'You have already voted');
				deps.log.info({ meetingId: meeting.id, roundId }, 'secret ballot counted');
				return { voted: true };
			} finally {
				doc.destroy();
			}
		},

		async close(meeting: MeetingRecord, runner: Voter, roundId: string): Promise<{ counts: SecretVoteCount }> {
			if (!can(runner.role, 'record.write')) throw new HttpError(403, `Your role (${runner.role}) may not close a vote`);
			writable(meeting);
			const doc = await loadStoredDoc(storage, meeting.id);
			try {
				try {
					// Only an existing secret vote is closed here (the round may already be closed in the document: then only a missing count is written).
					const round = (doc.getMap('votes').get(roundId) ?? null) as { method?: unknown } | null;
					if (round === null) throw new HttpError(404, 'No such vote');
					if (round.method !== 'closed') throw new HttpError(409, 'The vote is not a secret vote');
				} catch (error) {
					refusal(error);
				}
				const counts = await ballots().closeSecretVote(meeting.id, roundId);
				try {
					await commitServerChange(deps, meeting.id, doc, (d) => closeSecretVote(d, roundId, counts));
				} catch (error) {
					refusal(error);
				}
				deps.log.info({ meetingId: meeting.id, roundId }, 'secret vote closed');
				return { counts };
			} finally {
				doc.destroy();
			}
		}
	};
}

export type SecretVotes = ReturnType<typeof createSecretVotes>;
