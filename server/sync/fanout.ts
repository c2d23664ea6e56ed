/**
 * The seam for running several server instances behind one load balancer: each
 * instance publishes what its own clients sent (after storing it) and applies what
 * the others published. One instance needs nothing, so the default is a no-op;
 * `redis-fanout.ts` is the multi-instance implementation. An implementation must not
 * deliver an instance's own messages back to it.
 *
 * The storage stays the source of truth: a fan-out may lose messages (an outage, a
 * peer that crashed between storing and publishing). Whenever it may have, it
 * delivers `resync`, and the room re-reads the storage.
 */
export type FanoutMessage =
	/** A Yjs update that is already durably stored by the publishing instance. */
	| { kind: 'update'; update: Uint8Array }
	| { kind: 'awareness'; update: Uint8Array }
	/** These invitations were revoked: close their connections on every instance. */
	| { kind: 'revoked'; invitationIds: string[] }
	/** The meeting was deleted: close its connections on every instance. */
	| { kind: 'deleted' }
	/**
	 * Updates may have been missed: re-read the stored state. Delivered after every
	 * (re)subscription, so a read that starts after it covers everything stored
	 * before, and everything stored later arrives as `update`s.
	 */
	| { kind: 'resync' };

export interface Fanout {
	/**
	 * True when other instances may write to the same meetings. Rooms then also
	 * re-read the storage when a connection joins: after an instance crashed, its
	 * clients arrive elsewhere, and what it stored but never published is picked up.
	 */
	readonly shared?: boolean;
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
