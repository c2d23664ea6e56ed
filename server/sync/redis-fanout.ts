/**
 * Fan-out between instances through Redis (ioredis).
 *
 * Updates go through one Redis Stream per meeting (`<prefix>m:<id>:u`): XADD with
 * `MAXLEN ~` trimming and a TTL, read by one XREAD BLOCK loop over every subscribed
 * meeting from the last id seen, on a dedicated connection. Streams keep order and
 * survive a short disconnect of a reader. Awareness is ephemeral and goes over plain
 * pub/sub (`<prefix>m:<id>:a`) on a third connection.
 *
 * Nothing here is trusted to be complete; the storage is. A `resync` reaches the room
 * (which re-reads the storage):
 * - after every subscription position is taken (first subscription, and again after
 *   the reader reconnected, e.g. a Redis restart that lost every stream);
 * - when a batch came back full: the reader lags, so trimmed entries may be gone;
 * - when a peer could not publish (its XADD failed): once its connection is back it
 *   appends a resync marker to the stream, which every reader passes on.
 * Entries and messages carry the publishing instance's id; its own are skipped.
 */
import { randomBytes } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log.ts';
import type { SyncMetrics } from '../metrics/metrics.ts';
import type { Fanout, FanoutMessage } from './fanout.ts';

export interface RedisFanoutOptions {
	log: Logger;
	/** Receives the lag of every update from another instance (its stream entry id holds Redis's time of the publish). */
	metrics: Pick<SyncMetrics, 'fanoutLag'>;
	/** Prepended to every key and channel (default `motesrum:`). */
	keyPrefix?: string;
	/** Approximate entries kept per meeting stream (default 1000). */
	maxStreamLength?: number;
	/** Idle meeting streams expire after this many seconds (default one day). */
	streamTtlSeconds?: number;
}

/** Entries per XREAD and per stream; a full batch means the reader lags (see `resync`). */
const READ_COUNT = 100;
/**
 * The XREAD BLOCK timeout. A new subscription interrupts it with CLIENT UNBLOCK; if
 * that races ahead of the XREAD, the new meeting's entries wait at most this long.
 */
const BLOCK_MS = 1000;
const RETRY_MS = 200;

type Handler = (message: FanoutMessage) => void;

interface Subscription {
	meetingId: string;
	stream: string;
	channel: string;
	handlers: Set<Handler>;
	/** Stream id read up to; null while the position is being taken. */
	lastId: string | null;
	/** Increased by every attempt to take a position, so that only the latest one counts. */
	generation: number;
}

/** `url` without its password, for log lines. */
function describeRedisUrl(url: string): string {
	const parsed = URL.parse(url);
	if (!parsed) return '(unparseable REDIS_URL)';
	parsed.password = '';
	return parsed.toString();
}

/** The invitation ids of a 'revoked' entry; anything else in it is ignored. */
function revokedIds(data: Buffer): string[] {
	try {
		const parsed: unknown = JSON.parse(data.toString('utf8'));
		return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
	} catch {
		return [];
	}
}

function fieldsOf(flat: Buffer[]): Map<string, Buffer> {
	const fields = new Map<string, Buffer>();
	for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i].toString('latin1'), flat[i + 1]);
	return fields;
}

