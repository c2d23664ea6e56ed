/**
 * One meeting in memory: its Y.Doc, awareness and connections.
 *
 * Invariants:
 * - Nothing is answered before the stored state is loaded: frames from connections
 *   that arrive meanwhile wait in their connection's queue.
 * - An update is stored before it is broadcast, published or acknowledged. Stores
 *   run one after another through `#tail`, so an async engine keeps the order and
 *   acknowledgements only follow a resolved append.
 * - A failed load or append drops the room: every client is closed with
 *   CLOSE.UNAVAILABLE, reconnects and sends again what the server lacks.
 * - With several instances, the storage is the source of truth: the room subscribes
 *   to the fan-out before it reads the storage, and re-reads it whenever the fan-out
 *   says messages may have been missed (`resync`) and, for a shared fan-out, when a
 *   connection joins. Re-reads are coalesced: one runs at a time, and one more runs
 *   if another was asked for meanwhile.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { CLOSE, encodeSaved } from '../../src/lib/protocol/index.ts';
import type { Logger } from '../log.ts';
import type { MeetingStorage } from '../storage/types.ts';
import { AwarenessFormatError, MAX_AWARENESS_CLIENTS_PER_CONNECTION, rewriteAwareness } from './awareness-identity.ts';
import type { Connection } from './connection.ts';
import type { Fanout, FanoutMessage } from './fanout.ts';
import {
	BadMessageError,
	decodeClientMessage,
	encodeAwareness,
	encodeSyncStep1,
	encodeSyncStep2,
	encodeUpdate,
	isEmptyUpdate
} from './messages.ts';
import type { SyncPolicy } from './policy.ts';

export interface RoomDeps {
	storage: MeetingStorage;
	fanout: Fanout;
	policy: SyncPolicy;
	log: Logger;
	/** Called when the last connection left (the manager unloads the room). */
	onEmpty(room: Room): void;
	/** Called when the room failed and dropped its connections (the manager forgets it). */
	onFailed(room: Room): void;
	/** Largest stored size of one meeting (snapshot plus log, in bytes); an update past it closes its connection with 4413. */
	maxDocumentBytes?: number;
}

type RoomState = 'loading' | 'ready' | 'closing' | 'closed';

const FROZEN_NOTICE = { code: 'frozen', message: 'The minutes are approved: the meeting is read-only.' } as const;

/** Transaction origin of updates that came from another instance through the fan-out. */
const FANOUT_ORIGIN = Symbol('fanout');

/**
 * The clock each client reaches in an update. Not Y.encodeStateVectorFromUpdate:
 * that one only counts clients whose structs start at clock 0, so it is empty for
 * every incremental update a typing client sends.
 */
function reachOf(update: Uint8Array): Map<number, number> {
	return Y.parseUpdateMeta(update).to;
}

export class Room {
	readonly meetingId: string;
	readonly doc = new Y.Doc();
	readonly awareness = new awarenessProtocol.Awareness(this.doc);
	readonly connections = new Set<Connection>();
	#state: RoomState = 'loading';
	readonly #deps: RoomDeps;
	readonly #log: Logger;
	/** Highest clock per client id known to be durably stored. */
	readonly #stored = new Map<number, number>();
	#tail: Promise<void> = Promise.resolve();
	#unsubscribe: () => void = () => {};
	#frozen = false;
	/** The effective update of the transaction being applied (set by the doc's update listener). */
	#applied: Uint8Array | null = null;
	/** A re-read of the storage was asked for and has not started yet. */
	#resyncWanted = false;
	#resyncing = false;
	/** Bytes stored for this meeting: what was loaded plus what was appended since (compaction only shrinks it). */
	#storedBytes = 0;

