/**
 * Secret (sluten) votes go through the server, never into the document (server/votes): the
 * voter's ballot, and the chair's close, which has the server write the count. Errors carry the
 * server's status (ApiError); they need a network, as a secret count cannot be kept on a device.
 */
import type { BallotChoice } from '$lib/meeting';
import { ApiError } from './meetings';

async function post<T>(path: string, token: string, body?: unknown): Promise<T> {
	const response = await fetch(path, {
		method: 'POST',
		cache: 'no-store',
		headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const answer = (await response.json().catch(() => null)) as ({ error?: string } & T) | null;
	if (!response.ok) throw new ApiError(response.status, answer?.error ?? response.statusText);
	return answer as T;
}

const round = (meetingId: string, roundId: string) => `/api/meetings/${encodeURIComponent(meetingId)}/votes/${encodeURIComponent(roundId)}`;

export function castSecretBallot(meetingId: string, token: string, roundId: string, choice: BallotChoice): Promise<{ voted: true }> {
	return post(`${round(meetingId, roundId)}/ballot`, token, { choice });
}

export function closeSecretVote(meetingId: string, token: string, roundId: string): Promise<{ counts: { yes: number; no: number; abstain: number } }> {
	return post(`${round(meetingId, roundId)}/close`, token);
}
