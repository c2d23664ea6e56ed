/**
 * What a connection may do to the document. The default is the role policy
 * (server/sync/role-policy.ts): observers and frozen meetings are read-only, and
 * updates touching the protected parts of the document need the matching role.
 */
import type { Notice } from '../../src/lib/protocol/index.ts';
import type { MeetingRecord } from '../storage/types.ts';
import type * as Y from 'yjs';
import { rolePolicy } from './role-policy.ts';

export interface AccessContext {
	meeting: MeetingRecord;
	role: string;
	/** The invitation (token) this connection was opened with; null for tokens issued before invitations existed. */
	invitationId: string | null;
	/** The participant of the meeting document the invitation names, if any. */
	participantId: string | null;
	/** The invitee's name from the invitation ('' if none). */
	name: string;
}

export interface UpdateContext extends AccessContext {
	/** The room's document before the update is applied (read it, never write it). */
	doc: Y.Doc;
	update: Uint8Array;
}

/** A refused update: the notice the connection gets, and optionally a close code to end the connection with. */
export interface Refusal extends Notice {
	closeCode?: number;
}

export interface SyncPolicy {
	/** Decided once per connection, at the upgrade. */
	canWrite(access: AccessContext): boolean;
	/** Called for every update from a writer before it is applied: a Refusal refuses it, null lets it through. */
	inspectUpdate(context: UpdateContext): Refusal | null;
}

export const defaultPolicy: SyncPolicy = rolePolicy;
