/**
 * The device's copy of meetings in IndexedDB (database 'motesrum').
 *
 * Per meeting: an append-only list of Yjs updates, the meeting's entry in the list
 * "Mina möten på den här enheten", and the sync state (what the server confirmed as
 * stored, which local edits still wait). Several tabs write at once: they only ever
 * append updates, and the read-modify-write steps (compaction, sync state) each run
 * in one readwrite transaction, which IndexedDB serialises across tabs.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import * as Y from 'yjs';
import { docFromUpdates } from '../protocol/updates.ts';
import type { PendingClientState, PendingSnapshot } from './pending.ts';

export const DATABASE_NAME = 'motesrum';
/** 2 added the device's copies of handlingar ('files', 'blobs'); 3 the stored views of the room ('snapshots'). */
const DATABASE_VERSION = 3;

/** One meeting in the device's list, with what is needed to reopen it. */
export interface LocalMeeting {
	id: string;
	title: string;
	/** The meeting's date (ISO yyyy-mm-dd) as the UI last read it from the document, if any. */
	date: string | null;
	/** Milliseconds since the epoch. */
	lastOpened: number;
	/** The server's epoch of the meeting this copy belongs to (a recreated meeting has a new one). */
	epoch: number;
	/** Bytes of document data stored, as of the last compaction or close. */
	byteSize: number;
	/** The link's token; null when it was opened as a signed-in participant (the session cookie opens it). */
	token: string | null;
	role: string;
	frozenAt: string | null;
	/**
	 * When the server refused an edit this copy holds (close 4403), in milliseconds since
	 * the epoch. The copy is never sent again until it is discarded (`clearDocument`).
	 * Absent in entries written before this field existed.
	 */
	refusedAt?: number | null;
	/** When the server last confirmed every edit of this device as stored (ms since the epoch); absent in older entries. */
	lastSavedAt?: number | null;
}

export interface SyncState {
	/** Highest clock per client the server confirmed as stored, or null if it never confirmed anything. */
	saved: Map<number, number> | null;
	pending: PendingSnapshot;
}

interface StoredUpdate {
	meetingId: string;
	update: Uint8Array;
}

interface StoredSyncState {
	meetingId: string;
	saved: [number, number][] | null;
	pending: [number, PendingClientState][];
}

/**
 * A handling (file) of a meeting kept on this device: what names it, keyed by meeting and
 * attachment; its bytes are in 'blobs' under their SHA-256, shared by every meeting that lists
 * the same bytes. The service worker reads both to open the file without a network.
 */
export interface DeviceFile {
	meetingId: string;
	attachmentId: string;
	sha256: string;
	name: string;
	type: string;
	size: number;
}

/**
 * What the meeting room last showed on this device (room-snapshot.ts): its HTML, painted by the
 * inline script of src/app.html on the next open before the app's code has run, and replaced by
 * the live room. The same data as the device's copy, so it is removed wherever the copy is.
 */
export interface RoomSnapshot {
	meetingId: string;
	/** The app's root (`[data-app-root]`) as captured: no ids, scripts, names or hidden panels. */
	html: string;
	/** The build that rendered it (kit's version name); another build's snapshot is never shown. */
	build: string;
	/** `<html lang>` when captured. */
	lang: string;
	/** The document's title when captured. */
	title: string;
	/** Milliseconds since the epoch. */
	savedAt: number;
}

interface StoredBlob {
	sha256: string;
	blob: Blob;
}

interface MotesrumDB extends DBSchema {
	meetings: { key: string; value: LocalMeeting };
	updates: { key: number; value: StoredUpdate; indexes: { byMeeting: string } };
	sync: { key: string; value: StoredSyncState };
	files: { key: [string, string]; value: DeviceFile; indexes: { byMeeting: string; bySha: string } };
	blobs: { key: string; value: StoredBlob };
	snapshots: { key: string; value: RoomSnapshot };
}

/**
 * Where the device keeps a meeting's confidential part (the content of its confidential
 * items, confidential-part.ts): updates under this key, beside the meeting's own, removed with them.
 */
export function confidentialCopyId(meetingId: string): string {
	return `${meetingId}/confidential`;
}

/** The meeting a stored copy id belongs to: `<id>` for the meeting's own and for `<id>/confidential`. */
export function meetingOfCopy(copyId: string): string {
	return copyId.endsWith('/confidential') ? copyId.slice(0, -'/confidential'.length) : copyId;
}

