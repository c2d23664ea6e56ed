/**
 * The y-websocket wire format as the server sees it: one frame is one message,
 * `varUint type` then a type-specific body. Decoding is strict (unknown types and
 * trailing bytes are errors) so that a confused or hostile client is dropped at
 * once instead of half-applied.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import {
	MESSAGE_AWARENESS,
	MESSAGE_QUERY_AWARENESS,
	MESSAGE_SAVED,
	MESSAGE_SYNC,
	SYNC_STEP1,
	SYNC_STEP2,
	SYNC_UPDATE
} from '../../src/lib/protocol/index.ts';

export type ClientMessage =
	| { type: 'sync-step1'; stateVector: Uint8Array }
	/** Sync step 2 and incremental updates are handled alike: both carry a Yjs update. */
	| { type: 'update'; update: Uint8Array }
	| { type: 'awareness'; update: Uint8Array }
	| { type: 'query-awareness' };

export class BadMessageError extends Error {}

export function decodeClientMessage(frame: Uint8Array): ClientMessage {
	let message: ClientMessage;
	const decoder = decoding.createDecoder(frame);
	try {
		const type = decoding.readVarUint(decoder);
		if (type === MESSAGE_SYNC) {
			const syncType = decoding.readVarUint(decoder);
			const payload = decoding.readVarUint8Array(decoder);
			if (syncType === SYNC_STEP1) message = { type: 'sync-step1', stateVector: payload };
			else if (syncType === SYNC_STEP2 || syncType === SYNC_UPDATE) message = { type: 'update', update: payload };
			else throw new BadMessageError(`unknown sync message type ${syncType}`);
		} else if (type === MESSAGE_AWARENESS) {
			message = { type: 'awareness', update: decoding.readVarUint8Array(decoder) };
		} else if (type === MESSAGE_QUERY_AWARENESS) {
			message = { type: 'query-awareness' };
		} else {
			throw new BadMessageError(`unknown message type ${type}`);
		}
	} catch (error) {
		if (error instanceof BadMessageError) throw error;
		throw new BadMessageError(`truncated frame: ${(error as Error).message}`);
	}
	if (decoding.hasContent(decoder)) throw new BadMessageError('trailing bytes after message');
	return message;
}

function syncFrame(syncType: number, payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, syncType);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => syncFrame(SYNC_STEP1, stateVector);
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => syncFrame(SYNC_STEP2, update);
export const encodeUpdate = (update: Uint8Array): Uint8Array => syncFrame(SYNC_UPDATE, update);

export function encodeAwareness(update: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

/** A Yjs v1 update with no structs and no deletions (what an up-to-date client sends as sync step 2). */
export function isEmptyUpdate(update: Uint8Array): boolean {
	return update.length === 2 && update[0] === 0 && update[1] === 0;
}

/**
 * A message framed once for every recipient: the unmasked binary websocket frame a server
 * sends (RFC 6455: FIN + binary opcode, then the length), header and payload in one buffer,
 * so a room writes the same bytes to each socket instead of framing it per socket.
 */
export interface SharedFrame {
	message: Uint8Array;
	framed: Buffer;
}

export function shareFrame(message: Uint8Array): SharedFrame {
	const { framed, header } = frameFor(message.byteLength);
	framed.set(message, header);
	return { message, framed };
}

/** A buffer for a server frame of `length` payload bytes, its websocket header written. */
function frameFor(length: number): { framed: Buffer; header: number } {
	const header = length < 126 ? 2 : length < 65536 ? 4 : 10;
	const framed = Buffer.allocUnsafe(header + length);
	framed[0] = 0x82;
	if (header === 2) framed[1] = length;
	else if (header === 4) {
		framed[1] = 126;
		framed.writeUInt16BE(length, 2);
	} else {
		framed[1] = 127;
		framed.writeBigUInt64BE(BigInt(length), 2);
	}
	return { framed, header };
}

function varUintLength(value: number): number {
	let length = 1;
	while (value > 0x7f) {
		value = Math.floor(value / 128);
		length++;
	}
	return length;
}

/** Writes `value` as lib0's varUint at `offset`; returns the offset after it. */
function putVarUint(target: Uint8Array, offset: number, value: number): number {
	while (value > 0x7f) {
		target[offset++] = 0x80 | (value & 0x7f);
		value = Math.floor(value / 128);
	}
	target[offset++] = value;
	return offset;
}

/**
 * `shareFrame(encodeUpdate(update))` in one allocation: the sync update message is written
 * straight into the websocket frame, and `message` is a view of it (the same bytes).
 */
export function shareUpdateFrame(update: Uint8Array): SharedFrame {
	const body = 2 + varUintLength(update.byteLength) + update.byteLength;
	const { framed, header } = frameFor(body);
	let offset = putVarUint(framed, header, MESSAGE_SYNC);
	offset = putVarUint(framed, offset, SYNC_UPDATE);
	offset = putVarUint(framed, offset, update.byteLength);
	framed.set(update, offset);
	return { message: new Uint8Array(framed.buffer, framed.byteOffset + header, body), framed };
}

/**
 * `encodeSaved(Y.encodeStateVector(clocks))` (src/lib/protocol) in one allocation: MESSAGE_SAVED,
 * then the state vector as Yjs writes it (the number of clients, then client and clock pairs,
 * highest client id first), length-prefixed.
 */
export function encodeSavedClocks(clocks: ReadonlyMap<number, number>): Uint8Array {
	const entries = [...clocks].sort((a, b) => b[0] - a[0]);
	let vector = varUintLength(entries.length);
	for (const [client, clock] of entries) vector += varUintLength(client) + varUintLength(clock);
	const out = new Uint8Array(varUintLength(MESSAGE_SAVED) + varUintLength(vector) + vector);
	let offset = putVarUint(out, 0, MESSAGE_SAVED);
	offset = putVarUint(out, offset, vector);
	offset = putVarUint(out, offset, entries.length);
	for (const [client, clock] of entries) {
		offset = putVarUint(out, offset, client);
		offset = putVarUint(out, offset, clock);
	}
	return out;
}
