/**
 * The FileService's view of a meeting's document: which bytes its `attachments` entries
 * name. Read from the stored main document (the `attachments` root lives there).
 */
import { attachmentBytes } from '../../src/lib/meeting/attachments.ts';
import { loadDocument } from '../storage/document-log.ts';
import type { DocumentStore } from '../storage/types.ts';
import type { ReadListings } from './service.ts';

export function documentListings(docs: DocumentStore): ReadListings {
	return async (meetingId) => {
		const doc = await loadDocument(docs, meetingId);
		try {
			return attachmentBytes(doc);
		} finally {
			doc.destroy();
		}
	};
}