export class LocalStore {
	readonly #db: IDBPDatabase<MotesrumDB>;

	private constructor(db: IDBPDatabase<MotesrumDB>) {
		this.#db = db;
	}

	/** Opens the store, or resolves null where IndexedDB is missing or refused (SSR, some private modes). */
	static async open(name = DATABASE_NAME): Promise<LocalStore | null> {
		if (typeof indexedDB === 'undefined') return null;
		try {
			const db = await openDB<MotesrumDB>(name, DATABASE_VERSION, {
				upgrade(db, oldVersion) {
					if (oldVersion < 1) {
						db.createObjectStore('meetings', { keyPath: 'id' });
						const updates = db.createObjectStore('updates', { autoIncrement: true });
						updates.createIndex('byMeeting', 'meetingId');
						db.createObjectStore('sync', { keyPath: 'meetingId' });
					}
					if (oldVersion < 2) {
						const files = db.createObjectStore('files', { keyPath: ['meetingId', 'attachmentId'] });
						files.createIndex('byMeeting', 'meetingId');
						files.createIndex('bySha', 'sha256');
						db.createObjectStore('blobs', { keyPath: 'sha256' });
					}
					if (oldVersion < 3) db.createObjectStore('snapshots', { keyPath: 'meetingId' });
				},
				// A newer version in another tab wants to upgrade: let it, this tab reloads later.
				blocking() {
					db.close();
				}
			});
			return new LocalStore(db);
		} catch {
			return null;
		}
	}

	close(): void {
		this.#db.close();
	}

	/**
	 * Appends one update. Local edits pass the changed pending entries too, so the edit
	 * and the record that it still waits for the server land in the same transaction.
	 */
	async appendUpdate(meetingId: string, update: Uint8Array, pending?: PendingSnapshot): Promise<void> {
		if (!pending || pending.size === 0) {
			await this.#db.add('updates', { meetingId, update });
			return;
		}
		const tx = this.#db.transaction(['updates', 'sync'], 'readwrite');
		await Promise.all([
			tx.objectStore('updates').add({ meetingId, update }),
			mergeSyncState(tx.objectStore('sync'), meetingId, null, pending),
			tx.done
		]);
	}

	/** Every stored update of the meeting, oldest first. */
	async loadUpdates(meetingId: string): Promise<Uint8Array[]> {
		const records = await this.#db.getAllFromIndex('updates', 'byMeeting', meetingId);
		return records.map((record) => record.update);
	}

	/**
	 * Replaces the meeting's updates by one update holding the same state. All in one
	 * transaction: a crash or a concurrent tab sees either the old list or the new one.
	 * Returns the bytes stored afterwards.
	 */
	async compact(meetingId: string): Promise<number> {
		const tx = this.#db.transaction(['updates', 'meetings'], 'readwrite');
		const updates = tx.objectStore('updates');
		const [keys, records] = await Promise.all([
			updates.index('byMeeting').getAllKeys(meetingId),
			updates.index('byMeeting').getAll(meetingId)
		]);
		if (records.length <= 1) {
			await tx.done;
			return records[0]?.update.byteLength ?? 0;
		}
		// Applying into a document is linear; Y.mergeUpdates over many updates is not.
		const doc = docFromUpdates(records.map((record) => record.update));
		const snapshot = Y.encodeStateAsUpdate(doc);
		doc.destroy();
		const meetings = tx.objectStore('meetings');
		const meeting = await meetings.get(meetingId);
		await Promise.all([
			...keys.map((key) => updates.delete(key)),
			updates.add({ meetingId, update: snapshot }),
			meeting ? meetings.put({ ...meeting, byteSize: snapshot.byteLength }) : undefined,
			tx.done
		]);
		return snapshot.byteLength;
	}

	async loadSyncState(meetingId: string): Promise<SyncState> {
		const record = await this.#db.get('sync', meetingId);
		return {
			saved: record?.saved ? new Map(record.saved) : null,
			pending: new Map(record?.pending ?? [])
		};
	}

	/** Merges a confirmed saved vector (by maximum) and replaces the given clients' pending entries. */
	async saveSyncState(meetingId: string, saved: Map<number, number> | null, pending: PendingSnapshot): Promise<void> {
		const tx = this.#db.transaction('sync', 'readwrite');
		await Promise.all([mergeSyncState(tx.store, meetingId, saved, pending), tx.done]);
	}

