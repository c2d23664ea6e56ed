/**
 * The FileService's view of a meeting's documents: which bytes their `attachments` entries
 * name. Read from the stored meeting document and its stored confidential part (a confidential
 * item's files are listed there, attachments.ts): a file is named while either names it. An
 * entry moving between the two (an item marked or made public) may be in both for a moment, or
 * in neither: it is counted once, by its id (live if either copy is), and while it is in
 * neither its bytes keep counting as an upload not listed yet (service.ts `letGo`).
 */
import { attachmentBytes } from '../../src/lib/meeting/attachments.ts';
import { loadDocument } from '../storage/document-log.ts';
import type { DocumentStore } from '../storage/types.ts';
import type { ReadListings } from './service.ts';

export function documentListings(docs: DocumentStore, confidential?: DocumentStore): ReadListings {
	return async (meetingId) => {
		const stores = confidential ? [docs, confidential] : [docs];
		const byId = new Map<string, { sha256: string; removed: boolean }>();
		for (const store of stores) {
			const doc = await loadDocument(store, meetingId);
			try {
				for (const { id, sha256, removed } of attachmentBytes(doc)) {
					const seen = byId.get(id);
					byId.set(id, { sha256, removed: removed && (seen?.removed ?? true) });
				}
			} finally {
				doc.destroy();
			}
		}
		return [...byId.values()];
	};
}
