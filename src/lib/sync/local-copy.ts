/**
 * The device's copy of one meeting, as a session uses it: read into the Y.Doc first (so the
 * meeting shows at once, offline too), every update appended as it happens, the server's
 * confirmations and the meeting's record kept beside it, compacted when the log grows.
 *
 * Writes are fire-and-forget for the caller but tracked: `flush()` waits for all of them,
 * and a failed one reports through `onFailure` (the session shows "the device could not
 * save"), never as an exception in an event handler.
 */
import type * as Y from 'yjs';
import { applyUpdates } from '../protocol/updates.ts';
import type { MeetingInfo } from './meeting-check.ts';
import type { PendingSnapshot } from './pending.ts';
import { deviceStore, type LocalMeeting, type LocalStore, type SyncState } from './local-store.ts';

export type LocalCopyState = 'ok' | 'none' | 'failed';

export interface LoadedCopy {
	/** 'none': no IndexedDB here (private mode, SSR); 'failed': the read failed. */
	state: LocalCopyState;
	/** The meeting's record on this device, if it had a copy. */
	meeting: LocalMeeting | undefined;
	/** What the server had confirmed when the copy was last written. */
	syncState: SyncState | null;
}

export interface LocalCopyOptions {
	meetingId: string;
	/** The device's store; undefined: the page's shared one (deviceStore()); null: keep no copy. */
	store: LocalStore | null | undefined;
	/** Compact the stored updates after this many appends (and on open when more than a fifth of it are stored). */
	compactAfter: number;
	onFailure: () => void;
}

export class LocalCopy {
	readonly #options: LocalCopyOptions;
	readonly #writes = new Set<Promise<unknown>>();
	#store: LocalStore | null = null;
	#meeting: LocalMeeting | undefined;
	#appendsSinceCompaction = 0;
	/** Updates that arrived before the meeting was listed on the device (the socket opens beside the check), written once it is. */
	readonly #unlisted: [Uint8Array, PendingSnapshot | undefined][] = [];

	constructor(options: LocalCopyOptions) {
		this.#options = options;
	}

	/** The meeting's record on this device (undefined until the copy is loaded or the server first answered). */
	get meeting(): LocalMeeting | undefined {
		return this.#meeting;
	}

	/** Applies the stored copy to `doc` in one transaction with `origin` (so it is not appended again). */
	async load(doc: Y.Doc, origin: unknown): Promise<LoadedCopy> {
		const { meetingId } = this.#options;
		const store = this.#options.store === undefined ? await deviceStore() : this.#options.store;
		this.#store = store;
		if (!store) return { state: 'none', meeting: undefined, syncState: null };
		try {
			this.#meeting = await store.getMeeting(meetingId);
			if (!this.#meeting) return { state: 'ok', meeting: undefined, syncState: null };
			const [updates, syncState] = await Promise.all([store.loadUpdates(meetingId), store.loadSyncState(meetingId)]);
			applyUpdates(doc, updates, origin);
			if (updates.length > this.#options.compactAfter / 5) this.#track(store.compact(meetingId));
			return { state: 'ok', meeting: this.#meeting, syncState };
		} catch {
			return { state: 'failed', meeting: this.#meeting, syncState: null };
		}
	}

	/** Records what the server said; the first time, this lists the meeting on the device before anything arrives. */
	remember(info: MeetingInfo, token: string | null): void {
		const store = this.#store;
		if (!store) return;
		if (!this.#meeting) {
			this.#meeting = {
				id: info.id,
				title: info.title,
				date: null,
				lastOpened: Date.now(),
				epoch: info.epoch,
				byteSize: 0,
				token,
				role: info.role,
				frozenAt: info.frozenAt
			};
			this.#track(store.putMeeting(this.#meeting));
			for (const [update, changes] of this.#unlisted.splice(0)) this.append(update, changes);
		} else {
			this.#track(
				store.updateMeeting(this.#options.meetingId, { title: info.title, role: info.role, frozenAt: info.frozenAt, token, lastOpened: Date.now() })
			);
		}
	}

	append(update: Uint8Array, changes: PendingSnapshot | undefined): void {
		const store = this.#store;
		if (!store) return;
		if (!this.#meeting) {
			this.#unlisted.push([update, changes]);
			return;
		}
		this.#track(store.appendUpdate(this.#options.meetingId, update, changes));
		if (++this.#appendsSinceCompaction >= this.#options.compactAfter) {
			this.#appendsSinceCompaction = 0;
			this.#track(store.compact(this.#options.meetingId));
		}
	}

	/** Stores what the server confirmed, and when everything was last confirmed (shown in the device's list). */
	saveSyncState(saved: Map<number, number> | null, changes: PendingSnapshot, lastSavedAt: number | null): void {
		const store = this.#store;
		if (!store || !this.#meeting) return;
		this.#track(store.saveSyncState(this.#options.meetingId, saved, changes));
		if (lastSavedAt !== null && lastSavedAt !== this.#meeting.lastSavedAt) {
			this.#meeting = { ...this.#meeting, lastSavedAt };
			this.#track(store.updateMeeting(this.#options.meetingId, { lastSavedAt }));
		}
	}

	/** The server refused an edit in this copy: it is not sent again, also after a reload, until discarded. */
	markRefused(): void {
		if (this.#store && this.#meeting) this.#track(this.#store.updateMeeting(this.#options.meetingId, { refusedAt: Date.now() }));
	}

	/** Waits for every write, then records the copy's size for the device's list. */
	async close(): Promise<void> {
		const store = this.#store;
		if (!store) return;
		await this.flush();
		if (!this.#meeting) return;
		const byteSize = await store.estimateSize(this.#options.meetingId).catch(() => null);
		if (byteSize !== null) await store.updateMeeting(this.#options.meetingId, { byteSize }).catch(() => {});
	}

	/** Deletes the document (and unconfirmed edits); the meeting stays in the device's list. */
	async discard(): Promise<void> {
		await this.#store?.clearDocument(this.#options.meetingId);
	}

	/** Resolves once every write issued so far reached IndexedDB (or failed). */
	async flush(): Promise<void> {
		while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
	}

	#track(write: Promise<unknown>): void {
		const tracked = write.then(
			() => {},
			() => this.#options.onFailure()
		);
		this.#writes.add(tracked);
		void tracked.finally(() => this.#writes.delete(tracked));
	}
}