	async getMeeting(id: string): Promise<LocalMeeting | undefined> {
		return this.#db.get('meetings', id);
	}

	async putMeeting(meeting: LocalMeeting): Promise<void> {
		await this.#db.put('meetings', meeting);
	}

	/** Changes some fields of a meeting already in the list; does nothing if it is not there. */
	async updateMeeting(id: string, patch: Partial<Omit<LocalMeeting, 'id'>>): Promise<void> {
		const tx = this.#db.transaction('meetings', 'readwrite');
		const meeting = await tx.store.get(id);
		if (meeting) await tx.store.put({ ...meeting, ...patch });
		await tx.done;
	}

	/** The meetings on this device, most recently opened first. */
	async listMeetings(): Promise<LocalMeeting[]> {
		const meetings = await this.#db.getAll('meetings');
		return meetings.sort((a, b) => b.lastOpened - a.lastOpened);
	}

	/**
	 * "Ta bort från enheten": the list entry, the document, the sync state and the meeting's
	 * files (each file's bytes too, unless another meeting on the device lists them), in one transaction.
	 */
	async deleteMeeting(id: string): Promise<void> {
		const tx = this.#db.transaction(['meetings', 'updates', 'sync', 'files', 'blobs', 'snapshots'], 'readwrite');
		const [own, part, files] = await Promise.all([
			tx.objectStore('updates').index('byMeeting').getAllKeys(id),
			tx.objectStore('updates').index('byMeeting').getAllKeys(confidentialCopyId(id)),
			tx.objectStore('files').index('byMeeting').getAll(id)
		]);
		const keys = [...own, ...part];
		await Promise.all([
			tx.objectStore('meetings').delete(id),
			tx.objectStore('sync').delete(id),
			tx.objectStore('snapshots').delete(id),
			...keys.map((key) => tx.objectStore('updates').delete(key)),
			...files.map((file) => tx.objectStore('files').delete([file.meetingId, file.attachmentId]))
		]);
		await dropUnlisted(tx.objectStore('files'), tx.objectStore('blobs'), files.map((file) => file.sha256));
		await tx.done;
	}

	// ---- handlingar on this device (device-files.ts downloads them; the service worker serves them)

	/** The meeting's files on this device whose bytes are here. */
	async listFiles(meetingId: string): Promise<DeviceFile[]> {
		return this.#db.getAllFromIndex('files', 'byMeeting', meetingId);
	}

