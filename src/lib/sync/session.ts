/**
 * One open meeting in the browser, as one facade over three parts: the device's copy
 * (local-copy.ts), the server check (meeting-check.ts) and the transport (the y-websocket
 * provider, with our SAVED and NOTICE messages and the numbering of update frames that
 * tells which local edits are stored: pending.ts, socket-tap.ts). The UI reads one status.
 *
 * Order of work: the local copy loads first (the meeting shows at once, offline too);
 * then the server is asked for the meeting's epoch, and only if it is still the
 * epoch of the local copy does the provider connect, so a copy of a deleted or
 * recreated meeting is never pushed into the server. A device without a copy has
 * nothing to push: it opens the socket beside that check (one round trip less on a
 * phone link), and what arrives is written to the device once the check listed the
 * meeting there (local-copy.ts). See docs/offline.md.
 *
 * A role that may read confidential items (`confidential.read`) also gets the meeting's
 * confidential part (confidential-part.ts): loaded from the device with the meeting, and
 * connected once the server check accepted the copy.
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { CLOSE, MESSAGE_NOTICE, MESSAGE_SAVED, readNotice, readSaved, type Notice } from '../protocol/index.ts';
import { can } from '../protocol/roles.ts';
import { ConfidentialPart } from './confidential-part.ts';
import { adoptingEarlySocket } from './early-socket.ts';
import { LocalCopy } from './local-copy.ts';
import { deviceStore, type LocalStore } from './local-store.ts';
import { checkMeeting, ServerCheck, type MeetingCheck, type MeetingInfo } from './meeting-check.ts';
import { FrameCounter, PendingEdits } from './pending.ts';
import { tapWebSocket, updateFrameKind, type WebSocketClass } from './socket-tap.ts';

export type ConnectionState = 'connecting' | 'online' | 'offline';

/**
 * Why the session stopped talking to the server. The local copy stays readable.
 * - access-lost: the token is wrong or was revoked (401/403).
 * - forbidden: the server refused an edit of this device (close 4403: the role may not make
 *   it). The copy now holds a change the meeting will never have, so it is not sent again,
 *   also after a reload, until it is discarded with `discardLocalCopy()`.
 * - meeting-deleted: the server no longer has the meeting (404).
 * - meeting-replaced: the meeting was deleted and recreated; the local copy belongs to the old one.
 * - too-large / refused: the server closed for good for another reason (4413 / other 44xx).
 */
export type SessionError = 'access-lost' | 'forbidden' | 'meeting-deleted' | 'meeting-replaced' | 'too-large' | 'refused';

export interface SessionStatus {
	connection: ConnectionState;
	/** Local edits the server has not yet confirmed as stored. */
	pending: number;
	/** Nothing pending and the server confirmed at least once. */
	saved: boolean;
	/** When the server last confirmed every local edit as stored (ms since the epoch), on this device. */
	lastSavedAt: number | null;
	/** The device's copy has been read (or there is none / no IndexedDB). */
	localLoaded: boolean;
	/** Whether the device had a copy of this meeting when the session opened. */
	hasLocalCopy: boolean;
	/** 'none': no IndexedDB here (private mode, SSR); 'failed': a read or write failed. */
	localStore: 'ok' | 'none' | 'failed';
	/** The current connection has received the server's state. */
	serverSynced: boolean;
	error: SessionError | null;
	/** Edits are not kept by the server (frozen meeting, observer role, or refused by a notice). */
	readOnly: boolean;
	/** The last notice the server sent, for the UI to show. */
	notice: Notice | null;
	/** What the server said about the meeting on the last successful check. */
	meeting: MeetingInfo | null;
}

