/**
 * Asks the server whether this token still opens this meeting, and which epoch the
 * meeting has, before a local copy is sent anywhere.
 */
import type { MeetingAccess } from '../protocol/api.ts';
import { ApiError, createApiClient } from '../protocol/client.ts';

/** What the session keeps of GET /api/meetings/:id (the local copy stores the same). */
export type MeetingInfo = Pick<MeetingAccess, 'id' | 'title' | 'epoch' | 'frozenAt' | 'role'> & Partial<Pick<MeetingAccess, 'participantId'>>;

export type MeetingCheck =
	| { kind: 'ok'; info: MeetingInfo }
	/** 401/403: the token is wrong or was revoked. */
	| { kind: 'access-lost' }
	/** 404 (or a malformed id): the meeting does not exist, or was deleted. */
	| { kind: 'not-found' }
	/** No answer that says anything about the meeting: offline, server down, 5xx. */
	| { kind: 'unreachable' };

export async function checkMeeting(
	origin: string,
	meetingId: string,
	token: string,
	fetchImpl: typeof fetch = globalThis.fetch
): Promise<MeetingCheck> {
	try {
		return { kind: 'ok', info: await createApiClient({ origin, fetch: fetchImpl })('meeting', { params: { id: meetingId }, token }) };
	} catch (error) {
		if (!(error instanceof ApiError)) return { kind: 'unreachable' };
		if (error.status === 401 || error.status === 403) return { kind: 'access-lost' };
		if (error.status === 404 || error.status === 400) return { kind: 'not-found' };
		return { kind: 'unreachable' };
	}
}