	async hasBlob(sha256: string): Promise<boolean> {
		return (await this.#db.getKey('blobs', sha256)) !== undefined;
	}

	/** Keeps a file on the device; `blob` may be left out when the bytes are here already (hasBlob). */
	async putFile(file: DeviceFile, blob?: Blob): Promise<void> {
		const tx = this.#db.transaction(['files', 'blobs'], 'readwrite');
		if (blob) await tx.objectStore('blobs').put({ sha256: file.sha256, blob });
		else if ((await tx.objectStore('blobs').getKey(file.sha256)) === undefined) throw new Error(`the bytes of ${file.sha256} are not on this device`);
		await tx.objectStore('files').put(file);
		await tx.done;
	}

	/** Forgets the meeting's files not in `keep` (attachment ids), and bytes no file lists any more. */
	async keepOnlyFiles(meetingId: string, keep: ReadonlySet<string>): Promise<void> {
		const tx = this.#db.transaction(['files', 'blobs'], 'readwrite');
		const doomed = (await tx.objectStore('files').index('byMeeting').getAll(meetingId)).filter((file) => !keep.has(file.attachmentId));
		await Promise.all(doomed.map((file) => tx.objectStore('files').delete([file.meetingId, file.attachmentId])));
		await dropUnlisted(tx.objectStore('files'), tx.objectStore('blobs'), doomed.map((file) => file.sha256));
		await tx.done;
	}

	/** A file of the meeting with its bytes, or null (what the service worker answers with). */
	async readFile(meetingId: string, attachmentId: string): Promise<{ file: DeviceFile; blob: Blob } | null> {
		const tx = this.#db.transaction(['files', 'blobs'], 'readonly');
		const file = await tx.objectStore('files').get([meetingId, attachmentId]);
		const stored = file ? await tx.objectStore('blobs').get(file.sha256) : undefined;
		await tx.done;
		return file && stored ? { file, blob: stored.blob } : null;
	}

	/**
	 * Discards the device's copy of the meeting's document and its sync state, keeping the
	 * list entry (title, token) so the meeting reopens and loads afresh from the server. The
	 * stored view of the room goes with it, also when `id` is the confidential part's
	 * (`confidentialCopyId`): a view may show what the part held.
	 */
	async clearDocument(id: string): Promise<void> {
		const tx = this.#db.transaction(['meetings', 'updates', 'sync', 'snapshots'], 'readwrite');
		const [own, part, meeting] = await Promise.all([
			tx.objectStore('updates').index('byMeeting').getAllKeys(id),
			tx.objectStore('updates').index('byMeeting').getAllKeys(confidentialCopyId(id)),
			tx.objectStore('meetings').get(id)
		]);
		const keys = [...own, ...part];
		await Promise.all([
			meeting ? tx.objectStore('meetings').put({ ...meeting, byteSize: 0, refusedAt: null }) : undefined,
			tx.objectStore('sync').delete(id),
			tx.objectStore('snapshots').delete(meetingOfCopy(id)),
			...keys.map((key) => tx.objectStore('updates').delete(key)),
			tx.done
		]);
	}

	// ---- the stored view of the room (room-snapshot.ts; painted by src/app.html's inline script)

	async getSnapshot(meetingId: string): Promise<RoomSnapshot | undefined> {
		return this.#db.get('snapshots', meetingId);
	}

	/** Stores the view, only while the meeting is in the device's list (a removed meeting keeps none). */
	async putSnapshot(snapshot: RoomSnapshot): Promise<boolean> {
		const tx = this.#db.transaction(['meetings', 'snapshots'], 'readwrite');
		const listed = (await tx.objectStore('meetings').getKey(snapshot.meetingId)) !== undefined;
		if (listed) await tx.objectStore('snapshots').put(snapshot);
		await tx.done;
		return listed;
	}

	async deleteSnapshot(meetingId: string): Promise<void> {
		await this.#db.delete('snapshots', meetingId);
	}

	/** Every meeting's stored view (signing out; changing the interface language). */
	async clearSnapshots(): Promise<void> {
		await this.#db.clear('snapshots');
	}

	/** Bytes the meeting's document takes on this device now (updates only, before compaction). */
	async estimateSize(id: string): Promise<number> {
		let total = 0;
		let cursor = await this.#db.transaction('updates').store.index('byMeeting').openCursor(id);
		while (cursor) {
			total += cursor.value.update.byteLength;
			cursor = await cursor.continue();
		}
		return total;
	}
}

let shared: Promise<LocalStore | null> | null = null;

/** The page's one connection to the device's store, opened on first use. */
export function deviceStore(): Promise<LocalStore | null> {
	shared ??= LocalStore.open();
	return shared;
}

type SyncObjectStore = {
	get(key: string): Promise<StoredSyncState | undefined>;
	put(value: StoredSyncState): Promise<string>;
};

async function mergeSyncState(
	store: SyncObjectStore,
	meetingId: string,
	saved: Map<number, number> | null,
	pending: PendingSnapshot
): Promise<void> {
	const record = await store.get(meetingId);
	let mergedSaved = record?.saved ? new Map(record.saved) : null;
	if (saved) {
		mergedSaved ??= new Map();
		for (const [client, clock] of saved) {
			if (clock > (mergedSaved.get(client) ?? 0)) mergedSaved.set(client, clock);
		}
	}
	const mergedPending = new Map(record?.pending ?? []);
	for (const [client, state] of pending) {
		if (state.clocks.length === 0 && state.deletes === 0) mergedPending.delete(client);
		else mergedPending.set(client, state);
	}
	await store.put({
		meetingId,
		saved: mergedSaved ? [...mergedSaved] : null,
		pending: [...mergedPending]
	});
}

type FilesIndexStore = { index(name: 'bySha'): { count(key: string): Promise<number> } };
type BlobObjectStore = { delete(key: string): Promise<void> };

/** Deletes the bytes of each hash that no file record lists any more. */
async function dropUnlisted(files: FilesIndexStore, blobs: BlobObjectStore, hashes: readonly string[]): Promise<void> {
	for (const sha256 of new Set(hashes)) {
		if ((await files.index('bySha').count(sha256)) === 0) await blobs.delete(sha256);
	}
}
