/**
 * One meeting in memory: its Y.Doc, awareness and connections.
 *
 * Invariants:
 * - Nothing is answered before the stored state is loaded: frames from connections
 *   that arrive meanwhile wait in their connection's queue.
 * - An update is judged before it touches the document (server/sync/effective-writes.ts
 *   finds where each struct lands; the policy checks schema and role; every Yjs client id it
 *   adds clocks under must belong to the connection's invitation, claimed in storage on first
 *   use). A refused update is not applied, stored, forwarded or acknowledged; its connection
 *   gets a notice and is closed (4403 forbidden, 4422 invalid).
 * - An update that depends on clocks the document does not hold is never applied (nothing
 *   waits in the shared document's pending store): it is held for its connection only,
 *   retried when the document grows, and dropped with the connection.
 * - After applying, the places the update actually wrote (ground truth from the transaction)
 *   must be those the analysis named. A difference means the analysis missed something: the room is dropped and
 *   reloaded from storage, where the update never went.
 * - An update is stored before anything of it leaves the process: it is appended and queued
 *   for the other connections in the turn it arrives, and its bytes are released at the end
 *   of that turn after the commit (`shared/turn.ts`; dropped if the append failed). It is
 *   published and acknowledged after the commit, through `#tail`, in the order applied.
 *   Acknowledgements (SAVED) go out in the order the connection sent its frames, also when a
 *   held update is applied later.
 * - Presence is coalesced: all changes of PRESENCE_INTERVAL_MS (500 ms in a crowded meeting) go out
 *   together, to each connection only what changed besides its own states and nothing to one
 *   that opted out (`?presence=off`); states above
 *   MAX_PRESENCE_STATE_BYTES are dropped, and each connection has a presence rate budget.
 * - A failed load or append drops the room: every client is closed with
 *   CLOSE.UNAVAILABLE, reconnects and sends again what the server lacks.
 * - An idle room holds its document encoded, not live: after `idleAfterMs` without a write
 *   (and once loaded), the Y.Doc is encoded (`Y.encodeStateAsUpdate`) and destroyed, which
 *   takes a real meeting from ~300 KiB of heap to its encoded size. Greetings and sync step 1
 *   are answered from the encoded state (`Y.diffUpdate`); anything that needs the document
 *   (judging and applying an update, a fan-out update, a resync) materialises it first, in the
 *   same turn, so nothing else sees the difference. Presence lives in its own small doc.
 * - With several instances, the storage is the source of truth: the room subscribes
 *   to the fan-out before it reads the storage, and re-reads it whenever the fan-out
 *   says messages may have been missed (`resync`) and, for a shared fan-out, when a
 *   connection joins. Re-reads are coalesced: one runs at a time, and one more runs
 *   if another was asked for meanwhile.
 */
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { GROUP_SCHEMA } from '../../src/lib/groups/schema.ts';
import { CONFIDENTIAL_SCHEMA, MEETING_SCHEMA } from '../../src/lib/meeting/schema.ts';
import { repairDocument, typeRoots, type DocumentSchema } from '../../src/lib/meeting/schema-language.ts';
import type { Write } from '../../src/lib/meeting/writes.ts';
import { CLOSE } from '../../src/lib/protocol/index.ts';
import { applyUpdates, reachOf } from '../../src/lib/protocol/updates.ts';
import type { Logger } from '../log.ts';
import type { DocumentStore, MeetingStorage } from '../storage/types.ts';
import { applyPresence, AwarenessFormatError, MAX_AWARENESS_CLIENTS_PER_CONNECTION, rewritePresence, type PresenceEntry } from './awareness-identity.ts';
import type { Connection } from './connection.ts';
import { applyJudged, effectiveOf } from './apply-update.ts';
import { analyseUpdate, type Analysis } from './effective-writes.ts';
import type { SyncMetrics } from '../metrics/metrics.ts';
import type { Fanout, FanoutMessage } from './fanout.ts';
import {
	BadMessageError,
	decodeClientMessage,
	encodeAwareness,
	encodeSavedClocks,
	encodeSyncStep1,
	encodeSyncStep2,
	isEmptyUpdate,
	shareUpdateFrame,
	type SharedFrame
} from './messages.ts';
import { principalOf, roomKey, type DocumentPart, type SyncPolicy } from './policy.ts';
import { Pacer } from './pacer.ts';
import { awarenessEntry, awarenessEntryJson, awarenessUpdateOf, presenceFrames } from './presence-frames.ts';
import { TokenBucket } from '../shared/rate-limit.ts';
import { releaseAtTurnEnd } from '../shared/turn.ts';

export interface RoomDeps {
	storage: MeetingStorage;
	fanout: Fanout;
	policy: SyncPolicy;
	log: Logger;
	metrics: SyncMetrics;
	/** Called when the last connection left (the manager unloads the room). */
	onEmpty(room: Room): void;
	/** Called when the room failed and dropped its connections (the manager forgets it). */
	onFailed(room: Room): void;
	/** Largest stored size of one meeting (snapshot plus log, in bytes); an update past it closes its connection with 4413. */
	maxDocumentBytes?: number;
	/** A loaded room without a write for this long holds its document encoded (see the class comment); 0 never. */
	idleAfterMs?: number;
	/** Called after a connection's update is stored, with the places it wrote (server/votes/confidential-moves.ts). */
	afterStored?(room: Room, writes: readonly Write[]): void;
}

