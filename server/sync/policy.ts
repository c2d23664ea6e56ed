/**
 * What a connection may do to the document. The foundation lets every non-observer
 * write to a meeting that is not frozen; role enforcement (chair-only commands,
 * guests limited to their items) replaces or extends this policy.
 */
import type { Notice } from '../../src/lib/protocol/index.ts';
import type { MeetingRecord } from '../storage/types.ts';
import type * as Y from 'yjs';

export interface AccessContext {
	meeting: MeetingRecord;
	role: string;
}

export interface UpdateContext extends AccessContext {
	/** The room's document before the update is applied (read it, never write it). */
	doc: Y.Doc;
	update: Uint8Array;
}

export interface SyncPolicy {
	/** Decided once per connection, at the upgrade. */
	canWrite(access: AccessContext): boolean;
	/** Called for every update from a writer before it is applied: a Notice refuses it, null lets it through. */
	inspectUpdate(context: UpdateContext): Notice | null;
}

export const defaultPolicy: SyncPolicy = {
	canWrite: ({ meeting, role }) => meeting.frozenAt === null && role !== 'observer',
	inspectUpdate: () => null
};
