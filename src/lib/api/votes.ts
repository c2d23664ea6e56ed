/**
 * Secret (sluten) votes go through the server, never into the document (server/votes): the
 * voter's ballot, and the chair's close, which has the server write the count. Refusals are
 * ApiErrors with the server's status; they need a network, as a secret count cannot be kept on a device.
 */
import type { Reply, RequestBody } from '$lib/protocol/api';
import { callApi } from '$lib/protocol/client';

export function castSecretBallot(meetingId: string, token: string | null, roundId: string, choice: RequestBody<'secretBallot'>['choice']): Promise<Reply<'secretBallot'>> {
	return callApi('secretBallot', { params: { id: meetingId, roundId }, body: { choice }, token });
}

export function closeSecretVote(meetingId: string, token: string | null, roundId: string): Promise<Reply<'closeSecretVote'>> {
	return callApi('closeSecretVote', { params: { id: meetingId, roundId }, token });
}
