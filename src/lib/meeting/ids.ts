/**
 * Entity ids: 16 random URL-safe characters (96 bits). Random rather than derived from the
 * Yjs clientID, so two offline replicas never mint the same id and ids survive a client
 * reloading with a new clientID. getRandomValues works outside secure contexts too,
 * unlike crypto.randomUUID.
 */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function newId(): string {
	const bytes = new Uint8Array(16);
	globalThis.crypto.getRandomValues(bytes);
	let id = '';
	for (const byte of bytes) id += ALPHABET[byte & 63];
	return id;
}
