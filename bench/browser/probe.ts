/**
 * Bundled into one script and injected into a page of the app's origin: it reaches the
 * device's IndexedDB through the app's own LocalStore (src/lib/sync) and times loading
 * a meeting from it into a Y.Doc, as MeetingSession does on open.
 */
import * as Y from 'yjs';
import { DATABASE_NAME, LocalStore, type LocalMeeting } from '../../src/lib/sync/local-store.ts';

function decodeBase64(text: string): Uint8Array {
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	return bytes;
}

async function openStore(): Promise<LocalStore> {
	const store = await LocalStore.open();
	if (!store) throw new Error('IndexedDB unavailable');
	return store;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		req.onsuccess = () => resolve(req.result);
		req.onerror = () => reject(req.error);
	});
}

/** The meeting's stored view of the room, or null (none, or a build without them: no 'snapshots' store). */
async function readSnapshot(meetingId: string): Promise<unknown> {
	const db = await request(indexedDB.open(DATABASE_NAME));
	try {
		if (!db.objectStoreNames.contains('snapshots')) return null;
		return (await request(db.transaction('snapshots').objectStore('snapshots').get(meetingId))) ?? null;
	} finally {
		db.close();
	}
}

export interface LoadTiming {
	openMs: number;
	loadMs: number;
	applyMs: number;
	updates: number;
	bytes: number;
}

const probe = {
	/**
	 * Replaces the meeting's local copy by `updates` stored one record per update. The
	 * list entry goes through LocalStore; the records are added in one raw transaction
	 * of the same shape LocalStore.appendUpdate writes, since 50,000 appendUpdate
	 * transactions would take minutes per repetition.
	 */
	async seed(meeting: LocalMeeting, updatesBase64: string, lengths: number[]): Promise<void> {
		// The stored view of the room (where the build has one) outlives the reseeding: the same copy comes back.
		const kept = await readSnapshot(meeting.id);
		const store = await openStore();
		await store.deleteMeeting(meeting.id);
		await store.putMeeting(meeting);
		store.close();
		const all = decodeBase64(updatesBase64);
		const db = await request(indexedDB.open(DATABASE_NAME));
		if (kept) {
			const keep = db.transaction('snapshots', 'readwrite');
			keep.objectStore('snapshots').put(kept);
			await new Promise<void>((resolve, reject) => {
				keep.oncomplete = () => resolve();
				keep.onerror = () => reject(keep.error);
			});
		}
		const tx = db.transaction('updates', 'readwrite');
		let offset = 0;
		for (const length of lengths) {
			tx.objectStore('updates').add({ meetingId: meeting.id, update: all.slice(offset, offset + length) });
			offset += length;
		}
		await new Promise<void>((resolve, reject) => {
			tx.oncomplete = () => resolve();
			tx.onerror = () => reject(tx.error);
		});
		db.close();
	},

	/** Whether the meeting has a stored view of the room on this device. */
	async hasSnapshot(meetingId: string): Promise<boolean> {
		return (await readSnapshot(meetingId)) !== null;
	},

	async compact(meetingId: string): Promise<number> {
		const store = await openStore();
		try {
			return await store.compact(meetingId);
		} finally {
			store.close();
		}
	},

	async count(meetingId: string): Promise<number> {
		const store = await openStore();
		try {
			return (await store.loadUpdates(meetingId)).length;
		} finally {
			store.close();
		}
	},

	/** LocalStore.loadUpdates plus applying every update into a fresh Y.Doc in one transaction. */
	async loadAndApply(meetingId: string): Promise<LoadTiming> {
		const t0 = performance.now();
		const store = await openStore();
		const t1 = performance.now();
		const updates = await store.loadUpdates(meetingId);
		const t2 = performance.now();
		const doc = new Y.Doc();
		Y.transact(doc, () => {
			for (const update of updates) Y.applyUpdate(doc, update);
		});
		const t3 = performance.now();
		const bytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
		doc.destroy();
		store.close();
		return { openMs: t1 - t0, loadMs: t2 - t1, applyMs: t3 - t2, updates: updates.length, bytes };
	}
};

export type Probe = typeof probe;

(globalThis as unknown as { __benchProbe: Probe }).__benchProbe = probe;
