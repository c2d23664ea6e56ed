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
	const length = message.byteLength;
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
	framed.set(message, header);
	return { message, framed };
}
