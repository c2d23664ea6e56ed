/**
 * The IPC messages between the primary and its workers (WORKERS > 1). They travel over
 * Node's IPC channel with the 'advanced' serialization, so update bytes go as they are.
 * Every type starts with `motesrum:`; anything else on the channel (prom-client's metrics
 * requests, the bench's probe) is someone else's.
 */
import type { FanoutMessage } from '../sync/fanout.ts';

export type ToWorker =
	/** A connection for this worker (the socket travels as the message's handle) and the bytes the primary read of it. */
	| { t: 'motesrum:connection'; head: Uint8Array }
	/** Another worker published this on `key`. */
	| { t: 'motesrum:fanout'; key: string; message: FanoutMessage }
	/** The subscription numbered `n` is in place: deliver `resync`; `others` workers subscribe to `key` too. */
	| { t: 'motesrum:subscribed'; key: string; n: number; others: number }
	/** How many other workers subscribe to `key` now; with `barrier`, answer `peers-ack` once applied. */
	| { t: 'motesrum:peers'; key: string; others: number; barrier?: number }
	/** The instance's aggregated metrics, answering `metrics` number `id`. */
	| { t: 'motesrum:metrics'; id: number; contentType: string; body: string | null };

export type ToPrimary =
	/** The worker's server is up (storage open): it may be given connections. */
	| { t: 'motesrum:ready' }
	| { t: 'motesrum:publish'; key: string; message: FanoutMessage }
	| { t: 'motesrum:subscribe'; key: string; n: number }
	| { t: 'motesrum:unsubscribe'; key: string }
	| { t: 'motesrum:peers-ack'; barrier: number }
	/** The text of /metrics for the whole instance (every worker's registry, aggregated). */
	| { t: 'motesrum:metrics'; id: number };

export function isMessage(value: unknown): value is { t: string } {
	return typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string' && (value as { t: string }).t.startsWith('motesrum:');
}