	constructor(meetingId: string, deps: RoomDeps) {
		this.meetingId = meetingId;
		this.#deps = deps;
		this.#log = deps.log.child({ meetingId });
		// The server has no presence of its own.
		this.awareness.setLocalState(null);
		this.doc.on('update', (update: Uint8Array) => {
			this.#applied = update;
		});
		this.awareness.on('update', this.#onAwareness);
	}

	get state(): RoomState {
		return this.#state;
	}

	/** Loads the stored state; the manager calls it once, right after construction. */
	async load(): Promise<void> {
		// Subscribed first: whatever is published from now on arrives, whatever was published before is stored.
		this.#unsubscribe = this.#deps.fanout.subscribe(this.meetingId, this.#onFanout);
		try {
			const started = performance.now();
			const updates = await this.#deps.storage.loadUpdates(this.meetingId);
			if (this.#state !== 'loading') return;
			this.#storedBytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
			Y.transact(this.doc, () => {
				for (const update of updates) Y.applyUpdate(this.doc, update);
			});
			// The doc holds only stored updates so far: the loaded ones and those the fan-out delivered meanwhile.
			this.#markStored(Y.decodeStateVector(Y.encodeStateVector(this.doc)));
			this.#log.info({ updates: updates.length, ms: Math.round(performance.now() - started) }, 'room loaded');
		} catch (error) {
			this.#log.error({ err: error }, 'loading the meeting failed');
			this.#fail();
			return;
		}
		if (this.#state !== 'loading') return;
		this.#state = 'ready';
		for (const connection of this.connections) this.#start(connection);
		// Everyone may have left while the state was loading.
		if (this.connections.size === 0) this.#deps.onEmpty(this);
		else if (this.#resyncWanted) void this.#resync();
	}

	add(connection: Connection): void {
		if (this.#state === 'closing' || this.#state === 'closed') {
			throw new Error('add() on a room that is unloading');
		}
		this.connections.add(connection);
		// A connection whose access was decided just before the freeze must not write either.
		if (this.#frozen) connection.revokeWrite(FROZEN_NOTICE);
		connection.onClose(() => this.#remove(connection));
		if (this.#state === 'ready') {
			this.#start(connection);
			if (this.#deps.fanout.shared) this.#requestResync();
		}
	}

	/**
	 * The minutes are being approved: every connection, present and future, becomes
	 * read-only, so from now on no update is applied, stored or broadcast. Resolves once
	 * the updates accepted before are stored, so the stored document is final.
	 */
	freeze(): Promise<void> {
		this.#frozen = true;
		for (const connection of this.connections) connection.revokeWrite(FROZEN_NOTICE);
		return this.flush();
	}

	/** Resolves when every update received so far is stored (or failed). */
	flush(): Promise<void> {
		return this.#tail;
	}

	/** Closes every connection with `code` and releases the room's memory. The manager calls it. */
	async unload(code: number = CLOSE.UNAVAILABLE, reason = 'server shutting down'): Promise<void> {
		if (this.#state === 'closed') return;
		this.#state = 'closing';
		for (const connection of [...this.connections]) connection.close(code, reason);
		await this.flush();
		// A store that failed meanwhile (e.g. the meeting was deleted) already released everything.
		if (this.state === 'closed') return;
		this.#unsubscribe();
		this.awareness.destroy();
		this.doc.destroy();
		this.#state = 'closed';
	}

	/** Greets a connection once the state is loaded: our state vector, what is saved, who is here. */
	#start(connection: Connection): void {
		if (connection.closed) return;
		connection.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
		connection.send(encodeSaved(this.#storedVector()));
		const others = [...this.awareness.getStates().keys()];
		if (others.length > 0) {
			connection.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, others)));
		}
		connection.attach(this.#receive);
	}

	#receive = (connection: Connection, frame: Uint8Array): void => {
		if (this.#state !== 'ready') return;
		try {
			const message = decodeClientMessage(frame);
			switch (message.type) {
				case 'sync-step1':
					connection.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, message.stateVector)));
					break;
				case 'update':
					this.#receiveUpdate(connection, message.update);
					break;
				case 'awareness': {
					const rewritten = rewriteAwareness(message.update, connection.access, (id) => this.#mayClaim(connection, id));
					if (rewritten) awarenessProtocol.applyAwarenessUpdate(this.awareness, rewritten, connection);
					break;
				}
				case 'query-awareness':
					connection.send(
						encodeAwareness(
							awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()])
						)
					);
					break;
			}
		} catch (error) {
			connection.badMessage(error instanceof BadMessageError || error instanceof AwarenessFormatError ? error.message : `undecodable content: ${(error as Error).message}`);
		}
	};

	#receiveUpdate(connection: Connection, update: Uint8Array): void {
		if (isEmptyUpdate(update)) {
			// Nothing to store; still confirm, after whatever this client sent earlier is stored.
			this.#enqueue(async () => connection.send(encodeSaved(this.#storedVector())));
			return;
		}
		if (!connection.canWrite) {
			connection.refuseWrite();
			return;
		}
		const refusal = this.#deps.policy.inspectUpdate({ ...connection.access, doc: this.doc, update });
		if (refusal) {
			const { closeCode, ...notice } = refusal;
			connection.notice(notice);
			if (closeCode !== undefined) {
				connection.log.warn({ role: connection.access.role, code: notice.code }, 'update refused, closing');
				connection.close(closeCode, notice.code);
			}
			return;
		}
		const max = this.#deps.maxDocumentBytes;
		if (max !== undefined && this.#storedBytes + update.byteLength > max) {
			connection.log.warn({ storedBytes: this.#storedBytes, updateBytes: update.byteLength, max }, 'document size limit reached, closing');
			connection.notice({ code: 'too-large', message: 'The meeting has reached its size limit; this edit was not saved.' });
			connection.close(CLOSE.TOO_LARGE, 'document too large');
			return;
		}
		// Derived before applying so a malformed update is refused before it touches the doc.
		const reached = reachOf(update);
		this.#applied = null;
		Y.applyUpdate(this.doc, update, connection);
		const effective = this.#applied as Uint8Array | null;
		this.#applied = null;
		const store = this.doc.store;
		// Structs waiting for missing dependencies emit no update yet but must be stored all the same.
		const mustStore = effective !== null || store.pendingStructs !== null || store.pendingDs !== null;

		this.#enqueue(async () => {
			if (mustStore) {
				await this.#deps.storage.appendUpdate(this.meetingId, update);
				this.#storedBytes += update.byteLength;
			}
			this.#markStored(reached);
			if (effective) {
				const frame = encodeUpdate(effective);
				for (const other of this.connections) if (other !== connection) other.send(frame);
				this.#deps.fanout.publish(this.meetingId, { kind: 'update', update: effective });
			}
			connection.send(encodeSaved(Y.encodeStateVector(reached)));
		});
	}

	/** Runs `task` after every earlier one; a failure drops the room (clients reconnect and resend). */
	#enqueue(task: () => Promise<void>): void {
		this.#tail = this.#tail.then(async () => {
			if (this.#state === 'closed') return;
			try {
				await task();
			} catch (error) {
				this.#log.error({ err: error }, 'storing an update failed, dropping the room');
				this.#fail();
			}
		});
	}

