/**
 * The fan-out between the workers of one instance (WORKERS > 1, no REDIS_URL), relayed by
 * the primary (primary.ts). Shared: another worker may write to the same meeting (an API
 * write, an erasure, a connection the primary could not give to the meeting's own worker).
 *
 * A worker tells the primary which keys it subscribes to; the primary acknowledges each
 * subscription and the worker then delivers `resync` (the room re-reads the storage), so
 * what was stored before is read and what is stored later arrives as an update. Publishing
 * costs a message to the primary only when it can matter: a worker that knows no other
 * worker subscribes to a key it subscribes to itself keeps its updates. The primary makes
 * that knowledge safe: before it acknowledges a new subscriber, every worker already
 * subscribed has applied the new count (a barrier), so nothing stored after the new
 * subscriber's resync read goes unpublished. Keys a worker does not subscribe to (an API
 * write to a meeting served elsewhere) are always sent. A worker's own messages never come
 * back to it; when a worker dies, the primary sends `resync` to the others on its keys
 * (what it stored but never published is then read).
 */
import type { Logger } from '../log.ts';
import type { Fanout, FanoutMessage } from '../sync/fanout.ts';
import type { ToPrimary, ToWorker } from './messages.ts';

type Handler = (message: FanoutMessage) => void;

/** The IPC channel to the primary (`process` in a worker). */
export interface PrimaryChannel {
	send(message: ToPrimary): void;
	connected(): boolean;
}

interface Subscription {
	handlers: Set<Handler>;
	/** Numbers this subscription, so that the acknowledgement of an earlier one is not taken for it. */
	n: number;
	acknowledged: boolean;
	/** Workers besides this one that subscribe to the key (as last told by the primary). */
	others: number;
}

export class IpcFanout implements Fanout {
	readonly shared = true;
	readonly #channel: PrimaryChannel;
	readonly #log: Logger;
	readonly #subs = new Map<string, Subscription>();
	#next = 0;
	#closed = false;

	constructor(channel: PrimaryChannel, log: Logger) {
		this.#channel = channel;
		this.#log = log.child({ component: 'fanout' });
	}

	publish(key: string, message: FanoutMessage): void {
		if (this.#closed) return;
		const sub = this.#subs.get(key);
		if (sub && sub.acknowledged && sub.others === 0) return;
		this.#send({ t: 'motesrum:publish', key, message });
	}

	subscribe(key: string, handler: Handler): () => void {
		let sub = this.#subs.get(key);
		if (!sub) {
			sub = { handlers: new Set(), n: ++this.#next, acknowledged: false, others: 0 };
			this.#subs.set(key, sub);
			this.#send({ t: 'motesrum:subscribe', key, n: sub.n });
		}
		sub.handlers.add(handler);
		const current = sub;
		return () => {
			current.handlers.delete(handler);
			if (current.handlers.size > 0 || this.#subs.get(key) !== current) return;
			this.#subs.delete(key);
			this.#send({ t: 'motesrum:unsubscribe', key });
		};
	}

	/** A message from the primary; returns false when it is not the fan-out's. */
	receive(message: ToWorker): boolean {
		switch (message.t) {
			case 'motesrum:fanout': {
				const sub = this.#subs.get(message.key);
				if (sub && !this.#closed) this.#deliver(message.key, sub, message.message);
				return true;
			}
			case 'motesrum:subscribed': {
				const sub = this.#subs.get(message.key);
				if (!sub || sub.n !== message.n || this.#closed) return true;
				sub.acknowledged = true;
				sub.others = message.others;
				this.#deliver(message.key, sub, { kind: 'resync' });
				return true;
			}
			case 'motesrum:peers': {
				const sub = this.#subs.get(message.key);
				if (sub) sub.others = message.others;
				if (message.barrier !== undefined) this.#send({ t: 'motesrum:peers-ack', barrier: message.barrier });
				return true;
			}
			default:
				return false;
		}
	}

	#deliver(key: string, sub: Subscription, message: FanoutMessage): void {
		for (const handler of [...sub.handlers]) {
			try {
				handler(message);
			} catch (error) {
				this.#log.error({ key, err: (error as Error).message }, 'fan-out handler failed');
			}
		}
	}

	#send(message: ToPrimary): void {
		// The channel is gone only when the primary is (the worker exits then, see worker.ts).
		if (this.#channel.connected()) this.#channel.send(message);
	}

	async health(): Promise<'ok' | 'unavailable'> {
		return this.#channel.connected() ? 'ok' : 'unavailable';
	}

	async close(): Promise<void> {
		this.#closed = true;
	}
}