function bytes(buffer: Buffer): Uint8Array {
	return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

export class RedisFanout implements Fanout {
	readonly shared = true;
	/** Identifies this process's entries and messages (random per start). */
	readonly instanceId = randomBytes(8).toString('hex');
	readonly #instanceBytes = Buffer.from(this.instanceId, 'latin1');
	readonly #log: Logger;
	readonly #metrics: Pick<SyncMetrics, 'fanoutLag'>;
	readonly #prefix: string;
	readonly #maxStreamLength: number;
	readonly #ttlSeconds: number;
	/** XADD, PUBLISH, XREVRANGE, CLIENT UNBLOCK: never blocks. */
	readonly #commands: Redis;
	/** Only the XREAD BLOCK loop. */
	readonly #reader: Redis;
	/** Subscriber mode, for awareness. */
	readonly #subscriber: Redis;
	readonly #subs = new Map<string, Subscription>();
	readonly #byStream = new Map<string, Subscription>();
	/** Meetings whose update could not be published; a resync marker follows once Redis answers. */
	readonly #unpublished = new Set<string>();
	#readerClientId: number | null = null;
	#reading = false;
	#wake: (() => void) | null = null;
	#closed = false;
	readonly #loop: Promise<void>;

	constructor(url: string, options: RedisFanoutOptions) {
		this.#log = options.log.child({ component: 'fanout', instance: this.instanceId });
		this.#metrics = options.metrics;
		this.#prefix = options.keyPrefix ?? 'motesrum:';
		this.#maxStreamLength = options.maxStreamLength ?? 1000;
		this.#ttlSeconds = options.streamTtlSeconds ?? 24 * 60 * 60;
		const base: RedisOptions = { connectTimeout: 3000, lazyConnect: false };
		// Commands fail at once while Redis is away: a missed publish is replaced by a resync marker, never queued.
		this.#commands = new Redis(url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
		// An XREAD interrupted by a disconnect must fail (the loop takes new positions), not be resent:
		// without maxRetriesPerRequest 0, ioredis would drop it unsettled and the loop would hang.
		this.#reader = new Redis(url, {
			...base,
			enableOfflineQueue: false,
			autoResendUnfulfilledCommands: false,
			maxRetriesPerRequest: 0
		});
		// SUBSCRIBE issued while disconnected waits for the connection; ioredis resubscribes after reconnects.
		this.#subscriber = new Redis(url, { ...base, maxRetriesPerRequest: null });

		const where = describeRedisUrl(url);
		this.#watch(this.#commands, 'commands', where, () => {
			this.#publishResyncMarkers();
			for (const sub of this.#subs.values()) if (sub.lastId === null) void this.#takePosition(sub);
		});
		let readerConnectedBefore = false;
		this.#watch(this.#reader, 'reader', where, () => {
			this.#readerClientId = null;
			// After a reconnect every position is suspect (Redis may have restarted empty); on the first connect only missing ones.
			for (const sub of this.#subs.values()) {
				if (readerConnectedBefore || sub.lastId === null) void this.#takePosition(sub);
			}
			readerConnectedBefore = true;
			this.#wake?.();
		});
		this.#watch(this.#subscriber, 'subscriber', where, () => {});
		this.#subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.#onAwareness(channel, message));
		this.#loop = this.#readLoop();
	}

	/** Logs each outage once (not every reconnect attempt) and runs `onReady` after every (re)connect. */
	#watch(redis: Redis, role: string, where: string, onReady: () => void): void {
		let down = false;
		const lost = (reason: string) => {
			if (down || this.#closed) return;
			down = true;
			this.#log.warn({ role, redis: where, err: reason }, 'Redis unavailable, fan-out degraded');
		};
		redis.on('error', (error: Error) => lost(error.message));
		redis.on('close', () => lost('connection closed'));
		redis.on('ready', () => {
			if (down) this.#log.info({ role, redis: where }, 'Redis connection back');
			down = false;
			onReady();
		});
	}

	publish(meetingId: string, message: FanoutMessage): void {
		if (this.#closed) return;
		if (message.kind === 'awareness') {
			// Ephemeral: a lost presence update is replaced by the client's next one (every 15 s at most).
			this.#commands
				.publish(this.#channel(meetingId), Buffer.concat([this.#instanceBytes, message.update]))
				.catch(() => {});
			return;
		}
		// Closing connections must reach every instance, like updates: they go through the stream.
		if (message.kind === 'revoked') this.#append(meetingId, 'x', Buffer.from(JSON.stringify(message.invitationIds)));
		else if (message.kind === 'deleted') this.#append(meetingId, 'g', null);
		else if (message.kind === 'update') this.#append(meetingId, 'u', message.update);
		else this.#append(meetingId, 'r', null);
	}

	/**
	 * XADD of one entry plus a TTL refresh, in one round trip. Kinds: 'u' update, 'r' resync
	 * marker, 'x' revoked invitations (JSON ids), 'g' meeting deleted.
	 */
	#append(meetingId: string, kind: 'u' | 'r' | 'x' | 'g', data: Uint8Array | null): void {
		const stream = this.#stream(meetingId);
		const fields: (string | Buffer)[] = ['i', this.instanceId, 'k', kind];
		if (data) fields.push('d', Buffer.from(data.buffer, data.byteOffset, data.byteLength));
		this.#commands
			.pipeline()
			.xadd(stream, 'MAXLEN', '~', this.#maxStreamLength, '*', ...fields)
			.expire(stream, this.#ttlSeconds)
			.exec()
			.then((results) => {
				const failed = results?.find(([error]) => error)?.[0];
				if (failed) throw failed;
			})
			.catch(() => {
				// Stored already; the peers re-read the storage once the marker gets through.
				this.#unpublished.add(meetingId);
			});
	}

	#publishResyncMarkers(): void {
		const meetings = [...this.#unpublished];
		this.#unpublished.clear();
		for (const meetingId of meetings) this.#append(meetingId, 'r', null);
		if (meetings.length > 0) this.#log.info({ meetings: meetings.length }, 'asked peers to resync after failed publishes');
	}

	subscribe(meetingId: string, handler: Handler): () => void {
		let sub = this.#subs.get(meetingId);
		if (!sub) {
			sub = {
				meetingId,
				stream: this.#stream(meetingId),
				channel: this.#channel(meetingId),
				handlers: new Set(),
				lastId: null,
				generation: 0
			};
			this.#subs.set(meetingId, sub);
			this.#byStream.set(sub.stream, sub);
			this.#subscriber.subscribe(sub.channel).catch((error: Error) => {
				this.#log.warn({ meetingId, err: error.message }, 'awareness subscription failed');
			});
			void this.#takePosition(sub);
		}
		sub.handlers.add(handler);
		const current = sub;
		return () => {
			current.handlers.delete(handler);
			if (current.handlers.size > 0 || this.#subs.get(meetingId) !== current) return;
			this.#subs.delete(meetingId);
			this.#byStream.delete(current.stream);
			current.generation++;
			if (!this.#closed) this.#subscriber.unsubscribe(current.channel).catch(() => {});
		};
	}

	/**
	 * Reads from the stream's current end from now on, then tells the handlers to
	 * resync: what was published before the position is in the storage already.
	 */
	async #takePosition(sub: Subscription): Promise<void> {
		const generation = ++sub.generation;
		sub.lastId = null;
		let lastId: string;
		try {
			const last = await this.#commands.xrevrange(sub.stream, '+', '-', 'COUNT', 1);
			lastId = last.length > 0 ? last[0][0] : '0-0';
		} catch {
			// Retried when the commands or the reader connection is ready again.
			return;
		}
		if (sub.generation !== generation || this.#subs.get(sub.meetingId) !== sub) return;
		sub.lastId = lastId;
		this.#deliver(sub, { kind: 'resync' });
		this.#interruptRead();
	}

	/** Makes a blocked XREAD return now, so that it is issued again with the new subscriptions. */
	#interruptRead(): void {
		this.#wake?.();
		if (this.#reading && this.#readerClientId !== null) {
			this.#commands.client('UNBLOCK', this.#readerClientId).catch(() => {});
		}
	}

	async #readLoop(): Promise<void> {
		while (!this.#closed) {
			const subs = [...this.#subs.values()].filter((sub) => sub.lastId !== null);
			if (subs.length === 0 || this.#reader.status !== 'ready') {
				await this.#sleep(subs.length === 0 ? BLOCK_MS : RETRY_MS);
				continue;
			}
			try {
				this.#readerClientId ??= Number(await this.#reader.client('ID'));
				this.#reading = true;
				const result = await this.#reader.xreadBuffer(
					'COUNT',
					READ_COUNT,
					'BLOCK',
					BLOCK_MS,
					'STREAMS',
					...subs.map((sub) => sub.stream),
					...subs.map((sub) => sub.lastId!)
				);
				this.#reading = false;
				if (result) this.#receive(result);
			} catch {
				this.#reading = false;
				// The reader's 'ready' handler takes new positions; until then, wait.
				if (!this.#closed) await this.#sleep(RETRY_MS);
			}
		}
	}

	#receive(result: [key: Buffer, items: [id: Buffer, fields: Buffer[]][]][]): void {
		for (const [key, entries] of result) {
			const sub = this.#byStream.get(key.toString('latin1'));
			if (!sub || sub.lastId === null) continue;
			for (const [id, flat] of entries) {
				sub.lastId = id.toString('latin1');
				const fields = fieldsOf(flat);
				if (fields.get('i')?.toString('latin1') === this.instanceId) continue;
				const kind = fields.get('k')?.toString('latin1');
				const data = fields.get('d');
				if (kind === 'u' && data) {
					this.#metrics.fanoutLag((Date.now() - Number.parseInt(sub.lastId, 10)) / 1000);
					this.#deliver(sub, { kind: 'update', update: bytes(data) });
				}
				else if (kind === 'r') this.#deliver(sub, { kind: 'resync' });
				else if (kind === 'g') this.#deliver(sub, { kind: 'deleted' });
				else if (kind === 'x' && data) this.#deliver(sub, { kind: 'revoked', invitationIds: revokedIds(data) });
			}
			// A full batch: the reader lags, and entries older than the trimmed length may be gone.
			if (entries.length >= READ_COUNT) this.#deliver(sub, { kind: 'resync' });
		}
	}

	#onAwareness(channel: Buffer, message: Buffer): void {
		const sub = this.#subs.get(this.#meetingOfChannel(channel.toString('latin1')) ?? '');
		if (!sub || message.length < this.#instanceBytes.length) return;
		if (message.subarray(0, this.#instanceBytes.length).equals(this.#instanceBytes)) return;
		this.#deliver(sub, { kind: 'awareness', update: bytes(message.subarray(this.#instanceBytes.length)) });
	}

	#deliver(sub: Subscription, message: FanoutMessage): void {
		for (const handler of sub.handlers) {
			try {
				handler(message);
			} catch (error) {
				this.#log.error({ meetingId: sub.meetingId, err: (error as Error).message }, 'fan-out handler failed');
			}
		}
	}

	#sleep(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.#wake = null;
				resolve();
			}, ms);
			this.#wake = () => {
				clearTimeout(timer);
				this.#wake = null;
				resolve();
			};
		});
	}

	#stream(meetingId: string): string {
		return `${this.#prefix}m:${meetingId}:u`;
	}

	#channel(meetingId: string): string {
		return `${this.#prefix}m:${meetingId}:a`;
	}

	#meetingOfChannel(channel: string): string | null {
		const head = `${this.#prefix}m:`;
		if (!channel.startsWith(head) || !channel.endsWith(':a')) return null;
		return channel.slice(head.length, -2);
	}

	async health(): Promise<'ok' | 'unavailable'> {
		const ready = [this.#commands, this.#reader, this.#subscriber].every((redis) => redis.status === 'ready');
		return ready ? 'ok' : 'unavailable';
	}

	async close(): Promise<void> {
		if (this.#closed) return;
		this.#closed = true;
		this.#wake?.();
		// Rejects a pending XREAD, which ends the loop.
		this.#reader.disconnect();
		await this.#loop;
		this.#subscriber.disconnect();
		// QUIT lets the XADDs already sent finish; a Redis that is away gets no say.
		await Promise.race([this.#commands.quit().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000))]);
		this.#commands.disconnect();
	}
}
