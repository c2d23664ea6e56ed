/**
 * Secret votes (secret-votes.ts), mounted by server/http/api.ts:
 *
 * - POST /api/meetings/:id/votes/:roundId/ballot { choice: 'yes' | 'no' | 'abstain' } → 200 { voted: true };
 *   403 not a voter of the round (or no personal link), 404 no such round, 409 not a secret vote,
 *   not open, already voted, or the meeting is approved
 * - POST /api/meetings/:id/votes/:roundId/close → 200 { counts: { yes, no, abstain } } (runners)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson } from '../http/body.ts';
import { requireAccess } from '../http/invitations.ts';
import { HttpError, sendJson } from '../http/respond.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { SecretVotes } from './secret-votes.ts';

interface VoteRoute {
	method: string;
	pattern: RegExp;
	handle(req: IncomingMessage, res: ServerResponse, params: string[]): Promise<void>;
}

const ROUND_ID = /^[A-Za-z0-9_-]{16}$/;

function roundIdOf(value: string): string {
	if (!ROUND_ID.test(value)) throw new HttpError(400, 'Malformed vote id');
	return value;
}

export function secretVoteRoutes(deps: { storage: MeetingStorage; votes: SecretVotes; maxBodyBytes: number }): VoteRoute[] {
	return [
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/votes\/([^/]+)\/ballot$/,
			async handle(req, res, [id, roundId]) {
				const { meeting, role, participantId } = await requireAccess(deps.storage, req, id);
				const body = await readJson(req, deps.maxBodyBytes);
				sendJson(res, 200, await deps.votes.cast(meeting, { role, participantId }, roundIdOf(roundId), body));
			}
		},
		{
			method: 'POST',
			pattern: /^\/api\/meetings\/([^/]+)\/votes\/([^/]+)\/close$/,
			async handle(req, res, [id, roundId]) {
				const { meeting, role, participantId } = await requireAccess(deps.storage, req, id);
				sendJson(res, 200, await deps.votes.close(meeting, { role, participantId }, roundIdOf(roundId)));
			}
		}
	];
}
