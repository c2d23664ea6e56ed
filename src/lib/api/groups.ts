/** The browser's calls to the group endpoints (docs/groups.md). Errors are ApiErrors. */
import type { CreatedGroup, GroupInfo, NextMeetingResult, Reply } from '$lib/protocol/api';
import { callApi } from '$lib/protocol/client';

export type { CreatedGroup, GroupInfo, GroupMeetingInfo, NextMeetingResult, SourcePerson } from '$lib/protocol/api';

export function createGroup(name: string): Promise<CreatedGroup> {
	return callApi('createGroup', { body: { name } });
}

export function fetchGroup(groupId: string, token: string): Promise<GroupInfo> {
	return callApi('group', { params: { id: groupId }, token });
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
): Promise<NextMeetingResult> {
	return callApi('nextMeeting', { params: { id: groupId }, token, body: { after, ...details } });
}

export function fetchMatters(groupId: string, token: string): Promise<Reply<'matters'>> {
	return callApi('matters', { params: { id: groupId }, token });
}

export function searchGroup(groupId: string, token: string, query: string): Promise<Reply<'search'>> {
	return callApi('search', { params: { id: groupId }, token, query: { q: query } });
}

/** The group's roster and the previous meeting's participants, for a meeting of a group (empty lists otherwise). */
export function peopleSources(meetingId: string, token: string | null): Promise<Reply<'peopleSources'>> {
	return callApi('peopleSources', { params: { id: meetingId }, token });
}
