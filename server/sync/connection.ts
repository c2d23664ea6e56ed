/**
 * One client's websocket: rate limiting, a queue for frames that arrive before the
 * room is ready, liveness pings and the close codes. It knows nothing of Yjs; the
 * room it is attached to interprets the frames.
 */
import type { Socket } from 'node:net';
import type { WebSocket, RawData } from 'ws';
import { CLOSE, type Notice, encodeNotice } from '../../src/lib/protocol/index.ts';
import type { RateLimitConfig } from '../config.ts';
import type { Logger } from '../log.ts';
import type { SharedFrame } from './messages.ts';
import type { AccessContext, DocumentPart } from './policy.ts';
import type { SyncMetrics } from '../metrics/metrics.ts';
import { TokenBucket } from '../shared/rate-limit.ts';
import { corkForTurn } from '../shared/turn.ts';

/** Frames queued while the room loads; beyond this the client is asked to come back later. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** A client that reads slower than this much backlog is dropped (it reconnects and resyncs). */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const PING_INTERVAL_MS = 30_000;

export interface ConnectionOptions {
	meetingId: string;
	/** The meeting document (default) or its confidential part. */
	part?: DocumentPart;
	access: AccessContext;
	canWrite: boolean;
	rateLimit: RateLimitConfig;
	log: Logger;
	/** Refusals this connection makes itself (read-only, rate limit, bad frames) are counted here. */
	metrics: SyncMetrics;
	/** False when the client shows nobody's presence (`?presence=off`): it is sent none. */
	wantsPresence?: boolean;
}

type FrameHandler = (connection: Connection, frame: Uint8Array) => void;

/**
 * Every frame a connection is sent within one event-loop turn (updates of several writers,
 * presence, SAVED) leaves in one write instead of one syscall and TCP segment each, and only
 * after the turn's appends are committed (`shared/turn.ts`). `_socket` is the net.Socket
 * under a ws WebSocket (not in its types, stable across ws 8).
 */
function cork(ws: WebSocket): void {
	const socket = (ws as unknown as { _socket?: Socket })._socket;
	if (socket) corkForTurn(socket);
}

let nextId = 1;

export class Connection {
	readonly id = nextId++;
	readonly meetingId: string;
	readonly part: DocumentPart;
	readonly access: AccessContext;
	/**
	 * Whether document updates from this connection are applied; read-only connections
	 * still receive everything. Decided at the upgrade; `revokeWrite` can only take it away.
	 */
	get canWrite(): boolean {
		return this.#canWrite;
	}
	readonly log: Logger;
	/** Awareness client ids this connection announced; removed for everyone when it closes. */
	readonly awarenessClients = new Set<number>();
	/** Whether others' presence is sent to this client at all (it may still announce its own). */
	readonly wantsPresence: boolean;
	#lastSentAt = performance.now();
	#closed = false;
	#canWrite: boolean;
	#readOnlyNoticeSent = false;

	readonly #ws: WebSocket;
	readonly #metrics: SyncMetrics;
	readonly #bucket: TokenBucket;
	#handler: FrameHandler | null = null;
	#queue: Uint8Array[] = [];
	#queuedBytes = 0;
	#alive = true;
	readonly #ping: NodeJS.Timeout;
	readonly #closeListeners: (() => void)[] = [];