	#onAwareness = (
		{ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
		origin: unknown
	): void => {
		const changed = [...added, ...updated, ...removed];
		if (changed.length === 0) return;
		if (origin !== FANOUT_ORIGIN && origin !== null && typeof origin === 'object' && this.connections.has(origin as Connection)) {
			const connection = origin as Connection;
			for (const id of [...added, ...updated]) connection.awarenessClients.add(id);
			for (const id of removed) connection.awarenessClients.delete(id);
		}
		const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed);
		// Echoed to the sender too: the stock client reconnects after 30 s without any message.
		// While loading, connections are not greeted yet; the greeting carries the states.
		const frame = encodeAwareness(update);
		if (this.#state === 'ready') for (const connection of this.connections) connection.send(frame);
		if (origin !== FANOUT_ORIGIN) this.#deps.fanout.publish(this.meetingId, { kind: 'awareness', update });
	};

	/** Messages from other instances; applied while loading too (the load may have read the storage before they were stored). */
	#onFanout = (message: FanoutMessage): void => {
		if (this.#state !== 'ready' && this.#state !== 'loading') return;
		try {
			if (message.kind === 'resync') {
				this.#requestResync();
				return;
			}
			if (message.kind === 'awareness') {
				awarenessProtocol.applyAwarenessUpdate(this.awareness, message.update, FANOUT_ORIGIN);
				return;
			}
			this.#applied = null;
			Y.applyUpdate(this.doc, message.update, FANOUT_ORIGIN);
			const effective = this.#applied as Uint8Array | null;
			this.#applied = null;
			// The publishing instance stored it before publishing.
			this.#markStored(reachOf(message.update));
			if (effective && this.#state === 'ready') {
				const frame = encodeUpdate(effective);
				for (const connection of this.connections) connection.send(frame);
			}
		} catch (error) {
			this.#log.error({ err: (error as Error).message }, 'undecodable fan-out message ignored');
		}
	};

