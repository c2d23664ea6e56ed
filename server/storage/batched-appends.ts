/**
 * The storage with the update appends of one event-loop turn committed together.
 *
 * Every `docs.appendUpdate` made while the loop handles one batch of socket reads (all
 * rooms, all connections) is collected and written at the end of that turn, in the turn's
 * commit step (`shared/turn.ts`), as one transaction through `docs.appendUpdates`: one WAL
 * write for SQLite, one commit for PostgreSQL, instead of one per keystroke. Each call still
 * resolves only once its update is committed and rejects exactly when a lone `appendUpdate`
 * would have thrown. Appends keep their order: one batch is written in the order its calls
 * were made, and a batch starts only after the one before it is committed, so a room may
 * issue its next append before the previous one resolved. The turn's frames are released
 * only after its commit (the rooms' "stored before broadcast"). Every other part is the
 * storage's own.
 */
import { commitAtTurnEnd } from '../shared/turn.ts';
import { withDocuments, type AppendEntry, type DocumentStore, type MeetingStorage } from './types.ts';

interface Waiting extends AppendEntry {
	resolve(): void;
	reject(error: unknown): void;
}

export function batchedDocuments(docs: DocumentStore): DocumentStore {
	let batch: Waiting[] = [];
	/** The previous batch's commit: PostgreSQL's are asynchronous, and one batch must not overtake another. */
	let previous: Promise<void> = Promise.resolve();

	const commit = async (entries: Waiting[]): Promise<void> => {
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
				if (batch.length === 0) {
					commitAtTurnEnd(() => {
						const entries = batch;
						batch = [];
						previous = previous.then(() => commit(entries));
						return previous;
					});
				}
				batch.push({ meetingId, update, resolve, reject });
			})
	};
}

export function batchedAppends(storage: MeetingStorage): MeetingStorage {
	return { ...withDocuments(storage, batchedDocuments(storage.docs)), confidential: batchedDocuments(storage.confidential) };
}