type RoomState = 'loading' | 'ready' | 'closing' | 'closed';

const FROZEN_NOTICE = { code: 'frozen', message: 'The minutes are approved: the meeting is read-only.' } as const;

/** Transaction origin of updates that came from another instance through the fan-out. */
const FANOUT_ORIGIN = Symbol('fanout');
/** Transaction origin of the repair of an off-schema stored document. */
const REPAIR_ORIGIN = Symbol('repair');

/** Updates a connection may have waiting for their dependencies before it is asked to reconnect. */
const MAX_HELD_UPDATES = 64;
const MAX_HELD_BYTES = 4 * 1024 * 1024;
/** One presence state (JSON) above this is not a cursor and a name: it is dropped. */
export const MAX_PRESENCE_STATE_BYTES = 4 * 1024;
/**
 * Presence goes out to the meeting at most this often (everything that changed meanwhile in
 * one frame): at 20 people sending 1 Hz each, every connection gets 2 frames a second instead
 * of 20. A small meeting gets a quarter second, a crowded one half a second: its frames grow
 * with its size while a cursor half a second late is still where the person looks.
 */
const PRESENCE_INTERVAL_MS = 250;
const PRESENCE_INTERVAL_CROWDED_MS = 500;
/** Connections above which a meeting counts as crowded for presence pacing. */
const PRESENCE_CROWD = 10;
/** Presence messages per second (and burst) a connection may send; more are dropped, not answered. */
const PRESENCE_RATE = { perSecond: 10, burst: 30 };

/** Where one of a connection's update frames stands; SAVED answers go out in frame order. */
interface AckSlot {
	saved: Uint8Array | null;
	/** performance.now() when the frame arrived, for the saved-ack latency. */
	arrived: number;
}

interface Pending {
	update: Uint8Array;
	slot: AckSlot;
}

/** Per connection: its acknowledgements in order, its held updates, its claim in flight. */
interface WriterState {
	slots: AckSlot[];
	held: Pending[];
	heldBytes: number;
	/** Frames that arrived while a client-id claim of this connection was in flight. */
	waiting: Pending[] | null;
	presence: TokenBucket;
	/** The latest presence that arrived over budget (rewritten), applied when the budget allows. */
	latePresence: PresenceEntry[] | null;
	presenceTimer: NodeJS.Timeout | null;
}

type Outcome = 'applied' | 'held' | 'refused' | 'claiming';

/** An applied update on its way to the connections (all but `from`), waiting for its append. */
interface Outgoing {
	frame: SharedFrame;
	from: Connection | null;
	stored: 'waiting' | 'stored' | 'failed';
	/** Resolves once `stored` is no longer 'waiting'; null for an update that was stored already. */
	settled: Promise<void> | null;
}

function placeKey(write: Write): string {
	return [write.root, ...write.path.map((segment) => segment ?? '#')].join('/');
}

/**
 * The first write a transaction really made at a place the analysis did not name, or null.
 * Replacing a map entry deletes its old value at the same place, so a deletion where the
 * analysis saw an insert is expected.
 */
function strayWrite(analysed: readonly Write[], actual: readonly Write[]): string | null {
	// The usual case (a keystroke): the transaction made the analysed writes, in the same order.
	if (sameWrites(analysed, actual)) return null;
	const named = new Set(analysed.map((write) => `${write.kind} ${placeKey(write)}`));
	const inserted = new Set(analysed.filter((write) => write.kind === 'insert').map(placeKey));
	for (const write of actual) {
		const place = placeKey(write);
		if (named.has(`${write.kind} ${place}`) || (write.kind === 'delete' && inserted.has(place))) continue;
		return `${write.kind} ${place}`;
	}
	return null;
}

/** Whether `actual` names the same writes as `analysed`, one for one in order (kind and place). */
function sameWrites(analysed: readonly Write[], actual: readonly Write[]): boolean {
	if (analysed.length !== actual.length) return false;
	for (let i = 0; i < actual.length; i++) {
		const a = analysed[i];
		const b = actual[i];
		if (a.kind !== b.kind || a.root !== b.root || a.path.length !== b.path.length) return false;
		for (let j = 0; j < a.path.length; j++) if (a.path[j] !== b.path[j]) return false;
	}
	return true;
}

type OkAnalysis = Extract<Analysis, { status: 'ok' }>;

