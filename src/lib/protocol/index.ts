/**
 * The wire contract between the browser and the sync server, beside the standard
 * y-websocket messages (0 sync, 1 awareness, 2 auth, 3 query awareness).
 * Imported by both sides; imports nothing but lib0 (the rest of the contract: README.md).
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

/** The sub-types of a MESSAGE_SYNC frame (y-protocols/sync): step 1 carries a state vector, step 2 and update a Yjs update. */
export const SYNC_STEP1 = 0;
export const SYNC_STEP2 = 1;
export const SYNC_UPDATE = 2;

/**
 * Server → client: a state vector of what is durably stored for this meeting.
 * Sent in full right after the server's first sync step, and after each stored
 * update with the clocks that update reached. A client takes the maximum per
 * client id; whatever its own document holds beyond that still waits to be saved.
 * Clients without a handler for this type ignore it (y-websocket logs and drops).
 *
 * Ordering rule the client relies on (deletions carry no clocks, so they are confirmed
 * by counting): the first SAVED on a connection is the greeting; after it the server
 * sends exactly one SAVED per sync-step-2 or update frame it received on that
 * connection, in the order received, an empty sync step 2 included. A frame the server
 * refuses gets a NOTICE instead, after which the client stops counting on that connection.
 */
export const MESSAGE_SAVED = 100;

/**
 * Server → client: a notice as UTF-8 JSON `{ code, message }` (for example that the
 * meeting is read-only for this connection). Never carries document data.
 */
export const MESSAGE_NOTICE = 101;

/** WebSocket close codes. 4400–4499 are permanent (the stock client stops reconnecting); 45xx are "try again later". */
export const CLOSE = {
	/** An undecodable or unknown frame: the connection is dropped, the meeting is unharmed. */
	BAD_MESSAGE: 4400,
	/** The token is missing, wrong or revoked. */
	UNAUTHORIZED: 4401,
	/** The connection's role may not do what it tried, or it wrote under a Yjs client id that is someone else's. */
	FORBIDDEN: 4403,
	/** The meeting does not exist (or was deleted). */
	NOT_FOUND: 4404,
	/** A single frame or the document exceeded its size limit. */
	TOO_LARGE: 4413,
	/** An update that does not fit the document's schema (wrong type, shape or bounds). */
	INVALID: 4422,
	/** Too many messages too fast: reconnect later. */
	RATE_LIMITED: 4529,
	/** The server is shutting down or the storage is unavailable: reconnect later. */
	UNAVAILABLE: 4503
} as const;

/** Meeting ids are 22 URL-safe base64 characters (128 random bits). */
export const MEETING_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function isMeetingId(value: unknown): value is string {
	return typeof value === 'string' && MEETING_ID_PATTERN.test(value);
}

export function encodeSaved(stateVector: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SAVED);
	encoding.writeVarUint8Array(encoder, stateVector);
	return encoding.toUint8Array(encoder);
}

/** Reads the body of a MESSAGE_SAVED frame whose type has already been read. */
export function readSaved(decoder: decoding.Decoder): Uint8Array {
	return decoding.readVarUint8Array(decoder);
}

export interface Notice {
	/**
	 * 'forbidden': the connection's role may not make that change (sent before a 4403 close);
	 * 'too-large': the meeting reached its size limit (sent before a 4413 close);
	 * 'invalid': the edit does not fit the meeting's schema (sent before a 4422 close).
	 */
	code: 'read-only' | 'frozen' | 'not-found' | 'storage-unavailable' | 'rate-limited' | 'forbidden' | 'too-large' | 'invalid';
	message: string;
}

export function encodeNotice(notice: Notice): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_NOTICE);
	encoding.writeVarString(encoder, JSON.stringify(notice));
	return encoding.toUint8Array(encoder);
}

export function readNotice(decoder: decoding.Decoder): Notice {
	return JSON.parse(decoding.readVarString(decoder)) as Notice;
}
