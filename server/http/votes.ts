/**
 * Secret votes (secret-votes.ts), mounted by server/http/api.ts:
 *
 * - POST /api/meetings/:id/votes/:roundId/ballot { choice: 'yes' | 'no' | 'abstain' } → 200 { voted: true };
 *   403 not a voter of the round (or no personal link), 404 no such round, 409 not a secret vote,
 *   not open, already voted, or the meeting is approved
 * - POST /api/meetings/:id/votes/:roundId/close → 200 { counts: { yes, no, abstain } } (runners)
 */
import { requireAccess } from './access.ts';
import { HttpError } from './respond.ts';
import { type Route, readBody, reply, route } from './route.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { SecretVotes } from '../votes/secret-votes.ts';

const ROUND_ID = /^[A-Za-z0-9_-]{16}$/;

function roundIdOf(value: string): string {
	if (!ROUND_ID.test(value)) throw new HttpError(400, 'Malformed vote id');
	return value;
}

export function secretVoteRoutes(deps: { storage: MeetingStorage; votes: SecretVotes; maxBodyBytes: number }): Route[] {
	return [
		route('secretBallot', async (req, res, [id, roundId]) => {
			const { meeting, role, participantId } = await requireAccess(deps.storage, req, id);
			const body = await readBody(req, 'secretBallot', deps.maxBodyBytes);
			reply(res, 'secretBallot', await deps.votes.cast(meeting, { role, participantId }, roundIdOf(roundId), body.choice));
		}),
		route('closeSecretVote', async (req, res, [id, roundId]) => {
			const { meeting, role, participantId } = await requireAccess(deps.storage, req, id);
			reply(res, 'closeSecretVote', await deps.votes.close(meeting, { role, participantId }, roundIdOf(roundId)));
		})
	];
}
