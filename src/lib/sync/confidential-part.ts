/**
 * A meeting's confidential part in the browser: the second Y.Doc that holds the content of
 * the meeting's confidential items (src/lib/meeting/confidential.ts), which the server sends
 * only to roles with `confidential.read` (docs/security.md). The session opens it for such a
 * role only.
 *
 * It has its own websocket (`/sync/<meetingId>/confidential`): y-websocket speaks for one
 * document per socket, and the server decides access per upgrade, so a second connection
 * keeps both the stock client and the server's one-document rooms as they are; the cost is
 * one more socket per reader. Its own copy on the device is kept in the same IndexedDB
 * store under `<meetingId>/confidential` (local-store.ts), so a member reads the content
 * offline after a reload too, and it is removed with the meeting's copy.
 *
 * Its edits count in the session's "not saved yet" until the server confirms them (SAVED):
 * those of this page's document client; edits left unconfirmed by an earlier page are in the
 * device's copy and sent by the next connection, but not counted.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { CLOSE, MESSAGE_NOTICE, MESSAGE_SAVED, readSaved } from '../protocol/index.ts';
import { confidentialCopyId, type LocalStore } from './local-store.ts';
import { applyUpdates } from '../protocol/updates.ts';
import type { WebSocketClass } from './socket-tap.ts';

/** The origin of the transaction that loads the device's copy of the part. */
export const LOCAL_LOAD = Symbol('confidential-local-load');
/** Closes after which reconnecting cannot help (access, a refused edit, a deleted meeting). */
const PERMANENT = new Set<number>([CLOSE.UNAUTHORIZED, CLOSE.FORBIDDEN, CLOSE.NOT_FOUND, CLOSE.TOO_LARGE, CLOSE.INVALID]);
const COMPACT_AFTER = 200;

export interface ConfidentialPartOptions {
	meetingId: string;
	origin: string;
	token: string | null;
	WebSocketPolyfill?: WebSocketClass;
	disableBc?: boolean;
}

export class ConfidentialPart {
	readonly doc = new Y.Doc();
	readonly #options: ConfidentialPartOptions;
	#store: LocalStore | null = null;
	#provider: WebsocketProvider | null = null;
	#appends = 0;
	#loaded: Promise<void> | null = null;
	#destroyed = false;
	#discarded = false;
	#synced = false;
	/** The server's state arrived once, or the device had a copy. */
	#hasState = false;
	readonly #syncListeners = new Set<() => void>();
	/** The highest clock of this document's own client the server confirmed as stored. */
	#savedClock = 0;
	readonly #changeListeners = new Set<() => void>();
	readonly #writes = new Set<Promise<unknown>>();

	constructor(options: ConfidentialPartOptions) {
		this.#options = options;
		this.doc.on('update', this.#onUpdate);
	}

	/** The current connection has received the server's state of the part. */
	get synced(): boolean {
		return this.#synced;
	}

	/** Calls `listener` whenever a connection has received the server's state; returns the unsubscribe. */
	onSynced(listener: () => void): () => void {
		this.#syncListeners.add(listener);
		return () => this.#syncListeners.delete(listener);
	}

	/** The part holds the server's state, or the device's copy of it (as far as it goes offline). */
	get ready(): boolean {
		return this.#hasState;
	}

	/** This page's edits of the part that the server has not confirmed as stored. */
	get unsaved(): boolean {
		return Y.getState(this.doc.store, this.doc.clientID) > this.#savedClock;
	}

	/** Calls `listener` whenever `unsaved` may have changed; returns the unsubscribe. */
	onChange(listener: () => void): () => void {
		this.#changeListeners.add(listener);
		return () => this.#changeListeners.delete(listener);
	}

	/** Reads the device's copy (once); later updates are appended to it. */
	load(store: LocalStore | null): Promise<void> {
		this.#loaded ??= (async () => {
			this.#store = store;
			if (!store) return;
			try {
				const updates = await store.loadUpdates(confidentialCopyId(this.#options.meetingId));
				if (this.#destroyed) return;
				applyUpdates(this.doc, updates, LOCAL_LOAD);
				if (updates.length > 0) this.#hasState = true;
				if (updates.length > COMPACT_AFTER / 5) this.#track(store.compact(confidentialCopyId(this.#options.meetingId)));
			} catch {
				// Unreadable: the server sends it again.
			}
		})();
		return this.#loaded;
	}

	/** Connects to the server (after the meeting's epoch was checked), joining the other tabs of that epoch. */
	connect(epoch: number): void {
		if (this.#provider || this.#destroyed) return;
		const { origin, meetingId, token } = this.#options;
		const provider = new WebsocketProvider(origin.replace(/^http/, 'ws') + '/sync', `${meetingId}/confidential`, this.doc, {
			connect: false,
			params: token === null ? {} : { token },
			WebSocketPolyfill: this.#options.WebSocketPolyfill ?? globalThis.WebSocket,
			disableBc: this.#options.disableBc
		});
		provider.bcChannel = `${provider.bcChannel}#epoch=${epoch}`;
		provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder: decoding.Decoder) => {
			const saved = Y.decodeStateVector(readSaved(decoder)).get(this.doc.clientID) ?? 0;
			if (saved <= this.#savedClock) return;
			this.#savedClock = saved;
			this.#changed();
		};
		// Notices (read-only, frozen) are the meeting session's to show.
		provider.messageHandlers[MESSAGE_NOTICE] = () => {};
		provider.on('sync', (synced: boolean) => {
			this.#synced = synced;
			if (synced) this.#hasState = true;
			if (synced) for (const listener of this.#syncListeners) listener();
		});
		provider.on('status', ({ status }: { status: string }) => {
			if (status === 'disconnected') this.#synced = false;
		});
		provider.on('connection-close', (event) => {
			if (event && PERMANENT.has(event.code)) this.disconnect();
		});
		this.#provider = provider;
		provider.connect();
	}

	/** Stops talking to the server; the device's copy stays. */
	disconnect(): void {
		this.#provider?.destroy();
		this.#provider = null;
	}

	/** The part was dropped (`discard`): nothing of it may be kept on the device, the room's stored view neither. */
	get discarded(): boolean {
		return this.#discarded;
	}

	/** The role may no longer read it: the device's copy is deleted (with the room's stored view), and nothing more is kept. */
	async discard(): Promise<void> {
		this.#discarded = true;
		this.disconnect();
		await this.#loaded;
		this.doc.off('update', this.#onUpdate);
		await this.#flush();
		await this.#store?.clearDocument(confidentialCopyId(this.#options.meetingId)).catch(() => {});
	}

	async destroy(): Promise<void> {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.disconnect();
		this.doc.off('update', this.#onUpdate);
		await this.#flush();
		this.doc.destroy();
	}

	#changed(): void {
		for (const listener of this.#changeListeners) listener();
	}

	#onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
		if (transaction.local) this.#changed();
		const store = this.#store;
		if (origin === LOCAL_LOAD || !store) return;
		const copy = confidentialCopyId(this.#options.meetingId);
		this.#track(store.appendUpdate(copy, update));
		if (++this.#appends >= COMPACT_AFTER) {
			this.#appends = 0;
			this.#track(store.compact(copy));
		}
	};

	#track(write: Promise<unknown>): void {
		const tracked = write.then(
			() => {},
			() => {}
		);
		this.#writes.add(tracked);
		void tracked.finally(() => this.#writes.delete(tracked));
	}

	async #flush(): Promise<void> {
		while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
	}
}
