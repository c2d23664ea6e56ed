/**
 * Which presence frame each connection of a meeting gets when the room flushes the
 * presence changes of one interval. The changed client ids go to everyone who shows
 * presence, except a connection's own ids (it knows its own state). A connection whose
 * only news would be its own state gets nothing, unless it has been sent nothing for
 * KEEPALIVE_MS: the stock y-websocket client reconnects after 30 s without a message, and
 * renews its own state every 15 s, so a lone client still hears back. Connections that
 * opted out (`wantsPresence` false) get nothing. Imports nothing; used by room.ts.
 */

/** Below the stock client's 15 s renewal, so every renewal of a lone client is echoed. */
export const KEEPALIVE_MS = 10_000;

export interface PresenceRecipient {
	readonly wantsPresence: boolean;
	/** The awareness client ids this connection announced. */
	readonly awarenessClients: ReadonlySet<number>;
	/** performance.now() of the last frame sent to it. */
	readonly lastSentAt: number;
}

/**
 * The frame per recipient; `encode(ids)` builds the awareness frame of those ids and is
 * called once for the common frame and once per recipient that announced some of them.
 */
export function presenceFrames<R extends PresenceRecipient>(
	recipients: Iterable<R>,
	changed: readonly number[],
	now: number,
	encode: (ids: number[]) => Uint8Array
): Map<R, Uint8Array> {
	const frames = new Map<R, Uint8Array>();
	if (changed.length === 0) return frames;
	const changedSet = new Set(changed);
	let common: Uint8Array | null = null;
	for (const recipient of recipients) {
		if (!recipient.wantsPresence) continue;
		let own = 0;
		for (const id of recipient.awarenessClients) if (changedSet.has(id)) own++;
		if (own === 0) {
			frames.set(recipient, (common ??= encode([...changed])));
		} else if (own < changed.length) {
			frames.set(recipient, encode(changed.filter((id) => !recipient.awarenessClients.has(id))));
		} else if (now - recipient.lastSentAt >= KEEPALIVE_MS) {
			frames.set(recipient, (common ??= encode([...changed])));
		}
	}
	return frames;
}