export interface MeetingSessionOptions {
	meetingId: string;
	/** The link's token; null for a signed-in participant, whom the session cookie identifies (same origin). */
	token: string | null;
	/** The server's origin, `http(s)://host[:port]`. */
	origin: string;
	/** The device's store; by default the page's shared one (deviceStore()). null: no local copy. */
	store?: LocalStore | null;
	WebSocketPolyfill?: WebSocketClass;
	disableBc?: boolean;
	fetch?: typeof fetch;
	/** Compact the stored updates (when the page is idle) once this many records are stored, and on open above a fifth of it. */
	compactAfter?: number;
}

type Listener = (status: SessionStatus) => void;

/** Transaction origin of the local copy being loaded: it is already stored. */
/** The origin of the transaction that loads the device's copy (room-snapshot.ts tells it from other devices' changes). */
export const LOCAL_LOAD = Symbol('local-load');
const SYNC_STATE_WRITE_DELAY_MS = 250;
/** After this many failed connection attempts in a row, ask the HTTP API why (upgrade refusals look like network errors). */
const RECHECK_AFTER_FAILED_ATTEMPTS = 3;

const PERMANENT_CLOSE: Record<number, SessionError> = {
	[CLOSE.UNAUTHORIZED]: 'access-lost',
	[CLOSE.FORBIDDEN]: 'forbidden',
	[CLOSE.NOT_FOUND]: 'meeting-deleted',
	[CLOSE.TOO_LARGE]: 'too-large',
	// Off-schema: like a forbidden edit, the copy holds a change the meeting will never have.
	[CLOSE.INVALID]: 'forbidden'
};

function isReadOnly(meeting: { frozenAt: string | null; role: string }): boolean {
	return meeting.frozenAt !== null || meeting.role === 'observer';
}

export class MeetingSession {
	readonly meetingId: string;
	readonly doc = new Y.Doc();
	/** Presence; the provider uses it once connected, and it is there from the start. */
	readonly awareness: Awareness;
	/** Resolves when the local copy is loaded (or known to be absent). */
	readonly ready: Promise<void>;
	/**
	 * The meeting's confidential part: filled only for a role with `confidential.read` (the
	 * meeting domain attaches it to `doc`; for other roles it stays empty and unconnected).
	 */
	readonly confidential: ConfidentialPart;