	/** Asks for a re-read of the storage; while loading, it runs once the load is done. */
	#requestResync(): void {
		this.#resyncWanted = true;
		if (this.#state === 'ready' && !this.#resyncing) void this.#resync();
	}

	/**
	 * Applies the stored state to the doc and sends what was missing to every
	 * connection. A failed read drops the room like a failed append: the clients
	 * reconnect, and the next room loads what is stored.
	 */
	async #resync(): Promise<void> {
		this.#resyncing = true;
		try {
			while (this.#resyncWanted && this.#state === 'ready') {
				this.#resyncWanted = false;
				const updates = await this.#deps.storage.loadUpdates(this.meetingId);
				if (this.#state !== 'ready') return;
				this.#applied = null;
				Y.transact(
					this.doc,
					() => {
						for (const update of updates) Y.applyUpdate(this.doc, update);
					},
					FANOUT_ORIGIN
				);
				const effective = this.#applied as Uint8Array | null;
				this.#applied = null;
				for (const update of updates) this.#markStored(reachOf(update));
				if (effective) {
					const frame = encodeUpdate(effective);
					for (const connection of this.connections) connection.send(frame);
					this.#log.info({ bytes: effective.byteLength }, 'resync found updates the fan-out had not delivered');
				}
			}
		} catch (error) {
			this.#log.error({ err: error }, 'reading the meeting for a resync failed, dropping the room');
			this.#fail();
		} finally {
			this.#resyncing = false;
		}
	}

	/**
	 * A connection may announce presence for its own client ids and for a few ids nobody
	 * holds yet. Entries for ids another connection holds are skipped, not refused: the
	 * stock client echoes every remote state it receives back to the server. A client that
	 * reconnects before its old socket is noticed gets its id back once that socket is
	 * gone (its states are removed then, and the client renews its own every 15 s).
	 */
	#mayClaim(connection: Connection, clientId: number): boolean {
		if (connection.awarenessClients.has(clientId)) return true;
		// Held here by another connection, or through the fan-out by one on another instance.
		if (this.awareness.getStates().has(clientId)) return false;
		return connection.awarenessClients.size < MAX_AWARENESS_CLIENTS_PER_CONNECTION;
	}

	#remove(connection: Connection): void {
		if (!this.connections.delete(connection)) return;
		if (connection.awarenessClients.size > 0 && this.#state === 'ready') {
			awarenessProtocol.removeAwarenessStates(this.awareness, [...connection.awarenessClients], null);
		}
		if (this.connections.size === 0 && this.#state === 'ready') this.#deps.onEmpty(this);
	}

	#markStored(reached: Map<number, number>): void {
		for (const [client, clock] of reached) {
			if (clock > (this.#stored.get(client) ?? 0)) this.#stored.set(client, clock);
		}
	}

	#storedVector(): Uint8Array {
		// Y.encodeStateVector accepts a Map of client → clock as well as a Doc.
		return Y.encodeStateVector(this.#stored);
	}

	#fail(): void {
		if (this.#state === 'closed') return;
		this.#state = 'closed';
		for (const connection of [...this.connections]) connection.close(CLOSE.UNAVAILABLE, 'storage unavailable');
		this.connections.clear();
		this.#unsubscribe();
		this.awareness.destroy();
		this.doc.destroy();
		this.#deps.onFailed(this);
	}
}
