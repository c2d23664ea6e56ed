/**
 * The seam for running several server instances behind one load balancer: each
 * instance publishes what its own clients sent (after storing it) and applies what
 * the others published. One instance needs nothing, so the default is a no-op; a
 * Redis pub/sub implementation plugs in here later. An implementation must not
 * deliver an instance's own messages back to it.
 */
export type FanoutMessage =
	/** A Yjs update that is already durably stored by the publishing instance. */
	| { kind: 'update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array };

export interface Fanout {
	publish(meetingId: string, message: FanoutMessage): void;
	/** Returns the unsubscribe function; the room calls it when it unloads. */
	subscribe(meetingId: string, handler: (message: FanoutMessage) => void): () => void;
	/** Reported by /healthz; 'ok' for the single-instance default. */
	health(): Promise<'ok' | 'unavailable'>;
	close(): Promise<void>;
}

export const singleInstance: Fanout = {
	publish() {},
	subscribe: () => () => {},
	health: async () => 'ok',
	close: async () => {}
};
