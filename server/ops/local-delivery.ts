/**
 * The fan-out with one addition: `deliver` hands a message that the server itself stored
 * (an erasure) to this instance's open rooms as well as to the other instances. A plain
 * fan-out never delivers an instance's own messages back to it; rooms apply a delivered
 * update like one from another instance (stored already, sent on to every client).
 */
import type { Fanout, FanoutMessage } from '../sync/fanout.ts';

export class LocalDelivery implements Fanout {
	readonly inner: Fanout;
	readonly #handlers = new Map<string, Set<(message: FanoutMessage) => void>>();

	constructor(inner: Fanout) {
		this.inner = inner;
	}

	get shared(): boolean | undefined {
		return this.inner.shared;
	}

	publish(meetingId: string, message: FanoutMessage): void {
		this.inner.publish(meetingId, message);
	}

	subscribe(meetingId: string, handler: (message: FanoutMessage) => void): () => void {
		let handlers = this.#handlers.get(meetingId);
		if (!handlers) this.#handlers.set(meetingId, (handlers = new Set()));
		handlers.add(handler);
		const unsubscribe = this.inner.subscribe(meetingId, handler);
		return () => {
			handlers.delete(handler);
			if (handlers.size === 0 && this.#handlers.get(meetingId) === handlers) this.#handlers.delete(meetingId);
			unsubscribe();
		};
	}

	deliver(meetingId: string, message: FanoutMessage): void {
		for (const handler of [...(this.#handlers.get(meetingId) ?? [])]) handler(message);
		this.inner.publish(meetingId, message);
	}

	health(): Promise<'ok' | 'unavailable'> {
		return this.inner.health();
	}

	close(): Promise<void> {
		return this.inner.close();
	}
}
