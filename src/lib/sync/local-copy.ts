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
	/** Compact the stored updates, when the page is idle, once this many records are stored (and on open when more than a fifth of it are). */
	compactAfter: number;
	onFailure: () => void;
}

/** A compaction waits at most this long for an idle moment (a page busy for longer still gets it). */
const IDLE_COMPACTION_TIMEOUT_MS = 2_000;

/** What the device holds of one meeting, read in one go. */
interface StoredCopy {
	meeting: LocalMeeting | undefined;
	updates: Uint8Array[];
	syncState: SyncState | null;
}

async function readStored(store: LocalStore, meetingId: string): Promise<StoredCopy> {
	const [meeting, updates, syncState] = await Promise.all([store.getMeeting(meetingId), store.loadUpdates(meetingId), store.loadSyncState(meetingId)]);
	return { meeting, updates, syncState: meeting ? syncState : null };
}

/** Reads started before their session existed, by meeting id; each is taken by the first load of that meeting. */
const early = new Map<string, Promise<StoredCopy | null>>();

/**
 * Starts reading the device's copy of a meeting now, while the meeting screen's code is
 * still loading (src/hooks.client.ts): opening IndexedDB and reading the copy then overlap
 * the app's boot instead of following it. The next session of that meeting in this page
 * takes the result; nothing else may have written the copy in between but this page's
 * other tabs, which reach it through the BroadcastChannel as they would after any load.
 * Resolves to whether the device holds a copy of the meeting.
 */
export function readCopyEarly(meetingId: string): Promise<boolean> {
	let read = early.get(meetingId);
	if (!read) {
		read = deviceStore().then((store) => (store ? readStored(store, meetingId) : null));
		// Failures surface when a session takes the read (as a failed load), not as an unhandled rejection now.
		read.catch(() => {});
		early.set(meetingId, read);
	}
	// Whether the device holds a copy; a failed read counts as one (the careful answer).
	return read.then((copy) => copy?.meeting !== undefined, () => true);
}

export class LocalCopy {
	readonly #options: LocalCopyOptions;
	readonly #writes = new Set<Promise<unknown>>();
	#store: LocalStore | null = null;
	#meeting: LocalMeeting | undefined;
	/** Update records of this meeting in the store, as far as this copy knows (other tabs append too). */
	#records = 0;
	/** A compaction waiting for the page to be idle; `run` starts it now, `cancel` drops it. */
	#idleCompaction: { cancel(): void } | null = null;
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
		const shared = this.#options.store === undefined;
		const earlyRead = shared ? early.get(meetingId) : undefined;
		early.delete(meetingId);
		const store = shared ? await deviceStore() : this.#options.store;
		this.#store = store ?? null;
		if (!store) return { state: 'none', meeting: undefined, syncState: null };
		try {
			const { meeting, updates, syncState } = (await earlyRead) ?? (await readStored(store, meetingId));
			this.#meeting = meeting;
			if (!this.#meeting) return { state: 'ok', meeting: undefined, syncState: null };
			globalThis.performance?.mark?.('motesrum:copy-read');
			applyUpdates(doc, updates, origin);
			// The bench (bench/browser/) reads these marks to tell the data's part of an open from the app's.
			globalThis.performance?.mark?.('motesrum:copy-applied');
			this.#records = updates.length;
			if (this.#records > this.#options.compactAfter / 5) this.#compactWhenIdle();
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
		if (++this.#records >= this.#options.compactAfter) this.#compactWhenIdle();
	}

	/**
	 * Compacts the stored updates once the page is idle, so a long copy is rewritten neither
	 * in the middle of the first paint nor between two keystrokes, and the number of records
	 * (and with it the next open's read) stays bounded by about `compactAfter`. Safe beside
	 * appends of this tab and others: the compaction is one readwrite transaction, which
	 * IndexedDB orders before or after every append, so an update is either folded in or
	 * stays a record of its own.
	 */
	#compactWhenIdle(): void {
		const store = this.#store;
		if (!store || this.#idleCompaction) return;
		let done: () => void = () => {};
		const settled = new Promise<void>((resolve) => (done = resolve));
		const run = () => {
			if (this.#idleCompaction !== pending) return;
			this.#idleCompaction = null;
			// Appends issued from here on come after the compaction's transaction.
			this.#records = 1;
			this.#track(store.compact(this.#options.meetingId));
			done();
		};
		// Node (the tests) and older Safari have no idle callbacks: the next turn is the idle moment there.
		const idle = typeof globalThis.requestIdleCallback === 'function';
		const handle = idle ? globalThis.requestIdleCallback(run, { timeout: IDLE_COMPACTION_TIMEOUT_MS }) : setTimeout(run, 0);
		const pending = {
			cancel: () => {
				if (idle) globalThis.cancelIdleCallback(handle as number);
				else clearTimeout(handle as ReturnType<typeof setTimeout>);
				this.#idleCompaction = null;
				done();
			}
		};
		this.#idleCompaction = pending;
		// flush() waits for a compaction that is due, as for any other write.
		this.#track(settled);
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
		// Leaving is no idle moment: the next open compacts (the count stays above the bound).
		this.#idleCompaction?.cancel();
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
