/**
 * A change the server makes to a meeting document itself (a secret vote's "has voted" and
 * count): applied to the stored document under a client id claimed for the server, stored,
 * then delivered to this instance's open rooms and published to the others, which apply it
 * like any stored update from another instance.
 */
import * as Y from 'yjs';
import { loadDocument } from '../storage/document-log.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { FanoutMessage } from '../sync/fanout.ts';

/** The principal that owns the server's own client ids (no invitation has this form). */
export const SERVER_PRINCIPAL = 'server';

/** The stored document (the one way stored updates become a Y.Doc). */
export const loadStoredDoc = (storage: MeetingStorage, meetingId: string): Promise<Y.Doc> => loadDocument(storage.docs, meetingId);

export interface ServerChangeDeps {
	storage: MeetingStorage;
	deliver(meetingId: string, message: FanoutMessage): void;
}

/** Runs `change` on `doc` (the stored document) and stores and delivers what it wrote; false if it wrote nothing. */
export async function commitServerChange(deps: ServerChangeDeps, meetingId: string, doc: Y.Doc, change: (doc: Y.Doc) => void): Promise<boolean> {
	const before = Y.encodeStateVector(doc);
	change(doc);
	const update = Y.encodeStateAsUpdate(doc, before);
	if (Y.decodeUpdate(update).structs.length === 0) return false;
	// Claimed first, so no client can write under the server's id and pass for it.
	const owners = await deps.storage.docs.claimClients(meetingId, [doc.clientID], SERVER_PRINCIPAL);
	if (owners.get(doc.clientID) !== SERVER_PRINCIPAL) throw new Error('the server drew a client id someone else owns');
	await deps.storage.docs.appendUpdate(meetingId, update);
	deps.deliver(meetingId, { kind: 'update', update });
	return true;
}
