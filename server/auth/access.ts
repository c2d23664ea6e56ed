/**
 * Who may open a meeting: one lookup shared by the HTTP API and the sync upgrade, so
 * both refuse the same way. Role enforcement (observers read-only, chair-only
 * commands) builds on the role returned here.
 */
import { isMeetingId } from '../../src/lib/protocol/index.ts';
import type { MeetingRecord, MeetingStorage } from '../storage/types.ts';
import { hashToken, isTokenShaped } from './tokens.ts';

export type Access =
	| {
			status: 'ok';
			meeting: MeetingRecord;
			role: string;
			/** The invitation the token belongs to (null only for tokens stored without an id). */
			invitationId: string | null;
			participantId: string | null;
			/** The invitee's name from the invitation ('' if none was given). */
			name: string;
	  }
	| { status: 'malformed-id' }
	| { status: 'not-found' }
	| { status: 'unauthorized' };

export async function resolveAccess(
	storage: MeetingStorage,
	meetingId: string,
	token: string | null | undefined
): Promise<Access> {
	if (!isMeetingId(meetingId)) return { status: 'malformed-id' };
	const meeting = await storage.meetings.getMeeting(meetingId);
	if (!meeting || meeting.deletedAt) return { status: 'not-found' };
	if (!isTokenShaped(token)) return { status: 'unauthorized' };
	return accessOfTokenHash(storage, meeting, hashToken(token));
}

/**
 * The same, for a token known only by its hash (a file session opened with it: the session
 * ends when the invitation is revoked). `meeting` must be found and not deleted.
 */
export async function accessOfTokenHash(storage: MeetingStorage, meeting: MeetingRecord, tokenHash: string): Promise<Access> {
	const meetingId = meeting.id;
	const record = await storage.tokens.findToken(tokenHash);
	if (!record || record.revokedAt) return { status: 'unauthorized' };
	if (record.meetingId !== meetingId && !(await tokenCoversGroupMeeting(storage, record.meetingId, meetingId))) {
		return { status: 'unauthorized' };
	}
	return {
		status: 'ok',
		meeting,
		role: record.role,
		invitationId: record.id ?? null,
		participantId: record.participantId ?? null,
		name: record.label
	};
}

/**
 * A group's token also opens the group's meetings (with the token's role), so members
 * invited to a group reach every meeting it creates without a token per meeting.
 */
async function tokenCoversGroupMeeting(storage: MeetingStorage, tokenDocumentId: string, meetingId: string): Promise<boolean> {
	const link = await storage.groups.findMeetingGroup(meetingId);
	return link !== null && link.groupId === tokenDocumentId;
}
