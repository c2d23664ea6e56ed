/**
 * Asks the server whether this token still opens this meeting, and which epoch the
 * meeting has, before a local copy is sent anywhere.
 */

export interface MeetingInfo {
	id: string;
	title: string;
	epoch: number;
	frozenAt: string | null;
	role: string;
	/** The participant a personal invitation is for (absent for shared links and older servers). */
	participantId?: string | null;
}

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
	token: string | null,
	fetchImpl: typeof fetch = globalThis.fetch
): Promise<MeetingCheck> {
	let response: Response;
	try {
		response = await fetchImpl(`${origin}/api/meetings/${encodeURIComponent(meetingId)}`, {
			// Without a token the browser's session cookie (same origin) speaks for a signed-in participant.
			headers: token === null ? {} : { authorization: `Bearer ${token}` },
			cache: 'no-store'
		});
	} catch {
		return { kind: 'unreachable' };
	}
	if (response.status === 401 || response.status === 403) return { kind: 'access-lost' };
	if (response.status === 404 || response.status === 400) return { kind: 'not-found' };
	if (!response.ok) return { kind: 'unreachable' };
	try {
		return { kind: 'ok', info: (await response.json()) as MeetingInfo };
	} catch {
		return { kind: 'unreachable' };
	}
}
