/** Every document of a meeting: its own and its confidential part. */
const PARTS: readonly DocumentPart[] = ['main', 'confidential'];

/**
 * Which meetings are in memory (each document part is a room of its own, by `roomKey`). A room is created by its first connection and
 * unloaded when its last one leaves (after its updates are stored, compacting the
 * log if it grew long), so memory follows the meetings in use, not those ever opened.
 * A connection that arrives while its meeting unloads waits and gets a fresh room.
 */
import { CLOSE } from '../../src/lib/protocol/index.ts';
import type { Logger } from '../log.ts';
import type { SyncMetrics } from '../metrics/metrics.ts';
import type { MeetingStorage } from '../storage/types.ts';
import type { Connection } from './connection.ts';
import type { Fanout } from './fanout.ts';
import { roomKey, type DocumentPart, type SyncPolicy } from './policy.ts';
import { Room, type RoomDeps } from './room.ts';

export interface RoomManagerOptions {
	storage: MeetingStorage;
	fanout: Fanout;
	policy: SyncPolicy;
	log: Logger;
	/** Updates in and out, refusals, presence bytes, saved-ack latency (server/metrics). */
	metrics: SyncMetrics;
	compactAfterUpdates: number;
	/** See RoomDeps.maxDocumentBytes. */
	maxDocumentBytes?: number;
	/** See RoomDeps.idleAfterMs. */
	idleAfterMs?: number;
	/** See RoomDeps.afterStored. */
	afterStored?: RoomDeps['afterStored'];
}

export interface RoomStats {
	rooms: number;
	connections: number;
	/** Loaded rooms that hold their document encoded (no write for `idleAfterMs`). */
	idleRooms: number;
}

export class RoomManager {
	readonly #options: RoomManagerOptions;
	readonly #rooms = new Map<string, Room>();
	/** Unloads in progress, by meeting id; joins wait for them. */
	readonly #unloading = new Map<string, Promise<void>>();
	/** Meetings frozen while this process runs: their rooms accept no writes. */
	readonly #frozen = new Set<string>();
	#closing = false;

	constructor(options: RoomManagerOptions) {
		this.#options = options;
	}

	stats(): RoomStats {
		let connections = 0;
		let idleRooms = 0;
		for (const room of this.#rooms.values()) {
			connections += room.connections.size;
			if (room.idle) idleRooms++;
		}
		return { rooms: this.#rooms.size + this.#unloading.size, connections, idleRooms };
	}

	/** The sign-in sessions this instance's connections were opened with. */
	sessionIds(): Set<string> {
		const ids = new Set<string>();
		for (const room of this.#rooms.values()) {
			for (const connection of room.connections) if (connection.access.session) ids.add(connection.access.session.id);
		}
		return ids;
	}

	/** Closes this instance's connections to a meeting that `match` selects (e.g. a revoked invitation); returns how many. */
	disconnect(meetingId: string, match: (connection: Connection) => boolean, code: number, reason: string): number {
		let closed = 0;
		for (const part of PARTS) {
			const room = this.#rooms.get(roomKey(meetingId, part));
			if (!room) continue;
			const matching = [...room.connections].filter(match);
			for (const connection of matching) connection.close(code, reason);
			closed += matching.length;
		}
		return closed;
	}

	/** Like `disconnect`, in every room of this instance (a signed-out session's connections). */
	disconnectAll(match: (connection: Connection) => boolean, code: number, reason: string): number {
		let closed = 0;
		for (const room of [...this.#rooms.values()]) {
			const matching = [...room.connections].filter(match);
			for (const connection of matching) connection.close(code, reason);
			closed += matching.length;
		}
		return closed;
	}

	async join(connection: Connection): Promise<void> {
		const { meetingId, part } = connection;
		const key = roomKey(meetingId, part);
		for (;;) {
			if (this.#closing) {
				connection.close(CLOSE.UNAVAILABLE, 'server shutting down');
				return;
			}
			const unloading = this.#unloading.get(key);
			if (unloading) {
				await unloading;
				continue;
			}
			if (connection.closed) return;
			let room = this.#rooms.get(key);
			if (!room) {
				room = this.#create(meetingId, part);
				room.add(connection);
				void room.load();
			} else {
				room.add(connection);
			}
			return;
		}
	}

	/**
	 * Makes the meeting read-only in this process: its room (now and whenever it is
	 * created again) refuses every write. Resolves once everything accepted before is
	 * stored, so the stored document can be fingerprinted. Storage's `frozenAt` keeps
	 * it read-only across restarts (the policy refuses writers at the upgrade).
	 */
	async freeze(meetingId: string): Promise<void> {
		this.#frozen.add(meetingId);
		for (const key of PARTS.map((part) => roomKey(meetingId, part))) {
			await this.#unloading.get(key);
			await this.#rooms.get(key)?.freeze();
		}
	}

	/**
	 * The meeting was deleted (storage already refuses its appends): its connections are
	 * closed with CLOSE.NOT_FOUND, on which clients stop reconnecting, and its room is released.
	 */
	async remove(meetingId: string): Promise<void> {
		for (const key of PARTS.map((part) => roomKey(meetingId, part))) {
			await this.#unloading.get(key);
			const room = this.#rooms.get(key);
			if (room) await this.#unload(room, false, CLOSE.NOT_FOUND, 'meeting deleted');
		}
	}

	/** Unloads every room (clients are told to reconnect later) and refuses new joins. */
	async closeAll(): Promise<void> {
		this.#closing = true;
		await Promise.all([...this.#rooms.values()].map((room) => this.#unload(room, false)));
		await Promise.all(this.#unloading.values());
	}

	#create(meetingId: string, part: DocumentPart): Room {
		const room = new Room(
			meetingId,
			{
				...this.#options,
				onEmpty: (empty) => void this.#unload(empty, true),
				onFailed: (failed) => {
					if (this.#rooms.get(failed.key) === failed) this.#rooms.delete(failed.key);
				}
			},
			part
		);
		this.#rooms.set(room.key, room);
		if (this.#frozen.has(meetingId)) void room.freeze();
		return room;
	}

	#unload(room: Room, compact: boolean, code?: number, reason?: string): Promise<void> {
		const { meetingId, key } = room;
		const docs = room.part === 'main' ? this.#options.storage.docs : this.#options.storage.confidential;
		const existing = this.#unloading.get(key);
		if (existing) return existing;
		if (this.#rooms.get(key) !== room) return Promise.resolve();
		this.#rooms.delete(key);
		// Started on a later tick so that `#unloading` holds the promise before its `finally` runs.
		const done = Promise.resolve().then(async () => {
			const log = this.#options.log.child(room.part === 'main' ? { meetingId } : { meetingId, part: room.part });
			try {
				await room.unload(code, reason);
				if (compact && (await docs.countUpdates(meetingId)) >= this.#options.compactAfterUpdates) {
					await docs.compact(meetingId);
					log.info('log compacted');
				}
				log.info('room unloaded');
			} catch (error) {
				log.error({ err: error }, 'unloading the meeting failed');
			} finally {
				this.#unloading.delete(key);
			}
		});
		this.#unloading.set(key, done);
		return done;
	}
}