export class Room {
	readonly meetingId: string;
	/** The meeting document, or its confidential part (a document of its own: docs/security.md). */
	readonly part: DocumentPart;
	/** The manager's and the fan-out's name for this room: the meeting id, or `<meetingId>/confidential`. */
	readonly key: string;
	/** Where this document's log is stored (client ids are owned per meeting, through `storage.docs`). */
	readonly #docs: DocumentStore;
	/**
	 * Presence is bound to a doc of its own (Awareness wants one for its client id): the
	 * meeting's document comes and goes with idleness, presence stays.
	 */
	readonly awareness = new awarenessProtocol.Awareness(new Y.Doc());
	/** The live document; null while the room is idle (then `#encoded` holds it) or closed. */
	#doc: Y.Doc | null = null;
	/** The whole document as one update, and its state vector, while the room is idle. */
	#encoded: Uint8Array | null = null;
	#encodedVector: Uint8Array | null = null;
	/**
	 * While idle: the clock each client reaches and the deleted ranges of the encoded document
	 * (per client, flat [start, end, …], merged), so an update that brings nothing new (a
	 * reconnecting client's sync step 2 carries its whole delete set) is told apart without
	 * materialising the document.
	 */
	#encodedClocks: Map<number, number> | null = null;
	#encodedDeletes: Map<number, Float64Array> | null = null;
	/** performance.now() of the last write or materialisation; the idle timer measures from it. */
	#lastActive = 0;
	#idleTimer: NodeJS.Timeout | null = null;
	readonly connections = new Set<Connection>();
	#state: RoomState = 'loading';
	readonly #deps: RoomDeps;
	readonly #log: Logger;
	/** Highest clock per client id known to be durably stored. */
	readonly #stored = new Map<number, number>();
	#tail: Promise<void> = Promise.resolve();
	#unsubscribe: () => void = () => {};
	#frozen = false;
	/** A re-read of the storage was asked for and has not started yet. */
	#resyncWanted = false;
	#resyncing = false;
	/** Bytes stored for this meeting: what was loaded plus what was appended since (compaction only shrinks it). */
	#storedBytes = 0;
	#schema: DocumentSchema = MEETING_SCHEMA;
	/** Yjs client id → the principal (invitation) that owns it, as far as this room knows. */
	readonly #owners = new Map<number, string>();
	readonly #writers = new Map<Connection, WriterState>();
	/** Updates held in every writer's `held`, so an edit only walks the writers when one is waiting. */
	#heldCount = 0;
	/** Applied updates not yet released to the other connections (see #forward). */
	#outbox: Outgoing[] = [];
	/** A release of the outbox is registered for a turn's end (see #scheduleRelease). */
	#releaseScheduled = false;
	#retrying = false;
	#retryAgain = false;
	/** Presence client ids changed since the last presence frame, sent together in the next: by this instance's connections, and through the fan-out. */
	readonly #presenceLocal = new Set<number>();
	/**
	 * The JSON of each presence state as a connection's message brought it (after the identity
	 * rewrite), at the clock it was applied with: the next presence frame sends it without
	 * serialising the state again. Forgotten whenever the state changes any other way.
	 */
	readonly #presenceJson = new Map<number, { clock: number; json: string }>();
	readonly #presenceRemote = new Set<number>();
	readonly #presencePacer = new Pacer(
		() => (this.connections.size > PRESENCE_CROWD ? PRESENCE_INTERVAL_CROWDED_MS : PRESENCE_INTERVAL_MS),
		() => this.#flushPresence()
	);

	constructor(meetingId: string, deps: RoomDeps, part: DocumentPart = 'main') {
		this.meetingId = meetingId;
		this.part = part;
		this.key = roomKey(meetingId, part);
		this.#deps = deps;
		this.#docs = part === 'main' ? deps.storage.docs : deps.storage.confidential;
		this.#log = deps.log.child(part === 'main' ? { meetingId } : { meetingId, part });
		// The server has no presence of its own.
		this.awareness.setLocalState(null);
		this.awareness.on('update', this.#onAwareness);
	}

	get state(): RoomState {
		return this.#state;
	}

	/** True while the room holds its document encoded instead of as a live Y.Doc. */
	get idle(): boolean {
		return this.#encoded !== null;
	}

	/**
	 * The live document, built from the encoded state if the room was idle. Every reader of
	 * the document calls this at the point of use (never keeps it across an await): the room
	 * may turn idle in between.
	 */
	#live(): Y.Doc {
		if (this.#doc) return this.#doc;
		const doc = new Y.Doc();
		if (this.#encoded) Y.applyUpdate(doc, this.#encoded);
		// While loading, the schema (meeting or group) is not known yet: the load types the roots.
		if (this.#state !== 'loading') typeRoots(this.#schema, doc);
		this.#doc = doc;
		this.#forgetEncoded();
		this.#active();
		return doc;
	}

	/** Something wrote, or the document was materialised: the idle countdown starts again. Reads do not count. */
	#active(): void {
		this.#lastActive = performance.now();
		const idleAfter = this.#deps.idleAfterMs ?? 0;
		if (idleAfter <= 0 || this.#idleTimer || this.#state !== 'ready') return;
		// One timer per room that re-arms itself for the rest of the interval: a keystroke costs no timer.
		const check = () => {
			this.#idleTimer = null;
			const left = this.#lastActive + idleAfter - performance.now();
			if (left > 0) {
				this.#idleTimer = setTimeout(check, left).unref();
				return;
			}
			this.#rest();
		};
		this.#idleTimer = setTimeout(check, idleAfter).unref();
	}

	/** Encodes the live document and lets it go (the room is idle). */
	#rest(): void {
		const doc = this.#doc;
		if (!doc || this.#state !== 'ready') return;
		this.#encoded = Y.encodeStateAsUpdate(doc);
		this.#encodedVector = Y.encodeStateVector(doc);
		this.#encodedClocks = Y.decodeStateVector(this.#encodedVector);
		this.#encodedDeletes = new Map();
		for (const [client, items] of Y.createDeleteSetFromStructStore(doc.store).clients) {
			this.#encodedDeletes.set(client, Float64Array.from(items.flatMap((item) => [item.clock, item.clock + item.len])));
		}
		this.#doc = null;
		doc.destroy();
		this.#log.debug({ bytes: this.#encoded.byteLength }, 'room idle, document held encoded');
	}

	#forgetEncoded(): void {
		this.#encoded = null;
		this.#encodedVector = null;
		this.#encodedClocks = null;
		this.#encodedDeletes = null;
	}

	/**
	 * True when the room is idle and applying `update` would change nothing: every struct is
	 * already held and every deletion already made. Decided on the update alone (a few µs for
	 * a step 2 of deletions), where materialising the document costs milliseconds.
	 */
	#idleAndNothingNew(update: Uint8Array): boolean {
		const clocks = this.#encodedClocks;
		const deletes = this.#encodedDeletes;
		if (!clocks || !deletes) return false;
		let decoded: ReturnType<typeof Y.decodeUpdate>;
		try {
			decoded = Y.decodeUpdate(update);
		} catch {
			// Undecodable: the usual path refuses it.
			return false;
		}
		for (const struct of decoded.structs) {
			if (struct.id.clock + struct.length > (clocks.get(struct.id.client) ?? 0)) return false;
		}
		for (const [client, ranges] of decoded.ds.clients) {
			const held = deletes.get(client);
			if (!held) return false;
			for (const { clock, len } of ranges) {
				// The last held range starting at or before `clock` must reach past its end.
				let low = 0;
				let high = held.length / 2 - 1;
				let found = -1;
				while (low <= high) {
					const mid = (low + high) >> 1;
					if (held[mid * 2] <= clock) {
						found = mid;
						low = mid + 1;
					} else high = mid - 1;
				}
				if (found < 0 || held[found * 2 + 1] < clock + len) return false;
			}
		}
		return true;
	}

	#stateVector(): Uint8Array {
		return this.#encodedVector ?? Y.encodeStateVector(this.#live());
	}

	/** What a client with `stateVector` lacks: sync step 2. */
	#missing(stateVector: Uint8Array): Uint8Array {
		return this.#encoded ? Y.diffUpdate(this.#encoded, stateVector) : Y.encodeStateAsUpdate(this.#live(), stateVector);
	}

	/** Loads the stored state; the manager calls it once, right after construction. */
	async load(): Promise<void> {
		// Subscribed first: whatever is published from now on arrives, whatever was published before is stored.
		this.#unsubscribe = this.#deps.fanout.subscribe(this.key, this.#onFanout);
		try {
			const started = performance.now();
			const { storage } = this.#deps;
			const [updates, owners, group, record] = await Promise.all([
				this.#docs.loadUpdates(this.meetingId),
				storage.docs.loadClientOwners(this.meetingId),
				storage.groups.getGroup(this.meetingId),
				storage.meetings.getMeeting(this.meetingId)
			]);
			if (this.#state !== 'loading') return;
			this.#schema = this.part === 'confidential' ? CONFIDENTIAL_SCHEMA : group ? GROUP_SCHEMA : MEETING_SCHEMA;
			for (const [client, principal] of owners) this.#owners.set(client, principal);
			this.#storedBytes = updates.reduce((sum, update) => sum + update.byteLength, 0);
			const doc = this.#live();
			applyUpdates(doc, updates);
			typeRoots(this.#schema, doc);
			this.#dropPending('load');
			// The doc holds only stored updates so far: the loaded ones and those the fan-out delivered meanwhile.
			this.#markStored(Y.decodeStateVector(Y.encodeStateVector(doc)));
			// A sealed document is a public record: it is never changed, not even repaired.
			if (!record?.frozenAt) await this.#repair();
			if (this.#state !== 'loading') return;
			this.#log.info({ updates: updates.length, ms: Math.round(performance.now() - started) }, 'room loaded');
		} catch (error) {
			this.#log.error({ err: error }, 'loading the meeting failed');
			this.#fail();
			return;
		}
		if (this.#state !== 'loading') return;
		this.#state = 'ready';
		this.#active();
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
		this.#writers.set(connection, {
			slots: [],
			held: [],
			heldBytes: 0,
			waiting: null,
			presence: new TokenBucket(PRESENCE_RATE.perSecond, PRESENCE_RATE.burst),
			latePresence: null,
			presenceTimer: null
		});
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
		this.#release();
		this.#state = 'closed';
	}

	/** Greets a connection once the state is loaded: our state vector, what is saved, who is here. */
	#start(connection: Connection): void {
		if (connection.closed) return;
		connection.send(encodeSyncStep1(this.#stateVector()));
		connection.send(encodeSavedClocks(this.#stored));
		const others = [...this.awareness.getStates().keys()];
		if (others.length > 0 && connection.wantsPresence) {
			const presence = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, others));
			connection.send(presence);
			this.#deps.metrics.presenceBytes('out', presence.byteLength);
		}
		connection.attach(this.#receive);
	}

	#receive = (connection: Connection, frame: Uint8Array): void => {
		if (this.#state !== 'ready') return;
		try {
			const message = decodeClientMessage(frame);
			switch (message.type) {
				case 'sync-step1':
					connection.send(encodeSyncStep2(this.#missing(message.stateVector)));
					break;
				case 'update':
					this.#receiveUpdate(connection, message.update);
					break;
				case 'awareness':
					this.#receivePresence(connection, message.update);
					break;
				case 'query-awareness': {
					const presence = encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [...this.awareness.getStates().keys()]));
					connection.send(presence);
					this.#deps.metrics.presenceBytes('out', presence.byteLength);
					break;
				}
			}
		} catch (error) {
			connection.badMessage(error instanceof BadMessageError || error instanceof AwarenessFormatError ? error.message : `undecodable content: ${(error as Error).message}`);
		}
	};

	#receivePresence(connection: Connection, update: Uint8Array): void {
		const writer = this.#writers.get(connection);
		if (!writer) return;
		this.#deps.metrics.presenceBytes('in', update.byteLength);
		const rewritten = rewritePresence(update, connection.access, (id) => this.#mayClaim(connection, id), MAX_PRESENCE_STATE_BYTES);
		if (!rewritten) return;
		if (writer.presence.take()) {
			this.#applyPresence(rewritten, connection);
			return;
		}
		// Over budget: only the latest state waits, and goes out when the budget allows.
		writer.latePresence = rewritten;
		writer.presenceTimer ??= setTimeout(() => {
			writer.presenceTimer = null;
			const late = writer.latePresence;
			writer.latePresence = null;
			if (late && !connection.closed && this.#state === 'ready') this.#receivePresenceLate(connection, writer, late);
		}, 1000 / PRESENCE_RATE.perSecond);
	}

	#applyPresence(entries: readonly PresenceEntry[], origin: Connection): void {
		const applied = applyPresence(this.awareness, entries, origin);
		// After the events (#onAwareness forgets the JSON of every state they name).
		for (const entry of applied) this.#presenceJson.set(entry.clientId, { clock: entry.clock, json: entry.json });
	}

	#receivePresenceLate(connection: Connection, writer: WriterState, update: PresenceEntry[]): void {
		if (writer.presence.take()) this.#applyPresence(update, connection);
		else {
			writer.latePresence = update;
			writer.presenceTimer = setTimeout(() => {
				writer.presenceTimer = null;
				const late = writer.latePresence;
				writer.latePresence = null;
				if (late && !connection.closed && this.#state === 'ready') this.#receivePresenceLate(connection, writer, late);
			}, 1000 / PRESENCE_RATE.perSecond);
		}
	}

	#receiveUpdate(connection: Connection, update: Uint8Array): void {
		const writer = this.#writers.get(connection);
		if (!writer) return;
		this.#deps.metrics.updateReceived(update.byteLength);
		if (isEmptyUpdate(update)) {
			// Nothing to store; still confirm, after whatever this client sent earlier is stored.
			const slot = this.#slot(writer);
			this.#enqueue(async () => this.#confirm(connection, slot, this.#stored));
			return;
		}
		if (!connection.canWrite) {
			connection.refuseWrite();
			return;
		}
		if (this.#idleAndNothingNew(update)) {
			// Everything it holds is in the document, whose appends are all on the queue: confirmed behind them, the room stays idle.
			const slot = this.#slot(writer);
			const reached = reachOf(update);
			this.#enqueue(async () => this.#confirm(connection, slot, reached));
			return;
		}
		const pending = { update, slot: this.#slot(writer) };
		if (writer.waiting) writer.waiting.push(pending);
		else this.#process(connection, writer, pending, false);
	}

	#slot(writer: WriterState): AckSlot {
		const slot: AckSlot = { saved: null, arrived: performance.now() };
		writer.slots.push(slot);
		return slot;
	}

	/** Fills a frame's acknowledgement (the clocks it confirms stored) and sends every one that is due, in frame order. */
	#confirm(connection: Connection, slot: AckSlot, clocks: ReadonlyMap<number, number>): void {
		slot.saved = encodeSavedClocks(clocks);
		const writer = this.#writers.get(connection);
		if (!writer) return;
		while (writer.slots.length > 0 && writer.slots[0].saved) {
			const due = writer.slots.shift()!;
			connection.send(due.saved!);
			this.#deps.metrics.savedAck((performance.now() - due.arrived) / 1000);
		}
	}

	/**
	 * Judges one update of `connection` and applies it if it may be: see the class comment.
	 * `retry`: the update was held before (it is not held again, it stays where it is).
	 */
	#process(connection: Connection, writer: WriterState, pending: Pending, retry: boolean): Outcome {
		if (connection.closed || this.#state !== 'ready') return 'refused';
		if (!connection.canWrite) {
			connection.refuseWrite();
			return 'refused';
		}
		// Judging needs the live document: an idle room materialises here, before the analysis.
		const doc = this.#live();
		const analysis = analyseUpdate(doc, pending.update);
		if (analysis.status === 'undecodable') {
			connection.badMessage(analysis.reason);
			return 'refused';
		}
		if (analysis.status === 'malformed') return this.#refuse(connection, 'invalid', analysis.reason);
		const principal = principalOf(connection.access);
		const foreign = [...analysis.authors].find((client) => {
			const owner = this.#owners.get(client);
			return owner !== undefined && owner !== principal;
		});
		if (foreign !== undefined) return this.#refuse(connection, 'forbidden', `client id ${foreign} belongs to another invitation`);
		if (analysis.status === 'missing') {
			// Only a connection's own edits may complete what it waits for: an update that waits on
			// another invitation's next clocks would strike whatever that person writes next.
			const owner = analysis.waitingOn === null ? undefined : this.#owners.get(analysis.waitingOn);
			if (owner !== undefined && owner !== principal) return this.#refuse(connection, 'forbidden', `waits for clocks of client ${analysis.waitingOn}, another invitation's`);
			if (!retry) this.#hold(connection, writer, pending, analysis.reason);
			return 'held';
		}
		const verdict = this.#deps.policy.judge({ ...connection.access, doc, schema: this.#schema, writes: analysis.writes });
		if (!verdict.ok) return this.#refuse(connection, verdict.code, verdict.rule);

		const unclaimed = [...analysis.authors].filter((client) => !this.#owners.has(client));
		if (unclaimed.length > 0) {
			this.#claim(connection, writer, pending, unclaimed, principal);
			return 'claiming';
		}

		const max = this.#deps.maxDocumentBytes;
		if (max !== undefined && this.#storedBytes + pending.update.byteLength > max) {
			connection.log.warn({ storedBytes: this.#storedBytes, updateBytes: pending.update.byteLength, max }, 'document size limit reached, closing');
			this.#deps.metrics.writeRefused('too-large');
			connection.notice({ code: 'too-large', message: 'The meeting has reached its size limit; this edit was not saved.' });
			connection.close(CLOSE.TOO_LARGE, 'document too large');
			return 'refused';
		}
		this.#apply(doc, connection, pending, analysis);
		return 'applied';
	}

	#refuse(connection: Connection, code: 'forbidden' | 'invalid', rule: string): 'refused' {
		this.#deps.metrics.writeRefused(code);
		connection.log.warn({ role: connection.access.role, code, rule }, 'update refused, closing');
		connection.notice({
			code,
			message: code === 'forbidden' ? `Your role (${connection.access.role}) may not make this change.` : 'The change does not fit the meeting document.'
		});
		connection.close(code === 'forbidden' ? CLOSE.FORBIDDEN : CLOSE.INVALID, code);
		return 'refused';
	}

	#hold(connection: Connection, writer: WriterState, pending: Pending, reason: string): void {
		writer.held.push(pending);
		writer.heldBytes += pending.update.byteLength;
		this.#heldCount++;
		if (writer.held.length > MAX_HELD_UPDATES || writer.heldBytes > MAX_HELD_BYTES) {
			connection.log.warn({ held: writer.held.length, bytes: writer.heldBytes }, 'too many updates wait for missing data, closing');
			// Not a refusal: the client reconnects and its first sync sends everything in order.
			connection.close(CLOSE.UNAVAILABLE, 'updates out of order');
			return;
		}
		connection.log.debug({ reason }, 'update held until what it depends on arrives');
	}

	/** Records the connection's principal as owner of new client ids, then judges the update again. */
	#claim(connection: Connection, writer: WriterState, pending: Pending, clients: number[], principal: string): void {
		writer.waiting = [];
		this.#deps.storage.docs.claimClients(this.meetingId, clients, principal).then(
			(owners) => {
				for (const [client, owner] of owners) this.#owners.set(client, owner);
				const queued = writer.waiting ?? [];
				writer.waiting = null;
				if (clients.some((client) => owners.get(client) !== principal)) {
					this.#refuse(connection, 'forbidden', 'a client id of this update belongs to another invitation');
					return;
				}
				this.#process(connection, writer, pending, false);
				for (const [index, next] of queued.entries()) {
					// A later frame may start a claim of its own: the rest waits behind it again.
					const waiting = writer.waiting as Pending[] | null;
					if (waiting) {
						waiting.push(...queued.slice(index));
						break;
					}
					this.#process(connection, writer, next, false);
				}
			},
			(error: unknown) => {
				this.#log.error({ err: error }, 'recording client ids failed, dropping the room');
				this.#fail();
			}
		);
	}

	#apply(doc: Y.Doc, connection: Connection, pending: Pending, analysis: OkAnalysis): void {
		const analysed = analysis.writes;
		// The received bytes when the update applied whole, else Yjs's encoding of what it did (apply-update.ts).
		const { effective, actual } = applyJudged(doc, pending.update, connection, analysis);
		const reached = analysis.to;

		// Tripwire: the update must have landed only where the analysis said, and nothing may wait in the pending store.
		const store = doc.store;
		const stray = actual ? strayWrite(analysed, actual) : 'no transaction seen';
		if (store.pendingStructs !== null || store.pendingDs !== null || stray !== null) {
			this.#log.error(
				{ connection: connection.id, pending: store.pendingStructs !== null || store.pendingDs !== null, stray },
				'an applied update did more than its analysis showed; dropping the room (the update was not stored)'
			);
			connection.close(CLOSE.FORBIDDEN, 'forbidden');
			this.#fail();
			return;
		}

		// Appended and forwarded now, in this turn: the frame is released to the sockets at the turn's end, after the commit.
		const stored = effective ? this.#docs.appendUpdate(this.meetingId, effective) : null;
		if (effective && stored) this.#forward(effective, connection, stored);
		this.#enqueue(async () => {
			if (effective) {
				await stored;
				this.#storedBytes += effective.byteLength;
			}
			this.#markStored(reached);
			if (effective) {
				// Other instances take what they are sent as stored: published only after the commit.
				this.#deps.fanout.publish(this.key, { kind: 'update', update: effective });
				this.#deps.afterStored?.(this, analysed);
			}
			this.#confirm(connection, pending.slot, reached);
		});
		if (effective) {
			this.#active();
			this.#retryHeld();
		}
	}

	/**
	 * Queues an applied update for the connections (all but `from`). Released at the end of a
	 * turn once its append is committed (`shared/turn.ts`); one whose append failed is never
	 * sent (the room fails). In order: one still waiting holds back those behind it, and
	 * updates from the fan-out or a resync (`stored` null: stored already) queue behind local
	 * ones. No window beyond the turn: a 20 ms one cost latency at every load and merged too
	 * little to raise capacity (docs/benchmarks.md, part 13).
	 */
	#forward(update: Uint8Array, from: Connection | null, stored: Promise<void> | null): void {
		const outgoing: Outgoing = { frame: shareUpdateFrame(update), from, stored: stored ? 'waiting' : 'stored', settled: null };
		outgoing.settled =
			stored?.then(
				() => void (outgoing.stored = 'stored'),
				() => void (outgoing.stored = 'failed')
			) ?? null;
		this.#outbox.push(outgoing);
		if (this.#outbox.length === 1) this.#scheduleRelease();
	}

	#scheduleRelease(): void {
		if (this.#releaseScheduled) return;
		this.#releaseScheduled = true;
		releaseAtTurnEnd(this.#releaseOutbox);
	}

	#releaseOutbox = (): void => {
		this.#releaseScheduled = false;
		if (this.#state === 'closed') {
			this.#outbox = [];
			return;
		}
		let sent = 0;
		const now = performance.now();
		while (this.#outbox.length > 0 && this.#outbox[0].stored !== 'waiting') {
			const { frame, from, stored } = this.#outbox.shift() as Outgoing;
			if (stored !== 'stored') continue;
			for (const other of this.connections) {
				if (other === from) continue;
				other.sendShared(frame, now);
				sent++;
			}
		}
		if (sent > 0) this.#deps.metrics.updatesSent(sent);
		// The head waits for a commit still running (PostgreSQL): the turn after it settles releases it and those behind.
		const head = this.#outbox[0];
		if (head) void head.settled?.then(() => this.#scheduleRelease());
	};

	/** The document grew: held updates whose dependencies arrived are judged again, in the order they came. */
	#retryHeld(): void {
		// Most edits find nobody waiting: no walk over every connection.
		if (this.#heldCount === 0) return;
		if (this.#retrying) {
			this.#retryAgain = true;
			return;
		}
		this.#retrying = true;
		try {
			do {
				this.#retryAgain = false;
				for (const [connection, writer] of this.#writers) {
					for (let i = 0; i < writer.held.length; ) {
						const pending = writer.held[i];
						const outcome = this.#process(connection, writer, pending, true);
						if (outcome === 'held') {
							i++;
							continue;
						}
						writer.held.splice(i, 1);
						writer.heldBytes -= pending.update.byteLength;
						if (outcome === 'refused' || outcome === 'claiming') break;
					}
				}
			} while (this.#retryAgain);
		} finally {
			this.#retrying = false;
			let held = 0;
			for (const writer of this.#writers.values()) held += writer.held.length;
			this.#heldCount = held;
		}
	}

	/** Drops what a stored document holds off-schema (written before the server checked), storing the repair. */
	async #repair(): Promise<void> {
		const doc = this.#live();
		let dropped: ReturnType<typeof repairDocument> = [];
		const repair = effectiveOf(doc, () => {
			dropped = repairDocument(this.#schema, doc, REPAIR_ORIGIN);
		});
		if (dropped.length === 0) return;
		this.#log.warn({ dropped: dropped.length, first: dropped.slice(0, 5) }, 'the stored document held off-schema content; dropped it');
		if (repair) {
			await this.#docs.appendUpdate(this.meetingId, repair);
			this.#storedBytes += repair.byteLength;
		}
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
		for (const id of changed) this.#presenceJson.delete(id);
		if (origin !== FANOUT_ORIGIN && origin !== null && typeof origin === 'object' && this.connections.has(origin as Connection)) {
			const connection = origin as Connection;
			const fresh = [...added, ...updated].filter((id) => !connection.awarenessClients.has(id));
			for (const id of fresh) connection.awarenessClients.add(id);
			for (const id of removed) connection.awarenessClients.delete(id);
			this.#claimPresence(connection, fresh);
		}
		const local = origin !== FANOUT_ORIGIN;
		for (const id of changed) (local ? this.#presenceLocal : this.#presenceRemote).add(id);
		this.#presencePacer.schedule();
	};

	/**
	 * Sends the presence changes of the last interval, one frame per connection: a sender
	 * cannot turn many small messages into as many frames to every observer. Each connection
	 * gets only the states that changed other than its own, nothing if it opted out, and its
	 * own echo only as a keep-alive (presence-frames.ts). While loading, connections are not
	 * greeted yet; the greeting carries the states.
	 */
	#flushPresence(): void {
		const local = [...this.#presenceLocal];
		const all = [...new Set([...local, ...this.#presenceRemote])];
		this.#presenceLocal.clear();
		this.#presenceRemote.clear();
		if (all.length === 0 || this.#state === 'closed') return;
		const { states, meta } = this.awareness;
		const entries = new Map<number, Uint8Array>();
		const entryOf = (id: number): Uint8Array => {
			let entry = entries.get(id);
			if (!entry) {
				const clock = meta.get(id)?.clock ?? 0;
				const known = this.#presenceJson.get(id);
				entry = known && known.clock === clock ? awarenessEntryJson(id, clock, known.json) : awarenessEntry(id, clock, states.get(id));
				entries.set(id, entry);
			}
			return entry;
		};
		if (this.#state === 'ready') {
			const frames = presenceFrames(this.connections, all, performance.now(), entryOf);
			let bytes = 0;
			for (const [connection, frame] of frames) {
				connection.send(frame);
				bytes += frame.byteLength;
			}
			this.#deps.metrics.presenceBytes('out', bytes);
		}
		if (local.length > 0) {
			this.#deps.fanout.publish(this.key, { kind: 'awareness', update: awarenessUpdateOf(local.map(entryOf)) });
		}
	}

	/**
	 * A presence client id is the client's document id, visible to everyone in the meeting
	 * before the client writes anything: it is claimed for the announcing invitation at once,
	 * so nobody else can take it first and have the real owner's edits refused.
	 */
	#claimPresence(connection: Connection, clients: number[]): void {
		const unclaimed = clients.filter((client) => !this.#owners.has(client));
		if (unclaimed.length === 0 || !connection.canWrite) return;
		const principal = principalOf(connection.access);
		for (const client of unclaimed) this.#owners.set(client, principal);
		this.#deps.storage.docs.claimClients(this.meetingId, unclaimed, principal).then(
			(owners) => {
				for (const [client, owner] of owners) this.#owners.set(client, owner);
			},
			(error: unknown) => this.#log.warn({ err: (error as Error).message }, 'recording presence client ids failed')
		);
	}

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
			if (message.kind === 'revoked') {
				for (const connection of [...this.connections]) {
					const id = connection.access.invitationId;
					if (id !== null && message.invitationIds.includes(id)) connection.close(CLOSE.UNAUTHORIZED, 'invitation revoked');
				}
				return;
			}
			if (message.kind === 'deleted') {
				for (const connection of [...this.connections]) connection.close(CLOSE.NOT_FOUND, 'meeting deleted');
				return;
			}
			// A write on another instance: an idle room materialises to take it.
			const doc = this.#live();
			const effective = effectiveOf(doc, () => Y.applyUpdate(doc, message.update, FANOUT_ORIGIN));
			this.#dropPending('fan-out');
			// The publishing instance stored it before publishing.
			this.#markStored(reachOf(message.update));
			if (effective) this.#active();
			if (effective && this.#state === 'ready') {
				this.#forward(effective, null, null);
				this.#retryHeld();
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
				const updates = await this.#docs.loadUpdates(this.meetingId);
				if (this.#state !== 'ready') return;
				const wasIdle = this.idle;
				const doc = this.#live();
				const effective = effectiveOf(doc, () => applyUpdates(doc, updates, FANOUT_ORIGIN));
				this.#dropPending('resync');
				for (const update of updates) this.#markStored(reachOf(update));
				// Nothing was missing: a resync is a read, the room stays idle (with a shared fan-out every join asks for one).
				if (wasIdle && !effective) this.#rest();
				if (effective) {
					this.#active();
					this.#forward(effective, null, null);
					this.#log.info({ bytes: effective.byteLength }, 'resync found updates the fan-out had not delivered');
					this.#retryHeld();
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

	/**
	 * Stored logs written before the server refused incomplete updates may hold structs whose
	 * dependencies never arrived. They are not part of the document; kept in the pending store,
	 * a later update could complete them, so they are dropped.
	 */
	#dropPending(when: string): void {
		if (!this.#doc) return;
		const store = this.#doc.store;
		if (store.pendingStructs === null && store.pendingDs === null) return;
		this.#log.warn({ when }, 'dropped structs that wait for dependencies nobody sent');
		store.pendingStructs = null;
		store.pendingDs = null;
	}

	#remove(connection: Connection): void {
		const writer = this.#writers.get(connection);
		if (writer?.presenceTimer) clearTimeout(writer.presenceTimer);
		this.#writers.delete(connection);
		if (writer) this.#heldCount = Math.max(0, this.#heldCount - writer.held.length);
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


	#release(): void {
		this.#presencePacer.cancel();
		this.#presenceJson.clear();
		if (this.#idleTimer) clearTimeout(this.#idleTimer);
		this.#idleTimer = null;
		this.awareness.destroy();
		this.awareness.doc.destroy();
		this.#doc?.destroy();
		this.#doc = null;
		this.#forgetEncoded();
	}

	#fail(): void {
		if (this.#state === 'closed') return;
		this.#state = 'closed';
		this.#presencePacer.cancel();
		for (const connection of [...this.connections]) connection.close(CLOSE.UNAVAILABLE, 'storage unavailable');
		this.connections.clear();
		this.#unsubscribe();
		this.#release();
		this.#deps.onFailed(this);
	}
}
