/**
 * Which presence frame each connection of a meeting gets when the room flushes the
 * presence changes of one interval. The changed client ids go to everyone who shows
 * presence, except a connection's own ids (it knows its own state). A connection whose
 * only news would be its own state gets nothing, unless it has been sent nothing for
 * KEEPALIVE_MS: the stock y-websocket client reconnects after 30 s without a message, and
 * renews its own state every 15 s, so a lone client still hears back. Connections that
 * opted out (`wantsPresence` false) get nothing.
 *
 * Each changed state is encoded once (its JSON is the costly part) and the frames are put
 * together from those entries, so a frame per sender costs copying bytes, not JSON.
 */
import * as encoding from 'lib0/encoding';
import { MESSAGE_AWARENESS } from '../../src/lib/protocol/index.ts';

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
 * One client's entry of a y-protocols awareness update (`varUint clientID, varUint clock,
 * varString JSON state`), what `encodeAwarenessUpdate` writes per client.
 */
export function awarenessEntry(clientId: number, clock: number, state: unknown): Uint8Array {
	return awarenessEntryJson(clientId, clock, JSON.stringify(state ?? null));
}

/** `awarenessEntry` from the state's JSON, when the caller has it already. */
export function awarenessEntryJson(clientId: number, clock: number, json: string): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, clientId);
	encoding.writeVarUint(encoder, clock);
	encoding.writeVarString(encoder, json);
	return encoding.toUint8Array(encoder);
}

/** An awareness update (what `encodeAwarenessUpdate` makes) from entries made by `awarenessEntry`. */
export function awarenessUpdateOf(entries: readonly Uint8Array[]): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, entries.length);
	for (const entry of entries) encoding.writeUint8Array(encoder, entry);
	return encoding.toUint8Array(encoder);
}

/**
 * The awareness frame (MESSAGE_AWARENESS) per recipient; `entry(id)` encodes one client's
 * entry (`awarenessEntry`) and is called once per changed id.
 */
export function presenceFrames<R extends PresenceRecipient>(
	recipients: Iterable<R>,
	changed: readonly number[],
	now: number,
	entry: (clientId: number) => Uint8Array
): Map<R, Uint8Array> {
	const frames = new Map<R, Uint8Array>();
	if (changed.length === 0) return frames;
	const entries = new Map<number, Uint8Array>();
	const frameOf = (ids: readonly number[]): Uint8Array => {
		const update = encoding.createEncoder();
		encoding.writeVarUint(update, ids.length);
		for (const id of ids) {
			let bytes = entries.get(id);
			if (!bytes) entries.set(id, (bytes = entry(id)));
			encoding.writeUint8Array(update, bytes);
		}
		const frame = encoding.createEncoder();
		encoding.writeVarUint(frame, MESSAGE_AWARENESS);
		encoding.writeVarUint8Array(frame, encoding.toUint8Array(update));
		return encoding.toUint8Array(frame);
	};
	const changedSet = new Set(changed);
	let common: Uint8Array | null = null;
	for (const recipient of recipients) {
		if (!recipient.wantsPresence) continue;
		let own = 0;
		for (const id of recipient.awarenessClients) if (changedSet.has(id)) own++;
		if (own === 0) {
			frames.set(recipient, (common ??= frameOf(changed)));
		} else if (own < changed.length) {
			frames.set(recipient, frameOf(changed.filter((id) => !recipient.awarenessClients.has(id))));
		} else if (now - recipient.lastSentAt >= KEEPALIVE_MS) {
			frames.set(recipient, (common ??= frameOf(changed)));
		}
	}
	return frames;
}
