/**
 * A change the server makes to a meeting document itself (a secret vote's "has voted" and
 * count): applied to the stored document under a client id claimed for the server, stored,
 * then delivered to this instance's open rooms and published to the others, which apply it
 * like any stored update from another instance.
 */
import * as Y from 'yjs';
import { loadDocument } from '../storage/document-log.ts';
import { attachConfidentialPart } from '../../src/lib/meeting/index.ts';
import type { DocumentStore, MeetingStorage } from '../storage/types.ts';
import type { FanoutMessage } from '../sync/fanout.ts';
import { roomKey } from '../sync/policy.ts';

/** The principal that owns the server's own client ids (no invitation has this form). */
export const SERVER_PRINCIPAL = 'server';

/** The stored meeting document with its stored confidential part attached (a confidential item's rounds are there). */
export async function loadStoredDocs(storage: MeetingStorage, meetingId: string): Promise<{ doc: Y.Doc; part: Y.Doc; destroy(): void }> {
	const [doc, part] = await Promise.all([loadDocument(storage.docs, meetingId), loadDocument(storage.confidential, meetingId)]);
	const detach = attachConfidentialPart(doc, part);
	return {
		doc,
		part,
		destroy() {
			detach();
			doc.destroy();
			part.destroy();
		}
	};
}

export interface ServerChangeDeps {
	storage: MeetingStorage;
	deliver(meetingId: string, message: FanoutMessage): void;
}

/**
 * Runs `change` on `doc` (the stored document, its part attached when given) and stores and
 * delivers what it wrote to each; false if it wrote nothing.
 */
export async function commitServerChange(
	deps: ServerChangeDeps,
	meetingId: string,
	doc: Y.Doc,
	change: (doc: Y.Doc) => void,
	part?: Y.Doc
): Promise<boolean> {
	const places: { doc: Y.Doc; store: DocumentStore; key: string }[] = [{ doc, store: deps.storage.docs, key: roomKey(meetingId, 'main') }];
	if (part) places.push({ doc: part, store: deps.storage.confidential, key: roomKey(meetingId, 'confidential') });
	// What each document's transactions wrote: also a change that only deletes (an entry moved out of it).
	const captured = places.map(() => [] as Uint8Array[]);
	const listeners = places.map((place, i) => {
		const listener = (update: Uint8Array) => captured[i].push(update);
		place.doc.on('update', listener);
		return listener;
	});
	try {
		change(doc);
	} finally {
		places.forEach((place, i) => place.doc.off('update', listeners[i]));
	}
	const written = places
		.map((place, i) => ({ ...place, update: captured[i].length === 1 ? captured[i][0] : Y.mergeUpdates(captured[i]) }))
		.filter((_, i) => captured[i].length > 0);
	if (written.length === 0) return false;
	// Claimed first, so no client can write under the server's id and pass for it (one table covers both documents).
	const clients = written.filter((place) => Y.decodeUpdate(place.update).structs.length > 0).map((place) => place.doc.clientID);
	const owners = await deps.storage.docs.claimClients(meetingId, clients, SERVER_PRINCIPAL);
	if (clients.some((client) => owners.get(client) !== SERVER_PRINCIPAL)) throw new Error('the server drew a client id someone else owns');
	for (const place of written) {
		await place.store.appendUpdate(meetingId, place.update);
		deps.deliver(place.key, { kind: 'update', update: place.update });
	}
	return true;
}
