/**
 * What a connection may do to a document: the seam between the room and the rules. The
 * rules the server runs with are server/sync/role-policy.ts (roles from
 * src/lib/protocol/roles.ts, places from the document's schema).
 */
import type * as Y from 'yjs';
import type { DocumentSchema } from '../../src/lib/meeting/schema-language.ts';
import type { Write } from '../../src/lib/meeting/writes.ts';
import type { MeetingRecord } from '../storage/types.ts';
import type { Verdict } from './write-rules.ts';

/**
 * Which document of a meeting a connection opened: the meeting document, or its confidential
 * part (`/sync/<meetingId>/confidential`, for roles with `confidential.read`).
 */
export type DocumentPart = 'main' | 'confidential';

/** The room (and fan-out) name of a meeting's document part. */
export function roomKey(meetingId: string, part: DocumentPart): string {
	return part === 'main' ? meetingId : `${meetingId}/confidential`;
}

export interface AccessContext {
	meeting: MeetingRecord;
	role: string;
	/** The invitation (token) this connection was opened with; null for tokens issued before invitations existed. */
	invitationId: string | null;
	/** The participant of the meeting document the invitation names, if any. */
	participantId: string | null;
	/** The invitee's name from the invitation ('' if none). */
	name: string;
	/** The signed-in session this connection was opened with (roster e-mail), or null for a link. */
	session: { id: string; subject: string } | null;
}

export interface WriteContext extends AccessContext {
	/** The room's document before the update is applied (read it, never write it). */
	doc: Y.Doc;
	schema: DocumentSchema;
	/** Where the update's structs and deletions land (server/sync/effective-writes.ts). */
	writes: readonly Write[];
}

export interface SyncPolicy {
	/** Decided once per connection, at the upgrade. */
	canWrite(access: AccessContext): boolean;
	/** Called for every update from a writer, before it is applied. */
	judge(context: WriteContext): Verdict;
}

/**
 * Who wrote under a Yjs client id: the invitation; for a signed-in participant the person
 * at the identity provider (all their sessions); for tokens without an invitation a name for the role.
 */
export function principalOf(access: Pick<AccessContext, 'invitationId' | 'role' | 'session'>): string {
	if (access.invitationId !== null) return access.invitationId;
	return access.session ? `signed-in:${access.session.subject}` : `token-without-invitation:${access.role}`;
}
