/**
 * The storage with the update appends of one event-loop turn committed together.
 *
 * Every `docs.appendUpdate` made while the loop handles one batch of socket reads (all
 * rooms, all connections) is collected and written at the end of that turn (setImmediate)
 * as one transaction through `docs.appendUpdates`: one WAL write for SQLite, one commit for
 * PostgreSQL, instead of one per keystroke. Each call still resolves only once its update
 * is committed and rejects exactly when a lone `appendUpdate` would have thrown, so the
 * rooms keep "stored before broadcast, SAVED only after the commit" unchanged. Appends keep
 * their order: a room issues its next append only after the previous one resolved, and
 * one batch is written in the order its calls were made. Every other part is the storage's own.
 */
import { withDocuments, type AppendEntry, type DocumentStore, type MeetingStorage } from './types.ts';

interface Waiting extends AppendEntry {
	resolve(): void;
	reject(error: unknown): void;
}

export function batchedDocuments(docs: DocumentStore): DocumentStore {
	let batch: Waiting[] = [];

	const commit = async (): Promise<void> => {
		const entries = batch;
		batch = [];
		let results: (Error | null)[];
		try {
			results = await docs.appendUpdates(entries);
		} catch (error) {
			for (const entry of entries) entry.reject(error);
			return;
		}
		entries.forEach((entry, index) => {
			const failure = results[index];
			if (failure) entry.reject(failure);
			else entry.resolve();
		});
	};

	return {
		...docs,
		appendUpdate: (meetingId, update) =>
			new Promise<void>((resolve, reject) => {
				if (batch.length === 0) setImmediate(() => void commit());
				batch.push({ meetingId, update, resolve, reject });
			})
	};
}

export function batchedAppends(storage: MeetingStorage): MeetingStorage {
	return { ...withDocuments(storage, batchedDocuments(storage.docs)), confidential: batchedDocuments(storage.confidential) };
}
