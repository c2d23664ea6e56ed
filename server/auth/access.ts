/**
 * Who may open a meeting: one lookup shared by the HTTP API and the sync upgrade, so
 * both refuse the same way. Role enforcement (observers read-only, chair-only
 * commands) builds on the role returned here.
 */
import { participantByEmail } from '../../src/lib/meeting/index.ts';
import { isMeetingId } from '../../src/lib/protocol/index.ts';
import { roleOfParticipant } from '../../src/lib/protocol/roles.ts';
import { loadDocument } from '../storage/document-log.ts';
import type { MeetingRecord, MeetingStorage } from '../storage/types.ts';
import type { SessionRecord } from '../storage/session-types.ts';
import { hashToken, isTokenShaped } from './tokens.ts';

export type Access =
	| {
			status: 'ok';
			meeting: MeetingRecord;
			role: string;
			/** The invitation the token belongs to (null only for tokens stored without an id). */
			invitationId: string | null;
			participantId: string | null;
			/** The invitee's name from the invitation ('' if none was given); the participant's for a signed-in user. */
			name: string;
			/** Set when access comes from a signed-in session (roster e-mail) rather than a link. */
			session: Pick<SessionRecord, 'id' | 'subject'> | null;
	  }
	| { status: 'malformed-id' }
	| { status: 'not-found' }
	| { status: 'unauthorized' };

/**
 * A link's token decides when it is valid; otherwise a signed-in user whose e-mail is on
 * the meeting's roster gets that participant's role (roles.ts `roleOfParticipant`).
 */
export async function resolveAccess(
	storage: MeetingStorage,
	meetingId: string,
	token: string | null | undefined,
	session: SessionRecord | null = null
): Promise<Access> {
	if (!isMeetingId(meetingId)) return { status: 'malformed-id' };
	const meeting = await storage.meetings.getMeeting(meetingId);
	if (!meeting || meeting.deletedAt) return { status: 'not-found' };
	const byToken = isTokenShaped(token) ? await accessOfTokenHash(storage, meeting, hashToken(token)) : null;
	if (byToken?.status === 'ok') return byToken;
	if (session?.email) {
		const participant = await rosterEntry(storage, meetingId, session.email);
		if (participant) {
			return {
				status: 'ok',
				meeting,
				role: roleOfParticipant(participant.role),
				invitationId: null,
				participantId: participant.id,
				name: participant.name,
				session: { id: session.id, subject: session.subject }
			};
		}
	}
	return { status: 'unauthorized' };
}

/** Reads the stored document (what every acknowledged update reached) for its roster. */
async function rosterEntry(storage: MeetingStorage, meetingId: string, email: string) {
	const doc = await loadDocument(storage.docs, meetingId);
	try {
		return participantByEmail(doc, email);
	} finally {
		doc.destroy();
	}
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
		name: record.label,
		session: null
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