	constructor(ws: WebSocket, options: ConnectionOptions) {
		this.#ws = ws;
		this.meetingId = options.meetingId;
		this.part = options.part ?? 'main';
		this.access = options.access;
		this.#canWrite = options.canWrite;
		this.wantsPresence = options.wantsPresence ?? true;
		this.#metrics = options.metrics;
		this.log = options.log.child({ meetingId: options.meetingId, connection: this.id, ...(this.part === 'main' ? {} : { part: this.part }) });
		this.#bucket = new TokenBucket(options.rateLimit.perSecond, options.rateLimit.burst);

		ws.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
		ws.on('pong', () => (this.#alive = true));
		ws.on('close', () => this.#onClosed());
		// ws reports protocol violations (e.g. a frame above maxPayload) here and then closes the socket.
		ws.on('error', (error) => this.log.warn({ err: error.message }, 'websocket error'));
		this.#ping = setInterval(() => {
			if (!this.#alive) {
				this.log.info('no pong within the ping interval, terminating');
				ws.terminate();
				return;
			}
			this.#alive = false;
			ws.ping();
		}, PING_INTERVAL_MS);
		this.#ping.unref();
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** performance.now() of the last frame sent: the stock client reconnects after 30 s without one. */
	get lastSentAt(): number {
		return this.#lastSentAt;
	}

	/** Starts delivering frames to `handler`, first the ones queued so far. */
	attach(handler: FrameHandler): void {
		this.#handler = handler;
		const queued = this.#queue;
		this.#queue = [];
		this.#queuedBytes = 0;
		for (const frame of queued) {
			if (this.#closed) return;
			handler(this, frame);
		}
	}

	send(frame: Uint8Array): void {
		if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
		if (this.#ws.bufferedAmount > MAX_BUFFERED_BYTES) {
			this.close(CLOSE.UNAVAILABLE, 'client too slow');
			return;
		}
		cork(this.#ws);
		this.#ws.send(frame);
		this.#lastSentAt = performance.now();
	}

	/**
	 * Sends a message framed once for many recipients (`shareFrame`): its bytes go straight to
	 * the socket. Sound while no extension is negotiated (the server offers none, so frames are
	 * never compressed) and because ws writes each frame of its own whole, within one call:
	 * nothing of another frame can sit between. With an extension it goes through ws.
	 */
	sendShared(frame: SharedFrame, now = performance.now()): void {
		const socket = (this.#ws as unknown as { _socket?: Socket })._socket;
		if (!socket || this.#ws.extensions !== '') {
			this.send(frame.message);
			return;
		}
		if (this.#closed || this.#ws.readyState !== this.#ws.OPEN) return;
		if (this.#ws.bufferedAmount > MAX_BUFFERED_BYTES) {
			this.close(CLOSE.UNAVAILABLE, 'client too slow');
			return;
		}
		corkForTurn(socket);
		socket.write(frame.framed);
		this.#lastSentAt = now;
	}

	notice(notice: Notice): void {
		this.send(encodeNotice(notice));
	}

	/** Tells a read-only connection once that its edits are not kept. */
	refuseWrite(): void {
		this.#metrics.writeRefused(this.access.meeting.frozenAt ? 'frozen' : 'read-only');
		if (this.#readOnlyNoticeSent) return;
		this.#readOnlyNoticeSent = true;
		this.notice({ code: this.access.meeting.frozenAt ? 'frozen' : 'read-only', message: 'Edits are not saved for this connection.' });
	}

	/** Makes a writer read-only from now on (the minutes were approved), telling it once. */
	revokeWrite(notice: Notice): void {
		if (!this.#canWrite) return;
		this.#canWrite = false;
		this.#readOnlyNoticeSent = true;
		this.notice(notice);
	}

	close(code: number, reason: string): void {
		if (this.#closed) return;
		this.#ws.close(code, reason);
		this.#onClosed();
	}

	onClose(listener: () => void): void {
		if (this.#closed) listener();
		else this.#closeListeners.push(listener);
	}

	#onMessage(data: RawData, isBinary: boolean): void {
		if (this.#closed) return;
		if (!this.#bucket.take()) {
			this.log.warn('rate limit exceeded, closing');
			this.#metrics.writeRefused('rate-limited');
			this.close(CLOSE.RATE_LIMITED, 'too many messages');
			return;
		}
		if (!isBinary || !Buffer.isBuffer(data)) {
			this.badMessage('text frame');
			return;
		}
		const frame = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		if (this.#handler) {
			this.#handler(this, frame);
			return;
		}
		this.#queuedBytes += frame.byteLength;
		if (this.#queuedBytes > MAX_QUEUED_BYTES) {
			this.close(CLOSE.UNAVAILABLE, 'too much data while loading');
			return;
		}
		this.#queue.push(frame);
	}

	/** Drops this connection for an undecodable frame: one log line, no stack trace. */
	badMessage(reason: string): void {
		this.log.warn({ reason }, 'bad message, closing connection');
		this.#metrics.writeRefused('bad-message');
		this.close(CLOSE.BAD_MESSAGE, 'bad message');
	}

	#onClosed(): void {
		if (this.#closed) return;
		this.#closed = true;
		clearInterval(this.#ping);
		this.#queue = [];
		for (const listener of this.#closeListeners.splice(0)) listener();
	}
}
