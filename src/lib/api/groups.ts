/** The browser's calls to the group endpoints (docs/groups.md). Errors carry the server's message. */
import type { GroupMatter, SearchHit } from '$lib/groups';
import type { ParticipantRole } from '$lib/meeting';
import { ApiError } from './meetings';

export interface CreatedGroup {
	id: string;
	name: string;
	token: string;
	url: string;
}

export interface GroupMeetingInfo {
	id: string;
	sequence: number;
	title: string;
	date: string | null;
	createdAt: string;
	path: string;
	/** Only in the answer to createNextMeeting: false when someone else created it first. */
	created?: boolean;
}

export interface GroupInfo {
	id: string;
	name: string;
	role: string;
	meetings: GroupMeetingInfo[];
}

async function call<T>(path: string, token: string | null, body?: unknown): Promise<T> {
	const response = await fetch(path, {
		method: body === undefined ? 'GET' : 'POST',
		headers: {
			...(body === undefined ? {} : { 'content-type': 'application/json' }),
			...(token ? { authorization: `Bearer ${token}` } : {})
		},
		body: body === undefined ? undefined : JSON.stringify(body)
	});
	const json = (await response.json().catch(() => null)) as ({ error?: string } & T) | null;
	if (!response.ok) throw new ApiError(response.status, json?.error ?? response.statusText);
	return json as T;
}

export function createGroup(name: string): Promise<CreatedGroup> {
	return call('/api/groups', null, { name });
}

export function fetchGroup(groupId: string, token: string): Promise<GroupInfo> {
	return call(`/api/groups/${encodeURIComponent(groupId)}`, token);
}

/**
 * The meeting after `after` (null: the group's first). Idempotent: asking twice, or two
 * people at once, yields the same meeting. Date, time and place default to what the
 * previous meeting's "Nästa möte" says.
 */
export function createNextMeeting(
	groupId: string,
	token: string,
	after: string | null,
	details: { title?: string; date?: string; startTime?: string; place?: string } = {}
): Promise<GroupMeetingInfo> {
	return call(`/api/groups/${encodeURIComponent(groupId)}/meetings`, token, { after, ...details });
}

export function fetchMatters(groupId: string, token: string): Promise<{ matters: GroupMatter[] }> {
	return call(`/api/groups/${encodeURIComponent(groupId)}/matters`, token);
}

export function searchGroup(groupId: string, token: string, query: string): Promise<{ hits: SearchHit[] }> {
	return call(`/api/groups/${encodeURIComponent(groupId)}/search?q=${encodeURIComponent(query)}`, token);
}

/** A person the meeting's roster can take in one step (people-sources). */
export interface SourcePerson {
	name: string;
	organisation: string | null;
	role: ParticipantRole;
	email?: string | null;
}

/** The group's roster and the previous meeting's participants, for a meeting of a group (empty lists otherwise). */
export function peopleSources(meetingId: string, token: string | null): Promise<{ group: SourcePerson[]; previous: SourcePerson[] }> {
	return call(`/api/meetings/${encodeURIComponent(meetingId)}/people-sources`, token);
}
