/**
 * The storage with its document writes timed: `appendUpdate` (what an edit waits for
 * before "Sparat") and `compact`, until they resolve. Every other part is the storage's own.
 */
import { withDocuments, type DocumentStore, type MeetingStorage } from '../storage/types.ts';
import type { ServerMetrics } from './metrics.ts';

export function timedStorage(storage: MeetingStorage, metrics: Pick<ServerMetrics, 'storageCommit'>): MeetingStorage {
	/** The work's own promise, timed on the side (one per keystroke: no extra async frame around it). */
	function timed<T>(operation: string, work: () => Promise<T>): Promise<T> {
		const started = performance.now();
		const observe = () => metrics.storageCommit(operation, (performance.now() - started) / 1000);
		let done: Promise<T>;
		try {
			done = work();
		} catch (error) {
			observe();
			return Promise.reject(error);
		}
		done.then(observe, observe);
		return done;
	}
	const docs: DocumentStore = {
		...storage.docs,
		appendUpdate: (meetingId, update) => timed('appendUpdate', () => storage.docs.appendUpdate(meetingId, update)),
		compact: (meetingId) => timed('compact', () => storage.docs.compact(meetingId))
	};
	return withDocuments(storage, docs);
}