	readonly #options: MeetingSessionOptions;
	readonly #pending = new PendingEdits();
	readonly #counters = new WeakMap<object, FrameCounter>();
	readonly #listeners = new Set<Listener>();
	readonly #copy: LocalCopy;
	readonly #server: ServerCheck;
	#status: SessionStatus = {
		connection: 'connecting',
		pending: 0,
		saved: false,
		lastSavedAt: null,
		localLoaded: false,
		hasLocalCopy: false,
		localStore: 'ok',
		serverSynced: false,
		error: null,
		readOnly: false,
		notice: null,
		meeting: null
	};
	#provider: WebsocketProvider | null = null;
	#destroyed = false;
	/** The provider was created before the epoch was known: it joins the other tabs once the check names it. */
	#tabsUnjoined = false;
	#syncStateTimer: ReturnType<typeof setTimeout> | null = null;
	#failedAttempts = 0;
	#socketOpened = false;

	constructor(options: MeetingSessionOptions) {
		this.meetingId = options.meetingId;
		this.#options = options;
		this.awareness = new Awareness(this.doc);
		this.confidential = new ConfidentialPart({
			meetingId: options.meetingId,
			origin: options.origin,
			token: options.token,
			WebSocketPolyfill: options.WebSocketPolyfill,
			disableBc: options.disableBc
		});
		this.confidential.onChange(() => this.#set(this.#pendingStatus()));
		this.#copy = new LocalCopy({
			meetingId: options.meetingId,
			store: options.store,
			compactAfter: options.compactAfter ?? 500,
			onFailure: () => this.#set({ localStore: 'failed' })
		});
		this.#server = new ServerCheck(
			() => checkMeeting(options.origin, options.meetingId, options.token, options.fetch),
			(check) => this.#onCheck(check)
		);
		// Registered before any provider exists, so it runs before the provider's own
		// update handler: that is what lets #onUpdate predict the frame number.
		this.doc.on('update', this.#onUpdate);
		this.ready = this.#loadLocal();
		void this.ready.then(() => (this.#status.error ? undefined : this.#server.run()));
	}

	get status(): SessionStatus {
		return this.#status;
	}

	/** Svelte store contract: calls `listener` now and on every change; returns the unsubscribe. */
	subscribe(listener: Listener): () => void {
		this.#listeners.add(listener);
		listener(this.#status);
		return () => this.#listeners.delete(listener);
	}

	/** Disconnects, writes what is still unwritten, releases the document. */
	async destroy(): Promise<void> {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#server.stop();
		if (this.#syncStateTimer) clearTimeout(this.#syncStateTimer);
		this.#provider?.destroy();
		this.#provider = null;
		this.doc.off('update', this.#onUpdate);
		this.awareness.destroy();
		this.#listeners.clear();
		await this.ready;
		this.#writeSyncState();
		await Promise.all([this.#copy.close(), this.confidential.destroy()]);
		this.doc.destroy();
	}

	async #loadLocal(): Promise<void> {
		const loaded = await this.#copy.load(this.doc, LOCAL_LOAD);
		// Read with the meeting, so a confidential item shows its content at once, offline too.
		if (loaded.meeting && can(loaded.meeting.role, 'confidential.read')) await this.confidential.load(await this.#store());
		if (loaded.syncState) {
			this.#pending.restore(loaded.syncState.saved, loaded.syncState.pending);
			this.#pending.takeChanges();
		}
		if (loaded.state !== 'ok') this.#set({ localStore: loaded.state });
		if (this.#destroyed) return;
		if (loaded.state === 'none') {
			this.#set({ localLoaded: true });
			return;
		}
		const local = loaded.meeting;
		const refused = typeof local?.refusedAt === 'number';
		this.#set({
			localLoaded: true,
			hasLocalCopy: local !== undefined,
			...this.#pendingStatus(),
			// What the server said last time, until it answers again.
			...(local && {
				meeting: { id: local.id, title: local.title, epoch: local.epoch, frozenAt: local.frozenAt, role: local.role },
				readOnly: isReadOnly(local),
				lastSavedAt: local.lastSavedAt ?? null
			}),
			// Sending the copy again would only be refused again (sync step 2 carries it).
			...(refused && { error: 'forbidden' as const, connection: 'offline' as const })
		});
		// Other tabs of the same meeting keep in step through the BroadcastChannel even before
		// the server answers; a refused copy stays out of it, or another tab would send it.
		if (local && !refused) this.#createProvider(local.epoch).connectBc();
		else if (!local && !this.#status.error) this.#createProvider(null).connect();
	}

	/**
	 * "Läs in mötet från servern igen": ends this session and deletes the device's copy of
	 * the document, with any edit the server has not stored (the meeting stays in the
	 * device's list). A Y.Doc cannot forget a change, so open a new session afterwards: it
	 * starts empty and loads the meeting from the server.
	 */
	async discardLocalCopy(): Promise<void> {
		await this.destroy();
		await this.#copy.discard();
	}

	/** What the server said about the meeting; connects only when the local copy may be sent. */
	#onCheck(result: MeetingCheck): void {
		if (this.#destroyed || this.#status.error) return;
		switch (result.kind) {
			case 'access-lost':
				return this.#fail('access-lost');
			case 'not-found':
				return this.#fail('meeting-deleted');
			case 'unreachable':
				if (!this.#provider?.wsconnected) this.#set({ connection: 'offline' });
				// A socket opened early still needs the check to list the meeting on the device.
				if (!this.#provider?.shouldConnect || !this.#copy.meeting) this.#server.retryLater();
				return;
			case 'ok':
				return this.#accept(result.info);
		}
	}

	#accept(info: MeetingInfo): void {
		const local = this.#copy.meeting;
		if (local && local.epoch !== info.epoch) return this.#fail('meeting-replaced');
		const readOnly = this.#status.readOnly || isReadOnly(info);
		this.#set({ meeting: info, readOnly });
		// Before connecting, so what the server sends lands in a listed meeting.
		this.#copy.remember(info, this.#options.token);
		const provider = this.#provider ?? this.#createProvider(info.epoch);
		this.#openConfidential(info);
		if (this.#tabsUnjoined) {
			this.#tabsUnjoined = false;
			provider.bcChannel = `${provider.bcChannel}#epoch=${info.epoch}`;
			provider.disableBc = this.#options.disableBc ?? false;
			provider.connectBc();
		}
		if (!provider.shouldConnect) provider.connect();
	}

	#store(): Promise<LocalStore | null> {
		return this.#options.store === undefined ? deviceStore() : Promise.resolve(this.#options.store);
	}

	/** Connects the confidential part for a role that may read it; deletes the device's copy of it for one that may not (any more). */
	#openConfidential(info: MeetingInfo): void {
		if (!can(info.role, 'confidential.read')) {
			void this.confidential.discard();
			return;
		}
		void this.#store()
			.then((store) => this.confidential.load(store))
			.then(() => {
				if (!this.#destroyed && !this.#status.error) this.confidential.connect(info.epoch);
			});
	}

	/** `epoch` null: not known yet; the provider stays out of the other tabs until `#accept`. */
	#createProvider(epoch: number | null): WebsocketProvider {
		// In the browser, the socket the app's entry may have opened for this meeting (early-socket.ts).
		const Base = this.#options.WebSocketPolyfill ?? adoptingEarlySocket(globalThis.WebSocket);
		const provider = new WebsocketProvider(this.#options.origin.replace(/^http/, 'ws') + '/sync', this.meetingId, this.doc, {
			connect: false,
			awareness: this.awareness,
			params: this.#options.token === null ? {} : { token: this.#options.token },
			WebSocketPolyfill: tapWebSocket(Base, this.#onSend),
			disableBc: this.#options.disableBc
		});
		// Tabs holding copies of different epochs of one meeting id must never merge.
		if (epoch === null) {
			provider.disableBc = true;
			this.#tabsUnjoined = true;
		} else {
			provider.bcChannel = `${provider.bcChannel}#epoch=${epoch}`;
		}
		provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => this.#onSaved(provider, decoder);
		provider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder) => this.#onNotice(provider, decoder);
		provider.on('status', ({ status }) => {
			if (status === 'connected') {
				this.#socketOpened = true;
				this.#set({ connection: 'online' });
			} else if (status === 'disconnected') {
				this.#set({ connection: 'offline', serverSynced: false });
			}
		});
		provider.on('sync', (synced) => {
			if (synced) this.#failedAttempts = 0;
			this.#set({ serverSynced: synced });
		});
		provider.on('connection-close', (event) => this.#onClose(event));
		this.#provider = provider;
		return provider;
	}

	#counterOf(socket: object): FrameCounter {
		let counter = this.#counters.get(socket);
		if (!counter) {
			counter = new FrameCounter();
			this.#counters.set(socket, counter);
		}
		return counter;
	}

	#onSend = (socket: WebSocket, data: unknown): void => {
		const kind = updateFrameKind(data);
		if (!kind) return;
		const counter = this.#counterOf(socket);
		counter.sent++;
		if (kind === 'sync-step2') this.#pending.sentSyncStep2(counter, counter.sent);
	};

	#onSaved(provider: WebsocketProvider, decoder: decoding.Decoder): void {
		const saved = Y.decodeStateVector(readSaved(decoder));
		const counter = provider.ws ? this.#counterOf(provider.ws) : null;
		if (counter) {
			// The first confirmation of a connection is the server's greeting, not an answer to a frame.
			if (counter.greeted) counter.acknowledged++;
			counter.greeted = true;
		}
		this.#pending.addSaved(saved);
		if (counter) this.#pending.acknowledgedFrames(counter);
		const status = this.#pendingStatus();
		this.#set(status.saved ? { ...status, lastSavedAt: Date.now() } : status);
		if (status.saved) {
			// Everything is confirmed: record it now, so leaving the page at once does not
			// leave the device's list saying that edits are unsaved.
			if (this.#syncStateTimer) clearTimeout(this.#syncStateTimer);
			this.#syncStateTimer = null;
			this.#writeSyncState();
		} else {
			this.#scheduleSyncStateWrite();
		}
	}

	#onNotice(provider: WebsocketProvider, decoder: decoding.Decoder): void {
		let notice: Notice;
		try {
			notice = readNotice(decoder);
		} catch {
			return;
		}
		// A refused frame gets no confirmation, so counting confirmations no longer identifies frames.
		if (provider.ws) this.#counterOf(provider.ws).unreliable = true;
		if (notice.code === 'not-found') return this.#fail('meeting-deleted');
		const readOnly = this.#status.readOnly || notice.code === 'read-only' || notice.code === 'frozen';
		this.#set({ notice, readOnly });
	}

	#onClose(event: CloseEvent | null): void {
		if (!event || this.#destroyed) return;
		const permanent = PERMANENT_CLOSE[event.code] ?? (event.code >= 4400 && event.code < 4500 ? 'refused' : null);
		if (permanent) return this.#fail(permanent);
		if (this.#socketOpened) {
			this.#socketOpened = false;
			return;
		}
		// Refused upgrades (HTTP 401/404) reach the browser as plain network errors.
		if (++this.#failedAttempts % RECHECK_AFTER_FAILED_ATTEMPTS === 0) void this.#server.run();
	}

	#fail(error: SessionError): void {
		this.#provider?.destroy();
		this.#provider = null;
		this.confidential.disconnect();
		this.#server.stop();
		if (error === 'forbidden') this.#copy.markRefused();
		this.#set({ error, connection: 'offline', serverSynced: false });
	}

	#onUpdate = (update: Uint8Array, origin: unknown, _doc: Y.Doc, transaction: Y.Transaction): void => {
		if (origin === LOCAL_LOAD) return;
		let changes;
		if (transaction.local) {
			// The provider's handler runs right after this one and sends the update at once
			// exactly when this holds (y-websocket's broadcastMessage), as the next update frame.
			const provider = this.#provider;
			const ws = provider?.ws;
			const sentNow = provider?.wsconnected && ws && ws.readyState === ws.OPEN;
			const counter = sentNow ? this.#counterOf(ws) : null;
			this.#pending.addLocal(update, this.doc.clientID, counter ? { counter, seq: counter.sent + 1 } : null);
			changes = this.#pending.takeChanges();
			this.#set(this.#pendingStatus());
		}
		this.#copy.append(update, changes);
	};

	#scheduleSyncStateWrite(): void {
		if (this.#syncStateTimer || !this.#copy.meeting) return;
		this.#syncStateTimer = setTimeout(() => {
			this.#syncStateTimer = null;
			this.#writeSyncState();
		}, SYNC_STATE_WRITE_DELAY_MS);
	}

	#writeSyncState(): void {
		if (!this.#copy.meeting || !this.#pending.acknowledged) return;
		this.#copy.saveSyncState(this.#pending.savedVector, this.#pending.takeChanges(), this.#status.lastSavedAt);
	}

	#pendingStatus(): Pick<SessionStatus, 'pending' | 'saved'> {
		// The confidential part's unconfirmed edits count as one.
		const pending = this.#pending.count + (this.confidential.unsaved ? 1 : 0);
		return { pending, saved: pending === 0 && this.#pending.acknowledged };
	}

	#set(patch: Partial<SessionStatus>): void {
		const next = { ...this.#status, ...patch };
		const changed = (Object.keys(patch) as (keyof SessionStatus)[]).some((key) => next[key] !== this.#status[key]);
		if (!changed) return;
		this.#status = next;
		for (const listener of this.#listeners) listener(next);
	}
}
