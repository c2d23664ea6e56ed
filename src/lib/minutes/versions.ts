/**
 * Corrections: approved minutes never change; a correction is a new meeting whose
 * document starts as a copy of the frozen one. The copy names the version it corrects
 * in its header map under `previousVersionId` (a key the meeting model leaves alone;
 * see docs/meeting-schema.md), so the link travels with the document, offline too.
 */
import type * as Y from 'yjs';

export const PREVIOUS_VERSION_KEY = 'previousVersionId';

export function readPreviousVersionId(doc: Y.Doc): string | null {
	const value = doc.getMap('header').get(PREVIOUS_VERSION_KEY);
	return typeof value === 'string' && value !== '' ? value : null;
}

/** Written once, by the server, into the copy it creates for a correction. */
export function setPreviousVersionId(doc: Y.Doc, meetingId: string): void {
	doc.transact(() => doc.getMap('header').set(PREVIOUS_VERSION_KEY, meetingId));
}
